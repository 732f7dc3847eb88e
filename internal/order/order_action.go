package order

import (
	"fmt"
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

// Confirm records the seller's confirmation of a paid order, which starts the fulfilment clock
// (R-ORD-3). Confirming a confirmed order changes nothing and reports changed=false.
func Confirm(o *model.Order, at time.Time, cause string) (changed bool, err error) {
	if o.Status != model.StatusAwaitingShipment {
		return false, &ActionError{Action: "confirm", Status: o.Status, Want: "only AWAITING_SHIPMENT orders can be confirmed"}
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
