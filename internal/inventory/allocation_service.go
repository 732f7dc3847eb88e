package inventory

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/store"
)

// AllocateOptions tune one allocation. Its JSON form is the body of POST
// /v1/orders/{id}/allocate.
type AllocateOptions struct {
	// AllowSplit lets the order ship in several packages from several warehouses, used only
	// when no one warehouse can serve it whole.
	AllowSplit bool `json:"allow_split"`
}

// UnallocatableError is an order that cannot be allocated now: not enough stock in any one
// warehouse (or at all), a split the shop does not allow, no warehouse that may ship to the
// market. Decision says why, warehouse by warehouse, and which SKUs are short. It unwraps to
// model.ErrConflict: nothing was reserved, and the same request may succeed after a restock.
type UnallocatableError struct {
	Decision model.Decision
}

func (e *UnallocatableError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "order %s cannot be allocated: %s", e.Decision.OrderID, e.Decision.Reason)
	for i, sh := range e.Decision.Short {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s needs %d, %d available (at most %d in one warehouse)", sh.SKU, sh.Needed, sh.Available, sh.MaxSingle)
	}
	return b.String()
}

func (e *UnallocatableError) Unwrap() error { return model.ErrConflict }

// shippedStatuses are the order statuses in which the goods have left the shelf: its reserved
// units are shipped (taken off on hand) by Settle.
var shippedStatuses = []model.Status{
	model.StatusAwaitingCollection, model.StatusInTransit, model.StatusDelivered, model.StatusCompleted,
}

// Allocate reserves stock for a confirmed order in the warehouse(s) Decide chooses:
// every warehouse of the order's shop is considered with its balances read under lock, so no two
// allocations can take the same unit. Allocating an order that holds an allocation returns it
// unchanged; one whose allocation was released is allocated afresh. An order that cannot be
// served is an *UnallocatableError and reserves nothing.
//
// A held order (needs_attention, R-ORD-6) is refused with an *order.HeldError, whether or not
// it holds an allocation. An order that becomes held after its allocation (a newer marketplace
// version with a problem) keeps its reservation: the fix is usually minutes away, and stock
// released now could be sold to another order meanwhile. It cannot ship while held: every
// fulfilment step refuses it (order.RefuseHeld), and cancelling it releases the stock.
func (s *Service) Allocate(ctx context.Context, scope model.Scope, orderID string, opt AllocateOptions) (store.Allocation, error) {
	res, err := s.AllocateMany(ctx, scope, []string{orderID}, opt)
	if err != nil {
		return store.Allocation{}, err
	}
	return res[0].Allocation, res[0].Err
}

// AllocateResult is what allocating one order of a batch came to.
type AllocateResult struct {
	Allocation store.Allocation
	Err        error
}

// MaxAllocateBatch bounds the orders one AllocateMany call allocates in its one transaction.
const MaxAllocateBatch = 1000

