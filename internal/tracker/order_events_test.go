package tracker_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// TestOrderUpdatedOnTrackingMoves: for a shop listening to order.updated, the tracker's moves of
// the order — IN_TRANSIT on the first scan, DELIVERED on the delivery — each enqueue one
// order.updated with the order as it became; scans that leave the status, and the same events
// ingested again, add none.
func TestOrderUpdatedOnTrackingMoves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s store.Store) {
		f := newFix(t, s, "US", nil)
		storetest.Subscribe(t, s, f.shop.ID, model.EventOrderUpdated)
		j := f.journey()
		f.now = t0.Add(70 * time.Hour)
		f.ingest(t, j[0])
		f.ingest(t, j[0]) // again
		f.ingest(t, j[1:3]...)
		f.ingest(t, j...)
		var statuses []model.Status
		for _, ev := range storetest.NotifyEvents(t, s) {
			if ev.Type != model.EventOrderUpdated {
				continue
			}
			var o model.Order
			if err := json.Unmarshal(ev.Data, &o); err != nil || o.ID != f.order.ID || ev.OrderID != f.order.ID {
				t.Fatalf("event %+v: want order %s", ev, f.order.ID)
			}
			statuses = append(statuses, o.Status)
		}
		if want := []model.Status{model.StatusInTransit, model.StatusDelivered}; !slices.Equal(statuses, want) {
			t.Fatalf("order.updated events carry %v, want %v", statuses, want)
		}
	})
}
