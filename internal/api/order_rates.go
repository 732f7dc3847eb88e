package api

import (
	"bytes"
	"errors"
	"net/http"
	"slices"
	"strings"

	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/rating"
	"lastmile/internal/store"
)

// orderRatesRequest is the optional body of POST /v1/orders/{id}/rates.
type orderRatesRequest struct {
	// Policy selects the service: cheapest (default), fastest or best_value.
	Policy string `json:"policy,omitempty"`
	// BestValuePct is N of best_value (default rating.DefaultBestValuePct).
	BestValuePct *int `json:"best_value_pct,omitempty"`
	// Boxes is the shop's box catalogue: the order is packed in the box with the lowest landed
	// cost (R-RATE-8). Not with Package.
	Boxes []rating.Box `json:"boxes,omitempty"`
	// Package is the parcel as packed.
	Package *rating.PackageSpec `json:"package,omitempty"`
	// Options are the services' options asked for (priority, signature, insurance).
	Options []string `json:"options,omitempty"`
	// MonthlyParcels is the shop's parcel count this month per carrier (R-RATE-4, R-RATE-5).
	MonthlyParcels map[string]int64 `json:"monthly_parcels,omitempty"`
}

// Where an order's quote ships from.
const (
	basisAllocation = "allocation" // the warehouse the order's stock is reserved in
	basisWarehouses = "warehouses" // the best of the shop's warehouses that may ship to the market
	basisMarket     = "market"     // the shop has none: the market's hand-over, no origin
)

// orderRatesJSON is POST /v1/rates's answer for a stored order, with the warehouse it ships from.
type orderRatesJSON struct {
	*rating.Response
	OrderID string `json:"order_id"`
	// WarehouseID is the warehouse the quote ships from; empty with basis "market".
	WarehouseID string `json:"warehouse_id,omitempty"`
	// Basis says how the warehouse was found: allocation, warehouses or market.
	Basis string `json:"basis"`
}

