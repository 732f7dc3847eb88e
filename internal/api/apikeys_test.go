package api

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// GET /v1/api-keys: the keys of the caller's shops, newest first, with their last use (written
// by the requests themselves), revocation and the shared mark; another shop's key not listed.
func TestListAPIKeys(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		a, key := e.shop("A", "US")
		b, keyB := e.shop("B", "US")
		e.clock.advance(time.Hour)
		_, shared, err := e.tenants.CreateKey(ctx, "3PL", []string{a.ID, b.ID})
		if err != nil {
			t.Fatal(err)
		}
		e.clock.advance(time.Hour)
		_, old, err := e.tenants.CreateKey(ctx, "old ERP", []string{a.ID})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.tenants.Revoke(ctx, old.ID); err != nil {
			t.Fatal(err)
		}
		used := e.clock.now()
		r := e.do("GET", "/v1/api-keys", key, nil)
		var list struct {
			APIKeys []apiKeyJSON `json:"api_keys"`
		}
		r.decode(t, &list)
		if r.status != http.StatusOK || len(list.APIKeys) != 3 {
			t.Fatalf("list: %d %s", r.status, r.body)
		}
		k0, k1, k2 := list.APIKeys[0], list.APIKeys[1], list.APIKeys[2]
		if k0.ID != old.ID || k0.RevokedAt == nil || k0.LastUsedAt != nil || k0.Prefix != "lm_"+old.ID+"_" || k0.Shared {
			t.Fatalf("revoked key: %+v", k0)
		}
		if k1.ID != shared.ID || !k1.Shared || len(k1.ShopIDs) != 1 || k1.ShopIDs[0] != a.ID || k1.Name != "3PL" {
			t.Fatalf("shared key: %+v", k1)
		}
		if k2.LastUsedAt == nil || !k2.LastUsedAt.Equal(used) || k2.RevokedAt != nil || strings.Contains(string(r.body), "hash") {
			t.Fatalf("the caller's key: %+v (last used want %s)", k2, used)
		}
		r = e.do("GET", "/v1/api-keys", keyB, nil)
		r.decode(t, &list)
		if r.status != http.StatusOK || len(list.APIKeys) != 2 || list.APIKeys[0].ID != shared.ID || !list.APIKeys[0].Shared ||
			list.APIKeys[0].ShopIDs[0] != b.ID {
			t.Fatalf("B's keys: %d %s", r.status, r.body)
		}
	})
}
