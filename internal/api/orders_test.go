package api

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"lastmile/internal/model"
)

func TestOrderLifecycleOverHTTP(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("Shenzhen Seller", "US")

		r := e.do("POST", "/v1/orders", key, orderJSON("576461413038785752", tPaid, model.StatusAwaitingShipment))
		if r.status != http.StatusCreated || r.header.Get("Lastmile-Outcome") != "created" {
			t.Fatalf("create: %d %s %s", r.status, r.header.Get("Lastmile-Outcome"), r.body)
		}
		var created model.Order
		r.decode(t, &created)
		if !strings.HasPrefix(created.ID, "ord_") || created.Status != model.StatusAwaitingShipment || created.Version != 1 ||
			len(created.History) != 1 || created.Lines[0].UnitPrice.Amount != 1299 {
			t.Fatalf("created order: %s", r.body)
		}

		// Replay: same version, nothing changes.
		e.clock.advance(time.Minute)
		r = e.do("POST", "/v1/orders", key, orderJSON("576461413038785752", tPaid, model.StatusAwaitingShipment))
		if r.status != http.StatusOK || r.header.Get("Lastmile-Outcome") != "unchanged" {
			t.Fatalf("replay: %d %s", r.status, r.header.Get("Lastmile-Outcome"))
		}
		var replayed model.Order
		r.decode(t, &replayed)
		if replayed.ID != created.ID || replayed.Version != 1 || !replayed.ModifiedAt.Equal(created.ModifiedAt) {
			t.Fatalf("replay changed the order: %s", r.body)
		}

		// Confirm (R-ORD-3), twice.
		r = e.do("POST", "/v1/orders/"+created.ID+"/confirm", key, nil)
		var confirmed model.Order
		r.decode(t, &confirmed)
		if r.status != http.StatusOK || confirmed.ConfirmedAt == nil || !confirmed.ConfirmedAt.Equal(e.clock.now()) {
			t.Fatalf("confirm: %d %s", r.status, r.body)
		}
		if r = e.do("POST", "/v1/orders/"+created.ID+"/confirm", key, "{}"); r.status != http.StatusOK {
			t.Fatalf("second confirm: %d %s", r.status, r.body)
		}

		// A newer marketplace version wins and keeps the confirmation.
		r = e.do("POST", "/v1/orders", key, orderJSON("576461413038785752", tPaid.Add(time.Hour), model.StatusAwaitingCollection))
		var newer model.Order
		r.decode(t, &newer)
		if r.status != http.StatusOK || r.header.Get("Lastmile-Outcome") != "updated" || newer.Status != model.StatusAwaitingCollection ||
			newer.ConfirmedAt == nil || newer.Version != 3 {
			t.Fatalf("newer: %d %s", r.status, r.body)
		}
		// An older version is ignored.
		r = e.do("POST", "/v1/orders", key, orderJSON("576461413038785752", tPaid.Add(30*time.Minute), model.StatusAwaitingShipment))
		if r.status != http.StatusOK || r.header.Get("Lastmile-Outcome") != "stale" {
			t.Fatalf("older: %d %s", r.status, r.header.Get("Lastmile-Outcome"))
		}
		r = e.do("GET", "/v1/orders/"+created.ID, key, nil)
		var got model.Order
		r.decode(t, &got)
		if got.Status != model.StatusAwaitingCollection || got.Version != 3 {
			t.Fatalf("after the stale update: %s", r.body)
		}

		// Cancel needs a reason; then cancelling again is fine; confirming a cancelled order is 409.
		r = e.do("POST", "/v1/orders/"+created.ID+"/cancel", key, `{}`)
		if code, field := r.apiErr(t); r.status != 422 || code != "missing_field" || field != "reason" {
			t.Fatalf("cancel without reason: %d %s", r.status, r.body)
		}
		r = e.do("POST", "/v1/orders/"+created.ID+"/cancel", key, `{"reason":"out_of_stock"}`)
		var cancelled model.Order
		r.decode(t, &cancelled)
		if r.status != 200 || cancelled.Status != model.StatusCancelled || cancelled.CancelReason != "out_of_stock" {
			t.Fatalf("cancel: %d %s", r.status, r.body)
		}
		if r = e.do("POST", "/v1/orders/"+created.ID+"/cancel", key, `{"reason":"again"}`); r.status != 200 {
			t.Fatalf("second cancel: %d %s", r.status, r.body)
		}
		r = e.do("POST", "/v1/orders/"+created.ID+"/confirm", key, nil)
		if code, _ := r.apiErr(t); r.status != http.StatusConflict || code != "action_not_allowed" || !strings.Contains(string(r.body), "CANCELLED") {
			t.Fatalf("confirm after cancel: %d %s", r.status, r.body)
		}
		// The marketplace saying DELIVERED after a cancellation is an illegal transition, named.
		r = e.do("POST", "/v1/orders", key, orderJSON("576461413038785752", tPaid.Add(2*time.Hour), model.StatusDelivered))
		if code, _ := r.apiErr(t); r.status != http.StatusConflict || code != "illegal_transition" ||
			!strings.Contains(string(r.body), "from CANCELLED to DELIVERED") {
			t.Fatalf("illegal transition: %d %s", r.status, r.body)
		}
	})
}

