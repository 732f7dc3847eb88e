package model

import "time"

// ReturnStatus is where a return request stands. The values are the marketplace's own (TikTok
// Shop's return statuses), as Status is for orders, so a return synced from the platform and one
// made in lastmile read alike.
type ReturnStatus string

// The return statuses. A return starts pending; the seller's decision moves it to refunded
// (refund without return, R-RET-2), awaiting the buyer's parcel, or rejected; the parcel's
// receipt at the warehouse completes it.
const (
	// ReturnPending: requested; waiting for the seller's decision (a "review" decision waits here).
	ReturnPending ReturnStatus = "RETURN_OR_REFUND_REQUEST_PENDING"
	// ReturnRejected: the seller refused the request.
	ReturnRejected ReturnStatus = "REFUND_OR_RETURN_REQUEST_REJECT"
	// ReturnAwaitingBuyerShip: approved for return; the buyer is to send the goods back with the
	// return label (R-RET-3, R-RET-4).
	ReturnAwaitingBuyerShip ReturnStatus = "AWAITING_BUYER_SHIP"
	// ReturnBuyerShipped: the buyer sent the parcel.
	ReturnBuyerShipped ReturnStatus = "BUYER_SHIPPED_ITEM"
	// ReturnReceiveRejected: the seller refused the parcel that came back.
	ReturnReceiveRejected ReturnStatus = "REJECT_RECEIVE_PACKAGE"
	// ReturnRefunded: the refund was granted without the goods coming back (R-RET-2), or the
	// platform closed the request with a refund.
	ReturnRefunded ReturnStatus = "RETURN_OR_REFUND_REQUEST_SUCCESS"
	// ReturnCancelled: the buyer withdrew the request.
	ReturnCancelled ReturnStatus = "RETURN_OR_REFUND_REQUEST_CANCEL"
	// ReturnCompleted: the parcel came back, was received and the refund follows.
	ReturnCompleted ReturnStatus = "RETURN_OR_REFUND_REQUEST_COMPLETE"
)

// ReturnStatuses lists every return status, in lifecycle order.
var ReturnStatuses = []ReturnStatus{
	ReturnPending, ReturnAwaitingBuyerShip, ReturnBuyerShipped, ReturnCompleted, ReturnRefunded,
	ReturnRejected, ReturnReceiveRejected, ReturnCancelled,
}

// Valid reports whether s is one of ReturnStatuses.
func (s ReturnStatus) Valid() bool {
	for _, v := range ReturnStatuses {
		if s == v {
			return true
		}
	}
	return false
}

// Final reports whether nothing more happens to a return in status s.
func (s ReturnStatus) Final() bool {
	switch s {
	case ReturnRejected, ReturnReceiveRejected, ReturnRefunded, ReturnCancelled, ReturnCompleted:
		return true
	}
	return false
}

// ReturnDecisionKind is what the seller does with a return request (R-RET-2).
type ReturnDecisionKind string

// The decisions.
const (
	// DecideRefundOnly refunds without asking for the goods back: the buyer keeps them.
	DecideRefundOnly ReturnDecisionKind = "refund_only"
	// DecideReturn asks for the goods back with a return label to the local warehouse.
	DecideReturn ReturnDecisionKind = "return"
	// DecideReview leaves the request to a person.
	DecideReview ReturnDecisionKind = "review"
)

// Valid reports whether k is one of the three decisions.
func (k ReturnDecisionKind) Valid() bool {
	return k == DecideRefundOnly || k == DecideReturn || k == DecideReview
}

