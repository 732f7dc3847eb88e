package notify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/notify"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// benchStores runs fn on SQLite and, when LASTMILE_TEST_POSTGRES is set, on PostgreSQL.
func benchStores(b *testing.B, fn func(b *testing.B, st store.Store)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, storetest.OpenSQLite(b)) })
	if os.Getenv("LASTMILE_TEST_POSTGRES") != "" {
		b.Run("postgres", func(b *testing.B) { fn(b, storetest.OpenPostgres(b)) })
	}
}

func benchService(b *testing.B, st store.Store, subs int, url string) (*notify.Service, model.Scope) {
	ctx := context.Background()
	if err := st.CreateShop(ctx, model.Shop{ID: "shop_a", Name: "A", Market: "US", TimeZone: "America/Los_Angeles", CreatedAt: time.Now().UTC()}); err != nil {
		b.Fatal(err)
	}
	svc, err := notify.NewService(notify.Deps{Store: st, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	scope := model.Scope{ShopIDs: []string{"shop_a"}}
	for i := range subs {
		if _, err := svc.CreateSubscription(ctx, scope, notify.SubscriptionRequest{URL: fmt.Sprintf("%s/%d", url, i), Events: []string{"*"}}); err != nil {
			b.Fatal(err)
		}
	}
	return svc, scope
}

var benchData = json.RawMessage(`{"id":"ret_01M8Y0HB9E9VVKQZ8BGX7KW52P","status":"AWAITING_BUYER_SHIP","order_id":"ord_1","lines":[{"sku":"TS-RED-M","quantity":1}]}`)

// BenchmarkFanOut is one event fanned out to 5 subscriptions: 5 deliveries and their jobs
// written in one transaction.
func BenchmarkFanOut(b *testing.B) {
	benchStores(b, func(b *testing.B, st store.Store) {
		svc, _ := benchService(b, st, 5, "http://127.0.0.1:9")
		ctx := context.Background()
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; b.Loop(); i++ {
			// Each event of its own order, so every delivery is pending (the common case).
			n, err := svc.FanOut(ctx, fmt.Sprintf("evt_b%d", i), time.Now(), model.NotifyEvent{Type: model.EventReturnUpdated,
				ShopID: "shop_a", OrderID: fmt.Sprintf("ord_%d", i), ID: "ret_1", Data: benchData})
			if err != nil || n != 5 {
				b.Fatalf("fan-out: %d %v", n, err)
			}
		}
		b.ReportMetric(float64(b.N*5)/b.Elapsed().Seconds(), "deliveries/s")
	})
}

// BenchmarkDeliver is one attempt of one delivery: read it, sign it, POST it to a receiver on
// loopback, record it delivered.
func BenchmarkDeliver(b *testing.B) {
	benchStores(b, func(b *testing.B, st store.Store) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
		defer srv.Close()
		svc, scope := benchService(b, st, 1, srv.URL)
		ctx := context.Background()
		const batch = 1000
		var pending []model.WebhookDelivery
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; b.Loop(); i++ {
			if len(pending) == 0 {
				b.StopTimer()
				for j := range batch {
					if _, err := svc.FanOut(ctx, fmt.Sprintf("evt_d%d_%d", i, j), time.Now(), model.NotifyEvent{Type: model.EventStockLow,
						ShopID: "shop_a", ID: "sku", Data: benchData}); err != nil {
						b.Fatal(err)
					}
				}
				var err error
				pending, _, err = svc.ListDeliveries(ctx, scope, notify.DeliveryQuery{Statuses: []model.WebhookDeliveryStatus{model.DeliveryPending}, Limit: batch})
				if err != nil || len(pending) == 0 {
					b.Fatalf("pending deliveries: %d %v", len(pending), err)
				}
				b.StartTimer()
			}
			d := pending[0]
			pending = pending[1:]
			if err := svc.Deliver(ctx, notify.DeliverArgs{ShopID: d.ShopID, DeliveryID: d.ID, Attempt: 1}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "deliveries/s")
	})
}
