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
// together or not at all.
type Shipping interface {
	// ChangeShipping runs one shipping step of the order id (ErrNotFound outside shopIDs) in one
	// transaction: it locks the order, loads its allocation (nil if none), packages and
	// shipments, and calls fn. It then writes what fn returns: the order when OrderChanged, new
	// packages, new or changed shipments (by id), label documents (a document that already
	// exists for its shipment, format and dpi is kept as it was), the batch item's outcome, and
	// the jobs, in the same transaction. It returns the state as it then stands. A shipment
	// change that would give a package a second live shipment is ErrConflict.
	ChangeShipping(ctx context.Context, shopIDs []string, orderID string, fn ShippingFunc) (ShippingState, error)

	// GetShipment returns the shipment id if its shop is in shopIDs, else ErrNotFound.
	GetShipment(ctx context.Context, shopIDs []string, id string) (model.Shipment, error)
	// GetShipmentByTracking returns the live or latest shipment with the tracking number of
	// carrier (any carrier when empty) in shopIDs, else ErrNotFound.
	GetShipmentByTracking(ctx context.Context, shopIDs []string, carrier, trackingNumber string) (model.Shipment, error)
	// ListShipments returns shipments in (CreatedAt, ID) order after q.After.
	ListShipments(ctx context.Context, q ShipmentQuery) ([]model.Shipment, error)
	// GetPackage returns the package id if its shop is in shopIDs, else ErrNotFound.
	GetPackage(ctx context.Context, shopIDs []string, id string) (model.Package, error)

	// GetLabelDocument returns the stored document of the shipment in format and dpi (dpi 0
	// for a carrier's own document), else ErrNotFound. The shipment must be in shopIDs.
	GetLabelDocument(ctx context.Context, shopIDs []string, shipmentID, format string, dpi int) (model.LabelDocument, error)
	// PutLabelDocument stores d unless a document of its shipment, format and dpi exists, and
	// returns the stored one: the first rendering wins, so every reprint is the same bytes
	// (R-LBL-6).
	PutLabelDocument(ctx context.Context, d model.LabelDocument) (model.LabelDocument, error)

	// CreateBatch stores b with one pending item per order id, in that order, and the jobs, in
	// one transaction.
	CreateBatch(ctx context.Context, b model.Batch, orderIDs []string, jobs []Job) error
	// GetBatch returns the batch id if its shop is in shopIDs, with its counts and status
	// worked out from its items, else ErrNotFound.
	GetBatch(ctx context.Context, shopIDs []string, id string) (model.Batch, error)
	// ListBatchItems returns up to limit items of the batch in Seq order, from Seq afterSeq+1.
	ListBatchItems(ctx context.Context, batchID string, afterSeq, limit int) ([]model.BatchItem, error)
	// DispatchBatch hands out the batch's next items: in one transaction it takes up to limit
	// items after the batch's dispatch mark, calls fn with them, stores the jobs fn returns and
	// moves the mark past them. It returns how many items it took (0: all were dispatched).
	DispatchBatch(ctx context.Context, batchID string, limit int, fn func(items []model.BatchItem) []Job) (int, error)
	// SetBatchItem records the outcome of an item whose order cannot be loaded (not found in
	// the batch's shops): ChangeShipping records every other outcome with the order's change.
	SetBatchItem(ctx context.Context, item model.BatchItem) error

	// CreateManifest stores m and moves its shipments from label_purchased to manifested in one
	// transaction. Shipments of m that are no longer label_purchased (voided meanwhile, or on
	// another manifest) are left out of it; the manifest as stored is returned.
	CreateManifest(ctx context.Context, m model.Manifest) (model.Manifest, error)
	// GetManifest returns the manifest id if its shop is in shopIDs, else ErrNotFound.
	GetManifest(ctx context.Context, shopIDs []string, id string) (model.Manifest, error)
	// HandOverManifest marks the manifest handed over at `at` and its manifested shipments
	// handed_over, in one transaction; doing it twice changes nothing.
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
	// Order is written when OrderChanged.
	Order        model.Order
	OrderChanged bool
	// NewPackages are inserted.
	NewPackages []model.Package
	// Shipments are inserted, or replace the stored shipment with their id.
	Shipments []model.Shipment
	// Documents are stored unless one exists for their shipment, format and dpi.
	Documents []model.LabelDocument
	// BatchItem, when not nil, records the outcome of the order in its batch.
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
	After       *Cursor                // (CreatedAt, ID); nil: from the start
	Limit       int
}
