package api

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"lastmile/internal/config"
	"lastmile/internal/inventory"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/rating"
	"lastmile/internal/settings"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
	"lastmile/internal/tenant"
)

// newWiredEnv is newEnv with the services wired as app wires them: order and inventory read
// each shop's figures from the settings service, quotes use cards.
func newWiredEnv(t testing.TB, st store.Store, cfg config.Config, cards *rating.CardSet) *env {
	cfg = cfg.WithDefaults()
	c := &clock{t: time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)}
	log := slog.New(slog.DiscardHandler)
	figs := settings.NewService(st, cfg, c.now)
	tenants := tenant.NewService(st, cfg.Markets, c.now, cfg.AuthCacheTTL)
	srv, err := New(Deps{Config: cfg, Store: st, Orders: order.NewService(st, cfg.Markets, c.now, log).WithFigures(figs),
		Tenants: tenants, Settings: figs, RateCards: cards,
		Inventory: inventory.NewService(st, cfg.Markets, c.now, log,
			inventory.Options{Figures: figs, Policy: inventory.Policy{LocalOnlyMarkets: cfg.LocalOnlyMarkets()}}),
		Log: log, Now: c.now, Registry: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &env{t: t, url: hs.URL, store: st, tenants: tenants, clock: c, cfg: cfg}
}

// settingsIsolationProbes try shop A's settings and order quote with shop B's key.
func settingsIsolationProbes(e *env, keyB, shopA, orderA string) map[string]func() response {
	return map[string]func() response{
		"GET /v1/shops/{id}/settings": func() response { return e.do("GET", "/v1/shops/"+shopA+"/settings", keyB, nil) },
		"PATCH /v1/shops/{id}/settings": func() response {
			return e.do("PATCH", "/v1/shops/"+shopA+"/settings", keyB, `{"promise_days":1}`)
		},
		"GET /v1/shops/{id}/settings/effective": func() response {
			return e.do("GET", "/v1/shops/"+shopA+"/settings/effective", keyB, nil)
		},
		"POST /v1/orders/{id}/rates": func() response { return e.do("POST", "/v1/orders/"+orderA+"/rates", keyB, nil) },
	}
}

func TestShopSettingsAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st store.Store) {
		cfg, err := config.Parse("lastmile.yaml", []byte("markets:\n  GB: {confirm_within: 12h}\n"))
		if err != nil {
			t.Fatal(err)
		}
		e := newWiredEnv(t, st, cfg, nil)
		shop, key := e.shop("Settings", "GB")
		path := "/v1/shops/" + shop.ID + "/settings"

		r := e.do("GET", path, key, nil)
		if r.status != 200 || strings.TrimSpace(string(r.body)) != `{"shipping_mode":"seller"}` {
			t.Fatalf("fresh settings: %d %s", r.status, r.body)
		}
		r = e.do("PATCH", path, key, `{"ship_within":"36h","promise_days":4,"cod":true,"working_days":["mon","tue","wed","thu","fri","sat"]}`,
			"Content-Type", "application/merge-patch+json")
		var got map[string]any
		r.decode(t, &got)
		if r.status != 200 || got["ship_within"] != "36h" || got["promise_days"] != float64(4) || got["cod"] != true || got["shipping_mode"] != "seller" {
			t.Fatalf("patch: %d %s", r.status, r.body)
		}
		// Merge-patch: null withdraws one key, the others stay.
		e.clock.advance(time.Hour)
		r = e.do("PATCH", path, key, `{"cod":null,"shipping_mode":"platform"}`)
		got = nil
		r.decode(t, &got)
		if r.status != 200 || got["cod"] != nil || got["ship_within"] != "36h" || got["shipping_mode"] != "platform" {
			t.Fatalf("second patch: %d %s", r.status, r.body)
		}

		r = e.do("GET", path+"/effective", key, nil)
		var eff struct {
			ShopID       string `json:"shop_id"`
			Market       string
			Values       map[string]any
			Sources      map[string]string
			ShippingMode string             `json:"shipping_mode"`
			ModeChanges  []model.ModeChange `json:"mode_changes"`
		}
		r.decode(t, &eff)
		if r.status != 200 || eff.ShopID != shop.ID || eff.Market != "GB" || eff.ShippingMode != "platform" {
			t.Fatalf("effective: %d %s", r.status, r.body)
		}
		for k, want := range map[string]any{"ship_within": "36h", "promise_days": float64(4), "confirm_within": "12h", "print_within": "48h",
			"cod": false, "currency": "GBP", "qr_label": true, "cut_off": "12:00"} {
			if eff.Values[k] != want {
				t.Errorf("values.%s = %v, want %v", k, eff.Values[k], want)
			}
		}
		for k, want := range map[string]string{"ship_within": "shop_api", "confirm_within": "config", "print_within": "default", "cod": "default"} {
			if eff.Sources[k] != want {
				t.Errorf("sources.%s = %s, want %s", k, eff.Sources[k], want)
			}
		}
		if len(eff.Values) != len(config.MarketKeys()) || len(eff.ModeChanges) != 1 || !eff.ModeChanges[0].At.Equal(e.clock.now()) {
			t.Errorf("%d values, mode changes %+v", len(eff.Values), eff.ModeChanges)
		}
	})
}

