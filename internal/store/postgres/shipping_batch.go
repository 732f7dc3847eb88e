package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// CreateBatch implements store.Shipping. The items go in with COPY: a 100,000-order batch is one
// stream, not 100,000 statements.
func (s *Store) CreateBatch(ctx context.Context, b model.Batch, orderIDs []string, jobs []store.Job) error {
	if err := store.CheckBatch(b, orderIDs); err != nil {
		return err
	}
	var options any
	if len(b.Options) > 0 {
		options = []byte(b.Options)
	}
	return s.inTx(ctx, "create batch "+b.ID, func(tx pgx.Tx) error {
		// Every item starts pending; the batch_items_count trigger keeps the counts (00018).
		_, err := tx.Exec(ctx, `INSERT INTO batches (id, shop_id, kind, options, created_at, pending) VALUES ($1, $2, $3, $4, $5, $6)`,
			b.ID, b.ShopID, b.Kind, options, b.CreatedAt, len(orderIDs))
		if pgCode(err) == "23503" {
			return fmt.Errorf("shop %s: %w", b.ShopID, model.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if len(orderIDs) > 0 {
			_, err = tx.CopyFrom(ctx, pgx.Identifier{"batch_items"}, []string{"batch_id", "seq", "order_id"},
				pgx.CopyFromSlice(len(orderIDs), func(i int) ([]any, error) { return []any{b.ID, int32(i), orderIDs[i]}, nil }))
			if err != nil {
				return fmt.Errorf("copy %d items of batch %s: %w", len(orderIDs), b.ID, err)
			}
		}
		return s.insertJobs(ctx, tx, jobs)
	})
}

// GetBatch implements store.Shipping.
func (s *Store) GetBatch(ctx context.Context, shopIDs []string, id string) (model.Batch, error) {
	if err := store.CheckScope(shopIDs, "id", id); err != nil {
		return model.Batch{}, err
	}
	var b model.Batch
	var options []byte
	var last *time.Time
	var pending, shipped, failed, skipped int
	// The counts are the batch row's, kept with every item write (migration 00018): one row
	// read, however many items.
	err := s.pool.QueryRow(ctx, `SELECT id, shop_id, kind, options, created_at, pending, shipped, failed, skipped, last_item_at
		FROM batches WHERE id = $1 AND shop_id = ANY($2)`, id, shopIDs).
		Scan(&b.ID, &b.ShopID, &b.Kind, &options, &b.CreatedAt, &pending, &shipped, &failed, &skipped, &last)
	if err != nil {
		return b, wrap(err, "batch "+id)
	}
	b.CreatedAt = b.CreatedAt.UTC()
	if options != nil {
		b.Options = options
	}
	counts := map[model.ItemOutcome]int{model.ItemPending: pending, model.ItemShipped: shipped, model.ItemFailed: failed, model.ItemSkipped: skipped}
	store.SetBatchCounts(&b, counts, utcPtr(last))
	return b, nil
}

const batchItemColumns = `batch_id, seq, order_id, outcome, shipment_ids, tracking_numbers, error, updated_at`

// ListBatchItems implements store.Shipping.
func (s *Store) ListBatchItems(ctx context.Context, batchID string, afterSeq, limit int) ([]model.BatchItem, error) {
	if err := store.CheckText("batch_id", batchID); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+batchItemColumns+` FROM batch_items WHERE batch_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
		batchID, afterSeq, limitOf(limit))
	if err != nil {
		return nil, wrap(err, "list items of batch "+batchID)
	}
	out, err := collect(rows, scanBatchItem)
	return out, wrap(err, "list items of batch "+batchID)
}

func scanBatchItem(r pgx.Row) (model.BatchItem, error) {
	var it model.BatchItem
	var failure []byte
	var updated *time.Time
	if err := r.Scan(&it.BatchID, &it.Seq, &it.OrderID, &it.Outcome, &it.ShipmentIDs, &it.TrackingNumbers, &failure, &updated); err != nil {
		return it, err
	}
	if updated != nil {
		it.UpdatedAt = updated.UTC()
	}
	var err error
	it.Error, err = fromJSON[model.FieldError](failure, fmt.Sprintf("item %d of batch %s", it.Seq, it.BatchID))
	return it, err
}

const updateBatchItemSQL = `UPDATE batch_items SET outcome = $1, shipment_ids = $2, tracking_numbers = $3, error = $4, updated_at = $5
	WHERE batch_id = $6 AND seq = $7 AND order_id = $8`

func batchItemArgs(it *model.BatchItem) ([]any, error) {
	failure, err := jsonOrNull(it.Error)
	if err != nil {
		return nil, fmt.Errorf("encode error of item %d of batch %s: %w", it.Seq, it.BatchID, err)
	}
	var updated any
	if !it.UpdatedAt.IsZero() {
		updated = it.UpdatedAt
	}
	return []any{string(it.Outcome), it.ShipmentIDs, it.TrackingNumbers, failure, updated, it.BatchID, it.Seq, it.OrderID}, nil
}

// RecordBatchItem implements store.Shipping.
func (s *Store) RecordBatchItem(ctx context.Context, it model.BatchItem) error {
	if err := store.CheckBatchItem(it); err != nil {
		return err
	}
	args, err := batchItemArgs(&it)
	if err != nil {
		return err
	}
	tag, err := s.pool.Exec(ctx, updateBatchItemSQL, args...)
	if err != nil {
		return wrap(err, fmt.Sprintf("record item %d of batch %s", it.Seq, it.BatchID))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("item %d of batch %s for order %s: %w", it.Seq, it.BatchID, it.OrderID, model.ErrNotFound)
	}
	return nil
}

// DispatchBatch implements store.Shipping. The batch row, locked FOR NO KEY UPDATE, holds the
// mark from its read to the commit that moves it, so dispatchers on any node take turns and
// never take the same items; the lock does not block the item rows' own updates.
func (s *Store) DispatchBatch(ctx context.Context, batchID string, limit int, fn func([]model.BatchItem) ([]store.Job, error)) (int, error) {
	if err := store.CheckText("batch_id", batchID); err != nil {
		return 0, err
	}
	var taken int
	err := s.inTx(ctx, "dispatch batch "+batchID, func(tx pgx.Tx) error {
		taken = 0
		var mark int
		if err := tx.QueryRow(ctx, `SELECT dispatched FROM batches WHERE id = $1 FOR NO KEY UPDATE`, batchID).Scan(&mark); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+batchItemColumns+` FROM batch_items WHERE batch_id = $1 AND seq >= $2 ORDER BY seq LIMIT $3`,
			batchID, mark, limitOf(limit))
		if err != nil {
			return err
		}
		items, err := collect(rows, scanBatchItem)
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
		if _, err := tx.Exec(ctx, `UPDATE batches SET dispatched = $1 WHERE id = $2`, items[len(items)-1].Seq+1, batchID); err != nil {
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
