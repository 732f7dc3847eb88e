package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	tiktoksim "lastmile/internal/marketplace/tiktok/sim"
	"lastmile/internal/model"
	"lastmile/internal/tiktokshop"
)

// TestTikTokConnectionPage: a shop without a connection is told how to connect one (the CLI
// command and the API); once connected to the simulated platform, the page shows the status,
// the token expiry and the last sync, and "sync now" pulls the orders; a viewer sees the
// status without the button and is refused the sync with 403. Both languages render.
func TestTikTokConnectionPage(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, db string) {
		ctx, c, sm := newTikTokConsole(t, db)
		b := c.browser()
		tok := b.login(ownerEmail)
		p := b.get("/settings/tiktok?lang=en")
		if p.status != 200 || !strings.Contains(p.body, "lastmile connect tiktok --shop "+c.shop) || !strings.Contains(p.body, "/v1/connections/tiktok") {
			t.Fatalf("page without a connection: %d\n%.3000s", p.status, p.body)
		}

		code, err := sm.Authorize(tiktoksim.DefaultShops()[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		scope := model.Scope{ShopIDs: []string{c.shop}}
		conn, err := c.app.TikTok.Connect(ctx, scope, tiktokshop.ConnectRequest{AuthCode: code, ShopID: c.shop})
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range []string{"en", "zh-CN"} {
			p = b.get("/settings/tiktok?lang=" + lang)
			if p.status != 200 || p.header.Get("Content-Language") != lang || !strings.Contains(p.body, conn.ExternalShopID) {
				t.Fatalf("connection page in %s: %d\n%.3000s", lang, p.status, p.body)
			}
		}
		b.get("/settings?lang=en")
		p = b.get("/settings/tiktok")
		if !strings.Contains(p.body, "connected") || !strings.Contains(p.body, `action="/settings/tiktok/`+conn.ID+`/sync"`) {
			t.Fatalf("connected page lacks its status or sync button:\n%.3000s", p.body)
		}
		// Wait for the pull the connection started, then ask for another. A request made while
		// a pull of the connection is still running (its job not yet marked done) joins that
		// pull, as a second click would: the operator clicks again until a new pull shows.
		first := waitSynced(t, c, scope, conn.ID, nil)
		for try := 1; ; try++ {
			if p = b.post("/settings/tiktok/"+conn.ID+"/sync", url.Values{"csrf_token": {tok}}); p.status != http.StatusSeeOther {
				t.Fatalf("sync now: %d\n%.2000s", p.status, p.body)
			}
			if _, ok := syncedWithin(c, scope, conn.ID, first, 5*time.Second); ok {
				break
			}
			if try == 6 {
				t.Fatalf("connection %s: no pull after %d clicks on sync now", conn.ID, try)
			}
		}
		if p = b.get("/settings/tiktok"); strings.Contains(p.body, ">"+"never<") {
			t.Fatalf("the last sync is not shown:\n%.3000s", p.body)
		}
		if p = b.post("/settings/tiktok/conn_nope/sync", url.Values{"csrf_token": {tok}}); p.status != http.StatusNotFound {
			t.Fatalf("sync of an unknown connection: %d", p.status)
		}

		vb := c.browser()
		vtok := vb.login(viewerEmail)
		if p = vb.get("/settings/tiktok"); p.status != 200 || strings.Contains(p.body, "/sync\"") || !strings.Contains(p.body, conn.ExternalShopID) {
			t.Fatalf("viewer's connection page: %d\n%.2000s", p.status, p.body)
		}
		if p = vb.post("/settings/tiktok/"+conn.ID+"/sync", url.Values{"csrf_token": {vtok}}); p.status != http.StatusForbidden {
			t.Fatalf("a viewer started a sync: %d", p.status)
		}
	})
}

// waitSynced waits until the connection's last sync is after since (or set, when since is nil)
// and returns it.
// syncedWithin reports whether connection id synced after since, looking for up to wait.
func syncedWithin(c *console, scope model.Scope, id string, since *time.Time, wait time.Duration) (*time.Time, bool) {
	for deadline := time.Now().Add(wait); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		conn, err := c.app.TikTok.Connection(context.Background(), scope, id)
		if err == nil && conn.LastSyncAt != nil && conn.LastSyncAt.After(*since) {
			return conn.LastSyncAt, true
		}
	}
	return nil, false
}

func waitSynced(t *testing.T, c *console, scope model.Scope, id string, since *time.Time) *time.Time {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		conn, err := c.app.TikTok.Connection(context.Background(), scope, id)
		if err != nil {
			t.Fatal(err)
		}
		if conn.LastSyncAt != nil && (since == nil || conn.LastSyncAt.After(*since)) {
			return conn.LastSyncAt
		}
		if time.Now().After(deadline) {
			t.Fatalf("connection %s: no sync after %v: %+v", id, since, conn)
		}
	}
}
