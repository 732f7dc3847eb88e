package order

import (
	"fmt"
	"strings"
	"time"

	"lastmile/internal/model"
)

// ActionError is an action the order's status does not allow, such as confirming a cancelled
// order. It unwraps to model.ErrConflict (HTTP 409).
type ActionError struct {
	Action string
	Status model.Status
	Want   string
}

func (e *ActionError) Error() string {
	return fmt.Sprintf("cannot %s an order in status %s: %s", e.Action, e.Status, e.Want)
}

func (e *ActionError) Unwrap() error { return model.ErrConflict }

// HeldError is an action refused because the order is held (needs_attention, R-ORD-6): it is
// not confirmed, allocated, labelled or shipped until its error-severity problems are fixed.
// Problems are those problems. It unwraps to model.ErrConflict (HTTP 409): the same request
// succeeds once the order is corrected or a fixed version arrives.
type HeldError struct {
	Action   string
	OrderID  string
	Problems []model.Problem
}

func (e *HeldError) Error() string {
	fields := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		fields[i] = p.Field + " (" + p.Code + ")"
	}
	return fmt.Sprintf("cannot %s order %s: it is held until these are fixed: %s", e.Action, e.OrderID, strings.Join(fields, ", "))
}

func (e *HeldError) Unwrap() error { return model.ErrConflict }

// RefuseHeld returns a *HeldError when o is held (R-ORD-6: a held order is not allocated,
// labelled or shipped until fixed), nil otherwise. Every step that commits an order to
// fulfilment calls it: confirmation, allocation, and the label and ship steps to come.
func RefuseHeld(o *model.Order, action string) error {
	if !o.NeedsAttention {
		return nil
	}
	e := &HeldError{Action: action, OrderID: o.ID}
	for _, p := range o.Problems {
		if p.Severity == model.SeverityError {
			e.Problems = append(e.Problems, p)
		}
	}
	return e
}

// Confirm records the seller's confirmation of a paid order, which starts the fulfilment clock
// (R-ORD-3). Confirming a confirmed order changes nothing and reports changed=false. A held
// order is not confirmed (*HeldError), even when it was confirmed before it became held: the
// seller fixes it first, which takes a PATCH, well inside the R-ORD-3 window, rather than start
// the fulfilment clock on an order that cannot ship.
func Confirm(o *model.Order, at time.Time, cause string) (changed bool, err error) {
	if o.Status != model.StatusAwaitingShipment {
		return false, &ActionError{Action: "confirm", Status: o.Status, Want: "only AWAITING_SHIPMENT orders can be confirmed"}
	}
	if err := RefuseHeld(o, "confirm"); err != nil {
		return false, err
	}
	if o.ConfirmedAt != nil {
		return false, nil
	}
	t := at
	o.ConfirmedAt = &t
	o.History = append(o.History, model.Event{At: at, Kind: model.EventConfirmed, Cause: cause})
	touch(o, at)
	return true, nil
}

// Cancel cancels o for reason. Cancelling a cancelled order changes nothing and reports
// changed=false; an order past delivery cannot be cancelled (docs/rules.md, R-ORD).
func Cancel(o *model.Order, reason string, at time.Time, cause string) (changed bool, err error) {
	if o.Status == model.StatusCancelled {
		return false, nil
	}
	if err := Transition(o, model.StatusCancelled, at, cause, reason); err != nil {
		return false, err
	}
	o.CancelReason = reason
	return true, nil
}
