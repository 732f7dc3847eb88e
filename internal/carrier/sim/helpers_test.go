package sim_test

import (
	"context"
	"errors"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/carrier/carriertest"
	"lastmile/internal/carrier/sim"
)

// clock is the fixed time of the deterministic tests: a Monday in March 2026, when every
// example card is in force.
var clock = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return clock }

// start runs a network for the test and closes it at the end.
func start(t testing.TB, opts sim.Options) *sim.Network {
	t.Helper()
	n, err := sim.Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := n.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return n
}

// client returns the network's client of one carrier.
func client(t testing.TB, n *sim.Network, code string, timeout time.Duration) *sim.Client {
	t.Helper()
	c, err := sim.NewClient(sim.ClientConfig{URL: n.URL(), APIKey: n.APIKey(), Carrier: code, Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// purchase is a valid purchase for the first service of a carrier, with a fresh key and
// reference.
func purchase(t testing.TB, c carrier.Carrier) carrier.PurchaseRequest {
	t.Helper()
	svc := c.Services()[0]
	a, ok := carriertest.SampleAddresses(svc.Markets[0])
	if !ok {
		t.Fatalf("no sample address in %s", svc.Markets[0])
	}
	return carrier.PurchaseRequest{
		IdempotencyKey: carriertest.NewKey(), Reference: "pkg_" + carriertest.NewKey(), Service: svc.Code,
		From: a.From, To: a.To, Parcel: carrier.Parcel{WeightG: 450, LengthMM: 200, WidthMM: 150, HeightMM: 50},
	}
}

// asError is errors.As for *carrier.Error.
func asError(err error, e **carrier.Error) bool { return errors.As(err, e) }

func openAppend(path string) (*os.File, error) { return os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0) }

// carrierKey is the i-th key of a benchmark.
func carrierKey(i int) string { return "bench-" + strconv.Itoa(i) }

// atomicCounter hands out 0, 1, 2, … to parallel benchmark goroutines.
type atomicCounter struct{ n atomic.Int64 }

func (c *atomicCounter) add() int { return int(c.n.Add(1) - 1) }