// AllocateMany allocates orderIDs as Allocate does each, in that order, in one transaction: the
// peak-day path, where a warehouse releases hundreds of orders to picking at once. Each order
// sees the stock the orders before it took; one that cannot be allocated fails alone. The error
// is for the store, or a batch over MaxAllocateBatch.
func (s *Service) AllocateMany(ctx context.Context, scope model.Scope, orderIDs []string, opt AllocateOptions) ([]AllocateResult, error) {
	if len(orderIDs) > MaxAllocateBatch {
		return nil, invalid("too_many", "order_ids", fmt.Sprintf("%d orders in one call: at most %d", len(orderIDs), MaxAllocateBatch))
	}
	now := s.clock()
	actor := Actor(scope)
	// The shops' figures are read before the transaction opens: a transaction waiting on
	// another read could starve the connection pool.
	figures, err := s.marketsOf(ctx, scope.ShopIDs)
	if err != nil {
		return nil, err
	}
	type step struct {
		before map[store.StockKey]model.Balance
		moves  []model.Movement
	}
	steps := map[string]step{} // by order id, for the low-stock check once committed
	res, err := s.store.ChangeAllocations(ctx, scope.ShopIDs, orderIDs, func(in store.AllocationInput) (store.AllocationChange, error) {
		o := in.Order
		delete(steps, o.ID)
		// R-ORD-6: a held order is not allocated. One held after its allocation keeps what it
		// holds (see Allocate) but is refused here too, so no caller takes it for ready.
		if err := order.RefuseHeld(o, "allocate"); err != nil {
			return store.AllocationChange{}, err
		}
		if cur := in.Current; cur != nil && cur.Status != store.AllocationReleased {
			return store.AllocationChange{}, nil // reserved or shipped: the same allocation
		}
		if o.Status != model.StatusAwaitingShipment || o.ConfirmedAt == nil {
			return store.AllocationChange{}, &order.ActionError{Action: "allocate", Status: o.Status,
				Want: "only confirmed AWAITING_SHIPMENT orders are allocated; confirm it first"}
		}
		markets := s.markets
		if m, ok := figures[o.ShopID]; ok {
			markets = m
		}
		market, ok := markets[o.Market]
		if !ok {
			return store.AllocationChange{}, fmt.Errorf("allocate order %s: no rules for market %s: %w", o.ID, o.Market, model.ErrInvalid)
		}
		d, err := Decide(Request{Order: o, Market: market, Now: now, Candidates: in.Candidates,
			AllowSplit: opt.AllowSplit, Policy: s.policyFor(market)})
		if err != nil {
			return store.AllocationChange{}, fmt.Errorf("allocate order %s: %w", o.ID, err)
		}
		if len(d.Allocations) == 0 {
			return store.AllocationChange{}, &UnallocatableError{Decision: d}
		}
		var moves []model.Movement
		for _, p := range d.Allocations {
			for _, l := range p.Lines {
				moves = append(moves, model.Movement{Kind: model.MoveReserve, WarehouseID: p.WarehouseID, SKU: l.SKU,
					Quantity: l.Quantity, Actor: actor, At: now, OrderID: o.ID, Reason: "allocated"})
			}
		}
		steps[o.ID] = step{before: balancesOf(in.Candidates), moves: moves}
		return store.AllocationChange{
			Allocation: &store.Allocation{Status: store.AllocationReserved, Decision: d, CreatedAt: now, UpdatedAt: now},
			Movements:  moves,
		}, nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]AllocateResult, len(res))
	for i, r := range res {
		out[i].Err = r.Err
		if r.Allocation != nil {
			out[i].Allocation = *r.Allocation
		}
		if r.Err == nil {
			if st, ok := steps[orderIDs[i]]; ok {
				s.alertAfter(st.before, st.moves, r.Allocation.ShopID)
				delete(steps, orderIDs[i]) // an id listed twice reserved once
			}
		}
	}
	return out, nil
}

// Release gives back the stock an order's allocation holds, for example to allocate it again
// after a restock elsewhere. Releasing a released allocation changes nothing; an order without
// an allocation, or whose stock has shipped, cannot be released (ErrConflict).
func (s *Service) Release(ctx context.Context, scope model.Scope, orderID, reason string) (store.Allocation, error) {
	reason = strings.TrimSpace(reason)
	if len(reason) > maxReasonLen {
		return store.Allocation{}, invalid("too_long", "reason", fmt.Sprintf("reason is at most %d bytes", maxReasonLen))
	}
	if reason == "" {
		reason = "released"
	}
	now := s.clock()
	a, err := s.store.ChangeAllocation(ctx, scope.ShopIDs, orderID, func(in store.AllocationInput) (store.AllocationChange, error) {
		switch cur := in.Current; {
		case cur == nil:
			return store.AllocationChange{}, &order.ActionError{Action: "release", Status: in.Order.Status,
				Want: "the order holds no stock: allocate it first"}
		case cur.Status == store.AllocationShipped:
			return store.AllocationChange{}, &order.ActionError{Action: "release", Status: in.Order.Status,
				Want: "its stock has shipped; a return puts it back (return_restock)"}
		case cur.Status == store.AllocationReleased:
			return store.AllocationChange{}, nil
		case isShipped(in.Order.Status):
			// The goods have left though Settle has not run yet: released, they would stay on
			// hand and be sold again (R-ORD-8). Settle ships them.
			return store.AllocationChange{}, &order.ActionError{Action: "release", Status: in.Order.Status,
				Want: "its stock has shipped; a return puts it back (return_restock)"}
		}
		return settle(in, store.AllocationReleased, model.MoveRelease, reason, Actor(scope), now), nil
	})
	if err != nil {
		return store.Allocation{}, err
	}
	return *a, nil
}

// GetAllocation returns the order's allocation within scope; ErrNotFound when it has none.
func (s *Service) GetAllocation(ctx context.Context, scope model.Scope, orderID string) (store.Allocation, error) {
	return s.store.GetAllocation(ctx, scope.ShopIDs, orderID)
}

// Settle brings the order's stock in line with its status: a cancelled order's reservations are
// released, a shipped order's reserved units leave on hand. Any other status, an order without
// a reserved allocation, or one already settled, changes nothing: Settle may run any number of
// times. It reports whether it changed anything.
func (s *Service) Settle(ctx context.Context, shopIDs []string, orderID string) (bool, error) {
	now := s.clock()
	changed := false
	_, err := s.store.ChangeAllocation(ctx, shopIDs, orderID, func(in store.AllocationInput) (store.AllocationChange, error) {
		changed = false
		if in.Current == nil || in.Current.Status != store.AllocationReserved {
			return store.AllocationChange{}, nil
		}
		o := in.Order
		switch {
		case o.Status == model.StatusCancelled:
			changed = true
			reason := "order cancelled"
			if o.CancelReason != "" {
				reason += ": " + o.CancelReason
			}
			return settle(in, store.AllocationReleased, model.MoveRelease, reason, "lastmile", now), nil
		case isShipped(o.Status):
			changed = true
			return settle(in, store.AllocationShipped, model.MoveShip, "order "+strings.ToLower(string(o.Status)), "lastmile", now), nil
		}
		return store.AllocationChange{}, nil
	})
	if errors.Is(err, model.ErrNotFound) {
		return false, nil // the order is gone from these shops: nothing of it to settle
	}
	return changed, err
}