// TestCrossShopIsolationEveryRoute walks the route table: every authenticated route must treat
// another shop's data as absent (404), never as forbidden, and never change it.
func TestCrossShopIsolationEveryRoute(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		shopA, keyA := e.shop("A", "US")
		_, keyB := e.shop("B", "US")
		r := e.do("POST", "/v1/orders", keyA, orderJSON("iso-1", tPaid, model.StatusAwaitingShipment))
		var oa model.Order
		r.decode(t, &oa)

		probes := map[string]func() response{
			"POST /v1/orders": func() response {
				o := orderJSON("iso-2", tPaid, model.StatusAwaitingShipment)
				o["shop_id"] = shopA.ID
				return e.do("POST", "/v1/orders", keyB, o)
			},
			"POST /v1/orders:batch": func() response {
				o := orderJSON("iso-3", tPaid, model.StatusAwaitingShipment)
				o["shop_id"] = shopA.ID
				r := e.do("POST", "/v1/orders:batch", keyB, map[string]any{"orders": []any{o}})
				var b struct{ Results []batchResult }
				r.decode(t, &b)
				if r.status != 200 || len(b.Results) != 1 || b.Results[0].Error == nil || b.Results[0].Error.Code != "not_found" {
					t.Fatalf("batch into another shop: %d %s", r.status, r.body)
				}
				return response{status: http.StatusNotFound} // the item is refused as not found
			},
			"GET /v1/orders": func() response {
				r := e.do("GET", "/v1/orders?external_id=iso-1", keyB, nil)
				var l struct{ Orders []model.Order }
				r.decode(t, &l)
				if r.status != 200 || len(l.Orders) != 0 {
					t.Fatalf("shop B lists shop A's order: %s", r.body)
				}
				return response{status: http.StatusNotFound} // absent, as required
			},
			"GET /v1/orders/{id}":          func() response { return e.do("GET", "/v1/orders/"+oa.ID, keyB, nil) },
			"POST /v1/orders/{id}/confirm": func() response { return e.do("POST", "/v1/orders/"+oa.ID+"/confirm", keyB, nil) },
			"POST /v1/orders/{id}/push":    func() response { return e.do("POST", "/v1/orders/"+oa.ID+"/push", keyB, nil) },
			"POST /v1/orders/{id}/cancel": func() response {
				return e.do("POST", "/v1/orders/"+oa.ID+"/cancel", keyB, `{"reason":"sabotage"}`)
			},
			"POST /v1/orders:import": func() response {
				return e.do("POST", "/v1/orders:import?shop_id="+shopA.ID, keyB, csvHeader+csvRow("iso-4"))
			},
			"GET /v1/orders:export": func() response {
				r := e.do("GET", "/v1/orders:export", keyB, nil)
				if r.status != 200 || strings.Contains(string(r.body), "iso-1") {
					t.Fatalf("shop B's export holds shop A's order: %d %s", r.status, r.body)
				}
				return response{status: http.StatusNotFound} // absent, as required
			},
			"GET /v1/api-keys": func() response {
				r := e.do("GET", "/v1/api-keys", keyB, nil)
				keyAID := strings.SplitN(keyA, "_", 3)[1] // lm_<id>_<secret>
				if r.status != 200 || strings.Contains(string(r.body), keyAID) {
					t.Fatalf("shop B lists shop A's key %s: %d %s", keyAID, r.status, r.body)
				}
				return response{status: http.StatusNotFound} // absent, as required
			},
			"PATCH /v1/orders/{id}": func() response {
				return e.do("PATCH", "/v1/orders/"+oa.ID, keyB, `{"shipping_address":{"name":"Mallory","line1":"1 Evil St","city":"X","country":"US"}}`)
			},
		}
		for pattern, probe := range stockIsolationProbes(t, e, keyA, keyB, oa.ID) {
			probes[pattern] = probe
		}
		for pattern, probe := range settingsIsolationProbes(e, keyB, shopA.ID, oa.ID) {
			probes[pattern] = probe
		}
		for pattern, probe := range shippingIsolationProbes(t, e, keyA, keyB) {
			probes[pattern] = probe
		}
		for pattern, probe := range returnsIsolationProbes(t, e, keyA, keyB) {
			probes[pattern] = probe
		}
		for pattern, probe := range trackingIsolationProbes(t, e, keyA, keyB) {
			probes[pattern] = probe
		}
		for pattern, probe := range connectionIsolationProbes(t, e, shopA.ID, keyB) {
			probes[pattern] = probe
		}
		for pattern, probe := range webhookIsolationProbes(t, e, keyA, keyB) {
			probes[pattern] = probe
		}
		s := &Server{}
		for _, rt := range s.routes() {
			if rt.public || rt.stateless {
				continue
			}
			probe, ok := probes[rt.pattern]
			if !ok {
				t.Errorf("route %s has no cross-shop isolation probe: add one", rt.pattern)
				continue
			}
			if r := probe(); r.status != http.StatusNotFound {
				t.Errorf("%s with another shop's key: status %d, want 404: %s", rt.pattern, r.status, r.body)
			}
		}
		r = e.do("GET", "/v1/orders/"+oa.ID, keyA, nil)
		var after model.Order
		r.decode(t, &after)
		if after.Status != model.StatusAwaitingShipment || after.ConfirmedAt != nil || after.Version != 1 {
			t.Fatalf("shop B's requests changed shop A's order: %s", r.body)
		}
		r = e.do("GET", "/v1/orders", keyA, nil)
		var l struct{ Orders []model.Order }
		r.decode(t, &l)
		if len(l.Orders) != 5 { // iso-1, the allocated order of stockIsolationProbes, the shipped ones of shippingIsolationProbes and trackingIsolationProbes, the returned one of returnsIsolationProbes
			t.Fatalf("shop B's requests created orders in shop A: %d orders", len(l.Orders))
		}
	})
}

