package shipping_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"lastmile/internal/carrier/sim"
	"lastmile/internal/shipping"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// faults counts the calls the network failed on purpose.
func (e *env) faults() (n int64) {
	for _, c := range e.net.Stats().Carriers {
		n += c.Faults
	}
	return n
}

// TestPurchaseHedgesAHungCall: a purchase call that hangs is raced by a second call with the
// same idempotency key after PurchaseHedgeAfter, so the order ships in about that time rather
// than after the call's own timeout (5 s here), and the carrier still sells one label.
func TestPurchaseHedgesAHungCall(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		opt := envOptions{config: shipping.Config{PurchaseTimeout: 20 * time.Second, PurchaseHedgeAfter: 200 * time.Millisecond, SyncAttempts: 1}}
		opt.sim.Faults, opt.sim.FaultRate, opt.sim.Seed, opt.sim.HangFor = []sim.Fault{sim.FaultTimeout}, 0.3, 5, 30*time.Second
		e := newEnv(t, st, opt)
		e.warehouse(t, "LAX1", 100, "TS-RED-M")
		var ids []string
		for i := range 6 {
			ids = append(ids, e.put(t, true, e.usOrder(fmt.Sprintf("H-%d", i), line("TS-RED-M", 1)))[0].ID)
		}
		start := time.Now()
		for _, id := range ids {
			if _, err := e.ship.Ship(ctx, e.scope, id, shipping.Options{}); err != nil {
				t.Fatalf("ship %s: %v", id, err)
			}
		}
		took := time.Since(start)
		if e.faults() == 0 {
			t.Fatal("no call hung: the seed no longer tests the hedge; pick another")
		}
		if took > 4*time.Second {
			t.Errorf("6 orders with %d hung calls took %s: the hung calls were not hedged", e.faults(), took)
		}
		if labels, repeats := e.labels(); labels != len(ids) || repeats != 0 {
			t.Fatalf("sim: %d labels, %d repeats; want %d and 0", labels, repeats, len(ids))
		}
	})
}

// TestPurchaseRetriesQuickFailures: a call answered 503, or whose connection dropped after the
// label was sold, is tried again within the same purchase (same key), so the order ships in
// one pass and the carrier sells one label; with PurchaseCalls 1 the same failures reach the
// caller.
func TestPurchaseRetriesQuickFailures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		for _, calls := range []int{3, 1} {
			opt := envOptions{config: shipping.Config{PurchaseCalls: calls, SyncAttempts: 1}}
			opt.sim.Faults, opt.sim.FaultRate, opt.sim.Seed = []sim.Fault{sim.FaultServerError, sim.FaultDrop}, 0.3, 3
			e := newEnv(t, st, opt)
			e.warehouse(t, "LAX1", 100, "TS-RED-M")
			failed := 0
			for i := range 8 {
				o := e.put(t, true, e.usOrder(fmt.Sprintf("Q-%d", i), line("TS-RED-M", 1)))[0]
				if _, err := e.ship.Ship(ctx, e.scope, o.ID, shipping.Options{}); err != nil {
					failed++
				}
			}
			if e.faults() == 0 {
				t.Fatal("no call failed: the seed no longer tests the retry; pick another")
			}
			switch {
			case calls > 1 && failed > 0:
				t.Errorf("%d calls a purchase: %d of 8 orders failed with %d faults; want every one shipped", calls, failed, e.faults())
			case calls == 1 && failed == 0:
				t.Errorf("1 call a purchase: no order failed with %d faults; the test cannot tell a retry", e.faults())
			}
			if labels, repeats := e.labels(); repeats != 0 || labels != 8-failed && calls > 1 {
				t.Fatalf("sim: %d labels, %d repeats; want %d and 0", labels, repeats, 8-failed)
			}
		}
	})
}
