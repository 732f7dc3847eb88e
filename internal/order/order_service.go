package order

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"time"

	"lastmile/internal/address"
	"lastmile/internal/config"
	"lastmile/internal/ident"
	"lastmile/internal/model"
	"lastmile/internal/store"
)

// Causes recorded in an order's history.
const (
	CauseAPI    = "api"
	CauseDemo   = "demo"
	CauseImport = "import"
)

// Service is the order use cases: upsert, read, list, confirm, cancel. Every call is scoped: a
// caller sees only the orders of the shops in its Scope.
type Service struct {
	store   store.Store
	markets map[model.Market]config.Market
	figures config.Figures // nil: every shop has its market's figures
	now     func() time.Time
	log     *slog.Logger
	ids     *ident.Generator
}

// NewService returns a Service over st. now is the clock; markets the per-market rules.
func NewService(st store.Store, markets map[model.Market]config.Market, now func() time.Time, log *slog.Logger) *Service {
	return &Service{store: st, markets: markets, now: now, log: log, ids: ident.NewGenerator()}
}

// WithFigures makes the Service check each order against its shop's effective figures (the
// market's, with the shop's overrides: R-ORD-6 holds for COD and customs data per shop) rather
// than the market's alone, and returns it.
func (s *Service) WithFigures(f config.Figures) *Service {
	s.figures = f
	return s
}

// marketFunc gives the figures that apply to a shop's orders on a market.
type marketFunc func(shopID string, m model.Market) config.Market

// figuresOf loads the effective figures of shopIDs once for a call, before any store
// transaction opens (a transaction waiting on another read could starve the connection pool); a
// shop not among them gets its market's.
func (s *Service) figuresOf(ctx context.Context, shopIDs []string) (marketFunc, error) {
	if s.figures == nil {
		return func(_ string, m model.Market) config.Market { return s.markets[m] }, nil
	}
	byShop, err := s.figures.MarketsOf(ctx, shopIDs)
	if err != nil {
		return nil, fmt.Errorf("shops' figures: %w", err)
	}
	return func(shopID string, m model.Market) config.Market {
		if ms, ok := byShop[shopID]; ok {
			return ms[m]
		}
		return s.markets[m]
	}, nil
}

// shopsOf lists the shops of scope that orders name, or fall to, as prepare decides.
func shopsOf(scope model.Scope, orders []model.Order) []string {
	var out []string
	seen := map[string]bool{}
	for i := range orders {
		id := orders[i].ShopID
		if id == "" && len(scope.ShopIDs) == 1 {
			id = scope.ShopIDs[0]
		}
		if !seen[id] && scope.Has(id) {
			out = append(out, id)
		}
		seen[id] = true
	}
	return out
}

// clock returns now in UTC at the stores' microsecond precision, so a value read back compares
// equal to the value written.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Result is the outcome of one order of an upsert: the order as stored, or why it was refused.
type Result struct {
	Order   model.Order
	Outcome model.WriteOutcome
	Err     error
}

