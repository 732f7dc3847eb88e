package store

import (
	"context"
	"fmt"
	"slices"
	"time"

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

// DiffDeadlines compares an order's stored deadlines with the decided ones. Times are
// compared to the microsecond, the precision both stores keep.
func DiffDeadlines(stored, next []DeadlineRow) DeadlineDiff {
	var d DeadlineDiff
	old := make(map[string]DeadlineRow, len(stored))
	for _, r := range stored {
		old[r.Key] = r
	}
	keep := make(map[string]bool, len(next))
	for _, r := range next {
		keep[r.Key] = true
		if o, ok := old[r.Key]; ok && sameDeadline(o, r) {
			continue
		}
		d.Written = append(d.Written, r)
	}
	for _, r := range stored {
		if !keep[r.Key] {
			d.Removed = append(d.Removed, r.Key)
		}
	}
	return d
}

func sameDeadline(a, b DeadlineRow) bool {
	same := func(x, y time.Time) bool { return x.Truncate(time.Microsecond).Equal(y.Truncate(time.Microsecond)) }
	return a.Rule == b.Rule && a.Name == b.Name && a.Subject == b.Subject && a.SubjectID == b.SubjectID &&
		a.Source == b.Source && a.State == b.State && same(a.StartAt, b.StartAt) && same(a.DueAt, b.DueAt) &&
		same(a.AtRiskAt, b.AtRiskAt) && same(a.MetAt, b.MetAt) && same(a.NextCheckAt, b.NextCheckAt)
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
		*diff, *replace = DiffDeadlines(stored, ch.Deadlines), true
		ch.Deadlines, ch.ReplaceDeadlines = nil, false
		return ch, nil
	}
	return diff, replace, wrapped
}
