package worker

// Benchmarks of the job engine on both stores (run with -benchtime=1x: each iteration is ten
// thousand jobs). PostgreSQL runs when LASTMILE_TEST_POSTGRES is set.

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// eachStore runs fn as a sub-benchmark per store.
func eachStore(b *testing.B, fn func(b *testing.B, s store.Store)) {
	b.Run("sqlite", func(b *testing.B) {
		s := storetest.OpenSQLite(b)
		b.ResetTimer()
		fn(b, s)
	})
	if os.Getenv("LASTMILE_TEST_POSTGRES") != "" {
		b.Run("postgres", func(b *testing.B) {
			s := storetest.OpenPostgres(b)
			b.ResetTimer()
			fn(b, s)
		})
	}
}

func benchJobs(n int, queue string) []store.Job {
	jobs := make([]store.Job, n)
	for i := range jobs {
		jobs[i] = store.Job{Kind: "bench.job", Queue: queue, Args: []byte(fmt.Sprintf(`{"order_id":"ord_%08d"}`, i))}
	}
	return jobs
}

// BenchmarkEnqueue inserts 10,000 jobs in one transaction.
func BenchmarkEnqueue(b *testing.B) {
	eachStore(b, func(b *testing.B, s store.Store) {
		jobs := benchJobs(10_000, "")
		ctx := context.Background()
		b.ResetTimer()
		for range b.N {
			if err := s.EnqueueJobs(ctx, jobs...); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*len(jobs))/b.Elapsed().Seconds(), "jobs/s")
	})
}

// workAll enqueues n jobs in a queue no engine works, then starts an engine on it (timed) and
// stops it once fn has run for every job and the completions are recorded.
func workAll(b *testing.B, s store.Store, n, workers int, fn func(ctx context.Context) error) {
	ctx := context.Background()
	b.StopTimer()
	if err := s.EnqueueJobs(ctx, benchJobs(n, "bench")...); err != nil {
		b.Fatal(err)
	}
	cfg := Config{Queues: map[string]int{"bench": workers}}
	e, err := New(cfg, s, testLog(), time.Now)
	if err != nil {
		b.Fatal(err)
	}
	var ran atomic.Int64
	done := make(chan struct{})
	err = e.Handle("bench.job", func(ctx context.Context, job Job) error {
		err := fn(ctx)
		if ran.Add(1) == int64(n) {
			close(done)
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	b.StartTimer()
	if err := e.Start(ctx); err != nil {
		b.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(5 * time.Minute):
		b.Fatalf("%d of %d jobs ran in 5 minutes", ran.Load(), n)
	}
	if err := e.Stop(ctx); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkWorkNoop works 10,000 jobs whose handler does nothing: the engine's own cost.
func BenchmarkWorkNoop(b *testing.B) {
	eachStore(b, func(b *testing.B, s store.Store) {
		const n = 10_000
		for range b.N {
			workAll(b, s, n, DefaultQueueWorkers, func(context.Context) error { return nil })
		}
		b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "jobs/s")
	})
}

// BenchmarkWorkSlow works jobs whose handler waits 300 ms (a carrier's latency) with 100 and 200
// workers: the ideal is workers/0.3 s jobs a second.
func BenchmarkWorkSlow(b *testing.B) {
	for _, workers := range []int{100, 200} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			eachStore(b, func(b *testing.B, s store.Store) {
				n := workers * 10
				for range b.N {
					workAll(b, s, n, workers, func(ctx context.Context) error {
						time.Sleep(300 * time.Millisecond)
						return nil
					})
				}
				rate := float64(b.N*n) / b.Elapsed().Seconds()
				b.ReportMetric(rate, "jobs/s")
				b.ReportMetric(100*rate/(float64(workers)/0.3), "%ideal")
			})
		})
	}
}
