package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"

	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// testConfig is short on every wait, so that retries, polls and stops take milliseconds.
func testConfig() Config {
	return Config{
		FetchPollInterval:    20 * time.Millisecond,
		FetchCooldown:        5 * time.Millisecond,
		RetryBase:            10 * time.Millisecond,
		RetryCap:             50 * time.Millisecond,
		JobTimeout:           10 * time.Second,
		RescueStuckJobsAfter: 20 * time.Second,
	}
}

// testLog discards the engine's logs unless LASTMILE_TEST_LOG is set.
func testLog() *slog.Logger {
	if os.Getenv("LASTMILE_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// newEngine returns an engine on st with cfg and the handlers register adds, started, and
// stopped when t ends.
func newEngine(t testing.TB, st store.Store, cfg Config, register func(e *Engine)) *Engine {
	t.Helper()
	e, err := New(cfg, st, testLog(), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	register(e)
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := e.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	return e
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// waitJob polls the job with id until ok holds, for up to a minute.
func waitJob(t testing.TB, e *Engine, id int64, what string, ok func(*rivertype.JobRow) bool) *rivertype.JobRow {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		row, err := e.client.JobGet(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if ok(row) {
			return row
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d never became %s: state %s, attempt %d, errors %v", id, what, row.State, row.Attempt, row.Errors)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func inState(s rivertype.JobState) func(*rivertype.JobRow) bool {
	return func(r *rivertype.JobRow) bool { return r.State == s }
}

// recv waits for a value on ch for up to a minute.
func recv[T any](t testing.TB, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(time.Minute):
		t.Fatalf("no %s within a minute", what)
		panic("unreachable")
	}
}

type orderArgs struct {
	OrderID string `json:"order_id"`
}

func (orderArgs) Kind() string { return "test.order" }

func mustJob(t testing.TB, args store.JobArgs, opts ...store.JobOption) store.Job {
	t.Helper()
	j, err := store.NewJob(args, opts...)
	must(t, err)
	return j
}

// onlyJob returns the one job of s.
func onlyJob(t testing.TB, s store.Store) *rivertype.JobRow {
	t.Helper()
	rows := storetest.ListJobs(t, s)
	if len(rows) != 1 {
		t.Fatalf("got %d jobs, want 1", len(rows))
	}
	return rows[0]
}

func TestRunsOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s store.Store) {
		ran := make(chan Job, 10)
		e := newEngine(t, s, testConfig(), func(e *Engine) {
			must(t, HandleArgs(e, func(ctx context.Context, job Job, a orderArgs) error {
				if a.OrderID != "ord_1" {
					return fmt.Errorf("args %+v", a)
				}
				ran <- job
				return nil
			}))
		})
		must(t, s.EnqueueJobs(context.Background(), mustJob(t, orderArgs{"ord_1"})))
		job := recv(t, ran, "run")
		if job.Kind != "test.order" || job.Attempt != 1 || job.Queue != store.DefaultJobQueue || job.MaxAttempts != store.DefaultJobMaxAttempts {
			t.Errorf("job as the handler saw it: %+v", job)
		}
		waitJob(t, e, job.ID, "completed", inState(rivertype.JobStateCompleted))
		select {
		case j := <-ran:
			t.Errorf("ran twice: %+v", j)
		default:
		}
	})
}

func TestRetriesThenGivesUp(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s store.Store) {
		attempts := make(chan Job, 10)
		e := newEngine(t, s, testConfig(), func(e *Engine) {
			must(t, e.Handle("test.flaky", func(ctx context.Context, job Job) error {
				attempts <- job
				if job.Attempt < 3 {
					return fmt.Errorf("carrier down (attempt %d)", job.Attempt)
				}
				return nil
			}))
			must(t, e.Handle("test.broken", func(ctx context.Context, job Job) error {
				attempts <- job
				return errors.New("always")
			}))
		})
		ctx := context.Background()
		must(t, s.EnqueueJobs(ctx, store.Job{Kind: "test.flaky"}))
		var seen []int
		for range 3 {
			j := recv(t, attempts, "attempt")
			seen = append(seen, j.Attempt)
			if len(j.Errors) != j.Attempt-1 {
				t.Errorf("attempt %d sees %d earlier errors: %v", j.Attempt, len(j.Errors), j.Errors)
			}
			if j.Attempt == 3 && j.Errors[1] != "carrier down (attempt 2)" {
				t.Errorf("attempt 3: earlier errors %q", j.Errors)
			}
		}
		if !slices.Equal(seen, []int{1, 2, 3}) {
			t.Errorf("attempts %v, want 1 2 3", seen)
		}
		row := onlyJob(t, s)
		waitJob(t, e, row.ID, "completed", inState(rivertype.JobStateCompleted))

		must(t, s.EnqueueJobs(ctx, store.Job{Kind: "test.broken", MaxAttempts: 2}))
		recv(t, attempts, "attempt 1")
		recv(t, attempts, "attempt 2")
		rows := storetest.ListJobs(t, s)
		last := waitJob(t, e, rows[len(rows)-1].ID, "discarded", inState(rivertype.JobStateDiscarded))
		if last.Attempt != 2 || len(last.Errors) != 2 {
			t.Errorf("given up after attempt %d with %d errors, want 2 and 2", last.Attempt, len(last.Errors))
		}
	})
}

