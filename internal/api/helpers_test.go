package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"lastmile/internal/shipping"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"lastmile/internal/config"
	"lastmile/internal/inventory"
	"lastmile/internal/model"
	"lastmile/internal/notify"
	"lastmile/internal/order"
	"lastmile/internal/returns"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
	"lastmile/internal/tenant"
	"lastmile/internal/tracker"
)

// env is one API server on loopback over a real store.
type env struct {
	t       testing.TB
	url     string
	srv     *Server
	store   store.Store
	tenants *tenant.Service
	clock   *clock
	cfg     config.Config
	// shipping is the server's shipping service, for tests that run its jobs.
	shipping *shipping.Service
	// returns is the server's returns service, for tests that run its jobs.
	returns *returns.Service
	// tracker is the server's tracking service, for tests that sweep its clocks.
	tracker *tracker.Service
	// notify is the server's webhooks service, for tests that fan events out.
	notify *notify.Service
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// eachStore runs fn as a subtest per store (SQLite; PostgreSQL when configured, always in CI).
func eachStore(t *testing.T, fn func(t *testing.T, e *env)) {
	storetest.Each(t, func(t *testing.T, st store.Store) { fn(t, newEnv(t, st, config.Config{})) })
}

func newEnv(t testing.TB, st store.Store, cfg config.Config) *env {
	return newEnvWith(t, st, cfg, nil)
}

// newEnvWith is newEnv with the server's Deps adjusted by tune (nil: as newEnv).
func newEnvWith(t testing.TB, st store.Store, cfg config.Config, tune func(*Deps)) *env {
	cfg = cfg.WithDefaults()
	c := &clock{t: time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)}
	log := slog.New(slog.DiscardHandler)
	tenants := tenant.NewService(st, cfg.Markets, c.now, cfg.AuthCacheTTL)
	d := Deps{Config: cfg, Store: st, Orders: order.NewService(st, cfg.Markets, c.now, log), Tenants: tenants,
		Inventory: inventory.NewService(st, cfg.Markets, c.now, log, inventory.Options{}),
		Log:       log, Now: c.now, Registry: prometheus.NewRegistry()}
	d.Shipping = newShipping(t, st, cfg, d.Inventory, c.now)
	d.Returns = newReturns(t, st, cfg, c.now)
	d.Tracker = newTracker(t, st, cfg, c.now)
	d.Notify = newNotify(t, st, c.now)
	d.Inventory.WithEvents(d.Notify.Subscribed)
	if tune != nil {
		tune(&d)
	}
	srv, err := New(d)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &env{t: t, url: hs.URL, srv: srv, store: st, tenants: tenants, clock: c, cfg: cfg, shipping: d.Shipping, returns: d.Returns,
		tracker: d.Tracker, notify: d.Notify}
}

// shop creates a shop on market and a key for it.
func (e *env) shop(name string, market model.Market) (model.Shop, string) {
	e.t.Helper()
	sh, err := e.tenants.CreateShop(context.Background(), name, market, "")
	if err != nil {
		e.t.Fatal(err)
	}
	key, _, err := e.tenants.CreateKey(context.Background(), "test", []string{sh.ID})
	if err != nil {
		e.t.Fatal(err)
	}
	return sh, key
}

type response struct {
	status  int
	header  http.Header
	trailer http.Header
	body    []byte
}

func (r response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("response %d is not JSON: %v\n%s", r.status, err, r.body)
	}
}

// apiErr is the error part of a response.
func (r response) apiErr(t *testing.T) (code, field string) {
	t.Helper()
	var b struct {
		Error struct{ Code, Field, Message string }
	}
	r.decode(t, &b)
	if b.Error.Message == "" {
		t.Fatalf("error response without a message: %s", r.body)
	}
	return b.Error.Code, b.Error.Field
}

func (e *env) do(method, path, key string, body any, headers ...string) response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.url+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, trailer: res.Trailer, body: b}
}

// orderJSON is the contract's example order with external id ext, version at updated.
func orderJSON(ext string, updated time.Time, status model.Status) map[string]any {
	return map[string]any{
		"external_id": ext, "market": "US", "currency": "USD", "status": string(status),
		"created_at": "2026-11-20T10:00:00Z", "paid_at": "2026-11-20T10:01:00Z", "updated_at": updated.Format(time.RFC3339Nano),
		"buyer": map[string]any{"name": "Jane Doe", "email": "jane@example.com", "phone": "+12065550100"},
		"shipping_address": map[string]any{"name": "Jane Doe", "line1": "1600 Amphitheatre Pkwy", "line2": "", "city": "Mountain View",
			"region": "CA", "postal_code": "94043", "country": "US", "phone": "+16505550100"},
		"lines": []any{map[string]any{"sku": "TSHIRT-RED-M", "name": "T-shirt red M", "quantity": 2,
			"unit_price": map[string]any{"amount": 1299, "currency": "USD"}, "weight_g": 180, "length_mm": 250, "width_mm": 200, "height_mm": 20,
			"declared_name": "Cotton T-shirt", "has_battery": false}},
		"cod": nil,
	}
}

var tPaid = time.Date(2026, 11, 20, 10, 1, 0, 0, time.UTC)
