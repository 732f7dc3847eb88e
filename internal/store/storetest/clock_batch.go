package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// RunClockBatch exercises store.ClockBatch.
func RunClockBatch(t *testing.T, newStore func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"WritesEachOrder", testClockBatchWrites},
		{"AllOrNothing", testClockBatchAtomic},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newStore(t))
		})
	}
}

// setDeadlines is a ClockFunc that replaces each order's deadlines with rows(orderID) and
// raises one alert per order.
func setDeadlines(calls map[string]store.ClockState, rows func(orderID string) []store.DeadlineRow) store.ClockFunc {
	return func(st store.ClockState) (store.ClockChange, error) {
		calls[st.Order.ID] = st
		return store.ClockChange{Deadlines: rows(st.Order.ID), ReplaceDeadlines: true,
			Alerts: []store.DeadlineAlert{{ID: "alr_" + st.Order.ID, Key: st.Order.ID + "/a", Kind: "at_risk", Rule: "R-SHIP-1",
				Name: "ship", Subject: "order", SubjectID: st.Order.ID, DueAt: at(10), RaisedAt: at(1), Message: "m"}}}, nil
	}
}

func testClockBatchWrites(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newTrackFix(t, s)
	ob := f.order(t, f.b, "batch-b")
	refs := []store.OrderRef{{ID: f.o.ID, ShopID: f.a.ID}, {ID: ob.ID, ShopID: f.b.ID}, {ID: "ord_gone", ShopID: f.a.ID},
		{ID: ob.ID, ShopID: f.b.ID}}
	calls := map[string]store.ClockState{}
	first := func(id string) []store.DeadlineRow {
		return []store.DeadlineRow{deadline(id+"/a", at(10), at(9)), deadline(id+"/b", at(20), at(15)), deadline(id+"/c", at(30), time.Time{})}
	}
	if err := s.ChangeClocksBatch(ctx, refs, setDeadlines(calls, first)); err != nil {
		t.Fatal(err)
	}
	if len(calls) != 2 || calls[f.o.ID].Order.ShopID != f.a.ID || calls[ob.ID].Order.ShopID != f.b.ID {
		t.Fatalf("fn saw %d orders (want each existing order once, in its shop): %v", len(calls), calls)
	}
	if len(calls[f.o.ID].Shipments) != 1 {
		t.Errorf("clock state of %s without its shipment: %+v", f.o.ID, calls[f.o.ID].Shipments)
	}
	due, err := s.DueOrders(ctx, at(16), 10)
	if err != nil || len(due) != 2 {
		t.Fatalf("due after the batch: %+v %v", due, err)
	}
	// A second batch: /a changes, /b stays, /c goes, /d is new. The stored rows are what was decided.
	second := func(id string) []store.DeadlineRow {
		a := deadline(id+"/a", at(10), time.Time{})
		a.State, a.MetAt = "met", at(8)
		return []store.DeadlineRow{a, deadline(id+"/b", at(20), at(15)), deadline(id+"/d", at(40), at(35))}
	}
	if err := s.ChangeClocksBatch(ctx, refs[:2], setDeadlines(calls, second)); err != nil {
		t.Fatal(err)
	}
	if n := len(calls[ob.ID].Deadlines); n != 3 {
		t.Errorf("second batch saw %d stored deadlines, want 3", n)
	}
	for _, o := range []model.Order{f.o, ob} {
		ds, err := s.ListDeadlines(ctx, []string{o.ShopID}, o.ID)
		if err != nil || len(ds) != 3 {
			t.Fatalf("deadlines of %s: %+v %v", o.ID, ds, err)
		}
		if ds[0].Key != o.ID+"/a" || ds[0].State != "met" || !ds[0].MetAt.Equal(at(8)) || !ds[0].NextCheckAt.IsZero() {
			t.Errorf("changed deadline not written: %+v", ds[0])
		}
		if ds[1].Key != o.ID+"/b" || !ds[1].NextCheckAt.Equal(at(15)) || ds[2].Key != o.ID+"/d" || !ds[2].DueAt.Equal(at(40)) {
			t.Errorf("deadlines %+v", ds)
		}
	}
	// Alerts are raised once per key and kind, batch or not.
	alerts, err := s.ListAlerts(ctx, store.AlertQuery{ShopIDs: f.both, Limit: 10})
	if err != nil || len(alerts) != 2 {
		t.Errorf("alerts %+v %v", alerts, err)
	}
	big := make([]store.OrderRef, store.MaxClockBatch+1)
	for i := range big {
		big[i] = store.OrderRef{ID: f.o.ID, ShopID: f.a.ID}
	}
	if err := s.ChangeClocksBatch(ctx, big, setDeadlines(calls, first)); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("batch over %d: %v", store.MaxClockBatch, err)
	}
}

// testClockBatchAtomic: a batch whose second order fails writes nothing of the first, and a
// deadline key held by another order is a conflict, not a silent overwrite.
func testClockBatchAtomic(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newTrackFix(t, s)
	o2 := f.order(t, f.a, "batch-2")
	refs := []store.OrderRef{{ID: f.o.ID, ShopID: f.a.ID}, {ID: o2.ID, ShopID: f.a.ID}}
	calls := map[string]store.ClockState{}
	own := func(id string) []store.DeadlineRow { return []store.DeadlineRow{deadline(id+"/a", at(10), at(9))} }
	if err := s.ChangeClocksBatch(ctx, refs, setDeadlines(calls, own)); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := s.ChangeClocksBatch(ctx, refs, func(st store.ClockState) (store.ClockChange, error) {
		if st.Order.ID == o2.ID {
			return store.ClockChange{}, boom
		}
		return store.ClockChange{Deadlines: []store.DeadlineRow{deadline(st.Order.ID+"/z", at(50), at(49))}, ReplaceDeadlines: true}, nil
	})
	if !errors.Is(err, boom) {
		t.Fatalf("failing batch: %v", err)
	}
	for _, id := range []string{f.o.ID, o2.ID} {
		ds, err := s.ListDeadlines(ctx, []string{f.a.ID}, id)
		if err != nil || len(ds) != 1 || ds[0].Key != id+"/a" {
			t.Errorf("after a failed batch, deadlines of %s: %+v %v", id, ds, err)
		}
	}
	// o2 claims f.o's key: refused, and f.o's row stays its own.
	err = s.ChangeClocksBatch(ctx, refs[1:], func(st store.ClockState) (store.ClockChange, error) {
		return store.ClockChange{Deadlines: []store.DeadlineRow{deadline(f.o.ID+"/a", at(60), at(59))}, ReplaceDeadlines: true}, nil
	})
	if !errors.Is(err, model.ErrConflict) {
		t.Errorf("stolen key: %v", err)
	}
	ds, _ := s.ListDeadlines(ctx, []string{f.a.ID}, f.o.ID)
	if len(ds) != 1 || !ds[0].DueAt.Equal(at(10)) {
		t.Errorf("f.o's deadline after the refused steal: %+v", ds)
	}
}
