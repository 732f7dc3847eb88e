package main

import (
	"context"
	"os"
	"time"

	"lastmile/internal/bench"
)

func runBench(ctx context.Context, args []string, s stdio) int {
	fs := newFlags("bench", "bench [--orders N] [--batch N] [--postgres URL] [--get-rate N] [--get-duration D]", s)
	orders := fs.Int("orders", 50_000, "orders each ingest figure sends")
	batch := fs.Int("batch", 10_000, "orders per POST /v1/orders:batch")
	pg := fs.String("postgres", os.Getenv("LASTMILE_TEST_POSTGRES"), "PostgreSQL URL for the PostgreSQL figures (a fresh schema is made and dropped); empty skips them")
	rate := fs.Int("get-rate", 2000, "GET /v1/orders/{id} requests per second")
	dur := fs.Duration("get-duration", 10*time.Second, "how long the GET latency figure runs")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *orders < 1 || *batch < 1 || *rate < 1 || *dur <= 0 {
		fs.Usage()
		return exitUsage
	}
	if err := bench.Run(ctx, bench.Options{Orders: *orders, BatchSize: *batch, Postgres: *pg, GetRate: *rate, GetDuration: *dur}, s.out); err != nil {
		return fail(s, "bench", err)
	}
	return exitOK
}