func TestOperatorKeySpansShops(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		a, _ := e.shop("A", "US")
		b, _ := e.shop("B", "GB")
		op, _, err := e.tenants.CreateKey(t.Context(), "operator", []string{a.ID, b.ID})
		if err != nil {
			t.Fatal(err)
		}
		r := e.do("POST", "/v1/orders", op, orderJSON("op-1", tPaid, model.StatusAwaitingShipment))
		if code, field := r.apiErr(t); r.status != 422 || code != "missing_field" || field != "shop_id" {
			t.Fatalf("operator key without shop_id: %d %s", r.status, r.body)
		}
		o := orderJSON("op-1", tPaid, model.StatusAwaitingShipment)
		o["shop_id"] = a.ID
		if r = e.do("POST", "/v1/orders", op, o); r.status != 201 {
			t.Fatalf("operator key with shop_id: %d %s", r.status, r.body)
		}
		gb := orderJSON("op-2", tPaid, model.StatusAwaitingShipment)
		gb["shop_id"], gb["market"], gb["currency"] = b.ID, "UK", "GBP"
		gb["lines"].([]any)[0].(map[string]any)["unit_price"] = map[string]any{"amount": 999, "currency": "GBP"}
		if r = e.do("POST", "/v1/orders", op, gb); r.status != 201 {
			t.Fatalf("operator key, second shop: %d %s", r.status, r.body)
		}
		var l struct{ Orders []model.Order }
		e.do("GET", "/v1/orders", op, nil).decode(t, &l)
		markets := map[model.Market]bool{}
		for _, o := range l.Orders {
			markets[o.Market] = true
		}
		if len(l.Orders) != 2 || !markets["US"] || !markets["GB"] {
			t.Fatalf("operator listing: %+v", l.Orders)
		}
	})
}

