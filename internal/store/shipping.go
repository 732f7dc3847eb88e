package store

import (
	"context"
	"time"

	"lastmile/internal/model"
)

// Shipping is the storage of packages, shipments, label documents, batches and manifests. Every
// change to an order's shipping goes through ChangeShipping, which holds the order exclusively
// (the same lock as UpdateOrder and the allocation steps), so a package never gets two live
// shipments and a shipment's label, its order's status and its batch item's outcome change
// together or not at all. The manifest methods change many orders' shipments at once; they hold
// those shipments' rows (as ChangeShipping does while it runs), never the orders.
//
// The schema itself refuses a second live shipment of a package (ErrConflict), so a bug in a
// step cannot buy a label twice for one parcel. Text that no store can keep (a NUL byte, which
// PostgreSQL refuses, or bytes that are not UTF-8) is refused up front on every store with a
// *model.ValidationError naming the field, in reads as in writes.
type Shipping interface {
	// ChangeShipping runs one shipping step of the order id (ErrNotFound outside shopIDs) in one
	// transaction: it locks the order, loads its allocation (nil if none), packages and
	// shipments, and calls fn. It then writes what fn returns: the order when OrderChanged, new
	// packages, new or changed shipments (by id), label documents (a document that already
	// exists for its shipment, format and dpi is kept as it was), the batch item's outcome, and
	// the jobs, in the same transaction. It returns the state as it then stands. A shipment
	// change that would give a package a second live shipment is ErrConflict; so is a new
	// package or shipment whose id is taken. What fn returns must belong to the order: its id and
	// shop on the order, packages and shipments; shipments of the order's packages; documents of
	// its shipments; the batch item of the order, which must exist (ErrNotFound). Anything else
	// is ErrInvalid and writes nothing, as does an error from fn (returned wrapped). fn may run
	// more than once (PostgreSQL retries a transaction it aborted to break a deadlock): it must
	// do nothing but decide.
	ChangeShipping(ctx context.Context, shopIDs []string, orderID string, fn ShippingFunc) (ShippingState, error)

	// GetShipment returns the shipment id if its shop is in shopIDs, else ErrNotFound.
	GetShipment(ctx context.Context, shopIDs []string, id string) (model.Shipment, error)
	// GetShipmentByTracking returns the live or latest shipment with the tracking number of
	// carrier (any carrier when empty) in shopIDs, else ErrNotFound: a live one when there is
	// one, else the one created last.
	GetShipmentByTracking(ctx context.Context, shopIDs []string, carrier, trackingNumber string) (model.Shipment, error)
	// ListShipments returns up to q.Limit shipments (at most MaxQueryRows) in (CreatedAt, ID)
	// order after q.After.
	ListShipments(ctx context.Context, q ShipmentQuery) ([]model.Shipment, error)
	// GetPackage returns the package id if its shop is in shopIDs, else ErrNotFound.
	GetPackage(ctx context.Context, shopIDs []string, id string) (model.Package, error)

	// GetLabelDocument returns the stored document of the shipment in format and dpi (dpi 0
	// for a carrier's own document), else ErrNotFound. The shipment must be in shopIDs.
	GetLabelDocument(ctx context.Context, shopIDs []string, shipmentID, format string, dpi int) (model.LabelDocument, error)
	// PutLabelDocument stores d unless a document of its shipment, format and dpi exists, and
	// returns the stored one: the first rendering wins, so every reprint is the same bytes
	// (R-LBL-6), even when two requests render it at once. An unknown shipment is ErrNotFound.
	PutLabelDocument(ctx context.Context, d model.LabelDocument) (model.LabelDocument, error)

	// CreateBatch stores b (its id, shop, kind, options and creation time; the counts are
	// worked out, never stored) with one pending item per order id, in that order (Seq from 0),
	// and the jobs, in one transaction. ErrConflict when the id is taken, ErrNotFound when the
	// shop does not exist. A batch of no orders is done at once.
	CreateBatch(ctx context.Context, b model.Batch, orderIDs []string, jobs []Job) error
	// GetBatch returns the batch id if its shop is in shopIDs, with its counts and status
	// worked out from its items, else ErrNotFound.
	GetBatch(ctx context.Context, shopIDs []string, id string) (model.Batch, error)
	// ListBatchItems returns up to limit items (at most MaxQueryRows) of the batch in Seq
	// order, from Seq afterSeq+1: afterSeq -1 starts at the first. The caller has checked the
	// batch's shop (GetBatch).
	ListBatchItems(ctx context.Context, batchID string, afterSeq, limit int) ([]model.BatchItem, error)
	// RecordBatchItem records the outcome of an item that no shipping step can record, because
	// its order cannot be loaded (it does not exist, or is not of the batch's shop): the item
	// with it.BatchID and it.Seq, whose order id must be it.OrderID (else ErrNotFound), gets its
	// Outcome, ShipmentIDs, TrackingNumbers, Error and UpdatedAt. Outcomes of orders that exist
	// go through ChangeShipping, with the order's change.
	RecordBatchItem(ctx context.Context, it model.BatchItem) error
	// DispatchBatch hands out the batch's next items: in one transaction it takes up to limit
	// items (at most MaxQueryRows) after the batch's dispatch mark, whatever their outcome,
	// calls fn with them, stores the jobs fn returns and moves the mark past them. Concurrent
	// calls never hand out an item twice. An error from fn writes nothing and is returned
	// wrapped; fn may run more than once, as in ChangeShipping. It returns how many items it
	// took (0: all were dispatched). An unknown batch is ErrNotFound.
	DispatchBatch(ctx context.Context, batchID string, limit int, fn func(items []model.BatchItem) ([]Job, error)) (int, error)

	// CreateManifest stores m, not handed over (HandOverManifest does that), and moves its
	// shipments from label_purchased to manifested (with m's id, updated at m.CreatedAt) in one
	// transaction. Shipments of m that are no longer label_purchased (voided meanwhile), are on
	// another manifest, or are not of m's shop, carrier and warehouse are left out of it; the
	// manifest as stored is returned, its ShipmentIDs in (CreatedAt, ID) order. ErrConflict
	// when the id is taken, ErrNotFound when the shop does not exist.
	CreateManifest(ctx context.Context, m model.Manifest) (model.Manifest, error)
	// GetManifest returns the manifest id if its shop is in shopIDs, else ErrNotFound. Its
	// ShipmentIDs are the shipments whose ManifestID is its id, whatever their status now.
	GetManifest(ctx context.Context, shopIDs []string, id string) (model.Manifest, error)
	// HandOverManifest marks the manifest handed over at `at` and its manifested shipments
	// handed_over (updated at `at`), in one transaction; doing it twice changes nothing (the
	// first time stays).
	HandOverManifest(ctx context.Context, shopIDs []string, id string, at time.Time) (model.Manifest, error)
}

