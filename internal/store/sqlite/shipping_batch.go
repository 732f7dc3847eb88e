package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// batchItemRows is how many items one INSERT of CreateBatch carries: 3×500 parameters, well
// under SQLite's limit of 32,766; a 100,000-order batch is 200 executions of one prepared
// statement. Parameters are plain "?": the driver looks up the name of each numbered one
// ("?1") in a list, which costs more than sending the batch id with every row.
const batchItemRows = 500

// CreateBatch implements store.Shipping.
func (s *Store) CreateBatch(ctx context.Context, b model.Batch, orderIDs []string, jobs []store.Job) error {
	if err := store.CheckBatch(b, orderIDs); err != nil {
		return err
	}
	var options any
	if len(b.Options) > 0 {
		options = string(b.Options)
	}
	return s.inTx(ctx, "create batch "+b.ID, func(tx *sql.Tx) error {
		// Every item starts pending; the batch_items_count trigger keeps the counts (00018).
		_, err := tx.ExecContext(ctx, `INSERT INTO batches (id, shop_id, kind, options, created_at, pending) VALUES (?, ?, ?, ?, ?, ?)`,
			b.ID, b.ShopID, b.Kind, options, micros(b.CreatedAt), len(orderIDs))
		if isForeignKey(err) {
			return fmt.Errorf("shop %s: %w", b.ShopID, model.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if err := insertBatchItems(ctx, tx, b.ID, orderIDs); err != nil {
			return err
		}
		return s.insertJobs(ctx, tx, jobs)
	})
}

// insertBatchItems inserts one pending item per order id with multi-row INSERTs.
func insertBatchItems(ctx context.Context, tx *sql.Tx, batchID string, orderIDs []string) error {
	var full *sql.Stmt
	args := make([]any, 0, 3*batchItemRows)
	for start := 0; start < len(orderIDs); start += batchItemRows {
		chunk := orderIDs[start:min(start+batchItemRows, len(orderIDs))]
		args = args[:0]
		for i, id := range chunk {
			args = append(args, batchID, start+i, id)
		}
		q := `INSERT INTO batch_items (batch_id, seq, order_id) VALUES ` + rowsOf(3, len(chunk))
		var err error
		if len(chunk) == batchItemRows {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, q); err != nil {
					return err
				}
				defer full.Close()
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, q, args...)
		}
		if err != nil {
			return fmt.Errorf("insert items %d to %d of batch %s: %w", start, start+len(chunk)-1, batchID, err)
		}
	}
	return nil
}

// GetBatch implements store.Shipping.
func (s *Store) GetBatch(ctx context.Context, shopIDs []string, id string) (model.Batch, error) {
	if err := store.CheckScope(shopIDs, "id", id); err != nil {
		return model.Batch{}, err
	}
	if len(shopIDs) == 0 {
		return model.Batch{}, fmt.Errorf("batch %s: %w", id, model.ErrNotFound)
	}
	var b model.Batch
	var options sql.NullString
	var created int64
	var last sql.NullInt64
	var pending, shipped, failed, skipped int
	// The counts are the batch row's, kept with every item write (migration 00018): one row
	// read, however many items.
	cond, args := inShops("shop_id", shopIDs, []any{id})
	err := s.r.QueryRowContext(ctx, `SELECT id, shop_id, kind, options, created_at, pending, shipped, failed, skipped, last_item_at
		FROM batches WHERE id = ? AND `+cond, args...).
		Scan(&b.ID, &b.ShopID, &b.Kind, &options, &created, &pending, &shipped, &failed, &skipped, &last)
	if err != nil {
		return b, wrap(err, "batch "+id)
	}
	b.CreatedAt = fromMicros(created)
	if options.Valid {
		b.Options = json.RawMessage(options.String)
	}
	counts := map[model.ItemOutcome]int{model.ItemPending: pending, model.ItemShipped: shipped, model.ItemFailed: failed, model.ItemSkipped: skipped}
	store.SetBatchCounts(&b, counts, fromNullMicros(last))
	return b, nil
}

const batchItemColumns = `batch_id, seq, order_id, outcome, shipment_ids, tracking_numbers, error, updated_at`

