package model

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// MovementKind is what a stock movement does to a (warehouse, SKU) balance.
type MovementKind string

// The movement kinds. Quantity is a positive number of units except where noted.
const (
	// MoveReceive: goods arrived and were checked in (R-INV-6): on hand + quantity.
	MoveReceive MovementKind = "receive"
	// MoveAdjust: a stock count or correction, with a reason: on hand + quantity, which may be
	// negative. It records what is on the shelf, so it may leave fewer on hand than reserved
	// (see Balance.OverReserved), never fewer than zero.
	MoveAdjust MovementKind = "adjust"
	// MoveReserve: an order's allocation: reserved + quantity, refused beyond available (R-ORD-8).
	MoveReserve MovementKind = "reserve"
	// MoveRelease: an allocation given back (cancelled order, re-allocation): reserved − quantity.
	MoveRelease MovementKind = "release"
	// MoveShip: reserved units picked and handed over: on hand − quantity and reserved − quantity.
	// Only reserved units ship, so nothing leaves that was not allocated.
	MoveShip MovementKind = "ship"
	// MoveReturnRestock: a return inspected and put back for sale (R-RET-5): on hand + quantity.
	MoveReturnRestock MovementKind = "return_restock"
	// MoveWriteOff: damaged, lost or expired units removed, with a reason (R-RET-5): on hand −
	// quantity. Like an adjustment it records reality, so it may leave fewer on hand than reserved.
	MoveWriteOff MovementKind = "write_off"
	// MoveSetSafetyStock: the safety stock is set to quantity (≥ 0; R-INV-3). The only kind that
	// sets rather than adds; it is in the ledger so the level has a who, when and why.
	MoveSetSafetyStock MovementKind = "set_safety_stock"
)

// MovementKinds lists every movement kind.
var MovementKinds = []MovementKind{
	MoveReceive, MoveAdjust, MoveReserve, MoveRelease, MoveShip, MoveReturnRestock, MoveWriteOff, MoveSetSafetyStock,
}

// Valid reports whether k is one of MovementKinds.
func (k MovementKind) Valid() bool {
	switch k {
	case MoveReceive, MoveAdjust, MoveReserve, MoveRelease, MoveShip, MoveReturnRestock, MoveWriteOff, MoveSetSafetyStock:
		return true
	}
	return false
}

// Movement is one append-only ledger entry for one (warehouse, SKU): what changed, by how much,
// who did it, when and why. Entries are never edited; a mistake is corrected by another entry.
type Movement struct {
	Kind        MovementKind `json:"kind"`
	WarehouseID string       `json:"warehouse_id"`
	SKU         string       `json:"sku"`
	Quantity    int64        `json:"quantity"`
	Reason      string       `json:"reason,omitempty"`
	Actor       string       `json:"actor"`
	At          time.Time    `json:"at"`
	// OrderID is the order a reserve, release or ship is for.
	OrderID string `json:"order_id,omitempty"`
}

// Balance is the stock of one (warehouse, SKU): always the sum of its ledger (Replay).
// Available = on hand − reserved − safety stock, never below 0: it is what may still be sold
// (R-ORD-8). Available is derived; every function here recomputes it from the other three.
type Balance struct {
	OnHand      int64 `json:"on_hand"`
	Reserved    int64 `json:"reserved"`
	SafetyStock int64 `json:"safety_stock"`
	Available   int64 `json:"available"`
}

// NewBalance returns the balance of the three stored figures with Available filled in.
func NewBalance(onHand, reserved, safetyStock int64) Balance {
	b := Balance{OnHand: onHand, Reserved: reserved, SafetyStock: safetyStock}
	b.Available = b.available()
	return b
}

// available is on hand − reserved − safety stock, or 0 when that is not positive. Written as a
// comparison first so that no figure, however large, overflows.
func (b Balance) available() int64 {
	free := b.OnHand - b.Reserved // both ≥ 0 in a valid balance: cannot overflow
	if free <= b.SafetyStock {
		return 0
	}
	return free - b.SafetyStock
}

// OverReserved is how many reserved units are no longer on the shelf (after a count or a
// write-off found fewer): those reservations must be released or their orders cancelled
// (R-ORD-7). 0 in a healthy balance.
func (b Balance) OverReserved() int64 {
	if b.Reserved > b.OnHand {
		return b.Reserved - b.OnHand
	}
	return 0
}

// Low reports whether the SKU needs replenishing now: on hand − reserved ≤ safety stock,
// that is, nothing is left to sell beyond the safety buffer (Available is 0). The rule uses ≤,
// not <, so that a SKU with nothing to sell is always low, including one without safety stock.
// Reordering ahead of this point is the job of the reorder point (inventory.SuggestSafetyStock, R-INV-3).
func (b Balance) Low() bool {
	return b.OnHand-b.Reserved <= b.SafetyStock
}

// Ledger errors. Wrapped with what was refused; test with errors.Is.
var (
	// ErrInvalidMovement: the movement itself is malformed. It unwraps to ErrInvalid.
	ErrInvalidMovement = fmt.Errorf("invalid stock movement: %w", ErrInvalid)
	// ErrOversell: a reserve beyond available (R-ORD-8). It unwraps to ErrConflict.
	ErrOversell = fmt.Errorf("would oversell: %w", ErrConflict)
	// ErrNegativeStock: on hand or reserved would fall below zero, or a ship or release exceeds
	// what is reserved. It unwraps to ErrConflict.
	ErrNegativeStock = fmt.Errorf("would take stock below zero: %w", ErrConflict)
)