// Upsert validates and stores orders for the shops of scope, in input order. Each order names
// its shop in ShopID unless the scope has exactly one. An invalid order is refused alone; the
// others are stored. The error is for failures of the store itself, when nothing was stored:
// orders are stored in one transaction per shop, and once one shop's is committed a failure of
// the store fails only the orders not yet stored, each in its Result. orders are normalised in
// place (their ids and shops set), so the caller's slice holds what was sent to the store.
func (s *Service) Upsert(ctx context.Context, scope model.Scope, orders []model.Order, cause string) ([]Result, error) {
	now := s.clock()
	results := make([]Result, len(orders))
	marketOf, err := s.figuresOf(ctx, shopsOf(scope, orders))
	if err != nil {
		return nil, err
	}
	s.prepareAll(scope, orders, results, marketOf)
	byShop := map[string][]int{} // shop → indexes into orders, in input order
	var shops []string
	for i := range orders {
		if results[i].Err != nil {
			continue
		}
		o := &orders[i]
		// Ids in input order, so that a batch's rows land at the end of every index on id.
		o.ID = s.ids.New("ord", now)
		if byShop[o.ShopID] == nil {
			shops = append(shops, o.ShopID)
		}
		byShop[o.ShopID] = append(byShop[o.ShopID], i)
	}
	merge := func(existing *model.Order, in model.Order) (model.Order, model.WriteOutcome, error) {
		out, outcome, err := Merge(existing, in, now, cause)
		// The incoming content was checked in prepare; only the seller's corrections laid over
		// it by Merge can change the verdict.
		if err == nil && (outcome == model.OutcomeCreated || outcome == model.OutcomeUpdated) && out.Corrections != nil {
			Check(&out, marketOf(out.ShopID, out.Market))
		}
		return out, outcome, err
	}
	for k, shop := range shops {
		idx := byShop[shop]
		batch := orders // the common case, one shop and no refusal: no copy of the batch
		if len(idx) != len(orders) {
			batch = make([]model.Order, len(idx))
			for j, i := range idx {
				batch[j] = orders[i]
			}
		}
		// The store enqueues the batch's order.created and order.updated events (store.OrderWrites).
		res, err := s.store.UpsertOrders(ctx, shop, batch, merge)
		if err != nil && k > 0 {
			// The shops before this one are committed: failing the whole call would tell the
			// caller they were not. The orders of this shop and the next fail alone.
			err = fmt.Errorf("upsert the orders of shop %s: %w", shop, err)
			for _, rest := range shops[k:] {
				for _, i := range byShop[rest] {
					results[i] = Result{Err: err}
				}
			}
			return results, nil
		}
		if err != nil {
			return nil, fmt.Errorf("upsert %d orders of shop %s: %w", len(batch), shop, err)
		}
		for j, i := range idx {
			results[i] = Result{Order: res[j].Order, Outcome: res[j].Outcome, Err: res[j].Err}
		}
	}
	return results, nil
}

// prepareChunk is how many orders one goroutine prepares; smaller batches are prepared inline.
const prepareChunk = 512

// prepareAll prepares every order, setting results[i].Err for those refused. The checks are
// the costly part of ingest and need no lock, so large batches are spread over the CPUs before
// the store's single-writer transaction starts.
func (s *Service) prepareAll(scope model.Scope, orders []model.Order, results []Result, marketOf marketFunc) {
	workers := min(runtime.GOMAXPROCS(0), (len(orders)+prepareChunk-1)/prepareChunk)
	if workers <= 1 {
		for i := range orders {
			results[i].Err = s.prepare(scope, &orders[i], marketOf)
		}
		return
	}
	var wg sync.WaitGroup
	per := (len(orders) + workers - 1) / workers
	for lo := 0; lo < len(orders); lo += per {
		hi := min(lo+per, len(orders))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				results[i].Err = s.prepare(scope, &orders[i], marketOf)
			}
		}()
	}
	wg.Wait()
}

// prepare normalises and validates o, decides its shop and runs the checks that may hold it
// (R-ORD-6). It touches only o, so orders may be prepared concurrently.
func (s *Service) prepare(scope model.Scope, o *model.Order, marketOf marketFunc) error {
	Normalize(o)
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC().Truncate(time.Microsecond), o.UpdatedAt.UTC().Truncate(time.Microsecond)
	for k, t := range o.Deadlines {
		o.Deadlines[k] = t.UTC().Truncate(time.Microsecond)
	}
	if o.PaidAt != nil {
		t := o.PaidAt.UTC().Truncate(time.Microsecond)
		o.PaidAt = &t
	}
	problems := Validate(o, s.markets)
	switch {
	case o.ShopID == "" && len(scope.ShopIDs) == 1:
		o.ShopID = scope.ShopIDs[0]
	case o.ShopID == "":
		problems = append(problems, model.FieldError{Code: "missing_field", Field: "shop_id",
			Message: "shop_id is required: this API key spans several shops"})
	case !scope.Has(o.ShopID):
		// Not 403: a key must not learn that another shop exists.
		return fmt.Errorf("shop %s: %w", o.ShopID, model.ErrNotFound)
	}
	if len(problems) > 0 {
		return &model.ValidationError{Problems: problems}
	}
	// lastmile owns these; an incoming value is ignored, never trusted.
	o.History, o.ConfirmedAt, o.CancelReason, o.Version = nil, nil, "", 0
	o.Corrections, o.Problems = nil, nil
	o.ShippingAddress = address.Normalize(o.ShippingAddress)
	Check(o, marketOf(o.ShopID, o.Market))
	return nil
}

