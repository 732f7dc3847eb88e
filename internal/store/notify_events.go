package store

import (
	"encoding/json"
	"fmt"

	"lastmile/internal/model"
)

// NotifyBatchSize is the most events one notify.events job carries: a bulk write of 10,000
// orders enqueues 20 jobs rather than 10,000, and no job's arguments grow past about a megabyte.
const NotifyBatchSize = 500

// NotifyJobs packs events (of any shops, in the order they happened) into jobs: a shop's lone
// event is one notify.event job, several are notify.events jobs (model.NotifyEventBatch) of up
// to NotifyBatchSize events each, in order.
func NotifyJobs(events []model.NotifyEvent) ([]Job, error) {
	var shops []string
	byShop := map[string][]model.NotifyEvent{}
	for _, ev := range events {
		if _, ok := byShop[ev.ShopID]; !ok {
			shops = append(shops, ev.ShopID)
		}
		byShop[ev.ShopID] = append(byShop[ev.ShopID], ev)
	}
	var jobs []Job
	for _, shop := range shops {
		evs := byShop[shop]
		if len(evs) == 1 {
			j, err := NewJob(evs[0])
			if err != nil {
				return nil, err
			}
			jobs = append(jobs, j)
			continue
		}
		for len(evs) > 0 {
			chunk := evs[:min(NotifyBatchSize, len(evs))]
			evs = evs[len(chunk):]
			b := model.NotifyEventBatch{ShopID: shop}
			if err := b.PackEvents(chunk); err != nil {
				return nil, err
			}
			seen := map[string]bool{}
			for _, ev := range chunk {
				if ev.OrderID != "" && !seen[ev.OrderID] {
					seen[ev.OrderID] = true
					b.OrderIDs = append(b.OrderIDs, ev.OrderID)
				}
			}
			j, err := NewJob(b)
			if err != nil {
				return nil, err
			}
			jobs = append(jobs, j)
		}
	}
	return jobs, nil
}

// OrderWrites are the order rows one transaction inserted and updated. Every driver's order
// write (the upsert, UpdateOrder, a shipping change, a clock change) hands its rows to Jobs in
// its transaction: the one place order.created and order.updated are emitted, so that every
// change of an order — a status move by shipping (AWAITING_COLLECTION), by the tracker
// (IN_TRANSIT, DELIVERED), by the marketplace (a cancellation) as much as one through the order
// API — emits its event exactly once, committed with the change.
type OrderWrites struct {
	Created []model.Order
	Updated []model.Order
}

// Jobs returns the notify jobs of the writes for the shops whose subscriptions (enabled or not:
// a disabled one keeps its deliveries queued) take the event's type; subs gives a shop's
// subscriptions, read in the transaction. A shop nobody listens to costs one read and no job.
func (w OrderWrites) Jobs(subs SubscriptionsFunc) ([]Job, error) {
	if len(w.Created) == 0 && len(w.Updated) == 0 {
		return nil, nil
	}
	wants := listens(subs)
	var events []model.NotifyEvent
	for _, set := range []struct {
		typ    string
		orders []model.Order
	}{{model.EventOrderCreated, w.Created}, {model.EventOrderUpdated, w.Updated}} {
		for i := range set.orders {
			o := &set.orders[i]
			ok, err := wants(o.ShopID, set.typ)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			ev, err := OrderEvent(set.typ, o)
			if err != nil {
				return nil, err
			}
			events = append(events, ev)
		}
	}
	return NotifyJobs(events)
}

// OrderEvent is the event typ of o: its id is the order's, its data the order as the API shows it.
func OrderEvent(typ string, o *model.Order) (model.NotifyEvent, error) {
	data, err := json.Marshal(o)
	if err != nil {
		return model.NotifyEvent{}, fmt.Errorf("order %s event: %w", o.ID, err)
	}
	return model.NotifyEvent{Type: typ, ShopID: o.ShopID, OrderID: o.ID, ID: o.ID, Data: data}, nil
}

// SubscriptionsFunc gives a shop's webhook subscriptions, read in the caller's transaction.
type SubscriptionsFunc func(shopID string) ([]model.WebhookSubscription, error)

// listens returns a function that reports whether a subscription of a shop (enabled or not: a
// disabled one keeps its deliveries queued) takes events of a type, reading each shop's
// subscriptions once.
func listens(subs SubscriptionsFunc) func(shopID, typ string) (bool, error) {
	read := map[string][]model.WebhookSubscription{}
	return func(shopID, typ string) (bool, error) {
		list, ok := read[shopID]
		if !ok {
			var err error
			if list, err = subs(shopID); err != nil {
				return false, fmt.Errorf("webhook subscriptions of shop %s: %w", shopID, err)
			}
			read[shopID] = list
		}
		for i := range list {
			if list[i].Wants(typ) {
				return true, nil
			}
		}
		return false, nil
	}
}

// AllocationLowJobs are the stock.low events of an allocation batch (R-INV-3): one for each
// balance its movements (entries) took from something to sell beyond the safety stock to
// nothing (model.Balance.Low), as the stock writes emit them, for the shops listened to.
// before holds the balances as loaded, before the batch ran. A reservation is what usually
// does it: it is how an order takes stock.
func AllocationLowJobs(before map[StockKey]model.Balance, entries []LedgerEntry, subs SubscriptionsFunc) ([]Job, error) {
	wants := listens(subs)
	type last struct {
		shop string
		e    LedgerEntry
	}
	var keys []StockKey
	after := map[StockKey]last{}
	for _, e := range entries {
		k := StockKey{WarehouseID: e.WarehouseID, SKU: e.SKU}
		if _, ok := after[k]; !ok {
			keys = append(keys, k)
		}
		after[k] = last{shop: e.ShopID, e: e}
	}
	var events []model.NotifyEvent
	for _, k := range keys {
		a := after[k]
		if before[k].Low() || !a.e.After.Low() {
			continue
		}
		ok, err := wants(a.shop, model.EventStockLow)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		ev, err := StockLowEvent(NewStockLevel(a.shop, k, a.e.After, a.e.At))
		if err != nil {
			return nil, err
		}
		events = append(events, ev)
	}
	return NotifyJobs(events)
}

// StockLowEvent is the stock.low event of level l: its data is the level as the API shows it,
// its id "WAREHOUSE_ID/SKU".
func StockLowEvent(l StockLevel) (model.NotifyEvent, error) {
	data, err := json.Marshal(l)
	if err != nil {
		return model.NotifyEvent{}, fmt.Errorf("stock.low event of %s/%s: %w", l.WarehouseID, l.SKU, err)
	}
	return model.NotifyEvent{Type: model.EventStockLow, ShopID: l.ShopID, ID: l.WarehouseID + "/" + l.SKU, Data: data}, nil
}
