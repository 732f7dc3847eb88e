// Package workertest holds the job engine's checks that every store driver must pass, for the
// drivers' own tests: they need the driver's transactions, which only its package can open.
package workertest

import (
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
	"lastmile/internal/worker"
)

// OutboxRuns checks the transactional outbox end to end on s: a job inserted in a store
// transaction that rolls back never runs; one inserted in a transaction that commits runs once.
func OutboxRuns(t *testing.T, s store.Store, enqueue storetest.EnqueueInTx) {
	ctx := context.Background()
	shop := func(id string) model.Shop {
		return model.Shop{ID: id, Name: id, Market: "US", TimeZone: "America/Los_Angeles", CreatedAt: time.Now().UTC().Truncate(time.Microsecond)}
	}
	job := func(id string) store.Job {
		return store.Job{Kind: "workertest.outbox", Args: json.RawMessage(`{"id":"` + id + `"}`)}
	}
	// One worker, so the rolled-back job, had it been stored, would run before the committed one.
	if err := enqueue(ctx, shop("shop_rolled_back"), []store.Job{job("rolled-back")}, false); err != nil {
		t.Fatal(err)
	}
	if err := enqueue(ctx, shop("shop_committed"), []store.Job{job("committed")}, true); err != nil {
		t.Fatal(err)
	}
	e, err := worker.New(worker.Config{Queues: map[string]int{store.DefaultJobQueue: 1}, FetchPollInterval: 20 * time.Millisecond},
		s, slog.New(slog.DiscardHandler), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	ran := make(chan string, 10)
	err = e.Handle("workertest.outbox", func(ctx context.Context, job worker.Job) error {
		var a struct{ ID string }
		if err := job.Decode(&a); err != nil {
			return worker.Cancel(err)
		}
		ran <- a.ID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer e.Stop(ctx)
	select {
	case id := <-ran:
		if id != "committed" {
			t.Fatalf("ran the job of %s, want only the committed one", id)
		}
	case <-time.After(time.Minute):
		t.Fatal("the committed job did not run within a minute")
	}
	if err := e.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	close(ran)
	for id := range ran {
		t.Errorf("ran again: %s", id)
	}
	if rows := storetest.ListJobs(t, s); len(rows) != 1 || rows[0].State != "completed" {
		t.Errorf("jobs after the run: %d, want the committed one, completed", len(rows))
	}
}
