package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

var orderColumnList = []string{"id", "shop_id", "external_id", "market", "currency", "status", "created_at", "paid_at",
	"updated_at", "confirmed_at", "received_at", "modified_at", "version", "doc", "needs_attention"}

var orderColumns = strings.Join(orderColumnList, ", ")

// UpsertOrders implements store.Store. It takes a transaction advisory lock per (shop, external
// id), in sorted order so that concurrent batches cannot deadlock, before reading: an order that
// does not exist yet is held too, so two nodes cannot both create it. Stored rows are then locked
// FOR UPDATE against concurrent UpdateOrder calls. New rows go in with COPY.
func (s *Store) UpsertOrders(ctx context.Context, shopID string, orders []model.Order, merge store.MergeFunc) ([]store.UpsertResult, error) {
	return s.UpsertOrdersJobs(ctx, shopID, orders, merge, nil)
}

// UpsertOrdersJobs implements store.OrderJobs.
func (s *Store) UpsertOrdersJobs(ctx context.Context, shopID string, orders []model.Order, merge store.MergeFunc, jobs store.UpsertJobsFunc) ([]store.UpsertResult, error) {
	keys := make([]string, 0, len(orders))
	seen := make(map[string]bool, len(orders))
	for _, o := range orders {
		if !seen[o.ExternalID] {
			seen[o.ExternalID] = true
			keys = append(keys, o.ExternalID)
		}
	}
	locks := make([]int64, len(keys))
	for i, k := range keys {
		locks[i] = int64(fnv64(shopID + "\x00" + k))
	}
	slices.Sort(locks)
	locks = slices.Compact(locks)

	var results []store.UpsertResult
	err := s.inTx(ctx, "upsert orders", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(k) FROM unnest($1::bigint[]) AS k`, locks); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+orderColumns+` FROM orders WHERE shop_id = $1 AND external_id = ANY($2)
			ORDER BY id FOR UPDATE`, shopID, keys)
		if err != nil {
			return err
		}
		stored := make(map[string]*model.Order)
		err = scanOrders(rows, func(o model.Order) { stored[o.ExternalID] = &o })
		if err != nil {
			return err
		}
		var inserts, updates []model.Order
		results, inserts, updates = store.ApplyUpserts(stored, orders, merge)
		if err := copyOrders(ctx, tx, inserts); err != nil {
			return err
		}
		if err := updateOrders(ctx, tx, updates); err != nil {
			return err
		}
		if err := s.orderEvents(ctx, tx, store.OrderWrites{Created: inserts, Updated: updates}); err != nil || jobs == nil {
			return err
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

func copyOrders(ctx context.Context, tx pgx.Tx, orders []model.Order) error {
	if len(orders) == 0 {
		return nil
	}
	docs := make([][]byte, len(orders))
	for i := range orders {
		doc, err := store.EncodeOrderDoc(&orders[i])
		if err != nil {
			return err
		}
		docs[i] = doc
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"orders"}, orderColumnList, pgx.CopyFromSlice(len(orders), func(i int) ([]any, error) {
		o := &orders[i]
		return []any{o.ID, o.ShopID, o.ExternalID, string(o.Market), o.Currency, string(o.Status), o.CreatedAt, o.PaidAt,
			o.UpdatedAt, o.ConfirmedAt, o.ReceivedAt, o.ModifiedAt, o.Version, docs[i], o.NeedsAttention}, nil
	}))
	if err != nil {
		return fmt.Errorf("copy %d orders: %w", len(orders), err)
	}
	return nil
}

const updateSQL = `UPDATE orders SET market = $1, currency = $2, status = $3, created_at = $4, paid_at = $5,
	updated_at = $6, confirmed_at = $7, modified_at = $8, version = $9, doc = $10, needs_attention = $11 WHERE id = $12`

func updateOrders(ctx context.Context, tx pgx.Tx, orders []model.Order) error {
	if len(orders) == 0 {
		return nil
	}
	var b pgx.Batch
	for i := range orders {
		o := &orders[i]
		doc, err := store.EncodeOrderDoc(o)
		if err != nil {
			return err
		}
		b.Queue(updateSQL, string(o.Market), o.Currency, string(o.Status), o.CreatedAt, o.PaidAt,
			o.UpdatedAt, o.ConfirmedAt, o.ModifiedAt, o.Version, doc, o.NeedsAttention, o.ID)
	}
	if err := tx.SendBatch(ctx, &b).Close(); err != nil {
		return fmt.Errorf("update %d orders: %w", len(orders), err)
	}
	return nil
}

func scanOrders(rows pgx.Rows, each func(model.Order)) error {
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

func scanOrder(r pgx.Row) (model.Order, error) {
	var o model.Order
	var doc []byte
	if err := r.Scan(&o.ID, &o.ShopID, &o.ExternalID, &o.Market, &o.Currency, &o.Status, &o.CreatedAt, &o.PaidAt,
		&o.UpdatedAt, &o.ConfirmedAt, &o.ReceivedAt, &o.ModifiedAt, &o.Version, &doc, &o.NeedsAttention); err != nil {
		return o, err
	}
	o.CreatedAt, o.UpdatedAt, o.ReceivedAt, o.ModifiedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC(), o.ReceivedAt.UTC(), o.ModifiedAt.UTC()
	o.PaidAt, o.ConfirmedAt = utcPtr(o.PaidAt), utcPtr(o.ConfirmedAt)
	return o, store.DecodeOrderDoc(doc, &o)
}

// GetOrder implements store.Store.
func (s *Store) GetOrder(ctx context.Context, shopIDs []string, id string) (model.Order, error) {
	o, err := scanOrder(s.pool.QueryRow(ctx, `SELECT `+orderColumns+` FROM orders WHERE id = $1 AND shop_id = ANY($2)`, id, shopIDs))
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
	err := s.inTx(ctx, "update order", func(tx pgx.Tx) error {
		o, err := scanOrder(tx.QueryRow(ctx, `SELECT `+orderColumns+` FROM orders WHERE id = $1 AND shop_id = ANY($2) FOR UPDATE`, id, shopIDs))
		if err != nil {
			return wrap(err, "order "+id)
		}
		changed, jobs, err := fn(&o)
		if err != nil {
			return err
		}
		if changed {
			if err := updateOrders(ctx, tx, []model.Order{o}); err != nil {
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
	args := []any{q.ShopIDs}
	where := []string{"shop_id = ANY($1)"}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if len(q.Statuses) > 0 {
		st := make([]string, len(q.Statuses))
		for i, v := range q.Statuses {
			st[i] = string(v)
		}
		where = append(where, "status = ANY("+arg(st)+")")
	}
	if q.ExternalID != "" {
		where = append(where, "external_id = "+arg(q.ExternalID))
	}
	if q.NeedsAttention != nil {
		where = append(where, "needs_attention = "+arg(*q.NeedsAttention))
	}
	if !q.ModifiedSince.IsZero() {
		where = append(where, "modified_at >= "+arg(q.ModifiedSince))
	}
	if q.After != nil {
		where = append(where, "(modified_at, id) > ("+arg(q.After.ModifiedAt)+", "+arg(q.After.ID)+")")
	}
	limit := q.Limit
	if limit <= 0 || limit > store.MaxQueryRows {
		limit = store.MaxQueryRows
	}
	rows, err := s.pool.Query(ctx, `SELECT `+orderColumns+` FROM orders WHERE `+strings.Join(where, " AND ")+
		` ORDER BY modified_at, id LIMIT `+arg(limit), args...)
	if err != nil {
		return nil, wrap(err, "list orders")
	}
	var out []model.Order
	err = scanOrders(rows, func(o model.Order) { out = append(out, o) })
	return out, wrap(err, "list orders")
}
