package inventory_test

import (
	"context"
	"errors"
	"lastmile/internal/inventory"
	"slices"
	"testing"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// wantAction fails unless err is an *order.ActionError (409) for action.
func wantAction(t *testing.T, err error, action string) {
	t.Helper()
	var ae *order.ActionError
	if !errors.As(err, &ae) || ae.Action != action || !errors.Is(err, model.ErrConflict) {
		t.Fatalf("err = %v, want an *order.ActionError for %s (409)", err, action)
	}
}

// ledgerKinds lists the kinds of an order's ledger, in order.
func ledgerKinds(recs []store.MovementRecord) []model.MovementKind {
	var out []model.MovementKind
	for _, r := range recs {
		out = append(out, r.Kind)
	}
	return out
}

// newerVersion stores a newer marketplace version of the order ext in status st, as a
// marketplace push would.
func (e *env) newerVersion(t *testing.T, o model.Order, st model.Status) {
	t.Helper()
	o.Status = st
	o.UpdatedAt = o.UpdatedAt.Add(2 * time.Hour)
	res, err := e.orders.Upsert(context.Background(), e.scope, []model.Order{o}, order.CauseAPI)
	if err != nil || res[0].Err != nil || res[0].Outcome != model.OutcomeUpdated || res[0].Order.Status != st {
		t.Fatalf("upsert %s as %s: %v %+v", o.ExternalID, st, err, res)
	}
}

func TestReleaseSettleSweep(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)
		w := e.warehouse(t, usWarehouse("LAX1", 3))
		e.setOnHand(t, w.ID, "SKU-1", 10)
		e.setOnHand(t, w.ID, "SKU-2", 10)
		o1, o2, o3, o4 := e.order("R-1", orderLine("SKU-1", 3), orderLine("SKU-2", 1)), e.order("R-2", orderLine("SKU-1", 2)),
			e.order("R-3", orderLine("SKU-1", 1)), e.order("R-4", orderLine("SKU-2", 4))
		ids := e.confirmed(t, o1, o2, o3, o4)
		id1, id2, id3, id4 := ids[0], ids[1], ids[2], ids[3]
		wantLevel := func(sku string, onHand, reserved int64) {
			t.Helper()
			if got, want := e.level(t, w.ID, sku), model.NewBalance(onHand, reserved, 0); got != want {
				t.Errorf("%s: level %+v, want %+v", sku, got, want)
			}
		}

		// Release gives the stock back, one release per line, and may be repeated.
		allocate(t, e, id1, inventory.AllocateOptions{})
		wantLevel("SKU-1", 10, 3)
		e.clock.Set(tue0900.Add(time.Hour))
		a, err := e.svc.Release(ctx, e.scope, id1, "  moving it to another warehouse ")
		if err != nil {
			t.Fatal(err)
		}
		if a.Status != store.AllocationReleased || !a.UpdatedAt.Equal(tue0900.Add(time.Hour)) {
			t.Errorf("released allocation: status %s, updated %s", a.Status, a.UpdatedAt)
		}
		wantLevel("SKU-1", 10, 0)
		wantLevel("SKU-2", 10, 0)
		recs := e.orderLedger(t, id1)
		if got := ledgerKinds(recs); !slices.Equal(got, []model.MovementKind{"reserve", "reserve", "release", "release"}) {
			t.Fatalf("ledger of the order: %v", got)
		}
		for _, r := range recs[2:] {
			if r.Reason != "moving it to another warehouse" || r.Actor != "key:"+e.scope.KeyID || r.OrderID != id1 {
				t.Errorf("release entry: reason %q actor %q order %s", r.Reason, r.Actor, r.OrderID)
			}
		}
		if _, err := e.svc.Release(ctx, e.scope, id1, "again"); err != nil {
			t.Fatalf("second release: %v", err)
		}
		if n := len(e.orderLedger(t, id1)); n != 4 {
			t.Errorf("a second release wrote %d movements", n-4)
		}
		wantLevel("SKU-1", 10, 0)

		// An order that holds no stock cannot be released.
		_, err = e.svc.Release(ctx, e.scope, id2, "")
		wantAction(t, err, "release")
		if n := len(e.orderLedger(t, id2)); n != 0 {
			t.Errorf("a refused release wrote %d movements", n)
		}

		// A released order is allocated afresh.
		a = allocate(t, e, id1, inventory.AllocateOptions{})
		if a.Status != store.AllocationReserved {
			t.Errorf("re-allocated: status %s", a.Status)
		}
		wantLevel("SKU-1", 10, 3)
		wantLevel("SKU-2", 10, 1)

		// Cancelling the order, then settling it, releases its stock; settling again does nothing.
		if _, err := e.orders.Cancel(ctx, e.scope, id1, "buyer_request", order.CauseAPI); err != nil {
			t.Fatal(err)
		}
		changed, err := e.svc.Settle(ctx, e.scope.ShopIDs, id1)
		if err != nil || !changed {
			t.Fatalf("settle a cancelled order: changed %v, err %v", changed, err)
		}
		wantLevel("SKU-1", 10, 0)
		wantLevel("SKU-2", 10, 0)
		recs = e.orderLedger(t, id1)
		if last := recs[len(recs)-1]; last.Kind != model.MoveRelease || last.Reason != "order cancelled: buyer_request" {
			t.Errorf("last entry: %s %q", last.Kind, last.Reason)
		}
		if changed, err := e.svc.Settle(ctx, e.scope.ShopIDs, id1); err != nil || changed {
			t.Errorf("settle again: changed %v, err %v", changed, err)
		}
		if got, _ := e.svc.GetAllocation(ctx, e.scope, id1); got.Status != store.AllocationReleased {
			t.Errorf("allocation of the cancelled order: %s", got.Status)
		}

		// The marketplace reports o2 in transit and o3 cancelled; the sweep settles both.
		allocate(t, e, id2, inventory.AllocateOptions{})
		allocate(t, e, id3, inventory.AllocateOptions{})
		allocate(t, e, id4, inventory.AllocateOptions{})
		wantLevel("SKU-1", 10, 3)
		e.newerVersion(t, o2, model.StatusInTransit)
		e.newerVersion(t, o3, model.StatusCancelled)

		// Its goods have left: o2's reservation must not come back for sale.
		_, err = e.svc.Release(ctx, e.scope, id2, "")
		wantAction(t, err, "release")
		wantLevel("SKU-1", 10, 3)

		n, err := e.svc.Sweep(ctx, 100)
		if err != nil || n != 2 {
			t.Fatalf("sweep settled %d (err %v), want 2", n, err)
		}
		wantLevel("SKU-1", 8, 0) // o2's 2 shipped, o3's 1 released
		wantLevel("SKU-2", 10, 4)
		if got := ledgerKinds(e.orderLedger(t, id2)); !slices.Equal(got, []model.MovementKind{"reserve", "ship"}) {
			t.Errorf("ledger of the shipped order: %v", got)
		}
		if got := ledgerKinds(e.orderLedger(t, id3)); !slices.Equal(got, []model.MovementKind{"reserve", "release"}) {
			t.Errorf("ledger of the cancelled order: %v", got)
		}
		for id, want := range map[string]store.AllocationStatus{id2: store.AllocationShipped, id3: store.AllocationReleased, id4: store.AllocationReserved} {
			if got, err := e.svc.GetAllocation(ctx, e.scope, id); err != nil || got.Status != want {
				t.Errorf("allocation of %s: %s (%v), want %s", id, got.Status, err, want)
			}
		}
		if n, err := e.svc.Sweep(ctx, 100); err != nil || n != 0 {
			t.Errorf("second sweep settled %d (err %v), want 0", n, err)
		}

		// Shipped stock is gone: releasing it is refused and changes nothing; allocating it
		// again returns the shipped allocation.
		_, err = e.svc.Release(ctx, e.scope, id2, "")
		wantAction(t, err, "release")
		if a := allocate(t, e, id2, inventory.AllocateOptions{}); a.Status != store.AllocationShipped {
			t.Errorf("allocate a shipped order: status %s", a.Status)
		}
		wantLevel("SKU-1", 8, 0)
		for _, sku := range []string{"SKU-1", "SKU-2"} {
			e.checkReplay(t, w.ID, sku)
		}
	})
}

