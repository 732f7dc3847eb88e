package storetest

// The conformance tests of store.Connections: a connection is unique by (platform, external
// shop id), connecting again keeps its id, sealed tokens round-trip as bytes, scope filters,
// updates keep identity fields.

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// RunConnections exercises store.Connections on the stores newStore returns.
func RunConnections(t *testing.T, newStore func(t *testing.T) store.Store) {
	t.Run("RoundTripAndReconnect", func(t *testing.T) {
		t.Parallel()
		testConnectionRoundTrip(t, newStore(t))
	})
	t.Run("UpdateAndScope", func(t *testing.T) {
		t.Parallel()
		testConnectionUpdate(t, newStore(t))
	})
}

func connShops(t *testing.T, s store.Store) (a, b model.Shop) {
	ctx := context.Background()
	a = model.Shop{ID: "shop_ca", Name: "A", Market: "US", TimeZone: "America/Los_Angeles", CreatedAt: t0}
	b = model.Shop{ID: "shop_cb", Name: "B", Market: "GB", TimeZone: "Europe/London", CreatedAt: t0}
	for _, sh := range []model.Shop{a, b} {
		if err := s.CreateShop(ctx, sh); err != nil {
			t.Fatal(err)
		}
	}
	return a, b
}

func newConn(id, shopID, ext string) model.Connection {
	return model.Connection{ID: id, ShopID: shopID, Platform: model.PlatformTikTok, AppKey: "k", ExternalShopID: ext,
		ShopCipher: "ROW_" + ext, Region: "US", SealedTokens: []byte{0, 1, 2, 0xff}, Status: model.ConnectionConnected,
		AccessExpiresAt: t0.Add(7 * 24 * time.Hour), RefreshExpiresAt: t0.Add(365 * 24 * time.Hour), CreatedAt: t0, UpdatedAt: t0}
}

func testConnectionRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	a, _ := connShops(t, s)
	c, err := s.PutConnection(ctx, newConn("con_1", a.ID, "7001"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.GetConnection(ctx, nil, "con_1")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.SealedTokens, []byte{0, 1, 2, 0xff}) || got.ShopCipher != "ROW_7001" || !got.AccessExpiresAt.Equal(c.AccessExpiresAt) {
		t.Fatalf("read back %+v, want %+v", got, c)
	}
	// Connecting the same platform shop again keeps the id and creation time.
	again := newConn("con_2", a.ID, "7001")
	again.ShopCipher, again.CreatedAt, again.UpdatedAt = "ROW_new", t0.Add(time.Hour), t0.Add(time.Hour)
	got, err = s.PutConnection(ctx, again)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != "con_1" || !got.CreatedAt.Equal(t0) || got.ShopCipher != "ROW_new" {
		t.Fatalf("reconnect: %+v, want id con_1, created %v, cipher ROW_new", got, t0)
	}
	byExt, err := s.GetConnectionByExternal(ctx, model.PlatformTikTok, "7001")
	if err != nil || byExt.ID != "con_1" {
		t.Fatalf("by external: %+v, %v", byExt, err)
	}
	if _, err := s.GetConnectionByExternal(ctx, model.PlatformTikTok, "nope"); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("unknown external: %v, want ErrNotFound", err)
	}
	if _, err := s.PutConnection(ctx, newConn("con_3", "shop_missing", "7002")); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("unknown shop: %v, want ErrNotFound", err)
	}
	if _, err := s.PutConnection(ctx, model.Connection{ID: "x"}); !errors.Is(err, model.ErrInvalid) {
		t.Fatalf("empty connection: %v, want ErrInvalid", err)
	}
}

func testConnectionUpdate(t *testing.T, s store.Store) {
	ctx := context.Background()
	a, b := connShops(t, s)
	for _, c := range []model.Connection{newConn("con_a1", a.ID, "8001"), newConn("con_a2", a.ID, "8002"), newConn("con_b1", b.ID, "8003")} {
		if _, err := s.PutConnection(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	cursor := t0.Add(3 * time.Hour)
	got, err := s.UpdateConnection(ctx, "con_a1", func(c *model.Connection) (bool, error) {
		c.SyncCursor, c.ShopID, c.Status = cursor, b.ID, model.ConnectionNeedsReauth
		c.SealedTokens = []byte("new")
		return true, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.ShopID != a.ID || !got.SyncCursor.Equal(cursor) || got.Status != model.ConnectionNeedsReauth || string(got.SealedTokens) != "new" {
		t.Fatalf("updated: %+v", got)
	}
	// No change, no write: an error from fn leaves it as it was.
	if _, err := s.UpdateConnection(ctx, "con_a1", func(c *model.Connection) (bool, error) {
		c.Status = "x"
		return true, errors.New("refused")
	}); err == nil {
		t.Fatal("fn's error was not returned")
	}
	if c, _ := s.GetConnection(ctx, nil, "con_a1"); c.Status != model.ConnectionNeedsReauth {
		t.Fatalf("status after a refused update %q", c.Status)
	}
	if _, err := s.UpdateConnection(ctx, "missing", func(*model.Connection) (bool, error) { return true, nil }); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
	all, err := s.ListConnections(ctx, nil)
	if err != nil || len(all) != 3 {
		t.Fatalf("all: %d, %v", len(all), err)
	}
	ofA, err := s.ListConnections(ctx, []string{a.ID})
	if err != nil || len(ofA) != 2 || ofA[0].ID != "con_a1" || ofA[1].ID != "con_a2" {
		t.Fatalf("of A: %+v, %v", ofA, err)
	}
	if none, err := s.ListConnections(ctx, []string{}); err != nil || len(none) != 0 {
		t.Fatalf("of no shop: %+v, %v", none, err)
	}
	if _, err := s.GetConnection(ctx, []string{b.ID}, "con_a1"); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("shop B reading A's connection: %v, want ErrNotFound", err)
	}
}
