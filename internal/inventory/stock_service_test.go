package inventory_test

import (
	"context"
	"errors"
	"lastmile/internal/inventory"
	"testing"

	"lastmile/internal/model"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

func TestSetStock(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)
		w := e.warehouse(t, usWarehouse("LAX1", 3))

		refused := []struct {
			name string
			sku  string
			t    inventory.Target
			want []string
		}{
			{"on hand changes without a reason", "SKU-1", target(ptr(5), nil, " "), []string{"missing_field reason"}},
			{"negative figures", "SKU-1", target(ptr(-1), ptr(-2), "count"), []string{"out_of_range on_hand", "out_of_range safety_stock"}},
			{"nothing to set", "SKU-1", target(nil, nil, "count"), []string{"missing_field on_hand"}},
			{"a SKU with spaces around it", " SKU-1", target(ptr(5), nil, "count"), []string{"invalid_value sku"}},
		}
		for _, tc := range refused {
			_, err := e.svc.SetStock(ctx, e.scope, w.ID, tc.sku, tc.t)
			t.Run(tc.name, func(t *testing.T) { wantFields(t, err, tc.want...) })
		}
		if recs := e.ledger(t, mf()); len(recs) != 0 {
			t.Fatalf("refused counts wrote %d movements", len(recs))
		}
		if _, err := e.svc.SetStock(ctx, e.scope, "wh_missing", "SKU-1", target(ptr(5), nil, "count")); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("unknown warehouse: err = %v, want ErrNotFound", err)
		}

		// A safety stock alone needs no reason; setting what is there appends nothing.
		l, err := e.svc.SetStock(ctx, e.scope, w.ID, "SKU-1", target(nil, ptr(2), ""))
		if err != nil || l.Balance != model.NewBalance(0, 0, 2) {
			t.Fatalf("set safety stock: %+v %v", l, err)
		}
		l, err = e.svc.SetStock(ctx, e.scope, w.ID, "SKU-1", target(ptr(10), ptr(2), "cycle count"))
		if err != nil || l.Balance != model.NewBalance(10, 0, 2) || l.LowStock {
			t.Fatalf("count: %+v %v", l, err)
		}
		before := len(e.ledger(t, mf()))
		if _, err := e.svc.SetStock(ctx, e.scope, w.ID, "SKU-1", target(ptr(10), ptr(2), "")); err != nil {
			t.Fatalf("same count again: %v", err)
		}
		if n := len(e.ledger(t, mf())); n != before {
			t.Errorf("an unchanged count wrote %d movements", n-before)
		}
		recs := e.checkReplay(t, w.ID, "SKU-1")
		if len(recs) != 2 || recs[0].Kind != model.MoveSetSafetyStock || recs[1].Kind != model.MoveAdjust ||
			recs[1].Quantity != 10 || recs[1].Reason != "cycle count" || recs[1].Actor != "key:"+e.scope.KeyID {
			t.Errorf("ledger: %+v", recs)
		}

		// A count below what is reserved is what is on the shelf: accepted, over-reserved.
		id := e.confirm(t, e.order("C-1", orderLine("SKU-1", 6)))
		allocate(t, e, id, inventory.AllocateOptions{})
		l, err = e.svc.SetStock(ctx, e.scope, w.ID, "SKU-1", target(ptr(4), nil, "shelf count"))
		if err != nil || l.OverReserved() != 2 || l.Available != 0 || !l.LowStock {
			t.Errorf("count below reserved: %+v %v", l, err)
		}
		e.checkReplay(t, w.ID, "SKU-1")
	})
}

func TestRecord(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)
		w := e.warehouse(t, usWarehouse("LAX1", 3))
		e.setOnHand(t, w.ID, "SKU-1", 5)

		for _, tc := range []struct {
			name string
			e    inventory.Entry
			want []string
		}{
			{"reserve comes only from orders", entry(w.ID, "SKU-1", model.MoveReserve, 1, "x"), []string{"invalid_value kind"}},
			{"ship comes only from orders", entry(w.ID, "SKU-1", model.MoveShip, 1, "x"), []string{"invalid_value kind"}},
			{"release comes only from orders", entry(w.ID, "SKU-1", model.MoveRelease, 1, "x"), []string{"invalid_value kind"}},
			{"a write-off needs a reason", entry(w.ID, "SKU-1", model.MoveWriteOff, 1, ""), []string{"missing_field reason"}},
			{"an adjustment is not zero", entry(w.ID, "SKU-1", model.MoveAdjust, 0, "count"), []string{"out_of_range quantity"}},
			{"a receipt is positive", entry(w.ID, "SKU-1", model.MoveReceive, -3, ""), []string{"out_of_range quantity"}},
			{"everything at once", entry("", "", "steal", 0, ""), []string{"missing_field warehouse_id", "missing_field sku", "invalid_value kind", "out_of_range quantity"}},
		} {
			_, err := e.svc.Record(ctx, e.scope, tc.e)
			t.Run(tc.name, func(t *testing.T) { wantFields(t, err, tc.want...) })
		}

		_, err := e.svc.Record(ctx, e.scope, entry(w.ID, "SKU-1", model.MoveWriteOff, 6, "damaged"))
		if !errors.Is(err, model.ErrConflict) || !errors.Is(err, model.ErrNegativeStock) {
			t.Errorf("write-off beyond on hand: err = %v, want ErrConflict (negative stock)", err)
		}
		if _, err := e.svc.Record(ctx, e.scope, entry("wh_missing", "SKU-1", model.MoveReceive, 1, "")); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("unknown warehouse: err = %v, want ErrNotFound", err)
		}
		if got := e.level(t, w.ID, "SKU-1"); got != model.NewBalance(5, 0, 0) {
			t.Errorf("level after refused entries: %+v", got)
		}

		steps := []struct {
			e    inventory.Entry
			want model.Balance
		}{
			{entry(w.ID, "SKU-1", model.MoveReceive, 7, "PO-17"), model.NewBalance(12, 0, 0)},
			{entry(w.ID, "SKU-1", model.MoveWriteOff, 2, "damaged"), model.NewBalance(10, 0, 0)},
			{entry(w.ID, "SKU-1", model.MoveAdjust, -4, "count"), model.NewBalance(6, 0, 0)},
			{entry(w.ID, "SKU-1", model.MoveReturnRestock, 1, "RMA-3"), model.NewBalance(7, 0, 0)},
		}
		for _, s := range steps {
			l, err := e.svc.Record(ctx, e.scope, s.e)
			if err != nil || l.Balance != s.want || l.ShopID != e.shop.ID {
				t.Errorf("%s %d: level %+v (%v), want %+v", s.e.Kind, s.e.Quantity, l, err, s.want)
			}
		}
		recs := e.checkReplay(t, w.ID, "SKU-1")
		if len(recs) != 5 {
			t.Errorf("%d ledger entries, want 5", len(recs))
		}
	})
}

