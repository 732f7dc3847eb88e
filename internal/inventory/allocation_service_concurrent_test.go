package inventory_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"lastmile/internal/inventory"
	"lastmile/internal/model"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// outcome is what one Allocate call returned.
type outcome struct {
	a   store.Allocation
	err error
}

// allocateAll allocates every order of ids from workers goroutines at once, each order once,
// and returns the outcomes in ids' order. opt gives each order's options.
func allocateAll(e *env, ids []string, workers int, opt func(i int) inventory.AllocateOptions) []outcome {
	out := make([]outcome, len(ids))
	next := make(chan int)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for i := range next {
				a, err := e.svc.Allocate(context.Background(), e.scope, ids[i], opt(i))
				out[i] = outcome{a, err}
			}
		}()
	}
	close(start)
	for i := range ids {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

func noSplit(int) inventory.AllocateOptions { return inventory.AllocateOptions{} }

// TestAllocateNeverOversells is the acceptance test (R-ORD-8): 500 confirmed orders of
// one unit race for 100 units from 32 goroutines. Exactly 100 win; every other order is refused
// for insufficient stock and reserves nothing; the ledger holds one reservation per winner and
// replays to the stored level.
func TestAllocateNeverOversells(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		w := e.warehouse(t, usWarehouse("LAX1", 3))
		e.setOnHand(t, w.ID, "SKU-1", 100)
		orders := make([]model.Order, 500)
		for i := range orders {
			orders[i] = e.order(fmt.Sprintf("RACE-%03d", i), orderLine("SKU-1", 1))
		}
		ids := e.confirmed(t, orders...)

		res := allocateAll(e, ids, 32, noSplit)

		won := map[string]bool{}
		refused := 0
		for i, r := range res {
			switch {
			case r.err == nil:
				won[ids[i]] = true
				if r.a.OrderID != ids[i] || r.a.Status != store.AllocationReserved || !slices.Equal(packages(r.a.Decision), []string{w.ID + ":SKU-1×1"}) {
					t.Errorf("order %s: allocation %s %s %v", ids[i], r.a.OrderID, r.a.Status, packages(r.a.Decision))
				}
			default:
				var ue *inventory.UnallocatableError
				if !errors.As(r.err, &ue) || ue.Decision.Reason != inventory.ReasonInsufficientStock {
					t.Errorf("order %s: err = %v, want an UnallocatableError for insufficient_stock", ids[i], r.err)
					continue
				}
				refused++
			}
		}
		if len(won) != 100 || refused != 400 {
			t.Fatalf("%d allocated, %d refused; want 100 and 400", len(won), refused)
		}
		if got, want := e.level(t, w.ID, "SKU-1"), model.NewBalance(100, 100, 0); got != want {
			t.Errorf("level = %+v, want %+v", got, want)
		}

		recs := e.checkReplay(t, w.ID, "SKU-1")
		if k := kinds(recs); k[model.MoveReserve] != 100 || k[model.MoveAdjust] != 1 || len(recs) != 101 {
			t.Errorf("ledger kinds %v in %d entries, want 1 adjust and 100 reserves", k, len(recs))
		}
		reservedFor := map[string]bool{}
		for _, r := range recs {
			if r.Kind != model.MoveReserve {
				continue
			}
			if r.Quantity != 1 || !won[r.OrderID] || reservedFor[r.OrderID] {
				t.Errorf("reserve entry %d: %d units for order %s (allocated %v, reserved before %v)", r.Seq, r.Quantity, r.OrderID, won[r.OrderID], reservedFor[r.OrderID])
			}
			reservedFor[r.OrderID] = true
		}
		// The crossing to nothing-left-to-sell happened in exactly one transaction.
		if got := e.alerts.of(store.StockKey{WarehouseID: w.ID, SKU: "SKU-1"}); len(got) != 1 || got[0].Available != 0 || got[0].Reserved != 100 {
			t.Errorf("low-stock alerts = %+v, want exactly one at 100 reserved", got)
		}
	})
}

