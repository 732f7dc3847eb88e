package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"lastmile/internal/model"
)

// TestOwnerManagesAPIKeys: the owner makes a key for the shop (its secret shown once, and it
// works on the API), a key without a name is refused with 422 naming the field, revoking it
// makes the API refuse it; a key of another shop is not found and a key that also grants
// another shop is refused; an operator and a viewer get 403 on the page and the forms.
func TestOwnerManagesAPIKeys(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, db string) {
		c := newConsole(t, db)
		ctx := context.Background()
		b := c.browser()
		tok := b.login(ownerEmail)
		for _, lang := range []string{"en", "zh-CN"} {
			p := b.post("/settings/keys?lang="+lang, url.Values{"csrf_token": {tok}, "name": {"  "}})
			if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "name:") || p.header.Get("Content-Language") != lang {
				t.Fatalf("key without a name in %s: %d\n%.2000s", lang, p.status, p.body)
			}
		}
		p := b.post("/settings/keys", url.Values{"csrf_token": {tok}, "name": {"ERP"}})
		sec := regexp.MustCompile(`<code id="key-secret">([^<]+)</code>`).FindStringSubmatch(p.body)
		id := regexp.MustCompile(`<code id="key-created">([^<]+)</code>`).FindStringSubmatch(p.body)
		if p.status != 200 || sec == nil || id == nil {
			t.Fatalf("create key: %d\n%.2000s", p.status, p.body)
		}
		if p = b.get("/settings/keys"); strings.Contains(p.body, sec[1]) {
			t.Fatal("the secret is shown again")
		}
		status := func(secret string) int {
			req, _ := http.NewRequest("GET", c.url+"/v1/orders", nil)
			req.Header.Set("Authorization", "Bearer "+secret)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res.StatusCode
		}
		if s := status(sec[1]); s != 200 {
			t.Fatalf("the new key on the API: %d", s)
		}

		if _, err := c.app.Tenants.CreateShopWithID(ctx, "shop_other", "Other", "US", ""); err != nil {
			t.Fatal(err)
		}
		_, other, err := c.app.Tenants.CreateKey(ctx, "other", []string{"shop_other"})
		if err != nil {
			t.Fatal(err)
		}
		_, both, err := c.app.Tenants.CreateKey(ctx, "both", []string{c.shop, "shop_other"})
		if err != nil {
			t.Fatal(err)
		}
		if p = b.post("/settings/keys/revoke", url.Values{"csrf_token": {tok}, "key_id": {other.ID}}); p.status != http.StatusNotFound {
			t.Fatalf("revoke another shop's key: %d", p.status)
		}
		if p = b.post("/settings/keys/revoke", url.Values{"csrf_token": {tok}, "key_id": {both.ID}}); p.status != http.StatusConflict {
			t.Fatalf("revoke a key shared with another shop: %d", p.status)
		}
		if p = b.post("/settings/keys/revoke", url.Values{"csrf_token": {tok}, "key_id": {""}}); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "key_id") {
			t.Fatalf("revoke without an id: %d", p.status)
		}
		for _, k := range []model.APIKey{other, both} {
			if got, _ := c.app.Store.GetAPIKey(ctx, k.ID); got.RevokedAt != nil {
				t.Fatalf("key %s was revoked", k.Name)
			}
		}

		if _, _, err := c.app.Accounts.CreateUser(ctx, "operator@example.com", password, c.shop, model.RoleOperator); err != nil {
			t.Fatal(err)
		}
		for _, email := range []string{"operator@example.com", viewerEmail} {
			ob := c.browser()
			otok := ob.login(email)
			if p = ob.get("/settings/keys"); p.status != http.StatusForbidden {
				t.Fatalf("%s saw the keys page: %d", email, p.status)
			}
			if p = ob.post("/settings/keys", url.Values{"csrf_token": {otok}, "name": {"x"}}); p.status != http.StatusForbidden {
				t.Fatalf("%s made a key: %d", email, p.status)
			}
			if p = ob.post("/settings/keys/revoke", url.Values{"csrf_token": {otok}, "key_id": {id[1]}}); p.status != http.StatusForbidden {
				t.Fatalf("%s revoked a key: %d", email, p.status)
			}
		}
		if s := status(sec[1]); s != 200 {
			t.Fatalf("the key after forbidden revokes: %d", s)
		}

		if p = b.post("/settings/keys/revoke", url.Values{"csrf_token": {tok}, "key_id": {id[1]}}); p.status != http.StatusSeeOther {
			t.Fatalf("revoke: %d\n%.2000s", p.status, p.body)
		}
		if s := status(sec[1]); s != http.StatusUnauthorized {
			t.Fatalf("a revoked key on the API: %d", s)
		}
	})
}
