package web_test

import (
	"bytes"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"lastmile/internal/i18n"
	"lastmile/internal/model"
	"lastmile/internal/store/storetest"
)

// TestLoginSessionAndLanguage is the contract: GET / without a session goes to /login; the
// login form carries a CSRF field; a wrong password and an unknown email get the same answer;
// POST /login sets an HttpOnly SameSite=Lax session cookie; ?lang=zh-CN switches the pages to
// Chinese for the rest of the session (Content-Language); POST /logout ends it.
func TestLoginSessionAndLanguage(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, db string) {
		c := newConsole(t, db)
		b := c.browser()
		if p := b.get("/"); p.status != http.StatusSeeOther || p.header.Get("Location") != "/login" {
			t.Fatalf("GET / without a session: %d %q", p.status, p.header.Get("Location"))
		}
		lp := b.get("/login")
		name, tok := lp.csrf(t)
		if lp.status != 200 || !strings.Contains(name, "csrf") || lp.header.Get("Content-Language") != "en" {
			t.Fatalf("login page: %d %s %q", lp.status, name, lp.header.Get("Content-Language"))
		}
		if p := b.post("/login", url.Values{"email": {ownerEmail}, "password": {password}}); p.status != http.StatusForbidden {
			t.Errorf("login without the CSRF field: %d", p.status)
		}
		wrong := b.post("/login", url.Values{"email": {ownerEmail}, "password": {"not the password"}, name: {tok}})
		_, tok = b.get("/login").csrf(t)
		unknown := b.post("/login", url.Values{"email": {"nobody@example.com"}, "password": {"not the password"}, name: {tok}})
		if wrong.status != http.StatusUnauthorized || unknown.status != wrong.status || msg(wrong.body) != msg(unknown.body) || msg(wrong.body) == "" {
			t.Errorf("wrong password %d %q, unknown email %d %q: want the same answer", wrong.status, msg(wrong.body), unknown.status, msg(unknown.body))
		}
		_, tok = b.get("/login").csrf(t)
		p := b.post("/login", url.Values{"email": {ownerEmail}, "password": {password}, name: {tok}})
		cookie := p.header.Get("Set-Cookie")
		if p.status != http.StatusSeeOther || !strings.Contains(cookie, "lm_session=") || !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Lax") {
			t.Fatalf("login: %d, cookie %q", p.status, cookie)
		}
		if p = b.get("/"); p.status != 200 || p.header.Get("Content-Language") != "en" || !strings.Contains(p.body, "Orders to ship") {
			t.Fatalf("today: %d %q", p.status, p.header.Get("Content-Language"))
		}
		if p = b.get("/?lang=zh-CN"); p.header.Get("Content-Language") != "zh-CN" || !strings.Contains(p.body, "待发货订单") || !strings.Contains(p.body, `<html lang="zh-CN">`) {
			t.Fatalf("?lang=zh-CN: %q\n%.500s", p.header.Get("Content-Language"), p.body)
		}
		if p = b.get("/orders"); p.header.Get("Content-Language") != "zh-CN" || !strings.Contains(p.body, "订单号") {
			t.Fatalf("the language is not remembered: %q", p.header.Get("Content-Language"))
		}
		_, tok = p.csrf(t)
		if p = b.post("/logout", url.Values{"csrf_token": {tok}}); p.status != http.StatusSeeOther {
			t.Fatalf("logout: %d", p.status)
		}
		if p = b.get("/orders"); p.status != http.StatusSeeOther || p.header.Get("Location") != "/login" {
			t.Fatalf("after logout: %d", p.status)
		}
	})
}

var alertRE = regexp.MustCompile(`<p class="error" role="alert">([^<]*)</p>`)

