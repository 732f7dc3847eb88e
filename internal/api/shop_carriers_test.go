package api

import (
	"strings"
	"testing"

	"lastmile/internal/config"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// TestShopCarriersSetting: a shop's carriers setting (R-SHIP-3) takes only carriers certified
// for the shop's market; one that is not is refused with 422 at the field carriers, naming the
// carrier, the market and the certified carriers, and nothing is stored.
func TestShopCarriersSetting(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st store.Store) {
		e := newWiredEnv(t, st, config.Config{}, nil)
		shop, key := e.shop("Carriers", "US")
		path := "/v1/shops/" + shop.ID + "/settings"

		r := e.do("PATCH", path, key, `{"carriers":["usps","royal-mail"]}`)
		if r.status != 422 {
			t.Fatalf("an uncertified carrier: %d %s", r.status, r.body)
		}
		if code, field := r.apiErr(t); code != "carrier_not_certified" || field != "carriers" {
			t.Errorf("an uncertified carrier: %s at %q, want carrier_not_certified at carriers", code, field)
		}
		for _, part := range []string{"royal-mail", "US", "R-SHIP-3", "jt-us, ups, usps"} {
			if !strings.Contains(string(r.body), part) {
				t.Errorf("the refusal lacks %q: %s", part, r.body)
			}
		}
		if r := e.do("GET", path, key, nil); strings.Contains(string(r.body), "carriers") {
			t.Errorf("a refused patch stored the carriers: %s", r.body)
		}
		for _, bad := range []string{`{"carriers":[]}`, `{"carriers":["UPS"]}`, `{"carriers":"ups"}`} {
			r := e.do("PATCH", path, key, bad)
			if code, field := r.apiErr(t); r.status != 422 || code != "invalid_setting" || field != "carriers" {
				t.Errorf("%s: %d %s at %q", bad, r.status, code, field)
			}
		}

		r = e.do("PATCH", path, key, `{"carriers":["usps","ups","usps"]}`)
		var got struct{ Carriers []string }
		r.decode(t, &got)
		if r.status != 200 || strings.Join(got.Carriers, ",") != "ups,usps" {
			t.Fatalf("certified carriers: %d %s", r.status, r.body)
		}
		r = e.do("GET", path+"/effective", key, nil)
		if !strings.Contains(string(r.body), `"ups","usps"`) {
			t.Errorf("effective settings lack the carriers: %s", r.body)
		}
		r = e.do("PATCH", path, key, `{"carriers":null}`)
		if r.status != 200 || strings.Contains(string(r.body), "carriers") {
			t.Errorf("back to the default: %d %s", r.status, r.body)
		}
	})
}

// TestOrderQuoteLeavesDisabledCarriersOut: a stored order's quote (POST /v1/orders/{id}/rates)
// gives every service of a carrier the shop left out of its carriers setting the reason
// carrier_disabled and never selects it, though it was the one selected before.
func TestOrderQuoteLeavesDisabledCarriersOut(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st store.Store) {
		e := newWiredEnv(t, st, config.Config{}, nil)
		shop, key := e.shop("Quote carriers", "US")
		r := e.do("POST", "/v1/warehouses", key, warehouseJSON("QC"))
		if r.status != 201 {
			t.Fatalf("warehouse: %d %s", r.status, r.body)
		}
		o := e.confirmedOrder(t, key, "QC-1")
		// A promise the ground services meet, so that the cheapest is selected.
		if r := e.do("PATCH", "/v1/shops/"+shop.ID+"/settings", key, `{"promise_days":14}`); r.status != 200 {
			t.Fatalf("promise_days: %d %s", r.status, r.body)
		}
		quote := func() orderRatesBody {
			t.Helper()
			r := e.do("POST", "/v1/orders/"+o.ID+"/rates", key, `{"policy":"cheapest"}`)
			var b orderRatesBody
			r.decode(t, &b)
			if r.status != 200 || b.Selected == nil {
				t.Fatalf("quote: %d %s", r.status, r.body)
			}
			return b
		}
		cheapest := quote().Selected.Carrier
		var enabled []string
		for _, c := range []string{"dhl-ecommerce", "fedex", "jt-us", "ups", "usps"} {
			if c != cheapest {
				enabled = append(enabled, `"`+c+`"`)
			}
		}
		if r := e.do("PATCH", "/v1/shops/"+shop.ID+"/settings", key, `{"carriers":[`+strings.Join(enabled, ",")+`]}`); r.status != 200 {
			t.Fatalf("disable %s: %d %s", cheapest, r.status, r.body)
		}
		b := quote()
		if b.Selected.Carrier == cheapest {
			t.Errorf("selected %s, which the shop disabled", cheapest)
		}
		seen := false
		for _, q := range b.Quotes {
			if q.Carrier != cheapest {
				continue
			}
			seen = true
			if q.Eligible || len(q.Reasons) == 0 || q.Reasons[len(q.Reasons)-1].Code != "carrier_disabled" {
				t.Errorf("%s/%s: eligible %v, reasons %+v; want carrier_disabled", q.Carrier, q.Service, q.Eligible, q.Reasons)
			}
		}
		if !seen {
			t.Errorf("no quote of %s at all: %+v", cheapest, b.Quotes)
		}
	})
}
