package tiktokshop

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/marketplace/tiktok/sim"
	"lastmile/internal/model"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

func TestSyncPullsEveryOrderAndMovesTheCursor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, sim.Options{})
		ctx := context.Background()
		c := e.connect("shop_us", "")
		ids, err := e.sim.CreateOrders(simUS, 250)
		if err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(time.Minute)
		r, err := e.svc.Sync(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Orders != 250 || r.Stored != 250 || r.Pages != 3 || r.Refused != 0 {
			t.Fatalf("first pull %+v: want 250 orders in 3 pages, all stored", r)
		}
		got := e.orderIDs("shop_us")
		for _, id := range ids {
			if got[id] != 1 {
				t.Fatalf("order %s stored %d times, want once", id, got[id])
			}
		}
		conn, _ := st.GetConnection(ctx, nil, c.ID)
		if !conn.SyncCursor.Equal(r.To) || conn.OrdersSynced != 250 || conn.LastSyncError != "" {
			t.Fatalf("after the pull: cursor %v (want %v), synced %d", conn.SyncCursor, r.To, conn.OrdersSynced)
		}
		// The next pull starts SyncOverlap before the cursor: it reads the same orders again and
		// changes nothing (the upsert keeps replays harmless).
		e.clock.Advance(time.Minute)
		r2, err := e.svc.Sync(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !r2.From.Equal(r.To.Add(-DefaultSyncOverlap)) || r2.Stored != 0 || r2.Orders != 250 {
			t.Fatalf("second pull %+v: want the overlap re-read, nothing stored", r2)
		}
		if n := len(e.orderIDs("shop_us")); n != 250 {
			t.Fatalf("%d orders after the second pull, want 250", n)
		}
	})
}

// expireAfterFirstPage makes every access token of the sim's seller expire once the first page
// of an order search has been answered: the token expires in the middle of a pull.
type expireAfterFirstPage struct {
	sim      *sim.Sim
	searches atomic.Int32
}

func (x *expireAfterFirstPage) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil && strings.HasSuffix(r.URL.Path, "/orders/search") && x.searches.Add(1) == 1 {
		_ = x.sim.ExpireTokens(simUS)
	}
	return resp, err
}

func TestSyncRefreshesATokenThatExpiresMidSyncWithoutLosingAPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, sim.Options{})
		ctx := context.Background()
		c := e.connect("shop_us", "")
		x := &expireAfterFirstPage{sim: e.sim}
		client, err := tiktok.New(tiktok.Config{AppKey: e.sim.AppKey(), AppSecret: e.sim.AppSecret(), APIBase: e.sim.URL(), Now: e.clock.Now,
			HTTPClient: &http.Client{Transport: x}})
		if err != nil {
			t.Fatal(err)
		}
		e.svc.d.Client = client
		ids, _ := e.sim.CreateOrders(simUS, 300)
		e.clock.Advance(time.Minute)
		r, err := e.svc.Sync(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Stored != 300 || r.Pages != 3 {
			t.Fatalf("pull %+v: want 300 orders in 3 pages", r)
		}
		got := e.orderIDs("shop_us")
		for _, id := range ids {
			if got[id] != 1 {
				t.Fatalf("order %s stored %d times after the mid-sync refresh", id, got[id])
			}
		}
		if x.searches.Load() != 4 {
			t.Errorf("%d searches, want 4 (page 2 asked again with the new token)", x.searches.Load())
		}
		// The refreshed token was sealed and stored before it was used.
		conn, _ := st.GetConnection(ctx, nil, c.ID)
		if string(conn.SealedTokens) == string(c.SealedTokens) {
			t.Error("the refreshed token was not stored")
		}
		if tok, err := e.svc.d.Sealer.Open(conn.ExternalShopID, conn.SealedTokens); err != nil || tok.AccessToken == "" {
			t.Errorf("stored token: %v", err)
		}
	})
}

