package store

import (
	"fmt"
	"slices"
	"strings"

	"lastmile/internal/model"
)

// ApplyMovements applies moves in order to balances, each with model.Balance.Apply, and updates
// balances in place: the one rule every driver uses before it writes a balance. It returns the
// balance each movement left. A movement for a key not in balances, or one Apply refuses, fails
// the whole list; balances may then be partly applied and must be thrown away.
func ApplyMovements(balances map[StockKey]model.Balance, moves []model.Movement) ([]model.Balance, error) {
	after := make([]model.Balance, len(moves))
	for i, m := range moves {
		key := StockKey{WarehouseID: m.WarehouseID, SKU: m.SKU}
		b, ok := balances[key]
		if !ok {
			return nil, fmt.Errorf("movement %d (%s %d of %s in %s): that balance was not loaded under lock", i, m.Kind, m.Quantity, m.SKU, m.WarehouseID)
		}
		nb, err := b.Apply(m)
		if err != nil {
			return nil, err
		}
		balances[key] = nb
		after[i] = nb
	}
	return after, nil
}

// AllocationKeys are the balances an allocation step of o reads: every warehouse of the shop
// (whs) for every SKU of o's lines and of its current allocation, whose lines may no longer be
// the order's. Sorted by warehouse, then SKU: the order in which drivers lock them.
func AllocationKeys(o *model.Order, cur *Allocation, whs []model.Warehouse) []StockKey {
	var skus []string
	for _, l := range o.Lines {
		skus = append(skus, l.SKU)
	}
	if cur != nil {
		for _, a := range cur.Decision.Allocations {
			for _, l := range a.Lines {
				skus = append(skus, l.SKU)
			}
		}
	}
	slices.Sort(skus)
	skus = slices.Compact(skus)
	keys := make([]StockKey, 0, len(whs)*len(skus))
	for _, w := range whs {
		for _, sku := range skus {
			keys = append(keys, StockKey{WarehouseID: w.ID, SKU: sku})
		}
	}
	slices.SortFunc(keys, compareKeys)
	return keys
}

func compareKeys(a, b StockKey) int {
	if c := strings.Compare(a.WarehouseID, b.WarehouseID); c != 0 {
		return c
	}
	return strings.Compare(a.SKU, b.SKU)
}

// SortKeys sorts keys by warehouse, then SKU, and drops duplicates.
func SortKeys(keys []StockKey) []StockKey {
	keys = slices.Clone(keys)
	slices.SortFunc(keys, compareKeys)
	return slices.Compact(keys)
}

// Candidates pairs each warehouse with its balances among keys, for inventory.Decide.
func Candidates(whs []model.Warehouse, keys []StockKey, balances map[StockKey]model.Balance) []model.Candidate {
	out := make([]model.Candidate, len(whs))
	index := make(map[string]int, len(whs))
	for i, w := range whs {
		out[i] = model.Candidate{Warehouse: w, Stock: make(map[string]model.Balance)}
		index[w.ID] = i
	}
	for _, k := range keys {
		if i, ok := index[k.WarehouseID]; ok {
			out[i].Stock[k.SKU] = balances[k]
		}
	}
	return out
}
