package api

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"lastmile/internal/config"
)

// rateServer is a Server with what POST /v1/rates needs: the configured markets and a clock.
// The route is registered in server.go; these tests call the handler directly.
func rateServer() *Server {
	now := time.Date(2026, 11, 20, 11, 0, 0, 0, time.UTC) // Friday 03:00 in Los Angeles, before the cut-off
	return &Server{deps: Deps{Config: config.Config{}.WithDefaults(), Log: slog.New(slog.DiscardHandler),
		Now: func() time.Time { return now }}}
}

func postRates(t *testing.T, query string, body any) response {
	t.Helper()
	var raw []byte
	switch b := body.(type) {
	case string:
		raw = []byte(b)
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			t.Fatal(err)
		}
	}
	req := httptest.NewRequest(http.MethodPost, "/v1/rates"+query, bytes.NewReader(raw))
	rec := httptest.NewRecorder()
	rateServer().rateOrder(rec, req)
	return response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

type ratesBody struct {
	Quotes []struct {
		Carrier, Service string
		Eligible         bool
		Total            *struct {
			Amount   int64
			Currency string
		}
		ChargeableWeightG int64 `json:"chargeable_weight_g"`
		Breakdown         []struct {
			Kind, Name string
			Amount     int64
		}
		TransitDays  *struct{ Min, Max int } `json:"transit_days"`
		DeliveryBy   string                  `json:"delivery_by"`
		MeetsPromise bool                    `json:"meets_promise"`
		Reasons      []struct{ Code, Message string }
	}
	Selected *struct{ Carrier, Service string }
	Promise  struct {
		Days               int
		Deadline, Handover string
	}
	Box *struct {
		ID         string
		LandedCost *struct{ Amount int64 } `json:"landed_cost"`
	}
}

