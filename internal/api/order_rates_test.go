package api

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/rating"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

type orderRatesBody struct {
	ratesBody
	OrderID     string `json:"order_id"`
	WarehouseID string `json:"warehouse_id"`
	Basis       string
}

// One cut-off (issue 16 item 15): a quote of a stored order and its allocation, at the same
// time and from the same warehouse, pick the same hand-over day, whether the warehouse sets its
// own cut-off or takes the market's (noon, Monday to Friday).
func TestOrderQuoteAndAllocationShareTheHandover(t *testing.T) {
	t.Parallel()
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, st store.Store) {
		e := newWiredEnv(t, st, config.Config{}, nil)
		for i, tc := range []struct {
			name   string
			cutOff string // "" the market's
			days   []string
			at     time.Time
			want   string
		}{
			{"market cut-off, before noon", "", nil, time.Date(2026, 11, 23, 11, 0, 0, 0, la), "2026-11-23"},
			{"market cut-off, after noon", "", nil, time.Date(2026, 11, 23, 13, 0, 0, 0, la), "2026-11-24"},
			{"market working days, a Saturday", "", nil, time.Date(2026, 11, 28, 9, 0, 0, 0, la), "2026-11-30"},
			{"the warehouse's own cut-off", "15:00", nil, time.Date(2026, 11, 23, 13, 0, 0, 0, la), "2026-11-23"},
			{"the warehouse's own days", "", []string{"sat"}, time.Date(2026, 11, 26, 9, 0, 0, 0, la), "2026-11-28"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e.clock.set(tc.at)
				_, key := e.shop("Handover "+tc.name, "US")
				wj := warehouseJSON("H" + string(rune('A'+i)))
				delete(wj, "cut_off")
				delete(wj, "working_days")
				if tc.cutOff != "" {
					wj["cut_off"] = tc.cutOff
				}
				if tc.days != nil {
					wj["working_days"] = tc.days
				}
				r := e.do("POST", "/v1/warehouses", key, wj)
				var wh model.Warehouse
				r.decode(t, &wh)
				if r = e.do("PUT", "/v1/warehouses/"+wh.ID+"/stock/TSHIRT-RED-M", key, `{"on_hand":10,"reason":"count"}`); r.status != http.StatusOK {
					t.Fatalf("stock: %d %s", r.status, r.body)
				}
				o := e.confirmedOrder(t, key, fmt.Sprintf("H-%d", i))

				r = e.do("POST", "/v1/orders/"+o.ID+"/rates", key, nil)
				var before orderRatesBody
				r.decode(t, &before)
				if r.status != 200 || before.Basis != "warehouses" || before.WarehouseID != wh.ID || before.OrderID != o.ID {
					t.Fatalf("quote before allocation: %d %s", r.status, r.body)
				}

				r = e.do("POST", "/v1/orders/"+o.ID+"/allocate", key, nil)
				var a struct{ Decision model.Decision }
				r.decode(t, &a)
				if r.status != 200 || len(a.Decision.Allocations) != 1 {
					t.Fatalf("allocate: %d %s", r.status, r.body)
				}
				allocated := a.Decision.Allocations[0].Handover.In(la).Format(time.DateOnly)

				r = e.do("POST", "/v1/orders/"+o.ID+"/rates", key, `{"policy":"fastest"}`)
				var after orderRatesBody
				r.decode(t, &after)
				if r.status != 200 || after.Basis != "allocation" || after.WarehouseID != wh.ID {
					t.Fatalf("quote after allocation: %d %s", r.status, r.body)
				}
				if allocated != tc.want || before.Promise.Handover != tc.want || after.Promise.Handover != tc.want {
					t.Errorf("hand-over: allocation %s, quote before %s, after %s; want %s", allocated, before.Promise.Handover,
						after.Promise.Handover, tc.want)
				}
			})
		}
	})
}

