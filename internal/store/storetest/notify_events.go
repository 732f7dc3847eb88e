package storetest

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"testing"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// NotifyEvents are the events of the notify.event and notify.events jobs enqueued in s, in the
// order of their jobs and, within a notify.events job, of the batch.
func NotifyEvents(t testing.TB, s store.Store) []model.NotifyEvent {
	t.Helper()
	var out []model.NotifyEvent
	for _, j := range ListJobs(t, s) {
		switch j.Kind {
		case model.KindNotifyEvent:
			var ev model.NotifyEvent
			if err := json.Unmarshal(j.EncodedArgs, &ev); err != nil {
				t.Fatal(err)
			}
			out = append(out, ev)
		case model.KindNotifyEvents:
			var b model.NotifyEventBatch
			if err := json.Unmarshal(j.EncodedArgs, &b); err != nil {
				t.Fatal(err)
			}
			evs, err := b.Events()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, evs...)
		}
	}
	return out
}

// Subscribe stores an enabled subscription of shopID to events, as the notify service would.
func Subscribe(t testing.TB, s store.Store, shopID string, events ...string) model.WebhookSubscription {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Microsecond)
	sub := model.WebhookSubscription{ID: "whs_" + shopID + "_" + strconv.Itoa(len(events)) + "_" + strconv.FormatInt(now.UnixNano(), 36),
		ShopID: shopID, URL: "https://erp.example.com/hooks", Events: events,
		Secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Enabled: true, CreatedAt: now, UpdatedAt: now}
	if err := s.CreateWebhookSubscription(context.Background(), sub); err != nil {
		t.Fatal(err)
	}
	return sub
}