func TestRateOrder(t *testing.T) {
	t.Parallel()

	t.Run("R-SLA-1/quotes_and_selection", func(t *testing.T) {
		t.Parallel()
		// The contract's example order: paid Friday 2026-11-20 02:01 in Los Angeles, quoted on
		// Friday 03:00: hand-over Friday (before the market's noon cut-off, a working day),
		// promise 7 days, deadline Friday 27th. USPS counts
		// working days and Thanksgiving (26th) is a holiday: it delivers Monday 30th, too late.
		o := orderJSON("R-1", tPaid, "AWAITING_SHIPMENT")
		o["options"] = []string{"insurance"}
		res := postRates(t, "", o)
		if res.status != http.StatusOK {
			t.Fatalf("status %d: %s", res.status, res.body)
		}
		var b ratesBody
		res.decode(t, &b)
		if b.Promise.Days != 7 || b.Promise.Deadline != "2026-11-27" || b.Promise.Handover != "2026-11-20" {
			t.Errorf("promise %+v", b.Promise)
		}
		byName := map[string]int{}
		for i, q := range b.Quotes {
			byName[q.Carrier+"/"+q.Service] = i
		}
		usps := b.Quotes[byName["usps/ground-advantage"]]
		if usps.Eligible || usps.DeliveryBy != "2026-11-30" || len(usps.Reasons) != 1 || usps.Reasons[0].Code != "misses_promise" {
			t.Errorf("usps: %+v", usps)
		}
		// J&T US offers no insurance: asking for it excludes the service, and nothing else
		// meets the promise.
		jt := b.Quotes[byName["jt-us/standard"]]
		if jt.Eligible || jt.Total == nil || jt.DeliveryBy != "2026-11-25" || !jt.MeetsPromise ||
			len(jt.Reasons) != 1 || jt.Reasons[0].Code != "option_unavailable" || b.Selected != nil {
			t.Errorf("jt-us with insurance: %+v, selected %+v", jt, b.Selected)
		}

		delete(o, "options")
		res = postRates(t, "", o)
		b = ratesBody{}
		res.decode(t, &b)
		jt = b.Quotes[byName["jt-us/standard"]]
		// 2 × 180 g, 250×200×20 mm stacked: 250×200×40 mm, 333 g volumetric, 360 g chargeable:
		// 3.28 + fuel 0.21 × 0.36 = 0.0756 → 0.08 + tracking 0.15.
		if res.status != http.StatusOK || !jt.Eligible || jt.Total.Amount != 351 || jt.ChargeableWeightG != 360 ||
			b.Selected == nil || b.Selected.Carrier != "jt-us" {
			t.Errorf("status %d, jt-us %+v, selected %+v", res.status, jt, b.Selected)
		}
	})

	t.Run("R-RATE-3/worked_example", func(t *testing.T) {
		t.Parallel()
		o := orderJSON("R-2", tPaid, "AWAITING_SHIPMENT")
		o["shipping_address"] = map[string]any{"name": "Kai Akana", "line1": "1 Main St", "line2": "", "city": "Anchorage",
			"region": "AK", "postal_code": "99501", "country": "US"}
		o["package"] = map[string]any{"weight_g": 450, "length_mm": 200, "width_mm": 150, "height_mm": 50}
		o["options"] = []string{"priority"}
		res := postRates(t, "?policy=fastest", o)
		if res.status != http.StatusOK {
			t.Fatalf("status %d: %s", res.status, res.body)
		}
		var b ratesBody
		res.decode(t, &b)
		for _, q := range b.Quotes {
			if q.Carrier == "jt-us" && (q.Total == nil || q.Total.Amount != 682 || q.ChargeableWeightG != 450) {
				t.Errorf("jt-us: %+v", q)
			}
		}
	})

	t.Run("R-RATE-8/box_choice", func(t *testing.T) {
		t.Parallel()
		o := orderJSON("R-3", tPaid, "AWAITING_SHIPMENT")
		o["boxes"] = []map[string]any{
			{"id": "flat", "length_mm": 260, "width_mm": 210, "height_mm": 45, "tare_g": 40, "cost": map[string]any{"amount": 25, "currency": "USD"}},
			{"id": "cube", "length_mm": 300, "width_mm": 300, "height_mm": 300, "tare_g": 200, "cost": map[string]any{"amount": 60, "currency": "USD"}},
		}
		res := postRates(t, "", o)
		var b ratesBody
		res.decode(t, &b)
		if res.status != http.StatusOK || b.Box == nil || b.Box.ID != "flat" || b.Box.LandedCost == nil {
			t.Errorf("status %d: %s", res.status, res.body)
		}
		o["boxes"] = []map[string]any{{"id": "tiny", "length_mm": 100, "width_mm": 100, "height_mm": 10}}
		res = postRates(t, "", o)
		if code, field := res.apiErr(t); res.status != http.StatusUnprocessableEntity || code != "no_box_fits" || field != "boxes" {
			t.Errorf("no fit: %d %s", res.status, res.body)
		}
	})

	t.Run("client_errors", func(t *testing.T) {
		t.Parallel()
		withPkg := orderJSON("R-4", tPaid, "AWAITING_SHIPMENT")
		withPkg["pakage"] = map[string]any{"weight_g": 1}
		unknownMarket := orderJSON("R-5", tPaid, "AWAITING_SHIPMENT")
		unknownMarket["market"] = "ZZ"
		for _, tc := range []struct {
			name, query string
			body        any
			status      int
			code, field string
		}{
			{"malformed", "", "{", http.StatusBadRequest, "malformed_json", ""},
			{"empty", "", "", http.StatusBadRequest, "malformed_json", ""},
			{"unknown_field", "", withPkg, http.StatusUnprocessableEntity, "unknown_field", "pakage"},
			{"bad_policy", "?policy=slowest", orderJSON("R-6", tPaid, "AWAITING_SHIPMENT"), http.StatusUnprocessableEntity, "invalid_policy", "policy"},
			{"bad_pct", "?policy=best_value&best_value_pct=-5", orderJSON("R-7", tPaid, "AWAITING_SHIPMENT"), http.StatusUnprocessableEntity, "invalid_policy", "best_value_pct"},
			{"unknown_market", "", unknownMarket, http.StatusUnprocessableEntity, "market_unknown", "market"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				res := postRates(t, tc.query, tc.body)
				code, field := res.apiErr(t)
				if res.status != tc.status || code != tc.code || field != tc.field {
					t.Errorf("%d %s %s, want %d %s %s: %s", res.status, code, field, tc.status, tc.code, tc.field, res.body)
				}
			})
		}
	})
}

// TestRatesBoundTheLines: issue 16. 9,224 lines at the largest price and quantity once wrapped
// the declared value negative and were quoted with insurance at its minimum; the quote is now
// refused, naming lines and the limit.
func TestRatesBoundTheLines(t *testing.T) {
	t.Parallel()
	line := map[string]any{"sku": "S", "quantity": 100_000, "weight_g": 100, "unit_price": map[string]any{"amount": 10_000_000_000, "currency": "USD"}}
	lines := make([]any, 9224)
	for i := range lines {
		lines[i] = line
	}
	r := postRates(t, "", map[string]any{"external_id": "B", "market": "US", "currency": "USD",
		"shipping_address": map[string]any{"name": "Kai", "line1": "1 Main St", "city": "Anchorage", "region": "AK", "postal_code": "99501", "country": "US"},
		"lines":            lines, "package": map[string]any{"weight_g": 1000}, "options": []string{"insurance"}})
	var b struct {
		Error struct{ Code, Field, Message string }
	}
	r.decode(t, &b)
	if r.status != http.StatusUnprocessableEntity || b.Error.Field != "lines" || !strings.Contains(b.Error.Message, "1000") {
		t.Fatalf("%d %s; want 422 on lines naming the limit", r.status, r.body)
	}
}
