package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/notify"
)

// TestWebhooksPage: an owner subscribes a receiver to order.created (a bad URL and no event
// type are refused with 422, each named), sees the whsec_ secret once, sees the delivery of a
// new order, replays it, and disables and enables the subscription; a viewer is refused the
// page and every form with 403. Both languages render.
func TestWebhooksPage(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, db string) {
		c := newConsole(t, db)
		var hits atomic.Int32
		recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			hits.Add(1)
		}))
		t.Cleanup(recv.Close)
		b := c.browser()
		tok := b.login(ownerEmail)
		for _, lang := range []string{"en", "zh-CN"} {
			if p := b.get("/settings/webhooks?lang=" + lang); p.status != 200 || p.header.Get("Content-Language") != lang {
				t.Fatalf("webhooks page in %s: %d %q", lang, p.status, p.header.Get("Content-Language"))
			}
		}
		b.get("/settings?lang=en")

		p := b.post("/settings/webhooks", url.Values{"csrf_token": {tok}, "url": {"ftp://nowhere"}})
		if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "url:") || !strings.Contains(p.body, "events:") || !strings.Contains(p.body, `value="ftp://nowhere"`) {
			t.Fatalf("bad subscription: %d\n%.3000s", p.status, p.body)
		}
		p = b.post("/settings/webhooks", url.Values{"csrf_token": {tok}, "url": {recv.URL + "/hook"}, "events": {model.EventOrderCreated}})
		m := regexp.MustCompile(`<code id="webhook-secret">(whsec_[^<]+)</code>`).FindStringSubmatch(p.body)
		if p.status != 200 || m == nil {
			t.Fatalf("create subscription: %d, secret shown: %v\n%.3000s", p.status, m != nil, p.body)
		}
		if p = b.get("/settings/webhooks"); strings.Contains(p.body, m[1]) || !strings.Contains(p.body, recv.URL+"/hook") {
			t.Fatalf("the list shows the secret again or misses the subscription:\n%.3000s", p.body)
		}
		subs, err := c.app.Notify.ListSubscriptions(context.Background(), model.Scope{ShopIDs: []string{c.shop}})
		if err != nil || len(subs) != 1 {
			t.Fatalf("subscriptions: %v %v", subs, err)
		}
		sub := subs[0]

		c.order("hook-1", false) // the order service emits order.created
		var d model.WebhookDelivery
		for deadline := time.Now().Add(20 * time.Second); ; {
			list, _, err := c.app.Notify.ListDeliveries(context.Background(), model.Scope{ShopIDs: []string{c.shop}}, notify.DeliveryQuery{})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) > 0 && list[0].Status == model.DeliveryDelivered {
				d = list[0]
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no delivered delivery: %+v", list)
			}
			time.Sleep(50 * time.Millisecond)
		}
		p = b.get("/settings/webhooks")
		if !strings.Contains(p.body, d.ID) || !strings.Contains(p.body, `action="/settings/webhooks/deliveries/`+d.ID+`/replay"`) {
			t.Fatalf("the delivery or its replay button is missing:\n%.4000s", p.body)
		}
		before := hits.Load()
		if p = b.post("/settings/webhooks/deliveries/"+d.ID+"/replay", url.Values{"csrf_token": {tok}}); p.status != http.StatusSeeOther {
			t.Fatalf("replay: %d\n%.2000s", p.status, p.body)
		}
		for deadline := time.Now().Add(20 * time.Second); hits.Load() == before; time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the replay was not sent")
			}
		}

		if p = b.post("/settings/webhooks/"+sub.ID+"/enabled", url.Values{"csrf_token": {tok}, "enabled": {"false"}}); p.status != http.StatusSeeOther {
			t.Fatalf("disable: %d\n%.2000s", p.status, p.body)
		}
		if got, _ := c.app.Notify.GetSubscription(context.Background(), model.Scope{ShopIDs: []string{c.shop}}, sub.ID); got.Enabled {
			t.Fatal("the subscription is still enabled")
		}
		if p = b.post("/settings/webhooks/"+sub.ID+"/enabled", url.Values{"csrf_token": {tok}, "enabled": {"maybe"}}); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "enabled") {
			t.Fatalf("enabled=maybe: %d", p.status)
		}
		if p = b.post("/settings/webhooks/"+sub.ID+"/enabled", url.Values{"csrf_token": {tok}, "enabled": {"true"}}); p.status != http.StatusSeeOther {
			t.Fatalf("enable: %d", p.status)
		}
		if got, _ := c.app.Notify.GetSubscription(context.Background(), model.Scope{ShopIDs: []string{c.shop}}, sub.ID); !got.Enabled {
			t.Fatal("the subscription was not enabled again")
		}

		vb := c.browser()
		vtok := vb.login(viewerEmail)
		if p = vb.get("/settings/webhooks"); p.status != http.StatusForbidden {
			t.Fatalf("a viewer saw the webhooks page: %d", p.status)
		}
		if p = vb.get("/settings"); strings.Contains(p.body, `href="/settings/webhooks"`) {
			t.Fatal("a viewer is offered the webhooks page")
		}
		for path, form := range map[string]url.Values{
			"/settings/webhooks":                                {"url": {recv.URL}, "events": {"*"}},
			"/settings/webhooks/" + sub.ID + "/enabled":         {"enabled": {"false"}},
			"/settings/webhooks/deliveries/" + d.ID + "/replay": {},
		} {
			form.Set("csrf_token", vtok)
			if p = vb.post(path, form); p.status != http.StatusForbidden {
				t.Errorf("a viewer posted %s: %d", path, p.status)
			}
		}
		if subs, _ = c.app.Notify.ListSubscriptions(context.Background(), model.Scope{ShopIDs: []string{c.shop}}); len(subs) != 1 || !subs[0].Enabled {
			t.Fatalf("a viewer changed the subscriptions: %+v", subs)
		}
	})
}
