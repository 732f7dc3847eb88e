package sim_test

import (
	"context"
	"testing"

	"lastmile/internal/carrier"
	"lastmile/internal/carrier/sim"
)

// benchPurchases buys b.N labels over loopback HTTP with latency 0 and no faults: the cost of
// the protocol, the pricing, the number and the label check, not of a simulated delay.
func benchPurchases(b *testing.B, code string, parallel bool) {
	n := start(b, sim.Options{Now: fixedNow})
	c := client(b, n, code, 0)
	template := purchase(b, c)
	one := func(i int) {
		req := template
		req.IdempotencyKey = carrierKey(i)
		req.Reference = req.IdempotencyKey
		if _, err := c.Purchase(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	if parallel {
		var next atomicCounter
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				one(next.add())
			}
		})
	} else {
		for i := range b.N {
			one(i)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "labels/s")
}

// BenchmarkPurchase: one client buying labels one after another (a label-data carrier, and UPS,
// whose PDF document is rendered on every answer).
func BenchmarkPurchase(b *testing.B) {
	b.Run("usps", func(b *testing.B) { benchPurchases(b, "usps", false) })
	b.Run("ups-pdf", func(b *testing.B) { benchPurchases(b, "ups", false) })
}

// BenchmarkPurchaseParallel: GOMAXPROCS clients buying at once.
func BenchmarkPurchaseParallel(b *testing.B) {
	b.Run("usps", func(b *testing.B) { benchPurchases(b, "usps", true) })
}

// BenchmarkPurchaseReplay: the answer to a retry with a key already seen.
func BenchmarkPurchaseReplay(b *testing.B) {
	n := start(b, sim.Options{Now: fixedNow})
	c := client(b, n, "usps", 0)
	req := purchase(b, c)
	if _, err := c.Purchase(context.Background(), req); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := c.Purchase(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
}

var _ carrier.Carrier = (*sim.Client)(nil)
