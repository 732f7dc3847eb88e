package store

import (
	"context"
	"time"

	"lastmile/internal/model"
)

// Stock is the storage of warehouses, stock balances, the stock ledger and order allocations.
// The domain decides (inventory.Decide); the store holds the rows that decision reads locked
// until its result is written, so that no two writers ever sell the same unit.
//
// Every balance the store writes is the result of the ledger arithmetic, model.Balance.Apply, on
// the balance it read under lock and one movement it appends in the same transaction: the
// balance is always the sum of the ledger (model.Replay), and the ledger's rules (no reserve
// beyond available, nothing below zero) hold in the database, not only in the caller. The store
// imports only model, so the arithmetic it runs is the type's own, not a domain package's.
type Stock interface {
	// CreateWarehouse stores a new warehouse of w.ShopID; ErrConflict when its id, or its code
	// within the shop, is taken; ErrNotFound when the shop does not exist.
	CreateWarehouse(ctx context.Context, w model.Warehouse) error
	// UpdateWarehouse loads the warehouse id (ErrNotFound outside shopIDs), calls fn on it and
	// stores the result; ErrConflict when the new code is taken in the shop. fn may not change
	// the id or the shop.
	UpdateWarehouse(ctx context.Context, shopIDs []string, id string, fn func(*model.Warehouse) error) (model.Warehouse, error)
	// GetWarehouse returns the warehouse id if its shop is in shopIDs, else ErrNotFound.
	GetWarehouse(ctx context.Context, shopIDs []string, id string) (model.Warehouse, error)
	// ListWarehouses returns the warehouses of shopIDs in (shop, code) order.
	ListWarehouses(ctx context.Context, shopIDs []string) ([]model.Warehouse, error)

	// ChangeStock changes the balances of keys, all in warehouses of shopID, in one transaction:
	// it locks their rows (a key without a row has a zero balance), calls fn with the balances
	// and appends each movement fn returns, applying it with model.Balance.Apply. A movement for a key
	// that was not asked for, or one Apply refuses, fails the whole call: nothing is written. An
	// unknown warehouse, or one of another shop, is ErrNotFound. It returns the levels of keys as
	// written, in keys' order.
	ChangeStock(ctx context.Context, shopID string, keys []StockKey, fn func(map[StockKey]model.Balance) ([]model.Movement, error)) ([]StockLevel, error)
	// ListStock returns stock levels in (SKU, warehouse) order after q.After.
	ListStock(ctx context.Context, q StockQuery) ([]StockLevel, error)
	// ListMovements returns ledger entries in the order they were appended, after q.AfterSeq.
	ListMovements(ctx context.Context, q MovementQuery) ([]MovementRecord, error)

	// ChangeAllocation runs one allocation step of the order id (ErrNotFound outside shopIDs) in
	// one transaction: it locks the order, loads its allocation (nil when it has none) and the
	// shop's warehouses with their balances of the SKUs the order and its allocation hold, locked,
	// and calls fn. It then appends fn's movements as ChangeStock does and stores fn's allocation
	// when it is not nil. fn must not change the order. It returns the
	// allocation as it then stands (nil when the order has none).
	ChangeAllocation(ctx context.Context, shopIDs []string, orderID string, fn AllocateFunc) (*Allocation, error)
	// ChangeAllocations runs ChangeAllocation's step for each order of orderIDs, in that order, in
	// one transaction: every order, allocation and balance the batch needs is locked first, and
	// each order's fn sees the balances the orders before it left. An order outside shopIDs
	// (ErrNotFound), an error from fn, or a movement Apply refuses fails only that order, which
	// then writes nothing. The result has one entry per order id; the error is for the store.
	ChangeAllocations(ctx context.Context, shopIDs []string, orderIDs []string, fn AllocateFunc) ([]AllocationResult, error)
	// GetAllocation returns the allocation of the order id if its shop is in shopIDs, else
	// ErrNotFound.
	GetAllocation(ctx context.Context, shopIDs []string, orderID string) (Allocation, error)
	// ListUnsettledAllocations returns up to limit allocations still holding stock (reserved)
	// whose orders are in one of statuses: cancelled orders whose stock must be released, shipped
	// ones whose stock must leave the shelf. A sweep settles them, so a crash between an order's
	// change and its stock's never leaves stock held.
	ListUnsettledAllocations(ctx context.Context, statuses []model.Status, limit int) ([]Allocation, error)
}

