package order_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// notifyEvents are the events enqueued in s, in order.
func notifyEvents(t *testing.T, s store.Store) []model.NotifyEvent {
	return storetest.NotifyEvents(t, s)
}

// TestOrderEventsEnqueuedWithTheChange: a listened-to shop's new order gives order.created, a
// newer version, a confirmation and a cancellation order.updated, each a notify.event job with
// the order as data; a replay gives nothing, and a shop nobody listens to gets no events.
func TestOrderEventsEnqueuedWithTheChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		for _, id := range []string{"shop_a", "shop_b"} {
			if err := st.CreateShop(ctx, model.Shop{ID: id, Name: id, Market: "US", TimeZone: "America/Los_Angeles", CreatedAt: contractCreated}); err != nil {
				t.Fatal(err)
			}
		}
		clock := &fakeClock{t: clockStart}
		storetest.Subscribe(t, st, "shop_a", model.EventOrderCreated, model.EventOrderUpdated)
		storetest.Subscribe(t, st, "shop_b", model.EventStockLow) // listened to, but not for orders
		svc := order.NewService(st, config.DefaultMarkets(), clock.Now, slog.New(slog.DiscardHandler))
		a := upsertOK(t, svc, scopeOf("shop_a"), svcOrder("shop_a", "A-1"))
		upsertOK(t, svc, scopeOf("shop_b"), svcOrder("shop_b", "B-1"))
		upsertOK(t, svc, scopeOf("shop_a"), svcOrder("shop_a", "A-1")) // a replay: unchanged
		newer := svcOrder("shop_a", "A-1")
		newer.UpdatedAt = newer.UpdatedAt.Add(time.Hour)
		newer.Buyer.Name = "Renamed Buyer"
		upsertOK(t, svc, scopeOf("shop_a"), newer)
		clock.Advance(time.Minute)
		if _, err := svc.Confirm(ctx, scopeOf("shop_a"), a.Order.ID, order.CauseAPI); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Confirm(ctx, scopeOf("shop_a"), a.Order.ID, order.CauseAPI); err != nil { // no change
			t.Fatal(err)
		}
		if _, err := svc.Cancel(ctx, scopeOf("shop_a"), a.Order.ID, "buyer_request", order.CauseAPI); err != nil {
			t.Fatal(err)
		}
		evs := notifyEvents(t, st)
		want := []string{model.EventOrderCreated, model.EventOrderUpdated, model.EventOrderUpdated, model.EventOrderUpdated}
		if len(evs) != len(want) {
			t.Fatalf("%d events %+v, want %v", len(evs), evs, want)
		}
		for i, ev := range evs {
			var o model.Order
			if err := json.Unmarshal(ev.Data, &o); err != nil {
				t.Fatal(err)
			}
			if ev.Type != want[i] || ev.ShopID != "shop_a" || ev.OrderID != a.Order.ID || ev.ID != a.Order.ID || o.ID != a.Order.ID {
				t.Fatalf("event %d: %+v, want %s of order %s", i, ev, want[i], a.Order.ID)
			}
		}
		var last model.Order
		json.Unmarshal(evs[3].Data, &last)
		if last.Status != model.StatusCancelled {
			t.Fatalf("the last event's order is %s, want CANCELLED", last.Status)
		}
	})
}

// TestOrderEventsOffWithoutSubscription: a shop without a subscription gets no order events.
func TestOrderEventsOffWithoutSubscription(t *testing.T) {
	svc, st, _ := newService(t, "shop_a")
	upsertOK(t, svc, scopeOf("shop_a"), svcOrder("shop_a", "A-1"))
	if evs := notifyEvents(t, st); len(evs) != 0 {
		t.Fatalf("events %+v without a subscription", evs)
	}
}

// TestOrderEventsOfABatchInAFewJobs: a batch of 1,201 new orders enqueues its order.created
// events as three notify.events jobs (500, 500, 201 events, store.NotifyBatchSize), each
// naming its orders, every order once; a lone change is one notify.event job.
func TestOrderEventsOfABatchInAFewJobs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		if err := st.CreateShop(ctx, model.Shop{ID: "shop_a", Name: "a", Market: "US", TimeZone: "America/Los_Angeles", CreatedAt: contractCreated}); err != nil {
			t.Fatal(err)
		}
		storetest.Subscribe(t, st, "shop_a", model.EventAll)
		clock := &fakeClock{t: clockStart}
		svc := order.NewService(st, config.DefaultMarkets(), clock.Now, slog.New(slog.DiscardHandler))
		const n = 1201
		orders := make([]model.Order, n)
		for i := range orders {
			orders[i] = svcOrder("shop_a", fmt.Sprintf("B-%04d", i))
		}
		res, err := svc.Upsert(ctx, scopeOf("shop_a"), orders, order.CauseAPI)
		if err != nil {
			t.Fatal(err)
		}
		var sizes []int
		seen := map[string]int{}
		for _, j := range storetest.ListJobs(t, st) {
			switch j.Kind {
			case model.KindNotifyEvent:
				t.Fatalf("a lone notify.event job for a batch: %s", j.EncodedArgs)
			case model.KindNotifyEvents:
				var b model.NotifyEventBatch
				if err := json.Unmarshal(j.EncodedArgs, &b); err != nil {
					t.Fatal(err)
				}
				evs, err := b.Events()
				if err != nil {
					t.Fatal(err)
				}
				sizes = append(sizes, len(evs))
				if b.ShopID != "shop_a" || len(b.OrderIDs) != len(evs) {
					t.Fatalf("batch of shop %q names %d orders for %d events", b.ShopID, len(b.OrderIDs), len(evs))
				}
				for k, ev := range evs {
					if ev.Type != model.EventOrderCreated || ev.OrderID != b.OrderIDs[k] {
						t.Fatalf("event %d: %s of %s, want order.created of %s", k, ev.Type, ev.OrderID, b.OrderIDs[k])
					}
					seen[ev.OrderID]++
				}
			}
		}
		if fmt.Sprint(sizes) != "[500 500 201]" {
			t.Fatalf("batches of %v events, want [500 500 201]", sizes)
		}
		for _, r := range res {
			if seen[r.Order.ID] != 1 {
				t.Fatalf("order %s has %d events, want 1", r.Order.ID, seen[r.Order.ID])
			}
		}
		if _, err := svc.Confirm(ctx, scopeOf("shop_a"), res[0].Order.ID, order.CauseAPI); err != nil {
			t.Fatal(err)
		}
		jobs := storetest.ListJobs(t, st)
		if last := jobs[len(jobs)-1]; last.Kind != model.KindNotifyEvent {
			t.Fatalf("a confirmation enqueued %s, want one %s", last.Kind, model.KindNotifyEvent)
		}
	})
}
