package inventory

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// maxQuantity bounds any quantity a caller sends: far beyond any real stock, far below overflow.
const maxQuantity = 1_000_000_000_000

// maxReasonLen bounds a movement's reason.
const maxReasonLen = 500

// Target is a stock count: what is on the shelf and the safety stock wanted, either of which may
// be left as is (nil). Reason says why, for the ledger; it is required when on hand changes.
type Target struct {
	OnHand      *int64 `json:"on_hand"`
	SafetyStock *int64 `json:"safety_stock"`
	Reason      string `json:"reason"`
}

// validate reports every problem with t at once.
func (t Target) validate() []model.FieldError {
	var ps []model.FieldError
	if t.OnHand == nil && t.SafetyStock == nil {
		ps = append(ps, model.FieldError{Code: "missing_field", Field: "on_hand",
			Message: `send on_hand, safety_stock or both, e.g. {"on_hand":120,"safety_stock":10,"reason":"cycle count"}`})
	}
	for _, f := range []struct {
		name string
		v    *int64
	}{{"on_hand", t.OnHand}, {"safety_stock", t.SafetyStock}} {
		if f.v != nil && (*f.v < 0 || *f.v > maxQuantity) {
			ps = append(ps, model.FieldError{Code: "out_of_range", Field: f.name,
				Message: fmt.Sprintf("%s is %d: want a whole number from 0 to %d", f.name, *f.v, int64(maxQuantity))})
		}
	}
	if len(t.Reason) > maxReasonLen {
		ps = append(ps, model.FieldError{Code: "too_long", Field: "reason", Message: fmt.Sprintf("reason is at most %d bytes", maxReasonLen)})
	}
	return ps
}

// movements are the ledger entries that take b to t: an adjustment by the difference in on hand
// and a new safety stock, each only when it changes something.
func (t Target) movements(key store.StockKey, b model.Balance, actor string, now time.Time) []model.Movement {
	var out []model.Movement
	if t.OnHand != nil && *t.OnHand != b.OnHand {
		out = append(out, model.Movement{Kind: model.MoveAdjust, WarehouseID: key.WarehouseID, SKU: key.SKU,
			Quantity: *t.OnHand - b.OnHand, Reason: t.Reason, Actor: actor, At: now})
	}
	if t.SafetyStock != nil && *t.SafetyStock != b.SafetyStock {
		out = append(out, model.Movement{Kind: model.MoveSetSafetyStock, WarehouseID: key.WarehouseID, SKU: key.SKU,
			Quantity: *t.SafetyStock, Reason: t.Reason, Actor: actor, At: now})
	}
	return out
}

// SetStock sets the stock of sku in the warehouse id to t (a count), through the ledger: the
// difference in on hand is an adjustment, the safety stock a set_safety_stock entry. Setting what
// is already there appends nothing. A count below what is reserved is accepted (it is what is on
// the shelf); the level then reports it as over-reserved.
func (s *Service) SetStock(ctx context.Context, scope model.Scope, warehouseID, sku string, t Target) (store.StockLevel, error) {
	problems := t.validate()
	if err := checkSKU("sku", sku); err != nil {
		problems = append(problems, err.(*model.ValidationError).Problems...)
	}
	if len(problems) > 0 {
		return store.StockLevel{}, &model.ValidationError{Problems: problems}
	}
	w, err := s.store.GetWarehouse(ctx, scope.ShopIDs, warehouseID)
	if err != nil {
		return store.StockLevel{}, err
	}
	key := store.StockKey{WarehouseID: w.ID, SKU: sku}
	now := s.clock()
	var before model.Balance
	jobs, err := s.lowJobs(ctx, w.ShopID)
	if err != nil {
		return store.StockLevel{}, err
	}
	levels, err := s.store.ChangeStockJobs(ctx, w.ShopID, []store.StockKey{key}, func(bal map[store.StockKey]model.Balance) ([]model.Movement, error) {
		before = bal[key]
		moves := t.movements(key, before, Actor(scope), now)
		if len(moves) > 0 && moves[0].Kind == model.MoveAdjust && strings.TrimSpace(t.Reason) == "" {
			return nil, invalid("missing_field", "reason", fmt.Sprintf(
				"on hand changes from %d to %d: say why (e.g. \"cycle count\", \"received PO-123\"), it goes in the stock ledger", before.OnHand, *t.OnHand))
		}
		return moves, nil
	}, jobs)
	if err != nil {
		return store.StockLevel{}, err
	}
	s.alertCrossings(map[store.StockKey]model.Balance{key: before}, levels)
	return levels[0], nil
}

