package store

import (
	"context"
	"fmt"
	"slices"

	"lastmile/internal/model"
)

// MaxClockBatch caps the orders of one ChangeClocksBatch call.
const MaxClockBatch = 1000

// ClockBatch computes the clocks of many orders in one transaction: what the sweep uses, so
// that its cost per due order is one order's reads and changed rows, not one transaction.
type ClockBatch interface {
	// ChangeClocksBatch does for each order of refs (at most MaxClockBatch, each in its own
	// shop ref.ShopID) what ChangeClocks does, all in one transaction: it loads the order's
	// clock state, calls fn with it and writes what fn returns. An order that no longer
	// exists is skipped. An error from fn or a write fails the whole batch, which leaves the
	// data as it was. Like ChangeClocks, the order's deadlines are replaced when
	// ReplaceDeadlines is set; a deadline row equal to the stored one is not written again.
	ChangeClocksBatch(ctx context.Context, refs []OrderRef, fn ClockFunc) error
}

// DeadlineDiff is what differs between an order's stored deadlines and the ones the clocks
// decided: the keys to delete and the rows to write (new or changed).
type DeadlineDiff struct {
	Removed []string
	Written []DeadlineRow
}

// CheckClockBatch refuses a batch that is too large or names an order without its shop.
func CheckClockBatch(refs []OrderRef) error {
	if len(refs) > MaxClockBatch {
		return fmt.Errorf("clock batch of %d orders, at most %d: %w", len(refs), MaxClockBatch, model.ErrInvalid)
	}
	for _, r := range refs {
		if err := CheckScope([]string{r.ShopID}, "order_id", r.ID); err != nil {
			return err
		}
	}
	return nil
}

// DiffingClockFunc wraps fn for a driver's ChangeClocksBatch: when fn replaces the order's
// deadlines, the change is checked, the replacement taken out of it and kept as the diff
// against the stored rows (replace set), for the driver to write the changed rows only.
func DiffingClockFunc(fn ClockFunc) (diff *DeadlineDiff, replace *bool, wrapped ClockFunc) {
	diff, replace = &DeadlineDiff{}, new(bool)
	wrapped = func(st ClockState) (ClockChange, error) {
		stored := slices.Clone(st.Deadlines) // fn may change the rows it is given
		ch, err := fn(st)
		*replace = false
		if err != nil || !ch.ReplaceDeadlines {
			return ch, err
		}
		if err := CheckClockChange(st, ch); err != nil {
			return ch, err
		}
		gone, changed := DiffDeadlines(stored, ch.Deadlines)
		*diff, *replace = DeadlineDiff{Removed: gone, Written: changed}, true
		ch.Deadlines, ch.ReplaceDeadlines = nil, false
		return ch, nil
	}
	return diff, replace, wrapped
}