func TestBatchBadItemsLeaveTheRestStored(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		const n = 200
		items := make([]any, n)
		for i := range items {
			items[i] = orderJSON(fmt.Sprintf("b-%03d", i), tPaid, model.StatusAwaitingShipment)
		}
		bad := map[int]string{
			17:  "market_unknown",
			42:  "invalid_type",
			99:  "unknown_field",
			150: "invalid_type",
			151: "out_of_range",
		}
		items[17].(map[string]any)["market"] = "XX"
		items[42].(map[string]any)["lines"] = "not a list"
		items[99].(map[string]any)["shiping_address"] = map[string]any{}
		items[150] = nil
		items[151].(map[string]any)["lines"].([]any)[0].(map[string]any)["quantity"] = 0
		r := e.do("POST", "/v1/orders:batch", key, map[string]any{"orders": items})
		if r.status != 200 {
			t.Fatalf("batch: %d %s", r.status, r.body)
		}
		var b struct{ Results []batchResult }
		r.decode(t, &b)
		if len(b.Results) != n {
			t.Fatalf("%d results for %d orders", len(b.Results), n)
		}
		for i, res := range b.Results {
			if res.Index != i {
				t.Fatalf("result %d has index %d: results out of input order", i, res.Index)
			}
			if code, isBad := bad[i]; isBad {
				if res.Error == nil || res.Error.Code != code || res.ID != "" {
					t.Errorf("item %d: %+v, want error %s", i, res, code)
				}
				continue
			}
			if res.Error != nil || res.Created == nil || !*res.Created || res.ID == "" {
				t.Errorf("item %d: %+v, want created", i, res)
			}
		}
		var l struct{ Orders []model.Order }
		e.do("GET", "/v1/orders?limit=1000", key, nil).decode(t, &l)
		if len(l.Orders) != n-len(bad) {
			t.Fatalf("%d orders stored, want %d", len(l.Orders), n-len(bad))
		}
		// Sending the same batch again creates nothing.
		r = e.do("POST", "/v1/orders:batch", key, map[string]any{"orders": items})
		r.decode(t, &b)
		for i, res := range b.Results {
			if _, isBad := bad[i]; !isBad && (res.Outcome != model.OutcomeUnchanged || *res.Created) {
				t.Fatalf("replayed item %d: %+v, want unchanged", i, res)
			}
		}
	})
}

func TestBatchLimits(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		r := e.do("POST", "/v1/orders:batch", key, `{"orders":null}`)
		if code, field := r.apiErr(t); r.status != 422 || code != "missing_field" || field != "orders" {
			t.Fatalf("null orders: %d %s", r.status, r.body)
		}
		var sb strings.Builder
		sb.WriteString(`{"orders":[`)
		for i := range e.cfg.MaxBatchOrders + 1 {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString(`{}`)
		}
		sb.WriteString(`]}`)
		r = e.do("POST", "/v1/orders:batch", key, sb.String())
		if code, field := r.apiErr(t); r.status != 422 || code != "batch_too_large" || field != "orders" {
			t.Fatalf("oversized batch: %d %s", r.status, r.body)
		}
		r = e.do("POST", "/v1/orders:batch", key, `{"orders":[]}`)
		if r.status != 200 || string(r.body) != "{\"results\":[]}\n" {
			t.Fatalf("empty batch: %d %s", r.status, r.body)
		}
	})
}

