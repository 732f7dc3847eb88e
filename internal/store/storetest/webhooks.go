package storetest

// The conformance tests of store.Webhooks and store.Messages: subscriptions and their scope,
// the queue of deliveries per (subscription, order) with its jobs in the same transaction, the
// attempt's compare-and-set, replays, enabling, and buyer messages unique per (event, channel).

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// RunWebhooks exercises store.Webhooks and store.Messages on the stores newStore returns.
func RunWebhooks(t *testing.T, newStore func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"SubscriptionRoundTrip", testSubscriptionRoundTrip},
		{"DeliveryQueue", testDeliveryQueue},
		{"DeliveryReplay", testDeliveryReplay},
		{"BuyerMessagesOnce", testBuyerMessagesOnce},
		{"OrderWritesEmitOnce", testOrderWritesEmitOnce},
		{"EarlierNotifyEvents", testEarlierNotifyEvents},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newStore(t))
		})
	}
}

func newSubscription(shopID, id string) model.WebhookSubscription {
	return model.WebhookSubscription{ID: id, ShopID: shopID, URL: "https://erp.example.com/h", Events: []string{"order.created", "stock.low"},
		Secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Enabled: true, CreatedAt: t0, UpdatedAt: t0}
}

// deliveryJob is the test's job for a pending delivery; its args name the delivery.
func deliveryJob(d model.WebhookDelivery) (store.Job, error) {
	return store.Job{Kind: "storetest.deliver", Args: json.RawMessage(`{"id":"` + d.ID + `"}`)}, nil
}

// jobsFor counts the storetest.deliver jobs of each delivery.
func jobsFor(t *testing.T, s store.Store) map[string]int {
	out := map[string]int{}
	for _, j := range ListJobs(t, s) {
		if j.Kind != "storetest.deliver" {
			continue
		}
		var a struct{ ID string }
		if err := json.Unmarshal(j.EncodedArgs, &a); err != nil {
			t.Fatal(err)
		}
		out[a.ID]++
	}
	return out
}

func testSubscriptionRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	a, b := mustShop(t, s, "A"), mustShop(t, s, "B")
	sub := newSubscription(a.ID, "whs_1")
	if err := s.CreateWebhookSubscription(ctx, sub); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateWebhookSubscription(ctx, sub); !errors.Is(err, model.ErrConflict) {
		t.Errorf("the same id twice: %v, want a conflict", err)
	}
	if err := s.CreateWebhookSubscription(ctx, newSubscription("shop_none", "whs_2")); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("an unknown shop: %v, want not found", err)
	}
	got, err := s.GetWebhookSubscription(ctx, []string{a.ID}, sub.ID)
	if err != nil || !reflect.DeepEqual(got, sub) {
		t.Fatalf("round trip:\n got %+v %v\nwant %+v", got, err, sub)
	}
	if _, err := s.GetWebhookSubscription(ctx, []string{b.ID}, sub.ID); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("another shop's: %v", err)
	}
	off, err := s.SetWebhookSubscriptionEnabled(ctx, []string{a.ID}, sub.ID, false, "by request", t0.Add(time.Hour), deliveryJob)
	if err != nil || off.Enabled || off.DisabledReason != "by request" || off.DisabledAt == nil || !off.DisabledAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("disable: %+v %v", off, err)
	}
	if list, err := s.ListWebhookSubscriptions(ctx, []string{a.ID, b.ID}); err != nil || len(list) != 1 || list[0].Enabled {
		t.Fatalf("list: %+v %v", list, err)
	}
	if err := s.DeleteWebhookSubscription(ctx, []string{b.ID}, sub.ID); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("delete by another shop: %v", err)
	}
	if err := s.DeleteWebhookSubscription(ctx, []string{a.ID}, sub.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.ListWebhookSubscriptions(ctx, []string{a.ID}); len(list) != 0 {
		t.Fatalf("after delete: %+v", list)
	}
}

func newDelivery(shopID, subID, id, event, order string) model.WebhookDelivery {
	return model.WebhookDelivery{ID: id, ShopID: shopID, SubscriptionID: subID, EventID: event, EventType: "order.created", OrderID: order,
		Body: json.RawMessage(`{"type":"order.created","id":"` + event + `","created_at":"2026-11-20T10:00:00Z","data":{}}`), CreatedAt: t0}
}

