package sim_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/carrier/sim"
	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/rating"
)

// call sends one raw request and decodes the JSON answer.
func call(t *testing.T, method, url, key, idem, body string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if idem != "" {
		req.Header.Set("Idempotency-Key", idem)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("%s %s: not JSON: %s", method, url, data)
	}
	return resp.StatusCode, resp.Header, out
}

func errorOf(body map[string]any) (code, field string) {
	e, _ := body["error"].(map[string]any)
	code, _ = e["code"].(string)
	field, _ = e["field"].(string)
	return code, field
}

// The protocol's answers to what a client may get wrong, each a JSON error naming the field.
func TestProtocolErrors(t *testing.T) {
	t.Parallel()
	n := start(t, sim.Options{Now: fixedNow})
	key := n.APIKey()
	const label = `{"reference":"p1","service":"ground-advantage","from":{},"to":{},"parcel":{"weight_g":100}}`
	cases := []struct {
		name, method, path, key, idem, body string
		status                              int
		code, field                         string
	}{
		{"no key", "POST", "/v1/usps/rates", "", "", `{}`, 401, "unauthorized", "Authorization"},
		{"wrong key", "POST", "/v1/usps/rates", "nope", "", `{}`, 401, "unauthorized", "Authorization"},
		{"unknown carrier", "POST", "/v1/pony/rates", key, "", `{}`, 404, "unknown_carrier", "carrier"},
		{"unknown endpoint", "GET", "/v2/usps", key, "", ``, 404, "not_found", ""},
		{"no idempotency key", "POST", "/v1/usps/labels", key, "", label, 400, "idempotency_key_missing", "Idempotency-Key"},
		{"unknown field", "POST", "/v1/usps/labels", key, "k1", `{"referense":"p1"}`, 400, "bad_request", "referense"},
		{"wrong type", "POST", "/v1/usps/labels", key, "k1", `{"parcel":{"weight_g":"heavy"}}`, 400, "bad_request", "parcel.weight_g"},
		{"two objects", "POST", "/v1/usps/rates", key, "", `{}{}`, 400, "bad_request", ""},
		{"bad ship date", "POST", "/v1/usps/rates", key, "", `{"ship_date":"2/3/2026"}`, 400, "date_format", "ship_date"},
		{"bad address", "POST", "/v1/usps/labels", key, "k2", label, 422, "missing_field", "to.country"},
		{"unsupported", "POST", "/v1/evri/manifests", key, "k3", `{}`, 501, "unsupported", ""},
		{"unknown label", "POST", "/v1/usps/labels/usps-1/void", key, "", ``, 404, "label_unknown", "shipment_id"},
		{"no numbers", "GET", "/v1/usps/tracking", key, "", ``, 400, "numbers_count", "numbers"},
		{"empty manifest", "POST", "/v1/usps/manifests", key, "k4", `{"ship_date":"2026-03-02","tracking_numbers":[]}`, 422, "numbers_count", "tracking_numbers"},
		{"bad pickup", "POST", "/v1/usps/pickups", key, "k5", `{"parcel_count":1}`, 422, "window_invalid", "window"},
	}
	for _, tc := range cases {
		status, _, body := call(t, tc.method, n.URL()+tc.path, tc.key, tc.idem, tc.body)
		code, field := errorOf(body)
		if status != tc.status || code != tc.code || field != tc.field {
			t.Errorf("%s: %d %s %q, want %d %s %q (%v)", tc.name, status, code, field, tc.status, tc.code, tc.field, body)
		}
	}

	// What works without a carrier call.
	if status, _, body := call(t, "GET", n.URL()+"/v1/ups", key, "", ""); status != 200 || body["name"] != "UPS" {
		t.Errorf("GET /v1/ups: %d %v", status, body)
	}
	if status, _, body := call(t, "GET", n.URL()+"/v1/carriers", key, "", ""); status != 200 || len(body["carriers"].([]any)) != len(sim.Codes()) {
		t.Errorf("GET /v1/carriers: %d", status)
	}
	if status, _, body := call(t, "GET", n.URL()+"/sim/stats", "", "", ""); status != 200 || len(body["carriers"].(map[string]any)) != len(sim.Codes()) {
		t.Errorf("GET /sim/stats: %d %v", status, body)
	}
}

