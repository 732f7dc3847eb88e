package settings_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/settings"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

var t0 = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func fixture(t *testing.T, s store.Store, fileYAML string) (*settings.Service, *clock, model.Scope, config.Config) {
	t.Helper()
	cfg, err := config.Parse("lastmile.yaml", []byte(fileYAML))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, sh := range []model.Shop{{ID: "shop_gb", Name: "GB", Market: "GB", TimeZone: "Europe/London", CreatedAt: t0},
		{ID: "shop_other", Name: "Other", Market: "US", TimeZone: "America/Los_Angeles", CreatedAt: t0}} {
		if err := s.CreateShop(ctx, sh); err != nil {
			t.Fatal(err)
		}
	}
	c := &clock{t: t0}
	return settings.NewService(s, cfg, c.now), c, model.Scope{KeyID: "k", ShopIDs: []string{"shop_gb"}}, cfg
}

func TestPatchAndEffective(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		svc, clk, scope, cfg := fixture(t, s, "markets:\n  GB: {promise_days: 4}\nshops:\n  shop_gb: {confirm_within: 12h, ship_within: 36h}\n")

		st, err := svc.Patch(ctx, scope, "shop_gb", settings.Patch{Set: config.Overrides{"ship_within": "30h", "cod": "true"}})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(st.Overrides, map[string]string{"ship_within": "30h", "cod": "true"}) || !st.UpdatedAt.Equal(t0) {
			t.Errorf("stored %+v", st)
		}
		eff, err := svc.Effective(ctx, scope, "shop_gb")
		if err != nil {
			t.Fatal(err)
		}
		m := eff.Figures.Market
		if eff.Market != "GB" || m.PromiseDays != 4 || m.ConfirmWithin != 12*time.Hour || m.ShipWithin != 30*time.Hour || !m.CODAllowed {
			t.Errorf("effective %+v", m)
		}
		for k, want := range map[string]config.Source{"promise_days": config.SourceConfig, "confirm_within": config.SourceShopConfig,
			"ship_within": config.SourceShopAPI, "print_within": config.SourceDefault} {
			if eff.Figures.Sources[k] != want {
				t.Errorf("source of %s = %s, want %s", k, eff.Figures.Sources[k], want)
			}
		}
		// The domain's view is the same, for every market the shop sells in.
		markets, err := svc.ShopMarkets(ctx, "shop_gb")
		if err != nil || !reflect.DeepEqual(markets["GB"], m) || markets["DE"].ConfirmWithin != 12*time.Hour {
			t.Errorf("ShopMarkets GB %+v DE %+v (%v)", markets["GB"], markets["DE"], err)
		}
		if other, _ := svc.ShopMarkets(ctx, "shop_other"); !reflect.DeepEqual(other, cfg.Markets) {
			t.Errorf("a shop without overrides does not get the market's figures")
		}

		// Merge-patch: a withdrawn key falls back; the file's override shows again.
		clk.add(time.Hour)
		if _, err := svc.Patch(ctx, scope, "shop_gb", settings.Patch{Remove: []string{"ship_within"}}); err != nil {
			t.Fatal(err)
		}
		markets, _ = svc.ShopMarkets(ctx, "shop_gb")
		if markets["GB"].ShipWithin != 36*time.Hour || !markets["GB"].CODAllowed {
			t.Errorf("after removing ship_within: %+v", markets["GB"])
		}
	})
}

// R-MODE-3: a switch of the shipping mode is recorded with its time and applies only to orders
// created after it; switching to the current mode records nothing.
func TestShippingModeHistory(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		svc, clk, scope, _ := fixture(t, s, "")
		if mode, err := svc.ModeAt(ctx, "shop_gb", t0); err != nil || mode != model.ModeSeller {
			t.Fatalf("default mode %s, %v", mode, err)
		}
		switchAt := t0.Add(2 * time.Hour)
		clk.add(2 * time.Hour)
		st, err := svc.Patch(ctx, scope, "shop_gb", settings.Patch{Mode: model.ModePlatform})
		if err != nil {
			t.Fatal(err)
		}
		clk.add(time.Hour)
		again, err := svc.Patch(ctx, scope, "shop_gb", settings.Patch{Mode: model.ModePlatform})
		if err != nil {
			t.Fatal(err)
		}
		want := []model.ModeChange{{Mode: model.ModePlatform, At: switchAt}}
		if !reflect.DeepEqual(st.ModeChanges, want) || !reflect.DeepEqual(again.ModeChanges, want) || !again.UpdatedAt.Equal(switchAt) {
			t.Errorf("history %+v then %+v, want %+v", st.ModeChanges, again.ModeChanges, want)
		}
		for at, mode := range map[time.Time]model.ShippingMode{switchAt.Add(-time.Microsecond): model.ModeSeller, switchAt: model.ModePlatform} {
			if got, _ := svc.ModeAt(ctx, "shop_gb", at); got != mode {
				t.Errorf("ModeAt(%s) = %s, want %s", at, got, mode)
			}
		}
	})
}

func TestPatchRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, _, scope, _ := fixture(t, storetest.OpenSQLite(t), "")
	_, err := svc.Patch(ctx, scope, "shop_gb", settings.Patch{Set: config.Overrides{"currency": "EUR", "ship_within": "soon"},
		Remove: []string{"colour"}, Mode: "drone"})
	var ve *model.ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 4 {
		t.Fatalf("error %v, want 4 problems", err)
	}
	for _, want := range []string{"currency: a shop cannot override it", `ship_within: "soon" is not a duration`, "colour: not a setting",
		`shipping_mode: "drone" is not a shipping mode`} {
		found := false
		for _, p := range ve.Problems {
			found = found || strings.Contains(p.Field+": "+p.Message, want)
		}
		if !found {
			t.Errorf("no problem %q in %+v", want, ve.Problems)
		}
	}
	if st, _ := svc.Get(ctx, scope, "shop_gb"); st.Overrides != nil || st.ModeChanges != nil {
		t.Errorf("a refused patch changed the settings: %+v", st)
	}
	// Another shop's settings are not found through this scope.
	for _, err := range []error{
		func() error { _, err := svc.Get(ctx, scope, "shop_other"); return err }(),
		func() error {
			_, err := svc.Patch(ctx, scope, "shop_other", settings.Patch{Mode: model.ModePlatform})
			return err
		}(),
		func() error { _, err := svc.Effective(ctx, scope, "shop_other"); return err }(),
	} {
		if !errors.Is(err, model.ErrNotFound) {
			t.Errorf("out of scope: %v, want ErrNotFound", err)
		}
	}
}

// A change made through another node's Service applies here once the cached settings expire
// (settings_cache_ttl); one made through this Service applies at once.
func TestCacheAcrossNodes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.OpenSQLite(t)
	a, clk, scope, cfg := fixture(t, s, "settings_cache_ttl: 5s\n")
	b := settings.NewService(s, cfg, clk.now)
	if m, _ := b.ShopMarkets(ctx, "shop_gb"); m["GB"].PromiseDays != 5 {
		t.Fatalf("GB promise %d", m["GB"].PromiseDays)
	}
	if _, err := a.Patch(ctx, scope, "shop_gb", settings.Patch{Set: config.Overrides{"promise_days": "3"}}); err != nil {
		t.Fatal(err)
	}
	if m, _ := a.ShopMarkets(ctx, "shop_gb"); m["GB"].PromiseDays != 3 {
		t.Errorf("the node that changed it still sees %d", m["GB"].PromiseDays)
	}
	if m, _ := b.ShopMarkets(ctx, "shop_gb"); m["GB"].PromiseDays != 5 {
		t.Errorf("the other node re-read within the TTL: %d", m["GB"].PromiseDays)
	}
	clk.add(5 * time.Second)
	if m, _ := b.ShopMarkets(ctx, "shop_gb"); m["GB"].PromiseDays != 3 {
		t.Errorf("the other node still sees %d after the TTL", m["GB"].PromiseDays)
	}
}

func TestUnknownFileShops(t *testing.T) {
	t.Parallel()
	svc, _, _, _ := fixture(t, storetest.OpenSQLite(t), "shops:\n  shop_gb: {promise_days: 4}\n  shop_typo: {promise_days: 4}\n")
	got, err := svc.UnknownFileShops(context.Background())
	if err != nil || !reflect.DeepEqual(got, []string{"shop_typo"}) {
		t.Errorf("UnknownFileShops = %v, %v", got, err)
	}
}

// MarketsOf reads several shops' figures at once, cached or not.
func TestMarketsOf(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		svc, _, scope, cfg := fixture(t, s, "shops:\n  shop_other: {promise_days: 6}\n")
		if _, err := svc.Patch(ctx, scope, "shop_gb", settings.Patch{Set: config.Overrides{"promise_days": "2"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.ShopMarkets(ctx, "shop_gb"); err != nil { // cached
			t.Fatal(err)
		}
		got, err := svc.MarketsOf(ctx, []string{"shop_gb", "shop_other", "shop_unknown", "shop_gb"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 || got["shop_gb"]["GB"].PromiseDays != 2 || got["shop_other"]["US"].PromiseDays != 6 ||
			!reflect.DeepEqual(got["shop_unknown"], cfg.Markets) {
			t.Errorf("MarketsOf: %d shops, gb %d, other %d", len(got), got["shop_gb"]["GB"].PromiseDays, got["shop_other"]["US"].PromiseDays)
		}
	})
}
