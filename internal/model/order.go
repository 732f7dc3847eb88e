package model

import "time"

// Status is a platform order status (docs/rules.md, R-ORD), plus PARTIALLY_SHIPPING for an order whose
// packages ship at different times.
type Status string

// The platform statuses, in lifecycle order.
const (
	StatusUnpaid             Status = "UNPAID"
	StatusOnHold             Status = "ON_HOLD"
	StatusAwaitingShipment   Status = "AWAITING_SHIPMENT"
	StatusPartiallyShipping  Status = "PARTIALLY_SHIPPING"
	StatusAwaitingCollection Status = "AWAITING_COLLECTION"
	StatusInTransit          Status = "IN_TRANSIT"
	StatusDelivered          Status = "DELIVERED"
	StatusCompleted          Status = "COMPLETED"
	StatusCancelled          Status = "CANCELLED"
)

// Statuses lists every status in lifecycle order.
var Statuses = []Status{
	StatusUnpaid, StatusOnHold, StatusAwaitingShipment, StatusPartiallyShipping,
	StatusAwaitingCollection, StatusInTransit, StatusDelivered, StatusCompleted, StatusCancelled,
}

// Valid reports whether s is one of Statuses.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if s == v {
			return true
		}
	}
	return false
}

// Order is a marketplace order as lastmile keeps it. Its JSON form is the public API contract;
// the fields after Lines are owned by lastmile and ignored on input.
type Order struct {
	ID              string     `json:"id,omitempty"`
	ShopID          string     `json:"shop_id,omitempty"`
	ExternalID      string     `json:"external_id"`
	Market          Market     `json:"market"`
	Currency        string     `json:"currency"`
	Status          Status     `json:"status"`
	CreatedAt       time.Time  `json:"created_at"`
	PaidAt          *time.Time `json:"paid_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	Buyer           Buyer      `json:"buyer"`
	ShippingAddress Address    `json:"shipping_address"`
	Lines           []Line     `json:"lines"`
	COD             *Money     `json:"cod"`
	// Deadlines are the marketplace's own deadlines on the order, by the marketplace's name
	// (TikTok: rts_sla_time, tts_sla_time, shipping_due_time, collection_due_time,
	// delivery_due_time, delivery_sla_time, cancel_order_sla_time). Where one is given it
	// overrides lastmile's default clock for the same rule (R-SHIP-1, R-SLA-1, R-ORD-4…).
	Deadlines map[string]time.Time `json:"deadlines,omitempty"`
	// Packing is how the marketplace packed the order when it split it into several packages
	// (TikTok's packages, changed by its split and combine, webhook type 4): each package's id
	// and SKUs with their quantities. Shipping packs the order the same way, so that each
	// package's tracking number has a package of the marketplace's to go to; empty: one package
	// per warehouse.
	Packing []PackingGroup `json:"packing,omitempty"`

	// ConfirmedAt is when the seller confirmed the order; it starts the fulfilment clock (R-ORD-3).
	ConfirmedAt *time.Time `json:"confirmed_at,omitempty"`
	// CancelReason is set when the order is cancelled.
	CancelReason string `json:"cancel_reason,omitempty"`
	// NeedsAttention holds the order: it has at least one error-severity problem, and will not be
	// allocated, labelled or shipped until the problem is fixed (R-ORD-6).
	NeedsAttention bool `json:"needs_attention"`
	// Problems are what the checks found, errors and warnings.
	Problems []Problem `json:"problems,omitempty"`
	// Corrections are the seller's fixes made in lastmile; the fields above already include them.
	Corrections *Corrections `json:"corrections,omitempty"`
	// History is every change lastmile recorded, oldest first.
	History []Event `json:"history,omitempty"`
	// ReceivedAt is when lastmile first stored the order.
	ReceivedAt time.Time `json:"received_at,omitzero"`
	// ModifiedAt is when lastmile last changed the order; listings sort and filter on it.
	ModifiedAt time.Time `json:"modified_at,omitzero"`
	// Version counts lastmile's changes to the order, starting at 1.
	Version int64 `json:"version,omitempty"`
}

// Buyer is who bought the order.
type Buyer struct {
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// Line is one order line: a SKU, how many, and what customs and rating need to know about it.
type Line struct {
	SKU          string `json:"sku"`
	Name         string `json:"name"`
	Quantity     int64  `json:"quantity"`
	UnitPrice    Money  `json:"unit_price"`
	WeightG      int64  `json:"weight_g"`
	LengthMM     int64  `json:"length_mm"`
	WidthMM      int64  `json:"width_mm"`
	HeightMM     int64  `json:"height_mm"`
	DeclaredName string `json:"declared_name"`
	HasBattery   bool   `json:"has_battery"`
}

// Event kinds in an order's history.
const (
	EventCreated    = "created"    // first stored
	EventUpdated    = "updated"    // a newer version from the source, status unchanged
	EventTransition = "transition" // the status changed
	EventConfirmed  = "confirmed"  // the seller confirmed (R-ORD-3)
	EventCorrected  = "corrected"  // the seller corrected the address or line data in lastmile
	// EventShippingMode: a package of the order ships in another mode than the shop's, with
	// the reason (R-MODE-4: over the platform's size limits, it ships seller-side).
	EventShippingMode = "shipping_mode"
	// EventCancelRequested: the buyer asked to cancel (R-ORD-4: the answer's clock starts at
	// At); EventCancelAnswered: the seller accepted or rejected the request (the clock is met).
	EventCancelRequested = "cancel_requested"
	EventCancelAnswered  = "cancel_answered"
)

// Event is one entry of an order's history: what happened, when, and why.
type Event struct {
	At     time.Time `json:"at"`
	Kind   string    `json:"event"`
	From   Status    `json:"from,omitempty"`
	To     Status    `json:"to,omitempty"`
	Cause  string    `json:"cause"`
	Reason string    `json:"reason,omitempty"`
}

// WriteOutcome says what an idempotent write did.
type WriteOutcome string

// Outcomes of an order upsert.
const (
	OutcomeCreated   WriteOutcome = "created"   // a new order was stored
	OutcomeUpdated   WriteOutcome = "updated"   // a newer version replaced the stored one
	OutcomeUnchanged WriteOutcome = "unchanged" // a replay of the stored version: nothing changed
	OutcomeStale     WriteOutcome = "stale"     // older than the stored version: ignored
)

// PackingGroup is one of the marketplace's packages of an order: its id there and its goods.
type PackingGroup struct {
	ExternalID string        `json:"external_id"`
	Lines      []PackageLine `json:"lines"`
}
