package storetest

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
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

// OpenSQLite returns a migrated, empty SQLite store in t's temporary directory: a copy of the
// process's migrated template (see SQLitePath), on which Migrate then finds nothing to do.
func OpenSQLite(t testing.TB) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), SQLitePath(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(context.Background(), discardLog); err != nil {
		t.Fatal(err)
	}
	return s
}

// SQLitePath writes a migrated, empty SQLite database into t's temporary directory and returns
// its path, for tests that open the store themselves (an app started with "sqlite:"+path).
//
// Migrating a new file costs about 8 s under the race detector (the driver is SQLite's C
// translated to Go, and the schema is a few hundred statements, River's included), which was
// most of the race pass's time. So each test process migrates one file once and every test gets
// a byte copy of it: the same schema, migrated by the same code, in a few milliseconds.
func SQLitePath(t testing.TB) string {
	t.Helper()
	template, err := sqliteTemplate()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "lastmile.db")
	if err := os.WriteFile(path, template, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// sqliteTemplate returns the bytes of a migrated, empty database, migrating it on first use.
var sqliteTemplate = sync.OnceValues(func() ([]byte, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "lastmile-template-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "lastmile.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx, discardLog); err != nil {
		s.Close()
		return nil, fmt.Errorf("migrate the template: %w", err)
	}
	// Fold the write-ahead log into the file, so that the file alone is the whole database.
	if _, err := s.DB().ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		s.Close()
		return nil, fmt.Errorf("checkpoint the template: %w", err)
	}
	if err := s.Close(); err != nil {
		return nil, err
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		return nil, fmt.Errorf("template %s still has %d bytes of write-ahead log", path, fi.Size())
	}
	return os.ReadFile(path)
})

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
