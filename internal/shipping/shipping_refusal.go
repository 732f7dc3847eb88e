package shipping

import (
	"errors"
	"fmt"

	"lastmile/internal/model"
)

// Refusal codes: why an order cannot ship, each with what to fix in its message.
const (
	RefusedHeld          = "order_held"             // R-ORD-6: the order's problems must be fixed first
	RefusedNotConfirmed  = "not_confirmed"          // R-ORD-3: confirm first, or ship with confirm
	RefusedStatus        = "wrong_status"           // cancelled, unpaid, already delivered…
	RefusedNoStock       = "insufficient_stock"     // the allocation could not be made
	RefusedNoService     = "no_service"             // no configured, certified service prices the package
	RefusedUncertified   = "carrier_not_certified"  // R-SHIP-3
	RefusedDisabled      = "carrier_disabled"       // the shop's carriers setting leaves it out
	RefusedNoCarrier     = "carrier_not_configured" // the carrier asked for has no account here
	RefusedNoBox         = "no_box_fits"            // R-RATE-8: the goods fit no box of the catalogue
	RefusedByCarrier     = "carrier_refused"        // the carrier will not take the label as asked
	RefusedTrackingCheck = "invalid_tracking_number"
	RefusedLabel         = "label_unrenderable"
	RefusedPlatform      = "platform_logistics_unavailable" // R-MODE-2: no marketplace connection issues labels
	RefusedWarehouse     = "warehouse_unavailable"
	RefusedRepacked      = "marketplace_repacked" // the marketplace split or combined the order's packages after lastmile began shipping it
)

// RefusalError is why an order (or one of its packages) cannot ship, and what to fix. It
// unwraps to model.ErrConflict when the order's state is the cause (409) and to
// model.ErrInvalid when the request or the configuration is (422).
type RefusalError struct {
	OrderID string
	Code    string
	Field   string
	Message string
	// State: the order's state refuses it (409); otherwise the request or configuration (422).
	State bool
	// Err is the underlying error, when there is one.
	Err error
}

func (e *RefusalError) Error() string {
	return fmt.Sprintf("order %s cannot ship: %s", e.OrderID, e.Message)
}

// Unwrap returns the sentinel that classifies the refusal, and the cause.
func (e *RefusalError) Unwrap() []error {
	kind := model.ErrInvalid
	if e.State {
		kind = model.ErrConflict
	}
	if e.Err != nil {
		return []error{kind, e.Err}
	}
	return []error{kind}
}

// FieldError is the refusal as a result's error.
func (e *RefusalError) FieldError() *model.FieldError {
	return &model.FieldError{Code: e.Code, Field: e.Field, Message: e.Message}
}

func refuse(orderID, code, field string, state bool, format string, args ...any) *RefusalError {
	return &RefusalError{OrderID: orderID, Code: code, Field: field, State: state, Message: fmt.Sprintf(format, args...)}
}

// asFieldError turns any error of a ship step into a batch item's error: a refusal as it is,
// anything else as a generic failure that names the error.
func asFieldError(err error) *model.FieldError {
	var re *RefusalError
	if errors.As(err, &re) {
		return re.FieldError()
	}
	var ve *model.ValidationError
	if errors.As(err, &ve) && len(ve.Problems) > 0 {
		p := ve.Problems[0]
		return &p
	}
	return &model.FieldError{Code: "ship_failed", Message: err.Error()}
}
