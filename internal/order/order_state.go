// Package order is where orders live: the rules (the platform lifecycle as a pure state machine,
// the merge rule that makes marketplace upserts idempotent and order-independent, input
// validation and checks) and the use cases (the Service that the API and workers call, and its
// CSV import, ImportCSV; the format is order/ordercsv). It does no I/O of its own: storage comes
// in through store.Store, time through an injected clock.
package order

import (
	"fmt"
	"time"

	"lastmile/internal/model"
)

// transitions is the table of allowed status changes (docs/rules.md, R-ORD): the platform's forward path
// UNPAID → ON_HOLD → AWAITING_SHIPMENT → AWAITING_COLLECTION → IN_TRANSIT → DELIVERED → COMPLETED,
// PARTIALLY_SHIPPING between AWAITING_SHIPMENT and AWAITING_COLLECTION for multi-package orders,
// skips the platform itself makes (a paid order without a hold, a carrier that scans at pickup),
// and CANCELLED from any state before delivery.
var transitions = map[model.Status][]model.Status{
	model.StatusUnpaid:             {model.StatusOnHold, model.StatusAwaitingShipment, model.StatusCancelled},
	model.StatusOnHold:             {model.StatusAwaitingShipment, model.StatusCancelled},
	model.StatusAwaitingShipment:   {model.StatusPartiallyShipping, model.StatusAwaitingCollection, model.StatusInTransit, model.StatusCancelled},
	model.StatusPartiallyShipping:  {model.StatusAwaitingCollection, model.StatusInTransit, model.StatusCancelled},
	model.StatusAwaitingCollection: {model.StatusInTransit, model.StatusCancelled},
	model.StatusInTransit:          {model.StatusDelivered, model.StatusCancelled},
	model.StatusDelivered:          {model.StatusCompleted},
	model.StatusCompleted:          nil,
	model.StatusCancelled:          nil,
}

// CanTransition reports whether one step from → to is allowed.
func CanTransition(from, to model.Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Reachable reports whether to can be reached from from in one or more allowed steps. A
// marketplace snapshot may jump several steps when lastmile missed the ones between.
func Reachable(from, to model.Status) bool {
	seen := map[model.Status]bool{from: true}
	queue := []model.Status{from}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, next := range transitions[s] {
			if next == to {
				return true
			}
			if !seen[next] {
				seen[next] = true
				queue = append(queue, next)
			}
		}
	}
	return false
}

// TransitionError is an illegal status change. It unwraps to model.ErrConflict (HTTP 409).
type TransitionError struct {
	From, To model.Status
}

func (e *TransitionError) Error() string {
	allowed := transitions[e.From]
	if len(allowed) == 0 {
		return fmt.Sprintf("illegal transition from %s to %s: %s is final", e.From, e.To, e.From)
	}
	return fmt.Sprintf("illegal transition from %s to %s: %s can only move to %v", e.From, e.To, e.From, allowed)
}

func (e *TransitionError) Unwrap() error { return model.ErrConflict }

// Transition moves o to status to in one allowed step, stamping the history with the time and
// cause. An illegal step changes nothing and returns a *TransitionError.
func Transition(o *model.Order, to model.Status, at time.Time, cause, reason string) error {
	if !CanTransition(o.Status, to) {
		return &TransitionError{From: o.Status, To: to}
	}
	o.History = append(o.History, model.Event{At: at, Kind: model.EventTransition, From: o.Status, To: to, Cause: cause, Reason: reason})
	o.Status = to
	touch(o, at)
	return nil
}

// touch records that lastmile changed o at at.
func touch(o *model.Order, at time.Time) {
	o.ModifiedAt = at
	o.Version++
}

// Record adds an event of kind to o's history with its cause and reason, without a change of
// status (e.g. model.EventShippingMode).
func Record(o *model.Order, at time.Time, kind, cause, reason string) {
	o.History = append(o.History, model.Event{At: at, Kind: kind, Cause: cause, Reason: reason})
	touch(o, at)
}
