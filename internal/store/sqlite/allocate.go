package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

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

// ChangeAllocations implements store.Stock. The write transaction holds the database from the
// first read to the commit; the steps themselves run in memory (store.AllocationBatch.Run).
func (s *Store) ChangeAllocations(ctx context.Context, shopIDs []string, orderIDs []string, fn store.AllocateFunc) ([]store.AllocationResult, error) {
	var results []store.AllocationResult
	err := s.inTx(ctx, store.DescribeAllocations(orderIDs), func(tx *sql.Tx) error {
		b, err := loadAllocationBatch(ctx, tx, shopIDs, orderIDs)
		if err != nil {
			return err
		}
		results = nil
		before := maps.Clone(b.Balances)
		res, entries, writes := b.Run(orderIDs, fn)
		if err := writeLedger(ctx, tx, entries, b.Stamps); err != nil {
			return err
		}
		if err := writeAllocations(ctx, tx, writes); err != nil {
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

// loadAllocationBatch reads the orders of ids within shopIDs, their allocations, their shops'
// warehouses and every balance their steps may read.
func loadAllocationBatch(ctx context.Context, tx *sql.Tx, shopIDs, ids []string) (*store.AllocationBatch, error) {
	b := &store.AllocationBatch{Orders: map[string]*model.Order{}, Allocations: map[string]*store.Allocation{},
		Warehouses: map[string][]model.Warehouse{}}
	if len(shopIDs) == 0 {
		b.Balances = map[store.StockKey]model.Balance{}
		return b, nil
	}
	uniq := slices.Compact(slices.Sorted(slices.Values(ids)))
	for rest := uniq; len(rest) > 0; {
		chunk := rest[:min(lookupChunk, len(rest))]
		rest = rest[len(chunk):]
		args := append(anys(chunk), anys(shopIDs)...)
		rows, err := tx.QueryContext(ctx, `SELECT `+orderColumns+` FROM orders WHERE id IN (`+placeholders(len(chunk))+
			`) AND shop_id IN (`+placeholders(len(shopIDs))+`)`, args...)
		if err != nil {
			return nil, err
		}
		if err := scanOrders(rows, func(o model.Order) { b.Orders[o.ID] = &o }); err != nil {
			return nil, err
		}
		rows, err = tx.QueryContext(ctx, `SELECT `+allocationColumns+` FROM allocations WHERE order_id IN (`+placeholders(len(chunk))+`)`, anys(chunk)...)
		if err != nil {
			return nil, err
		}
		err = func() error {
			defer rows.Close()
			for rows.Next() {
				a, err := scanAllocation(rows)
				if err != nil {
					return err
				}
				b.Allocations[a.OrderID] = &a
			}
			return rows.Err()
		}()
		if err != nil {
			return nil, err
		}
	}
	for _, shop := range b.Shops() {
		whs, err := listWarehouses(ctx, tx, []string{shop})
		if err != nil {
			return nil, err
		}
		slices.SortFunc(whs, func(a, b model.Warehouse) int { return strings.Compare(a.ID, b.ID) })
		b.Warehouses[shop] = whs
	}
	var err error
	b.Balances, b.Stamps, err = loadBalances(ctx, tx, b.Keys())
	return b, err
}

// ledgerRows is how many movements one INSERT carries.
const ledgerRows = 64

const movementColumns = `shop_id, warehouse_id, sku, kind, quantity, reason, actor, at, order_id, on_hand_after, reserved_after, safety_after`

// writeLedger appends entries to the ledger and writes the balances they leave, with multi-row
// statements: an allocation batch writes hundreds of each. stamps (the balances' times) move
// forward to the entries' (store.Touched).
func writeLedger(ctx context.Context, tx *sql.Tx, entries []store.LedgerEntry, stamps map[store.StockKey]time.Time) error {
	for rest := entries; len(rest) > 0; {
		chunk := rest[:min(ledgerRows, len(rest))]
		rest = rest[len(chunk):]
		args := make([]any, 0, 12*len(chunk))
		for _, e := range chunk {
			args = append(args, e.ShopID, e.WarehouseID, e.SKU, string(e.Kind), e.Quantity, e.Reason, e.Actor, micros(e.At),
				e.OrderID, e.After.OnHand, e.After.Reserved, e.After.SafetyStock)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO stock_movements (`+movementColumns+`) VALUES `+rowsOf(12, len(chunk)), args...); err != nil {
			return fmt.Errorf("append %d stock movements: %w", len(chunk), err)
		}
	}
	keys, last := store.Touched(entries, stamps)
	for rest := keys; len(rest) > 0; {
		chunk := rest[:min(ledgerRows, len(rest))]
		rest = rest[len(chunk):]
		args := make([]any, 0, 7*len(chunk))
		for _, k := range chunk {
			e := last[k]
			args = append(args, k.WarehouseID, k.SKU, e.ShopID, e.After.OnHand, e.After.Reserved, e.After.SafetyStock, micros(stamps[k]))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO stock (warehouse_id, sku, shop_id, on_hand, reserved, safety_stock, updated_at)
			VALUES `+rowsOf(7, len(chunk))+`
			ON CONFLICT (warehouse_id, sku) DO UPDATE SET on_hand = excluded.on_hand, reserved = excluded.reserved,
				safety_stock = excluded.safety_stock, updated_at = excluded.updated_at`, args...); err != nil {
			return fmt.Errorf("write %d stock balances: %w", len(chunk), err)
		}
	}
	return nil
}

// writeAllocations upserts allocations.
func writeAllocations(ctx context.Context, tx *sql.Tx, allocs []store.Allocation) error {
	for rest := allocs; len(rest) > 0; {
		chunk := rest[:min(ledgerRows, len(rest))]
		rest = rest[len(chunk):]
		args := make([]any, 0, 6*len(chunk))
		for _, a := range chunk {
			doc, err := json.Marshal(a.Decision)
			if err != nil {
				return fmt.Errorf("encode allocation of %s: %w", a.OrderID, err)
			}
			args = append(args, a.OrderID, a.ShopID, string(a.Status), string(doc), micros(a.CreatedAt), micros(a.UpdatedAt))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO allocations (`+allocationColumns+`) VALUES `+rowsOf(6, len(chunk))+`
			ON CONFLICT (order_id) DO UPDATE SET status = excluded.status, doc = excluded.doc, updated_at = excluded.updated_at`, args...); err != nil {
			return fmt.Errorf("write %d allocations: %w", len(chunk), err)
		}
	}
	return nil
}

// rowsOf returns "(?, …), (?, …)": rows of cols parameters.
func rowsOf(cols, rows int) string {
	row := "(" + placeholders(cols) + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", rows), ", ")
}
