package main

import (
	"context"
	"os"
	"strings"
	"time"

	"lastmile/internal/bench"
)

func runBench(ctx context.Context, args []string, s stdio) int {
	fs := newFlags("bench", "bench [--orders N] [--batch N] [--postgres URL] [--get-rate N] [--get-duration D] [--cpuprofile FILE]", s)
	orders := fs.Int("orders", 50_000, "orders each ingest figure sends")
	batch := fs.Int("batch", 10_000, "orders per POST /v1/orders:batch")
	pg := fs.String("postgres", os.Getenv("LASTMILE_TEST_POSTGRES"), "PostgreSQL URL for the PostgreSQL figures (a fresh schema is made and dropped); empty skips them")
	rate := fs.Int("get-rate", 2000, "GET /v1/orders/{id} requests per second")
	dur := fs.Duration("get-duration", 10*time.Second, "how long the GET latency figure runs")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the SQLite ingest through the API to this file (go tool pprof)")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *orders < 1 || *batch < 1 || *rate < 1 || *dur <= 0 {
		fs.Usage()
		return exitUsage
	}
	if err := bench.Run(ctx, bench.Options{Orders: *orders, BatchSize: *batch, Postgres: *pg, GetRate: *rate, GetDuration: *dur, CPUProfile: *cpuProfile}, s.out); err != nil {
		return fail(s, "bench", err)
	}
	return exitOK
}

func runBenchShip(ctx context.Context, args []string, s stdio) int {
	fs := newFlags("bench ship", "bench ship [--orders N] [--db postgres://…] [--latency D] [--fault-rate F] [--labels] [--cpuprofile FILE] [--memprofile FILE] [--goroutineprofile FILE]", s)
	orders := fs.Int("orders", 10_000, "orders the batch ships")
	db := fs.String("db", "sqlite", "the store: sqlite (a temporary file) or a postgres:// URL (a fresh schema is made and dropped)")
	latency := fs.Duration("latency", 300*time.Millisecond, "the simulated carriers' latency")
	faults := fs.Float64("fault-rate", 0.02, "the share of carrier calls that fail transiently (5xx, timeouts, dropped connections), 0 to 1")
	labels := fs.Bool("labels", false, "then download the batch's labels as one PDF and report its time and RSS")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the batch to this file (go tool pprof)")
	concurrency := fs.Int("carrier-concurrency", 0, "label purchases in flight per carrier (carrier_concurrency; 0: the default, 128)")
	memProfile := fs.String("memprofile", "", "write a heap profile, taken when the batch's RSS reached its peak, to this file")
	goroutineProfile := fs.String("goroutineprofile", "", "write the goroutines' stacks, taken when half the batch is done, to this file (where the work waits)")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *orders < 1 || *latency < 0 || *faults < 0 || *faults > 1 || *concurrency < 0 || (*db != "sqlite" && !strings.HasPrefix(*db, "postgres")) {
		fs.Usage()
		return exitUsage
	}
	opt := bench.ShipOptions{Orders: *orders, Latency: *latency, FaultRate: *faults, Labels: *labels,
		CPUProfile: *cpuProfile, MemProfile: *memProfile, GoroutineProfile: *goroutineProfile, CarrierConcurrency: *concurrency}
	if *db != "sqlite" {
		opt.Postgres = *db
	}
	res, err := bench.RunShip(ctx, opt, s.out)
	if err != nil {
		return fail(s, "bench ship", err)
	}
	if res.Lost > 0 || res.BoughtTwice > 0 {
		return exitFail
	}
	return exitOK
}