func TestOrderQuote(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st store.Store) {
		e := newWiredEnv(t, st, config.Config{}, nil)
		e.clock.set(time.Date(2026, 11, 20, 11, 0, 0, 0, time.UTC)) // Friday 03:00 in Los Angeles
		shop, key := e.shop("Quote", "US")
		_, otherKey := e.shop("Other", "US")
		o := e.confirmedOrder(t, key, "Q-1")

		// No warehouse: the market's hand-over; the shop's own promise (R-SLA-1) applies.
		if r := e.do("PATCH", "/v1/shops/"+shop.ID+"/settings", key, `{"promise_days":4}`); r.status != 200 {
			t.Fatalf("patch: %d %s", r.status, r.body)
		}
		r := e.do("POST", "/v1/orders/"+o.ID+"/rates", key, `{"policy":"cheapest","options":["priority"]}`)
		var b orderRatesBody
		r.decode(t, &b)
		if r.status != 200 || b.Basis != "market" || b.WarehouseID != "" || b.Promise.Days != 4 || b.Promise.Deadline != "2026-11-24" || len(b.Quotes) == 0 {
			t.Fatalf("quote without warehouses: %d %s", r.status, r.body)
		}
		// With boxes: the same answer shape as POST /v1/rates.
		r = e.do("POST", "/v1/orders/"+o.ID+"/rates", key, map[string]any{"boxes": []any{
			map[string]any{"id": "flat", "length_mm": 260, "width_mm": 210, "height_mm": 45, "tare_g": 40, "cost": map[string]any{"amount": 25}}}})
		b = orderRatesBody{}
		r.decode(t, &b)
		if r.status != 200 || b.Box == nil || b.Box.ID != "flat" {
			t.Errorf("quote with boxes: %d %s", r.status, r.body)
		}

		// A warehouse outside the US may not ship a US order (R-MODE-5): it is not quoted from.
		cn := warehouseJSON("SZ1")
		cn["address"] = map[string]any{"name": "SZ", "line1": "1 Bao'an Rd", "city": "Shenzhen", "postal_code": "518000", "country": "CN", "phone": "+8675512345678"}
		cn["time_zone"] = "Asia/Shanghai"
		if r := e.do("POST", "/v1/warehouses", key, cn); r.status != http.StatusCreated {
			t.Fatalf("warehouse: %d %s", r.status, r.body)
		}
		r = e.do("POST", "/v1/orders/"+o.ID+"/rates", key, nil)
		b = orderRatesBody{}
		r.decode(t, &b)
		if r.status != 200 || b.Basis != "market" || b.WarehouseID != "" {
			t.Errorf("only a CN warehouse: %d basis %s warehouse %q", r.status, b.Basis, b.WarehouseID)
		}

		// Two US warehouses: the quote ships from the one whose selected service is best; the
		// slower one is created first, so its lower id does not win the tie.
		if r := e.do("PATCH", "/v1/shops/"+shop.ID+"/settings", key, `{"promise_days":null}`); r.status != 200 {
			t.Fatalf("patch: %d %s", r.status, r.body)
		}
		ids := map[string]string{}
		for _, w := range []struct{ code, cutOff string }{{"SLOW", "00:01"}, {"FAST", "23:59"}} {
			wj := warehouseJSON(w.code)
			wj["cut_off"] = w.cutOff
			r := e.do("POST", "/v1/warehouses", key, wj)
			var wh model.Warehouse
			r.decode(t, &wh)
			ids[w.code] = wh.ID
		}
		for _, policy := range []string{"fastest", "cheapest"} {
			r = e.do("POST", "/v1/orders/"+o.ID+"/rates", key, `{"policy":"`+policy+`"}`)
			b = orderRatesBody{}
			r.decode(t, &b)
			if r.status != 200 || b.Basis != "warehouses" || b.WarehouseID != ids["FAST"] || b.Promise.Handover != "2026-11-20" {
				t.Errorf("%s of two warehouses: %d basis %s warehouse %s (fast %s) hand-over %s", policy, r.status, b.Basis,
					b.WarehouseID, ids["FAST"], b.Promise.Handover)
			}
		}

		for _, tc := range []struct {
			id, key, body string
			status        int
			code, field   string
		}{
			{o.ID, key, `{"policy":"slowest"}`, 422, "invalid_policy", "policy"},
			{o.ID, key, `{"best_value_pct":-1}`, 422, "invalid_policy", "best_value_pct"},
			{o.ID, key, `{"colour":"red"}`, 422, "unknown_field", "colour"},
			{o.ID, key, `{"boxes":[{"id":"tiny","length_mm":10,"width_mm":10,"height_mm":10}]}`, 422, "no_box_fits", "boxes"},
			{o.ID, otherKey, ``, 404, "not_found", "id"},
			{"ord_missing", key, ``, 404, "not_found", "id"},
		} {
			r := e.do("POST", "/v1/orders/"+tc.id+"/rates", tc.key, tc.body)
			if r.status != tc.status {
				t.Errorf("%s: %d %s", tc.body, r.status, r.body)
				continue
			}
			if code, field := r.apiErr(t); code != tc.code || field != tc.field {
				t.Errorf("%s: %s at %q, want %s at %q", tc.body, code, field, tc.code, tc.field)
			}
		}
	})
}

