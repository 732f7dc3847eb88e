package order

import (
	"context"
	"encoding/json"
	"fmt"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// EventGate reports whether anyone listens to a shop's events of type typ (notify's
// Subscribed). The order writes ask it before their transaction: events nobody listens to are
// not enqueued, which keeps the bulk upsert, the hottest write path, as cheap as without events.
type EventGate func(ctx context.Context, shopID, typ string) (bool, error)

// WithEvents makes the Service enqueue order.created and order.updated notify.event jobs, in
// the transaction of the change, for the shops gate says are listened to, and returns it.
func (s *Service) WithEvents(gate EventGate) *Service {
	s.events = gate
	return s
}

// wants asks the gate about typ for shopID; no gate: no events.
func (s *Service) wants(ctx context.Context, shopID, typ string) (bool, error) {
	if s.events == nil {
		return false, nil
	}
	ok, err := s.events(ctx, shopID, typ)
	if err != nil {
		return false, fmt.Errorf("webhook subscriptions of shop %s: %w", shopID, err)
	}
	return ok, nil
}

// orderEvent is the notify.event job of typ for o: its data is the order as the API shows it.
func orderEvent(typ string, o *model.Order) (store.Job, error) {
	data, err := json.Marshal(o)
	if err != nil {
		return store.Job{}, fmt.Errorf("order %s event: %w", o.ID, err)
	}
	return store.NewJob(model.NotifyEvent{Type: typ, ShopID: o.ShopID, OrderID: o.ID, ID: o.ID, Data: data})
}

// upsertJobs gives the events of a merged batch of shopID, or nil when nobody listens.
func (s *Service) upsertJobs(ctx context.Context, shopID string) (store.UpsertJobsFunc, error) {
	created, err := s.wants(ctx, shopID, model.EventOrderCreated)
	if err != nil {
		return nil, err
	}
	updated, err := s.wants(ctx, shopID, model.EventOrderUpdated)
	if err != nil || (!created && !updated) {
		return nil, err
	}
	return func(results []store.UpsertResult) ([]store.Job, error) {
		var jobs []store.Job
		for i := range results {
			r := &results[i]
			var typ string
			switch {
			case r.Err != nil:
				continue
			case r.Outcome == model.OutcomeCreated && created:
				typ = model.EventOrderCreated
			case r.Outcome == model.OutcomeUpdated && updated:
				typ = model.EventOrderUpdated
			default:
				continue
			}
			j, err := orderEvent(typ, &r.Order)
			if err != nil {
				return nil, err
			}
			jobs = append(jobs, j)
		}
		return jobs, nil
	}, nil
}

// update is UpdateOrder with an order.updated event when fn changed the order and the shop is
// listened to. The gate is asked before the transaction, for every shop of the scope (the
// order's shop is known only inside it).
func (s *Service) update(ctx context.Context, scope model.Scope, id string, fn func(*model.Order) (bool, error)) (model.Order, error) {
	listened := map[string]bool{}
	for _, sh := range scope.ShopIDs {
		ok, err := s.wants(ctx, sh, model.EventOrderUpdated)
		if err != nil {
			return model.Order{}, err
		}
		listened[sh] = ok
	}
	return s.store.UpdateOrderJobs(ctx, scope.ShopIDs, id, func(o *model.Order) (bool, []store.Job, error) {
		changed, err := fn(o)
		if err != nil || !changed || !listened[o.ShopID] {
			return changed, nil, err
		}
		j, err := orderEvent(model.EventOrderUpdated, o)
		if err != nil {
			return false, nil, err
		}
		return true, []store.Job{j}, nil
	})
}
