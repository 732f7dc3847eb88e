package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"lastmile/internal/model"
)

// TestOwnerDisablesCarrier: the Settings page shows the shop's market (US) with its own rule
// figures read-only and a labelled checkbox per carrier certified there (R-SHIP-3), all ticked
// by default. The owner unticks fedex and the shop's carriers are the rest; a carrier not
// certified in US (sent by a tampered form) or no carrier at all is refused with 422 naming
// it, in either language, changing nothing; a viewer sees the boxes disabled and is refused
// with 403; a form without the CSRF token is refused.
func TestOwnerDisablesCarrier(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, db string) {
		c := newConsole(t, db)
		ctx := context.Background()
		scope := model.Scope{ShopIDs: []string{c.shop}}
		certified := []string{"dhl-ecommerce", "fedex", "jt-us", "ups", "usps"}
		b := c.browser()
		tok := b.login(ownerEmail)
		p := b.get("/settings")
		if p.status != 200 || !strings.Contains(p.body, `action="/settings/carriers"`) || !strings.Contains(p.body, "certified_carriers_only") ||
			!strings.Contains(p.body, "R-SHIP-3") || strings.Contains(p.body, `name="fig_carriers"`) {
			t.Fatalf("settings page for the owner: %d, carriers section missing:\n%.4000s", p.status, p.body)
		}
		for _, code := range certified {
			box := `<input type="checkbox" id="carrier-` + code + `" name="carrier" value="` + code + `" checked>`
			if !strings.Contains(p.body, box) || !strings.Contains(p.body, `<label for="carrier-`+code+`">`+code+`</label>`) {
				t.Fatalf("no ticked, labelled checkbox for %s:\n%.4000s", code, p.body)
			}
		}

		form := url.Values{"csrf_token": {tok}, "carrier": {"dhl-ecommerce", "jt-us", "ups", "usps"}}
		if p = b.post("/settings/carriers", form); p.status != http.StatusSeeOther {
			t.Fatalf("save carriers: %d\n%.2000s", p.status, p.body)
		}
		carriers := func() []string {
			t.Helper()
			sc, err := c.app.Settings.ShopCarriers(ctx, scope, c.shop)
			if err != nil {
				t.Fatal(err)
			}
			return sc.Enabled
		}
		if got := strings.Join(carriers(), ","); got != "dhl-ecommerce,jt-us,ups,usps" {
			t.Fatalf("carriers after unticking fedex: %q", got)
		}
		if p = b.get("/settings"); !strings.Contains(p.body, `id="carrier-fedex" name="carrier" value="fedex">`) {
			t.Fatalf("fedex is still shown ticked:\n%.4000s", p.body)
		}

		for _, lang := range []string{"en", "zh-CN"} {
			p = b.post("/settings/carriers?lang="+lang, url.Values{"csrf_token": {tok}, "carrier": {"ups", "royal-mail"}})
			if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "royal-mail") || !strings.Contains(p.body, "US") ||
				!strings.Contains(p.body, "R-SHIP-3") || !strings.Contains(p.body, `role="alert"`) {
				t.Fatalf("an uncertified carrier in %s: %d\n%.4000s", lang, p.status, p.body)
			}
			if p.header.Get("Content-Language") != lang {
				t.Fatalf("refused form in %s answered in %q", lang, p.header.Get("Content-Language"))
			}
		}
		b.get("/settings?lang=en")
		if p = b.post("/settings/carriers", url.Values{"csrf_token": {tok}}); p.status != http.StatusUnprocessableEntity {
			t.Fatalf("no carrier ticked: %d", p.status)
		}
		if p = b.post("/settings/carriers", url.Values{"carrier": {"ups"}}); p.status != http.StatusForbidden {
			t.Fatalf("a form without the CSRF token: %d", p.status)
		}
		if got := strings.Join(carriers(), ","); got != "dhl-ecommerce,jt-us,ups,usps" {
			t.Fatalf("a refused form changed the carriers: %q", got)
		}

		// A viewer sees the boxes, disabled, and may not change them.
		vb := c.browser()
		vtok := vb.login(viewerEmail)
		p = vb.get("/settings")
		if p.status != 200 || !strings.Contains(p.body, `id="carrier-ups" name="carrier" value="ups" checked disabled>`) {
			t.Fatalf("settings page for the viewer: %d\n%.4000s", p.status, p.body)
		}
		if p = vb.post("/settings/carriers", url.Values{"csrf_token": {vtok}, "carrier": {"usps"}}); p.status != http.StatusForbidden {
			t.Fatalf("the viewer changed the carriers: %d", p.status)
		}
		if got := strings.Join(carriers(), ","); got != "dhl-ecommerce,jt-us,ups,usps" {
			t.Fatalf("a viewer's form was applied: %q", got)
		}

		// Ticking every certified carrier again is the default: the setting is withdrawn.
		if p = b.post("/settings/carriers", url.Values{"csrf_token": {tok}, "carrier": certified}); p.status != http.StatusSeeOther {
			t.Fatalf("tick every carrier: %d", p.status)
		}
		if st, _ := c.app.Settings.Get(ctx, scope, c.shop); st.Overrides["carriers"] != "" {
			t.Fatalf("every carrier ticked still stores a list: %v", st.Overrides)
		}
	})
}
