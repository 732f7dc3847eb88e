package returns

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"lastmile/internal/model"
)

// This file holds the pure rules of a return's life: how the platform's statuses merge into
// lastmile's, what a decision or a receipt does, the movements an inspection makes (R-RET-5),
// the warehouse the goods go back to (R-RET-3) and whose liability the return is (R-RET-6).

// Event kinds of a return's history.
const (
	EventCreated   = "created"
	EventDecided   = "decided"
	EventStatus    = "status"
	EventLabel     = "label"
	EventReceived  = "received"
	EventInspected = "inspected"
	EventPushed    = "pushed"
)

// rank orders the statuses along a return's way: a platform update never moves a return back.
func rank(s model.ReturnStatus) int {
	switch s {
	case model.ReturnPending:
		return 0
	case model.ReturnAwaitingBuyerShip:
		return 1
	case model.ReturnBuyerShipped:
		return 2
	}
	return 3 // final
}

// MergeStatus applies the platform's status to r: a later status replaces an earlier one; a
// final status from the platform replaces lastmile's own final one (the platform closes the
// request); an earlier status (an event delivered late) is ignored. It reports whether r changed.
func MergeStatus(r *model.Return, platform model.ReturnStatus, at time.Time, cause string) bool {
	if !platform.Valid() || platform == r.Status {
		return false
	}
	if rank(platform) < rank(r.Status) || (rank(platform) == rank(r.Status) && !platform.Final()) {
		return false
	}
	setStatus(r, platform, at, cause, "the marketplace's status")
	return true
}

// setStatus moves r to status to, recording it.
func setStatus(r *model.Return, to model.ReturnStatus, at time.Time, cause, reason string) {
	r.History = append(r.History, model.ReturnEvent{At: at, Kind: EventStatus, From: r.Status, To: to, Cause: cause, Reason: reason})
	r.Status = to
}

// Platform actions: the decisions lastmile pushes to a marketplace.
const (
	// ActionApproveRefund refunds and lets the buyer keep the goods (R-RET-2; TikTok:
	// APPROVE_REFUND with buyer_keep_item).
	ActionApproveRefund = "approve_refund"
	// ActionApproveReturn approves the return (TikTok: APPROVE_RETURN).
	ActionApproveReturn = "approve_return"
	// ActionApproveReceived says the parcel arrived (TikTok: APPROVE_RECEIVED_PACKAGE).
	ActionApproveReceived = "approve_received"
	// ActionReject refuses the request, or the parcel that came back (TikTok: reject).
	ActionReject = "reject"
)

// DecideReject is the decision beyond the rules' three that a person may take: refuse the
// request, or the parcel that came back.
const DecideReject = "reject"

// outcome is what carrying out a decision does: the status it moves to, the platform action to
// push, and whether a return label is to be bought.
type outcome struct {
	status   model.ReturnStatus
	push     string
	buyLabel bool
}

// apply says what kind (refund_only, return or reject) does to r: refund_only refunds without
// return, return asks for the goods back, reject refuses the request (pending) or the parcel
// (on its way back). ok is false for anything else.
func apply(kind string, r *model.Return) (outcome, bool) {
	switch kind {
	case string(model.DecideRefundOnly):
		return outcome{status: model.ReturnRefunded, push: ActionApproveRefund}, true
	case string(model.DecideReturn):
		return outcome{status: model.ReturnAwaitingBuyerShip, push: ActionApproveReturn, buyLabel: true}, true
	case DecideReject:
		if r.Status == model.ReturnPending {
			return outcome{status: model.ReturnRejected, push: ActionReject}, true
		}
		return outcome{status: model.ReturnReceiveRejected, push: ActionReject}, true
	}
	return outcome{}, false
}

// Inspected is one inspected line as the warehouse reports it.
type Inspected struct {
	SKU      string                  `json:"sku"`
	Quantity int64                   `json:"quantity"`
	Outcome  model.InspectionOutcome `json:"outcome"`
	Note     string                  `json:"note,omitempty"`
}

