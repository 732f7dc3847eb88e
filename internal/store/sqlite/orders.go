package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

const orderColumns = `id, shop_id, external_id, market, currency, status, created_at, paid_at, updated_at,
	confirmed_at, received_at, modified_at, version, doc, needs_attention`

// lookupChunk bounds the IN list of one lookup, well under SQLite's parameter limit.
const lookupChunk = 500

// UpsertOrders implements store.Store. The whole batch is one write transaction, so the
// writer's exclusivity holds every key of the batch.
func (s *Store) UpsertOrders(ctx context.Context, shopID string, orders []model.Order, merge store.MergeFunc) ([]store.UpsertResult, error) {
	return s.UpsertOrdersJobs(ctx, shopID, orders, merge, nil)
}

// UpsertOrdersJobs implements store.OrderJobs.
func (s *Store) UpsertOrdersJobs(ctx context.Context, shopID string, orders []model.Order, merge store.MergeFunc, jobs store.UpsertJobsFunc) ([]store.UpsertResult, error) {
	var results []store.UpsertResult
	err := s.inTx(ctx, "upsert orders", func(tx *sql.Tx) error {
		stored, err := loadByExternalIDs(ctx, tx, shopID, orders)
		if err != nil {
			return err
		}
		var inserts, updates []model.Order
		results, inserts, updates = store.ApplyUpserts(stored, orders, merge)
		if err := insertOrders(ctx, tx, inserts); err != nil {
			return err
		}
		for i := range updates {
			if err := updateOrder(ctx, tx, &updates[i]); err != nil {
				return err
			}
		}
		if err := s.orderEvents(ctx, tx, store.OrderWrites{Created: inserts, Updated: updates}); err != nil {
			return err
		}
		if jobs == nil {
			return nil
		}
		js, err := jobs(results)
		if err != nil {
			return err
		}
		return s.insertJobs(ctx, tx, js)
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

func loadByExternalIDs(ctx context.Context, tx *sql.Tx, shopID string, orders []model.Order) (map[string]*model.Order, error) {
	seen := make(map[string]bool, len(orders))
	keys := make([]string, 0, len(orders))
	for _, o := range orders {
		if !seen[o.ExternalID] {
			seen[o.ExternalID] = true
			keys = append(keys, o.ExternalID)
		}
	}
	stored := make(map[string]*model.Order)
	for len(keys) > 0 {
		chunk := keys[:min(lookupChunk, len(keys))]
		keys = keys[len(chunk):]
		args := make([]any, 0, len(chunk)+1)
		args = append(args, shopID)
		for _, k := range chunk {
			args = append(args, k)
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+orderColumns+` FROM orders WHERE shop_id = ? AND external_id IN (`+placeholders(len(chunk))+`)`, args...)
		if err != nil {
			return nil, err
		}
		err = scanOrders(rows, func(o model.Order) { stored[o.ExternalID] = &o })
		if err != nil {
			return nil, err
		}
	}
	return stored, nil
}

// insertRows is how many orders one INSERT statement carries: fewer statements to step through
// at peak ingest, well under SQLite's limit of 32,766 parameters.
const insertRows = 64

// insertOrders inserts orders with multi-row INSERT statements.
func insertOrders(ctx context.Context, tx *sql.Tx, orders []model.Order) error {
	var full *sql.Stmt
	args := make([]any, 0, insertRows*orderColumnCount)
	for len(orders) > 0 {
		chunk := orders[:min(insertRows, len(orders))]
		orders = orders[len(chunk):]
		args = args[:0]
		for i := range chunk {
			o := &chunk[i]
			doc, err := store.EncodeOrderDoc(o)
			if err != nil {
				return err
			}
			args = append(args, o.ID, o.ShopID, o.ExternalID, string(o.Market), o.Currency, string(o.Status),
				micros(o.CreatedAt), nullMicros(o.PaidAt), micros(o.UpdatedAt), nullMicros(o.ConfirmedAt),
				micros(o.ReceivedAt), micros(o.ModifiedAt), o.Version, string(doc), o.NeedsAttention)
		}
		q := insertSQL(len(chunk))
		var err error
		switch {
		case len(chunk) < insertRows:
			_, err = tx.ExecContext(ctx, q, args...)
		default:
			if full == nil {
				if full, err = tx.PrepareContext(ctx, q); err != nil {
					return err
				}
				defer full.Close()
			}
			_, err = full.ExecContext(ctx, args...)
		}
		if err != nil {
			return fmt.Errorf("insert %d orders from %s: %w", len(chunk), chunk[0].ExternalID, err)
		}
	}
	return nil
}

const orderColumnCount = 15

func insertSQL(rows int) string {
	row := "(" + placeholders(orderColumnCount) + ")"
	return `INSERT INTO orders (` + orderColumns + `) VALUES ` + strings.TrimSuffix(strings.Repeat(row+", ", rows), ", ")
}

func updateOrder(ctx context.Context, tx *sql.Tx, o *model.Order) error {
	doc, err := store.EncodeOrderDoc(o)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE orders SET market = ?, currency = ?, status = ?, created_at = ?, paid_at = ?,
		updated_at = ?, confirmed_at = ?, modified_at = ?, version = ?, doc = ?, needs_attention = ? WHERE id = ?`,
		string(o.Market), o.Currency, string(o.Status), micros(o.CreatedAt), nullMicros(o.PaidAt),
		micros(o.UpdatedAt), nullMicros(o.ConfirmedAt), micros(o.ModifiedAt), o.Version, string(doc), o.NeedsAttention, o.ID)
	if err != nil {
		return fmt.Errorf("update order %s: %w", o.ID, err)
	}
	return nil
}

func scanOrders(rows *sql.Rows, each func(model.Order)) error {
	defer rows.Close()
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			return err
		}
		each(o)
	}
	return rows.Err()
}

type scanner interface{ Scan(dest ...any) error }

func scanOrder(r scanner) (model.Order, error) {
	var o model.Order
	var created, updated, received, modified int64
	var paid, confirmed sql.NullInt64
	var doc []byte
	if err := r.Scan(&o.ID, &o.ShopID, &o.ExternalID, &o.Market, &o.Currency, &o.Status, &created, &paid, &updated,
		&confirmed, &received, &modified, &o.Version, &doc, &o.NeedsAttention); err != nil {
		return o, err
	}
	o.CreatedAt, o.PaidAt, o.UpdatedAt = fromMicros(created), fromNullMicros(paid), fromMicros(updated)
	o.ConfirmedAt, o.ReceivedAt, o.ModifiedAt = fromNullMicros(confirmed), fromMicros(received), fromMicros(modified)
	return o, store.DecodeOrderDoc(doc, &o)
}

// GetOrder implements store.Store.
func (s *Store) GetOrder(ctx context.Context, shopIDs []string, id string) (model.Order, error) {
	return getOrder(ctx, s.r, shopIDs, id)
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func getOrder(ctx context.Context, q querier, shopIDs []string, id string) (model.Order, error) {
	if len(shopIDs) == 0 {
		return model.Order{}, fmt.Errorf("order %s: %w", id, model.ErrNotFound)
	}
	args := make([]any, 0, len(shopIDs)+1)
	args = append(args, id)
	for _, s := range shopIDs {
		args = append(args, s)
	}
	o, err := scanOrder(q.QueryRowContext(ctx, `SELECT `+orderColumns+` FROM orders WHERE id = ? AND shop_id IN (`+placeholders(len(shopIDs))+`)`, args...))
	return o, wrap(err, "order "+id)
}

// UpdateOrder implements store.Store.
func (s *Store) UpdateOrder(ctx context.Context, shopIDs []string, id string, fn func(*model.Order) (bool, error)) (model.Order, error) {
	return s.UpdateOrderJobs(ctx, shopIDs, id, func(o *model.Order) (bool, []store.Job, error) {
		changed, err := fn(o)
		return changed, nil, err
	})
}

// UpdateOrderJobs implements store.OrderJobs.
func (s *Store) UpdateOrderJobs(ctx context.Context, shopIDs []string, id string, fn func(*model.Order) (bool, []store.Job, error)) (model.Order, error) {
	var out model.Order
	err := s.inTx(ctx, "update order", func(tx *sql.Tx) error {
		o, err := getOrder(ctx, tx, shopIDs, id)
		if err != nil {
			return err
		}
		changed, jobs, err := fn(&o)
		if err != nil {
			return err
		}
		if changed {
			if err := updateOrder(ctx, tx, &o); err != nil {
				return err
			}
			if err := s.orderEvents(ctx, tx, store.OrderWrites{Updated: []model.Order{o}}); err != nil {
				return err
			}
			if len(jobs) > 0 {
				if err := s.insertJobs(ctx, tx, jobs); err != nil {
					return err
				}
			}
		}
		out = o
		return nil
	})
	return out, err
}

// ListOrders implements store.Store.
func (s *Store) ListOrders(ctx context.Context, q store.OrderQuery) ([]model.Order, error) {
	if len(q.ShopIDs) == 0 {
		return nil, nil
	}
	var where []string
	var args []any
	where = append(where, `shop_id IN (`+placeholders(len(q.ShopIDs))+`)`)
	for _, s := range q.ShopIDs {
		args = append(args, s)
	}
	if len(q.Statuses) > 0 {
		where = append(where, `status IN (`+placeholders(len(q.Statuses))+`)`)
		for _, st := range q.Statuses {
			args = append(args, string(st))
		}
	}
	if q.ExternalID != "" {
		where = append(where, `external_id = ?`)
		args = append(args, q.ExternalID)
	}
	if q.NeedsAttention != nil {
		where = append(where, `needs_attention = ?`)
		args = append(args, *q.NeedsAttention)
	}
	if !q.ModifiedSince.IsZero() {
		where = append(where, `modified_at >= ?`)
		args = append(args, micros(q.ModifiedSince))
	}
	if q.After != nil {
		where = append(where, `(modified_at > ? OR (modified_at = ? AND id > ?))`)
		m := micros(q.After.ModifiedAt)
		args = append(args, m, m, q.After.ID)
	}
	limit := q.Limit
	if limit <= 0 || limit > store.MaxQueryRows {
		limit = store.MaxQueryRows
	}
	args = append(args, limit)
	rows, err := s.r.QueryContext(ctx, `SELECT `+orderColumns+` FROM orders WHERE `+strings.Join(where, " AND ")+
		` ORDER BY modified_at, id LIMIT ?`, args...)
	if err != nil {
		return nil, wrap(err, "list orders")
	}
	var out []model.Order
	err = scanOrders(rows, func(o model.Order) { out = append(out, o) })
	return out, wrap(err, "list orders")
}
