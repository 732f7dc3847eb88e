package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/demo"
	"lastmile/internal/model"
	"lastmile/internal/notify"
	"lastmile/internal/store/storetest"
)

// BenchmarkIngestBatch posts batches of 10,000 new orders through the real HTTP stack into
// SQLite: decode, validate, merge, store, encode the per-item results.
func BenchmarkIngestBatch(b *testing.B) { benchIngest(b, false) }

// BenchmarkIngestBatchSubscribed is BenchmarkIngestBatch for a shop with a webhook
// subscription to every event: each new order also enqueues its order.created job.
func BenchmarkIngestBatchSubscribed(b *testing.B) { benchIngest(b, true) }

func benchIngest(b *testing.B, subscribed bool) {
	e := newEnv(b, storetest.OpenSQLite(b), config.Config{})
	sh, err := e.tenants.CreateShop(context.Background(), "bench", "US", "")
	if err != nil {
		b.Fatal(err)
	}
	if subscribed {
		if _, err := e.notify.CreateSubscription(context.Background(), model.Scope{ShopIDs: []string{sh.ID}},
			notify.SubscriptionRequest{URL: "https://erp.example.com/hooks", Events: []string{model.EventAll}}); err != nil {
			b.Fatal(err)
		}
	}
	key, _, _ := e.tenants.CreateKey(context.Background(), "bench", []string{sh.ID})
	g := demo.NewGenerator(1)
	const batch = 10_000
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	bodies := make([][]byte, b.N)
	for i := range bodies {
		orders := make([]model.Order, batch)
		for j := range orders {
			orders[j] = g.Order("US", now)
			orders[j].ExternalID = fmt.Sprintf("%d-%d", i, j)
		}
		bodies[i], _ = json.Marshal(map[string]any{"orders": orders})
	}
	b.ResetTimer()
	for i := range b.N {
		req, _ := http.NewRequest("POST", e.url+"/v1/orders:batch", bytes.NewReader(bodies[i]))
		req.Header.Set("Authorization", "Bearer "+key)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			b.Fatalf("status %d", res.StatusCode)
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "orders/s")
}
