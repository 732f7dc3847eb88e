package tracker

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// SweepLimit is how many due orders one sweep pass takes.
const SweepLimit = 1000

// SweepChunk is how many orders one transaction of the sweep computes: one transaction per
// chunk, not per order, and short enough not to hold SQLite's writer for long.
const SweepChunk = 250

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
		if err := s.RefreshBatch(ctx, refs); err != nil {
			return res, err
		}
		res.Changed += len(refs)
		if len(refs) > 0 {
			last := refs[len(refs)-1]
			mark = store.Cursor{ModifiedAt: last.ModifiedAt, ID: last.ID}
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
		// An order computed already in this sweep is due again only by a clock's own edge.
		refs = slices.DeleteFunc(refs, func(r store.OrderRef) bool { return seen[r.ID] })
		if len(refs) == 0 {
			return n, nil
		}
		for _, r := range refs {
			seen[r.ID] = true
		}
		if err := s.RefreshBatch(ctx, refs); err != nil {
			return n, err
		}
		n += len(refs)
	}
}

// RefreshBatch computes again the clocks of the orders refs (each in its own shop) at now,
// SweepChunk orders per transaction. When a chunk fails, its orders are computed one by one,
// so that one order that cannot be computed holds back only itself; the first such error is
// returned after the others are done.
func (s *Service) RefreshBatch(ctx context.Context, refs []store.OrderRef) error {
	var first error
	for chunk := range slices.Chunk(refs, SweepChunk) {
		shops := make([]string, 0, 1)
		for _, r := range chunk {
			if !slices.Contains(shops, r.ShopID) {
				shops = append(shops, r.ShopID)
			}
		}
		figs, err := s.figuresOf(ctx, shops)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		err = s.st.ChangeClocksBatch(ctx, chunk, func(st store.ClockState) (store.ClockChange, error) {
			return s.decide(st, figs, now)
		})
		if err == nil {
			continue
		}
		if ctx.Err() != nil || errors.Is(err, model.ErrUnavailable) {
			return err // the store, not an order: the next sweep tries again
		}
		for _, r := range chunk {
			if err := s.st.ChangeClocksBatch(ctx, []store.OrderRef{r}, func(st store.ClockState) (store.ClockChange, error) {
				return s.decide(st, figs, now)
			}); err != nil && first == nil {
				first = fmt.Errorf("clocks of order %s: %w", r.ID, err)
			}
		}
	}
	return first
}