// rateLimited is a capability's own error: it names its Retry-After without importing worker.
type rateLimited struct{ after time.Duration }

func (e rateLimited) Error() string             { return "429 Too Many Requests" }
func (e rateLimited) RetryAfter() time.Duration { return e.after }

func TestSnooze(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s store.Store) {
		type run struct {
			job Job
			at  time.Time
		}
		runs := make(chan run, 10)
		var n atomic.Int32
		e := newEngine(t, s, testConfig(), func(e *Engine) {
			must(t, e.Handle("test.snooze", func(ctx context.Context, job Job) error {
				runs <- run{job, time.Now()}
				switch n.Add(1) {
				case 1:
					return Snooze(300 * time.Millisecond)
				case 2:
					return fmt.Errorf("label purchase: %w", rateLimited{200 * time.Millisecond})
				}
				return nil
			}))
		})
		must(t, s.EnqueueJobs(context.Background(), store.Job{Kind: "test.snooze"}))
		first := recv(t, runs, "first run")
		second := recv(t, runs, "run after Snooze")
		third := recv(t, runs, "run after RetryAfter")
		if d := second.at.Sub(first.at); d < 300*time.Millisecond {
			t.Errorf("snoozed 300 ms but ran again after %v", d)
		}
		if d := third.at.Sub(second.at); d < 200*time.Millisecond {
			t.Errorf("Retry-After 200 ms but ran again after %v", d)
		}
		for i, r := range []run{first, second, third} {
			if r.job.Attempt != 1 || len(r.job.Errors) != 0 {
				t.Errorf("run %d: attempt %d with errors %v: a snooze must not count as a failed attempt", i+1, r.job.Attempt, r.job.Errors)
			}
		}
		waitJob(t, e, first.job.ID, "completed", inState(rivertype.JobStateCompleted))
	})
}

// refused is a capability's own permanent error.
type refused struct{}

func (refused) Error() string   { return "carrier refused the address" }
func (refused) Permanent() bool { return true }

func TestCancel(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s store.Store) {
		ran := make(chan Job, 10)
		e := newEngine(t, s, testConfig(), func(e *Engine) {
			must(t, e.Handle("test.cancel", func(ctx context.Context, job Job) error {
				ran <- job
				return Cancel(errors.New("order was voided"))
			}))
			must(t, e.Handle("test.permanent", func(ctx context.Context, job Job) error {
				ran <- job
				return fmt.Errorf("buy label: %w", refused{})
			}))
			must(t, HandleArgs(e, func(ctx context.Context, job Job, a orderArgs) error {
				ran <- job
				return nil
			}))
		})
		ctx := context.Background()
		must(t, s.EnqueueJobs(ctx, store.Job{Kind: "test.cancel"}, store.Job{Kind: "test.permanent"},
			store.Job{Kind: "test.order", Args: json.RawMessage(`{"order_id":42}`)}))
		for _, row := range storetest.ListJobs(t, s) {
			got := waitJob(t, e, row.ID, "cancelled", inState(rivertype.JobStateCancelled))
			if row.Kind != "test.order" {
				recv(t, ran, "run of "+row.Kind)
			}
			if got.Attempt != 1 || len(got.Errors) != 1 {
				t.Errorf("%s: cancelled after attempt %d with errors %v, want one attempt", row.Kind, got.Attempt, got.Errors)
			}
		}
		if len(ran) != 0 {
			t.Errorf("%d more runs: the handler of undecodable args ran, or a cancelled job was retried", len(ran))
		}
	})
}