func TestShopSettingsPatchRefusals(t *testing.T) {
	t.Parallel()
	e := newWiredEnv(t, storetest.OpenSQLite(t), config.Config{}, nil)
	shop, key := e.shop("Refusals", "US")
	path := "/v1/shops/" + shop.ID + "/settings"
	for _, tc := range []struct {
		body         string
		status       int
		code, field  string
		messageParts []string
	}{
		{`{"ship_within":"4 8h"}`, 422, "invalid_setting", "ship_within", []string{`"4 8h" is not a duration; write e.g. 48h`}},
		{`{"promise_days":"5"}`, 422, "invalid_setting", "promise_days", []string{"whole number"}},
		{`{"currency":"EUR"}`, 422, "invalid_setting", "currency", []string{"a shop cannot override it"}},
		{`{"ship_from_local_only":false}`, 422, "invalid_setting", "ship_from_local_only", []string{"R-MODE-5"}},
		{`{"shipwithin":"48h"}`, 422, "invalid_setting", "shipwithin", []string{"did you mean ship_within?"}},
		{`{"shipping_mode":"drone"}`, 422, "invalid_setting", "shipping_mode", []string{"seller"}},
		{`{"shipping_mode":null}`, 422, "invalid_setting", "shipping_mode", []string{"cannot be removed"}},
		{`{"ship_within":"48h","ship_within":"24h"}`, 422, "duplicate_key", "ship_within", []string{"twice"}},
		{`["ship_within"]`, 422, "invalid_type", "", []string{"JSON object"}},
		{`{"ship_within":`, 400, "malformed_json", "", nil},
		{``, 400, "malformed_json", "", nil},
		{`{} {}`, 400, "malformed_json", "", nil},
	} {
		r := e.do("PATCH", path, key, tc.body)
		if r.status != tc.status {
			t.Errorf("%s: status %d, want %d: %s", tc.body, r.status, tc.status, r.body)
			continue
		}
		code, field := r.apiErr(t)
		if code != tc.code || field != tc.field {
			t.Errorf("%s: %s at %q, want %s at %q", tc.body, code, field, tc.code, tc.field)
		}
		var msg struct{ Error struct{ Message string } }
		r.decode(t, &msg)
		for _, part := range tc.messageParts {
			if !strings.Contains(msg.Error.Message, part) {
				t.Errorf("%s: message lacks %q: %s", tc.body, part, r.body)
			}
		}
	}
	// Every problem is reported, and nothing was stored.
	r := e.do("PATCH", path, key, `{"ship_within":"soon","promise_days":0,"colour":"red"}`)
	var b struct{ Errors []model.FieldError }
	r.decode(t, &b)
	if r.status != 422 || len(b.Errors) != 3 {
		t.Errorf("three problems: %d %s", r.status, r.body)
	}
	if r := e.do("GET", path, key, nil); strings.TrimSpace(string(r.body)) != `{"shipping_mode":"seller"}` {
		t.Errorf("a refused patch stored something: %s", r.body)
	}
	if r := e.do("GET", "/v1/shops/shop_missing/settings", key, nil); r.status != http.StatusNotFound {
		t.Errorf("a missing shop: %d", r.status)
	}
}

// Per-shop figures reach the domain through the API: a shop that offers COD in the US keeps
// its COD orders (R-MKT-2), another's are held.
func TestShopFiguresApplyToOrders(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st store.Store) {
		e := newWiredEnv(t, st, config.Config{}, nil)
		codShop, codKey := e.shop("COD", "US")
		_, plainKey := e.shop("Plain", "US")
		if r := e.do("PATCH", "/v1/shops/"+codShop.ID+"/settings", codKey, `{"cod":true}`); r.status != 200 {
			t.Fatalf("patch: %d %s", r.status, r.body)
		}
		for key, held := range map[string]bool{codKey: false, plainKey: true} {
			o := orderJSON("cod-1", tPaid, model.StatusAwaitingShipment)
			o["cod"] = map[string]any{"amount": 2598, "currency": "USD"}
			r := e.do("POST", "/v1/orders", key, o)
			var got model.Order
			r.decode(t, &got)
			if got.NeedsAttention != held {
				t.Errorf("needs_attention %v, want %v: %s", got.NeedsAttention, held, r.body)
			}
		}
	})
}
