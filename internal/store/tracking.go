package store

import (
	"context"
	"encoding/json"
	"time"

	"lastmile/internal/model"
)

// Tracking is the storage of carrier tracking events, each shipment's tracking state, the
// clocks' due-time index, logistics exceptions and deadline alerts. Every change goes through
// IngestTracking or ChangeClocks, which hold the order exclusively (the lock of UpdateOrder
// and ChangeShipping) and write the order, the tracking state, the order's deadlines, the
// exceptions, the alerts and the jobs in one transaction: a status and its alert and
// notification commit together or not at all.
//
// The store keeps no rule: the domain (internal/tracker) decides every field; the store keeps
// those decisions atomic and finds the deadlines that are due without reading the others.
type Tracking interface {
	// IngestTracking stores a batch of events in one transaction. Each event is matched to
	// the live (else latest) shipment of its carrier and tracking number in shopIDs; an event
	// without one is TrackingNoShipment and stored nowhere. An event whose key (carrier,
	// tracking number, raw code, OccurredAt to the second) is stored already is
	// TrackingDuplicate and changes nothing. For every shipment that got at least one new
	// event, in the order of first appearance, fn is called with the order's clock state
	// (the shipment's new events, and LoadEvents for all of them) and what it returns is
	// written as ChangeClocks writes it; a later shipment of the same order sees what the
	// earlier one's fn decided. Every order is read once per batch. The
	// result has one entry per event, in input order. fn may run more than once (PostgreSQL
	// retries a transaction it aborted); it must only decide.
	IngestTracking(ctx context.Context, shopIDs []string, events []TrackingEvent, fn ClockFunc) ([]TrackingIngestResult, error)
	// ShopsOfParcels returns the shops with a shipment of carrier with one of the tracking
	// numbers: the scope of a carrier's webhook, which may touch only its own parcels.
	ShopsOfParcels(ctx context.Context, carrier string, numbers []string) ([]string, error)
	// ChangeClocks loads the clock state of the order id (ErrNotFound outside shopIDs), calls
	// fn with it (ShipmentID empty) and writes what fn returns, in one transaction.
	ChangeClocks(ctx context.Context, shopIDs []string, orderID string, fn ClockFunc) error
	// OrderClocks loads the clock state of the order id (ErrNotFound outside shopIDs) as
	// ChangeClocks gives it to its fn (ShipmentID empty), in a read-only transaction: nothing is
	// locked or written. What a read shows (GET /v1/orders/{id}/deadlines) is computed from it.
	OrderClocks(ctx context.Context, shopIDs []string, orderID string) (ClockState, error)

	// GetTracking returns the tracking state and the events (oldest first) of the shipment id
	// in shopIDs; a shipment without any event has an empty state (Status ""). ErrNotFound
	// when the shipment is not in shopIDs.
	GetTracking(ctx context.Context, shopIDs []string, shipmentID string) (TrackingState, []TrackingEvent, error)
	// ListDeadlines returns the order's deadlines (ErrNotFound outside shopIDs), by due time.
	ListDeadlines(ctx context.Context, shopIDs []string, orderID string) ([]DeadlineRow, error)
	// DueOrders returns up to limit orders (each once) with a deadline whose next check is at
	// or before now, earliest check first. It reads the due-time index only: its cost follows the due
	// rows, not the open orders.
	DueOrders(ctx context.Context, now time.Time, limit int) ([]OrderRef, error)
	// ChangedOrders returns up to limit orders of any shop modified after the cursor, in
	// (ModifiedAt, ID) order: the sweep computes their clocks again.
	ChangedOrders(ctx context.Context, after Cursor, limit int) ([]OrderRef, error)
	// GetMark and PutMark keep a named cursor (the sweep's place in ChangedOrders); a mark
	// never set is the zero cursor.
	GetMark(ctx context.Context, name string) (Cursor, error)
	PutMark(ctx context.Context, name string, c Cursor) error
	// CountDue counts the deadlines whose next check is at or before now (a metric).
	CountDue(ctx context.Context, now time.Time) (int64, error)

	// ListExceptions returns up to q.Limit exceptions (at most MaxQueryRows), oldest first
	// after q.AfterID.
	ListExceptions(ctx context.Context, q ExceptionQuery) ([]TrackingException, error)
	// ResolveException marks the exception id resolved at at with note (ErrNotFound outside
	// shopIDs); resolving twice keeps the first resolution. It returns the exception.
	ResolveException(ctx context.Context, shopIDs []string, id, note string, at time.Time) (TrackingException, error)
	// ListAlerts returns up to q.Limit alerts (at most MaxQueryRows), newest first before
	// q.BeforeID.
	ListAlerts(ctx context.Context, q AlertQuery) ([]DeadlineAlert, error)
	// ListOrderClocks returns the orders of shopIDs with a deadline due in [from, to), each
	// with its deadlines and the tracking states of its shipments: what the scores read.
	ListOrderClocks(ctx context.Context, shopIDs []string, from, to time.Time) ([]ClockState, error)
	// DeliveryHistory returns the delivered shipments of every shop (first scan and delivery
	// known) delivered at or after since, newest delivery first, at most limit (capped at
	// MaxDeliveryHistory): what the delivery estimate learns from.
	DeliveryHistory(ctx context.Context, since time.Time, limit int) ([]DeliveredShipment, error)
}

// MaxDeliveryHistory caps one DeliveryHistory read.
const MaxDeliveryHistory = 200000

// DeliveredShipment is one delivered shipment of the history: its lane (carrier, service,
// ship-from warehouse and destination) and its first scan and delivery.
type DeliveredShipment struct {
	ShipmentID, Carrier, Service, WarehouseID string
	// Country and Region are the order's destination ("US", "CA"); Region may be empty.
	Country, Region          string
	FirstScanAt, DeliveredAt time.Time
}

