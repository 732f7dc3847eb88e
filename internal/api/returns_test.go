package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/carrier/sim"
	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/rating"
	"lastmile/internal/returns"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// newReturns is the returns service of the test server, over its own perfect carrier sim.
func newReturns(t testing.TB, st store.Store, cfg config.Config, now func() time.Time) *returns.Service {
	t.Helper()
	net, err := sim.Start(context.Background(), sim.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { net.Close() })
	cs, err := net.Carriers(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	set, err := carrier.NewSet(cs...)
	if err != nil {
		t.Fatal(err)
	}
	cards, err := rating.DefaultCards()
	if err != nil {
		t.Fatal(err)
	}
	svc, err := returns.NewService(returns.Deps{Store: st, Cards: func() *rating.Cards { return cards }, Carriers: set,
		Markets: cfg.Markets, Now: now, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// deliveredOrder stores the example order (2 × TSHIRT-RED-M at 12.99 USD), delivered, with a
// warehouse that takes returns in the key's shop.
func (e *env) deliveredOrder(t *testing.T, key, ext string) model.Order {
	t.Helper()
	if r := e.do("POST", "/v1/warehouses", key, warehouseJSON("RET-"+ext)); r.status != http.StatusCreated {
		t.Fatalf("warehouse: %d %s", r.status, r.body)
	}
	r := e.do("POST", "/v1/orders", key, orderJSON(ext, tPaid, model.StatusDelivered))
	var o model.Order
	r.decode(t, &o)
	if r.status != http.StatusCreated {
		t.Fatalf("order: %d %s", r.status, r.body)
	}
	return o
}

// runReturnJobs runs the waiting returns jobs of kind once each, as the job engine would.
func (e *env) runReturnJobs(t *testing.T, kind string) {
	t.Helper()
	for _, h := range e.returns.Jobs() {
		if h.Kind != kind {
			continue
		}
		for _, j := range storetest.ListJobs(t, e.store) {
			if j.Kind == kind {
				if err := h.Run(context.Background(), json.RawMessage(j.EncodedArgs)); err != nil {
					t.Fatalf("job %s: %v", kind, err)
				}
			}
		}
	}
}

// TestReturnsAPI is the contract of the returns routes: a return made and decided by the rules,
// read, found by RMA and by tracking number, decided by a person, received and inspected; the
// stats, the rules and their dry run.
func TestReturnsAPI(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		o := e.deliveredOrder(t, key, "ret-1")

		// The contract: 201 with id, status and the decision with its reason.
		r := e.do("POST", "/v1/returns", key, map[string]any{"order_id": o.ID, "lines": []any{map[string]any{"sku": "TSHIRT-RED-M", "quantity": 1}},
			"reason": "damaged_in_transit"})
		var cheap struct {
			ID       string
			Status   string
			Decision struct{ Kind, Reason string }
		}
		r.decode(t, &cheap)
		if r.status != http.StatusCreated || cheap.ID == "" || cheap.Status != string(model.ReturnRefunded) || cheap.Decision.Kind != "refund_only" ||
			!strings.Contains(cheap.Decision.Reason, "12.99 USD is below 15.00 USD") || r.header.Get("Location") != "/v1/returns/"+cheap.ID {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		o2 := e.deliveredOrder(t, key, "ret-2")
		r = e.do("POST", "/v1/returns", key, map[string]any{"order_id": o2.ID, "lines": []any{map[string]any{"sku": "TSHIRT-RED-M", "quantity": 2}},
			"reason": "not_as_described", "photos": []string{"https://img.example.com/a.jpg"}})
		var back model.Return
		r.decode(t, &back)
		if r.status != http.StatusCreated || back.Status != model.ReturnAwaitingBuyerShip || back.Decision.Kind != model.DecideReturn {
			t.Fatalf("create a dear one: %d %s", r.status, r.body)
		}
		// Errors name the field.
		for body, want := range map[string]string{
			`{"order_id":"` + o.ID + `","lines":[],"reason":"other"}`:                                      "lines",
			`{"order_id":"` + o.ID + `","lines":[{"sku":"TSHIRT-RED-M","quantity":1}],"reason":"meh"}`:     "reason",
			`{"order_id":"` + o2.ID + `","lines":[{"sku":"TSHIRT-RED-M","quantity":1}],"reason":"other"}`:  "lines[0].quantity", // both came back
			`{"order_id":"` + o.ID + `","lines":[{"sku":"TSHIRT-RED-M","quantity":"1"}],"reason":"other"}`: "lines[0].quantity",
			`{"order_id":"` + o.ID + `","lines":[{"sku":"X","quantity":1}],"reason":"other","colour":1}`:   "colour",
		} {
			r := e.do("POST", "/v1/returns", key, body)
			if _, field := r.apiErr(t); r.status != http.StatusUnprocessableEntity || field != want {
				t.Errorf("%s: %d %s, want 422 on %s", body, r.status, r.body, want)
			}
		}
		if r := e.do("POST", "/v1/returns", key, `{"order_id":"ord_missing","lines":[{"sku":"A","quantity":1}],"reason":"other"}`); r.status != http.StatusNotFound {
			t.Errorf("an unknown order: %d %s", r.status, r.body)
		}

		if r = e.do("GET", "/v1/returns/"+cheap.ID, key, nil); r.status != http.StatusOK || !strings.Contains(string(r.body), `"liability"`) {
			t.Fatalf("get: %d %s", r.status, r.body)
		}
		var list struct {
			Returns    []model.Return
			NextCursor *string `json:"next_cursor"`
		}
		e.do("GET", "/v1/returns?limit=1", key, nil).decode(t, &list)
		if len(list.Returns) != 1 || list.NextCursor == nil {
			t.Fatalf("first page: %+v", list)
		}
		e.do("GET", "/v1/returns?limit=1&cursor="+*list.NextCursor, key, nil).decode(t, &list)
		if len(list.Returns) != 1 || list.Returns[0].ID != back.ID {
			t.Fatalf("second page: %+v", list)
		}
		e.do("GET", "/v1/returns?rma="+back.ID, key, nil).decode(t, &list)
		if len(list.Returns) != 1 || list.Returns[0].ID != back.ID {
			t.Fatalf("by RMA: %+v", list)
		}
		if r := e.do("GET", "/v1/returns?status=SHIPPED", key, nil); r.status != http.StatusUnprocessableEntity {
			t.Errorf("an unknown status: %d", r.status)
		}

		// The label, bought by its job, downloads the same every time; its number finds the return.
		{
			e.runReturnJobs(t, returns.KindBuyLabel)
			l1, l2 := e.do("GET", "/v1/returns/"+back.ID+"/label?format=zpl", key, nil), e.do("GET", "/v1/returns/"+back.ID+"/label?format=zpl", key, nil)
			if l1.status != http.StatusOK || string(l1.body) != string(l2.body) || len(l1.body) == 0 {
				t.Fatalf("label: %d %s", l1.status, l1.body)
			}
			var got model.Return
			e.do("GET", "/v1/returns/"+back.ID, key, nil).decode(t, &got)
			e.do("GET", "/v1/returns?tracking_number="+got.Shipments[0].TrackingNumber, key, nil).decode(t, &list)
			if len(list.Returns) != 1 || list.Returns[0].ID != back.ID {
				t.Fatalf("by tracking number: %+v", list)
			}
		}
		if r := e.do("GET", "/v1/returns/"+cheap.ID+"/label", key, nil); r.status != http.StatusConflict {
			t.Errorf("the label of a refund without return: %d %s", r.status, r.body)
		}

		// A person rejects the refund... too late: it was refunded.
		if r := e.do("POST", "/v1/returns/"+cheap.ID+"/decide", key, `{"kind":"reject","reason":"x"}`); r.status != http.StatusConflict {
			t.Errorf("reject a refunded return: %d %s", r.status, r.body)
		} else if code, _ := r.apiErr(t); code != "return_decided" {
			t.Errorf("code %s", code)
		}
		if r := e.do("POST", "/v1/returns/"+cheap.ID+"/decide", key, `{"kind":"maybe"}`); r.status != http.StatusUnprocessableEntity {
			t.Errorf("an unknown kind: %d", r.status)
		}
		// The parcel comes back and is inspected.
		{
			r := e.do("POST", "/v1/returns/"+back.ID+"/receive", key, `{"lines":[{"sku":"TSHIRT-RED-M","quantity":2,"outcome":"restock"}]}`)
			var got model.Return
			r.decode(t, &got)
			if r.status != http.StatusOK || got.Status != model.ReturnCompleted || len(got.Inspections) != 1 {
				t.Fatalf("receive: %d %s", r.status, r.body)
			}
			if r := e.do("POST", "/v1/returns/"+back.ID+"/receive", key, `{"lines":[{"sku":"TSHIRT-RED-M","quantity":1,"outcome":"restock"}]}`); r.status != http.StatusUnprocessableEntity {
				t.Errorf("inspecting beyond what came back: %d %s", r.status, r.body)
			}
		}
		if r := e.do("POST", "/v1/returns/"+cheap.ID+"/receive", key, nil); r.status != http.StatusConflict {
			t.Errorf("receiving a refund without return: %d %s", r.status, r.body)
		}

		// Stats.
		var st returns.Stats
		e.clock.advance(time.Minute)
		if r := e.do("GET", "/v1/returns/stats?period=7d&group_by=reason", key, nil); r.status != http.StatusOK {
			t.Fatalf("stats: %d %s", r.status, r.body)
		} else if r.decode(t, &st); st.Returns != 2 || len(st.Groups) != 2 {
			t.Fatalf("stats: %s", r.body)
		}
		if r := e.do("GET", "/v1/returns/stats?group_by=colour", key, nil); r.status != http.StatusUnprocessableEntity {
			t.Errorf("a bad group_by: %d", r.status)
		}

		// Rules: the defaults, then the shop's own; a bad set names the field.
		var rv returns.RulesView
		e.do("GET", "/v1/returns/rules", key, nil).decode(t, &rv)
		if !rv.Default || len(rv.Rules) != 3 {
			t.Fatalf("default rules: %+v", rv)
		}
		rules := `{"default":"return","auto_apply":true,"rules":[{"name":"cheap","decision":"refund_only","value_below":{"amount":3000,"currency":"USD"}}]}`
		if r := e.do("PUT", "/v1/returns/rules", key, rules); r.status != http.StatusOK {
			t.Fatalf("put rules: %d %s", r.status, r.body)
		}
		e.do("GET", "/v1/returns/rules", key, nil).decode(t, &rv)
		if rv.Default || len(rv.Rules) != 1 || rv.Rules[0].Name != "cheap" {
			t.Fatalf("the shop's rules: %+v", rv)
		}
		if r := e.do("PUT", "/v1/returns/rules", key, `{"default":"return","rules":[{"name":"x","decision":"refund_only","reasons":["meh"]}]}`); r.status != http.StatusUnprocessableEntity {
			t.Errorf("bad rules: %d %s", r.status, r.body)
		} else if _, field := r.apiErr(t); field != "rules[0].reasons[0]" {
			t.Errorf("bad rules field %s", field)
		}
		// Dry run: the proposal refunds everything under 30.00 USD; the current rules (just set)
		// do too; the week's two returns are weighed.
		from, to := e.clock.now().Add(-24*time.Hour).Format(time.RFC3339), e.clock.now().Add(time.Hour).Format(time.RFC3339)
		r = e.do("POST", "/v1/returns/rules:dry-run", key, `{"rules":{"default":"review","rules":[]},"from":"`+from+`","to":"`+to+`"}`)
		var rep returns.DryRunReport
		r.decode(t, &rep)
		if r.status != http.StatusOK || rep.Returns != 2 || rep.Current.Decisions.RefundOnly != 2 || rep.Proposed.Decisions.Review != 2 || rep.ChangedCount != 2 {
			t.Fatalf("dry run: %d %s", r.status, r.body)
		}
		if r := e.do("POST", "/v1/returns/rules:dry-run", key, `{"rules":{"default":"return"},"from":"yesterday"}`); r.status != http.StatusUnprocessableEntity {
			t.Errorf("a bad from: %d %s", r.status, r.body)
		} else if _, field := r.apiErr(t); field != "from" {
			t.Errorf("a bad from names %q", field)
		}
	})
}

// returnsIsolationProbes makes a return of shop A and probes every returns route with shop B's
// key: all 404 (or empty), and nothing of A's changes.
func returnsIsolationProbes(t *testing.T, e *env, keyA, keyB string) map[string]func() response {
	o := e.deliveredOrder(t, keyA, "iso-ret")
	r := e.do("POST", "/v1/returns", keyA, map[string]any{"order_id": o.ID, "lines": []any{map[string]any{"sku": "TSHIRT-RED-M", "quantity": 2}},
		"reason": "not_as_described"})
	var ret model.Return
	r.decode(t, &ret)
	if r.status != http.StatusCreated {
		t.Fatalf("return in shop A: %d %s", r.status, r.body)
	}
	get := func(path string) func() response { return func() response { return e.do("GET", path, keyB, nil) } }
	empty := func(path string) func() response {
		return func() response {
			r := e.do("GET", path, keyB, nil)
			if r.status != http.StatusOK || strings.Contains(string(r.body), ret.ID) {
				t.Fatalf("shop B sees shop A's return at %s: %d %s", path, r.status, r.body)
			}
			return response{status: http.StatusNotFound} // absent, as required
		}
	}
	return map[string]func() response{
		"POST /v1/returns": func() response {
			return e.do("POST", "/v1/returns", keyB, map[string]any{"order_id": o.ID, "lines": []any{map[string]any{"sku": "TSHIRT-RED-M", "quantity": 1}}, "reason": "other"})
		},
		"GET /v1/returns": func() response {
			empty("/v1/returns?rma=" + ret.ID)()
			return empty("/v1/returns?order_id=" + o.ID)()
		},
		"GET /v1/returns/{id}":       get("/v1/returns/" + ret.ID),
		"GET /v1/returns/{id}/label": get("/v1/returns/" + ret.ID + "/label"),
		"POST /v1/returns/{id}/decide": func() response {
			return e.do("POST", "/v1/returns/"+ret.ID+"/decide", keyB, `{"kind":"reject","reason":"sabotage"}`)
		},
		"POST /v1/returns/{id}/receive": func() response { return e.do("POST", "/v1/returns/"+ret.ID+"/receive", keyB, nil) },
		"GET /v1/returns/stats": func() response {
			r := e.do("GET", "/v1/returns/stats?group_by=reason", keyB, nil)
			var st returns.Stats
			if json.Unmarshal(r.body, &st) != nil || r.status != http.StatusOK || st.Returns != 0 {
				t.Fatalf("shop B's stats count shop A's return: %d %s", r.status, r.body)
			}
			if r := e.do("GET", "/v1/returns/stats?shop_id="+ret.ShopID, keyB, nil); r.status != http.StatusNotFound {
				t.Fatalf("shop B asks for shop A's stats: %d %s", r.status, r.body)
			}
			return response{status: http.StatusNotFound}
		},
		"GET /v1/returns/rules": get("/v1/returns/rules?shop_id=" + ret.ShopID),
		"PUT /v1/returns/rules": func() response {
			return e.do("PUT", "/v1/returns/rules?shop_id="+ret.ShopID, keyB, `{"default":"refund_only","rules":[]}`)
		},
		"POST /v1/returns/rules:dry-run": func() response {
			return e.do("POST", "/v1/returns/rules:dry-run", keyB, `{"shop_id":"`+ret.ShopID+`","rules":{"default":"return","rules":[]}}`)
		},
	}
}
