package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// errRollback makes inTx roll back.
var errRollback = errors.New("roll back")

// CreateShopWithJobs creates sh and inserts jobs in one transaction, then commits it or rolls it
// back: the shape of every store method that enqueues follow-up work (storetest.TestJobsInTx).
func (s *Store) CreateShopWithJobs(ctx context.Context, sh model.Shop, jobs []store.Job, commit bool) error {
	err := s.inTx(ctx, "create shop with jobs", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO shops (id, name, market, time_zone, created_at) VALUES ($1, $2, $3, $4, $5)`,
			sh.ID, sh.Name, string(sh.Market), sh.TimeZone, sh.CreatedAt); err != nil {
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

// MigrationLockID exposes the advisory lock id of a schema's migrations to the tests.
var MigrationLockID = migrationLockID

// DropBatchItems deletes a batch's items, leaving the batch: storetest's BatchCounts checks
// that GetBatch answers from the counts it keeps.
func (s *Store) DropBatchItems(ctx context.Context, batchID string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM batch_items WHERE batch_id = $1`, batchID)
	return err
}
