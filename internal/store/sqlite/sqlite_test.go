package sqlite_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"

	"lastmile/internal/store"
	"lastmile/internal/store/sqlite"
	"lastmile/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "lastmile.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if err := s.Migrate(context.Background(), slog.New(slog.DiscardHandler)); err != nil {
			t.Fatal(err)
		}
		return s
	})
}
