package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"lastmile/internal/app"
	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/store/postgres"
	"lastmile/internal/store/storetest"
)

// console is a whole lastmile (API, console, job engine, simulated carriers) on loopback over
// a real store, with one shop, a warehouse with stock, and its people.
type console struct {
	t    testing.TB
	url  string
	app  *app.App
	key  string // an API key of the shop, to set up data
	shop string
}

const (
	ownerEmail  = "owner@example.com"
	viewerEmail = "viewer@example.com"
	password    = "correct horse battery"
)

// eachDB runs fn per store: SQLite always, PostgreSQL when configured (always in CI).
func eachDB(t *testing.T, fn func(t *testing.T, db string)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, "sqlite:"+storetest.SQLitePath(t))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		u, drop, err := postgres.NewSchema(context.Background(), storetest.PostgresURL(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(drop)
		fn(t, u)
	})
}

func newConsole(t testing.TB, db string) *console {
	t.Helper()
	return newConsoleWith(t, config.Config{DB: db, Addr: "127.0.0.1:0", CarrierNetwork: "sim"})
}

// newConsoleWith is newConsole with a configuration of its own (a TikTok app, say).
func newConsoleWith(t testing.TB, cfg config.Config) *console {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, true, slog.New(slog.DiscardHandler), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.StartJobs(ctx); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() {
		srv.Close()
		a.StopJobs()
		cancel()
		a.Close()
	})
	c := &console{t: t, url: srv.URL, app: a, shop: "shop_console"}
	if _, err := a.Tenants.CreateShopWithID(ctx, c.shop, "Console Shop", "US", ""); err != nil {
		t.Fatal(err)
	}
	if c.key, _, err = a.Tenants.CreateKey(ctx, "test", []string{c.shop}); err != nil {
		t.Fatal(err)
	}
	for email, role := range map[string]model.Role{ownerEmail: model.RoleOwner, viewerEmail: model.RoleViewer} {
		if _, _, err := a.Accounts.CreateUser(ctx, email, password, c.shop, role); err != nil {
			t.Fatal(err)
		}
	}
	addr := map[string]any{"name": "LA Fulfilment", "line1": "1 Warehouse Way", "city": "Los Angeles", "region": "CA",
		"postal_code": "90001", "country": "US", "phone": "+13105550100"}
	var wh model.Warehouse
	c.api("POST", "/v1/warehouses", map[string]any{
		"code": "LAX1", "name": "Los Angeles", "type": "overseas", "address": addr, "ship_from": addr, "return_address": addr,
		"time_zone": "America/Los_Angeles", "cut_off": "14:00", "working_days": []string{"mon", "tue", "wed", "thu", "fri"},
		"transit": []any{map[string]any{"country": "US", "min_days": 3, "max_days": 5, "service": "ground"}},
	}, &wh)
	c.api("PUT", "/v1/warehouses/"+wh.ID+"/stock/TSHIRT-RED-M", map[string]any{"on_hand": 100, "reason": "count"}, nil)
	return c
}

// api calls the JSON API with the shop's key and decodes the answer into out (if not nil).
func (c *console) api(method, path string, body, out any) {
	c.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, c.url+path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+c.key)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	rb, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		c.t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, rb)
	}
	if out != nil {
		if err := json.Unmarshal(rb, out); err != nil {
			c.t.Fatal(err)
		}
	}
}

// order stores an order of the shop; held gives it a postal code that does not fit the state.
func (c *console) order(ext string, held bool) model.Order {
	c.t.Helper()
	postal := "94043"
	if held {
		postal = "9404"
	}
	body := map[string]any{
		"external_id": ext, "market": "US", "currency": "USD", "status": "AWAITING_SHIPMENT",
		"created_at": "2026-11-20T10:00:00Z", "paid_at": "2026-11-20T10:01:00Z", "updated_at": "2026-11-20T10:02:00Z",
		"buyer":            map[string]any{"name": "Jane Doe", "email": "jane@example.com", "phone": "+12065550100"},
		"shipping_address": map[string]any{"name": "Jane Doe", "line1": "1600 Amphitheatre Pkwy", "line2": "", "city": "Mountain View", "region": "CA", "postal_code": postal, "country": "US", "phone": "+16505550100"},
		"lines": []any{map[string]any{"sku": "TSHIRT-RED-M", "name": "T-shirt red M", "quantity": 1,
			"unit_price": map[string]any{"amount": 1299, "currency": "USD"}, "weight_g": 180, "length_mm": 250, "width_mm": 200, "height_mm": 20,
			"declared_name": "Cotton T-shirt", "has_battery": false}},
		"cod": nil,
	}
	var o model.Order
	c.api("POST", "/v1/orders", body, &o)
	if o.NeedsAttention != held {
		c.t.Fatalf("order %s: needs_attention %v, want %v: %+v", ext, o.NeedsAttention, held, o.Problems)
	}
	return o
}

// browser is an HTTP client with cookies that does not follow redirects.
type browser struct {
	t      testing.TB
	c      *http.Client
	base   string
	header http.Header // extra headers on every request
}

func (c *console) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: c.t, base: c.url, header: http.Header{}, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type page struct {
	status int
	header http.Header
	body   string
}

func (b *browser) get(path string) page {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.base+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) page {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	for k, v := range b.header {
		req.Header[k] = v
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return page{status: res.StatusCode, header: res.Header, body: string(body)}
}

var csrfRE = regexp.MustCompile(`<input type="hidden" name="(csrf[a-z_]*)" value="([^"]+)">`)

// csrf is the CSRF field of the page's first form.
func (p page) csrf(t testing.TB) (name, value string) {
	t.Helper()
	m := csrfRE.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no CSRF field in the page:\n%.2000s", p.body)
	}
	return m[1], m[2]
}

// login logs the browser in as email and returns the CSRF token of its session.
func (b *browser) login(email string) string {
	b.t.Helper()
	lp := b.get("/login")
	name, tok := lp.csrf(b.t)
	p := b.post("/login", url.Values{"email": {email}, "password": {password}, name: {tok}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/" {
		b.t.Fatalf("login %s: %d %s\n%.500s", email, p.status, p.header.Get("Location"), p.body)
	}
	_, tok = b.get("/").csrf(b.t)
	return tok
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}