// Entry is one stock movement a caller records directly: goods received, a count correction,
// a write-off, a return put back for sale. Reservations, releases and shipments come only from
// orders (Allocate, Release, Settle).
type Entry struct {
	WarehouseID string             `json:"warehouse_id"`
	SKU         string             `json:"sku"`
	Kind        model.MovementKind `json:"kind"`
	Quantity    int64              `json:"quantity"`
	Reason      string             `json:"reason"`
}

// entryKinds are the kinds a caller may record directly.
var entryKinds = []model.MovementKind{model.MoveReceive, model.MoveAdjust, model.MoveWriteOff, model.MoveReturnRestock}

// Record appends e to the ledger and returns the level it leaves. A write-off or adjustment
// needs a reason; nothing may leave stock below zero.
func (s *Service) Record(ctx context.Context, scope model.Scope, e Entry) (store.StockLevel, error) {
	var ps []model.FieldError
	if e.WarehouseID == "" {
		ps = append(ps, model.FieldError{Code: "missing_field", Field: "warehouse_id", Message: "name the warehouse by its id"})
	}
	if err := checkSKU("sku", e.SKU); err != nil {
		ps = append(ps, err.(*model.ValidationError).Problems...)
	}
	if !slices.Contains(entryKinds, e.Kind) {
		ps = append(ps, model.FieldError{Code: "invalid_value", Field: "kind",
			Message: fmt.Sprintf("kind %q: want receive, adjust, write_off or return_restock (reserve, release and ship come from orders)", e.Kind)})
	}
	switch {
	case e.Kind == model.MoveAdjust && (e.Quantity == 0 || e.Quantity > maxQuantity || e.Quantity < -maxQuantity):
		ps = append(ps, model.FieldError{Code: "out_of_range", Field: "quantity", Message: "an adjustment is a non-zero change of on hand, e.g. -3 or 12"})
	case e.Kind != model.MoveAdjust && (e.Quantity <= 0 || e.Quantity > maxQuantity):
		ps = append(ps, model.FieldError{Code: "out_of_range", Field: "quantity", Message: fmt.Sprintf("quantity must be from 1 to %d units", int64(maxQuantity))})
	}
	if (e.Kind == model.MoveAdjust || e.Kind == model.MoveWriteOff) && strings.TrimSpace(e.Reason) == "" {
		ps = append(ps, model.FieldError{Code: "missing_field", Field: "reason", Message: "an adjustment or write-off needs a reason for the ledger"})
	}
	if len(e.Reason) > maxReasonLen {
		ps = append(ps, model.FieldError{Code: "too_long", Field: "reason", Message: fmt.Sprintf("reason is at most %d bytes", maxReasonLen)})
	}
	if len(ps) > 0 {
		return store.StockLevel{}, &model.ValidationError{Problems: ps}
	}
	w, err := s.store.GetWarehouse(ctx, scope.ShopIDs, e.WarehouseID)
	if err != nil {
		return store.StockLevel{}, err
	}
	key := store.StockKey{WarehouseID: w.ID, SKU: e.SKU}
	m := model.Movement{Kind: e.Kind, WarehouseID: w.ID, SKU: e.SKU, Quantity: e.Quantity, Reason: e.Reason, Actor: Actor(scope), At: s.clock()}
	var before model.Balance
	jobs, err := s.lowJobs(ctx, w.ShopID)
	if err != nil {
		return store.StockLevel{}, err
	}
	levels, err := s.store.ChangeStockJobs(ctx, w.ShopID, []store.StockKey{key}, func(bal map[store.StockKey]model.Balance) ([]model.Movement, error) {
		before = bal[key]
		return []model.Movement{m}, nil
	}, jobs)
	if err != nil {
		return store.StockLevel{}, err
	}
	s.alertCrossings(map[store.StockKey]model.Balance{key: before}, levels)
	return levels[0], nil
}

// LevelQuery selects stock levels.
type LevelQuery struct {
	SKU         string
	WarehouseID string
	LowOnly     bool
	After       *store.StockKey
	Limit       int
}

