package order_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/order"
)

var actionAt = time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)

// orderUnconfirmed is orderIn(s) without a confirmation.
func orderUnconfirmed(s model.Status) model.Order {
	o := orderIn(s)
	o.ConfirmedAt = nil
	return o
}

// R-ORD-3: only a paid order awaiting shipment can be confirmed.
func TestConfirmByStatus(t *testing.T) {
	t.Parallel()
	for _, s := range model.Statuses {
		t.Run(string(s), func(t *testing.T) {
			t.Parallel()
			o := orderUnconfirmed(s)
			before := cloneOrder(o)
			changed, err := order.Confirm(&o, actionAt, "seller")
			if s == awaitShip {
				if err != nil || !changed {
					t.Fatalf("Confirm = %v, %v; want true, nil", changed, err)
				}
				if o.ConfirmedAt == nil || !o.ConfirmedAt.Equal(actionAt) {
					t.Errorf("ConfirmedAt = %v, want %v", o.ConfirmedAt, actionAt)
				}
				wantHistory := append(slicesClone(before.History), model.Event{At: actionAt, Kind: "confirmed", Cause: "seller"})
				if !reflect.DeepEqual(o.History, wantHistory) {
					t.Errorf("History = %+v, want %+v", o.History, wantHistory)
				}
				if o.Status != awaitShip {
					t.Errorf("Status = %s; confirming does not change the status", o.Status)
				}
				if o.Version != before.Version+1 || !o.ModifiedAt.Equal(actionAt) {
					t.Errorf("Version, ModifiedAt = %d, %v; want %d, %v", o.Version, o.ModifiedAt, before.Version+1, actionAt)
				}
				return
			}
			if changed {
				t.Errorf("changed = true for a refused confirmation")
			}
			var ae *order.ActionError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want an *ActionError", err)
			}
			if ae.Status != s || ae.Action != "confirm" {
				t.Errorf("ActionError{Action: %q, Status: %s}, want {confirm, %s}", ae.Action, ae.Status, s)
			}
			if !errors.Is(err, model.ErrConflict) {
				t.Errorf("err %v does not unwrap to ErrConflict", err)
			}
			if !strings.Contains(err.Error(), string(s)) {
				t.Errorf("message %q does not name the status %s", err.Error(), s)
			}
			if !reflect.DeepEqual(o, before) {
				t.Errorf("refused confirmation changed the order:\n got %+v\nwant %+v", o, before)
			}
		})
	}
}

func TestConfirmTwice(t *testing.T) {
	t.Parallel()
	o := orderUnconfirmed(awaitShip)
	if changed, err := order.Confirm(&o, actionAt, "seller"); err != nil || !changed {
		t.Fatalf("first Confirm = %v, %v", changed, err)
	}
	afterFirst := cloneOrder(o)
	changed, err := order.Confirm(&o, actionAt.Add(time.Hour), "seller")
	if err != nil || changed {
		t.Fatalf("second Confirm = %v, %v; want false, nil", changed, err)
	}
	if !reflect.DeepEqual(o, afterFirst) {
		t.Errorf("second confirmation changed the order (want the first time kept, no second event):\n got %+v\nwant %+v", o, afterFirst)
	}
}

// docs/rules.md, R-ORD: CANCELLED from any state before delivery.
func TestCancelByStatus(t *testing.T) {
	t.Parallel()
	cancellable := map[model.Status]bool{
		unpaid: true, onHold: true, awaitShip: true, partial: true, awaitColl: true, inTransit: true,
		delivered: false, completed: false,
	}
	for s, ok := range cancellable {
		t.Run(string(s), func(t *testing.T) {
			t.Parallel()
			o := orderUnconfirmed(s)
			before := cloneOrder(o)
			changed, err := order.Cancel(&o, "out_of_stock", actionAt, "seller")
			if ok {
				if err != nil || !changed {
					t.Fatalf("Cancel = %v, %v; want true, nil", changed, err)
				}
				if o.Status != cancelled || o.CancelReason != "out_of_stock" {
					t.Errorf("Status, CancelReason = %s, %q; want CANCELLED, out_of_stock", o.Status, o.CancelReason)
				}
				wantHistory := append(slicesClone(before.History), model.Event{At: actionAt, Kind: "transition",
					From: s, To: cancelled, Cause: "seller", Reason: "out_of_stock"})
				if !reflect.DeepEqual(o.History, wantHistory) {
					t.Errorf("History = %+v, want %+v", o.History, wantHistory)
				}
				if o.Version != before.Version+1 || !o.ModifiedAt.Equal(actionAt) {
					t.Errorf("Version, ModifiedAt = %d, %v; want %d, %v", o.Version, o.ModifiedAt, before.Version+1, actionAt)
				}
				return
			}
			if changed {
				t.Errorf("changed = true for a refused cancellation")
			}
			var te *order.TransitionError
			if !errors.As(err, &te) || te.From != s || te.To != cancelled {
				t.Fatalf("err = %v, want *TransitionError{%s, CANCELLED}", err, s)
			}
			if !errors.Is(err, model.ErrConflict) {
				t.Errorf("err %v does not unwrap to ErrConflict", err)
			}
			if !reflect.DeepEqual(o, before) {
				t.Errorf("refused cancellation changed the order:\n got %+v\nwant %+v", o, before)
			}
		})
	}
}

