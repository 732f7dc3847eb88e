package store

import (
	"fmt"
	"slices"
	"time"

	"lastmile/internal/model"
)

// AllocationBatch is what a driver loads, under lock, for ChangeAllocations; Run then does the
// steps in memory, the same for every driver, and the driver writes what Run returns.
type AllocationBatch struct {
	// Orders by id: those of the batch that are in scope.
	Orders map[string]*model.Order
	// Allocations by order id: those the orders have.
	Allocations map[string]*Allocation
	// Warehouses of each order's shop, by shop, sorted by id.
	Warehouses map[string][]model.Warehouse
	// Balances of Keys(), as loaded; Run updates them as the steps go.
	Balances map[StockKey]model.Balance
	// Stamps are the times of the balances that have rows: when each last changed.
	Stamps map[StockKey]time.Time
}

// Shops returns the shops of the loaded orders, sorted.
func (b *AllocationBatch) Shops() []string {
	var shops []string
	for _, o := range b.Orders {
		shops = append(shops, o.ShopID)
	}
	slices.Sort(shops)
	return slices.Compact(shops)
}

// Keys returns every balance the batch reads, sorted and unique: AllocationKeys of each order.
func (b *AllocationBatch) Keys() []StockKey {
	var keys []StockKey
	for id, o := range b.Orders {
		keys = append(keys, AllocationKeys(o, b.Allocations[id], b.Warehouses[o.ShopID])...)
	}
	return SortKeys(keys)
}

// LedgerEntry is a movement ready to write: its shop and the balance it left.
type LedgerEntry struct {
	ShopID string
	model.Movement
	After model.Balance
}

// Run calls fn for each order id in turn. A step that fails (not found, fn's error, a movement
// Apply refuses) leaves no trace; the others' movements and allocations are returned in order
// for the driver to write, and Balances hold the final figures.
func (b *AllocationBatch) Run(orderIDs []string, fn AllocateFunc) ([]AllocationResult, []LedgerEntry, []Allocation) {
	results := make([]AllocationResult, len(orderIDs))
	var entries []LedgerEntry
	var writes []Allocation
	for i, id := range orderIDs {
		o, ok := b.Orders[id]
		if !ok {
			results[i].Err = fmt.Errorf("order %s: %w", id, model.ErrNotFound)
			continue
		}
		cur := b.Allocations[id]
		keys := AllocationKeys(o, cur, b.Warehouses[o.ShopID])
		oc := *o // fn must not change the order; a copy keeps a careless one from leaking into the next step
		ch, err := fn(AllocationInput{Order: &oc, Current: cur, Candidates: Candidates(b.Warehouses[o.ShopID], keys, b.Balances)})
		if err != nil {
			results[i].Err = err
			continue
		}
		trial := make(map[StockKey]model.Balance, len(ch.Movements))
		for _, m := range ch.Movements {
			k := StockKey{WarehouseID: m.WarehouseID, SKU: m.SKU}
			if bal, ok := b.Balances[k]; ok && slices.Contains(keys, k) {
				trial[k] = bal
			}
		}
		after, err := ApplyMovements(trial, ch.Movements)
		if err != nil {
			results[i].Err = err
			continue
		}
		for k, bal := range trial {
			b.Balances[k] = bal
		}
		for j, m := range ch.Movements {
			entries = append(entries, LedgerEntry{ShopID: o.ShopID, Movement: m, After: after[j]})
		}
		results[i].Allocation = cur
		if ch.Allocation != nil {
			a := *ch.Allocation
			a.OrderID, a.ShopID = o.ID, o.ShopID
			if cur != nil {
				a.CreatedAt = cur.CreatedAt
			}
			writes = append(writes, a)
			b.Allocations[id] = &a
			results[i].Allocation = &a
		}
	}
	return results, entries, writes
}

// LedgerEntries applies moves of shopID to balances (ApplyMovements) and returns them as entries
// ready to write.
func LedgerEntries(shopID string, balances map[StockKey]model.Balance, moves []model.Movement) ([]LedgerEntry, error) {
	after, err := ApplyMovements(balances, moves)
	if err != nil {
		return nil, err
	}
	entries := make([]LedgerEntry, len(moves))
	for i, m := range moves {
		entries[i] = LedgerEntry{ShopID: shopID, Movement: m, After: after[i]}
	}
	return entries, nil
}

// Touched returns the keys entries change, sorted, with the last entry of each (its After is the
// balance to write), and moves stamps[k] forward to the latest movement of each: a backdated
// movement does not move a balance's time back.
func Touched(entries []LedgerEntry, stamps map[StockKey]time.Time) ([]StockKey, map[StockKey]LedgerEntry) {
	last := make(map[StockKey]LedgerEntry)
	var keys []StockKey
	for _, e := range entries {
		k := StockKey{WarehouseID: e.WarehouseID, SKU: e.SKU}
		if _, seen := last[k]; !seen {
			keys = append(keys, k)
		}
		last[k] = e
		if e.At.After(stamps[k]) {
			stamps[k] = e.At
		}
	}
	slices.SortFunc(keys, compareKeys)
	return keys, last
}

// DescribeAllocations names an allocation batch in an error.
func DescribeAllocations(orderIDs []string) string {
	if len(orderIDs) == 1 {
		return "allocation of order " + orderIDs[0]
	}
	return fmt.Sprintf("allocation of %d orders", len(orderIDs))
}