// Levels lists stock levels within scope, by SKU then warehouse.
func (s *Service) Levels(ctx context.Context, scope model.Scope, q LevelQuery) ([]store.StockLevel, error) {
	return s.store.ListStock(ctx, store.StockQuery{ShopIDs: scope.ShopIDs, SKU: q.SKU, WarehouseID: q.WarehouseID,
		LowOnly: q.LowOnly, After: q.After, Limit: q.Limit})
}

// MovementFilter selects ledger entries.
type MovementFilter struct {
	SKU         string
	WarehouseID string
	OrderID     string
	AfterSeq    int64
	Limit       int
}

// Movements lists ledger entries within scope in the order they were appended.
func (s *Service) Movements(ctx context.Context, scope model.Scope, f MovementFilter) ([]store.MovementRecord, error) {
	return s.store.ListMovements(ctx, store.MovementQuery{ShopIDs: scope.ShopIDs, SKU: f.SKU, WarehouseID: f.WarehouseID,
		OrderID: f.OrderID, AfterSeq: f.AfterSeq, Limit: f.Limit})
}

// Count is one stock count of a batch: a SKU in a warehouse and the target figures.
type Count struct {
	WarehouseID string
	SKU         string
	Target
}

// maxCountBatch bounds the counts one SetStocks call writes in its one transaction.
const maxCountBatch = 1000

// CountResult is what one count of a batch did: the level it left, and whether it changed
// anything (a count of what is already there appends nothing to the ledger).
type CountResult struct {
	Level   store.StockLevel
	Changed bool
}

// SetStocks applies counts of one shop in one transaction, in order (a later count of the same
// SKU and warehouse applies on top of an earlier one), and returns what each count did.
// Each count must have passed validation (CheckCount); a count without a reason is recorded with
// defaultReason. Either every count is written or none.
func (s *Service) SetStocks(ctx context.Context, scope model.Scope, shopID string, counts []Count, defaultReason string) ([]CountResult, error) {
	if !scope.Has(shopID) {
		return nil, fmt.Errorf("shop %s: %w", shopID, model.ErrNotFound)
	}
	if len(counts) > maxCountBatch {
		return nil, fmt.Errorf("%d counts in one call, at most %d: %w", len(counts), maxCountBatch, model.ErrInvalid)
	}
	keys := make([]store.StockKey, len(counts))
	for i, c := range counts {
		keys[i] = store.StockKey{WarehouseID: c.WarehouseID, SKU: c.SKU}
	}
	uniq := store.SortKeys(keys)
	now, actor := s.clock(), Actor(scope)
	var before map[store.StockKey]model.Balance
	out := make([]CountResult, len(counts))
	jobs, err := s.lowJobs(ctx, shopID)
	if err != nil {
		return nil, err
	}
	_, err = s.store.ChangeStockJobs(ctx, shopID, uniq, func(bal map[store.StockKey]model.Balance) ([]model.Movement, error) {
		before = maps.Clone(bal)
		var moves []model.Movement
		for i, c := range counts {
			if strings.TrimSpace(c.Reason) == "" {
				c.Reason = defaultReason
			}
			ms := c.Target.movements(keys[i], bal[keys[i]], actor, now)
			b, err := applyAll(bal[keys[i]], ms)
			if err != nil {
				return nil, err
			}
			bal[keys[i]] = b
			out[i] = CountResult{Level: store.NewStockLevel(shopID, keys[i], b, now), Changed: len(ms) > 0}
			moves = append(moves, ms...)
		}
		return moves, nil
	}, jobs)
	if err != nil {
		return nil, err
	}
	var after []store.StockLevel
	seen := map[store.StockKey]bool{}
	for i := len(out) - 1; i >= 0; i-- { // the last count of a key is its final level
		if !seen[keys[i]] {
			seen[keys[i]] = true
			after = append(after, out[i].Level)
		}
	}
	s.alertCrossings(before, after)
	return out, nil
}

// applyAll applies moves to b in order.
func applyAll(b model.Balance, moves []model.Movement) (model.Balance, error) {
	for _, m := range moves {
		var err error
		if b, err = b.Apply(m); err != nil {
			return b, err
		}
	}
	return b, nil
}

// CheckCount reports every problem with a count before it is sent: the figures, the SKU.
func CheckCount(c Count) []model.FieldError {
	ps := c.Target.validate()
	if err := checkSKU("sku", c.SKU); err != nil {
		ps = append(ps, err.(*model.ValidationError).Problems...)
	}
	return ps
}