// Return is a buyer's return or refund request, as lastmile keeps it. Its JSON form is the API
// contract; the store keeps it whole.
type Return struct {
	// ID is lastmile's id ("ret_…"). It is also the return's RMA number: it is printed on the
	// return label, and a scan of it at the warehouse finds the return.
	ID     string `json:"id"`
	ShopID string `json:"shop_id"`
	// ExternalID is the marketplace's return id; a return is unique by (shop, external id), so a
	// replayed event changes nothing. Empty for a return made in lastmile without one.
	ExternalID string `json:"external_id,omitempty"`
	// Source is where the request came from: "api" or the marketplace ("tiktok").
	Source string `json:"source"`
	// Connection is the marketplace connection the request came through, which decisions are
	// pushed back to.
	Connection string `json:"connection,omitempty"`
	// OrderID is lastmile's order; OrderExternalID the marketplace's order number.
	OrderID         string       `json:"order_id"`
	OrderExternalID string       `json:"order_external_id"`
	Market          Market       `json:"market"`
	Status          ReturnStatus `json:"status"`
	// Type is the platform's return type: REFUND, RETURN_AND_REFUND or REPLACEMENT.
	Type string `json:"type"`
	// Reason is the reason code (damaged_in_transit, not_as_described, …); ReasonText the
	// buyer's or the platform's own words.
	Reason     string       `json:"reason"`
	ReasonText string       `json:"reason_text,omitempty"`
	Lines      []ReturnLine `json:"lines"`
	// Photos are the URLs of the buyer's photos.
	Photos []string `json:"photos,omitempty"`
	Buyer  Buyer    `json:"buyer"`
	// BuyerKey identifies the buyer across orders for the buyer-history rules: the lower-cased
	// e-mail, else the phone, else the name.
	BuyerKey string `json:"-"`
	// Value is the goods' value: the lines' unit prices times their quantities.
	Value Money `json:"value"`
	// Decision is the refund-without-return decision (R-RET-2) and why.
	Decision *ReturnDecision `json:"decision"`
	// WarehouseID is the warehouse the goods go back to: a local one, not China (R-RET-3).
	WarehouseID string `json:"warehouse_id,omitempty"`
	// Estimate is the return label's estimated cost (rated when the request came in), which the
	// label-cost rule weighs against the goods' value.
	Estimate *ReturnEstimate `json:"label_estimate,omitempty"`
	// OutboundCarrier is the carrier that delivered the order.
	OutboundCarrier string `json:"outbound_carrier,omitempty"`
	// DeliveredAt is when the order was delivered, as far as lastmile knows.
	DeliveredAt *time.Time `json:"delivered_at,omitempty"`
	// Liability says whether the platform bears the return (R-RET-6) and why.
	Liability *ReturnLiability `json:"liability,omitempty"`
	// Shipments are the return labels bought for it; a failed or voided one stays as history.
	Shipments []ReturnShipment `json:"shipments,omitempty"`
	// ReceivedAt is when the parcel was scanned in at the warehouse.
	ReceivedAt *time.Time `json:"received_at,omitempty"`
	// Inspections are the inspected lines and their outcomes (R-RET-5), each a stock movement.
	Inspections []ReturnInspection `json:"inspections,omitempty"`
	// Pushes are the decisions sent to the marketplace.
	Pushes  []ReturnPush  `json:"platform_pushes,omitempty"`
	History []ReturnEvent `json:"history,omitempty"`
	// RequestedAt is when the buyer asked (the platform's create time, or when lastmile was told).
	RequestedAt time.Time `json:"requested_at"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	// Version counts lastmile's changes, starting at 1.
	Version int64 `json:"version"`
}

// ReturnLine is a SKU and how many of it come back.
type ReturnLine struct {
	SKU       string `json:"sku"`
	Name      string `json:"name,omitempty"`
	Quantity  int64  `json:"quantity"`
	UnitPrice Money  `json:"unit_price"`
}

// ReturnDecision is what was decided for a return and why: the rule that matched and the
// figures it compared, or the person who overrode it.
type ReturnDecision struct {
	Kind ReturnDecisionKind `json:"kind"`
	// Reason says in words why: which rule matched and what it compared.
	Reason string `json:"reason"`
	// Rule is the name of the rule that matched; empty for the rule set's default or a person's
	// decision.
	Rule string `json:"rule,omitempty"`
	// By is "rules" or the actor who decided ("key:…").
	By string    `json:"by"`
	At time.Time `json:"at"`
}

// ReturnEstimate is a return label's carrier, service and estimated cost.
type ReturnEstimate struct {
	Carrier string `json:"carrier"`
	Service string `json:"service"`
	// Cost is the rate cards' price of the way back; nil when no card prices it (the designated
	// carrier is then still the one to buy from).
	Cost *Money `json:"cost"`
	// Designated: the market's designated return carrier (R-RET-4).
	Designated bool `json:"designated,omitempty"`
	// Note says why the designated carrier carries the return though the shop's carriers
	// setting leaves it out (R-RET-4 wins over the setting); empty otherwise.
	Note string `json:"note,omitempty"`
}

// ReturnLiability is R-RET-6's verdict on a return.
type ReturnLiability struct {
	// Platform is true when the platform bears the return: requested within the window of
	// delivery by a certified carrier.
	Platform bool   `json:"platform"`
	Reason   string `json:"reason"`
}

// ReturnShipment is one return label: bought from a carrier to the return warehouse. Its id is
// the purchase's idempotency key, stored before the purchase, so a label is bought at most once.
type ReturnShipment struct {
	ID             string         `json:"id"`
	Status         ShipmentStatus `json:"status"` // created, label_purchased, failed or voided
	Carrier        string         `json:"carrier"`
	Service        string         `json:"service"`
	TrackingNumber string         `json:"tracking_number,omitempty"`
	// CarrierShipmentID is the carrier's own id of the label.
	CarrierShipmentID string `json:"carrier_shipment_id,omitempty"`
	// WarehouseID and To are where the parcel goes: the warehouse's return address (R-RET-3).
	WarehouseID string  `json:"warehouse_id"`
	To          Address `json:"to"`
	Cost        *Money  `json:"cost,omitempty"`
	// LabelFormat is the label document's format as issued: the carrier's own (pdf, png, zpl) or
	// "data", from which lastmile renders its label.
	LabelFormat string      `json:"label_format,omitempty"`
	Failure     *FieldError `json:"failure,omitempty"`
	CreatedAt   time.Time   `json:"created_at"`
	PurchasedAt *time.Time  `json:"purchased_at,omitempty"`
	UpdatedAt   time.Time   `json:"updated_at"`
}

// InspectionOutcome is what became of an inspected returned unit (R-RET-5).
type InspectionOutcome string

// The outcomes.
const (
	InspectRestock   InspectionOutcome = "restock"   // back on the shelf, sellable
	InspectRefurbish InspectionOutcome = "refurbish" // kept apart as a refurbished SKU
	InspectWriteOff  InspectionOutcome = "write_off" // not sellable: scrapped
)

// Valid reports whether o is one of the outcomes.
func (o InspectionOutcome) Valid() bool {
	return o == InspectRestock || o == InspectRefurbish || o == InspectWriteOff
}

// ReturnInspection is one inspected line of a return: its outcome and the stock it moved.
type ReturnInspection struct {
	SKU      string            `json:"sku"`
	Quantity int64             `json:"quantity"`
	Outcome  InspectionOutcome `json:"outcome"`
	Note     string            `json:"note,omitempty"`
	// WarehouseID is where it was inspected; StockSKU the SKU its stock went to (the SKU itself,
	// or the refurbished SKU).
	WarehouseID string    `json:"warehouse_id"`
	StockSKU    string    `json:"stock_sku"`
	By          string    `json:"by"`
	At          time.Time `json:"at"`
}

// ReturnPush is a decision sent to the marketplace.
type ReturnPush struct {
	Action string    `json:"action"`
	At     time.Time `json:"at"`
	// Error is why the platform refused it, when it did.
	Error string `json:"error,omitempty"`
}

// ReturnEvent is one entry of a return's history.
type ReturnEvent struct {
	At     time.Time    `json:"at"`
	Kind   string       `json:"event"`
	From   ReturnStatus `json:"from,omitempty"`
	To     ReturnStatus `json:"to,omitempty"`
	Cause  string       `json:"cause"`
	Reason string       `json:"reason,omitempty"`
}

// ReturnRules are a shop's refund-without-return rules (R-RET-2), as data: the rules in order,
// the first that matches deciding, else Default.
type ReturnRules struct {
	ShopID string       `json:"shop_id,omitempty"`
	Rules  []ReturnRule `json:"rules"`
	// Default is the decision when no rule matches.
	Default ReturnDecisionKind `json:"default"`
	// Categories name groups of SKUs the rules can refer to (the orders carry no category).
	Categories []SKUCategory `json:"categories,omitempty"`
	// AutoApply carries out a refund_only or return decision at once (the refund granted, the
	// label bought); false leaves every decision for a person to confirm.
	AutoApply bool      `json:"auto_apply"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// ReturnRule decides Decision for a return that meets every condition it sets; a rule with no
// condition matches every return.
type ReturnRule struct {
	Name     string             `json:"name"`
	Decision ReturnDecisionKind `json:"decision"`
	// ValueBelow: the goods' value is below this amount (in its currency).
	ValueBelow *Money `json:"value_below,omitempty"`
	// Reasons: the return's reason code is one of these.
	Reasons []string `json:"reasons,omitempty"`
	// BuyerReturnsAtLeast / BuyerReturnsAtMost: the buyer's other returns requested in the
	// BuyerWindowDays days before this one number at least / at most this many.
	BuyerReturnsAtLeast *int `json:"buyer_returns_at_least,omitempty"`
	BuyerReturnsAtMost  *int `json:"buyer_returns_at_most,omitempty"`
	// BuyerWindowDays is the buyer-history window; 0 means 90 days.
	BuyerWindowDays int `json:"buyer_window_days,omitempty"`
	// Categories: every SKU of the return is in one of these categories.
	Categories []string `json:"categories,omitempty"`
	// LabelCostPctAtLeast: the return label's estimated cost is at least this percentage of the
	// goods' value (50: the label costs half the goods or more).
	LabelCostPctAtLeast *int `json:"label_cost_pct_at_least,omitempty"`
}

// SKUCategory is a named group of SKUs: those starting with one of Prefixes, and those listed.
type SKUCategory struct {
	Name     string   `json:"name"`
	Prefixes []string `json:"sku_prefixes,omitempty"`
	SKUs     []string `json:"skus,omitempty"`
}