func TestUniqueWhileLive(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s store.Store) {
		ran := make(chan Job, 10)
		release := make(chan struct{})
		e := newEngine(t, s, testConfig(), func(e *Engine) {
			must(t, e.Handle("test.poll", func(ctx context.Context, job Job) error {
				ran <- job
				<-release
				return nil
			}))
		})
		ctx := context.Background()
		poll := store.Job{Kind: "test.poll", UniqueKey: "shp_1"}
		must(t, s.EnqueueJobs(ctx, poll))
		first := recv(t, ran, "first poll")
		must(t, s.EnqueueJobs(ctx, poll)) // running: the key is held
		close(release)
		waitJob(t, e, first.ID, "completed", inState(rivertype.JobStateCompleted))
		if rows := storetest.ListJobs(t, s); len(rows) != 1 {
			t.Fatalf("a second job with a held key was stored: %d jobs", len(rows))
		}
		must(t, s.EnqueueJobs(ctx, poll)) // completed: the key is free again
		second := recv(t, ran, "second poll")
		if second.ID == first.ID {
			t.Errorf("the completed job ran again instead of a new one")
		}
		waitJob(t, e, second.ID, "completed", inState(rivertype.JobStateCompleted))
		if len(ran) != 0 {
			t.Errorf("%d extra runs", len(ran))
		}
	})
}

func TestScheduledNotBefore(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s store.Store) {
		type run struct {
			job Job
			at  time.Time
		}
		runs := make(chan run, 10)
		newEngine(t, s, testConfig(), func(e *Engine) {
			must(t, e.Handle("test.later", func(ctx context.Context, job Job) error {
				runs <- run{job, time.Now()}
				return nil
			}))
		})
		now := time.Now()
		// Due within the scheduler's five seconds (inserted available, gated by the fetch) and
		// beyond them (inserted scheduled, made available by the leader's scheduler).
		soon, later := now.Add(700*time.Millisecond), now.Add(6*time.Second)
		must(t, s.EnqueueJobs(context.Background(),
			store.Job{Kind: "test.later", ScheduledAt: later, Args: json.RawMessage(`{"n":2}`)},
			store.Job{Kind: "test.later", ScheduledAt: soon, Args: json.RawMessage(`{"n":1}`)}))
		for _, want := range []time.Time{soon, later} {
			r := recv(t, runs, "scheduled run")
			if r.at.Before(want) {
				t.Errorf("job %s due at %v ran at %v, %v early", r.job.Args, want.Format(time.StampMilli), r.at.Format(time.StampMilli), want.Sub(r.at))
			}
			if d := r.job.ScheduledAt.Sub(want); d < -time.Millisecond || d > time.Millisecond { // SQLite keeps milliseconds
				t.Errorf("job %s: ScheduledAt %v, want %v", r.job.Args, r.job.ScheduledAt, want)
			}
		}
	})
}

func TestDurableAcrossRestart(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s store.Store) {
		started := make(chan Job, 1)
		e1, err := New(testConfig(), s, testLog(), time.Now)
		must(t, err)
		must(t, e1.Handle("test.long", func(ctx context.Context, job Job) error {
			started <- job
			<-ctx.Done() // a long label purchase, interrupted by the stop
			return ctx.Err()
		}))
		must(t, e1.Start(context.Background()))
		must(t, s.EnqueueJobs(context.Background(), store.Job{Kind: "test.long"}))
		first := recv(t, started, "start on the first engine")

		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		must(t, e1.Stop(ctx)) // the graceful wait runs out, then the job is cancelled and requeued

		done := make(chan Job, 1)
		e2 := newEngine(t, s, testConfig(), func(e *Engine) {
			must(t, e.Handle("test.long", func(ctx context.Context, job Job) error {
				done <- job
				return nil
			}))
		})
		second := recv(t, done, "run on the second engine")
		if second.ID != first.ID || second.Attempt != 1 {
			t.Errorf("second engine ran job %d attempt %d, want job %d attempt 1 (an interrupted run is not a failure)", second.ID, second.Attempt, first.ID)
		}
		waitJob(t, e2, first.ID, "completed", inState(rivertype.JobStateCompleted))
	})
}

func TestEvery(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s store.Store) {
		swept := make(chan struct{}, 10)
		newEngine(t, s, testConfig(), func(e *Engine) {
			must(t, e.Every("test.sweep", time.Hour, func(ctx context.Context) error {
				swept <- struct{}{}
				return nil
			}))
		})
		recv(t, swept, "sweep at start")
		row := onlyJob(t, s)
		if row.MaxAttempts != 1 {
			t.Errorf("a sweep job may run %d times, want 1: the next period is its retry", row.MaxAttempts)
		}
	})
}