// TestAllocateNeverOversellsMixed races orders of 1–3 units of one or two of 3 SKUs stocked
// unevenly in 2 warehouses, half of them allowed to split. Every balance must hold exactly what
// the successful allocations say they took, and replay from its ledger.
func TestAllocateNeverOversellsMixed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		w1 := e.warehouse(t, usWarehouse("LAX1", 3))
		w2 := e.warehouse(t, usWarehouse("ONT2", 4))
		skus := []string{"SKU-A", "SKU-B", "SKU-C"}
		onHand := map[store.StockKey]int64{
			{WarehouseID: w1.ID, SKU: "SKU-A"}: 60, {WarehouseID: w1.ID, SKU: "SKU-B"}: 40, {WarehouseID: w1.ID, SKU: "SKU-C"}: 5,
			{WarehouseID: w2.ID, SKU: "SKU-A"}: 30, {WarehouseID: w2.ID, SKU: "SKU-C"}: 50,
		}
		for k, n := range onHand {
			e.setOnHand(t, k.WarehouseID, k.SKU, n)
		}
		rng := rand.New(rand.NewPCG(4, 2))
		orders := make([]model.Order, 300)
		wantLines := make([]map[string]int64, len(orders))
		for i := range orders {
			perm := rng.Perm(len(skus))
			var lines []model.Line
			wantLines[i] = map[string]int64{}
			for _, j := range perm[:1+rng.IntN(2)] {
				q := int64(1 + rng.IntN(3))
				lines = append(lines, orderLine(skus[j], q))
				wantLines[i][skus[j]] = q
			}
			orders[i] = e.order(fmt.Sprintf("MIX-%03d", i), lines...)
		}
		ids := e.confirmed(t, orders...)

		res := allocateAll(e, ids, 32, func(i int) inventory.AllocateOptions { return inventory.AllocateOptions{AllowSplit: i%2 == 1} })

		taken := map[store.StockKey]int64{}
		allocated := 0
		for i, r := range res {
			if r.err != nil {
				d := unallocatable(t, r.err)
				if d.Reason != inventory.ReasonInsufficientStock && d.Reason != inventory.ReasonSplitForbidden {
					t.Errorf("order %d refused for %q", i, d.Reason)
				}
				if d.Reason == inventory.ReasonSplitForbidden && i%2 == 1 {
					t.Errorf("order %d may split, yet was refused for split_forbidden", i)
				}
				continue
			}
			allocated++
			if len(r.a.Decision.Allocations) > 1 && i%2 == 0 {
				t.Errorf("order %d was split without AllowSplit: %v", i, packages(r.a.Decision))
			}
			got := map[string]int64{}
			for _, p := range r.a.Decision.Allocations {
				for _, l := range p.Lines {
					if _, dup := got[l.SKU]; dup {
						t.Errorf("order %d: %s is in two packages (R-MODE-6): %v", i, l.SKU, packages(r.a.Decision))
					}
					got[l.SKU] = l.Quantity
					taken[store.StockKey{WarehouseID: p.WarehouseID, SKU: l.SKU}] += l.Quantity
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(wantLines[i]) {
				t.Errorf("order %d: allocated %v, ordered %v", i, got, wantLines[i])
			}
		}
		if allocated == 0 || allocated == len(ids) {
			t.Fatalf("%d of %d orders allocated: the test wants contention, some winning and some losing", allocated, len(ids))
		}
		for _, wh := range []string{w1.ID, w2.ID} {
			for _, sku := range skus {
				k := store.StockKey{WarehouseID: wh, SKU: sku}
				b := e.level(t, wh, sku)
				if b.Reserved != taken[k] || b.OnHand != onHand[k] {
					t.Errorf("%s in %s: level %+v; want %d on hand and %d reserved, as the allocations took", sku, wh, b, onHand[k], taken[k])
				}
				if b.Reserved > b.OnHand {
					t.Errorf("%s in %s oversold: %+v", sku, wh, b)
				}
				recs := e.checkReplay(t, wh, sku)
				var reserves int64
				for _, r := range recs {
					if r.Kind == model.MoveReserve {
						reserves += r.Quantity
					}
				}
				if reserves != taken[k] {
					t.Errorf("%s in %s: ledger reserves %d units, allocations %d", sku, wh, reserves, taken[k])
				}
			}
		}
	})
}

