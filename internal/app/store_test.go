package app

import (
	"context"
	"log/slog"
	"testing"

	"lastmile/internal/store/postgres"
	"lastmile/internal/store/storetest"
)

// TestPostgresPoolSize: a node opens defaultPoolSize connections at most unless the URL says
// otherwise (pgx alone would allow max(4, CPUs), which starved the shipping workers).
func TestPostgresPoolSize(t *testing.T) {
	base := storetest.PostgresURL(t)
	url, drop, err := postgres.NewSchema(context.Background(), base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	for _, c := range []struct {
		url  string
		want int32
	}{
		{url, defaultPoolSize},
		{url + "&pool_max_conns=7", 7},
	} {
		st, err := OpenStore(context.Background(), c.url, false, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		got := st.(*postgres.Store).Pool().Config().MaxConns
		st.Close()
		if got != c.want {
			t.Errorf("OpenStore(%s): at most %d connections, want %d", c.url, got, c.want)
		}
	}
}
