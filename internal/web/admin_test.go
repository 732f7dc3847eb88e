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

// TestOwnerListsAPIKeys: the keys page lists the shop's keys with their prefix, shops, creation
// and last use (written when the key is used on the API), a revoke button on each key of this
// shop only (none on a key shared with another shop, which is marked); a revoked key stays
// listed as revoked; another shop's key is not listed.
func TestOwnerListsAPIKeys(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, db string) {
		c := newConsole(t, db)
		ctx := context.Background()
		b := c.browser()
		tok := b.login(ownerEmail)
		p := b.post("/settings/keys", url.Values{"csrf_token": {tok}, "name": {"ERP"}})
		sec := regexp.MustCompile(`<code id="key-secret">([^<]+)</code>`).FindStringSubmatch(p.body)
		id := regexp.MustCompile(`<code id="key-created">([^<]+)</code>`).FindStringSubmatch(p.body)
		if p.status != 200 || sec == nil || id == nil {
			t.Fatalf("create key: %d\n%.2000s", p.status, p.body)
		}
		row := func(body, keyID string) string {
			t.Helper()
			m := regexp.MustCompile(`(?s)<tr id="key-` + keyID + `">(.*?)</tr>`).FindStringSubmatch(body)
			if m == nil {
				t.Fatalf("key %s not listed:\n%.4000s", keyID, body)
			}
			return m[1]
		}
		r := row(b.get("/settings/keys?lang=en").body, id[1])
		if !strings.Contains(r, "ERP") || !strings.Contains(r, "lm_"+id[1]+"_") || !strings.Contains(r, c.shop) ||
			!strings.Contains(r, "never") || !strings.Contains(r, `name="key_id" value="`+id[1]+`"`) {
			t.Fatalf("the new key's row:\n%s", r)
		}
		req, _ := http.NewRequest("GET", c.url+"/v1/orders", nil)
		req.Header.Set("Authorization", "Bearer "+sec[1])
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("the key on the API: %v %v", res, err)
		}
		res.Body.Close()
		k, err := c.app.Store.GetAPIKey(ctx, id[1])
		if err != nil || k.LastUsedAt == nil {
			t.Fatalf("last use not recorded: %+v %v", k, err)
		}
		if r = row(b.get("/settings/keys?lang=en").body, id[1]); strings.Contains(r, "never") {
			t.Fatalf("the used key's row still says never:\n%s", r)
		}

		if _, err := c.app.Tenants.CreateShopWithID(ctx, "shop_other", "Other", "US", ""); err != nil {
			t.Fatal(err)
		}
		_, other, _ := c.app.Tenants.CreateKey(ctx, "other", []string{"shop_other"})
		_, both, _ := c.app.Tenants.CreateKey(ctx, "both", []string{c.shop, "shop_other"})
		body := b.get("/settings/keys?lang=zh-CN").body
		if strings.Contains(body, other.ID) {
			t.Fatal("another shop's key is listed")
		}
		if r = row(body, both.ID); !strings.Contains(r, "及其他店铺") || strings.Contains(r, "shop_other") || strings.Contains(r, `name="key_id"`) {
			t.Fatalf("the shared key's row:\n%s", r)
		}

		if p = b.post("/settings/keys/revoke", url.Values{"csrf_token": {tok}, "key_id": {id[1]}}); p.status != http.StatusSeeOther {
			t.Fatalf("revoke: %d", p.status)
		}
		if r = row(b.get("/settings/keys?lang=en").body, id[1]); !strings.Contains(r, "revoked") || strings.Contains(r, `name="key_id"`) {
			t.Fatalf("the revoked key's row:\n%s", r)
		}
	})
}

