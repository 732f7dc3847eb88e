package postgres_test

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"lastmile/internal/store/postgres"
	"lastmile/internal/store/storetest"
)

// TestMigrationLockIsPerSchema: a migration waits for another node migrating the same schema,
// and only for that. A session holds the advisory lock of goose's one database-wide id (which
// every schema shared before) and of schema A; migrating schema B must go through at once, and
// migrating schema A must wait.
func TestMigrationLockIsPerSchema(t *testing.T) {
	base := storetest.PostgresURL(t)
	ctx := context.Background()
	urlA, dropA, err := postgres.NewSchema(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(dropA)
	urlB, dropB, err := postgres.NewSchema(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(dropB)

	holder, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close(ctx)
	const gooseDefaultLockID = 4097083626
	for _, id := range []int64{gooseDefaultLockID, postgres.MigrationLockID(schemaOf(t, urlA))} {
		if _, err := holder.Exec(ctx, `SELECT pg_advisory_lock($1)`, id); err != nil {
			t.Fatal(err)
		}
	}

	migrate := func(u string, within time.Duration) error {
		s, err := postgres.Open(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		ctx, cancel := context.WithTimeout(ctx, within)
		defer cancel()
		return s.Migrate(ctx, slog.New(slog.DiscardHandler))
	}
	if err := migrate(urlB, 2*time.Minute); err != nil {
		t.Fatalf("schema B waited on a lock it does not share: %v", err)
	}
	if err := migrate(urlA, 3*time.Second); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("schema A migrated while another session held its migration lock: err = %v", err)
	}
}

func schemaOf(t *testing.T, u string) string {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	return p.Query().Get("search_path")
}