// testOrderWritesEmitOnce: every write of an order of a shop listened to — the upsert,
// UpdateOrder, a shipping change, a clock change — enqueues its order event exactly once in
// its transaction; a write that changes nothing, an event type nobody takes and a shop nobody
// listens to enqueue nothing.
func testOrderWritesEmitOnce(t *testing.T, s store.Store) {
	ctx := context.Background()
	a, b := mustShop(t, s, "A"), mustShop(t, s, "B")
	Subscribe(t, s, a.ID, model.EventOrderUpdated)
	count := func() map[string]int {
		out := map[string]int{}
		for _, ev := range NotifyEvents(t, s) {
			out[ev.Type+" "+ev.ShopID]++
		}
		return out
	}
	res, err := s.UpsertOrders(ctx, a.ID, []model.Order{sample(a.ID, "A-1", t0, model.StatusAwaitingShipment)}, merger(t0))
	if err != nil || res[0].Err != nil {
		t.Fatalf("upsert: %v %+v", err, res)
	}
	o := res[0].Order
	if _, err := s.UpsertOrders(ctx, b.ID, []model.Order{sample(b.ID, "B-1", t0, model.StatusAwaitingShipment)}, merger(t0)); err != nil {
		t.Fatal(err)
	}
	if n := count(); len(n) != 0 {
		t.Fatalf("events %v for new orders of shops not listening to order.created", n)
	}
	upd := model.EventOrderUpdated + " " + a.ID
	step := func(what string, want int) {
		t.Helper()
		if got := count()[upd]; got != want {
			t.Fatalf("after %s: %d order.updated events, want %d", what, got, want)
		}
	}
	if _, err := s.UpdateOrder(ctx, []string{a.ID}, o.ID, func(o *model.Order) (bool, error) { return false, nil }); err != nil {
		t.Fatal(err)
	}
	step("an update that changes nothing", 0)
	if _, err := s.UpdateOrder(ctx, []string{a.ID}, o.ID, func(o *model.Order) (bool, error) {
		o.Status = model.StatusOnHold
		return true, nil
	}); err != nil {
		t.Fatal(err)
	}
	step("UpdateOrder", 1)
	if _, err := s.ChangeShipping(ctx, []string{a.ID}, o.ID, func(st store.ShippingState) (store.ShippingChange, error) {
		st.Order.Status = model.StatusAwaitingCollection
		return store.ShippingChange{Order: st.Order, OrderChanged: true}, nil
	}); err != nil {
		t.Fatal(err)
	}
	step("a shipping change", 2)
	if err := s.ChangeClocks(ctx, []string{a.ID}, o.ID, func(st store.ClockState) (store.ClockChange, error) {
		st.Order.Status = model.StatusInTransit
		return store.ClockChange{Order: st.Order, OrderChanged: true}, nil
	}); err != nil {
		t.Fatal(err)
	}
	step("a clock change", 3)
	if err := s.ChangeClocks(ctx, []string{a.ID}, o.ID, func(st store.ClockState) (store.ClockChange, error) {
		return store.ClockChange{}, nil
	}); err != nil {
		t.Fatal(err)
	}
	step("a clock change that leaves the order", 3)
	newer := sample(a.ID, "A-1", t0.Add(time.Hour), model.StatusAwaitingShipment)
	if _, err := s.UpsertOrders(ctx, a.ID, []model.Order{newer}, merger(t0.Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	step("a newer version", 4)
	var statuses []model.Status
	for _, ev := range NotifyEvents(t, s) {
		var got model.Order
		if err := json.Unmarshal(ev.Data, &got); err != nil {
			t.Fatal(err)
		}
		if ev.OrderID != o.ID || got.ID != o.ID {
			t.Fatalf("event %s of order %s carries order %s, want %s", ev.Type, ev.OrderID, got.ID, o.ID)
		}
		statuses = append(statuses, got.Status)
	}
	stored, err := s.GetOrder(ctx, []string{a.ID}, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []model.Status{model.StatusOnHold, model.StatusAwaitingCollection, model.StatusInTransit, stored.Status}
	if !slices.Equal(statuses, want) {
		t.Fatalf("events carry statuses %v, want %v", statuses, want)
	}
}

// testEarlierNotifyEvents: an unfinished notify.event job of an order, and a notify.events job
// naming it, hold the later events of that order (and of that shop only); no earlier job, or
// another order, holds nothing.
func testEarlierNotifyEvents(t *testing.T, s store.Store) {
	ctx := context.Background()
	batch, err := store.NotifyJobs([]model.NotifyEvent{
		{Type: model.EventOrderCreated, ShopID: "shop_a", OrderID: "ord_1", ID: "ord_1"},
		{Type: model.EventOrderCreated, ShopID: "shop_a", OrderID: "ord_2", ID: "ord_2"},
		{Type: model.EventStockLow, ShopID: "shop_a", ID: "wh/sku"},
	})
	if err != nil {
		t.Fatal(err)
	}
	single, err := store.NewJob(model.NotifyEvent{Type: model.EventOrderUpdated, ShopID: "shop_a", OrderID: "ord_3", ID: "ord_3"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.EnqueueJobs(ctx, append(batch, single)...); err != nil {
		t.Fatal(err)
	}
	jobs := ListJobs(t, s)
	if len(jobs) != 2 || jobs[0].Kind != model.KindNotifyEvents || jobs[1].Kind != model.KindNotifyEvent {
		t.Fatalf("jobs %d, want a notify.events then a notify.event", len(jobs))
	}
	first, last := jobs[0].ID, jobs[1].ID
	for _, c := range []struct {
		shop   string
		orders []string
		before int64
		want   bool
	}{
		{"shop_a", []string{"ord_2"}, last + 1, true},           // named by the batch
		{"shop_a", []string{"ord_9", "ord_3"}, last + 1, true},  // the lone event's order
		{"shop_a", []string{"ord_1"}, first, false},             // nothing before the batch
		{"shop_a", []string{"ord_3"}, last, false},              // the batch does not name ord_3
		{"shop_b", []string{"ord_1", "ord_3"}, last + 1, false}, // another shop
		{"shop_a", []string{"ord_9"}, last + 1, false},          // another order
		{"shop_a", nil, last + 1, false},                        // no order
	} {
		got, err := s.EarlierNotifyEventWaiting(ctx, c.shop, c.orders, c.before)
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("EarlierNotifyEventWaiting(%s, %v, before %d) = %v, want %v", c.shop, c.orders, c.before, got, c.want)
		}
	}
}