// The first delivery of an order is pending with its job, the later ones queued without; the
// attempt's outcome is recorded once; finishing one moves the next to pending with its job.
func testDeliveryQueue(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := mustShop(t, s, "A")
	sub := newSubscription(a.ID, "whs_q")
	if err := s.CreateWebhookSubscription(ctx, sub); err != nil {
		t.Fatal(err)
	}
	ds := []model.WebhookDelivery{newDelivery(a.ID, sub.ID, "whd_1", "evt_1", "ord_x"), newDelivery(a.ID, sub.ID, "whd_2", "evt_2", "ord_x"),
		newDelivery(a.ID, sub.ID, "whd_3", "evt_3", "ord_y"), newDelivery(a.ID, sub.ID, "whd_4", "evt_4", "")}
	n, err := s.AddWebhookDeliveries(ctx, ds, deliveryJob)
	if err != nil || n != 4 {
		t.Fatalf("add: %d %v", n, err)
	}
	if n, err := s.AddWebhookDeliveries(ctx, ds[:2], deliveryJob); err != nil || n != 0 {
		t.Fatalf("add again: %d %v, want 0", n, err)
	}
	status := func(id string) model.WebhookDelivery {
		d, err := s.GetWebhookDelivery(ctx, []string{a.ID}, id)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	want := map[string]model.WebhookDeliveryStatus{"whd_1": model.DeliveryPending, "whd_2": model.DeliveryQueued, "whd_3": model.DeliveryPending, "whd_4": model.DeliveryPending}
	for id, st := range want {
		if got := status(id).Status; got != st {
			t.Errorf("%s is %s, want %s", id, got, st)
		}
	}
	if jobs := jobsFor(t, s); !reflect.DeepEqual(jobs, map[string]int{"whd_1": 1, "whd_3": 1, "whd_4": 1}) {
		t.Fatalf("jobs %v: want one per pending delivery", jobs)
	}
	// A retry keeps whd_1 pending with a new job; the later one waits.
	retry := store.WebhookAttempt{Attempt: 1, Outcome: store.WebhookRetry, At: t0.Add(time.Minute), StatusCode: 503, Error: "HTTP 503", NextAt: t0.Add(2 * time.Minute)}
	d, ok, err := s.RecordWebhookAttempt(ctx, "whd_1", retry, deliveryJob)
	if err != nil || !ok || d.Attempts != 1 || d.NextAttemptAt == nil || !d.NextAttemptAt.Equal(retry.NextAt) || d.LastStatusCode != 503 {
		t.Fatalf("retry: %+v %v %v", d, ok, err)
	}
	if _, ok, _ := s.RecordWebhookAttempt(ctx, "whd_1", retry, deliveryJob); ok {
		t.Fatal("the same attempt recorded twice")
	}
	if status("whd_2").Status != model.DeliveryQueued {
		t.Fatal("the later delivery went while the first retries")
	}
	done := store.WebhookAttempt{Attempt: 2, Outcome: store.WebhookDelivered, At: t0.Add(3 * time.Minute), StatusCode: 204}
	if _, ok, err := s.RecordWebhookAttempt(ctx, "whd_1", done, deliveryJob); err != nil || !ok {
		t.Fatalf("delivered: %v %v", ok, err)
	}
	if d := status("whd_1"); d.Status != model.DeliveryDelivered || d.DeliveredAt == nil || d.Attempts != 2 {
		t.Fatalf("whd_1 %+v", d)
	}
	if status("whd_2").Status != model.DeliveryPending || jobsFor(t, s)["whd_2"] != 1 {
		t.Fatal("the next delivery of the order did not become pending with its job")
	}
	// A last failure with a reason disables the subscription.
	fail := store.WebhookAttempt{Attempt: 1, Outcome: store.WebhookFailed, At: t0.Add(4 * time.Minute), Error: "HTTP 500", DisableReason: "failed for days"}
	if _, ok, err := s.RecordWebhookAttempt(ctx, "whd_3", fail, deliveryJob); err != nil || !ok {
		t.Fatalf("failed: %v %v", ok, err)
	}
	got, _ := s.GetWebhookSubscription(ctx, []string{a.ID}, sub.ID)
	if got.Enabled || got.DisabledReason != "failed for days" {
		t.Fatalf("subscription after a failed delivery: %+v", got)
	}
	list, err := s.ListWebhookDeliveries(ctx, store.WebhookDeliveryQuery{ShopIDs: []string{a.ID}, Statuses: []model.WebhookDeliveryStatus{model.DeliveryFailed}})
	if err != nil || len(list) != 1 || list[0].ID != "whd_3" {
		t.Fatalf("failed deliveries: %+v %v", list, err)
	}
	if list, _ := s.ListWebhookDeliveries(ctx, store.WebhookDeliveryQuery{ShopIDs: []string{"shop_other"}}); len(list) != 0 {
		t.Fatalf("another shop lists %d deliveries", len(list))
	}
}

// A replay makes a finished delivery pending again with a job; a pending one is a conflict.
// Pausing sends a delivery back to queued, and enabling the subscription makes it pending.
func testDeliveryReplay(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := mustShop(t, s, "A")
	sub := newSubscription(a.ID, "whs_r")
	if err := s.CreateWebhookSubscription(ctx, sub); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddWebhookDeliveries(ctx, []model.WebhookDelivery{newDelivery(a.ID, sub.ID, "whd_r", "evt_r", "ord_r")}, deliveryJob); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReplayWebhookDelivery(ctx, []string{a.ID}, "whd_r", t0, deliveryJob); !errors.Is(err, model.ErrConflict) {
		t.Fatalf("replay of a pending delivery: %v", err)
	}
	if _, _, err := s.RecordWebhookAttempt(ctx, "whd_r", store.WebhookAttempt{Attempt: 1, Outcome: store.WebhookDelivered, At: t0}, deliveryJob); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReplayWebhookDelivery(ctx, []string{"shop_other"}, "whd_r", t0, deliveryJob); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("replay by another shop: %v", err)
	}
	d, err := s.ReplayWebhookDelivery(ctx, []string{a.ID}, "whd_r", t0.Add(time.Hour), deliveryJob)
	if err != nil || d.Status != model.DeliveryPending || d.Attempts != 1 || jobsFor(t, s)["whd_r"] != 2 {
		t.Fatalf("replay: %+v %v (jobs %v)", d, err, jobsFor(t, s))
	}
	if _, err := s.SetWebhookSubscriptionEnabled(ctx, []string{a.ID}, sub.ID, false, "by request", t0, deliveryJob); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.RecordWebhookAttempt(ctx, "whd_r", store.WebhookAttempt{Attempt: 2, Outcome: store.WebhookPaused, At: t0}, deliveryJob); err != nil || !ok {
		t.Fatalf("pause: %v %v", ok, err)
	}
	if d, _ := s.GetWebhookDelivery(ctx, []string{a.ID}, "whd_r"); d.Status != model.DeliveryQueued || d.Attempts != 1 {
		t.Fatalf("paused: %+v", d)
	}
	if _, err := s.SetWebhookSubscriptionEnabled(ctx, []string{a.ID}, sub.ID, true, "", t0, deliveryJob); err != nil {
		t.Fatal(err)
	}
	if d, _ := s.GetWebhookDelivery(ctx, []string{a.ID}, "whd_r"); d.Status != model.DeliveryPending || jobsFor(t, s)["whd_r"] != 3 {
		t.Fatalf("after enabling: %+v", d)
	}
}