// Get returns the order with id within scope.
func (s *Service) Get(ctx context.Context, scope model.Scope, id string) (model.Order, error) {
	return s.store.GetOrder(ctx, scope.ShopIDs, id)
}

// ListQuery selects orders; Cursor continues a previous page.
type ListQuery struct {
	Statuses       []model.Status
	ExternalID     string
	NeedsAttention *bool
	ModifiedSince  time.Time
	After          *store.Cursor
	Limit          int
}

// List returns one page of the scope's orders in (modified_at, id) order and the cursor of the
// next page, nil on the last.
func (s *Service) List(ctx context.Context, scope model.Scope, q ListQuery) ([]model.Order, *store.Cursor, error) {
	limit := q.Limit
	if limit <= 0 || limit > store.MaxListLimit {
		limit = store.MaxListLimit
	}
	orders, err := s.store.ListOrders(ctx, store.OrderQuery{
		ShopIDs: scope.ShopIDs, Statuses: q.Statuses, ExternalID: q.ExternalID, NeedsAttention: q.NeedsAttention,
		ModifiedSince: q.ModifiedSince, After: q.After, Limit: limit + 1,
	})
	if err != nil {
		return nil, nil, err
	}
	if len(orders) <= limit {
		return orders, nil, nil
	}
	orders = orders[:limit]
	last := orders[limit-1]
	return orders, &store.Cursor{ModifiedAt: last.ModifiedAt, ID: last.ID}, nil
}

// Confirm confirms the order (R-ORD-3). Confirming twice is not an error.
func (s *Service) Confirm(ctx context.Context, scope model.Scope, id, cause string) (model.Order, error) {
	now := s.clock()
	return s.update(ctx, scope, id, func(o *model.Order) (bool, error) {
		return Confirm(o, now, cause)
	})
}

// Correct applies the seller's merge patch p (PATCH /v1/orders/{id}: corrections to the
// shipping address and the lines' customs and parcel data, or their withdrawal) and runs the
// checks again: a fixed order is no longer held. The corrections stay over later versions of
// the order from its source. A patch that changes nothing writes nothing.
func (s *Service) Correct(ctx context.Context, scope model.Scope, id string, p Patch, cause string) (model.Order, error) {
	now := s.clock()
	marketOf, err := s.figuresOf(ctx, scope.ShopIDs)
	if err != nil {
		return model.Order{}, err
	}
	return s.update(ctx, scope, id, func(o *model.Order) (bool, error) {
		changed, err := Correct(o, p, now, cause)
		if err != nil || !changed {
			return false, err
		}
		Check(o, marketOf(o.ShopID, o.Market))
		return true, nil
	})
}

// maxReasonLen bounds a cancel reason.
const maxReasonLen = 500

// Cancel cancels the order for reason. Cancelling twice is not an error; the first reason stays.
func (s *Service) Cancel(ctx context.Context, scope model.Scope, id, reason, cause string) (model.Order, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return model.Order{}, &model.ValidationError{Problems: []model.FieldError{{Code: "missing_field", Field: "reason",
			Message: "a cancellation needs a reason, e.g. out_of_stock or buyer_request"}}}
	case len(reason) > maxReasonLen:
		return model.Order{}, &model.ValidationError{Problems: []model.FieldError{{Code: "too_long", Field: "reason",
			Message: fmt.Sprintf("reason is at most %d bytes", maxReasonLen)}}}
	}
	now := s.clock()
	return s.update(ctx, scope, id, func(o *model.Order) (bool, error) {
		return Cancel(o, reason, now, cause)
	})
}
