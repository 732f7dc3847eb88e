package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/notify"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

func fast(schedule ...time.Duration) notify.Config {
	return notify.Config{RetrySchedule: schedule, Timeout: 5 * time.Second}
}

// A delivery reaches the endpoint signed as the Standard Webhooks specification says (checked
// by the test's own verifier), with the contract's body; the subscription's filter holds.
func TestWebhookDeliveredSigned(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, fast(50*time.Millisecond))
		rcv := newReceiver(t, func(notify.Payload, int) int { return http.StatusNoContent })
		sub := e.subscribe(rcv.srv.URL, model.EventReturnUpdated, model.EventStockLow)
		if !strings.HasPrefix(sub.Secret, "whsec_") {
			t.Fatalf("secret %q: want whsec_…", sub.Secret)
		}
		rcv.secret = func() string { return sub.Secret }
		other, err := e.svc.CreateSubscription(context.Background(), e.a,
			notify.SubscriptionRequest{URL: rcv.srv.URL + "/all", Events: []string{"*"}, Secret: sub.Secret})
		if err != nil {
			t.Fatal(err)
		}
		e.start()
		e.emit(model.EventReturnUpdated, "shop_a", "ord_1", "ret_1", map[string]any{"id": "ret_1", "status": "REQUESTED"})
		e.emit(model.EventOrderCreated, "shop_a", "ord_2", "ord_2", map[string]any{"id": "ord_2"})
		e.emit(model.EventReturnUpdated, "shop_b", "ord_9", "ret_9", map[string]any{"id": "ret_9"}) // another shop's
		waitFor(t, "3 deliveries", func() bool { return len(e.deliveries(model.DeliveryDelivered)) == 3 })

		got := rcv.accepted()
		if len(got) != 3 {
			t.Fatalf("receiver took %d requests, want 3 (return.updated twice, order.created once)", len(got))
		}
		var toSub []received
		for _, rc := range got {
			if rc.Payload.Type == model.EventReturnUpdated {
				toSub = append(toSub, rc)
			}
		}
		if len(toSub) != 2 || toSub[0].ID != toSub[1].ID {
			t.Fatalf("return.updated deliveries %+v: want one to each subscription, same webhook-id", toSub)
		}
		rc := toSub[0]
		var body map[string]json.RawMessage
		if err := json.Unmarshal(rc.Body, &body); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"type", "id", "created_at", "data"} {
			if _, ok := body[k]; !ok {
				t.Errorf("body %s has no %q", rc.Body, k)
			}
		}
		if rc.Payload.ID != rc.ID || !strings.HasPrefix(rc.ID, "evt_") {
			t.Errorf("body id %q, webhook-id %q: want the same evt_ id", rc.Payload.ID, rc.ID)
		}
		var data map[string]string
		if err := json.Unmarshal(rc.Payload.Data, &data); err != nil || data["id"] != "ret_1" {
			t.Errorf("data %s: want the return", rc.Payload.Data)
		}
		// The verifier can fail: a changed body or another secret is refused.
		h := http.Header{}
		h.Set("webhook-id", rc.ID)
		h.Set("webhook-timestamp", rc.Timestamp)
		h.Set("webhook-signature", rc.Signature)
		if err := verify(sub.Secret, h, append(rc.Body, ' '), time.Now()); err == nil {
			t.Error("the verifier took a changed body")
		}
		if err := verify(notify.NewSecret(), h, rc.Body, time.Now()); err == nil {
			t.Error("the verifier took another secret")
		}
		ds, _, err := e.svc.ListDeliveries(context.Background(), e.a, notify.DeliveryQuery{SubscriptionID: other.ID})
		if err != nil || len(ds) != 2 {
			t.Fatalf("deliveries of the * subscription: %d, %v: want 2", len(ds), err)
		}
		if _, err := e.svc.GetDelivery(context.Background(), e.b, ds[0].ID); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("shop B reads shop A's delivery: %v, want not found", err)
		}
	})
}

// Notify.Sign agrees with the example of the Standard Webhooks specification's reference
// libraries.
func TestSignKnownVector(t *testing.T) {
	got, err := notify.Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, []byte(`{"test": 2432232314}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}
