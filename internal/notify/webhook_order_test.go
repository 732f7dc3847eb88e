package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/notify"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

type seqData struct {
	Order string `json:"order"`
	N     int    `json:"n"`
}

func dataOf(t *testing.T, p notify.Payload) seqData {
	t.Helper()
	var d seqData
	if err := json.Unmarshal(p.Data, &d); err != nil {
		t.Fatalf("data %s: %v", p.Data, err)
	}
	return d
}

// Deliveries of one order arrive in the order of their events, even when the first fails and
// is retried: the later ones wait for it. Another order's are not held up.
func TestWebhookOrderPerOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, fast(30*time.Millisecond, 30*time.Millisecond, 30*time.Millisecond))
		var failedFirst atomic.Bool
		rcv := newReceiver(t, func(p notify.Payload, _ int) int {
			var d seqData
			json.Unmarshal(p.Data, &d)
			if d.Order == "ord_a" && d.N == 1 && failedFirst.CompareAndSwap(false, true) {
				return http.StatusServiceUnavailable // the first event of ord_a fails once
			}
			return http.StatusOK
		})
		sub := e.subscribe(rcv.srv.URL, "*")
		rcv.secret = func() string { return sub.Secret }
		for n := 1; n <= 4; n++ {
			e.emit(model.EventOrderUpdated, "shop_a", "ord_a", "ord_a", seqData{Order: "ord_a", N: n})
		}
		e.emit(model.EventOrderUpdated, "shop_a", "ord_b", "ord_b", seqData{Order: "ord_b", N: 1})
		// The fan-out runs before the deliveries start: all of ord_a's but the first are queued.
		e.start()
		waitFor(t, "5 deliveries", func() bool { return len(e.deliveries(model.DeliveryDelivered)) == 5 })

		var seen []int
		for _, rc := range rcv.requests() {
			d := dataOf(t, rc.Payload)
			if d.Order == "ord_a" {
				seen = append(seen, d.N)
			}
		}
		// 1 failed, then 1 again, then 2, 3, 4: nothing of ord_a was sent while 1 was retrying.
		if want := []int{1, 1, 2, 3, 4}; !equalInts(seen, want) {
			t.Fatalf("requests for ord_a carried events %v, want %v", seen, want)
		}
		for _, d := range e.deliveries() {
			if dataN := d.OrderID; dataN == "ord_a" && d.Attempts == 2 {
				if d.LastStatusCode != http.StatusOK || d.LastAttemptAt == nil {
					t.Errorf("retried delivery %+v: want its last attempt recorded", d)
				}
			}
		}
	})
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// A delivery that failed on one engine is retried by the next one on the same database: the
// retry is a job in the database, not a timer in a process.
func TestWebhookRetryAcrossRestart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, fast(time.Second, time.Second, time.Second, time.Second, time.Second))
		var up atomic.Bool
		rcv := newReceiver(t, func(notify.Payload, int) int {
			if up.Load() {
				return http.StatusOK
			}
			return http.StatusBadGateway
		})
		sub := e.subscribe(rcv.srv.URL, model.EventShipmentPurchased)
		rcv.secret = func() string { return sub.Secret }
		stop := e.start()
		e.emit(model.EventShipmentPurchased, "shop_a", "ord_1", "shp_1", map[string]string{"id": "shp_1"})
		waitFor(t, "the first attempt", func() bool {
			ds := e.deliveries()
			return len(ds) == 1 && ds[0].Attempts >= 1
		})
		stop() // the node goes away with the delivery waiting for its retry
		before := len(rcv.requests())
		up.Store(true)

		e.start() // a new node on the same database
		waitFor(t, "the retry by the new engine", func() bool { return len(e.deliveries(model.DeliveryDelivered)) == 1 })
		if len(rcv.requests()) <= before {
			t.Fatal("delivered without a request after the restart")
		}
		d := e.deliveries()[0]
		if d.Attempts < 2 || d.DeliveredAt == nil {
			t.Fatalf("delivery %+v: want delivered on a later attempt", d)
		}
		if ids := rcv.accepted(); len(ids) != 1 || ids[0].ID != d.EventID {
			t.Fatalf("accepted %d requests: want the one event %s once", len(ids), d.EventID)
		}
	})
}