// TestAllocateIsIdempotent: allocating an allocated order returns the same allocation and
// writes nothing, also when many requests for one order race.
func TestAllocateIsIdempotent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)
		w := e.warehouse(t, usWarehouse("LAX1", 3))
		e.setOnHand(t, w.ID, "SKU-1", 10)
		e.setOnHand(t, w.ID, "SKU-2", 10)

		t.Run("twice in a row", func(t *testing.T) {
			id := e.confirm(t, e.order("IDEM-1", orderLine("SKU-1", 2)))
			first, err := e.svc.Allocate(ctx, e.scope, id, inventory.AllocateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			before := e.ledger(t, inventory.MovementFilter{})
			e.clock.Set(tue0900.Add(7 * time.Hour)) // 16:00, past the cut-off: a fresh decision would differ
			second, err := e.svc.Allocate(ctx, e.scope, id, inventory.AllocateOptions{AllowSplit: true})
			if err != nil {
				t.Fatal(err)
			}
			e.clock.Set(tue0900)
			if jsonOf(t, second) != jsonOf(t, first) {
				t.Errorf("second allocation differs:\n got %s\nwant %s", jsonOf(t, second), jsonOf(t, first))
			}
			stored, err := e.svc.GetAllocation(ctx, e.scope, id)
			if err != nil || jsonOf(t, stored) != jsonOf(t, first) {
				t.Errorf("stored allocation (%v) differs:\n got %s\nwant %s", err, jsonOf(t, stored), jsonOf(t, first))
			}
			if after := e.ledger(t, inventory.MovementFilter{}); len(after) != len(before) {
				t.Errorf("the second allocation appended %d movements", len(after)-len(before))
			}
			if got := e.level(t, w.ID, "SKU-1"); got.Reserved != 2 {
				t.Errorf("reserved = %d, want 2", got.Reserved)
			}
		})

		t.Run("16 at once", func(t *testing.T) {
			id := e.confirm(t, e.order("IDEM-2", orderLine("SKU-2", 3), orderLine("SKU-1", 1)))
			ids := make([]string, 16)
			for i := range ids {
				ids[i] = id
			}
			res := allocateAll(e, ids, 16, noSplit)
			for i, r := range res {
				if r.err != nil {
					t.Fatalf("call %d: %v", i, r.err)
				}
				if jsonOf(t, r.a) != jsonOf(t, res[0].a) {
					t.Errorf("call %d returned a different allocation:\n%s\n%s", i, jsonOf(t, r.a), jsonOf(t, res[0].a))
				}
			}
			recs := e.orderLedger(t, id)
			if k := kinds(recs); len(recs) != 2 || k[model.MoveReserve] != 2 {
				t.Errorf("ledger of the order: %d entries %v, want one reserve per line", len(recs), k)
			}
			if got := e.level(t, w.ID, "SKU-2"); got.Reserved != 3 {
				t.Errorf("SKU-2 reserved = %d, want 3", got.Reserved)
			}
			if got := e.level(t, w.ID, "SKU-1"); got.Reserved != 3 {
				t.Errorf("SKU-1 reserved = %d, want 3 (2 + 1)", got.Reserved)
			}
			e.checkReplay(t, w.ID, "SKU-1")
			e.checkReplay(t, w.ID, "SKU-2")
		})
	})
}