// writeCard writes a seller's card into dir.
func writeCard(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// sellerCard is a US card of a carrier service only the seller has.
func sellerCard(service, price string) string {
	return `carrier: acme-local
service: ` + service + `
effective_from: 2026-01-01
markets: [US]
certified: [US]
currency: USD
zones:
  - country: US
    transit_days: {min: 1, max: 2}
    brackets: [{max_g: 30000, price: ` + price + `}]
`
}

// The server quotes with the seller's card directory, and reloads it on request: a bad card
// keeps the cards in use and names its file and line.
func TestRateCardsServedAndReloaded(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 20, 11, 0, 0, 0, time.UTC)
	storetest.Each(t, func(t *testing.T, st store.Store) {
		dir := t.TempDir()
		writeCard(t, dir, "acme.yaml", sellerCard("next-day", "1.00"))
		cards, err := rating.NewCardSet(dir, os.DirFS(dir), false, t0)
		if err != nil {
			t.Fatal(err)
		}
		e := newWiredEnv(t, st, config.Config{RateCards: dir}, cards)
		e.clock.set(t0)
		_, key := e.shop("Cards", "US")
		services := func(r response) []string {
			var b ratesBody
			r.decode(t, &b)
			var out []string
			for _, q := range b.Quotes {
				out = append(out, q.Carrier+"/"+q.Service)
			}
			return out
		}
		o := orderJSON("C-1", tPaid, model.StatusAwaitingShipment)
		if got := services(e.do("POST", "/v1/rates", key, o)); strings.Join(got, ",") != "acme-local/next-day" {
			t.Errorf("quoted with %v, want the seller's card only", got)
		}

		writeCard(t, dir, "acme-economy.yaml", sellerCard("economy", "0.50"))
		r := e.do("POST", "/v1/rate-cards:reload", key, nil)
		var l struct {
			Dir      string
			Files    []string
			Builtin  bool
			Services int
		}
		r.decode(t, &l)
		if r.status != 200 || l.Services < 2 || l.Builtin || l.Dir != dir {
			t.Fatalf("reload: %d %s", r.status, r.body)
		}
		if got := services(e.do("POST", "/v1/rates", key, o)); !strings.Contains(strings.Join(got, ","), "acme-local/economy") {
			t.Errorf("after reload quoted with %v", got)
		}

		writeCard(t, dir, "zz-broken.yaml", strings.Replace(sellerCard("broken", "1.00"), "2026-01-01", "2026-13-01", 1))
		r = e.do("POST", "/v1/rate-cards:reload", key, nil)
		var bad struct {
			Error  struct{ Code, Message string }
			Errors []model.FieldError
		}
		r.decode(t, &bad)
		if r.status != 422 || bad.Error.Code != "rate_cards_invalid" || len(bad.Errors) == 0 ||
			!strings.Contains(bad.Errors[0].Message, "zz-broken.yaml:3: effective_from") {
			t.Errorf("reload of a broken card: %d %s", r.status, r.body)
		}
		if got := services(e.do("POST", "/v1/rates", key, o)); !strings.Contains(strings.Join(got, ","), "acme-local/economy") {
			t.Errorf("a failed reload changed the cards in use: %v", got)
		}
	})
}

// A server without a rate_cards directory has nothing to reload.
func TestRateCardsReloadWithoutDirectory(t *testing.T) {
	t.Parallel()
	e := newWiredEnv(t, storetest.OpenSQLite(t), config.Config{}, nil)
	_, key := e.shop("NoDir", "US")
	r := e.do("POST", "/v1/rate-cards:reload", key, nil)
	if code, _ := r.apiErr(t); r.status != http.StatusConflict || code != "no_rate_cards" {
		t.Errorf("reload without a directory: %d %s", r.status, r.body)
	}
	if r := e.do("POST", "/v1/rate-cards:reload", "", nil); r.status != http.StatusUnauthorized {
		t.Errorf("reload without a key: %d", r.status)
	}
}