// CheckInspection refuses lines that do not fit the return r: a SKU it does not hold, a
// quantity that is not positive or, with what was inspected before, more than came back.
func CheckInspection(r *model.Return, lines []Inspected) error {
	var p []model.FieldError
	add := func(code, field, format string, args ...any) {
		p = append(p, model.FieldError{Code: code, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	done := map[string]int64{}
	for _, in := range r.Inspections {
		done[in.SKU] += in.Quantity
	}
	for i, l := range lines {
		f := fmt.Sprintf("lines[%d]", i)
		returned, ok := returnedQty(r, l.SKU)
		switch {
		case !ok:
			add("sku_not_returned", f+".sku", "SKU %q is not in return %s (it holds %s)", l.SKU, r.ID, skuList(r))
			continue
		case l.Quantity <= 0:
			add("invalid_quantity", f+".quantity", "%d: want a positive number of units", l.Quantity)
			continue
		case !l.Outcome.Valid():
			add("invalid_outcome", f+".outcome", "%q: want restock, refurbish or write_off (R-RET-5)", l.Outcome)
		}
		if len([]rune(l.Note)) > 500 {
			add("too_long", f+".note", "a note is at most 500 characters")
		}
		done[l.SKU] += l.Quantity
		if done[l.SKU] > returned {
			add("over_inspected", f+".quantity", "%d more of %s would make %d inspected, but %d came back in return %s",
				l.Quantity, l.SKU, done[l.SKU], returned, r.ID)
		}
	}
	if len(p) == 0 {
		return nil
	}
	return &model.ValidationError{Problems: p}
}

func returnedQty(r *model.Return, sku string) (int64, bool) {
	var n int64
	found := false
	for _, l := range r.Lines {
		if l.SKU == sku {
			n += l.Quantity
			found = true
		}
	}
	return n, found
}

func skuList(r *model.Return) string {
	var skus []string
	for _, l := range r.Lines {
		skus = append(skus, l.SKU)
	}
	return strings.Join(skus, ", ")
}

// InspectionMovements are the stock-ledger movements of one inspected line (R-RET-5, R-INV-6),
// in the warehouse wh, and the SKU its stock goes to:
//
//   - restock: return_restock of the SKU: back on the shelf, sellable.
//   - refurbish: return_restock of the SKU with suffix (TS-RED-M-REFURB): on the shelf but apart,
//     sold only where the seller lists the refurbished SKU; the original's stock is untouched.
//   - write_off: return_restock then write_off of the SKU, so the ledger shows the unit came
//     back and was scrapped, and on hand ends where it was (the unit left it when it shipped).
func InspectionMovements(r *model.Return, l Inspected, wh, suffix, actor string, at time.Time) ([]model.Movement, string) {
	base := model.Movement{WarehouseID: wh, SKU: l.SKU, Quantity: l.Quantity, Actor: actor, At: at, OrderID: r.OrderID}
	note := ""
	if l.Note != "" {
		note = ": " + l.Note
	}
	switch l.Outcome {
	case model.InspectRefurbish:
		m := base
		m.Kind, m.SKU = model.MoveReturnRestock, l.SKU+suffix
		m.Reason = fmt.Sprintf("return %s inspected: %s to refurbish (R-RET-5)%s", r.ID, l.SKU, note)
		return []model.Movement{m}, m.SKU
	case model.InspectWriteOff:
		in, out := base, base
		in.Kind, in.Reason = model.MoveReturnRestock, fmt.Sprintf("return %s received (R-INV-6)", r.ID)
		out.Kind, out.Reason = model.MoveWriteOff, fmt.Sprintf("return %s inspected: written off (R-RET-5)%s", r.ID, note)
		return []model.Movement{in, out}, l.SKU
	default:
		m := base
		m.Kind, m.Reason = model.MoveReturnRestock, fmt.Sprintf("return %s inspected: restocked (R-RET-5)%s", r.ID, note)
		return []model.Movement{m}, l.SKU
	}
}

// ReturnWarehouse is the warehouse a return goes back to (R-RET-3): of the shop's warehouses
// whose return address is in the buyer's country, the one that shipped the order when it is
// one of them, else the first by code. A warehouse in China, or one whose return address is
// elsewhere, never qualifies.
func ReturnWarehouse(whs []model.Warehouse, country string, shippedFrom []string) (model.Warehouse, error) {
	var local []model.Warehouse
	for _, w := range whs {
		if w.Type == model.WarehouseDomesticCN || strings.TrimSpace(w.ReturnAddress.Line1) == "" ||
			!strings.EqualFold(w.ReturnAddress.Country, country) {
			continue
		}
		local = append(local, w)
	}
	if len(local) == 0 {
		return model.Warehouse{}, &model.ValidationError{Problems: []model.FieldError{{Code: "no_return_warehouse",
			Field: "warehouse.return_address", Message: fmt.Sprintf("no warehouse of the shop has a return address in %s: returns go to a local address, "+
				"not back to China (R-RET-3); set return_address on a warehouse in %s (PUT /v1/warehouses/{id})", country, country)}}}
	}
	for _, w := range local {
		if slices.Contains(shippedFrom, w.ID) {
			return w, nil
		}
	}
	slices.SortFunc(local, func(a, b model.Warehouse) int { return strings.Compare(a.Code, b.Code) })
	return local[0], nil
}

// Liability is R-RET-6's verdict: a return requested within window of delivery, by a carrier
// certified in the market, is the platform's liability. certified lists the market's certified
// carriers; delivered is nil when the delivery time is not known.
func Liability(requested time.Time, delivered *time.Time, carrierCode string, certified []string, window time.Duration) *model.ReturnLiability {
	switch {
	case delivered == nil:
		return &model.ReturnLiability{Reason: "the delivery time is not known, so R-RET-6 cannot apply"}
	case carrierCode == "" || !slices.Contains(certified, carrierCode):
		who := carrierCode
		if who == "" {
			who = "an unknown carrier"
		}
		return &model.ReturnLiability{Reason: fmt.Sprintf("delivered by %s, which is not a certified carrier in the market (R-RET-6 covers certified carriers)", who)}
	}
	after := requested.Sub(*delivered)
	if after < 0 {
		after = 0
	}
	if after <= window {
		return &model.ReturnLiability{Platform: true, Reason: fmt.Sprintf("requested %s after delivery by %s, a certified carrier: within %s, the platform's liability (R-RET-6)",
			roundDuration(after), carrierCode, roundDuration(window))}
	}
	return &model.ReturnLiability{Reason: fmt.Sprintf("requested %s after delivery, later than %s: the seller's (R-RET-6)",
		roundDuration(after), roundDuration(window))}
}

func roundDuration(d time.Duration) string {
	if d >= time.Hour {
		return d.Round(time.Minute).String()
	}
	return d.Round(time.Second).String()
}

// DeliveredAt is when the order was delivered: its last transition to DELIVERED, else the
// latest delivered shipment's last change; nil when neither says.
func DeliveredAt(o *model.Order, shipments []model.Shipment) *time.Time {
	for i := len(o.History) - 1; i >= 0; i-- {
		if e := o.History[i]; e.Kind == model.EventTransition && e.To == model.StatusDelivered {
			t := e.At
			return &t
		}
	}
	var out *time.Time
	for _, sh := range shipments {
		if sh.Status == model.ShipmentDelivered && (out == nil || sh.UpdatedAt.After(*out)) {
			t := sh.UpdatedAt
			out = &t
		}
	}
	return out
}

// BuyerKey identifies a buyer across orders: the lower-cased e-mail, else the phone, else the
// lower-cased name.
func BuyerKey(b model.Buyer) string {
	switch {
	case strings.TrimSpace(b.Email) != "":
		return "email:" + strings.ToLower(strings.TrimSpace(b.Email))
	case strings.TrimSpace(b.Phone) != "":
		return "phone:" + strings.TrimSpace(b.Phone)
	}
	return "name:" + strings.ToLower(strings.TrimSpace(b.Name))
}
