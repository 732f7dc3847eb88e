package tracker

import (
	"context"
	"errors"
	"fmt"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// SweepLimit is how many due orders one sweep pass takes.
const SweepLimit = 1000

// markChanged is the sweep's place among changed orders.
const markChanged = "tracking.sweep.changed"

// SweepResult counts what a sweep did.
type SweepResult struct {
	Changed, Due int
}

// Sweep computes again the clocks of the orders changed since the last sweep (their clocks
// start, stop or move), then of the orders with a due deadline: it reads the due-time index,
// so its cost follows the due rows, not the open orders. Every at-risk and breach alert it
// raises is raised once.
func (s *Service) Sweep(ctx context.Context) (SweepResult, error) {
	var res SweepResult
	s.Metrics.Sweeps.Add(1)
	mark, err := s.st.GetMark(ctx, markChanged)
	if err != nil {
		return res, err
	}
	for {
		refs, err := s.st.ChangedOrders(ctx, mark, SweepLimit)
		if err != nil {
			return res, err
		}
		for _, r := range refs {
			if err := s.Refresh(ctx, []string{r.ShopID}, r.ID); err != nil && !errors.Is(err, model.ErrNotFound) {
				return res, fmt.Errorf("clocks of order %s: %w", r.ID, err)
			}
			res.Changed++
			mark = store.Cursor{ModifiedAt: r.ModifiedAt, ID: r.ID}
		}
		if len(refs) > 0 {
			if err := s.st.PutMark(ctx, markChanged, mark); err != nil {
				return res, err
			}
		}
		if len(refs) < SweepLimit {
			break
		}
	}
	n, err := s.SweepDue(ctx)
	res.Due = n
	return res, err
}

// SweepDue computes again the clocks of the orders with a due deadline only.
func (s *Service) SweepDue(ctx context.Context) (int, error) {
	n := 0
	seen := map[string]bool{}
	for {
		refs, err := s.st.DueOrders(ctx, s.now(), SweepLimit)
		if err != nil {
			return n, err
		}
		fresh := 0
		for _, r := range refs {
			if seen[r.ID] {
				continue // computed already in this sweep: due again only by a clock's own edge
			}
			seen[r.ID] = true
			fresh++
			if err := s.Refresh(ctx, []string{r.ShopID}, r.ID); err != nil {
				return n, fmt.Errorf("clocks of order %s: %w", r.ID, err)
			}
			n++
		}
		if fresh == 0 {
			return n, nil
		}
	}
}
