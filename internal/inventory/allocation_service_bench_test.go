package inventory_test

import (
	"context"
	"fmt"
	"lastmile/internal/inventory"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// benchWarehouses are three US warehouses, west, central and east, with transit tables by
// region and postal range (R-INV-1).
func benchWarehouses() []model.Warehouse {
	lax := usWarehouse("LAX1", 5)
	lax.Transit = append(lax.Transit,
		model.TransitRule{Country: "US", Region: "CA", Service: "ground", MinDays: 1, MaxDays: 2},
		model.TransitRule{Country: "US", PostalFrom: "900", PostalTo: "935", Service: "ground", MinDays: 1, MaxDays: 1},
		model.TransitRule{Country: "US", Region: "WA", Service: "ground", MinDays: 2, MaxDays: 3},
		model.TransitRule{Country: "US", Region: "NV", Service: "ground", MinDays: 1, MaxDays: 2})
	dfw := usWarehouse("DFW1", 4)
	dfw.TimeZone, dfw.Address = "America/Chicago", model.Address{Name: "DFW1", Line1: "1 Freight Ln", City: "Dallas", Region: "TX", PostalCode: "75261", Country: "US"}
	dfw.Transit = append(dfw.Transit,
		model.TransitRule{Country: "US", Region: "TX", Service: "ground", MinDays: 1, MaxDays: 1},
		model.TransitRule{Country: "US", Region: "IL", Service: "ground", MinDays: 1, MaxDays: 2},
		model.TransitRule{Country: "US", Region: "FL", Service: "ground", MinDays: 2, MaxDays: 3})
	ewr := usWarehouse("EWR1", 5)
	ewr.TimeZone, ewr.Address = "America/New_York", model.Address{Name: "EWR1", Line1: "1 Port St", City: "Newark", Region: "NJ", PostalCode: "07114", Country: "US"}
	ewr.Transit = append(ewr.Transit,
		model.TransitRule{Country: "US", Region: "NJ", Service: "ground", MinDays: 1, MaxDays: 1},
		model.TransitRule{Country: "US", PostalFrom: "100", PostalTo: "149", Service: "ground", MinDays: 1, MaxDays: 1},
		model.TransitRule{Country: "US", Region: "FL", Service: "ground", MinDays: 2, MaxDays: 2})
	return []model.Warehouse{lax, dfw, ewr}
}

// benchDestinations are where the benchmark's buyers live.
var benchDestinations = []model.Address{
	{City: "Los Angeles", Region: "CA", PostalCode: "90012"},
	{City: "San Francisco", Region: "CA", PostalCode: "94105"},
	{City: "Seattle", Region: "WA", PostalCode: "98101"},
	{City: "Las Vegas", Region: "NV", PostalCode: "89101"},
	{City: "Dallas", Region: "TX", PostalCode: "75201"},
	{City: "Chicago", Region: "IL", PostalCode: "60601"},
	{City: "Miami", Region: "FL", PostalCode: "33101"},
	{City: "New York", Region: "NY", PostalCode: "10001"},
	{City: "Newark", Region: "NJ", PostalCode: "07102"},
	{City: "Denver", Region: "CO", PostalCode: "80202"},
}

const (
	benchSKUs    = 1000
	benchHotSKUs = 10
)

func benchSKU(i int) string { return fmt.Sprintf("SKU-%04d", i) }

// BenchmarkAllocate measures allocation on a SQLite file store as the API drives it: many
// goroutines allocating confirmed orders at once, half of them for one of 10 hot SKUs (so half
// the allocations contend for 10 SKUs' rows), the rest spread over 990 others, in a shop of 3 US
// warehouses with transit tables. Orders are created and confirmed before the timer starts.
func BenchmarkAllocate(b *testing.B) {
	ctx := context.Background()
	e := benchShop(b)
	ids, units := benchOrders(b, e, b.N)

	var next, failed atomic.Int64
	b.SetParallelism(4) // 4 goroutines per CPU: requests wait on the database, not on the CPU
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1) - 1
			if _, err := e.svc.Allocate(ctx, e.scope, ids[i], inventory.AllocateOptions{}); err != nil {
				if failed.Add(1) == 1 {
					b.Errorf("allocate %s: %v", ids[i], err)
				}
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "allocations/s")

	if n := failed.Load(); n > 0 {
		b.Fatalf("%d of %d allocations failed", n, b.N)
	}
	checkReserved(b, e, units)
}