// StockKey names one balance: a SKU in a warehouse.
type StockKey struct {
	WarehouseID string
	SKU         string
}

// StockLevel is the balance of one SKU in one warehouse, with its shop and last change.
type StockLevel struct {
	ShopID      string `json:"shop_id"`
	WarehouseID string `json:"warehouse_id"`
	SKU         string `json:"sku"`
	model.Balance
	// LowStock: nothing is left to sell beyond the safety stock (model.Balance.Low).
	LowStock  bool      `json:"low_stock"`
	UpdatedAt time.Time `json:"updated_at"`
}

// NewStockLevel returns the level of key in shop with balance b, LowStock worked out.
func NewStockLevel(shopID string, key StockKey, b model.Balance, at time.Time) StockLevel {
	b = model.NewBalance(b.OnHand, b.Reserved, b.SafetyStock)
	return StockLevel{ShopID: shopID, WarehouseID: key.WarehouseID, SKU: key.SKU, Balance: b,
		LowStock: b.Low(), UpdatedAt: at}
}

// StockQuery selects stock levels.
type StockQuery struct {
	ShopIDs     []string
	SKU         string // empty: any
	WarehouseID string // empty: any
	LowOnly     bool   // only levels with nothing left to sell beyond the safety stock
	After       *StockKey
	Limit       int
}

// MovementQuery selects ledger entries.
type MovementQuery struct {
	ShopIDs     []string
	SKU         string // empty: any
	WarehouseID string // empty: any
	OrderID     string // empty: any
	AfterSeq    int64
	Limit       int
}

// MovementRecord is a ledger entry as stored: its place in the ledger, its shop, and the
// balance it left.
type MovementRecord struct {
	Seq    int64  `json:"seq"`
	ShopID string `json:"shop_id"`
	model.Movement
	After model.Balance `json:"after"`
}

// AllocationStatus is where an order's stock stands.
type AllocationStatus string

// Allocation statuses. Only reserved holds stock.
const (
	AllocationReserved AllocationStatus = "reserved" // stock reserved in the chosen warehouses
	AllocationReleased AllocationStatus = "released" // reservations given back (cancel, release)
	AllocationShipped  AllocationStatus = "shipped"  // the reserved units left the shelf
)

// Allocation is an order's claim on stock: the decision that made it and where it stands.
type Allocation struct {
	OrderID   string           `json:"order_id"`
	ShopID    string           `json:"shop_id"`
	Status    AllocationStatus `json:"status"`
	Decision  model.Decision   `json:"decision"`
	CreatedAt time.Time        `json:"created_at"`
	UpdatedAt time.Time        `json:"updated_at"`
}

// AllocationInput is what ChangeAllocation loaded, under lock, for one step.
type AllocationInput struct {
	Order *model.Order
	// Current is the order's allocation, nil when it has none.
	Current *Allocation
	// Candidates are the shop's warehouses with their balances of the SKUs of the order and
	// of Current, in warehouse id order.
	Candidates []model.Candidate
}

// AllocationChange is what one step decided.
type AllocationChange struct {
	// Allocation is stored when not nil.
	Allocation *Allocation
	// Movements are appended in order, each applied to its balance with model.Balance.Apply.
	Movements []model.Movement
}

// AllocateFunc is the domain's allocation step (reserve, release, ship).
type AllocateFunc func(in AllocationInput) (AllocationChange, error)

// AllocationResult is what one order of ChangeAllocations came to: its allocation as it then
// stands (nil when it has none), or the error that refused its step.
type AllocationResult struct {
	Allocation *Allocation
	Err        error
}
