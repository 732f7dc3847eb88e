package bench

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"testing"
	"time"
)

// TestRunPrintsEveryFigure runs the whole suite at toy sizes: every figure must be measured
// (a positive number) and printed, on PostgreSQL too when it is configured.
func TestRunPrintsEveryFigure(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	pg := os.Getenv("LASTMILE_TEST_POSTGRES")
	err := Run(context.Background(), Options{Orders: 300, BatchSize: 100, Postgres: pg, GetRate: 100, GetDuration: 300 * time.Millisecond, Dir: t.TempDir()}, &out)
	if err != nil {
		t.Fatal(err)
	}
	stores := []string{"sqlite"}
	if pg != "" {
		stores = append(stores, "postgres")
	}
	for _, s := range stores {
		for _, re := range []string{
			`(?m)^ingest_api_` + s + `\t[1-9]\d* orders/s\t\d+\.\d µs CPU/order`,
			`(?m)^raw_insert_` + s + `\t[1-9]\d* orders/s\t\d+\.\d µs CPU/order.*API/raw = \d+%, in CPU \d+%`,
			`(?m)^get_order_` + s + `\tp50 \d+\.\d+ ms\tp99 \d+\.\d+ ms\tmax \d+\.\d+ ms\t\(30 GET .*, 0 errors\)`,
		} {
			if !regexp.MustCompile(re).Match(out.Bytes()) {
				t.Errorf("output lacks %s:\n%s", re, out.String())
			}
		}
	}
}
