package postgres_test

import (
	"context"
	"log/slog"
	"os"
	"testing"

	"lastmile/internal/store"
	"lastmile/internal/store/postgres"
	"lastmile/internal/store/storetest"
)

// testURL returns LASTMILE_TEST_POSTGRES. In CI it must be set; elsewhere the PostgreSQL tests
// are skipped with a message that says how to run them.
func testURL(t *testing.T) string {
	url := os.Getenv("LASTMILE_TEST_POSTGRES")
	if url == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("LASTMILE_TEST_POSTGRES is not set in CI: the PostgreSQL conformance suite must run there")
		}
		t.Skip("SKIPPING the PostgreSQL conformance suite: set LASTMILE_TEST_POSTGRES=postgres://… (make test does)")
	}
	return url
}

func TestConformance(t *testing.T) {
	base := testURL(t)
	storetest.Run(t, func(t *testing.T) store.Store {
		ctx := context.Background()
		url, drop, err := postgres.NewSchema(ctx, base)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(drop)
		s, err := postgres.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if err := s.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil {
			t.Fatal(err)
		}
		return s
	})
}