// Sweep settles up to limit allocations whose orders were cancelled or shipped while they still
// held stock (an order cancelled by the marketplace, a crash between a cancel and its release).
// It reports how many it settled, and the orders it could not settle, after trying the others.
func (s *Service) Sweep(ctx context.Context, limit int) (int, error) {
	statuses := append([]model.Status{model.StatusCancelled}, shippedStatuses...)
	pending, err := s.store.ListUnsettledAllocations(ctx, statuses, limit)
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, a := range pending {
		changed, err := s.Settle(ctx, []string{a.ShopID}, a.OrderID)
		if err != nil {
			// One order that cannot settle (its shipped units written off by a count) must not
			// hold back the stock of every order listed after it: report it and go on.
			errs = append(errs, fmt.Errorf("settle order %s: %w", a.OrderID, err))
			if ctx.Err() != nil {
				break
			}
			continue
		}
		if changed {
			n++
		}
	}
	return n, errors.Join(errs...)
}

func isShipped(st model.Status) bool { return slices.Contains(shippedStatuses, st) }

// settle turns every line of the current allocation into a movement of kind (release or ship)
// and marks the allocation with status.
func settle(in store.AllocationInput, status store.AllocationStatus, kind model.MovementKind, reason, actor string, now time.Time) store.AllocationChange {
	cur := *in.Current
	var moves []model.Movement
	for _, p := range cur.Decision.Allocations {
		for _, l := range p.Lines {
			moves = append(moves, model.Movement{Kind: kind, WarehouseID: p.WarehouseID, SKU: l.SKU, Quantity: l.Quantity,
				Reason: reason, Actor: actor, At: now, OrderID: in.Order.ID})
		}
	}
	cur.Status, cur.UpdatedAt = status, now
	return store.AllocationChange{Allocation: &cur, Movements: moves}
}

// balancesOf is every balance the candidates carry, by key.
func balancesOf(cands []model.Candidate) map[store.StockKey]model.Balance {
	out := make(map[store.StockKey]model.Balance)
	for _, c := range cands {
		for sku, b := range c.Stock {
			out[store.StockKey{WarehouseID: c.Warehouse.ID, SKU: sku}] = b
		}
	}
	return out
}

// alertAfter works out the balances moves left from before (they were committed) and alerts on
// those that became low.
func (s *Service) alertAfter(before map[store.StockKey]model.Balance, moves []model.Movement, shopID string) {
	if len(moves) == 0 {
		return
	}
	after := make(map[store.StockKey]model.Balance, len(before))
	for k, b := range before {
		after[k] = b
	}
	if _, err := store.ApplyMovements(after, moves); err != nil {
		s.log.Error("low-stock check: committed movements do not apply", "err", err)
		return
	}
	var levels []store.StockLevel
	seen := map[store.StockKey]bool{}
	for _, m := range moves {
		k := store.StockKey{WarehouseID: m.WarehouseID, SKU: m.SKU}
		if !seen[k] {
			seen[k] = true
			levels = append(levels, store.NewStockLevel(shopID, k, after[k], m.At))
		}
	}
	s.alertCrossings(before, levels)
}

// policyFor is the Service's policy with the market's hand-over figures (config cut_off,
// working_days): the ones rating quotes with, so that a quote and an allocation of the same
// order pick the same hand-over day. A market without them keeps the policy's.
func (s *Service) policyFor(m config.Market) Policy {
	p := s.policy
	if m.CutOff != "" {
		p.DefaultCutOff = m.CutOff
	}
	if m.WorkingDays != 0 {
		p.DefaultWorkingDays = m.WorkingDays.Names()
	}
	return p
}

// marketsOf returns the figures that apply to each shop's orders (promise days, cut-off,
// working days): its market's with the shop's overrides, when the Service has Figures; nil
// otherwise (every shop has its market's).
func (s *Service) marketsOf(ctx context.Context, shopIDs []string) (map[string]map[model.Market]config.Market, error) {
	if s.figures == nil {
		return nil, nil
	}
	m, err := s.figures.MarketsOf(ctx, shopIDs)
	if err != nil {
		return nil, fmt.Errorf("shops' figures: %w", err)
	}
	return m, nil
}
