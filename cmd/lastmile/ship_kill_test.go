package main

import (
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"lastmile/internal/carrier/sim"
	"lastmile/internal/model"
)

// TestShipBatchSurvivesKill9 ships a batch of 300 orders through a real `lastmile serve` on
// SQLite against a carrier network that outlives it (latency and 2% faults, dropped connections
// after a purchase included), kills the server with SIGKILL at random points six times while
// the batch runs, restarting it each time. In the end every order has exactly one label: the
// batch says 300 shipped, the store lists one live labelled shipment per order, and the
// carriers sold 300 labels with no repeat purchase (GET /sim/stats).
func TestShipBatchSurvivesKill9(t *testing.T) {
	t.Parallel()
	const orders, kills = 300, 6
	ctx := context.Background()
	opts := sim.DefaultOptions()
	opts.Latency, opts.HangFor, opts.Seed = 100*time.Millisecond, time.Second, 11
	net, err := sim.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { net.Close() })
	db := "sqlite:" + filepath.Join(t.TempDir(), "kill.db")
	// A job of a killed server runs again once it is older than rescue_stuck_jobs_after.
	env := []string{"LASTMILE_JOB_TIMEOUT=2s", "LASTMILE_RESCUE_STUCK_JOBS_AFTER=3s"}
	start := func() *server {
		t.Helper()
		return startServeEnv(t, env, db, "--carriers", net.URL(), "--log-level", "info")
	}
	srv := start()
	s := newShipShop(t, db, srv.addr, 10*orders)
	ids := s.orders(t, "kill", "SKU-1", orders, true)
	var b model.Batch
	if st := call(t, s.client, "POST", s.base+"/v1/shipments:batch", s.key, map[string]any{"order_ids": ids, "policy": "cheapest"}, &b); st != http.StatusAccepted {
		t.Fatalf("batch: %d", st)
	}

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	for k := range kills {
		time.Sleep(time.Duration(200+rng.IntN(1300)) * time.Millisecond)
		var cur model.Batch
		call(t, s.client, "GET", s.base+"/v1/batches/"+b.ID, s.key, nil, &cur)
		if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		<-srv.done
		t.Logf("kill %d: %d of %d orders had their outcome", k+1, cur.Total-cur.Pending, cur.Total)
		srv = start()
		s.base = "http://" + srv.addr
	}

	deadline := time.Now().Add(3 * time.Minute)
	for {
		if st := call(t, s.client, "GET", s.base+"/v1/batches/"+b.ID, s.key, nil, &b); st != http.StatusOK {
			t.Fatalf("batch: %d", st)
		}
		if b.Status == model.BatchDone {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("batch not done after the kills: %+v\n%s", b, srv.logs)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if b.Shipped != orders || b.Failed != 0 || b.Skipped != 0 {
		t.Fatalf("batch %+v: want %d shipped", b, orders)
	}
	// The batch's counts, kept with its item writes across the kills, agree with its items.
	req, _ := http.NewRequest("GET", s.base+"/v1/batches/"+b.ID+"/results", nil)
	req.Header.Set("Authorization", "Bearer "+s.key)
	res, err := s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	perOutcome := map[model.ItemOutcome]int{}
	dec := json.NewDecoder(res.Body)
	for {
		var line struct {
			Outcome model.ItemOutcome `json:"outcome"`
		}
		if err := dec.Decode(&line); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		perOutcome[line.Outcome]++
	}
	res.Body.Close()
	if perOutcome[model.ItemShipped] != b.Shipped || perOutcome[model.ItemPending] != b.Pending || perOutcome[model.ItemFailed] != b.Failed ||
		perOutcome[model.ItemSkipped] != b.Skipped || b.Total != orders {
		t.Fatalf("the resumed batch counts %+v, its results %v", b, perOutcome)
	}
	// The store: one live labelled shipment per order, each order AWAITING_COLLECTION.
	perOrder := map[string]int{}
	cursor := ""
	for {
		var page struct {
			Shipments  []model.Shipment `json:"shipments"`
			NextCursor *string          `json:"next_cursor"`
		}
		url := s.base + "/v1/shipments?limit=1000"
		if cursor != "" {
			url += "&cursor=" + cursor
		}
		if st := call(t, s.client, "GET", url, s.key, nil, &page); st != http.StatusOK {
			t.Fatalf("shipments: %d", st)
		}
		for _, sh := range page.Shipments {
			if sh.Status == model.ShipmentLabelPurchased {
				perOrder[sh.OrderID]++
			}
		}
		if page.NextCursor == nil || len(page.Shipments) == 0 {
			break
		}
		cursor = *page.NextCursor
	}
	for _, id := range ids {
		if perOrder[id] != 1 {
			t.Errorf("order %s has %d labelled shipments, want 1", id, perOrder[id])
		}
	}
	// The carriers: 300 labels sold, none bought twice for one package.
	var stats sim.Stats
	if st := call(t, s.client, "GET", net.URL()+"/sim/stats", sim.DefaultAPIKey, nil, &stats); st != http.StatusOK {
		t.Fatalf("GET /sim/stats: %d", st)
	}
	var labels, repeats int64
	for _, c := range stats.Carriers {
		labels += c.Labels
		repeats += c.RepeatPurchases
	}
	if labels != orders || repeats != 0 {
		t.Fatalf("sim: %d labels, %d repeat purchases; want %d and 0", labels, repeats, orders)
	}
}