func TestRegistrationRefusals(t *testing.T) {
	t.Parallel()
	s := storetest.OpenSQLite(t)
	e, err := New(testConfig(), s, testLog(), time.Now)
	must(t, err)
	ok := func(context.Context, Job) error { return nil }
	if err := e.Start(context.Background()); err == nil {
		t.Error("started without handlers")
	}
	must(t, e.Handle("test.a", ok))
	for name, err := range map[string]error{
		"twice":               e.Handle("test.a", ok),
		"bad kind":            e.Handle("not a kind", ok),
		"timeout over rescue": e.Handle("test.b", ok, Timeout(time.Hour)),
		"periodic too often":  e.Periodic(store.Job{Kind: "test.a"}, time.Millisecond, false),
		"periodic scheduled":  e.Periodic(store.Job{Kind: "test.a", ScheduledAt: time.Now()}, time.Minute, false),
		"periodic bad job":    e.Periodic(store.Job{Kind: "test.a", Priority: 9}, time.Minute, false),
	} {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	must(t, e.Start(context.Background()))
	defer e.Stop(context.Background())
	if err := e.Handle("test.c", ok); err == nil {
		t.Error("a handler was registered after Start")
	}
	if err := e.Start(context.Background()); err == nil {
		t.Error("started twice")
	}
}

// Handlers run concurrently up to the queue's size, and a full queue does not block another.
func TestQueues(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s store.Store) {
		cfg := testConfig()
		cfg.Queues = map[string]int{"carrier_slow": 2}
		var mu sync.Mutex
		running, most := 0, 0
		release := make(chan struct{})
		started, fast := make(chan struct{}, 6), make(chan struct{}, 1)
		newEngine(t, s, cfg, func(e *Engine) {
			must(t, e.Handle("test.slow", func(ctx context.Context, job Job) error {
				mu.Lock()
				running++
				most = max(most, running)
				mu.Unlock()
				started <- struct{}{}
				<-release
				mu.Lock()
				running--
				mu.Unlock()
				return nil
			}))
			must(t, e.Handle("test.fast", func(ctx context.Context, job Job) error {
				fast <- struct{}{}
				return nil
			}))
		})
		ctx := context.Background()
		var slow []store.Job
		for range 6 {
			slow = append(slow, store.Job{Kind: "test.slow", Queue: "carrier_slow"})
		}
		must(t, s.EnqueueJobs(ctx, slow...))
		recv(t, started, "first slow job")
		recv(t, started, "second slow job")
		must(t, s.EnqueueJobs(ctx, store.Job{Kind: "test.fast"}))
		recv(t, fast, "default-queue job while the slow queue is full")
		close(release)
		deadline := time.Now().Add(time.Minute)
		for {
			done := 0
			for _, r := range storetest.ListJobs(t, s) {
				if r.State == rivertype.JobStateCompleted {
					done++
				}
			}
			if done == 7 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d of 7 jobs completed", done)
			}
			time.Sleep(20 * time.Millisecond)
		}
		mu.Lock()
		defer mu.Unlock()
		if most != 2 {
			t.Errorf("at most %d slow jobs ran at once, want the queue's 2", most)
		}
	})
}

// Handlers that write to the store while the engine fetches and completes jobs on the same
// database (on SQLite, the same single writer connection): every job and every follow-up job
// they enqueue completes, and nothing deadlocks.
func TestHandlersWriteTheStore(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s store.Store) {
		const n = 100
		var followUps atomic.Int32
		done := make(chan struct{})
		cfg := testConfig()
		cfg.Queues = map[string]int{store.DefaultJobQueue: 50}
		newEngine(t, s, cfg, func(e *Engine) {
			must(t, HandleArgs(e, func(ctx context.Context, job Job, a orderArgs) error {
				// A follow-up job, as a label purchase enqueues its tracking poll.
				return s.EnqueueJobs(ctx, store.Job{Kind: "test.follow_up", UniqueKey: a.OrderID})
			}))
			must(t, e.Handle("test.follow_up", func(ctx context.Context, job Job) error {
				if followUps.Add(1) == n {
					close(done)
				}
				return nil
			}))
		})
		ctx := context.Background()
		var wg sync.WaitGroup
		for w := range 4 { // enqueuers competing with the engine for the writer
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < n; i += 4 {
					if err := s.EnqueueJobs(ctx, mustJob(t, orderArgs{fmt.Sprintf("ord_%d", i)})); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		recv(t, done, "every follow-up job")
	})
}
