package tenant_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/store/storetest"
	"lastmile/internal/tenant"
)

// fakeClock is a clock a test moves.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// A key's last use is written on its first request, not again within the minute, then again;
// a listing shows it, cut to the caller's shops, with the shared mark.
func TestKeyLastUseOncePerMinute(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.OpenSQLite(t)
	clock := &fakeClock{t: time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)}
	svc := tenant.NewService(st, config.DefaultMarkets(), clock.now, 5*time.Second)
	a, _ := svc.CreateShop(ctx, "A", "US", "")
	b, _ := svc.CreateShop(ctx, "B", "US", "")
	secret, key, err := svc.CreateKey(ctx, "ERP", []string{a.ID, b.ID})
	if err != nil {
		t.Fatal(err)
	}
	lastUsed := func() *time.Time {
		t.Helper()
		k, err := st.GetAPIKey(ctx, key.ID)
		if err != nil {
			t.Fatal(err)
		}
		return k.LastUsedAt
	}
	if lastUsed() != nil {
		t.Fatal("a key never used has a last use")
	}
	first := clock.now()
	for range 3 {
		if _, err := svc.Authenticate(ctx, secret); err != nil {
			t.Fatal(err)
		}
		clock.add(20 * time.Second)
	}
	if got := lastUsed(); got == nil || !got.Equal(first) {
		t.Fatalf("last use after three requests in a minute: %v, want %v (the first, written once)", got, first)
	}
	if _, err := svc.Authenticate(ctx, secret); err != nil { // 60 s after the first: not yet
		t.Fatal(err)
	}
	clock.add(time.Second)
	if _, err := svc.Authenticate(ctx, secret); err != nil {
		t.Fatal(err)
	}
	if want := first.Add(61 * time.Second); lastUsed() == nil || !lastUsed().Equal(want) {
		t.Fatalf("last use over a minute later: %v, want %v", lastUsed(), want)
	}
	if _, err := svc.Authenticate(ctx, "lm_"+key.ID+"_"+"0123456789012345678901234567890123456789"); err == nil {
		t.Fatal("a wrong secret authenticated")
	}

	keys, err := svc.Keys(ctx, model.Scope{ShopIDs: []string{a.ID}})
	if err != nil || len(keys) != 1 {
		t.Fatalf("keys: %+v %v", keys, err)
	}
	if k := keys[0]; k.ID != key.ID || len(k.ShopIDs) != 1 || k.ShopIDs[0] != a.ID || !k.Shared || k.LastUsedAt == nil || k.Hash != nil {
		t.Fatalf("listed key: %+v", k)
	}
	if keys, err = svc.Keys(ctx, model.Scope{ShopIDs: []string{a.ID, b.ID}}); err != nil || keys[0].Shared || len(keys[0].ShopIDs) != 2 {
		t.Fatalf("keys of both shops: %+v %v", keys, err)
	}
}

// BenchmarkAuthenticate is the hot path of every API request with a cached key: the last-use
// write must not be paid per request.
func BenchmarkAuthenticate(b *testing.B) {
	ctx := context.Background()
	st := storetest.OpenSQLite(b)
	svc := tenant.NewService(st, config.DefaultMarkets(), time.Now, 5*time.Second)
	shop, err := svc.CreateShop(ctx, "A", "US", "")
	if err != nil {
		b.Fatal(err)
	}
	secret, _, err := svc.CreateKey(ctx, "bench", []string{shop.ID})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := svc.Authenticate(ctx, secret); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTouchEveryRequest is what recording the last use on every request would cost on
// SQLite: one UPDATE each (the time moves two minutes a request, so every call writes).
func BenchmarkTouchEveryRequest(b *testing.B) {
	ctx := context.Background()
	st := storetest.OpenSQLite(b)
	svc := tenant.NewService(st, config.DefaultMarkets(), time.Now, 5*time.Second)
	shop, err := svc.CreateShop(ctx, "A", "US", "")
	if err != nil {
		b.Fatal(err)
	}
	_, key, err := svc.CreateKey(ctx, "bench", []string{shop.ID})
	if err != nil {
		b.Fatal(err)
	}
	at := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	for b.Loop() {
		at = at.Add(2 * time.Minute)
		if wrote, err := st.TouchAPIKey(ctx, key.ID, at, time.Minute); err != nil || !wrote {
			b.Fatal(wrote, err)
		}
	}
}