func TestErrorResponses(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		revoked, revokedKey := e.shop("R", "US")
		_ = revoked
		keyID := strings.Split(revokedKey, "_")[1]
		if err := e.tenants.Revoke(t.Context(), keyID); err != nil {
			t.Fatal(err)
		}
		// The key with its last character changed: to 'Z', or to 'Y' when it already is 'Z'.
		wrong := key[:len(key)-1] + "Z"
		if wrong == key {
			wrong = key[:len(key)-1] + "Y"
		}
		cases := []struct {
			name         string
			method, path string
			key          string
			body         any
			status       int
			code, field  string
		}{
			{"no key", "GET", "/v1/orders", "", nil, 401, "unauthorized", ""},
			{"malformed key", "GET", "/v1/orders", "nonsense", nil, 401, "unauthorized", ""},
			{"unknown key", "GET", "/v1/orders", "lm_AAAAAAAAAAAAAAAA_" + strings.Repeat("B", 40), nil, 401, "unauthorized", ""},
			{"wrong secret", "GET", "/v1/orders", wrong, nil, 401, "unauthorized", ""},
			{"revoked key", "GET", "/v1/orders", revokedKey, nil, 401, "unauthorized", ""},
			{"malformed json", "POST", "/v1/orders", key, `{"external_id":`, 400, "malformed_json", ""},
			{"not json", "POST", "/v1/orders", key, `hello`, 400, "malformed_json", ""},
			{"empty body", "POST", "/v1/orders", key, ``, 400, "malformed_json", ""},
			{"trailing data", "POST", "/v1/orders", key, `{} {}`, 400, "malformed_json", ""},
			{"wrong type", "POST", "/v1/orders", key, `{"external_id":5}`, 422, "invalid_type", "external_id"},
			{"bad time", "POST", "/v1/orders", key, `{"external_id":"1","paid_at":"20/11/2026"}`, 422, "invalid_time", "paid_at"},
			{"unknown field", "POST", "/v1/orders", key, `{"external_id":"1","shiping_address":{}}`, 422, "unknown_field", "shiping_address"},
			{"missing fields", "POST", "/v1/orders", key, `{"external_id":"1"}`, 422, "missing_field", "market"},
			{"unknown order", "GET", "/v1/orders/ord_nope", key, nil, 404, "not_found", "id"},
			{"confirm unknown order", "POST", "/v1/orders/ord_nope/confirm", key, nil, 404, "not_found", "id"},
			{"bad status filter", "GET", "/v1/orders?status=SHIPPED", key, nil, 422, "status_unknown", "status"},
			{"bad limit", "GET", "/v1/orders?limit=0", key, nil, 422, "out_of_range", "limit"},
			{"bad cursor", "GET", "/v1/orders?cursor=bm9wZQ", key, nil, 422, "invalid_cursor", "cursor"},
			{"bad updated_since", "GET", "/v1/orders?updated_since=yesterday", key, nil, 422, "invalid_time", "updated_since"},
			{"unknown route", "GET", "/v1/nothing", key, nil, 404, "", ""},
		}
		for _, tc := range cases {
			r := e.do(tc.method, tc.path, tc.key, tc.body)
			if r.status != tc.status {
				t.Errorf("%s: status %d, want %d: %s", tc.name, r.status, tc.status, r.body)
				continue
			}
			if tc.code == "" {
				continue
			}
			code, field := r.apiErr(t)
			if code != tc.code || field != tc.field {
				t.Errorf("%s: error %s on %q, want %s on %q: %s", tc.name, code, field, tc.code, tc.field, r.body)
			}
			if tc.status == 401 && r.header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s: 401 without WWW-Authenticate", tc.name)
			}
		}
		// Several problems at once come back together.
		r := e.do("POST", "/v1/orders", key, `{"external_id":"1"}`)
		var b struct{ Errors []model.FieldError }
		r.decode(t, &b)
		if len(b.Errors) < 3 {
			t.Fatalf("want every problem listed, got %s", r.body)
		}
	})
}

func TestBodyOverLimitIs413(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		// The default limit (32 MiB), one byte over, in a body that is otherwise valid JSON.
		body := `{"orders":[],"pad":"` + strings.Repeat("x", int(e.cfg.MaxBodyBytes)) + `"}`
		r := e.do("POST", "/v1/orders:batch", key, body)
		if code, _ := r.apiErr(t); r.status != http.StatusRequestEntityTooLarge || code != "body_too_large" {
			t.Fatalf("status %d: %.200s", r.status, r.body)
		}
	})
}