// TestLowStockAlert: the alert fires once when a balance becomes low (nothing left to sell
// beyond its safety stock), stays quiet while it stays low, and fires again after a restock
// when it runs low again, whichever call makes the change.
func TestLowStockAlert(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)
		w := e.warehouse(t, usWarehouse("LAX1", 3))
		key := store.StockKey{WarehouseID: w.ID, SKU: "SKU-1"}
		orders := e.confirmed(t, e.order("A-1", orderLine("SKU-1", 2)), e.order("A-2", orderLine("SKU-1", 1)),
			e.order("A-3", orderLine("SKU-1", 1)), e.order("A-4", orderLine("SKU-1", 5)), e.order("A-5", orderLine("SKU-2", 1)))
		wantAlerts := func(step string, n int) {
			t.Helper()
			if got := e.alerts.of(key); len(got) != n {
				t.Fatalf("%s: %d alerts, want %d: %+v", step, len(got), n, got)
			}
		}
		do := func(step string, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("%s: %v", step, err)
			}
		}

		e.setOnHand(t, w.ID, "SKU-1", 3)
		wantAlerts("stocked", 0)
		allocate(t, e, orders[0], inventory.AllocateOptions{})
		wantAlerts("1 left", 0)
		allocate(t, e, orders[1], inventory.AllocateOptions{})
		wantAlerts("sold out", 1)
		if got := e.alerts.of(key)[0]; got.Balance != model.NewBalance(3, 3, 0) || !got.LowStock || got.ShopID != e.shop.ID {
			t.Errorf("alert: %+v", got)
		}

		// Still low: nothing more, whatever changes.
		_, err := e.svc.Allocate(ctx, e.scope, orders[2], inventory.AllocateOptions{})
		unallocatable(t, err)
		_, err = e.svc.SetStock(ctx, e.scope, w.ID, "SKU-1", target(nil, ptr(1), ""))
		do("safety stock", err)
		_, err = e.svc.Record(ctx, e.scope, entry(w.ID, "SKU-1", model.MoveReceive, 1, "PO-1"))
		do("receive 1", err)
		_, err = e.svc.Record(ctx, e.scope, entry(w.ID, "SKU-1", model.MoveWriteOff, 1, "damaged"))
		do("write off 1", err)
		wantAlerts("still low", 1)

		// Restocked, then low again through an allocation…
		_, err = e.svc.Record(ctx, e.scope, entry(w.ID, "SKU-1", model.MoveReceive, 6, "PO-2")) // 9 on hand, 3 reserved
		do("restock", err)
		wantAlerts("restocked", 1)
		allocate(t, e, orders[3], inventory.AllocateOptions{}) // 8 reserved: 1 left, the safety stock
		wantAlerts("low again", 2)
		if got := e.alerts.of(key)[1]; got.Balance != model.NewBalance(9, 8, 1) {
			t.Errorf("second alert: %+v", got)
		}

		// …and through a count, after a release made it sellable.
		_, err = e.svc.Release(ctx, e.scope, orders[3], "")
		do("release", err)
		wantAlerts("released", 2)
		_, err = e.svc.SetStock(ctx, e.scope, w.ID, "SKU-1", target(ptr(4), nil, "count"))
		do("count", err)
		wantAlerts("counted low", 3)

		// Another SKU's balance is its own: allocating from an empty shelf alerts nothing.
		_, err = e.svc.Allocate(ctx, e.scope, orders[4], inventory.AllocateOptions{})
		unallocatable(t, err)
		e.alerts.mu.Lock()
		total := len(e.alerts.list)
		e.alerts.mu.Unlock()
		if total != 3 {
			t.Errorf("%d alerts in all, want 3", total)
		}
	})
}
