package model

import (
	"encoding/json"
	"time"
)

// BatchStatus is where a batch stands; it is derived from its items, never stored apart from
// them, so it cannot disagree with them.
type BatchStatus string

// Batch statuses.
const (
	BatchQueued  BatchStatus = "queued"  // no item has an outcome yet
	BatchRunning BatchStatus = "running" // some items have outcomes
	BatchDone    BatchStatus = "done"    // every item has an outcome
)

// ItemOutcome is what a batch did with one order.
type ItemOutcome string

// Item outcomes; pending items have none yet.
const (
	ItemPending ItemOutcome = "pending"
	ItemShipped ItemOutcome = "shipped"
	ItemFailed  ItemOutcome = "failed"
	ItemSkipped ItemOutcome = "skipped" // nothing to do: already shipped, cancelled, …
)

// Batch is a background operation over many orders (shipping them), with a result per order.
type Batch struct {
	ID     string `json:"id"`
	ShopID string `json:"shop_id"`
	Kind   string `json:"kind"` // "ship"
	// Options are the operation's options as the client sent them (policy, carrier, service).
	Options   json.RawMessage `json:"options,omitempty"`
	Status    BatchStatus     `json:"status"`
	Total     int             `json:"total"`
	Pending   int             `json:"pending"`
	Shipped   int             `json:"shipped"`
	Failed    int             `json:"failed"`
	Skipped   int             `json:"skipped"`
	CreatedAt time.Time       `json:"created_at"`
	// FinishedAt is when the last item got its outcome; nil while any is pending.
	FinishedAt *time.Time `json:"finished_at,omitempty"`
}

// BatchItem is one order of a batch and its result.
type BatchItem struct {
	BatchID string      `json:"-"`
	Seq     int         `json:"-"` // position in the request, from 0
	OrderID string      `json:"order_id"`
	Outcome ItemOutcome `json:"outcome"`
	// ShipmentIDs and TrackingNumbers are the order's live shipments after the batch (one per
	// package).
	ShipmentIDs     []string    `json:"shipment_ids,omitempty"`
	TrackingNumbers []string    `json:"tracking_numbers,omitempty"`
	Error           *FieldError `json:"error,omitempty"`
	UpdatedAt       time.Time   `json:"updated_at,omitzero"`
}

// Manifest is an end-of-day scan form: the labelled shipments one carrier collects from one
// warehouse, for the driver to sign (R-SHIP-5).
type Manifest struct {
	ID          string   `json:"id"`
	ShopID      string   `json:"shop_id"`
	Carrier     string   `json:"carrier"`
	WarehouseID string   `json:"warehouse_id"`
	ShipDate    string   `json:"ship_date"` // YYYY-MM-DD in the warehouse's time zone
	ShipmentIDs []string `json:"shipment_ids"`
	// CarrierRef is the carrier's id of the manifest (its scan form), when it issues one.
	CarrierRef string `json:"carrier_ref,omitempty"`
	// Pickup is the carrier's confirmation of a pickup request, when one was made.
	Pickup       string     `json:"pickup,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	HandedOverAt *time.Time `json:"handed_over_at,omitempty"`
}