// ShippingState is an order's shipping as ChangeShipping loaded or left it.
type ShippingState struct {
	Order      model.Order
	Allocation *Allocation
	Packages   []model.Package  // in creation order
	Shipments  []model.Shipment // in creation order, voided and failed ones included
}

// ShippingChange is what one shipping step decided.
type ShippingChange struct {
	// Order is written when OrderChanged, as UpdateOrder writes it: the step sets its Version,
	// ModifiedAt and the rest; its ID and ShopID stay the order's.
	Order        model.Order
	OrderChanged bool
	// NewPackages are inserted.
	NewPackages []model.Package
	// Shipments are inserted, or replace the stored shipment with their id (every field but
	// the id, shop, order, package and creation time, which a shipment keeps). New ones are
	// created in this order; stored ones that leave their package (voided, failed) are written
	// first, so voiding a shipment and creating its successor is one change.
	Shipments []model.Shipment
	// Documents are stored unless one exists for their shipment, format and dpi.
	Documents []model.LabelDocument
	// BatchItem, when not nil, records the outcome of the order in its batch: the item with its
	// BatchID and Seq gets its Outcome, ShipmentIDs, TrackingNumbers, Error and UpdatedAt.
	BatchItem *model.BatchItem
	// Jobs are enqueued in the same transaction (DESIGN: the transactional outbox).
	Jobs []Job
}

// ShippingFunc is the domain's shipping step.
type ShippingFunc func(st ShippingState) (ShippingChange, error)

// ShipmentQuery selects shipments.
type ShipmentQuery struct {
	ShopIDs     []string
	OrderID     string                 // empty: any
	Statuses    []model.ShipmentStatus // empty: any
	Carrier     string                 // empty: any
	WarehouseID string                 // empty: any (the package's warehouse)
	BatchID     string                 // empty: any
	After       *Cursor                // its ModifiedAt is the shipment's CreatedAt; nil: from the start
	Limit       int
}
