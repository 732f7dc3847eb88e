package tracker

import (
	"context"
	"fmt"
	"slices"

	"lastmile/internal/store"
)

// SweepLimit is how many due orders one sweep pass takes.
const SweepLimit = 1000

// markChanged is the sweep's place among changed orders.
const markChanged = "tracking.sweep.changed"

// refreshChunk is how many orders' clocks one transaction computes in a sweep: a commit and one
// insert of their poll jobs per chunk instead of per order, while a chunk holds the writer (and,
// on PostgreSQL, its orders' locks) for a short time only.
const refreshChunk = 100

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
		if err := s.refreshMany(ctx, refs); err != nil {
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
		var fresh []store.OrderRef
		for _, r := range refs {
			if seen[r.ID] {
				continue // computed already in this sweep: due again only by a clock's own edge
			}
			seen[r.ID] = true
			fresh = append(fresh, r)
		}
		if len(fresh) == 0 {
			return n, nil
		}
		if err := s.refreshMany(ctx, fresh); err != nil {
			return n, err
		}
		n += len(fresh)
	}
}

// refreshMany computes the clocks of refs again at now, raising what is due, refreshChunk
// orders per transaction. An order gone meanwhile is skipped.
func (s *Service) refreshMany(ctx context.Context, refs []store.OrderRef) error {
	if len(refs) == 0 {
		return nil
	}
	shops := make([]string, 0, 1)
	for _, r := range refs {
		if !slices.Contains(shops, r.ShopID) {
			shops = append(shops, r.ShopID)
		}
	}
	figs, err := s.figuresOf(ctx, shops)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	for start := 0; start < len(refs); start += refreshChunk {
		chunk := refs[start:min(start+refreshChunk, len(refs))]
		if err := s.st.ChangeClocksMany(ctx, chunk, func(st store.ClockState) (store.ClockChange, error) {
			return s.decide(st, figs, now)
		}); err != nil {
			return fmt.Errorf("clocks of %d orders from %s: %w", len(chunk), chunk[0].ID, err)
		}
	}
	return nil
}
