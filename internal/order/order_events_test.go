package order_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// notifyEvents are the notify.event jobs enqueued in s, in order.
func notifyEvents(t *testing.T, s store.Store) []model.NotifyEvent {
	t.Helper()
	var out []model.NotifyEvent
	for _, j := range storetest.ListJobs(t, s) {
		if j.Kind != model.KindNotifyEvent {
			continue
		}
		var ev model.NotifyEvent
		if err := json.Unmarshal(j.EncodedArgs, &ev); err != nil {
			t.Fatal(err)
		}
		out = append(out, ev)
	}
	return out
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
		asked := 0
		svc := order.NewService(st, config.DefaultMarkets(), clock.Now, slog.New(slog.DiscardHandler)).WithEvents(
			func(_ context.Context, shopID, typ string) (bool, error) {
				asked++
				return shopID == "shop_a", nil
			})
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
		if asked == 0 {
			t.Fatal("the gate was never asked")
		}
	})
}

// TestOrderEventsOffWithoutGate: a service without a gate enqueues no order events.
func TestOrderEventsOffWithoutGate(t *testing.T) {
	svc, st, _ := newService(t, "shop_a")
	upsertOK(t, svc, scopeOf("shop_a"), svcOrder("shop_a", "A-1"))
	if evs := notifyEvents(t, st); len(evs) != 0 {
		t.Fatalf("events %+v without a gate", evs)
	}
}
