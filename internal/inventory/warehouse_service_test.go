package inventory_test

import (
	"context"
	"errors"
	"testing"

	"lastmile/internal/model"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

func TestCreateWarehouse(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)

		t.Run("every problem at once", func(t *testing.T) {
			_, err := e.svc.CreateWarehouse(ctx, e.scope, model.Warehouse{
				Type: "warehouse", TimeZone: "Mars/Olympus_Mons", CutOff: "25:00", WorkingDays: []string{"mon", "someday"},
				Transit: []model.TransitRule{{Country: "USA", MinDays: 3, MaxDays: 2}},
			})
			wantFields(t, err, "missing_field code", "missing_field name", "invalid_value type", "missing_field address.country",
				"missing_field address.line1", "missing_field address.city",
				"invalid_value time_zone", "invalid_value cut_off", "invalid_value working_days",
				"invalid_value transit[0].country", "invalid_value transit[0].max_days")
			_, err = e.svc.CreateWarehouse(ctx, e.scope, model.Warehouse{Code: "LAX 1", Name: "x", Type: model.WarehouseOverseas,
				Address: usWarehouse("X", 1).Address, TimeZone: "America/Los_Angeles"})
			wantFields(t, err, "invalid_value code")
			if ws, err := e.svc.ListWarehouses(ctx, e.scope); err != nil || len(ws) != 0 {
				t.Errorf("refused warehouses were stored: %v %v", ws, err)
			}
		})

		t.Run("stored as given, with its id and shop", func(t *testing.T) {
			in := usWarehouse("LAX1", 3)
			in.Address.Country = "us"
			w := e.warehouse(t, in)
			if w.ShopID != e.shop.ID || w.ID == "" || w.Address.Country != "US" || !w.CreatedAt.Equal(tue0900) {
				t.Errorf("created %+v", w)
			}
			got, err := e.svc.GetWarehouse(ctx, e.scope, w.ID)
			if err != nil || jsonOf(t, got) != jsonOf(t, w) {
				t.Errorf("stored warehouse (%v):\n got %s\nwant %s", err, jsonOf(t, got), jsonOf(t, w))
			}
		})

		t.Run("a code is unique within the shop", func(t *testing.T) {
			e.warehouse(t, usWarehouse("DUP", 3))
			if _, err := e.svc.CreateWarehouse(ctx, e.scope, usWarehouse("DUP", 5)); !errors.Is(err, model.ErrConflict) {
				t.Errorf("duplicate code: err = %v, want ErrConflict", err)
			}
			other := newEnv(t, st)
			other.warehouse(t, usWarehouse("DUP", 3)) // another shop may use it
		})

		t.Run("a shop the scope does not hold", func(t *testing.T) {
			other := newEnv(t, st)
			w := usWarehouse("X1", 3)
			w.ShopID = other.shop.ID
			if _, err := e.svc.CreateWarehouse(ctx, e.scope, w); !errors.Is(err, model.ErrNotFound) {
				t.Errorf("err = %v, want ErrNotFound", err)
			}
		})
	})
}

// TestScope: another shop's key sees nothing of a shop's warehouses, stock and allocations,
// and changes nothing.
func TestScope(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		a, b := newEnv(t, st), newEnv(t, st)
		w := a.warehouse(t, usWarehouse("LAX1", 3))
		a.setOnHand(t, w.ID, "SKU-1", 10)
		allocated := a.confirm(t, a.order("A-1", orderLine("SKU-1", 2)))
		allocate(t, a, allocated, stockOptions())
		pending := a.confirm(t, a.order("A-2", orderLine("SKU-1", 1)))
		ledgerBefore := len(a.ledger(t, mf()))

		ten := int64(99)
		notFound := map[string]error{}
		_, notFound["GetWarehouse"] = b.svc.GetWarehouse(ctx, b.scope, w.ID)
		_, notFound["ReplaceWarehouse"] = b.svc.ReplaceWarehouse(ctx, b.scope, w.ID, usWarehouse("LAX1", 1))
		_, notFound["SetStock"] = b.svc.SetStock(ctx, b.scope, w.ID, "SKU-1", target(&ten, nil, "count"))
		_, notFound["Record"] = b.svc.Record(ctx, b.scope, entry(w.ID, "SKU-1", model.MoveReceive, 5, "PO"))
		_, notFound["Allocate"] = b.svc.Allocate(ctx, b.scope, pending, stockOptions())
		_, notFound["GetAllocation"] = b.svc.GetAllocation(ctx, b.scope, allocated)
		_, notFound["Release"] = b.svc.Release(ctx, b.scope, allocated, "")
		_, notFound["SuggestSafetyStock"] = b.svc.SuggestSafetyStock(ctx, b.scope, safetyRequest(w.ID, "SKU-1", 5))
		for call, err := range notFound {
			if !errors.Is(err, model.ErrNotFound) {
				t.Errorf("%s from another shop: err = %v, want ErrNotFound", call, err)
			}
		}
		if changed, err := b.svc.Settle(ctx, b.scope.ShopIDs, allocated); err != nil || changed {
			t.Errorf("Settle from another shop: changed %v, err %v", changed, err)
		}
		if ws, err := b.svc.ListWarehouses(ctx, b.scope); err != nil || len(ws) != 0 {
			t.Errorf("ListWarehouses from another shop: %v %v", ws, err)
		}
		if ls, err := b.svc.Levels(ctx, b.scope, levelQuery(w.ID)); err != nil || len(ls) != 0 {
			t.Errorf("Levels from another shop: %v %v", ls, err)
		}
		if ms, err := b.svc.Movements(ctx, b.scope, mf()); err != nil || len(ms) != 0 {
			t.Errorf("Movements from another shop: %d %v", len(ms), err)
		}

		if got, want := a.level(t, w.ID, "SKU-1"), model.NewBalance(10, 2, 0); got != want {
			t.Errorf("level %+v after the other shop's calls, want %+v", got, want)
		}
		if n := len(a.ledger(t, mf())); n != ledgerBefore {
			t.Errorf("the other shop's calls wrote %d movements", n-ledgerBefore)
		}
		if got, err := a.svc.GetWarehouse(ctx, a.scope, w.ID); err != nil || got.Transit[0].MaxDays != 3 {
			t.Errorf("warehouse after the other shop's calls: %+v %v", got, err)
		}
		if _, err := a.svc.GetAllocation(ctx, a.scope, pending); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("the other shop allocated the order: %v", err)
		}
	})
}