// TestOwnerRemovesRole: the owner removes a person's role (they can no longer open the shop;
// their account and other shops' roles stay); the last owner cannot be removed (409); a user
// without a role here is not found; an operator and a viewer get 403 and nothing changes.
func TestOwnerRemovesRole(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, db string) {
		c := newConsole(t, db)
		ctx := context.Background()
		b := c.browser()
		tok := b.login(ownerEmail)
		if _, err := c.app.Tenants.CreateShopWithID(ctx, "shop_other", "Other", "US", ""); err != nil {
			t.Fatal(err)
		}
		gone, _, err := c.app.Accounts.CreateUser(ctx, "gone@example.com", password, c.shop, model.RoleOperator)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.app.Accounts.CreateUser(ctx, "gone@example.com", password, "shop_other", model.RoleViewer); err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.app.Accounts.CreateUser(ctx, "operator@example.com", password, c.shop, model.RoleOperator); err != nil {
			t.Fatal(err)
		}
		gb := c.browser()
		gb.login("gone@example.com")
		owner, err := c.app.Store.GetUserByEmail(ctx, ownerEmail)
		if err != nil {
			t.Fatal(err)
		}

		for _, email := range []string{"operator@example.com", viewerEmail} {
			ob := c.browser()
			otok := ob.login(email)
			if p := ob.get("/settings"); strings.Contains(p.body, "/remove") {
				t.Fatalf("%s is offered remove buttons", email)
			}
			if p := ob.post("/settings/users/"+gone.ID+"/remove", url.Values{"csrf_token": {otok}}); p.status != http.StatusForbidden {
				t.Fatalf("%s removed a role: %d", email, p.status)
			}
		}
		if u, _ := c.app.Store.GetUser(ctx, gone.ID); u.Roles[c.shop] != model.RoleOperator {
			t.Fatalf("a forbidden removal was applied: %v", u.Roles)
		}

		p := b.get("/settings?lang=en")
		if !strings.Contains(p.body, `action="/settings/users/`+gone.ID+`/remove"`) || !strings.Contains(p.body, "Remove gone@example.com from this shop") {
			t.Fatalf("no remove button for the owner:\n%.4000s", p.body)
		}
		if p = b.post("/settings/users/"+gone.ID+"/remove", url.Values{}); p.status != http.StatusForbidden {
			t.Fatalf("remove without the CSRF token: %d", p.status)
		}
		if p = b.post("/settings/users/"+gone.ID+"/remove", url.Values{"csrf_token": {tok}}); p.status != http.StatusSeeOther {
			t.Fatalf("remove: %d\n%.2000s", p.status, p.body)
		}
		u, err := c.app.Store.GetUser(ctx, gone.ID)
		if err != nil || len(u.Roles) != 1 || u.Roles["shop_other"] != model.RoleViewer {
			t.Fatalf("roles after removal: %v %v", u.Roles, err)
		}
		if p = b.get("/settings"); strings.Contains(p.body, "gone@example.com") {
			t.Fatal("the removed person is still listed")
		}
		if p = gb.get("/orders?shop=" + c.shop); p.status == http.StatusOK && strings.Contains(p.body, c.shop) {
			t.Fatalf("the removed person still opens the shop: %d", p.status)
		}
		if p = b.post("/settings/users/"+gone.ID+"/remove", url.Values{"csrf_token": {tok}}); p.status != http.StatusNotFound {
			t.Fatalf("remove again: %d", p.status)
		}
		for _, lang := range []string{"en", "zh-CN"} {
			p = b.post("/settings/users/"+owner.ID+"/remove?lang="+lang, url.Values{"csrf_token": {tok}})
			if p.status != http.StatusConflict || !strings.Contains(p.body, ownerEmail) || p.header.Get("Content-Language") != lang {
				t.Fatalf("remove the last owner in %s: %d\n%.2000s", lang, p.status, p.body)
			}
		}
		if u, _ := c.app.Store.GetUser(ctx, owner.ID); u.Roles[c.shop] != model.RoleOwner {
			t.Fatalf("the last owner lost the role: %v", u.Roles)
		}
	})
}