func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		body := orderJSON("idem-1", tPaid, model.StatusAwaitingShipment)
		first := e.do("POST", "/v1/orders", key, body, "Idempotency-Key", "k-1")
		if first.status != 201 {
			t.Fatalf("first: %d %s", first.status, first.body)
		}
		e.clock.advance(time.Minute)
		again := e.do("POST", "/v1/orders", key, body, "Idempotency-Key", "k-1")
		if again.status != 201 || string(again.body) != string(first.body) || again.header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("retry: %d replayed=%q\n%s\nwant\n%s", again.status, again.header.Get("Idempotent-Replayed"), again.body, first.body)
		}
		other := orderJSON("idem-2", tPaid, model.StatusAwaitingShipment)
		r := e.do("POST", "/v1/orders", key, other, "Idempotency-Key", "k-1")
		if code, field := r.apiErr(t); r.status != 422 || code != "idempotency_key_reused" || field != "Idempotency-Key" {
			t.Fatalf("reused key: %d %s", r.status, r.body)
		}
		var l struct{ Orders []model.Order }
		e.do("GET", "/v1/orders", key, nil).decode(t, &l)
		if len(l.Orders) != 1 {
			t.Fatalf("%d orders stored, want 1", len(l.Orders))
		}
		// Another shop's key with the same Idempotency-Key gets its own request, not a replay.
		_, keyB := e.shop("B", "US")
		r = e.do("POST", "/v1/orders", keyB, body, "Idempotency-Key", "k-1")
		if r.status != 201 || r.header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("other key: %d replayed=%q", r.status, r.header.Get("Idempotent-Replayed"))
		}
		// Confirm with a key: a retry after the first answer replays it (same confirmed_at).
		var o model.Order
		first.decode(t, &o)
		c1 := e.do("POST", "/v1/orders/"+o.ID+"/confirm", key, nil, "Idempotency-Key", "c-1")
		e.clock.advance(time.Minute)
		c2 := e.do("POST", "/v1/orders/"+o.ID+"/confirm", key, nil, "Idempotency-Key", "c-1")
		if c1.status != 200 || string(c1.body) != string(c2.body) {
			t.Fatalf("confirm replay differs:\n%s\n%s", c1.body, c2.body)
		}
		r = e.do("POST", "/v1/orders", key, body, "Idempotency-Key", strings.Repeat("k", 300))
		if code, _ := r.apiErr(t); r.status != 422 || code != "invalid_idempotency_key" {
			t.Fatalf("long key: %d %s", r.status, r.body)
		}
	})
}

func TestIdempotencyKeyConcurrentRetries(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		items := make([]any, 500)
		for i := range items {
			items[i] = orderJSON(fmt.Sprintf("cc-%d", i), tPaid, model.StatusAwaitingShipment)
		}
		body := map[string]any{"orders": items}
		var wg sync.WaitGroup
		statuses := make([]int, 8)
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = e.do("POST", "/v1/orders:batch", key, body, "Idempotency-Key", "batch-1").status
			}()
		}
		wg.Wait()
		ok := 0
		for _, s := range statuses {
			switch s {
			case 200:
				ok++
			case 409: // the first is still running
			default:
				t.Fatalf("status %d from a concurrent retry", s)
			}
		}
		if ok == 0 {
			t.Fatal("no retry got the batch's answer")
		}
		var l struct{ Orders []model.Order }
		e.do("GET", "/v1/orders?limit=1000", key, nil).decode(t, &l)
		if len(l.Orders) != 500 {
			t.Fatalf("%d orders stored, want 500", len(l.Orders))
		}
	})
}

func TestListPagination(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		for i := range 23 {
			st := model.StatusAwaitingShipment
			if i%4 == 0 {
				st = model.StatusUnpaid
			}
			o := orderJSON(fmt.Sprintf("l-%02d", i), tPaid, st)
			if st == model.StatusUnpaid {
				o["paid_at"] = nil
			}
			if r := e.do("POST", "/v1/orders", key, o); r.status != 201 {
				t.Fatalf("create: %s", r.body)
			}
			e.clock.advance(time.Second)
		}
		seen := map[string]bool{}
		cursor := ""
		pages := 0
		for {
			path := "/v1/orders?limit=5&status=AWAITING_SHIPMENT"
			if cursor != "" {
				path += "&cursor=" + url.QueryEscape(cursor)
			}
			var page struct {
				Orders     []model.Order
				NextCursor *string `json:"next_cursor"`
			}
			r := e.do("GET", path, key, nil)
			r.decode(t, &page)
			pages++
			for _, o := range page.Orders {
				if seen[o.ExternalID] || o.Status != model.StatusAwaitingShipment {
					t.Fatalf("page %d: %s repeated or wrong status %s", pages, o.ExternalID, o.Status)
				}
				seen[o.ExternalID] = true
			}
			if page.NextCursor == nil {
				break
			}
			cursor = *page.NextCursor
		}
		if len(seen) != 17 || pages != 4 {
			t.Fatalf("paged %d orders in %d pages, want 17 in 4", len(seen), pages)
		}
		var l struct{ Orders []model.Order }
		since := e.clock.now().Add(-3 * time.Second).Format(time.RFC3339)
		e.do("GET", "/v1/orders?updated_since="+url.QueryEscape(since), key, nil).decode(t, &l)
		if len(l.Orders) != 3 {
			t.Fatalf("updated_since: %d orders, want the last 3", len(l.Orders))
		}
	})
}