func msg(body string) string {
	m := alertRE.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// TestEveryFormNeedsCSRF posts to every form of the console without the token (and with a
// wrong one): each is refused with 403 and changes nothing.
func TestEveryFormNeedsCSRF(t *testing.T) {
	t.Parallel()
	c := newConsole(t, "sqlite:"+storetest.SQLitePath(t))
	held := c.order("csrf-held", true)
	ready := c.order("csrf-ready", false)
	b := c.browser()
	b.login(ownerEmail)
	forms := map[string]url.Values{
		"/ship":                                      {"order_id": {ready.ID}, "policy": {"cheapest"}},
		"/orders/" + held.ID + "/fix":                {"postal_code": {"94043"}},
		"/orders/" + ready.ID + "/confirm":           {},
		"/orders/" + ready.ID + "/push":              {},
		"/stock/import":                              {},
		"/settings/language":                         {"lang": {"zh-CN"}},
		"/settings/figures":                          {"fig_ship_within": {"1h"}},
		"/settings/carriers":                         {"carrier": {"ups"}},
		"/settings/users":                            {"email": {"forged@example.com"}, "role": {"owner"}, "password": {"correct horse battery"}},
		"/settings/users/usr_x/role":                 {"role": {"viewer"}},
		"/settings/users/usr_x/remove":               {},
		"/settings/keys":                             {"name": {"forged"}},
		"/settings/keys/revoke":                      {"key_id": {"x"}},
		"/settings/tiktok/conn_x/sync":               {},
		"/settings/webhooks":                         {"url": {"https://erp.example.com/h"}, "events": {"*"}},
		"/settings/webhooks/whs_x/enabled":           {"enabled": {"false"}},
		"/settings/webhooks/deliveries/whd_x/replay": {},
		"/ship/manifest":                             {},
		"/returns/ret_x/decide":                      {"kind": {"reject"}},
		"/returns/ret_x/receive":                     {"sku_0": {"TSHIRT-RED-M"}, "qty_0": {"1"}, "outcome_0": {"restock"}},
		"/exceptions/exc_x/resolve":                  {"note": {"forged"}},
		"/logout":                                    {},
	}
	// Every POST route of the console is in the list (the login form has its own test).
	src, err := os.ReadFile("web.go")
	if err != nil {
		t.Fatal(err)
	}
	routes := regexp.MustCompile(`HandleFunc\("POST (/[^"]*)"`).FindAllStringSubmatch(string(src), -1)
	if len(routes) < len(forms) {
		t.Fatalf("found %d POST routes in web.go: the pattern is broken", len(routes))
	}
	for _, r := range routes {
		if r[1] == "/login" {
			continue
		}
		re := regexp.MustCompile("^" + regexp.MustCompile(`\\\{[a-z]+\\\}`).ReplaceAllString(regexp.QuoteMeta(r[1]), `[^/]+`) + "$")
		found := false
		for path := range forms {
			found = found || re.MatchString(path)
		}
		if !found {
			t.Errorf("POST %s is not in this test's forms", r[1])
		}
	}
	for path, form := range forms {
		for _, tok := range []string{"", "wrong-token"} {
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			if tok != "" {
				f.Set("csrf_token", tok)
			}
			if p := b.post(path, f); p.status != http.StatusForbidden {
				t.Errorf("POST %s with CSRF token %q: %d, want 403", path, tok, p.status)
			}
		}
	}
	var o model.Order
	c.api("GET", "/v1/orders/"+held.ID, nil, &o)
	if !o.NeedsAttention {
		t.Error("a fix without a CSRF token was applied")
	}
	if p := b.get("/"); p.status != 200 {
		t.Errorf("the session was ended by a forged logout: %d", p.status)
	}
}

// TestViewerCannotShip: a viewer sees the ship page without its form, and a POST /ship with a
// valid token is refused with 403 and ships nothing; so is fixing an order.
func TestViewerCannotShip(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, db string) {
		c := newConsole(t, db)
		o := c.order("viewer-1", false)
		b := c.browser()
		tok := b.login(viewerEmail)
		p := b.get("/ship")
		if p.status != 200 || strings.Contains(p.body, `id="ship-form"`) {
			t.Fatalf("ship page for a viewer: %d, form shown: %v", p.status, strings.Contains(p.body, `id="ship-form"`))
		}
		if p = b.post("/ship", url.Values{"csrf_token": {tok}, "order_id": {o.ID}, "policy": {"cheapest"}}); p.status != http.StatusForbidden {
			t.Fatalf("a viewer shipped: %d", p.status)
		}
		if p = b.post("/orders/"+o.ID+"/fix", url.Values{"csrf_token": {tok}, "name": {"X"}}); p.status != http.StatusForbidden {
			t.Fatalf("a viewer fixed an order: %d", p.status)
		}
		var list struct{ Shipments []model.Shipment }
		c.api("GET", "/v1/shipments", nil, &list)
		if len(list.Shipments) != 0 {
			t.Fatalf("%d shipments after a viewer's attempt", len(list.Shipments))
		}
	})
}

