package bench

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// TestRunShipCountsEveryOrder ships a toy batch on each store through a faulty network: every
// order shipped, none lost or bought twice, the merged PDF downloaded, each figure printed.
func TestRunShipCountsEveryOrder(t *testing.T) {
	t.Parallel()
	pgs := []string{""}
	if pg := os.Getenv("LASTMILE_TEST_POSTGRES"); pg != "" {
		pgs = append(pgs, pg)
	}
	for _, pg := range pgs {
		var out bytes.Buffer
		res, err := RunShip(context.Background(), ShipOptions{Orders: 40, Postgres: pg, FaultRate: 0.05, HangFor: 200 * time.Millisecond, Labels: true, Dir: t.TempDir()}, &out)
		if err != nil {
			t.Fatal(err)
		}
		if res.Shipped != 40 || res.Lost != 0 || res.BoughtTwice != 0 || res.Labels < 40 || res.PeakRSS <= 0 || res.PDFBytes <= 0 {
			t.Fatalf("%+v\n%s", res, out.String())
		}
		for _, want := range []string{"40 shipped, 0 failed, lost 0, bought twice 0", "batch labels as one PDF", "peak RSS"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("output lacks %q:\n%s", want, out.String())
			}
		}
	}
}