// TestSweepGoesPastAnOrderItCannotSettle: a shipped order whose units a count wrote off cannot
// ship in the ledger; it is reported, and the orders after it are still settled.
func TestSweepGoesPastAnOrderItCannotSettle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)
		w := e.warehouse(t, usWarehouse("LAX1", 3))
		e.setOnHand(t, w.ID, "SKU-1", 2)
		e.setOnHand(t, w.ID, "SKU-2", 5)
		stuck, later := e.order("P-1", orderLine("SKU-1", 2)), e.order("P-2", orderLine("SKU-2", 1))
		ids := e.confirmed(t, stuck, later)
		if ids[0] >= ids[1] {
			t.Fatalf("ids %v: the stuck order must be listed first", ids)
		}
		allocate(t, e, ids[0], inventory.AllocateOptions{})
		allocate(t, e, ids[1], inventory.AllocateOptions{})
		if _, err := e.svc.Record(ctx, e.scope, entry(w.ID, "SKU-1", model.MoveWriteOff, 1, "damaged")); err != nil {
			t.Fatal(err)
		}
		e.newerVersion(t, stuck, model.StatusInTransit)
		e.newerVersion(t, later, model.StatusCancelled)

		n, err := e.svc.Sweep(ctx, 100)
		if n != 1 || !errors.Is(err, model.ErrNegativeStock) {
			t.Fatalf("sweep settled %d, err %v; want 1 and the stuck order's negative stock", n, err)
		}
		if got := e.level(t, w.ID, "SKU-2"); got != model.NewBalance(5, 0, 0) {
			t.Errorf("the cancelled order's stock: %+v, want released", got)
		}
		if got := e.level(t, w.ID, "SKU-1"); got != model.NewBalance(1, 2, 0) {
			t.Errorf("the stuck order's stock: %+v, want it still reserved", got)
		}
		if a, _ := e.svc.GetAllocation(ctx, e.scope, ids[0]); a.Status != store.AllocationReserved {
			t.Errorf("stuck allocation: %s, want reserved", a.Status)
		}
	})
}
