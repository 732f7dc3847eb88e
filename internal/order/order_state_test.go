package order_test

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/order"
)

// Short names for the nine statuses, so the matrices below read as tables.
const (
	unpaid     = model.StatusUnpaid
	onHold     = model.StatusOnHold
	awaitShip  = model.StatusAwaitingShipment
	partial    = model.StatusPartiallyShipping
	awaitColl  = model.StatusAwaitingCollection
	inTransit  = model.StatusInTransit
	delivered  = model.StatusDelivered
	completed  = model.StatusCompleted
	cancelled  = model.StatusCancelled
	notAStatus = model.Status("SHIPPED")
)

// allowedSteps is the one-step lifecycle of docs/rules.md (R-ORD), written out independently of the
// code's table: the platform's forward path, PARTIALLY_SHIPPING for multi-package orders, the
// skips the platform makes itself, and CANCELLED from every state before delivery.
var allowedSteps = map[model.Status][]model.Status{
	unpaid:    {onHold, awaitShip, cancelled},
	onHold:    {awaitShip, cancelled},
	awaitShip: {partial, awaitColl, inTransit, cancelled},
	partial:   {awaitColl, inTransit, cancelled},
	awaitColl: {inTransit, cancelled},
	inTransit: {delivered, cancelled},
	delivered: {completed}, // docs/rules.md: no cancellation once delivered (returns are separate)
	completed: {},          // final
	cancelled: {},          // final
}

func TestStatusesAreTheNineOfTheLifecycle(t *testing.T) {
	t.Parallel()
	want := []model.Status{unpaid, onHold, awaitShip, partial, awaitColl, inTransit, delivered, completed, cancelled}
	if !slices.Equal(model.Statuses, want) {
		t.Fatalf("model.Statuses = %v, want %v", model.Statuses, want)
	}
}

// cloneOrder returns a deep copy of o, so a later comparison catches writes through shared
// slices and pointers.
func cloneOrder(o model.Order) model.Order {
	c := o
	c.Lines = slices.Clone(o.Lines)
	c.History = slices.Clone(o.History)
	if o.PaidAt != nil {
		t := *o.PaidAt
		c.PaidAt = &t
	}
	if o.ConfirmedAt != nil {
		t := *o.ConfirmedAt
		c.ConfirmedAt = &t
	}
	if o.COD != nil {
		m := *o.COD
		c.COD = &m
	}
	return c
}

// orderIn returns a stored order in status s with one earlier event and version 3.
func orderIn(s model.Status) model.Order {
	t0 := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	paid := t0.Add(time.Minute)
	return model.Order{
		ID: "ord_1", ShopID: "shop_1", ExternalID: "EXT-1", Market: "US", Currency: "USD", Status: s,
		CreatedAt: t0, PaidAt: &paid, UpdatedAt: paid,
		Lines:      []model.Line{{SKU: "TSHIRT-RED-M", Quantity: 2, UnitPrice: model.Money{Amount: 1299, Currency: "USD"}}},
		History:    []model.Event{{At: t0, Kind: model.EventCreated, To: s, Cause: "test"}},
		ReceivedAt: t0, ModifiedAt: t0, Version: 3,
	}
}

