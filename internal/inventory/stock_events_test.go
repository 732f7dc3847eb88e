package inventory_test

import (
	"context"
	"encoding/json"
	"testing"

	"lastmile/internal/model"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// TestStockLowEventEnqueuedWithTheChange: a stock change that leaves nothing to sell beyond the
// safety stock enqueues one stock.low notify.event job with the level as data, in its own
// transaction; a change that leaves it low, or one of a shop nobody listens to, enqueues none.
func TestStockLowEventEnqueuedWithTheChange(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)
		listened := true
		e.svc.WithEvents(func(_ context.Context, shopID, typ string) (bool, error) {
			return listened && shopID == e.shop.ID && typ == model.EventStockLow, nil
		})
		w := e.warehouse(t, usWarehouse("LAX1", 3))
		events := func() []model.NotifyEvent {
			var out []model.NotifyEvent
			for _, j := range storetest.ListJobs(t, st) {
				if j.Kind == model.KindNotifyEvent {
					var ev model.NotifyEvent
					json.Unmarshal(j.EncodedArgs, &ev)
					out = append(out, ev)
				}
			}
			return out
		}
		e.setOnHand(t, w.ID, "SKU-1", 10)
		if _, err := e.svc.SetStock(ctx, e.scope, w.ID, "SKU-1", target(nil, ptr(4), "")); err != nil {
			t.Fatal(err)
		}
		if evs := events(); len(evs) != 0 {
			t.Fatalf("events %+v while 6 remain to sell", evs)
		}
		// 10 on hand, 4 safety: writing off 6 leaves nothing to sell.
		if _, err := e.svc.Record(ctx, e.scope, entry(w.ID, "SKU-1", model.MoveWriteOff, 6, "damaged")); err != nil {
			t.Fatal(err)
		}
		evs := events()
		if len(evs) != 1 || evs[0].Type != model.EventStockLow || evs[0].ShopID != e.shop.ID || evs[0].ID != w.ID+"/SKU-1" {
			t.Fatalf("events %+v, want one stock.low of %s/SKU-1", evs, w.ID)
		}
		var l store.StockLevel
		if err := json.Unmarshal(evs[0].Data, &l); err != nil || !l.LowStock || l.OnHand != 4 || l.SafetyStock != 4 {
			t.Fatalf("data %s: want the low level (4 on hand, 4 safety)", evs[0].Data)
		}
		// Still low: no second event.
		if _, err := e.svc.Record(ctx, e.scope, entry(w.ID, "SKU-1", model.MoveWriteOff, 1, "damaged")); err != nil {
			t.Fatal(err)
		}
		// Nobody listens: a new crossing of another SKU enqueues nothing.
		listened = false
		e.setOnHand(t, w.ID, "SKU-2", 1)
		if _, err := e.svc.SetStock(ctx, e.scope, w.ID, "SKU-2", target(nil, ptr(1), "")); err != nil {
			t.Fatal(err)
		}
		if evs := events(); len(evs) != 1 {
			t.Fatalf("%d events, want still 1: %+v", len(evs), evs)
		}
	})
}