// ListBatchItems implements store.Shipping.
func (s *Store) ListBatchItems(ctx context.Context, batchID string, afterSeq, limit int) ([]model.BatchItem, error) {
	if err := store.CheckText("batch_id", batchID); err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+batchItemColumns+` FROM batch_items WHERE batch_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
		batchID, afterSeq, limitOf(limit))
	if err != nil {
		return nil, wrap(err, "list items of batch "+batchID)
	}
	out, err := scanAll(rows, scanBatchItem)
	return out, wrap(err, "list items of batch "+batchID)
}

func scanBatchItem(r scanner) (model.BatchItem, error) {
	var it model.BatchItem
	var ids, numbers, failure sql.NullString
	var updated sql.NullInt64
	if err := r.Scan(&it.BatchID, &it.Seq, &it.OrderID, &it.Outcome, &ids, &numbers, &failure, &updated); err != nil {
		return it, err
	}
	if updated.Valid {
		it.UpdatedAt = fromMicros(updated.Int64)
	}
	what := fmt.Sprintf("item %d of batch %s", it.Seq, it.BatchID)
	if p, err := fromJSON[[]string](ids, what); err != nil {
		return it, err
	} else if p != nil {
		it.ShipmentIDs = *p
	}
	if p, err := fromJSON[[]string](numbers, what); err != nil {
		return it, err
	} else if p != nil {
		it.TrackingNumbers = *p
	}
	var err error
	it.Error, err = fromJSON[model.FieldError](failure, what)
	return it, err
}

// updateBatchItem records the outcome of a batch item (ChangeShipping); the item must exist.
func updateBatchItem(ctx context.Context, tx *sql.Tx, it *model.BatchItem) error {
	ids, err := jsonOrNull(nilIfNil(it.ShipmentIDs))
	if err != nil {
		return err
	}
	numbers, err := jsonOrNull(nilIfNil(it.TrackingNumbers))
	if err != nil {
		return err
	}
	failure, err := jsonOrNull(it.Error)
	if err != nil {
		return err
	}
	var updated any
	if !it.UpdatedAt.IsZero() {
		updated = micros(it.UpdatedAt)
	}
	res, err := tx.ExecContext(ctx, `UPDATE batch_items SET outcome = ?, shipment_ids = ?, tracking_numbers = ?, error = ?, updated_at = ?
		WHERE batch_id = ? AND seq = ? AND order_id = ?`,
		string(it.Outcome), ids, numbers, failure, updated, it.BatchID, it.Seq, it.OrderID)
	if err != nil {
		return fmt.Errorf("record item %d of batch %s: %w", it.Seq, it.BatchID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("item %d of batch %s for order %s: %w", it.Seq, it.BatchID, it.OrderID, model.ErrNotFound)
	}
	return nil
}

// RecordBatchItem implements store.Shipping.
func (s *Store) RecordBatchItem(ctx context.Context, it model.BatchItem) error {
	if err := store.CheckBatchItem(it); err != nil {
		return err
	}
	return s.inTx(ctx, fmt.Sprintf("record item %d of batch %s", it.Seq, it.BatchID), func(tx *sql.Tx) error {
		return updateBatchItem(ctx, tx, &it)
	})
}

// nilIfNil returns a pointer to ss, or nil when ss is nil (stored as NULL, read back as nil).
func nilIfNil(ss []string) *[]string {
	if ss == nil {
		return nil
	}
	return &ss
}

// DispatchBatch implements store.Shipping. The writer's exclusivity holds the mark from its read
// to the commit that moves it, so two dispatchers never take the same items.
func (s *Store) DispatchBatch(ctx context.Context, batchID string, limit int, fn func([]model.BatchItem) ([]store.Job, error)) (int, error) {
	if err := store.CheckText("batch_id", batchID); err != nil {
		return 0, err
	}
	var taken int
	err := s.inTx(ctx, "dispatch batch "+batchID, func(tx *sql.Tx) error {
		var mark int
		if err := tx.QueryRowContext(ctx, `SELECT dispatched FROM batches WHERE id = ?`, batchID).Scan(&mark); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+batchItemColumns+` FROM batch_items WHERE batch_id = ? AND seq >= ? ORDER BY seq LIMIT ?`,
			batchID, mark, limitOf(limit))
		if err != nil {
			return err
		}
		items, err := scanAll(rows, scanBatchItem)
		if err != nil || len(items) == 0 {
			return err
		}
		jobs, err := fn(items)
		if err != nil {
			return err
		}
		if err := s.insertJobs(ctx, tx, jobs); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE batches SET dispatched = ? WHERE id = ?`, items[len(items)-1].Seq+1, batchID); err != nil {
			return err
		}
		taken = len(items)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return taken, nil
}
