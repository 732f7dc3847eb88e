package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/notify"
	"lastmile/internal/store"
)

func newNotify(t testing.TB, st store.Store, now func() time.Time) *notify.Service {
	t.Helper()
	svc, err := notify.NewService(notify.Deps{Store: st, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// The subscription contract: 201 with a whsec_ secret (made when absent), the list and one
// without it, enable and disable, delete; validation names the field.
func TestWebhookSubscriptionsAPI(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		r := e.do("POST", "/v1/webhook-subscriptions", key, `{"url":"https://erp.example.com/hooks","events":["order.created","return.updated"]}`)
		var sub model.WebhookSubscription
		r.decode(t, &sub)
		if r.status != http.StatusCreated || !strings.HasPrefix(sub.Secret, "whsec_") || !sub.Enabled || r.header.Get("Location") != "/v1/webhook-subscriptions/"+sub.ID {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		secret := "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
		r = e.do("POST", "/v1/webhook-subscriptions", key, `{"url":"https://erp.example.com/all","events":["*"],"secret":"`+secret+`"}`)
		var all model.WebhookSubscription
		r.decode(t, &all)
		if r.status != http.StatusCreated || all.Secret != secret {
			t.Fatalf("create with a secret: %d %s", r.status, r.body)
		}
		r = e.do("GET", "/v1/webhook-subscriptions", key, nil)
		var list struct{ Subscriptions []model.WebhookSubscription }
		r.decode(t, &list)
		if r.status != http.StatusOK || len(list.Subscriptions) != 2 || strings.Contains(string(r.body), "whsec_") {
			t.Fatalf("list: %d %s", r.status, r.body)
		}
		r = e.do("PATCH", "/v1/webhook-subscriptions/"+sub.ID, key, `{"enabled":false}`)
		var got model.WebhookSubscription
		r.decode(t, &got)
		if r.status != http.StatusOK || got.Enabled || got.DisabledReason == "" || got.Secret != "" {
			t.Fatalf("disable: %d %s", r.status, r.body)
		}
		r = e.do("GET", "/v1/webhook-subscriptions/"+sub.ID, key, nil)
		r.decode(t, &got)
		if r.status != http.StatusOK || got.Enabled {
			t.Fatalf("get: %d %s", r.status, r.body)
		}
		if r := e.do("PATCH", "/v1/webhook-subscriptions/"+sub.ID, key, `{}`); r.status != http.StatusUnprocessableEntity {
			t.Errorf("patch without enabled: %d %s", r.status, r.body)
		} else if _, field := r.apiErr(t); field != "enabled" {
			t.Errorf("patch without enabled names %q", field)
		}
		for body, want := range map[string]string{
			`{"events":["*"]}`: "url",
			`{"url":"https://erp.example.com/h","events":["order.created","parcel.lost"]}`: "events[1]",
			`{"url":"https://erp.example.com/h","events":["*"],"secret":"hunter2"}`:        "secret",
		} {
			r := e.do("POST", "/v1/webhook-subscriptions", key, body)
			if r.status != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d %s", body, r.status, r.body)
				continue
			}
			if _, field := r.apiErr(t); field != want {
				t.Errorf("%s names %q, want %q", body, field, want)
			}
		}
		if r := e.do("DELETE", "/v1/webhook-subscriptions/"+sub.ID, key, nil); r.status != http.StatusNoContent {
			t.Fatalf("delete: %d %s", r.status, r.body)
		}
		if r := e.do("GET", "/v1/webhook-subscriptions/"+sub.ID, key, nil); r.status != http.StatusNotFound {
			t.Fatalf("get after delete: %d %s", r.status, r.body)
		}
	})
}

// Message templates: every kind in every language, a shop's own replacing lastmile's; a bad
// template is refused by field.
func TestMessageTemplatesAPI(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		r := e.do("POST", "/v1/message-templates", key, `{"kind":"delayed","language":"fr","subject":"Retard {{.OrderNumber}}","body":"{{.Reason}} — {{.Remedy}}"}`)
		if r.status != http.StatusOK {
			t.Fatalf("put: %d %s", r.status, r.body)
		}
		r = e.do("GET", "/v1/message-templates", key, nil)
		var list struct{ Templates []model.MessageTemplate }
		r.decode(t, &list)
		if r.status != http.StatusOK || len(list.Templates) != len(model.MessageKinds)*len(model.MessageLanguages) {
			t.Fatalf("list: %d %d", r.status, len(list.Templates))
		}
		own := 0
		for _, tm := range list.Templates {
			if !tm.Default {
				own++
				if tm.Kind != "delayed" || tm.Language != "fr" {
					t.Errorf("own template %+v", tm)
				}
			}
		}
		if own != 1 {
			t.Errorf("%d own templates, want 1", own)
		}
		r = e.do("POST", "/v1/message-templates", key, `{"kind":"delayed","language":"fr","subject":"{{.Secret}}","body":"ok"}`)
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("a template naming an unknown field: %d %s", r.status, r.body)
		}
		if _, field := r.apiErr(t); field != "subject" {
			t.Errorf("names %q, want subject", field)
		}
		if r := e.do("GET", "/v1/buyer-messages", key, nil); r.status != http.StatusOK || !strings.Contains(string(r.body), `"messages":[]`) {
			t.Errorf("empty log: %d %s", r.status, r.body)
		}
	})
}

