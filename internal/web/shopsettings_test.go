package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"lastmile/internal/model"
)

// TestOwnerEditsShopFigures: the owner sees each per-shop figure with its effective value and
// the market's, sets ship_within and promise_days, withdraws one by emptying its field, and a
// bad value is refused with 422 naming its field in either language, changing nothing. An
// operator and a viewer see the figures without inputs and are refused with 403.
func TestOwnerEditsShopFigures(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, db string) {
		c := newConsole(t, db)
		ctx := context.Background()
		scope := model.Scope{ShopIDs: []string{c.shop}}
		b := c.browser()
		tok := b.login(ownerEmail)
		p := b.get("/settings")
		if p.status != 200 || !strings.Contains(p.body, `name="fig_ship_within"`) || !strings.Contains(p.body, `action="/settings/figures"`) {
			t.Fatalf("settings page for the owner: %d, figures form missing:\n%.3000s", p.status, p.body)
		}
		form := url.Values{"csrf_token": {tok}, "fig_ship_within": {"36h"}, "fig_promise_days": {"9"}}
		if p = b.post("/settings/figures", form); p.status != http.StatusSeeOther {
			t.Fatalf("save figures: %d\n%.2000s", p.status, p.body)
		}
		st, err := c.app.Settings.Get(ctx, scope, c.shop)
		if err != nil {
			t.Fatal(err)
		}
		if st.Overrides["ship_within"] != "36h0m0s" && st.Overrides["ship_within"] != "36h" || st.Overrides["promise_days"] != "9" {
			t.Fatalf("overrides after saving: %v", st.Overrides)
		}
		eff, err := c.app.Settings.Effective(ctx, scope, c.shop)
		if err != nil {
			t.Fatal(err)
		}
		if eff.Figures.Market.PromiseDays != 9 {
			t.Fatalf("effective promise_days %d, want 9", eff.Figures.Market.PromiseDays)
		}
		p = b.get("/settings")
		if !strings.Contains(p.body, `value="9"`) {
			t.Fatalf("the saved promise_days is not shown:\n%.3000s", p.body)
		}

		// Emptying promise_days withdraws it; a bad ship_within is refused and changes nothing.
		bad := url.Values{"csrf_token": {tok}, "fig_ship_within": {"soon"}, "fig_promise_days": {""}}
		for _, lang := range []string{"en", "zh-CN"} {
			p = b.post("/settings/figures?lang="+lang, bad)
			if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "ship_within:") || !strings.Contains(p.body, `aria-invalid="true"`) || !strings.Contains(p.body, `value="soon"`) {
				t.Fatalf("bad ship_within in %s: %d\n%.4000s", lang, p.status, p.body)
			}
			if p.header.Get("Content-Language") != lang {
				t.Fatalf("refused form in %s answered in %q", lang, p.header.Get("Content-Language"))
			}
		}
		if st, _ = c.app.Settings.Get(ctx, scope, c.shop); st.Overrides["promise_days"] != "9" {
			t.Fatalf("a refused form changed the settings: %v", st.Overrides)
		}
		b.get("/settings?lang=en")
		if p = b.post("/settings/figures", url.Values{"csrf_token": {tok}, "fig_ship_within": {"36h"}}); p.status != http.StatusSeeOther {
			t.Fatalf("withdraw promise_days: %d\n%.2000s", p.status, p.body)
		}
		if st, _ = c.app.Settings.Get(ctx, scope, c.shop); st.Overrides["promise_days"] != "" {
			t.Fatalf("promise_days not withdrawn: %v", st.Overrides)
		}

		// Operators and viewers see the figures but may not change them.
		if _, _, err := c.app.Accounts.CreateUser(ctx, "operator@example.com", password, c.shop, model.RoleOperator); err != nil {
			t.Fatal(err)
		}
		for _, email := range []string{viewerEmail, "operator@example.com"} {
			ob := c.browser()
			otok := ob.login(email)
			p = ob.get("/settings")
			if p.status != 200 || strings.Contains(p.body, `name="fig_ship_within"`) || !strings.Contains(p.body, "ship_within") {
				t.Fatalf("settings page for %s: %d, inputs shown: %v", email, p.status, strings.Contains(p.body, `name="fig_ship_within"`))
			}
			if p = ob.post("/settings/figures", url.Values{"csrf_token": {otok}, "fig_ship_within": {"1h"}}); p.status != http.StatusForbidden {
				t.Fatalf("%s changed the figures: %d", email, p.status)
			}
		}
		if st, _ = c.app.Settings.Get(ctx, scope, c.shop); st.Overrides["ship_within"] == "1h0m0s" || st.Overrides["ship_within"] == "1h" {
			t.Fatalf("a non-owner's form was applied: %v", st.Overrides)
		}
	})
}
