package storetest

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"lastmile/internal/demo"
	"lastmile/internal/ident"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/store"
	"lastmile/internal/store/postgres"
	"lastmile/internal/store/sqlite"
)

// PostgresURL returns LASTMILE_TEST_POSTGRES. In CI it must be set, so a missing variable fails
// the test there; elsewhere the PostgreSQL tests are skipped with a message saying how to run them.
func PostgresURL(t testing.TB) string {
	t.Helper()
	url := os.Getenv("LASTMILE_TEST_POSTGRES")
	if url == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("LASTMILE_TEST_POSTGRES is not set in CI: the PostgreSQL tests must run there")
		}
		t.Skip("SKIPPING PostgreSQL tests: set LASTMILE_TEST_POSTGRES=postgres://… (make test says how)")
	}
	return url
}

var discardLog = slog.New(slog.DiscardHandler)

// postgresConfigured reports whether the PostgreSQL tests run: when LASTMILE_TEST_POSTGRES is
// set, and always in CI (where PostgresURL fails them if it is not).
func postgresConfigured() bool {
	return os.Getenv("LASTMILE_TEST_POSTGRES") != "" || os.Getenv("CI") != ""
}

// OpenSQLite returns a migrated, empty SQLite store in t's temporary directory.
func OpenSQLite(t testing.TB) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "lastmile.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(context.Background(), discardLog); err != nil {
		t.Fatal(err)
	}
	return s
}

// OpenPostgres returns a migrated, empty PostgreSQL store in a schema of its own, dropped when t
// ends. It skips or fails as PostgresURL does.
func OpenPostgres(t testing.TB) *postgres.Store {
	t.Helper()
	ctx := context.Background()
	url, drop, err := postgres.NewSchema(ctx, PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	s, err := postgres.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx, discardLog); err != nil {
		t.Fatal(err)
	}
	return s
}

// Each runs fn as a parallel subtest per store: SQLite always, PostgreSQL when configured (always
// in CI).
func Each(t *testing.T, fn func(t *testing.T, s store.Store)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, OpenSQLite(t))
	})
	if postgresConfigured() {
		t.Run("postgres", func(t *testing.T) {
			t.Parallel()
			fn(t, OpenPostgres(t))
		})
	}
}

// BenchmarkUpsertOrders measures a store alone: batches of 10,000 new, realistic orders through
// UpsertOrders with the real merge rule and ids as the order service makes them, which is what
// the batch API does after decoding.
func BenchmarkUpsertOrders(b *testing.B, s store.Store) {
	ctx := context.Background()
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