func TestTransitionEveryPair(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 21, 8, 30, 0, 0, time.UTC)
	pairs := 0
	for _, from := range model.Statuses {
		for _, to := range model.Statuses {
			pairs++
			allowed := slices.Contains(allowedSteps[from], to)
			t.Run(string(from)+"_to_"+string(to), func(t *testing.T) {
				t.Parallel()
				if got := order.CanTransition(from, to); got != allowed {
					t.Fatalf("CanTransition(%s, %s) = %v, want %v", from, to, got, allowed)
				}
				o := orderIn(from)
				before := cloneOrder(o)
				err := order.Transition(&o, to, at, "test-cause", "test-reason")
				if allowed {
					if err != nil {
						t.Fatalf("Transition: %v", err)
					}
					if o.Status != to {
						t.Errorf("Status = %s, want %s", o.Status, to)
					}
					if len(o.History) != len(before.History)+1 {
						t.Fatalf("history has %d events, want %d", len(o.History), len(before.History)+1)
					}
					if !reflect.DeepEqual(o.History[:len(before.History)], before.History) {
						t.Errorf("earlier history changed: %+v", o.History[:len(before.History)])
					}
					wantEv := model.Event{At: at, Kind: "transition", From: from, To: to, Cause: "test-cause", Reason: "test-reason"}
					if ev := o.History[len(o.History)-1]; !reflect.DeepEqual(ev, wantEv) {
						t.Errorf("event = %+v, want %+v", ev, wantEv)
					}
					if o.Version != before.Version+1 {
						t.Errorf("Version = %d, want %d", o.Version, before.Version+1)
					}
					if !o.ModifiedAt.Equal(at) {
						t.Errorf("ModifiedAt = %v, want %v", o.ModifiedAt, at)
					}
					// Nothing but status, history, version and modified time moves.
					o.Status, o.History, o.Version, o.ModifiedAt = before.Status, before.History, before.Version, before.ModifiedAt
					if !reflect.DeepEqual(o, before) {
						t.Errorf("other fields changed:\n got %+v\nwant %+v", o, before)
					}
					return
				}
				if err == nil {
					t.Fatalf("Transition(%s → %s) succeeded, want a *TransitionError", from, to)
				}
				var te *order.TransitionError
				if !errors.As(err, &te) {
					t.Fatalf("error %T %v is not a *TransitionError", err, err)
				}
				if te.From != from || te.To != to {
					t.Errorf("TransitionError{From: %s, To: %s}, want {%s, %s}", te.From, te.To, from, to)
				}
				if !errors.Is(err, model.ErrConflict) {
					t.Errorf("error %v does not unwrap to model.ErrConflict", err)
				}
				if msg := err.Error(); !strings.Contains(msg, string(from)) || !strings.Contains(msg, string(to)) {
					t.Errorf("message %q does not name both %s and %s", msg, from, to)
				}
				if !reflect.DeepEqual(o, before) {
					t.Errorf("refused transition changed the order:\n got %+v\nwant %+v", o, before)
				}
			})
		}
	}
	if pairs != 81 {
		t.Fatalf("checked %d pairs, want 81", pairs)
	}
}

func TestCanTransitionUnknownStatus(t *testing.T) {
	t.Parallel()
	for _, s := range model.Statuses {
		if order.CanTransition(s, notAStatus) || order.CanTransition(notAStatus, s) {
			t.Errorf("a step between %s and the unknown status %s is allowed", s, notAStatus)
		}
	}
}

func TestReachable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from, to model.Status
		want     bool
	}{
		// one step
		{unpaid, onHold, true},
		{inTransit, delivered, true},
		{delivered, completed, true},
		// forward jumps of several steps (a snapshot that missed the steps between)
		{unpaid, awaitShip, true},
		{unpaid, inTransit, true},
		{unpaid, delivered, true},
		{unpaid, completed, true},
		{onHold, partial, true},
		{onHold, completed, true},
		{awaitShip, delivered, true},
		{partial, completed, true},
		{awaitColl, completed, true},
		{inTransit, completed, true},
		// cancellation from every state before delivery, also as a jump
		{unpaid, cancelled, true},
		{partial, cancelled, true},
		{inTransit, cancelled, true},
		// DELIVERED cannot become CANCELLED, not even in several steps
		{delivered, cancelled, false},
		{completed, cancelled, false},
		// backwards
		{onHold, unpaid, false},
		{awaitShip, onHold, false},
		{inTransit, awaitShip, false},
		{awaitColl, partial, false},
		{delivered, inTransit, false},
		{completed, delivered, false},
		{completed, unpaid, false},
		// sideways: collection is after partial shipping, never before
		{awaitColl, awaitShip, false},
		// finals reach nothing
		{cancelled, unpaid, false},
		{cancelled, awaitShip, false},
		{cancelled, delivered, false},
		{cancelled, completed, false},
		// a status does not reach itself
		{unpaid, unpaid, false},
		{awaitShip, awaitShip, false},
		{delivered, delivered, false},
		{completed, completed, false},
		{cancelled, cancelled, false},
		// unknown statuses
		{unpaid, notAStatus, false},
		{notAStatus, completed, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.from)+"_to_"+string(tt.to), func(t *testing.T) {
			t.Parallel()
			if got := order.Reachable(tt.from, tt.to); got != tt.want {
				t.Errorf("Reachable(%s, %s) = %v, want %v", tt.from, tt.to, got, tt.want)
			}
		})
	}
}

func TestReachableFromFinalStatuses(t *testing.T) {
	t.Parallel()
	for _, final := range []model.Status{completed, cancelled} {
		for _, to := range model.Statuses {
			if order.Reachable(final, to) {
				t.Errorf("Reachable(%s, %s) = true; %s is final", final, to, final)
			}
		}
	}
}
