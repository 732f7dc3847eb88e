package tiktokshop

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/marketplace/tiktok/sim"
	"lastmile/internal/model"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// TestWebhookSubscription: the first pull after connecting subscribes the shop to the event
// types lastmile acts on at tiktok_webhook_url; the platform then sends those types there and no
// others. When the URL changes, the next pull subscribes the new one. With no URL configured
// the connection says so.
func TestWebhookSubscription(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, sim.Options{WebhookURL: noWebhooks}) // nothing subscribed on the platform
		ctx := context.Background()

		// No URL: a visible warning, no subscription.
		c := e.connect("shop_us", "")
		if !strings.Contains(c.WebhookWarning, "tiktok_webhook_url") {
			t.Fatalf("connected without a webhook URL: warning %q", c.WebhookWarning)
		}
		if _, err := e.svc.Sync(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.GetConnection(ctx, nil, c.ID); got.WebhookAddress != "" || !strings.Contains(got.WebhookWarning, "tiktok_webhook_url") {
			t.Fatalf("after a pull without a URL: address %q, warning %q", got.WebhookAddress, got.WebhookWarning)
		}

		// A URL: the next pull subscribes every type lastmile acts on there.
		e.svc.cfg.WebhookURL = e.hooks.URL + "/webhooks/tiktok"
		if _, err := e.svc.Sync(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		got, _ := st.GetConnection(ctx, nil, c.ID)
		if got.WebhookAddress != e.svc.cfg.WebhookURL || got.WebhookWarning != "" || !slices.Equal(got.WebhookEvents, SubscribedEvents) {
			t.Fatalf("after subscribing: address %q, events %v, warning %q", got.WebhookAddress, got.WebhookEvents, got.WebhookWarning)
		}
		subs := e.subscriptions(got)
		if len(subs) != len(SubscribedEvents) {
			t.Fatalf("the platform has %d subscriptions, want %d: %+v", len(subs), len(SubscribedEvents), subs)
		}
		for _, sub := range subs {
			if sub.Address != e.svc.cfg.WebhookURL || !slices.Contains(SubscribedEvents, sub.EventType) {
				t.Fatalf("subscription %+v", sub)
			}
		}
		// The platform sends a subscribed type, and not one lastmile did not subscribe.
		ids, _ := e.sim.CreateOrders(simUS, 1)
		e.sim.Flush()
		before := e.sim.Stats()
		if before.WebhooksByType["1"] == 0 {
			t.Fatalf("no ORDER_STATUS_CHANGE was sent for a new order: %+v", before.WebhooksByType)
		}
		if _, err := e.sim.TriggerWebhook(sim.WebhookRequest{Type: tiktok.WebhookProductStatusChange, ShopID: simUS, Data: []byte(`{"product_id":"1"}`)}); err != nil {
			t.Fatal(err)
		}
		if after := e.sim.Stats(); after.WebhooksByType["5"] != 0 || after.WebhooksNoAddress != before.WebhooksNoAddress+1 {
			t.Fatalf("an unsubscribed PRODUCT_STATUS_CHANGE: by type %v, no address %d → %d", after.WebhooksByType, before.WebhooksNoAddress, after.WebhooksNoAddress)
		}

		// The URL changes: the next pull moves every subscription to it, and webhooks follow.
		var hits atomic.Int64
		moved := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
		defer moved.Close()
		e.svc.cfg.WebhookURL = moved.URL + "/webhooks/tiktok"
		e.clock.Advance(time.Minute)
		if _, err := e.svc.Sync(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		got, _ = st.GetConnection(ctx, nil, c.ID)
		if got.WebhookAddress != e.svc.cfg.WebhookURL {
			t.Fatalf("after the URL changed: address %q", got.WebhookAddress)
		}
		for _, sub := range e.subscriptions(got) {
			if sub.Address != e.svc.cfg.WebhookURL {
				t.Fatalf("subscription left at the old URL: %+v", sub)
			}
		}
		if _, err := e.sim.TriggerWebhook(sim.WebhookRequest{Type: tiktok.WebhookOrderStatusChange, ShopID: simUS, OrderID: ids[0]}); err != nil {
			t.Fatal(err)
		}
		e.sim.Flush()
		if hits.Load() != 1 {
			t.Fatalf("the moved URL got %d webhooks, want 1", hits.Load())
		}
	})
}

// subscriptions lists the shop's subscriptions as the platform has them.
func (e *env) subscriptions(c model.Connection) []tiktok.Subscription {
	e.t.Helper()
	sc, err := e.svc.shopClient(c)
	if err != nil {
		e.t.Fatal(err)
	}
	subs, err := sc.Subscriptions(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	return subs
}