// The client reports the network's refusals as typed errors.
func TestClientErrors(t *testing.T) {
	t.Parallel()
	n := start(t, sim.Options{Now: fixedNow})
	ctx := context.Background()
	bad, err := sim.NewClient(sim.ClientConfig{URL: n.URL(), APIKey: "wrong", Carrier: "usps"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bad.Rate(ctx, carrier.RateRequest{}); carrier.KindOf(err) != carrier.Auth {
		t.Errorf("wrong key: %v", err)
	}
	c := client(t, n, "royal-mail", 0)
	req := purchase(t, c)
	req.To.PostalCode = "12345"
	var e *carrier.Error
	if _, err := c.Purchase(ctx, req); !errors.As(err, &e) || e.Kind != carrier.Refused || e.Field != "to.postal_code" || e.Code != "postal_code_format" {
		t.Errorf("a bad postcode: %v", err)
	}
	req = purchase(t, c)
	req.Parcel.WeightG = 50_000
	if _, err := c.Purchase(ctx, req); !errors.As(err, &e) || e.Field != "parcel.weight_g" || e.Code != "overweight" {
		t.Errorf("too heavy: %v", err)
	}
	req = purchase(t, c)
	req.To = model.Address{Name: "Hans", Line1: "Unter den Linden 1", City: "Berlin", PostalCode: "10117", Country: "DE"}
	if _, err := c.Purchase(ctx, req); !errors.As(err, &e) || e.Field != "to.country" {
		t.Errorf("another market: %v", err)
	}
	// The simulated carriers are domestic: a parcel from another country is refused.
	jt := client(t, n, "jt-us", 0)
	req = purchase(t, jt)
	req.From = model.Address{Name: "Seller", Line1: "1 Keji Road", City: "Shenzhen", PostalCode: "518057", Country: "CN"}
	if _, err := jt.Purchase(ctx, req); !errors.As(err, &e) || e.Field != "from.country" {
		t.Errorf("from China: %v", err)
	}
	if _, err := sim.NewClient(sim.ClientConfig{URL: "ftp://x", Carrier: "usps"}); err == nil {
		t.Error("an ftp URL")
	}
	if _, err := sim.NewClient(sim.ClientConfig{URL: n.URL(), Carrier: "pony"}); err == nil {
		t.Error("an unknown carrier")
	}
	if _, err := c.Void(ctx, carrier.VoidRequest{}); carrier.KindOf(err) != carrier.Refused {
		t.Errorf("void without an id: %v", err)
	}
	// The network stopped: transient, not a refusal.
	gone := start(t, sim.Options{})
	gc := client(t, gone, "usps", time.Second)
	if err := gone.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := gc.Rate(ctx, carrier.RateRequest{}); !errors.As(err, &e) || e.Kind != carrier.Transient || e.Code != "connection" {
		t.Errorf("no network: %v", err)
	}
}

// The adapter registers itself as "sim" and is configured like any other.
func TestRegistered(t *testing.T) {
	t.Parallel()
	n := start(t, sim.Options{Now: fixedNow})
	spec, ok := carrier.Default().Lookup("sim")
	if !ok || spec.Summary == "" {
		t.Fatal("adapter sim is not registered")
	}
	c, err := carrier.Default().New("sim", map[string]any{"url": n.URL(), "carrier": "evri", "timeout": "2s"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Code() != "evri" || c.Name() != "Evri" {
		t.Errorf("%s %s", c.Code(), c.Name())
	}
	if _, err := c.Purchase(context.Background(), purchase(t, c)); err != nil {
		t.Errorf("with the default key: %v", err)
	}
	_, err = carrier.Default().New("sim", map[string]any{"url": n.URL(), "timeout": 5})
	if err == nil || !strings.Contains(err.Error(), `"carrier": is required`) || !strings.Contains(err.Error(), `"timeout": want a duration`) {
		t.Errorf("bad config: %v", err)
	}
}

// A label bought from the sim costs exactly what lastmile's rate shopping quotes from the same
// cards for the same order on the same hand-over day.
func TestChargeEqualsRatingQuote(t *testing.T) {
	t.Parallel()
	paid := clock
	n := start(t, sim.Options{Now: fixedNow})
	cards, err := rating.DefaultCards()
	if err != nil {
		t.Fatal(err)
	}
	clients, err := n.Clients(0)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, c := range clients {
		req := purchase(t, c)
		cur := map[string]string{"US": "USD", "GB": "GBP", "TH": "THB", "ID": "IDR", "MY": "MYR", "PH": "PHP", "VN": "VND", "SG": "SGD"}[req.To.Country]
		qr := &rating.QuoteRequest{
			Order: model.Order{ExternalID: "A", Market: model.Market(req.To.Country), Currency: cur, PaidAt: &paid, ShippingAddress: req.To,
				Lines: []model.Line{{SKU: "S", Quantity: 1, WeightG: req.Parcel.WeightG, UnitPrice: model.Money{Amount: 100, Currency: cur}}}},
			Package: &rating.PackageSpec{WeightG: req.Parcel.WeightG, LengthMM: req.Parcel.LengthMM, WidthMM: req.Parcel.WidthMM, HeightMM: req.Parcel.HeightMM},
		}
		resp, err := rating.QuoteOrder(cards, qr, config.DefaultMarkets(), rating.QuoteOptions{Now: paid})
		if err != nil {
			t.Fatal(err)
		}
		req.ShipDate = resp.Promise.Handover.Time()
		l, err := c.Purchase(context.Background(), req)
		if err != nil {
			t.Fatalf("%s: %v", c.Code(), err)
		}
		for _, q := range resp.Quotes {
			if q.Carrier == c.Code() && q.Service == req.Service {
				checked++
				if q.Total == nil || *q.Total != l.Charge || len(q.Breakdown) != len(l.Lines) {
					t.Errorf("%s/%s: charged %v %+v, quoted %v %+v", q.Carrier, q.Service, l.Charge, l.Lines, q.Total, q.Breakdown)
				}
			}
		}
	}
	if checked != len(clients) {
		t.Errorf("%d of %d carriers compared", checked, len(clients))
	}
}