func testBuyerMessagesOnce(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := mustShop(t, s, "A")
	job := func(m model.BuyerMessage) (store.Job, error) {
		return store.Job{Kind: "storetest.send", Args: json.RawMessage(`{"id":"` + m.ID + `"}`)}, nil
	}
	m := model.BuyerMessage{ID: "msg_1", ShopID: a.ID, OrderID: "ord_1", EventID: "ord_1/delivered", Kind: "delivered", Channel: "email",
		Language: "th", To: "somchai@example.th", Subject: "ส่งแล้ว", Body: "สวัสดี", Status: model.BuyerMessageScheduled, ScheduledAt: t0, CreatedAt: t0}
	skipped := m
	skipped.ID, skipped.Channel, skipped.To, skipped.Status = "msg_2", "webhook", "", model.BuyerMessageSkipped
	if n, err := s.AddBuyerMessages(ctx, []model.BuyerMessage{m, skipped}, job); err != nil || n != 2 {
		t.Fatalf("add: %d %v", n, err)
	}
	again := m
	again.ID = "msg_3"
	if n, err := s.AddBuyerMessages(ctx, []model.BuyerMessage{again}, job); err != nil || n != 0 {
		t.Fatalf("the same (event, channel) again: %d %v, want 0", n, err)
	}
	jobs := 0
	for _, j := range ListJobs(t, s) {
		if j.Kind == "storetest.send" {
			jobs++
		}
	}
	if jobs != 1 {
		t.Fatalf("%d send jobs, want 1 (the skipped message has none)", jobs)
	}
	if ok, err := s.FinishBuyerMessage(ctx, "msg_1", model.BuyerMessageSent, t0.Add(time.Minute), ""); err != nil || !ok {
		t.Fatalf("finish: %v %v", ok, err)
	}
	if ok, _ := s.FinishBuyerMessage(ctx, "msg_1", model.BuyerMessageSent, t0.Add(2*time.Minute), ""); ok {
		t.Fatal("a message finished twice")
	}
	got, err := s.GetBuyerMessage(ctx, []string{a.ID}, "msg_1")
	m.Status, m.SentAt = model.BuyerMessageSent, ptr(t0.Add(time.Minute))
	if err != nil || !reflect.DeepEqual(got, m) {
		t.Fatalf("round trip:\n got %+v %v\nwant %+v", got, err, m)
	}
	if _, err := s.GetBuyerMessage(ctx, []string{"shop_other"}, "msg_1"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("another shop's message: %v", err)
	}
	if list, err := s.ListBuyerMessages(ctx, []string{a.ID}, "ord_1"); err != nil || len(list) != 2 {
		t.Fatalf("list: %d %v", len(list), err)
	}
	tm := model.MessageTemplate{ShopID: a.ID, Kind: "delayed", Language: "th", Subject: "ล่าช้า {{.OrderNumber}}", Body: "{{.Reason}}", UpdatedAt: t0}
	if err := s.PutMessageTemplate(ctx, tm); err != nil {
		t.Fatal(err)
	}
	tm.Body = "{{.Remedy}}"
	if err := s.PutMessageTemplate(ctx, tm); err != nil {
		t.Fatal(err)
	}
	if ts, err := s.ListMessageTemplates(ctx, a.ID); err != nil || len(ts) != 1 || !reflect.DeepEqual(ts[0], tm) {
		t.Fatalf("templates: %+v %v", ts, err)
	}
}

func ptr[T any](v T) *T { return &v }
