package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

var _ store.ClockBatches = (*Store)(nil)

// ChangeClocksMany implements store.ClockBatches. Each order is locked as ChangeClocks locks
// it, in the order of refs; a deadlock with another transaction retries the whole call (inTx).
func (s *Store) ChangeClocksMany(ctx context.Context, refs []store.OrderRef, fn store.ClockFunc) error {
	for _, r := range refs {
		if err := store.CheckScope([]string{r.ShopID}, "order_id", r.ID); err != nil {
			return err
		}
	}
	if len(refs) == 0 {
		return nil
	}
	return textError(s.inTx(ctx, fmt.Sprintf("change clocks of %d orders", len(refs)), func(tx pgx.Tx) error {
		var jobs []store.Job
		for _, r := range refs {
			err := s.changeClocks(ctx, tx, []string{r.ShopID}, r.ID, "", fn, &jobs)
			switch {
			case errors.Is(err, model.ErrNotFound):
				continue
			case err != nil:
				return fmt.Errorf("clocks of order %s: %w", r.ID, err)
			}
		}
		return s.insertJobs(ctx, tx, jobs)
	}))
}