// The delivery log lists a subscription's deliveries, filters by status, and refuses to replay
// one that is not finished.
func TestWebhookDeliveriesAPI(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		sh, key := e.shop("A", "US")
		r := e.do("POST", "/v1/webhook-subscriptions", key, `{"url":"https://erp.example.com/hooks","events":["*"]}`)
		var sub model.WebhookSubscription
		r.decode(t, &sub)
		for i, id := range []string{"evt_a", "evt_b", "evt_c"} {
			if _, err := e.notify.FanOut(context.Background(), id, e.clock.now(), model.NotifyEvent{Type: model.EventStockLow, ShopID: sh.ID,
				ID: "sku", Data: json.RawMessage(`{"n":` + string(rune('0'+i)) + `}`)}); err != nil {
				t.Fatal(err)
			}
		}
		r = e.do("GET", "/v1/webhook-deliveries?limit=2&subscription_id="+sub.ID, key, nil)
		var page struct {
			Deliveries []model.WebhookDelivery
			NextCursor *string `json:"next_cursor"`
		}
		r.decode(t, &page)
		if r.status != http.StatusOK || len(page.Deliveries) != 2 || page.NextCursor == nil {
			t.Fatalf("first page: %d %s", r.status, r.body)
		}
		var body notify.Payload
		if err := json.Unmarshal(page.Deliveries[0].Body, &body); err != nil || body.Type != model.EventStockLow || body.ID != page.Deliveries[0].EventID {
			t.Fatalf("delivery body %s: %v", page.Deliveries[0].Body, err)
		}
		r = e.do("GET", "/v1/webhook-deliveries?limit=2&cursor="+*page.NextCursor, key, nil)
		r.decode(t, &page)
		if len(page.Deliveries) != 1 || page.NextCursor != nil {
			t.Fatalf("second page: %d %s", r.status, r.body)
		}
		r = e.do("GET", "/v1/webhook-deliveries?status=delivered", key, nil)
		r.decode(t, &page)
		if r.status != http.StatusOK || len(page.Deliveries) != 0 {
			t.Fatalf("delivered ones: %d %s", r.status, r.body)
		}
		if r := e.do("GET", "/v1/webhook-deliveries?status=lost", key, nil); r.status != http.StatusUnprocessableEntity {
			t.Errorf("unknown status: %d %s", r.status, r.body)
		} else if _, field := r.apiErr(t); field != "status" {
			t.Errorf("unknown status names %q", field)
		}
		r = e.do("GET", "/v1/webhook-deliveries", key, nil)
		r.decode(t, &page)
		if r := e.do("POST", "/v1/webhook-deliveries/"+page.Deliveries[0].ID+"/replay", key, nil); r.status != http.StatusConflict {
			t.Errorf("replay of a pending delivery: %d %s", r.status, r.body)
		}
		if r := e.do("GET", "/v1/webhook-deliveries/"+page.Deliveries[0].ID, key, nil); r.status != http.StatusOK {
			t.Errorf("get delivery: %d %s", r.status, r.body)
		}
	})
}

