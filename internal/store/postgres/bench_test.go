package postgres_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"

	"lastmile/internal/demo"
	"lastmile/internal/ident"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/store/postgres"
)

// BenchmarkUpsertOrders measures the store alone: batches of 10,000 new orders through
// UpsertOrders with the real merge rule, as the batch API does after decoding.
func BenchmarkUpsertOrders(b *testing.B) {
	base := os.Getenv("LASTMILE_TEST_POSTGRES")
	if base == "" {
		b.Skip("set LASTMILE_TEST_POSTGRES to benchmark the PostgreSQL store")
	}
	ctx := context.Background()
	url, drop, err := postgres.NewSchema(ctx, base)
	if err != nil {
		b.Fatal(err)
	}
	defer drop()
	s, err := postgres.Open(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	shop := model.Shop{ID: "shop_bench", Name: "b", Market: "US", TimeZone: "America/Los_Angeles", CreatedAt: now}
	if err := s.CreateShop(ctx, shop); err != nil {
		b.Fatal(err)
	}
	g, ids := demo.NewGenerator(1), ident.NewGenerator()
	const batch = 10_000
	merge := func(existing *model.Order, in model.Order) (model.Order, model.WriteOutcome, error) {
		return order.Merge(existing, in, now, "bench")
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		orders := make([]model.Order, batch)
		for j := range orders {
			o := g.Order("US", now)
			o.ID, o.ShopID, o.ExternalID = ids.New("ord", now), shop.ID, fmt.Sprintf("%d-%d", i, j)
			orders[j] = o
		}
		b.StartTimer()
		if _, err := s.UpsertOrders(ctx, shop.ID, orders, merge); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "orders/s")
}