// rateStoredOrder is POST /v1/orders/{id}/rates: quote a stored order (its lines and shipping
// address, corrections applied) against the server's rate cards, with its shop's effective
// figures (promise days, cut-off, working days: R-SLA-1), from the warehouse its allocation
// reserved stock in; when it is not allocated, from each of the shop's warehouses that may ship
// to its market (R-MODE-5), answering with the one whose selected service is best by the policy
// (stock is not considered: allocation decides that). The answer is POST /v1/rates's, with
// order_id, warehouse_id and basis. It reserves and writes nothing.
func (s *Server) rateStoredOrder(w http.ResponseWriter, r *http.Request) {
	ctx, scope := r.Context(), scopeOf(r.Context())
	body, err := readBody(r)
	if err != nil {
		s.fail(w, r, decodeError(err, nil, ""))
		return
	}
	var req orderRatesRequest
	if len(bytes.TrimSpace(body)) > 0 {
		if err := decodeStrict(body, &req); err != nil {
			s.fail(w, r, decodeError(err, body, ""))
			return
		}
	}
	opt := rating.QuoteOptions{BestValuePct: rating.DefaultBestValuePct, Now: s.deps.Now()}
	if opt.Policy, err = rating.ParsePolicy(req.Policy); err != nil {
		s.fail(w, r, &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_policy", Field: "policy", Message: err.Error()})
		return
	}
	if req.BestValuePct != nil {
		if n := *req.BestValuePct; n < 0 || n > 10_000 {
			s.fail(w, r, &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_policy", Field: "best_value_pct",
				Message: "best_value_pct must be a whole number of percent from 0 to 10000"})
			return
		}
		opt.BestValuePct = *req.BestValuePct
	}

	o, err := s.deps.Orders.Get(ctx, scope, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	markets, err := s.deps.Settings.ShopMarkets(ctx, o.ShopID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	whs, basis, err := s.quoteWarehouses(r, &o, markets)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cards, err := s.rateCards()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	base := rating.QuoteRequest{Order: o, Package: req.Package, Options: req.Options, MonthlyParcels: req.MonthlyParcels, Boxes: req.Boxes}
	var best *orderRatesJSON
	for i := range whs {
		qr := base
		qr.Handover = handoverOf(&whs[i])
		resp, err := rating.QuoteOrder(cards, &qr, markets, opt)
		if errors.Is(err, rating.ErrNoBoxFits) {
			s.fail(w, r, &apiError{Status: http.StatusUnprocessableEntity, Code: "no_box_fits", Field: "boxes", Message: err.Error()})
			return
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		cand := &orderRatesJSON{Response: resp, OrderID: o.ID, WarehouseID: whs[i].ID, Basis: basis}
		if best == nil || betterQuote(cand, best, opt.Policy) {
			best = cand
		}
	}
	if best == nil { // no warehouse: the market's hand-over, from anywhere
		resp, err := rating.QuoteOrder(cards, &base, markets, opt)
		if errors.Is(err, rating.ErrNoBoxFits) {
			s.fail(w, r, &apiError{Status: http.StatusUnprocessableEntity, Code: "no_box_fits", Field: "boxes", Message: err.Error()})
			return
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		best = &orderRatesJSON{Response: resp, OrderID: o.ID, Basis: basisMarket}
	}
	writeJSON(w, http.StatusOK, best)
}

// quoteWarehouses are the warehouses to quote o from: its allocation's, or the shop's that may
// ship to its market, in id order.
func (s *Server) quoteWarehouses(r *http.Request, o *model.Order, markets map[model.Market]config.Market) ([]model.Warehouse, string, error) {
	ctx, scope := r.Context(), scopeOf(r.Context())
	a, err := s.deps.Inventory.GetAllocation(ctx, scope, o.ID)
	switch {
	case err == nil && a.Status != store.AllocationReleased && len(a.Decision.Allocations) > 0:
		if len(a.Decision.Allocations) > 1 {
			return nil, "", &apiError{Status: http.StatusConflict, Code: "split_allocation", Field: "id",
				Message: "the order ships in several packages from several warehouses; a quote is for one parcel: quote each package with POST /v1/rates"}
		}
		wh, err := s.deps.Inventory.GetWarehouse(ctx, scope, a.Decision.Allocations[0].WarehouseID)
		if err != nil {
			return nil, "", err
		}
		return []model.Warehouse{wh}, basisAllocation, nil
	case err != nil && !errors.Is(err, model.ErrNotFound):
		return nil, "", err
	}
	all, err := s.deps.Inventory.ListWarehouses(ctx, scope)
	if err != nil {
		return nil, "", err
	}
	m := markets[o.Market]
	dest := string(model.NormalizeMarket(o.ShippingAddress.Country))
	var out []model.Warehouse
	for _, wh := range all {
		if wh.ShopID == o.ShopID && mayShip(&wh, string(o.Market), dest, m.LocalOnly) {
			out = append(out, wh)
		}
	}
	slices.SortFunc(out, func(a, b model.Warehouse) int { return strings.Compare(a.ID, b.ID) })
	return out, basisWarehouses, nil
}

// mayShip reports whether wh may ship an order of market to dest: from inside the market where
// cross-border direct shipping is closed (R-MODE-5), else from its home market or a warehouse
// whose transit table covers the destination. It mirrors allocation's rule.
func mayShip(wh *model.Warehouse, market, dest string, localOnly bool) bool {
	country := string(model.NormalizeMarket(wh.Address.Country))
	if localOnly && country != market {
		return false
	}
	home := country
	if wh.Market != "" {
		home = string(model.NormalizeMarket(string(wh.Market)))
	}
	if home == market {
		return true
	}
	for _, t := range wh.Transit {
		if string(model.NormalizeMarket(t.Country)) == dest {
			return true
		}
	}
	return false
}

// handoverOf is a warehouse's hand-over for rating: its own cut-off, zone and working days where
// it sets them (else the market's, as allocation does), and its country as the origin.
func handoverOf(wh *model.Warehouse) *rating.HandoverSpec {
	h := &rating.HandoverSpec{CutOff: wh.CutOff, TimeZone: wh.TimeZone, Origin: string(model.NormalizeMarket(wh.Address.Country))}
	if len(wh.WorkingDays) > 0 {
		if open, err := config.ParseWeekdays(wh.WorkingDays); err == nil {
			h.Closed = append([]string{}, (^open & config.AllWeekdays).Names()...)
		}
	}
	return h
}

// betterQuote reports whether a's selected service beats b's: one with a selection beats one
// without; then by policy the lower total (cheapest, best_value) or the earlier delivery
// (fastest), the other figure breaking ties; then the lower warehouse id (a comes later, so b).
func betterQuote(a, b *orderRatesJSON, p rating.Policy) bool {
	qa, qb := selectedQuote(a), selectedQuote(b)
	switch {
	case qa == nil:
		return false
	case qb == nil:
		return true
	}
	ta, tb := qa.Total.Amount, qb.Total.Amount
	da, db := *qa.DeliveryBy, *qb.DeliveryBy
	if p == rating.Fastest {
		return da < db || da == db && ta < tb
	}
	return ta < tb || ta == tb && da < db
}

func selectedQuote(r *orderRatesJSON) *rating.QuoteJSON {
	if r.Selected == nil {
		return nil
	}
	for i := range r.Quotes {
		q := &r.Quotes[i]
		if q.Carrier == r.Selected.Carrier && q.Service == r.Selected.Service && q.Total != nil && q.DeliveryBy != nil {
			return q
		}
	}
	return nil
}