// TestFixHeldOrderAndShipBatch: an owner fixes a held order in its form, ships two orders as a
// batch, follows its progress until done, and downloads the labels as PDF and ZPL.
func TestFixHeldOrderAndShipBatch(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, db string) {
		c := newConsole(t, db)
		held := c.order("fix-1", true)
		other := c.order("ship-2", false)
		b := c.browser()
		tok := b.login(ownerEmail)
		p := b.get("/orders/" + held.ID)
		if !strings.Contains(p.body, `id="problems"`) || !strings.Contains(p.body, "postal_code") {
			t.Fatalf("the held order's problems are not shown:\n%.1500s", p.body)
		}
		p = b.post("/orders/"+held.ID+"/fix", url.Values{"csrf_token": {tok}, "postal_code": {"94043"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("fix: %d %s", p.status, msg(p.body))
		}
		if p = b.get(p.header.Get("Location")); strings.Contains(p.body, `id="problems"`) || !strings.Contains(p.body, "Saved.") {
			t.Fatalf("after the fix the order still shows problems:\n%.1500s", p.body)
		}
		p = b.post("/ship", url.Values{"csrf_token": {tok}, "order_id": {held.ID, other.ID}, "policy": {"cheapest"}})
		loc := p.header.Get("Location")
		if p.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/ship/batches/") {
			t.Fatalf("ship: %d %q %s", p.status, loc, msg(p.body))
		}
		var done bool
		for deadline := time.Now().Add(30 * time.Second); !done && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			pr := b.get(loc + "/progress")
			done = strings.Contains(pr.body, `"status":"done"`)
		}
		if !done {
			t.Fatal("the batch did not finish")
		}
		p = b.get(loc)
		if !strings.Contains(p.body, `id="batch-done"`) || !strings.Contains(p.body, "2 / 2") {
			t.Fatalf("batch page:\n%.2000s", p.body)
		}
		pdf := b.get(loc + "/labels?format=pdf")
		zpl := b.get(loc + "/labels?format=zpl")
		if pdf.status != 200 || !strings.HasPrefix(pdf.body, "%PDF") || zpl.status != 200 || strings.Count(zpl.body, "^XA") != 2 {
			t.Fatalf("labels: pdf %d %.8q, zpl %d with %d labels", pdf.status, pdf.body, zpl.status, strings.Count(zpl.body, "^XA"))
		}
		var list struct{ Shipments []model.Shipment }
		c.api("GET", "/v1/shipments", nil, &list)
		if len(list.Shipments) != 2 {
			t.Fatalf("%d shipments, want 2", len(list.Shipments))
		}
		if p = b.get("/ship/shipments/" + list.Shipments[0].ID + "/label?format=zpl"); p.status != 200 || !strings.Contains(p.body, "^XA") {
			t.Fatalf("reprint: %d", p.status)
		}
		if p = b.get("/performance"); !strings.Contains(p.body, `id="score-chart"`) || !strings.Contains(p.body, "<svg") {
			t.Fatalf("performance chart missing:\n%.1000s", p.body)
		}
	})
}

// TestEveryPageInBothLanguages renders every page in English and Chinese: each answers 200
// with its Content-Language and no catalogue key left unresolved.
func TestEveryPageInBothLanguages(t *testing.T) {
	t.Parallel()
	c := newConsole(t, "sqlite:"+storetest.SQLitePath(t))
	o := c.order("lang-1", true)
	b := c.browser()
	b.login(ownerEmail)
	keyLeft := regexp.MustCompile(`\b(web|api|csv)\.[a-z_]+\.[a-z_.]+\b`)
	for _, lang := range []string{"en", "zh-CN"} {
		for _, path := range []string{"/", "/orders", "/orders?problem=held", "/orders/" + o.ID, "/ship", "/stock", "/returns", "/exceptions", "/exceptions?all=1&type=lost", "/performance", "/performance?by=lane", "/settings", "/settings/webhooks", "/settings/tiktok", "/settings/keys"} {
			sep := "?"
			if strings.Contains(path, "?") {
				sep = "&"
			}
			p := b.get(path + sep + "lang=" + lang)
			if p.status != 200 || p.header.Get("Content-Language") != lang {
				t.Errorf("%s in %s: %d %q", path, lang, p.status, p.header.Get("Content-Language"))
			}
			if k := keyLeft.FindString(p.body); k != "" {
				t.Errorf("%s in %s shows the key %s", path, lang, k)
			}
		}
	}
}

// TestTemplatesUseCatalogueKeys: every key a template names is in the catalogue (the catalogue
// test checks that each is translated).
func TestTemplatesUseCatalogueKeys(t *testing.T) {
	keyRE := regexp.MustCompile(`t \$?[.a-zA-Z]*(?:Lang|l) "([a-z_.]+)"`)
	n := 0
	fs.WalkDir(os.DirFS("templates"), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := os.ReadFile("templates/" + path)
		for _, m := range keyRE.FindAllSubmatch(b, -1) {
			n++
			if !i18n.Has(string(m[1])) {
				t.Errorf("%s names %s, which the catalogue lacks", path, m[1])
			}
		}
		return nil
	})
	if n < 50 {
		t.Fatalf("found only %d keys in the templates: the pattern is broken", n)
	}
	for _, k := range []string{"web.role.owner", "web.role.operator", "web.role.viewer", "web.ship.policy.cheapest", "web.ship.policy.fastest", "web.ship.policy.best_value"} {
		if !i18n.Has(k) {
			t.Errorf("computed key %s is missing", k)
		}
	}
	_ = bytes.MinRead
}
