package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/demo"
	tiktoksim "lastmile/internal/marketplace/tiktok/sim"
	"lastmile/internal/model"
	"lastmile/internal/shipping"
	"lastmile/internal/store/postgres"
	"lastmile/internal/store/storetest"
)

// eachDB runs fn as a subtest per store: a SQLite file always, a PostgreSQL schema of its own
// when LASTMILE_TEST_POSTGRES is set (always in CI).
func eachDB(t *testing.T, fn func(t *testing.T, db string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, "sqlite:"+storetest.SQLitePath(t)) })
	t.Run("postgres", func(t *testing.T) {
		url, drop, err := postgres.NewSchema(context.Background(), storetest.PostgresURL(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(drop)
		fn(t, url)
	})
}

// ttEnv is a whole App on db with a shop connected to the simulated platform's GB shop and a
// stocked warehouse in Basildon.
type ttEnv struct {
	t    *testing.T
	ctx  context.Context
	sm   *tiktoksim.Sim
	a    *App
	shop model.Shop
	conn model.Connection
	gbID string
	do   func(method, path string, body any, want int) []byte
}

func newTTEnv(t *testing.T, db string, opt Options) *ttEnv {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	sm, err := tiktoksim.Start(ctx, tiktoksim.Options{Tick: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sm.Close() })
	cfg := config.Config{DB: db, Addr: "127.0.0.1:0", CarrierNetwork: "sim",
		TikTok: config.TikTok{AppKey: sm.AppKey(), AppSecret: sm.AppSecret(), APIBase: sm.URL(), TokenKey: "app test token key 0123"}}
	a, err := NewWith(ctx, cfg, true, slog.New(slog.DiscardHandler), time.Now, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	a.TikTok.UseCatalogue(func(_ string, l *model.Line) { demo.FillLine(l) })
	hs := httptest.NewServer(a.API)
	t.Cleanup(hs.Close)
	shop, _ := a.Tenants.CreateShop(ctx, "Sunrise UK", "GB", "")
	key, _, _ := a.Tenants.CreateKey(ctx, "test", []string{shop.ID})
	e := &ttEnv{t: t, ctx: ctx, sm: sm, a: a, shop: shop, gbID: tiktoksim.DefaultShops()[1].ID}
	e.do = func(method, path string, body any, want int) []byte {
		t.Helper()
		var b []byte
		if body != nil {
			b, _ = json.Marshal(body)
		}
		req, _ := http.NewRequest(method, hs.URL+path, bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+key)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out bytes.Buffer
		out.ReadFrom(res.Body)
		if res.StatusCode != want {
			t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, out.Bytes())
		}
		return out.Bytes()
	}
	code, _ := sm.Authorize(e.gbID)
	json.Unmarshal(e.do("POST", "/v1/connections/tiktok", map[string]any{"auth_code": code}, http.StatusCreated), &e.conn)
	addr := map[string]any{"name": "Sunrise UK", "line1": "Unit 4 Trident Park", "city": "Basildon", "postal_code": "SS13 1SY",
		"country": "GB", "phone": "+441268555010"}
	e.do("POST", "/v1/warehouses", map[string]any{"code": "UK1", "name": "Basildon", "type": "overseas", "address": addr,
		"ship_from": addr, "return_address": addr, "time_zone": "Europe/London", "cut_off": "14:00",
		"working_days": []string{"mon", "tue", "wed", "thu", "fri"},
		"transit":      []any{map[string]any{"country": "GB", "min_days": 1, "max_days": 3, "service": "standard"}}}, http.StatusCreated)
	return e
}

// pull creates n orders on the platform, pulls them and returns lastmile's shippable ones
// among them (not needing attention, no yoga mat: too big for the default boxes).
func (e *ttEnv) pull(n int) []model.Order {
	e.t.Helper()
	ext, err := e.sm.CreateOrders(e.gbID, n)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.a.TikTok.Sync(e.ctx, e.conn.ID); err != nil {
		e.t.Fatal(err)
	}
	var page struct{ Orders []model.Order }
	json.Unmarshal(e.do("GET", "/v1/orders?limit=500", nil, http.StatusOK), &page)
	var out []model.Order
	for _, o := range page.Orders {
		if slices.Contains(ext, o.ExternalID) && !o.NeedsAttention && !slices.ContainsFunc(o.Lines, func(l model.Line) bool { return l.SKU == "YOGA-MAT-6MM" }) {
			out = append(out, o)
		}
	}
	if len(out) == 0 {
		e.t.Fatalf("no shippable order among %d pulled", n)
	}
	return out
}

// ship stocks, confirms and ships o, returning its one shipment.
func (e *ttEnv) ship(o model.Order) model.Shipment {
	e.t.Helper()
	var whs struct{ Warehouses []model.Warehouse }
	json.Unmarshal(e.do("GET", "/v1/warehouses", nil, http.StatusOK), &whs)
	if len(whs.Warehouses) != 1 {
		e.t.Fatalf("warehouses %+v", whs)
	}
	for _, l := range o.Lines {
		e.do("PUT", "/v1/warehouses/"+whs.Warehouses[0].ID+"/stock/"+l.SKU, map[string]any{"on_hand": 500, "reason": "count"}, http.StatusOK)
	}
	e.do("POST", "/v1/orders/"+o.ID+"/confirm", nil, http.StatusOK)
	var shipped struct{ Shipments []model.Shipment }
	json.Unmarshal(e.do("POST", "/v1/orders/"+o.ID+"/ship", map[string]any{"policy": "cheapest"}, http.StatusOK), &shipped)
	if len(shipped.Shipments) != 1 || shipped.Shipments[0].TrackingNumber == "" || shipped.Shipments[0].Status != model.ShipmentLabelPurchased {
		e.t.Fatalf("order %s: shipments %+v", o.ID, shipped.Shipments)
	}
	return shipped.Shipments[0]
}

func (e *ttEnv) setMode(m model.ShippingMode) {
	e.t.Helper()
	e.do("PATCH", "/v1/shops/"+e.shop.ID+"/settings", map[string]any{"shipping_mode": m}, http.StatusOK)
	// The platform's create_time is in whole seconds: the next orders are strictly after the
	// change, the ones before strictly before it.
	time.Sleep(1100 * time.Millisecond)
}

func wantSeller(t *testing.T, what string, sh model.Shipment) {
	t.Helper()
	if sh.Mode != model.ModeSeller || sh.Carrier == tiktokshopCarrier || sh.Carrier == "" {
		t.Fatalf("%s: shipment %+v, want a seller-shipped carrier label", what, sh)
	}
}

func wantPlatform(t *testing.T, what string, sh model.Shipment) {
	t.Helper()
	if sh.Mode != model.ModePlatform || sh.Carrier != tiktokshopCarrier {
		t.Fatalf("%s: shipment %+v, want the platform's label", what, sh)
	}
}

// TestTikTokModeSwitchAppliesToNewOrdersOnly: R-MODE-3 end to end with the real TikTok label
// source. Orders created before a switch to platform logistics still ship seller-side with a
// carrier label; orders created after it get the platform's label, even when shipped after the
// shop switched back; orders created after the switch back ship seller-side again.
func TestTikTokModeSwitchAppliesToNewOrdersOnly(t *testing.T) {
	eachDB(t, func(t *testing.T, db string) {
		e := newTTEnv(t, db, Options{})
		time.Sleep(1100 * time.Millisecond)
		before := e.pull(4) // seller mode (the default)
		e.setMode(model.ModePlatform)
		during := e.pull(4)
		wantSeller(t, "an order created before the switch to platform", e.ship(before[0]))
		wantPlatform(t, "an order created after the switch to platform", e.ship(during[0]))
		e.setMode(model.ModeSeller)
		after := e.pull(4)
		wantSeller(t, "an order created after the switch back to seller", e.ship(after[0]))
		if len(during) > 1 {
			wantPlatform(t, "an order created under platform mode, shipped after the switch back", e.ship(during[1]))
		}
		if len(before) > 1 {
			wantSeller(t, "an order created before both switches", e.ship(before[1]))
		}
	})
}

// TestTikTokOversizePackageFallsBackToSeller: R-MODE-4 end to end. In a platform-mode shop a
// package over the platform's limits ships seller-side with a carrier label, the platform ships
// nothing, and the order's history records why.
func TestTikTokOversizePackageFallsBackToSeller(t *testing.T) {
	eachDB(t, func(t *testing.T, db string) {
		// Limits every parcel is over: 1 g.
		e := newTTEnv(t, db, Options{Shipping: shipping.Config{PlatformLimits: map[model.Market]shipping.Limits{
			"GB": {MaxWeightG: 1, MaxSideMM: 1_200, MaxGirthMM: 3_000}}}})
		e.setMode(model.ModePlatform)
		o := e.pull(3)[0]
		ships := e.sm.Stats().Ships
		sh := e.ship(o)
		wantSeller(t, "a package over the platform's limits", sh)
		if got := e.sm.Stats().Ships; got != ships {
			t.Fatalf("the platform shipped %d packages, want none", got-ships)
		}
		var got model.Order
		json.Unmarshal(e.do("GET", "/v1/orders/"+o.ID, nil, http.StatusOK), &got)
		i := slices.IndexFunc(got.History, func(ev model.Event) bool { return ev.Kind == model.EventShippingMode })
		if i < 0 {
			t.Fatalf("history %+v: no shipping_mode event", got.History)
		}
		if r := got.History[i].Reason; !strings.Contains(r, "R-MODE-4") || !strings.Contains(r, "over the platform-logistics limits") || !strings.Contains(r, fmt.Sprint(1)) {
			t.Fatalf("reason %q: want the R-MODE-4 limits named", r)
		}
		var pkgs struct{ Shipments []model.Shipment }
		json.Unmarshal(e.do("GET", "/v1/shipments?order_id="+o.ID, nil, http.StatusOK), &pkgs)
		if len(pkgs.Shipments) != 1 || pkgs.Shipments[0].Mode != model.ModeSeller {
			t.Fatalf("shipments %+v", pkgs.Shipments)
		}
	})
}