// A delivery that fails every attempt of the schedule fails and disables its subscription, with
// an alert in the log; events meanwhile wait, and go out in order when it is enabled again; a
// failed delivery can be replayed with the same event id.
func TestWebhookAutoDisableAndReplay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		e := newEnv(t, st, fast(20*time.Millisecond, 20*time.Millisecond))
		var up atomic.Bool
		rcv := newReceiver(t, func(notify.Payload, int) int {
			if up.Load() {
				return http.StatusOK
			}
			return http.StatusInternalServerError
		})
		sub := e.subscribe(rcv.srv.URL, "*")
		rcv.secret = func() string { return sub.Secret }
		e.start()
		e.emit(model.EventStockLow, "shop_a", "", "sku_1", map[string]string{"sku": "SKU-1"})
		waitFor(t, "the delivery to fail", func() bool { return len(e.deliveries(model.DeliveryFailed)) == 1 })
		failed := e.deliveries(model.DeliveryFailed)[0]
		if failed.Attempts != 3 || failed.LastStatusCode != http.StatusInternalServerError || !strings.Contains(failed.LastError, "500") {
			t.Fatalf("failed delivery %+v: want 3 attempts (1 + 2 retries), the last 500", failed)
		}
		got, err := e.svc.GetSubscription(ctx, e.a, sub.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Enabled || got.DisabledAt == nil || !strings.Contains(got.DisabledReason, failed.ID) {
			t.Fatalf("subscription after a failed delivery: %+v: want disabled, naming the delivery", got)
		}
		if got.Secret != "" {
			t.Error("GET shows the secret")
		}
		// The alert is logged just after the failure is committed.
		waitFor(t, "the alert in the log", func() bool { return strings.Contains(e.log.String(), "webhook_subscription_disabled") })
		// While disabled, new events are not fanned out to it... (the fan-out takes enabled ones)
		e.emit(model.EventOrderCreated, "shop_a", "ord_1", "ord_1", map[string]string{"id": "ord_1"})
		waitFor(t, "the fan-out", func() bool { return notifyJobsDone(t, st) })
		n := len(rcv.requests())

		up.Store(true)
		enabled := true
		if _, err := e.svc.UpdateSubscription(ctx, e.a, sub.ID, notify.PatchRequest{Enabled: &enabled}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Replay(ctx, e.a, failed.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Replay(ctx, e.a, failed.ID); !errors.Is(err, model.ErrConflict) {
			t.Errorf("a second replay while pending: %v, want a conflict", err)
		}
		waitFor(t, "the replay", func() bool {
			d, err := e.svc.GetDelivery(ctx, e.a, failed.ID)
			return err == nil && d.Status == model.DeliveryDelivered
		})
		acc := rcv.accepted()
		if len(acc) != 1 || acc[0].ID != failed.EventID || len(rcv.requests()) != n+1 {
			t.Fatalf("after the replay the endpoint took %d (accepted %d): want the failed event %s once more", len(rcv.requests()), len(acc), failed.EventID)
		}
		if _, err := e.svc.Replay(ctx, e.b, failed.ID); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("shop B replays shop A's delivery: %v, want not found", err)
		}
	})
}

