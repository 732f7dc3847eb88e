package tiktok_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/marketplace/tiktok/sim"
)

// BenchmarkSyncOrders pages every order of a shop from the sim the way an initial sync does
// (orders/search by update_time, 100 a page, signed, over loopback HTTP) and maps each with
// ToOrder. It reports orders/s, the share of the wall time the sim spent answering
// (sim_%: reading, searching, encoding, writing) and the share spent in ToOrder (map_%); the
// rest is the client's request building, signing, HTTP and JSON decoding, and the kernel.
// LASTMILE_BENCH_TIKTOK_ORDERS sets the number of orders (default 100,000).
func BenchmarkSyncOrders(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("LASTMILE_BENCH_TIKTOK_ORDERS")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	shop := sim.Shop{ID: "7495540735365779999", Name: "Bench US", Market: "US", SellerID: "bench"}
	s, err := sim.Start(ctx, sim.Options{Shops: []sim.Shop{shop}, Tick: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.CreateOrders(shop.ID, n); err != nil {
		b.Fatal(err)
	}
	c, err := tiktok.New(tiktok.Config{AppKey: s.AppKey(), AppSecret: s.AppSecret(), APIBase: s.URL()})
	if err != nil {
		b.Fatal(err)
	}
	code, _ := s.Authorize(shop.ID)
	tok, err := c.GetToken(ctx, code)
	if err != nil {
		b.Fatal(err)
	}
	tokens := c.Tokens(tok, nil)
	sc := c.Shop(tokens, s.Shops()[0].Cipher)
	var orders int64
	var wall, inSim, inMap time.Duration
	b.ResetTimer()
	for b.Loop() {
		simBefore := s.Stats().HandlerNanos
		start := time.Now()
		got := 0
		err := sc.EachOrderPage(ctx, tiktok.OrderQuery{}, tiktok.Page{Size: tiktok.MaxOrderPageSize, SortField: "update_time", SortOrder: "ASC"},
			func(p tiktok.OrderPage) error {
				t0 := time.Now()
				for _, o := range p.Orders {
					if _, err := tiktok.ToOrder(o, "shop"); err != nil {
						return err
					}
				}
				inMap += time.Since(t0)
				got += len(p.Orders)
				return nil
			})
		if err != nil {
			b.Fatal(err)
		}
		if got != n {
			b.Fatalf("synced %d orders of %d", got, n)
		}
		wall += time.Since(start)
		inSim += time.Duration(s.Stats().HandlerNanos - simBefore)
		orders += int64(got)
	}
	b.ReportMetric(float64(orders)/wall.Seconds(), "orders/s")
	b.ReportMetric(100*inSim.Seconds()/wall.Seconds(), "sim_%")
	b.ReportMetric(100*inMap.Seconds()/wall.Seconds(), "map_%")
}