func TestWebhooksDroppedAndDuplicatedStillEveryOrderOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, sim.Options{WebhookDrop: 0.2, WebhookDuplicate: 0.1, Seed: 7})
		ctx := context.Background()
		c := e.connect("shop_us", "")
		e.runJobs()
		// The connection's first pull runs before the orders exist: they come by webhook first.
		e.waitFor("the first pull", func() bool {
			got, err := st.GetConnection(ctx, nil, c.ID)
			return err == nil && got.LastSyncAt != nil
		})
		ids, err := e.sim.CreateOrders(simUS, 200)
		if err != nil {
			t.Fatal(err)
		}
		e.sim.Flush()
		stats := e.sim.Stats()
		if stats.WebhooksDropped == 0 || stats.WebhooksDuplicated == 0 {
			t.Fatalf("sim stats %+v: want some webhooks dropped and some duplicated", stats)
		}
		delivered := int(stats.WebhooksQueued - stats.WebhooksDropped)
		e.waitFor("the webhooks' orders", func() bool { return len(e.orderIDs("shop_us")) >= delivered-int(stats.WebhooksDuplicated) })
		byHook := len(e.orderIDs("shop_us"))
		if byHook == 200 {
			t.Fatalf("every order arrived by webhook although %d were dropped", stats.WebhooksDropped)
		}
		// The pull finds the orders whose webhooks were dropped.
		e.clock.Advance(time.Minute)
		if _, err := e.svc.Sync(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		got := e.orderIDs("shop_us")
		if len(got) != 200 {
			t.Fatalf("%d orders stored, want 200", len(got))
		}
		for _, id := range ids {
			if got[id] != 1 {
				t.Fatalf("order %s stored %d times, want once", id, got[id])
			}
		}
		e.mu.Lock()
		refused := e.received[http.StatusUnauthorized]
		e.mu.Unlock()
		if refused != 0 {
			t.Errorf("%d of the sim's webhooks refused", refused)
		}
		o, err := st.GetOrder(ctx, []string{"shop_us"}, firstID(t, st))
		if err != nil || o.Status != model.StatusAwaitingShipment || len(o.Deadlines) == 0 {
			t.Errorf("a stored order %+v: want AWAITING_SHIPMENT with the platform's deadlines", o)
		}
	})
}

func firstID(t *testing.T, st store.Store) string {
	page, err := st.ListOrders(context.Background(), store.OrderQuery{ShopIDs: []string{"shop_us"}, Limit: 1})
	if err != nil || len(page) == 0 {
		t.Fatalf("no order: %v", err)
	}
	return page[0].ID
}

// cutAfterSearches takes the database away once n order searches have been answered: the
// store fails in the middle of a pull whose pages are read while earlier ones are stored.
type cutAfterSearches struct {
	n        int32
	cut      func()
	searches atomic.Int32
}

func (x *cutAfterSearches) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil && strings.HasSuffix(r.URL.Path, "/orders/search") && x.searches.Add(1) == x.n {
		x.cut()
	}
	return resp, err
}

// TestSyncStoresEveryChunkOnceAndStopsOnAnOutage: a pull of several store chunks (syncBatch
// each) stores every order once while it reads on; when the database goes away in the middle,
// the pull ends with the outage: it neither hangs on the storer nor reads on to the end.
func TestSyncStoresEveryChunkOnceAndStopsOnAnOutage(t *testing.T) {
	storetest.EachOutage(t, func(t *testing.T, st store.Store, cut func()) {
		e := newEnv(t, st, sim.Options{WebhookURL: noWebhooks})
		ctx := context.Background()
		c := e.connect("shop_us", "")
		ids, err := e.sim.CreateOrders(simUS, 2*syncBatch+500)
		if err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(time.Minute)
		r, err := e.svc.Sync(ctx, c.ID)
		if err != nil || r.Stored != len(ids) {
			t.Fatalf("pull %+v, %v: want all %d stored", r, err, len(ids))
		}
		got := e.orderIDs("shop_us")
		for _, id := range ids {
			if got[id] != 1 {
				t.Fatalf("order %s stored %d times, want once", id, got[id])
			}
		}
		// A second batch of orders; the database goes away after the 12th page of the next
		// pull is read (its first chunk is stored by then or being stored).
		if _, err := e.sim.CreateOrders(simUS, 3*syncBatch); err != nil {
			t.Fatal(err)
		}
		x := &cutAfterSearches{n: 12, cut: cut}
		client, err := tiktok.New(tiktok.Config{AppKey: e.sim.AppKey(), AppSecret: e.sim.AppSecret(), APIBase: e.sim.URL(), Now: e.clock.Now,
			HTTPClient: &http.Client{Transport: x}})
		if err != nil {
			t.Fatal(err)
		}
		e.svc.d.Client = client
		e.clock.Advance(time.Minute)
		r, err = e.svc.Sync(ctx, c.ID)
		if err == nil {
			t.Fatalf("pull through an outage: %+v, no error", r)
		}
		if pages := (2*syncBatch + 500 + 3*syncBatch) / tiktok.MaxOrderPageSize; r.Pages >= pages {
			t.Errorf("the pull read all %d pages (%d) after the store failed; want it stopped", pages, r.Pages)
		}
	})
}
