// Package store declares the storage lastmile's domain needs, as one interface that every driver
// implements (store/sqlite, store/postgres), and the conformance suite that proves they behave
// alike (store/storetest). Dialect differences live in the drivers; the domain decides, the store
// only keeps those decisions atomic.
package store

import (
	"context"
	"time"

	"lastmile/internal/model"
)

// Store is the whole persistence interface. Every method is safe for concurrent use; every write
// is atomic: a failure leaves the data as it was before the call.
type Store interface {
	// Ping checks the database answers (readiness).
	Ping(ctx context.Context) error
	// Close releases the connections.
	Close() error

	// CreateShop stores a new shop; ErrConflict if the id exists.
	CreateShop(ctx context.Context, s model.Shop) error
	// GetShop returns the shop or ErrNotFound.
	GetShop(ctx context.Context, id string) (model.Shop, error)

	// CreateAPIKey stores a key and its shop grants; ErrNotFound if a shop does not exist.
	CreateAPIKey(ctx context.Context, k model.APIKey) error
	// GetAPIKey returns the key with its shops, revoked or not, or ErrNotFound.
	GetAPIKey(ctx context.Context, id string) (model.APIKey, error)
	// RevokeAPIKey marks the key revoked at at; revoking twice keeps the first time.
	RevokeAPIKey(ctx context.Context, id string, at time.Time) error

	// UpsertOrders writes a batch of incoming orders of one shop in one transaction. For each
	// order, in input order, it calls merge with the stored version (nil if none, or the version
	// an earlier item of the same batch produced) while holding that order's key exclusively, and
	// stores what merge returns when the outcome is created or updated. An error from merge fails
	// only that item. The result has one entry per input, in input order.
	UpsertOrders(ctx context.Context, shopID string, orders []model.Order, merge MergeFunc) ([]UpsertResult, error)
	// GetOrder returns the order with id if its shop is in shopIDs, else ErrNotFound.
	GetOrder(ctx context.Context, shopIDs []string, id string) (model.Order, error)
	// UpdateOrder loads the order with id (ErrNotFound outside shopIDs), holds it exclusively,
	// calls fn on it and stores it when fn reports a change. It returns the order as stored.
	UpdateOrder(ctx context.Context, shopIDs []string, id string, fn func(*model.Order) (changed bool, err error)) (model.Order, error)
	// ListOrders returns up to q.Limit orders (at most MaxQueryRows) in (ModifiedAt, ID) order
	// after q.After.
	ListOrders(ctx context.Context, q OrderQuery) ([]model.Order, error)

	// ClaimIdempotencyKey takes c.Key for a new request, or returns the record that holds it.
	// It takes the key (and returns nil) when no record holds it, when the record is done and
	// was created before c.ExpiredBefore, or when it is unfinished and its lease ended before c.Now.
	ClaimIdempotencyKey(ctx context.Context, c IdempotencyClaim) (*IdempotencyRecord, error)
	// CompleteIdempotencyKey stores the response of the request that holds the key.
	CompleteIdempotencyKey(ctx context.Context, keyID, key string, resp IdempotentResponse) error
	// ReleaseIdempotencyKey drops an unfinished claim so that a retry may run at once.
	ReleaseIdempotencyKey(ctx context.Context, keyID, key string) error
	// DeleteIdempotencyKeysBefore removes records created before t and reports how many.
	DeleteIdempotencyKeysBefore(ctx context.Context, t time.Time) (int64, error)

	// Stock holds warehouses, stock, the stock ledger and allocations.
	Stock
	// ShopSettings holds shops' own settings (shop_settings.go).
	ShopSettings
	// Jobs enqueues background work (job.go).
	Jobs
	// OrderJobs are the order writes with jobs in their transaction (order_jobs.go).
	OrderJobs
	// StockJobs is the stock change with jobs in its transaction (order_jobs.go).
	StockJobs
	// Shipping holds packages, shipments, label documents, batches and manifests (shipping.go).
	Shipping
	// Returns holds return requests, their labels and inspections, and the return rules
	// (returns.go).
	Returns
	// Tracking holds tracking events and states, the clocks' due-time index, exceptions and
	// deadline alerts (tracking.go).
	Tracking
	// ClockBatches computes many orders' clocks in one transaction (clock_batch.go).
	ClockBatches
	// Connections holds marketplace connections (connections.go).
	Connections
	// Webhooks holds outbound webhook subscriptions and their deliveries (webhooks.go).
	Webhooks
	// Messages holds buyer message templates and the log of messages sent (messages.go).
	Messages
	// Console holds the console's users, roles and sessions (console.go).
	Console
}

// MergeFunc is the domain's decision for one incoming order (see order.Merge).
type MergeFunc func(existing *model.Order, incoming model.Order) (model.Order, model.WriteOutcome, error)

// UpsertResult is what happened to one order of a batch: the order as it now stands and the
// outcome, or the error that refused it.
type UpsertResult struct {
	Order   model.Order
	Outcome model.WriteOutcome
	Err     error
}

// OrderQuery selects orders for a listing.
type OrderQuery struct {
	ShopIDs        []string
	Statuses       []model.Status // empty: any
	ExternalID     string         // empty: any
	NeedsAttention *bool          // nil: any
	ModifiedSince  time.Time      // zero: any; inclusive
	After          *Cursor        // nil: from the start
	Limit          int
}

// Cursor is a position in the (ModifiedAt, ID) order of a listing.
type Cursor struct {
	ModifiedAt time.Time
	ID         string
}

// IdempotencyClaim asks for an Idempotency-Key on behalf of one API key.
type IdempotencyClaim struct {
	KeyID         string
	Key           string
	RequestHash   string
	Now           time.Time
	LeaseUntil    time.Time
	ExpiredBefore time.Time
}

// IdempotencyRecord is the stored state of an Idempotency-Key.
type IdempotencyRecord struct {
	KeyID       string
	Key         string
	RequestHash string
	CreatedAt   time.Time
	LeaseUntil  time.Time
	Done        bool
	Response    IdempotentResponse
}

// IdempotentResponse is a stored response, replayed as it was sent. A response larger than the
// server keeps is stored without its bytes: Body is empty and Size says how large it was.
type IdempotentResponse struct {
	Status      int
	ContentType string
	Body        []byte
	// Size is the size of the body as it was sent; 0 means len(Body) (records written before
	// sizes were kept).
	Size int64
	// Header and Trailer are the response's own headers and trailers worth replaying (the API's
	// Lastmile-* ones), by canonical name.
	Header, Trailer map[string]string
}

// Kept reports whether the record holds the whole body, so that it can be replayed.
func (r IdempotentResponse) Kept() bool { return r.Size <= int64(len(r.Body)) }