func TestCancelCancelledKeepsFirstReason(t *testing.T) {
	t.Parallel()
	o := orderUnconfirmed(awaitShip)
	if changed, err := order.Cancel(&o, "buyer_request", actionAt, "seller"); err != nil || !changed {
		t.Fatalf("first Cancel = %v, %v", changed, err)
	}
	afterFirst := cloneOrder(o)
	changed, err := order.Cancel(&o, "out_of_stock", actionAt.Add(time.Hour), "seller")
	if err != nil || changed {
		t.Fatalf("second Cancel = %v, %v; want false, nil", changed, err)
	}
	if o.CancelReason != "buyer_request" {
		t.Errorf("CancelReason = %q, want the first reason buyer_request", o.CancelReason)
	}
	if !reflect.DeepEqual(o, afterFirst) {
		t.Errorf("second cancellation changed the order:\n got %+v\nwant %+v", o, afterFirst)
	}
}

func TestConfirmCancelledOrderRefused(t *testing.T) {
	t.Parallel()
	o := orderUnconfirmed(awaitShip)
	if _, err := order.Cancel(&o, "buyer_request", actionAt, "seller"); err != nil {
		t.Fatal(err)
	}
	before := cloneOrder(o)
	_, err := order.Confirm(&o, actionAt.Add(time.Minute), "seller")
	var ae *order.ActionError
	if !errors.As(err, &ae) || !errors.Is(err, model.ErrConflict) {
		t.Fatalf("Confirm of a cancelled order: err = %v, want *ActionError (conflict)", err)
	}
	if !reflect.DeepEqual(o, before) {
		t.Errorf("order changed")
	}
}

// R-ORD-6: a held order is not confirmed, whether or not it was confirmed before it became
// held; the refusal names every error-severity problem, and warnings do not hold it.
func TestConfirmHeldOrderRefused(t *testing.T) {
	t.Parallel()
	problems := []model.Problem{
		{Code: "postal_code_format", Field: "shipping_address.postal_code", Severity: model.SeverityError},
		{Code: "battery_flag_missing", Field: "lines[0].has_battery", Severity: model.SeverityWarning},
		{Code: "missing_weight", Field: "lines[1].weight_g", Severity: model.SeverityError},
	}
	for _, confirmed := range []bool{false, true} {
		o := orderUnconfirmed(awaitShip)
		if confirmed {
			order.Confirm(&o, actionAt, "seller")
		}
		o.NeedsAttention, o.Problems = true, problems
		before := cloneOrder(o)
		changed, err := order.Confirm(&o, actionAt.Add(time.Hour), "seller")
		var he *order.HeldError
		if changed || !errors.As(err, &he) || !errors.Is(err, model.ErrConflict) {
			t.Fatalf("confirmed=%v: Confirm = %v, %v; want a *HeldError (ErrConflict)", confirmed, changed, err)
		}
		if he.Action != "confirm" || len(he.Problems) != 2 || he.Problems[0].Field != "shipping_address.postal_code" || he.Problems[1].Field != "lines[1].weight_g" {
			t.Errorf("HeldError %+v; want the two errors, not the warning", he)
		}
		if !strings.Contains(err.Error(), "lines[1].weight_g") {
			t.Errorf("message %q does not name the problems", err)
		}
		if !reflect.DeepEqual(o, before) {
			t.Errorf("a refused confirmation changed the order")
		}
	}
	o := orderUnconfirmed(awaitShip)
	o.Problems = problems[1:2] // a warning only: not held
	if changed, err := order.Confirm(&o, actionAt, "seller"); err != nil || !changed {
		t.Fatalf("an order with only a warning: Confirm = %v, %v", changed, err)
	}
}
