// Package inventory is where warehouses and stock live: the rules and the use cases.
//
// The rules are pure (no I/O, deterministic, time comes in as a value): checking a warehouse's
// configuration and its transit table (ValidateWarehouse), the allocation decision that picks
// the warehouse(s) for an order (Decide: R-MODE-5, R-MODE-6, R-SLA-1), the promise deadline and
// hand-over day, and the safety-stock suggestion (SuggestSafetyStock, R-INV-3). They sit in
// allocation_decide.go, allocation_promise.go, warehouse_rules.go and safety_suggest.go, which
// touch no store. The ledger arithmetic that refuses to oversell (R-ORD-8) is the balance's
// own, model.Balance.Apply, so that the store runs it too.
//
// The use cases are the Service over the store: warehouses, stock levels and their ledger,
// allocating confirmed orders without overselling, releasing and shipping what was reserved,
// low-stock alerts and safety-stock advice, and the stock file import and export (ImportCSV,
// ExportCSV; the format is inventory/inventorycsv). The store loads what the rules need under
// its locks and writes what they decide. Every call is scoped: a caller sees only the shops of
// its Scope.
package inventory

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/ident"
	"lastmile/internal/model"
	"lastmile/internal/store"
)

// Service is the inventory use cases.
type Service struct {
	store   store.Store
	markets map[model.Market]config.Market
	figures config.Figures // nil: every shop has its market's figures
	policy  Policy
	now     func() time.Time
	log     *slog.Logger
	ids     *ident.Generator
	alert   AlertFunc
	events  EventGate // nil: no stock.low events
}

// AlertFunc is told when a balance becomes low: nothing left to sell beyond its safety stock
// (model.Balance.Low). It is called after the change is committed, once per crossing, on the
// goroutine that made the change; it must not block.
type AlertFunc func(store.StockLevel)

// Options are the optional parts of a Service.
type Options struct {
	// Policy holds the allocation defaults (cut-off, working days, R-MODE-5 markets).
	Policy Policy
	// Alert is told of every balance that becomes low, besides the warning the Service logs.
	// Nil: the log only.
	Alert AlertFunc
	// Figures gives each shop's effective figures (its market's with its own overrides: promise
	// days, cut-off, working days). Nil: the markets' figures.
	Figures config.Figures
}

// NewService returns a Service over st. markets holds the per-market rules (promise days, time
// zone: R-SLA-1); now is the clock.
func NewService(st store.Store, markets map[model.Market]config.Market, now func() time.Time, log *slog.Logger, opt Options) *Service {
	return &Service{store: st, markets: markets, figures: opt.Figures, policy: opt.Policy.WithDefaults(), now: now, log: log,
		ids: ident.NewGenerator(), alert: opt.Alert}
}

// clock returns now in UTC at the stores' microsecond precision.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Actor names who made a change, for the ledger: the API key, the CLI, or lastmile itself.
func Actor(scope model.Scope) string {
	if scope.KeyID != "" {
		return "key:" + scope.KeyID
	}
	return "lastmile"
}

// shopOf decides which of scope's shops a new record belongs to: the one named, or the only one.
func shopOf(scope model.Scope, named string) (string, error) {
	switch {
	case named == "" && len(scope.ShopIDs) == 1:
		return scope.ShopIDs[0], nil
	case named == "":
		return "", invalid("missing_field", "shop_id", "shop_id is required: this API key spans several shops")
	case !scope.Has(named):
		// Not 403: a key must not learn that another shop exists.
		return "", fmt.Errorf("shop %s: %w", named, model.ErrNotFound)
	}
	return named, nil
}

// invalid is a one-problem validation error (422).
func invalid(code, field, msg string) error {
	return &model.ValidationError{Problems: []model.FieldError{{Code: code, Field: field, Message: msg}}}
}

// maxSKULen bounds a SKU, as order lines do.
const maxSKULen = 100

// checkSKU refuses a SKU no order line could carry.
func checkSKU(field, sku string) error {
	switch {
	case strings.TrimSpace(sku) == "":
		return invalid("missing_field", field, "a SKU is required")
	case sku != strings.TrimSpace(sku):
		return invalid("invalid_value", field, fmt.Sprintf("SKU %q has spaces around it; send it trimmed, as the order lines carry it", sku))
	case len(sku) > maxSKULen:
		return invalid("too_long", field, fmt.Sprintf("a SKU is at most %d bytes", maxSKULen))
	}
	return nil
}

// alertCrossings calls the alert for every level that is low now and was not before.
func (s *Service) alertCrossings(before map[store.StockKey]model.Balance, after []store.StockLevel) {
	for _, l := range after {
		b := before[store.StockKey{WarehouseID: l.WarehouseID, SKU: l.SKU}]
		if !l.LowStock || b.Low() {
			continue
		}
		s.log.Warn("low stock: nothing left to sell beyond the safety stock", "shop", l.ShopID, "warehouse", l.WarehouseID,
			"sku", l.SKU, "on_hand", l.OnHand, "reserved", l.Reserved, "safety_stock", l.SafetyStock)
		if s.alert != nil {
			s.alert(l)
		}
	}
}
