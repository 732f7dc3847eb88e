package inventory

import (
	"context"
	"fmt"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// EventGate reports whether anyone listens to a shop's events of type typ (notify's
// Subscribed); it is asked before the stock transaction.
type EventGate func(ctx context.Context, shopID, typ string) (bool, error)

// WithEvents makes the Service enqueue a stock.low notify.event job, in the transaction of the
// stock change, for every balance the change leaves with nothing to sell beyond its safety stock
// that had some before (model.Balance.Low), for the shops gate says are listened to; and
// returns it.
func (s *Service) WithEvents(gate EventGate) *Service {
	s.events = gate
	return s
}

// lowJobs gives the stock.low jobs of a change of shopID's stock, or nil when nobody listens.
func (s *Service) lowJobs(ctx context.Context, shopID string) (store.StockJobsFunc, error) {
	if s.events == nil {
		return nil, nil
	}
	ok, err := s.events(ctx, shopID, model.EventStockLow)
	if err != nil {
		return nil, fmt.Errorf("webhook subscriptions of shop %s: %w", shopID, err)
	}
	if !ok {
		return nil, nil
	}
	return func(before map[store.StockKey]model.Balance, after []store.StockLevel) ([]store.Job, error) {
		var jobs []store.Job
		for _, l := range after {
			if !l.LowStock || before[store.StockKey{WarehouseID: l.WarehouseID, SKU: l.SKU}].Low() {
				continue
			}
			j, err := stockLowEvent(l)
			if err != nil {
				return nil, err
			}
			jobs = append(jobs, j)
		}
		return jobs, nil
	}, nil
}

// stockLowEvent is the stock.low job of level l (store.StockLowEvent).
func stockLowEvent(l store.StockLevel) (store.Job, error) {
	ev, err := store.StockLowEvent(l)
	if err != nil {
		return store.Job{}, err
	}
	return store.NewJob(ev)
}
