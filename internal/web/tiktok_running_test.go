package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	tiktoksim "lastmile/internal/marketplace/tiktok/sim"
	"lastmile/internal/model"
	"lastmile/internal/tiktokshop"
)

// TestSyncNowWhilePulling: a pull records when it started and clears it when it ends; "sync
// now" clicked while a pull is marked running says so, with its start time in the shop's zone,
// and the page shows it running; in both languages.
func TestSyncNowWhilePulling(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, db string) {
		ctx, c, sm := newTikTokConsole(t, db)
		b := c.browser()
		tok := b.login(ownerEmail)
		code, err := sm.Authorize(tiktoksim.DefaultShops()[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		scope := model.Scope{ShopIDs: []string{c.shop}}
		conn, err := c.app.TikTok.Connect(ctx, scope, tiktokshop.ConnectRequest{AuthCode: code, ShopID: c.shop})
		if err != nil {
			t.Fatal(err)
		}
		first := waitSynced(t, c, scope, conn.ID, nil)
		if got, _ := c.app.TikTok.Connection(ctx, scope, conn.ID); got.SyncStartedAt != nil {
			t.Fatalf("a finished pull left its start: %+v", got)
		}

		shop, err := c.app.Store.GetShop(ctx, c.shop)
		if err != nil {
			t.Fatal(err)
		}
		loc, _ := time.LoadLocation(shop.TimeZone)
		last := first
		for _, lang := range []string{"en", "zh-CN"} {
			// A pull marked running, as Sync marks it while it reads the pages.
			started := time.Date(2026, 11, 21, 17, 4, 5, 0, time.UTC)
			if _, err := c.app.Store.UpdateConnection(ctx, conn.ID, func(cn *model.Connection) (bool, error) {
				cn.SyncStartedAt = &started
				return true, nil
			}); err != nil {
				t.Fatal(err)
			}
			want := map[string]string{"en": "already running, since ", "zh-CN": "开始于 "}[lang] + started.In(loc).Format("2006-01-02 15:04:05")
			if p := b.get("/settings/tiktok?lang=" + lang); !strings.Contains(p.body, `id="sync-running"`) {
				t.Fatalf("the page does not show the pull running in %s:\n%.3000s", lang, p.body)
			}
			p := b.post("/settings/tiktok/"+conn.ID+"/sync", url.Values{"csrf_token": {tok}})
			if p.status != http.StatusSeeOther {
				t.Fatalf("sync now in %s: %d", lang, p.status)
			}
			if p = b.get(p.header.Get("Location")); !strings.Contains(p.body, want) {
				t.Fatalf("sync now during a pull in %s does not say %q:\n%.3000s", lang, want, p.body)
			}
			// The mark was made by hand: unless the last pull's job is still finishing (then the
			// click joined it, and a click after it ends queues a new one), the click enqueued a
			// pull, which runs and clears the mark when it ends.
			for try := 1; ; try++ {
				if at, ok := syncedWithin(c, scope, conn.ID, last, 5*time.Second); ok {
					last = at
					break
				}
				if try == 5 {
					t.Fatalf("connection %s: no pull after %d clicks on sync now", conn.ID, try)
				}
				b.post("/settings/tiktok/"+conn.ID+"/sync", url.Values{"csrf_token": {tok}})
			}
			for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
				got, err := c.app.TikTok.Connection(ctx, scope, conn.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.SyncStartedAt == nil {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the pull did not clear its start: %+v", got)
				}
			}
		}
	})
}
