package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"

	"lastmile/internal/store"
)

// testClockBatches: ChangeClocksMany computes each order's clocks in its own shop's scope,
// skips the orders it cannot find, writes every order's deadlines and inserts their jobs in
// one transaction, and an error leaves nothing of the call.
func testClockBatches(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newTrackFix(t, s)
	o2 := f.order(t, f.a, "clocks-2")
	if err := s.ChangeClocksMany(ctx, nil, func(store.ClockState) (store.ClockChange, error) {
		t.Fatal("fn called without orders")
		return store.ClockChange{}, nil
	}); err != nil {
		t.Fatalf("no orders: %v", err)
	}
	refs := []store.OrderRef{
		{ID: f.o.ID, ShopID: f.a.ID},
		{ID: "ord_missing", ShopID: f.a.ID},
		{ID: f.ob.ID, ShopID: f.b.ID},
		{ID: f.o.ID, ShopID: f.b.ID}, // another shop's order: not found in that scope
		{ID: o2.ID, ShopID: f.a.ID},
	}
	var seen []string
	clocks := func(due int) store.ClockFunc {
		return func(st store.ClockState) (store.ClockChange, error) {
			seen = append(seen, st.Order.ShopID+"/"+st.Order.ID)
			return store.ClockChange{ReplaceDeadlines: true, Deadlines: []store.DeadlineRow{deadline(st.Order.ID+"/ship", at(due), at(due-1))},
				Jobs: []store.Job{shipJob("clocks-" + st.Order.ID)}}, nil
		}
	}
	if err := s.ChangeClocksMany(ctx, refs, clocks(10)); err != nil {
		t.Fatal(err)
	}
	want := []string{f.a.ID + "/" + f.o.ID, f.b.ID + "/" + f.ob.ID, f.a.ID + "/" + o2.ID}
	if !slices.Equal(seen, want) {
		t.Errorf("clocks computed for %v, want %v", seen, want)
	}
	for _, r := range []store.OrderRef{refs[0], refs[2], refs[4]} {
		ds, err := s.ListDeadlines(ctx, []string{r.ShopID}, r.ID)
		if err != nil || len(ds) != 1 || ds[0].Key != r.ID+"/ship" || !ds[0].DueAt.Equal(at(10)) {
			t.Errorf("deadlines of %s: %+v %v", r.ID, ds, err)
		}
	}
	jobs := 0
	for _, j := range ListJobs(t, s) {
		if j.Kind == shipJob("").Kind {
			jobs++
		}
	}
	if jobs != 3 {
		t.Errorf("%d jobs inserted, want one per order found (3)", jobs)
	}

	// An error for the last order rolls back the first ones too.
	boom := errors.New("boom")
	seen = nil
	err := s.ChangeClocksMany(ctx, []store.OrderRef{refs[0], refs[4]}, func(st store.ClockState) (store.ClockChange, error) {
		if st.Order.ID == o2.ID {
			return store.ClockChange{}, boom
		}
		return clocks(20)(st)
	})
	if !errors.Is(err, boom) {
		t.Fatalf("error of the second order: %v", err)
	}
	if ds, _ := s.ListDeadlines(ctx, []string{f.a.ID}, f.o.ID); len(ds) != 1 || !ds[0].DueAt.Equal(at(10)) {
		t.Errorf("a failed call changed the first order's deadlines: %+v", ds)
	}
	// A ref without a shop finds nothing: skipped, nothing written.
	if err := s.ChangeClocksMany(ctx, []store.OrderRef{{ID: f.o.ID}}, clocks(30)); err != nil {
		t.Errorf("a ref without a shop: %v", err)
	}
	if ds, _ := s.ListDeadlines(ctx, []string{f.a.ID}, f.o.ID); len(ds) != 1 || !ds[0].DueAt.Equal(at(10)) {
		t.Errorf("a ref without a shop changed the order's deadlines: %+v", ds)
	}
}