// Enabling a subscription sends the deliveries that waited while it was disabled, in order.
func TestWebhookQueuedWhileDisabled(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		e := newEnv(t, st, fast(20*time.Millisecond))
		rcv := newReceiver(t, func(notify.Payload, int) int { return http.StatusOK })
		sub := e.subscribe(rcv.srv.URL, "*")
		rcv.secret = func() string { return sub.Secret }
		// The subscription is disabled after the fan-out and before the first attempt: the
		// deliveries go back to queued.
		for n := 1; n <= 3; n++ {
			if _, err := e.svc.FanOut(ctx, "evt_t"+string(rune('0'+n)), time.Now(), model.NotifyEvent{Type: model.EventOrderUpdated,
				ShopID: "shop_a", OrderID: "ord_q", ID: "ord_q", Data: json.RawMessage(`{"order":"ord_q","n":` + string(rune('0'+n)) + `}`)}); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := e.svc.FanOut(ctx, "evt_t1", time.Now(), model.NotifyEvent{Type: model.EventOrderUpdated, ShopID: "shop_a", OrderID: "ord_q"}); err != nil || n != 0 {
			t.Fatalf("fan-out of the same event again added %d (%v), want 0", n, err)
		}
		if ds := e.deliveries(model.DeliveryPending); len(ds) != 1 {
			t.Fatalf("%d pending deliveries of one order, want 1", len(ds))
		}
		disabled := false
		if _, err := e.svc.UpdateSubscription(ctx, e.a, sub.ID, notify.PatchRequest{Enabled: &disabled}); err != nil {
			t.Fatal(err)
		}
		e.start()
		waitFor(t, "the first delivery to go back to queued", func() bool { return len(e.deliveries(model.DeliveryQueued)) == 3 })
		if len(rcv.requests()) != 0 {
			t.Fatal("a disabled subscription received a delivery")
		}
		enabled := true
		if _, err := e.svc.UpdateSubscription(ctx, e.a, sub.ID, notify.PatchRequest{Enabled: &enabled}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "3 deliveries", func() bool { return len(e.deliveries(model.DeliveryDelivered)) == 3 }, e.dump)
		var seen []int
		for _, rc := range rcv.requests() {
			seen = append(seen, dataOf(t, rc.Payload).N)
		}
		if !equalInts(seen, []int{1, 2, 3}) {
			t.Fatalf("events arrived as %v, want 1, 2, 3", seen)
		}
	})
}

// Every problem of a subscription request is named by its field; a shop outside the key's scope
// does not exist.
func TestSubscriptionValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		e := newEnv(t, st, notify.Config{})
		cases := []struct {
			req    notify.SubscriptionRequest
			fields []string
		}{
			{notify.SubscriptionRequest{}, []string{"url", "events"}},
			{notify.SubscriptionRequest{URL: "ftp://x", Events: []string{"order.created"}}, []string{"url"}},
			{notify.SubscriptionRequest{URL: "/relative", Events: []string{"order.created"}}, []string{"url"}},
			{notify.SubscriptionRequest{URL: "https://erp.example/h", Events: []string{"order.created", "order.shipped"}}, []string{"events[1]"}},
			{notify.SubscriptionRequest{URL: "https://erp.example/h", Events: []string{"*"}, Secret: "s3cret"}, []string{"secret"}},
			{notify.SubscriptionRequest{URL: "https://erp.example/h", Events: []string{"*"}, Secret: "whsec_AAAA"}, []string{"secret"}},
		}
		for _, c := range cases {
			_, err := e.svc.CreateSubscription(ctx, e.a, c.req)
			var ve *model.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("%+v: %v, want a validation error", c.req, err)
			}
			var fields []string
			for _, p := range ve.Problems {
				fields = append(fields, p.Field)
			}
			if strings.Join(fields, ",") != strings.Join(c.fields, ",") {
				t.Errorf("%+v: problems on %v, want %v", c.req, fields, c.fields)
			}
		}
		_, err := e.svc.CreateSubscription(ctx, e.a, notify.SubscriptionRequest{ShopID: "shop_b", URL: "https://erp.example/h", Events: []string{"*"}})
		if !errors.Is(err, model.ErrNotFound) {
			t.Errorf("a subscription for another key's shop: %v, want not found", err)
		}
		secret := notify.NewSecret()
		sub, err := e.svc.CreateSubscription(ctx, e.a, notify.SubscriptionRequest{URL: "https://erp.example/h",
			Events: []string{"stock.low", "*", "order.created"}, Secret: secret})
		if err != nil {
			t.Fatal(err)
		}
		if sub.Secret != secret || len(sub.Events) != 1 || sub.Events[0] != "*" {
			t.Errorf("subscription %+v: want the given secret and events [*]", sub)
		}
		if _, err := e.svc.GetSubscription(ctx, e.b, sub.ID); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("shop B reads shop A's subscription: %v", err)
		}
		if err := e.svc.DeleteSubscription(ctx, e.b, sub.ID); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("shop B deletes shop A's subscription: %v", err)
		}
		if err := e.svc.DeleteSubscription(ctx, e.a, sub.ID); err != nil {
			t.Fatal(err)
		}
		if subs, _ := e.svc.ListSubscriptions(ctx, e.a); len(subs) != 0 {
			t.Errorf("%d subscriptions after the delete", len(subs))
		}
	})
}
