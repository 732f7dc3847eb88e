package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"lastmile/internal/model"
)

// TestOwnerManagesUsers: the owner adds a new person (who can then log in with the password
// the owner set), gives a role to an existing account of another shop (whose password stays),
// and changes a role; a bad email, a bad role and a short password are refused with 422 naming
// each field, in both languages; the last owner cannot be demoted (409); an operator and a
// viewer are refused with 403.
func TestOwnerManagesUsers(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, db string) {
		c := newConsole(t, db)
		ctx := context.Background()
		b := c.browser()
		tok := b.login(ownerEmail)
		p := b.get("/settings")
		if !strings.Contains(p.body, `action="/settings/users"`) {
			t.Fatalf("no add-user form for the owner:\n%.3000s", p.body)
		}

		for _, lang := range []string{"en", "zh-CN"} {
			p = b.post("/settings/users?lang="+lang, url.Values{"csrf_token": {tok}, "email": {"not-an-email"}, "role": {"operator"}, "password": {password}})
			if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "email:") || p.header.Get("Content-Language") != lang {
				t.Fatalf("bad email in %s: %d\n%.3000s", lang, p.status, p.body)
			}
		}
		b.get("/settings?lang=en")
		if p = b.post("/settings/users", url.Values{"csrf_token": {tok}, "email": {"new@example.com"}, "role": {"boss"}, "password": {password}}); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "role:") {
			t.Fatalf("bad role: %d\n%.3000s", p.status, p.body)
		}
		if p = b.post("/settings/users", url.Values{"csrf_token": {tok}, "email": {"new@example.com"}, "role": {"operator"}, "password": {"short"}}); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "password:") || !strings.Contains(p.body, `value="new@example.com"`) {
			t.Fatalf("short password: %d\n%.3000s", p.status, p.body)
		}
		if p = b.post("/settings/users", url.Values{"csrf_token": {tok}, "email": {"new@example.com"}, "role": {"operator"}, "password": {password}}); p.status != http.StatusSeeOther {
			t.Fatalf("add user: %d\n%.3000s", p.status, p.body)
		}
		nb := c.browser()
		nb.login("new@example.com")
		if p = nb.get("/ship"); p.status != 200 {
			t.Fatalf("the new operator cannot open the ship page: %d", p.status)
		}

		// An account of another shop gets a role here and keeps its password.
		if _, err := c.app.Tenants.CreateShopWithID(ctx, "shop_other", "Other", "US", ""); err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.app.Accounts.CreateUser(ctx, "elsewhere@example.com", password, "shop_other", model.RoleOwner); err != nil {
			t.Fatal(err)
		}
		if p = b.post("/settings/users", url.Values{"csrf_token": {tok}, "email": {"elsewhere@example.com"}, "role": {"viewer"}, "password": {"another password 123"}}); p.status != http.StatusSeeOther {
			t.Fatalf("grant to an existing account: %d\n%.3000s", p.status, p.body)
		}
		c.browser().login("elsewhere@example.com") // still its own password
		users, err := c.app.Accounts.ShopUsers(ctx, c.shop)
		if err != nil {
			t.Fatal(err)
		}
		byEmail := map[string]model.User{}
		for _, u := range users {
			byEmail[u.Email] = u
		}
		if el, err := c.app.Store.GetUser(ctx, byEmail["elsewhere@example.com"].ID); err != nil || el.Roles[c.shop] != model.RoleViewer || el.Roles["shop_other"] != model.RoleOwner {
			t.Fatalf("roles of the existing account: %v %v", el.Roles, err)
		}

		// Change a role; the last owner keeps theirs.
		viewer := byEmail[viewerEmail]
		if p = b.post("/settings/users/"+viewer.ID+"/role", url.Values{"csrf_token": {tok}, "role": {"operator"}}); p.status != http.StatusSeeOther {
			t.Fatalf("change role: %d\n%.2000s", p.status, p.body)
		}
		if p = b.post("/settings/users/"+viewer.ID+"/role", url.Values{"csrf_token": {tok}, "role": {"king"}}); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "role") {
			t.Fatalf("bad role change: %d", p.status)
		}
		owner := byEmail[ownerEmail]
		if p = b.post("/settings/users/"+owner.ID+"/role", url.Values{"csrf_token": {tok}, "role": {"viewer"}}); p.status != http.StatusConflict || !strings.Contains(p.body, "only owner") {
			t.Fatalf("demote the last owner: %d\n%.2000s", p.status, p.body)
		}
		if p = b.post("/settings/users/usr_nobody/role", url.Values{"csrf_token": {tok}, "role": {"viewer"}}); p.status != http.StatusNotFound {
			t.Fatalf("role of a user outside the shop: %d", p.status)
		}
		if p = b.post("/settings/users/"+byEmail["elsewhere@example.com"].ID+"/role", url.Values{"csrf_token": {tok}, "role": {"owner"}}); p.status != http.StatusSeeOther {
			t.Fatalf("make a second owner: %d", p.status)
		}
		if p = b.post("/settings/users/"+owner.ID+"/role", url.Values{"csrf_token": {tok}, "role": {"operator"}}); p.status != http.StatusSeeOther {
			t.Fatalf("demote an owner who is not the last: %d\n%.2000s", p.status, p.body)
		}

		// Operators and viewers may not manage people.
		if _, _, err := c.app.Accounts.CreateUser(ctx, "viewer2@example.com", password, c.shop, model.RoleViewer); err != nil {
			t.Fatal(err)
		}
		for _, email := range []string{"new@example.com", "viewer2@example.com"} {
			ob := c.browser()
			otok := ob.login(email)
			if p = ob.get("/settings"); strings.Contains(p.body, `action="/settings/users"`) {
				t.Fatalf("%s is offered the add-user form", email)
			}
			if p = ob.post("/settings/users", url.Values{"csrf_token": {otok}, "email": {"x@example.com"}, "role": {"owner"}, "password": {password}}); p.status != http.StatusForbidden {
				t.Fatalf("%s added a user: %d", email, p.status)
			}
			if p = ob.post("/settings/users/"+viewer.ID+"/role", url.Values{"csrf_token": {otok}, "role": {"owner"}}); p.status != http.StatusForbidden {
				t.Fatalf("%s changed a role: %d", email, p.status)
			}
		}
		users, _ = c.app.Accounts.ShopUsers(ctx, c.shop)
		for _, u := range users {
			if u.Email == "x@example.com" || (u.ID == viewer.ID && u.Roles[c.shop] != model.RoleOperator) {
				t.Fatalf("a forbidden form was applied: %s %v", u.Email, u.Roles)
			}
		}
	})
}
