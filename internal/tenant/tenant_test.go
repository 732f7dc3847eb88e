package tenant_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"strings"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/store/sqlite"
	"lastmile/internal/store/storetest"
	"lastmile/internal/tenant"
)

func newService(t *testing.T) (*tenant.Service, *sqlite.Store) {
	t.Helper()
	st := storetest.OpenSQLite(t)
	now := func() time.Time { return time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC) }
	return tenant.NewService(st, config.DefaultMarkets(), now, 0), st
}

func TestKeysAreRandomHashedScopedAndRevocable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, st := newService(t)
	a, err := svc.CreateShop(ctx, "A", "uk", "")
	if err != nil {
		t.Fatal(err)
	}
	if a.Market != "GB" || a.TimeZone != "Europe/London" {
		t.Fatalf("shop on UK: market %s zone %s; want GB in the market's zone", a.Market, a.TimeZone)
	}
	b, _ := svc.CreateShop(ctx, "B", "TH", "")
	secret, key, err := svc.CreateKey(ctx, "k", []string{a.ID})
	if err != nil {
		t.Fatal(err)
	}
	secret2, _, _ := svc.CreateKey(ctx, "k", []string{a.ID})
	if secret == secret2 || len(secret) < 50 || !strings.HasPrefix(secret, "lm_") {
		t.Fatalf("keys %q and %q: want distinct random lm_ keys", secret, secret2)
	}
	stored, err := st.GetAPIKey(ctx, key.ID)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(secret))
	if !bytes.Equal(stored.Hash, sum[:]) || bytes.Contains(stored.Hash, []byte(secret)) {
		t.Fatal("the store must keep the key's SHA-256, never the key")
	}
	sc, err := svc.Authenticate(ctx, secret)
	if err != nil || len(sc.ShopIDs) != 1 || sc.ShopIDs[0] != a.ID || sc.KeyID != key.ID {
		t.Fatalf("authenticate: %+v, %v", sc, err)
	}
	op, _, err := svc.CreateKey(ctx, "operator", []string{a.ID, b.ID})
	if err != nil {
		t.Fatal(err)
	}
	if sc, _ := svc.Authenticate(ctx, op); !sc.Has(a.ID) || !sc.Has(b.ID) {
		t.Fatalf("operator scope %+v", sc)
	}
	for name, bad := range map[string]string{
		"empty":        "",
		"no prefix":    strings.TrimPrefix(secret, "lm_"),
		"one char off": secret[:len(secret)-1] + string(rune(secret[len(secret)-1])^1),
		"truncated":    secret[:len(secret)-2],
		"other id":     "lm_" + strings.Repeat("A", 16) + secret[3+16:],
	} {
		if _, err := svc.Authenticate(ctx, bad); !errors.Is(err, model.ErrUnauthorized) {
			t.Errorf("%s: %v, want ErrUnauthorized", name, err)
		}
	}
	if err := svc.Revoke(ctx, key.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, secret); !errors.Is(err, model.ErrUnauthorized) {
		t.Fatalf("revoked key: %v", err)
	}
	if _, err := svc.Authenticate(ctx, secret2); err != nil {
		t.Fatalf("revoking one key revoked another: %v", err)
	}
}

func TestCreateShopValidates(t *testing.T) {
	t.Parallel()
	svc, _ := newService(t)
	_, err := svc.CreateShop(context.Background(), " ", "XX", "Mars/Base")
	var ve *model.ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 3 {
		t.Fatalf("err %v; want three problems (name, market, time zone)", err)
	}
	if _, _, err := svc.CreateKey(context.Background(), "k", nil); !errors.As(err, &ve) {
		t.Fatalf("key without shops: %v", err)
	}
}

// TestKeyCacheHonoursRevocation: a cached key is trusted for the TTL, a revocation through the
// same Service ends it at once, and one made elsewhere (the CLI, another node) ends it when the
// entry expires.
func TestKeyCacheHonoursRevocation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, st := newService(t)
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	svc := tenant.NewService(st, config.DefaultMarkets(), clock, 5*time.Second)
	other := tenant.NewService(st, config.DefaultMarkets(), clock, 0) // "another node"
	shop, _ := svc.CreateShop(ctx, "A", "US", "")
	secret, key, _ := svc.CreateKey(ctx, "k", []string{shop.ID})
	secret2, key2, _ := svc.CreateKey(ctx, "k2", []string{shop.ID})
	for _, s := range []string{secret, secret2} {
		if _, err := svc.Authenticate(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := svc.Revoke(ctx, key.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, secret); !errors.Is(err, model.ErrUnauthorized) {
		t.Fatalf("key revoked on this node still works: %v", err)
	}
	if err := other.Revoke(ctx, key2.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, secret2); err != nil {
		t.Fatalf("within the TTL the cached key is trusted: %v", err)
	}
	now = now.Add(5 * time.Second)
	if _, err := svc.Authenticate(ctx, secret2); !errors.Is(err, model.ErrUnauthorized) {
		t.Fatalf("key revoked elsewhere still works after the TTL: %v", err)
	}
	// A wrong secret for a live, cached key id is still refused.
	secret3, _, _ := svc.CreateKey(ctx, "k3", []string{shop.ID})
	if _, err := svc.Authenticate(ctx, secret3); err != nil {
		t.Fatal(err)
	}
	wrong := secret3[:len(secret3)-1] + "A"
	if secret3[len(secret3)-1] == 'A' {
		wrong = secret3[:len(secret3)-1] + "B"
	}
	if _, err := svc.Authenticate(ctx, wrong); !errors.Is(err, model.ErrUnauthorized) {
		t.Fatalf("wrong secret for a cached key: %v", err)
	}
}
