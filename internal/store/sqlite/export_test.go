package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// errRollback makes inTx roll back.
var errRollback = errors.New("roll back")

// CreateShopWithJobs creates sh and inserts jobs in one transaction, then commits it or rolls it
// back: the shape of every store method that enqueues follow-up work (storetest.TestJobsInTx).
func (s *Store) CreateShopWithJobs(ctx context.Context, sh model.Shop, jobs []store.Job, commit bool) error {
	err := s.inTx(ctx, "create shop with jobs", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO shops (id, name, market, time_zone, created_at) VALUES (?, ?, ?, ?, ?)`,
			sh.ID, sh.Name, string(sh.Market), sh.TimeZone, micros(sh.CreatedAt)); err != nil {
			return err
		}
		if err := s.insertJobs(ctx, tx, jobs); err != nil {
			return err
		}
		if !commit {
			return errRollback
		}
		return nil
	})
	if errors.Is(err, errRollback) {
		return nil
	}
	return err
}

// DropBatchItems deletes a batch's items, leaving the batch: storetest's BatchCounts checks
// that GetBatch answers from the counts it keeps.
func (s *Store) DropBatchItems(ctx context.Context, batchID string) error {
	_, err := s.w.ExecContext(ctx, `DELETE FROM batch_items WHERE batch_id = ?`, batchID)
	return err
}