// BenchmarkAllocateBatch is BenchmarkAllocate through AllocateMany: 4 goroutines, each
// allocating batches of 200 orders in one transaction, as a warehouse releasing a wave to
// picking (or POST /v1/orders:allocate) does.
func BenchmarkAllocateBatch(b *testing.B) {
	ctx := context.Background()
	e := benchShop(b)
	ids, units := benchOrders(b, e, b.N)
	const batch = 200
	var next, failed atomic.Int64
	b.SetParallelism(2)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		// pb.Next hands out single iterations; gather up to batch of them, then allocate.
		var mine []string
		flush := func() {
			res, err := e.svc.AllocateMany(ctx, e.scope, mine, inventory.AllocateOptions{})
			if err != nil {
				b.Error(err)
				failed.Add(int64(len(mine)))
			}
			for i, r := range res {
				if r.Err != nil && failed.Add(1) == 1 {
					b.Errorf("allocate %s: %v", mine[i], r.Err)
				}
			}
			mine = mine[:0]
		}
		for pb.Next() {
			mine = append(mine, ids[next.Add(1)-1])
			if len(mine) == batch {
				flush()
			}
		}
		if len(mine) > 0 {
			flush()
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "allocations/s")
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d of %d allocations failed", n, b.N)
	}
	checkReserved(b, e, units)
}

// benchShop is a shop on a SQLite file store with the bench warehouses, each stocked deep.
func benchShop(b *testing.B) *env {
	ctx := context.Background()
	e := newEnv(b, storetest.OpenSQLite(b))
	var whs []model.Warehouse
	for _, w := range benchWarehouses() {
		whs = append(whs, e.warehouse(b, w))
	}
	// Hot SKUs are in every warehouse; each other SKU in two of the three.
	for wi, w := range whs {
		var keys []store.StockKey
		for i := range benchSKUs {
			if i < benchHotSKUs || i%len(whs) != wi {
				keys = append(keys, store.StockKey{WarehouseID: w.ID, SKU: benchSKU(i)})
			}
		}
		_, err := e.st.ChangeStock(ctx, e.shop.ID, keys, func(map[store.StockKey]model.Balance) ([]model.Movement, error) {
			moves := make([]model.Movement, len(keys))
			for i, k := range keys {
				moves[i] = model.Movement{Kind: model.MoveReceive, WarehouseID: k.WarehouseID, SKU: k.SKU, Quantity: 1_000_000,
					Reason: "bench stock", Actor: "bench", At: e.clock.Now()}
			}
			return moves, nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}

	return e
}

// checkReserved fails b unless the stock reserved in e's shop is units: nothing oversold,
// nothing lost.
func checkReserved(b *testing.B, e *env, units int64) {
	ctx := context.Background()
	var reserved int64
	for after := (*store.StockKey)(nil); ; {
		page, err := e.svc.Levels(ctx, e.scope, inventory.LevelQuery{After: after, Limit: store.MaxListLimit})
		if err != nil {
			b.Fatal(err)
		}
		for _, l := range page {
			reserved += l.Reserved
		}
		if len(page) < store.MaxListLimit {
			break
		}
		after = &store.StockKey{WarehouseID: page[len(page)-1].WarehouseID, SKU: page[len(page)-1].SKU}
	}
	if reserved != units {
		b.Fatalf("%d units reserved, the orders hold %d", reserved, units)
	}
}

// benchOrders stores n confirmed orders of one line of 1–2 units, half of them for a hot SKU,
// and returns their ids in a shuffled order and the units they hold.
func benchOrders(b *testing.B, e *env, n int) ([]string, int64) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, uint64(n)))
	orders := make([]model.Order, n)
	var units int64
	for i := range orders {
		sku := benchSKU(benchHotSKUs + rng.IntN(benchSKUs-benchHotSKUs))
		if i%2 == 0 {
			sku = benchSKU(rng.IntN(benchHotSKUs))
		}
		q := int64(1 + rng.IntN(2))
		units += q
		o := e.order(fmt.Sprintf("BENCH-%07d", i), orderLine(sku, q))
		d := benchDestinations[rng.IntN(len(benchDestinations))]
		o.ShippingAddress.City, o.ShippingAddress.Region, o.ShippingAddress.PostalCode = d.City, d.Region, d.PostalCode
		orders[i] = o
	}
	const batch = 2000
	ids := make([]string, 0, n)
	for lo := 0; lo < n; lo += batch {
		res, err := e.orders.Upsert(ctx, e.scope, orders[lo:min(lo+batch, n)], order.CauseAPI)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range res {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
			ids = append(ids, r.Order.ID)
		}
	}
	var wg sync.WaitGroup
	var confirmErr atomic.Value
	const workers = 4
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(ids); i += workers {
				if _, err := e.orders.Confirm(ctx, e.scope, ids[i], order.CauseAPI); err != nil {
					confirmErr.CompareAndSwap(nil, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := confirmErr.Load(); err != nil {
		b.Fatal(err)
	}
	rng.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	return ids, units
}
