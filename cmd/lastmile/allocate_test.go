package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"lastmile/internal/model"
	"net/http"
	"sync"
	"testing"
	"time"

	"lastmile/internal/store"
	"lastmile/internal/store/postgres"
	"lastmile/internal/store/storetest"
)

// call sends one JSON request to a running server and decodes a JSON reply into out (if not nil).
func call(t *testing.T, client *http.Client, method, url, key string, body, out any) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := client.Do(req)
	if err != nil {
		t.Errorf("%s %s: %v", method, url, err)
		return 0
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Errorf("%s %s: %v", method, url, err)
		return 0
	}
	if out != nil && res.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Errorf("%s %s: %v: %s", method, url, err, b)
		}
	}
	return res.StatusCode
}

// TestTwoServersNeverOversell runs two `lastmile serve` processes on one PostgreSQL database and
// allocates 300 orders of one unit through both at once against 100 units: exactly 100 must be
// allocated, and the ledger must sum to the balance. Only the database's row locks stand between
// the two processes, so this fails if the reservation were a read-then-write in either process.
func TestTwoServersNeverOversell(t *testing.T) {
	t.Parallel()
	db, drop, err := postgres.NewSchema(context.Background(), storetest.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	out, errOut, code := runCLI(t, "shop", "create", "--db", db, "--name", "Peak", "--market", "US")
	var sc shopCreated
	if code != 0 || json.Unmarshal([]byte(out), &sc) != nil {
		t.Fatalf("shop create: %d %s %s", code, out, errOut)
	}
	servers := []*server{startServe(t, db), startServe(t, db)}
	base := func(i int) string { return "http://" + servers[i%2].addr }
	client := &http.Client{Timeout: 30 * time.Second}

	addr := map[string]any{"name": "NJ Fulfilment", "line1": "1 Dock Rd", "city": "Newark", "region": "NJ", "postal_code": "07102", "country": "US"}
	var wh model.Warehouse
	if st := call(t, client, "POST", base(0)+"/v1/warehouses", sc.APIKey, map[string]any{"code": "EWR1", "name": "Newark", "type": "overseas",
		"address": addr, "ship_from": addr, "return_address": addr, "time_zone": "America/New_York"}, &wh); st != http.StatusCreated {
		t.Fatalf("create warehouse: %d", st)
	}
	if st := call(t, client, "PUT", base(1)+"/v1/warehouses/"+wh.ID+"/stock/SKU-1", sc.APIKey,
		map[string]any{"on_hand": 100, "reason": "peak stock-up"}, nil); st != http.StatusOK {
		t.Fatalf("set stock: %d", st)
	}
	const orders = 300
	var ids []string
	for b := 0; len(ids) < orders; b++ {
		if _, err := postBatch(client, servers[b%2].addr, sc.APIKey, fmt.Sprintf("peak-%d", b), 100); err != nil {
			t.Fatal(err)
		}
		var page struct {
			Orders []struct{ ID string }
		}
		call(t, client, "GET", base(b)+"/v1/orders?limit=1000", sc.APIKey, nil, &page)
		ids = ids[:0]
		for _, o := range page.Orders {
			ids = append(ids, o.ID)
		}
	}
	for i, id := range ids {
		if st := call(t, client, "POST", base(i)+"/v1/orders/"+id+"/confirm", sc.APIKey, nil, nil); st != http.StatusOK {
			t.Fatalf("confirm %s: %d", id, st)
		}
	}

	work := make(chan string)
	var mu sync.Mutex
	status := map[int]int{}
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range work {
				st := call(t, client, "POST", base(g)+"/v1/orders/"+id+"/allocate", sc.APIKey, nil, nil)
				mu.Lock()
				status[st]++
				mu.Unlock()
			}
		}()
	}
	for _, id := range ids {
		work <- id
	}
	close(work)
	wg.Wait()
	if status[http.StatusOK] != 100 || status[http.StatusConflict] != orders-100 {
		t.Fatalf("allocations through two servers: %v, want 100 × 200 and %d × 409", status, orders-100)
	}

	var levels struct{ Levels []store.StockLevel }
	call(t, client, "GET", base(0)+"/v1/inventory?sku=SKU-1", sc.APIKey, nil, &levels)
	if len(levels.Levels) != 1 || levels.Levels[0].Reserved != 100 || levels.Levels[0].OnHand != 100 || levels.Levels[0].Available != 0 {
		t.Fatalf("after the race: %+v", levels.Levels)
	}
	var moves []model.Movement
	for cursor := ""; ; {
		var page struct {
			Movements  []store.MovementRecord
			NextCursor *string `json:"next_cursor"`
		}
		call(t, client, "GET", base(1)+"/v1/inventory/movements?sku=SKU-1&limit=1000&cursor="+cursor, sc.APIKey, nil, &page)
		for _, m := range page.Movements {
			moves = append(moves, m.Movement)
		}
		if page.NextCursor == nil {
			break
		}
		cursor = *page.NextCursor
	}
	if len(moves) != 101 || model.Replay(moves) != levels.Levels[0].Balance {
		t.Fatalf("ledger of %d entries sums to %+v, balance %+v", len(moves), model.Replay(moves), levels.Levels[0].Balance)
	}
}
