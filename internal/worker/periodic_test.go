package worker

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"lastmile/internal/store"
	"lastmile/internal/store/postgres"
	"lastmile/internal/store/storetest"
)

// Two nodes on one PostgreSQL database: only the leader enqueues a periodic job, so there is one
// job per period, not one per node; when the leader stops, the other node takes over at once.
func TestPeriodicOneLeader(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url, drop, err := postgres.NewSchema(ctx, storetest.PostgresURL(t))
	must(t, err)
	t.Cleanup(drop)
	node := func(migrate bool) *postgres.Store {
		s, err := postgres.Open(ctx, url)
		must(t, err)
		t.Cleanup(func() { s.Close() })
		if migrate {
			must(t, s.Migrate(ctx, slog.New(slog.DiscardHandler)))
		}
		return s
	}
	sa, sb := node(true), node(false)

	type tick struct {
		worker string
		job    Job
	}
	ticks := make(chan tick, 100)
	start := func(s store.Store, id string) *Engine {
		cfg := testConfig()
		cfg.NodeID = id
		e, err := New(cfg, s, testLog(), time.Now)
		must(t, err)
		must(t, e.Handle("test.tick", func(ctx context.Context, job Job) error {
			ticks <- tick{id, job}
			return nil
		}))
		must(t, e.Periodic(store.Job{Kind: "test.tick"}, time.Second, true))
		must(t, e.Start(ctx))
		t.Cleanup(func() { e.Stop(ctx) })
		return e
	}
	engines := map[string]*Engine{"node-a": start(sa, "node-a"), "node-b": start(sb, "node-b")}

	// Jobs enqueued a period apart, never two at once.
	collect := func(n int, since time.Time) {
		var created []time.Time
		for len(created) < n {
			if at := recv(t, ticks, "periodic job").job.CreatedAt; at.After(since) {
				created = append(created, at)
			}
		}
		for i := 1; i < len(created); i++ {
			if gap := created[i].Sub(created[i-1]); gap < 500*time.Millisecond {
				t.Errorf("periodic jobs enqueued %v apart (every 1 s): more than one node enqueues", gap)
			}
		}
	}
	collect(4, time.Time{})

	leader := func() string {
		var id string
		must(t, sa.Pool().QueryRow(ctx, `SELECT leader_id FROM river_leader`).Scan(&id))
		return id
	}
	first := leader()
	if engines[first] == nil {
		t.Fatalf("leader %q is neither node", first)
	}
	stopped := time.Now()
	must(t, engines[first].Stop(ctx))
	collect(3, stopped) // the other node took over
	if second := leader(); second == first || engines[second] == nil {
		t.Errorf("after %s stopped the leader is %q", first, second)
	}
}
