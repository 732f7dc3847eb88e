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