// Apply returns b after m, or b unchanged and an error when m is malformed (ErrInvalidMovement)
// or would oversell or take stock below zero (ErrOversell, ErrNegativeStock). The balance it
// returns is always Replay of the ledger plus m. It does not check m's warehouse and SKU: the
// caller applies a movement to the balance it belongs to.
func (b Balance) Apply(m Movement) (Balance, error) {
	if err := checkMovement(m); err != nil {
		return b, err
	}
	if b.OnHand < 0 || b.Reserved < 0 || b.SafetyStock < 0 {
		return b, fmt.Errorf("%s %d of %s: balance %+v has a negative figure: %w", m.Kind, m.Quantity, m.SKU, b, ErrInvalidMovement)
	}
	q := m.Quantity
	refuse := func(sentinel error, format string, args ...any) (Balance, error) {
		what := fmt.Sprintf("%s %d of %s in %s", m.Kind, q, m.SKU, m.WarehouseID)
		return b, fmt.Errorf("%s: %s: %w", what, fmt.Sprintf(format, args...), sentinel)
	}
	switch m.Kind {
	case MoveReceive, MoveReturnRestock:
		if q > math.MaxInt64-b.OnHand {
			return refuse(ErrInvalidMovement, "on hand %d would overflow", b.OnHand)
		}
	case MoveAdjust:
		if q > 0 && q > math.MaxInt64-b.OnHand {
			return refuse(ErrInvalidMovement, "on hand %d would overflow", b.OnHand)
		}
		if q < 0 && b.OnHand+q < 0 { // b.OnHand ≥ 0 and q < 0: the sum cannot overflow
			return refuse(ErrNegativeStock, "only %d on hand", b.OnHand)
		}
	case MoveWriteOff:
		if q > b.OnHand {
			return refuse(ErrNegativeStock, "only %d on hand", b.OnHand)
		}
	case MoveReserve:
		if avail := b.available(); q > avail {
			return refuse(ErrOversell, "only %d available (%d on hand, %d reserved, %d safety stock)", avail, b.OnHand, b.Reserved, b.SafetyStock)
		}
	case MoveRelease:
		if q > b.Reserved {
			return refuse(ErrNegativeStock, "only %d reserved", b.Reserved)
		}
	case MoveShip:
		if q > b.Reserved {
			return refuse(ErrNegativeStock, "only %d reserved: reserve before shipping", b.Reserved)
		}
		if q > b.OnHand {
			return refuse(ErrNegativeStock, "only %d on hand", b.OnHand)
		}
	}
	return step(b, m), nil
}

// checkMovement refuses a movement that cannot be a ledger entry: unknown kind, a quantity of
// the wrong sign, no actor or time, no reason where one is owed, no order where one is owed.
func checkMovement(m Movement) error {
	bad := func(msg string) error {
		return fmt.Errorf("%s %d of %s: %s: %w", m.Kind, m.Quantity, m.SKU, msg, ErrInvalidMovement)
	}
	if !m.Kind.Valid() {
		return bad(fmt.Sprintf("unknown kind %q", m.Kind))
	}
	if strings.TrimSpace(m.WarehouseID) == "" || strings.TrimSpace(m.SKU) == "" {
		return bad("a movement needs a warehouse and a SKU")
	}
	if strings.TrimSpace(m.Actor) == "" || m.At.IsZero() {
		return bad("a movement needs an actor and a time")
	}
	switch m.Kind {
	case MoveAdjust:
		if m.Quantity == 0 {
			return bad("an adjustment needs a non-zero quantity")
		}
	case MoveSetSafetyStock:
		if m.Quantity < 0 {
			return bad("safety stock cannot be negative")
		}
	default:
		if m.Quantity <= 0 {
			return bad("quantity must be positive")
		}
	}
	switch m.Kind {
	case MoveAdjust, MoveWriteOff:
		if strings.TrimSpace(m.Reason) == "" {
			return bad("an adjustment or write-off needs a reason")
		}
	case MoveReserve, MoveRelease, MoveShip:
		if strings.TrimSpace(m.OrderID) == "" {
			return bad("a reserve, release or ship needs the order it is for")
		}
	}
	return nil
}

// step is the arithmetic of one movement, without checks: Replay is a fold of it, and Apply is
// it behind the guards.
func step(b Balance, m Movement) Balance {
	q := m.Quantity
	switch m.Kind {
	case MoveReceive, MoveAdjust, MoveReturnRestock:
		b.OnHand += q
	case MoveWriteOff:
		b.OnHand -= q
	case MoveReserve:
		b.Reserved += q
	case MoveRelease:
		b.Reserved -= q
	case MoveShip:
		b.OnHand -= q
		b.Reserved -= q
	case MoveSetSafetyStock:
		b.SafetyStock = q
	}
	b.Available = b.available()
	return b
}

// Replay is the balance of a (warehouse, SKU) ledger: the sum of its movements in order, the
// safety stock the last one set. Movements must be ones Apply accepted; Replay does not check
// them again, so the store can rebuild or audit a balance from its ledger table.
func Replay(movements []Movement) Balance {
	var b Balance
	for _, m := range movements {
		b = step(b, m)
	}
	b.Available = b.available()
	return b
}
