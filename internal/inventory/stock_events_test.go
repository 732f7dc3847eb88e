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

// TestStockLowEventFromReservations (R-INV-3): a reservation that takes a balance to nothing
// left to sell beyond its safety stock enqueues one stock.low with the allocation, in its
// transaction; one that leaves something to sell, or leaves it low, enqueues none; a release
// that lifts it and a later reservation that takes it down again enqueue a second.
func TestStockLowEventFromReservations(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)
		w := e.warehouse(t, usWarehouse("LAX1", 3))
		e.setOnHand(t, w.ID, "SKU-1", 10)
		if _, err := e.svc.SetStock(ctx, e.scope, w.ID, "SKU-1", target(nil, ptr(2), "")); err != nil {
			t.Fatal(err)
		}
		storetest.Subscribe(t, st, e.shop.ID, model.EventStockLow)
		low := func() []store.StockLevel {
			var out []store.StockLevel
			for _, ev := range storetest.NotifyEvents(t, st) {
				if ev.Type != model.EventStockLow {
					continue
				}
				var l store.StockLevel
				if err := json.Unmarshal(ev.Data, &l); err != nil || ev.ShopID != e.shop.ID || ev.ID != w.ID+"/SKU-1" {
					t.Fatalf("event %+v: want stock.low of %s/SKU-1", ev, w.ID)
				}
				out = append(out, l)
			}
			return out
		}
		allocate := func(id string) {
			t.Helper()
			if _, err := e.svc.Allocate(ctx, e.scope, id, stockOptions()); err != nil {
				t.Fatalf("allocate %s: %v", id, err)
			}
		}
		a := e.confirm(t, e.order("LOW-1", orderLine("SKU-1", 7)))
		b := e.confirm(t, e.order("LOW-2", orderLine("SKU-1", 1)))
		allocate(a) // 10 on hand, 7 reserved, 2 safety: 1 left to sell
		if l := low(); len(l) != 0 {
			t.Fatalf("stock.low %+v while 1 is left to sell", l)
		}
		allocate(b) // 8 reserved: nothing left beyond the safety stock
		l := low()
		if len(l) != 1 || !l[0].LowStock || l[0].OnHand != 10 || l[0].Reserved != 8 || l[0].SafetyStock != 2 {
			t.Fatalf("stock.low %+v, want one with 10 on hand, 8 reserved, 2 safety", l)
		}
		allocate(b) // again: it holds its stock already
		if _, err := e.svc.Release(ctx, e.scope, b, "test"); err != nil {
			t.Fatal(err)
		}
		if l := low(); len(l) != 1 {
			t.Fatalf("%d stock.low after a repeat and a release, want still 1", len(l))
		}
		allocate(b) // down again
		if l := low(); len(l) != 2 || l[1].Reserved != 8 {
			t.Fatalf("stock.low %+v, want a second with 8 reserved", l)
		}
	})
}