// webhookIsolationProbes makes a subscription of shop A and a delivery to it, and probes every
// webhook route with shop B's key: all 404 (or empty), and nothing of A's changes.
func webhookIsolationProbes(t *testing.T, e *env, keyA, keyB string) map[string]func() response {
	r := e.do("POST", "/v1/webhook-subscriptions", keyA, `{"url":"https://erp.example.com/hooks","events":["*"]}`)
	var sub model.WebhookSubscription
	r.decode(t, &sub)
	if r.status != http.StatusCreated {
		t.Fatalf("subscription in shop A: %d %s", r.status, r.body)
	}
	if _, err := e.notify.FanOut(context.Background(), "evt_iso", e.clock.now(), model.NotifyEvent{Type: model.EventStockLow, ShopID: sub.ShopID}); err != nil {
		t.Fatal(err)
	}
	ds, _, err := e.notify.ListDeliveries(context.Background(), model.Scope{ShopIDs: []string{sub.ShopID}}, notify.DeliveryQuery{})
	if err != nil || len(ds) != 1 {
		t.Fatalf("delivery in shop A: %d %v", len(ds), err)
	}
	get := func(path string) func() response { return func() response { return e.do("GET", path, keyB, nil) } }
	empty := func(path, field string) func() response {
		return func() response {
			r := e.do("GET", path, keyB, nil)
			if r.status != http.StatusOK || strings.Contains(string(r.body), field) {
				t.Fatalf("shop B sees shop A's %s at %s: %d %s", field, path, r.status, r.body)
			}
			return response{status: http.StatusNotFound} // absent, as required
		}
	}
	return map[string]func() response{
		"POST /v1/webhook-subscriptions": func() response {
			return e.do("POST", "/v1/webhook-subscriptions", keyB, `{"shop_id":"`+sub.ShopID+`","url":"https://evil.example/h","events":["*"]}`)
		},
		"GET /v1/webhook-subscriptions":      empty("/v1/webhook-subscriptions", sub.ID),
		"GET /v1/webhook-subscriptions/{id}": get("/v1/webhook-subscriptions/" + sub.ID),
		"PATCH /v1/webhook-subscriptions/{id}": func() response {
			return e.do("PATCH", "/v1/webhook-subscriptions/"+sub.ID, keyB, `{"enabled":false}`)
		},
		"DELETE /v1/webhook-subscriptions/{id}": func() response {
			return e.do("DELETE", "/v1/webhook-subscriptions/"+sub.ID, keyB, nil)
		},
		"GET /v1/webhook-deliveries": func() response {
			empty("/v1/webhook-deliveries?subscription_id="+sub.ID, ds[0].ID)()
			return empty("/v1/webhook-deliveries", ds[0].ID)()
		},
		"GET /v1/webhook-deliveries/{id}": get("/v1/webhook-deliveries/" + ds[0].ID),
		"POST /v1/webhook-deliveries/{id}/replay": func() response {
			return e.do("POST", "/v1/webhook-deliveries/"+ds[0].ID+"/replay", keyB, nil)
		},
		"POST /v1/message-templates": func() response {
			return e.do("POST", "/v1/message-templates", keyB, `{"shop_id":"`+sub.ShopID+`","kind":"shipped","language":"en","subject":"x","body":"y"}`)
		},
		"GET /v1/message-templates": get("/v1/message-templates?shop_id=" + sub.ShopID),
		"GET /v1/buyer-messages": func() response {
			r := e.do("GET", "/v1/buyer-messages", keyB, nil)
			if r.status != http.StatusOK || strings.Contains(string(r.body), sub.ShopID) {
				t.Fatalf("shop B sees shop A's buyer messages: %d %s", r.status, r.body)
			}
			return response{status: http.StatusNotFound}
		},
	}
}
