package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// ChangeAllocation implements store.Stock: a batch of one.
func (s *Store) ChangeAllocation(ctx context.Context, shopIDs []string, orderID string, fn store.AllocateFunc) (*store.Allocation, error) {
	res, err := s.ChangeAllocations(ctx, shopIDs, []string{orderID}, fn)
	if err != nil {
		return nil, err
	}
	return res[0].Allocation, res[0].Err
}

// ChangeAllocations implements store.Stock. It locks the orders FOR UPDATE in id order (two
// requests for one order run one after the other), then the stock rows of their SKUs in their
// shops FOR UPDATE in (warehouse, SKU) order, the order every stock transaction locks in.
func (s *Store) ChangeAllocations(ctx context.Context, shopIDs []string, orderIDs []string, fn store.AllocateFunc) ([]store.AllocationResult, error) {
	ids := slices.Compact(slices.Sorted(slices.Values(orderIDs)))
	var results []store.AllocationResult
	err := s.inTx(ctx, store.DescribeAllocations(orderIDs), func(tx pgx.Tx) error {
		results = nil // the transaction may be retried
		b := &store.AllocationBatch{Orders: map[string]*model.Order{}, Allocations: map[string]*store.Allocation{},
			Warehouses: map[string][]model.Warehouse{}}
		rows, err := tx.Query(ctx, `SELECT `+orderColumns+` FROM orders WHERE id = ANY($1) AND shop_id = ANY($2) ORDER BY id FOR UPDATE`, ids, shopIDs)
		if err != nil {
			return err
		}
		if err := scanOrders(rows, func(o model.Order) { b.Orders[o.ID] = &o }); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `SELECT `+allocationColumns+` FROM allocations WHERE order_id = ANY($1)`, ids)
		if err != nil {
			return err
		}
		allocs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Allocation, error) { return scanAllocation(r) })
		if err != nil {
			return err
		}
		for i := range allocs {
			b.Allocations[allocs[i].OrderID] = &allocs[i]
		}
		shops := b.Shops()
		whs, err := listWarehouses(ctx, tx, shops, "ORDER BY id")
		if err != nil {
			return err
		}
		for _, w := range whs {
			b.Warehouses[w.ShopID] = append(b.Warehouses[w.ShopID], w)
		}
		keys := b.Keys()
		var skus []string
		for _, k := range keys {
			skus = append(skus, k.SKU)
		}
		slices.Sort(skus)
		b.Balances, b.Stamps, err = lockBalances(ctx, tx, `SELECT warehouse_id, sku, on_hand, reserved, safety_stock, updated_at
			FROM stock WHERE shop_id = ANY($1) AND sku = ANY($2) ORDER BY warehouse_id, sku FOR UPDATE`, keys, shops, slices.Compact(skus))
		if err != nil {
			return err
		}
		before := maps.Clone(b.Balances)
		res, entries, writes := b.Run(orderIDs, fn)
		if err := writeLedger(ctx, tx, entries, b.Stamps, writes); err != nil {
			return err
		}
		low, err := store.AllocationLowJobs(before, entries, txSubscriptions(ctx, tx))
		if err != nil {
			return err
		}
		if err := s.insertJobs(ctx, tx, low); err != nil {
			return err
		}
		results = res
		return nil
	})
	if err != nil {
		return nil, err
	}
	return results, nil
}

// writeLedger appends entries to the ledger, writes the balances they leave and upserts allocs,
// in one round trip. stamps (the balances' times) move forward to the entries' (store.Touched).
func writeLedger(ctx context.Context, tx pgx.Tx, entries []store.LedgerEntry, stamps map[store.StockKey]time.Time, allocs []store.Allocation) error {
	var b pgx.Batch
	for _, e := range entries {
		b.Queue(`INSERT INTO stock_movements (shop_id, warehouse_id, sku, kind, quantity, reason, actor, at, order_id,
			on_hand_after, reserved_after, safety_after) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			e.ShopID, e.WarehouseID, e.SKU, string(e.Kind), e.Quantity, e.Reason, e.Actor, e.At, e.OrderID,
			e.After.OnHand, e.After.Reserved, e.After.SafetyStock)
	}
	keys, last := store.Touched(entries, stamps)
	for _, k := range keys {
		e := last[k]
		b.Queue(`INSERT INTO stock (warehouse_id, sku, shop_id, on_hand, reserved, safety_stock, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (warehouse_id, sku) DO UPDATE SET on_hand = excluded.on_hand, reserved = excluded.reserved,
				safety_stock = excluded.safety_stock, updated_at = excluded.updated_at`,
			k.WarehouseID, k.SKU, e.ShopID, e.After.OnHand, e.After.Reserved, e.After.SafetyStock, stamps[k])
	}
	for _, a := range allocs {
		doc, err := json.Marshal(a.Decision)
		if err != nil {
			return fmt.Errorf("encode allocation of %s: %w", a.OrderID, err)
		}
		b.Queue(`INSERT INTO allocations (`+allocationColumns+`) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (order_id) DO UPDATE SET status = excluded.status, doc = excluded.doc, updated_at = excluded.updated_at`,
			a.OrderID, a.ShopID, string(a.Status), doc, a.CreatedAt, a.UpdatedAt)
	}
	if b.Len() == 0 {
		return nil
	}
	if err := tx.SendBatch(ctx, &b).Close(); err != nil {
		return fmt.Errorf("write %d stock movements and %d allocations: %w", len(entries), len(allocs), err)
	}
	return nil
}
