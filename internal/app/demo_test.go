package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/returns"
	"lastmile/internal/store"
	"lastmile/internal/tracker"
)

// syncBuffer is a bytes.Buffer safe to write from the demo and read from the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestDemoShowsOrdersAtOnce runs the demo as a newcomer would meet it: the printed key and curl
// line must work and show orders from several markets straight away; stopping it is clean, and a
// second run reuses the demo shops.
func TestDemoShowsOrdersAtOnce(t *testing.T) {
	t.Parallel()
	db := "sqlite:" + filepath.Join(t.TempDir(), "demo.db")
	for run := range 2 {
		ctx, cancel := context.WithCancel(context.Background())
		// The demo's warnings (a return it could not make, a parcel it could not send) are
		// shown when the test fails, so that a failure on a loaded CI machine says why.
		var logs syncBuffer
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("run %d: demo log:\n%s", run, logs.String())
			}
		})
		a, err := New(ctx, config.Config{DB: db, Addr: "127.0.0.1:0"}, true, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn})), time.Now)
		if err != nil {
			t.Fatal(err)
		}
		var out syncBuffer
		done := make(chan error, 1)
		go func() { done <- a.RunDemo(ctx, DemoOptions{Interval: 50 * time.Millisecond, Seed: 1, Out: &out}) }()

		curl := regexp.MustCompile(`curl -s -H 'Authorization: Bearer (lm_\S+)' '(http://[^']+)'`)
		var m []string
		for deadline := time.Now().Add(20 * time.Second); m == nil && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			m = curl.FindStringSubmatch(out.String())
		}
		if m == nil {
			t.Fatalf("run %d: no curl line printed:\n%s", run, out.String())
		}
		var page struct{ Orders []model.Order }
		for deadline := time.Now().Add(20 * time.Second); len(page.Orders) < 5 && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			page.Orders = nil
			req, _ := http.NewRequest("GET", m[2], nil)
			req.Header.Set("Authorization", "Bearer "+m[1])
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			json.NewDecoder(res.Body).Decode(&page)
			res.Body.Close()
		}
		if len(page.Orders) != 5 {
			t.Fatalf("run %d: the printed curl line shows %d orders, want 5 (limit=5)", run, len(page.Orders))
		}
		// The burst is stored shop by shop, one transaction each, so a reader may see part of it
		// for a moment: wait (bounded) for all of it.
		var all []model.Order
		for deadline := time.Now().Add(20 * time.Second); len(all) < 50 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if all, _, err = a.Orders.List(ctx, model.Scope{ShopIDs: demoShops()}, order.ListQuery{}); err != nil {
				t.Fatal(err)
			}
		}
		markets := map[model.Market]bool{}
		for _, o := range all {
			markets[o.Market] = true
		}
		if len(all) < 50 || len(markets) < 5 {
			t.Fatalf("run %d: %d demo orders in %d markets; want the first burst of 50 across the markets", run, len(all), len(markets))
		}
		// Parcels moved, a few went stale (R-TRK-5), and the week has scores.
		var stale []tracker.ExceptionView
		for deadline := time.Now().Add(30 * time.Second); len(stale) == 0 && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if stale, err = a.Tracker.Exceptions(ctx, store.ExceptionQuery{ShopIDs: demoShops(), Type: "stale"}); err != nil {
				t.Fatal(err)
			}
		}
		if len(stale) == 0 {
			t.Fatalf("run %d: no stale parcel in the demo", run)
		}
		rep, err := a.Tracker.Scores(ctx, demoShops(), "7d", "carrier")
		if err != nil || len(rep.Rows) == 0 || rep.Rows[0].LTS == nil || rep.Rows[0].LateDispatchRate == nil {
			t.Fatalf("run %d: demo scores %+v %v", run, rep.Rows, err)
		}
		// A few buyers asked for returns, decided by the rules; one came back and was restocked.
		// The demo prints its returns line once its parcels and returns are all made; the
		// background sweep may show a stale parcel well before that on a loaded machine, so
		// wait for the line (bounded generously: under -race beside other packages, sending
		// 24 parcels has taken over 30 s) and then read the returns.
		for deadline := time.Now().Add(120 * time.Second); !strings.Contains(out.String(), "asked for a return") && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		}
		rets, _, err := a.Returns.List(ctx, model.Scope{ShopIDs: demoShops()}, returns.ListQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rets) == 0 {
			t.Fatalf("run %d: no return in the demo; it printed:\n%s", run, out.String())
		}
		for _, r := range rets {
			if r.Decision == nil || r.Decision.Kind == "" {
				t.Errorf("run %d: demo return %s has no decision: %+v", run, r.ID, r)
			}
		}
		base := m[2][:strings.Index(m[2], "/v1/")]
		res, err := http.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		metrics, _ := io.ReadAll(res.Body)
		res.Body.Close()
		for _, name := range []string{"lastmile_tracking_events_ingested_total", "lastmile_deadlines_due", "lastmile_deadline_breaches_total",
			"lastmile_deadline_at_risk_total"} {
			if !strings.Contains(string(metrics), name) {
				t.Errorf("run %d: /metrics has no %s", run, name)
			}
		}
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("run %d: demo stopped with %v", run, err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("demo did not stop")
		}
		a.Close()
	}
}

func demoShops() []string {
	return []string{"shop_demo_us", "shop_demo_gb", "shop_demo_id", "shop_demo_th",
		"shop_demo_my", "shop_demo_vn", "shop_demo_ph", "shop_demo_sg"}
}