// OrderRef names an order and its shop.
type OrderRef struct {
	ID, ShopID string
	ModifiedAt time.Time
}

// TrackingEvent is one stored carrier event: the raw code as sent and the normalised status,
// reason and milestones beside it.
type TrackingEvent struct {
	Carrier, TrackingNumber, RawCode string
	OccurredAt                       time.Time
	Description                      string
	// Location is the event's place as JSON ({"city",…}); empty for none.
	Location json.RawMessage
	// Status, Reason and Milestones are the normalised meaning (tracking.Codes.Normalize).
	Status, Reason string
	Milestones     int
	// ShipmentID, ShopID and ReceivedAt are set by the store.
	ShipmentID, ShopID string
	ReceivedAt         time.Time
}

// The outcomes of an ingested event.
const (
	TrackingCreated    = "created"
	TrackingDuplicate  = "duplicate"
	TrackingNoShipment = "no_shipment"
)

// TrackingIngestResult is what happened to one event of a batch.
type TrackingIngestResult struct {
	Outcome    string
	ShipmentID string
	OrderID    string
}

// TrackingState is a shipment's tracking as last derived from its events.
type TrackingState struct {
	ShipmentID, ShopID, OrderID, Carrier, TrackingNumber string
	Status, Reason                                       string
	FirstScanAt, LastEventAt, DeliveredAt                time.Time
	// Summary is the domain's encoding of the rest (milestones, missing ones, exceptions).
	Summary   json.RawMessage
	UpdatedAt time.Time
}

// DeadlineRow is one clock of an order or its shipment.
type DeadlineRow struct {
	Key, ShopID, OrderID string
	Rule, Name           string
	Subject, SubjectID   string
	StartAt, DueAt       time.Time
	AtRiskAt             time.Time
	Source               string
	MetAt                time.Time // zero: not met
	State                string
	// NextCheckAt is when the clock alone changes its state; zero once it cannot (met,
	// breached). Only rows with one are in the due-time index.
	NextCheckAt time.Time
}

// TrackingException is one logistics exception of a shipment for the exceptions queue.
type TrackingException struct {
	ID string
	// Key is stable per episode (shipment, reason, opening second): writing it again updates it.
	Key                          string
	ShopID, OrderID, ShipmentID  string
	Carrier, TrackingNumber      string
	Type                         string // the reason: lost, stale, late…
	OpenedAt                     time.Time
	ClosedAt                     time.Time // zero while open on the carrier's side
	RawCode, Description, Action string
	ResolvedAt                   time.Time // zero until the seller resolves it
	Note                         string
}

// ExceptionQuery selects exceptions.
type ExceptionQuery struct {
	ShopIDs []string
	Type    string // empty: any
	Carrier string // empty: any
	// Open: only those neither resolved nor closed.
	Open    bool
	AfterID string
	Limit   int
}

// DeadlineAlert is an at-risk or breach alert of one deadline, raised once per key and kind.
type DeadlineAlert struct {
	ID string
	// Key is the deadline's key; with Kind it is unique.
	Key, Kind          string
	ShopID, OrderID    string
	Rule, Name         string
	Subject, SubjectID string
	DueAt, RaisedAt    time.Time
	Message            string
}

// AlertQuery selects alerts.
type AlertQuery struct {
	ShopIDs  []string
	Kind     string // empty: any
	OrderID  string // empty: any
	BeforeID string
	Limit    int
}

// ClockState is an order as the clocks see it.
type ClockState struct {
	Order     model.Order
	Shipments []model.Shipment
	// Warehouses are the warehouse of each of the order's packages, by package id.
	Warehouses map[string]string
	// Tracking are the states of the order's shipments that have events, by shipment id.
	Tracking map[string]TrackingState
	// ShipmentID is the shipment whose events IngestTracking is applying ("" otherwise), and
	// Events its events new in this batch (stored now, duplicates left out), oldest first.
	// LoadEvents reads all its stored events, the new ones included, oldest first, in the
	// same transaction: for a fold that cannot continue from the stored tracking state.
	ShipmentID string
	Events     []TrackingEvent
	LoadEvents func() ([]TrackingEvent, error)
	// Deadlines are the order's stored deadlines; Alerts the keys already alerted
	// (key + "/" + kind); Exceptions the order's stored exceptions.
	Deadlines  []DeadlineRow
	Alerted    map[string]bool
	Exceptions []TrackingException
}

// ClockChange is what the clocks decided for an order.
type ClockChange struct {
	// Order is written when OrderChanged (as UpdateOrder writes it).
	Order        model.Order
	OrderChanged bool
	// Tracking, when not nil, replaces the shipment's tracking state.
	Tracking *TrackingState
	// ShipmentStatuses move shipments of the order along their lifecycle (in_transit on the
	// first scan, delivered on delivery): only the status and UpdatedAt are written.
	ShipmentStatuses []ShipmentStatusChange
	// Deadlines replace the order's deadlines when ReplaceDeadlines is set; the store writes
	// only the rows that differ from the stored ones.
	Deadlines        []DeadlineRow
	ReplaceDeadlines bool
	// Exceptions are inserted, or update the stored one with their key (its closed time,
	// description and action; the id, opening and resolution stay).
	Exceptions []TrackingException
	// Alerts are inserted; one whose key and kind exist is skipped.
	Alerts []DeadlineAlert
	// Jobs are enqueued in the same transaction.
	Jobs []Job
}

// ShipmentStatusChange is a shipment's new status, decided by the clocks.
type ShipmentStatusChange struct {
	ShipmentID string
	Status     model.ShipmentStatus
	At         time.Time
}

// ClockFunc is the clocks' decision for an order.
type ClockFunc func(st ClockState) (ClockChange, error)
