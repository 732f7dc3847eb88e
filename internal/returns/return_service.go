// Package returns is where returns live (R-RET): return requests from the marketplace or the
// API, the refund-without-return rules that decide them (R-RET-2), return labels to the local
// warehouse through the carrier plug-ins (R-RET-3, R-RET-4), the platform's liability (R-RET-6),
// receiving and inspection with their stock movements (R-RET-5, R-INV-6), and the return rates
// and their causes.
//
// The rules are pure functions, in files that touch no store: return_rules.go (the rules and
// their evaluation), return_dryrun.go (a rule set's cost over a period), return_state.go (the
// statuses, the inspection's movements, the return warehouse, R-RET-6), return_label.go (the
// return's carrier and label), return_stats.go (the rates). The use cases are the Service over
// the store (return_service.go, return_label_service.go, return_rules_service.go) and its jobs
// (return_jobs.go): the marketplace's events in, the decisions pushed back, labels bought, and a
// notify.event for every change of a return, enqueued in the change's own transaction.
package returns

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/config"
	"lastmile/internal/ident"
	"lastmile/internal/inventory"
	"lastmile/internal/model"
	"lastmile/internal/rating"
	"lastmile/internal/shipping"
	"lastmile/internal/store"
)

// ModeSource tells which shipping mode a shop had at a time (R-MODE-3); the settings service
// implements it.
type ModeSource interface {
	ModeAt(ctx context.Context, shopID string, at time.Time) (model.ShippingMode, error)
}

// Deps is what the Service needs.
type Deps struct {
	Store store.Store
	// Cards returns the loaded rate cards, for the return label's estimate.
	Cards func() *rating.Cards
	// Carriers are the carrier accounts return labels are bought from.
	Carriers *carrier.Set
	// Certification is the per-market list of certified carriers (R-SHIP-3, R-RET-6).
	Certification carrier.Certification
	Markets       map[model.Market]config.Market
	// Figures, when set, gives each shop's own figures (its overrides of Markets): the return
	// label honours the shop's carriers setting as outbound rating does.
	Figures config.Figures
	// Modes gives a shop's shipping mode for orders without shipments; nil: seller.
	Modes ModeSource
	// Marketplace fetches return requests and takes decisions back; nil: returns come from the
	// API only, and nothing is pushed.
	Marketplace Marketplace
	Config      Config
	Now         func() time.Time
	Log         *slog.Logger
}

// Service is the returns use cases.
type Service struct {
	d   Deps
	cfg Config
	ids *ident.Generator
}

// NewService returns the returns use cases over d.
func NewService(d Deps) (*Service, error) {
	cfg := d.Config.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if d.Certification == nil {
		d.Certification = carrier.DefaultCertification()
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Carriers == nil {
		d.Carriers, _ = carrier.NewSet()
	}
	return &Service{d: d, cfg: cfg, ids: ident.NewGenerator()}, nil
}

func (s *Service) clock() time.Time { return s.d.Now().UTC().Truncate(time.Microsecond) }

// RefusalError refuses an action that the return's (or its order's) state does not allow; it
// unwraps to model.ErrConflict.
type RefusalError struct {
	Code, Field, Message string
}

func (e *RefusalError) Error() string { return e.Message }

// Unwrap returns model.ErrConflict.
func (e *RefusalError) Unwrap() error { return model.ErrConflict }

func refuse(code, field, format string, args ...any) error {
	return &RefusalError{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

func invalid(code, field, format string, args ...any) error {
	return &model.ValidationError{Problems: []model.FieldError{{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}}}
}

// CreateRequest is a return request made through the API (POST /v1/returns).
type CreateRequest struct {
	OrderID string        `json:"order_id"`
	Lines   []LineRequest `json:"lines"`
	Reason  string        `json:"reason"`
	// ReasonText is the buyer's own words.
	ReasonText string `json:"reason_text,omitempty"`
	// Photos are URLs of the buyer's photos.
	Photos []string `json:"photos,omitempty"`
	// ExternalID is the caller's own id of the request (an ERP's RMA): sending it again returns
	// the return it made.
	ExternalID string `json:"external_id,omitempty"`
	// RequestedAt is when the buyer asked; default now.
	RequestedAt *time.Time `json:"requested_at,omitempty"`
}

// LineRequest is a returned SKU and quantity.
type LineRequest struct {
	SKU      string `json:"sku"`
	Quantity int64  `json:"quantity"`
}

// returnableStatuses are the order statuses a return may be asked for from: the goods left.
var returnableStatuses = []model.Status{model.StatusInTransit, model.StatusDelivered, model.StatusCompleted}

// maxPhotos bounds a request's photos.
const maxPhotos = 20

func (req *CreateRequest) validate() error {
	var p []model.FieldError
	add := func(code, field, format string, args ...any) {
		p = append(p, model.FieldError{Code: code, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if strings.TrimSpace(req.OrderID) == "" {
		add("missing_field", "order_id", "order_id is required: the lastmile order (ord_…) the goods came with")
	}
	if len(req.Lines) == 0 {
		add("missing_field", "lines", "lines are required: each returned SKU and its quantity")
	}
	for i, l := range req.Lines {
		if strings.TrimSpace(l.SKU) == "" {
			add("missing_field", fmt.Sprintf("lines[%d].sku", i), "a SKU is required")
		}
		if l.Quantity <= 0 {
			add("invalid_quantity", fmt.Sprintf("lines[%d].quantity", i), "%d: want a positive number of units", l.Quantity)
		}
	}
	if !slices.Contains(ReasonCodes, req.Reason) {
		add("reason_unknown", "reason", "%q: want one of %s", req.Reason, strings.Join(ReasonCodes, ", "))
	}
	if len([]rune(req.ReasonText)) > 2000 {
		add("too_long", "reason_text", "at most 2000 characters")
	}
	if len(req.ExternalID) > 100 || req.ExternalID != strings.TrimSpace(req.ExternalID) {
		add("invalid_value", "external_id", "at most 100 bytes, without spaces around it")
	}
	if len(req.Photos) > maxPhotos {
		add("too_many", "photos", "%d photos: at most %d", len(req.Photos), maxPhotos)
	}
	for i, ph := range req.Photos {
		if u, err := url.Parse(ph); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(ph) > 2048 {
			add("invalid_url", fmt.Sprintf("photos[%d]", i), "%q: want an http(s) URL of at most 2048 bytes", ph)
		}
	}
	if len(p) > 0 {
		return &model.ValidationError{Problems: p}
	}
	return nil
}

// Create records a return request made through the API, decides it by the shop's rules
// (R-RET-2) and, when the rules carry decisions out, carries it out. created is false when a
// request with the same external_id was made before: that return is returned as it stands.
func (s *Service) Create(ctx context.Context, scope model.Scope, req CreateRequest) (r model.Return, created bool, err error) {
	if err := req.validate(); err != nil {
		return r, false, err
	}
	o, err := s.d.Store.GetOrder(ctx, scope.ShopIDs, req.OrderID)
	if err != nil {
		return r, false, err
	}
	if req.ExternalID != "" {
		if r, err := s.d.Store.GetReturnByExternalID(ctx, o.ShopID, req.ExternalID); err == nil {
			return r, false, nil
		} else if !errors.Is(err, model.ErrNotFound) {
			return r, false, err
		}
	}
	if !slices.Contains(returnableStatuses, o.Status) {
		return r, false, refuse("order_not_shipped", "order_id",
			"order %s is %s: a return is asked for once the goods have left (IN_TRANSIT, DELIVERED or COMPLETED); cancel an order that has not shipped",
			o.ID, o.Status)
	}
	lines, err := s.returnableLines(ctx, &o, req.Lines)
	if err != nil {
		return r, false, err
	}
	requested := s.clock()
	if req.RequestedAt != nil {
		requested = req.RequestedAt.UTC().Truncate(time.Microsecond)
	}
	d, jobs, err := s.draft(ctx, &o, draftInput{source: "api", externalID: req.ExternalID, status: model.ReturnPending,
		typ: "RETURN_AND_REFUND", reason: req.Reason, reasonText: req.ReasonText, lines: lines, photos: req.Photos,
		requested: requested, actor: inventory.Actor(scope)})
	if err != nil {
		return r, false, err
	}
	created = true
	out, err := s.d.Store.UpsertReturn(ctx, o.ShopID, req.ExternalID, func(existing *model.Return) (store.ReturnChange, error) {
		if existing != nil { // a concurrent request with the same external id made it first
			created = false
			return store.ReturnChange{}, nil
		}
		return store.ReturnChange{Return: d, Changed: true, Jobs: jobs}, nil
	})
	if err != nil {
		return r, false, err
	}
	if !created {
		out, err = s.d.Store.GetReturnByExternalID(ctx, o.ShopID, req.ExternalID)
	}
	return out, created, err
}

// returnableLines checks the requested lines against the order: each SKU must be on it, and no
// more may come back than was bought less what other open or finished returns already claim.
func (s *Service) returnableLines(ctx context.Context, o *model.Order, req []LineRequest) ([]model.ReturnLine, error) {
	claimed := map[string]int64{}
	others, err := s.d.Store.ListReturns(ctx, store.ReturnQuery{ShopIDs: []string{o.ShopID}, OrderID: o.ID})
	if err != nil {
		return nil, err
	}
	for _, r := range others {
		if r.Status == model.ReturnRejected || r.Status == model.ReturnCancelled {
			continue
		}
		for _, l := range r.Lines {
			claimed[l.SKU] += l.Quantity
		}
	}
	var out []model.ReturnLine
	var p []model.FieldError
	asked := map[string]int64{}
	for i, rl := range req {
		var ol *model.Line
		for j := range o.Lines {
			if o.Lines[j].SKU == rl.SKU {
				ol = &o.Lines[j]
				break
			}
		}
		field := fmt.Sprintf("lines[%d]", i)
		if ol == nil {
			var skus []string
			for _, l := range o.Lines {
				skus = append(skus, l.SKU)
			}
			p = append(p, model.FieldError{Code: "sku_not_ordered", Field: field + ".sku",
				Message: fmt.Sprintf("SKU %q is not on order %s (it has %s)", rl.SKU, o.ID, strings.Join(skus, ", "))})
			continue
		}
		asked[rl.SKU] += rl.Quantity
		if left := ol.Quantity - claimed[rl.SKU]; asked[rl.SKU] > left {
			p = append(p, model.FieldError{Code: "quantity_exceeds_order", Field: field + ".quantity",
				Message: fmt.Sprintf("%d of %s asked back, but the order bought %d and other returns already claim %d; at most %d more can come back",
					asked[rl.SKU], rl.SKU, ol.Quantity, claimed[rl.SKU], max(left, 0))})
			continue
		}
		out = append(out, model.ReturnLine{SKU: rl.SKU, Name: ol.Name, Quantity: rl.Quantity, UnitPrice: ol.UnitPrice})
	}
	if len(p) > 0 {
		return nil, &model.ValidationError{Problems: p}
	}
	return out, nil
}

// draftInput is what a new return is made of.
type draftInput struct {
	source, connection, externalID string
	status                         model.ReturnStatus
	typ, reason, reasonText        string
	lines                          []model.ReturnLine
	photos                         []string
	requested                      time.Time
	actor                          string
}

// draft makes a new return of o: its value, return warehouse (R-RET-3) and label estimate
// (R-RET-4), the platform's liability (R-RET-6), the rules' decision (R-RET-2), carried out when
// the rules say so and the request is pending, and the jobs that follow. It reads the store and
// the rate cards; it writes nothing.
func (s *Service) draft(ctx context.Context, o *model.Order, in draftInput) (model.Return, []store.Job, error) {
	now := s.clock()
	r := model.Return{
		ID: s.ids.New("ret", now), ShopID: o.ShopID, ExternalID: in.externalID, Source: in.source, Connection: in.connection,
		OrderID: o.ID, OrderExternalID: o.ExternalID, Market: o.Market, Status: in.status, Type: in.typ,
		Reason: in.reason, ReasonText: in.reasonText, Lines: in.lines, Photos: in.photos, Buyer: o.Buyer, BuyerKey: BuyerKey(o.Buyer),
		Value: model.Money{Currency: o.Currency}, RequestedAt: in.requested, CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	for _, l := range in.lines {
		r.Value.Amount += l.UnitPrice.Amount * l.Quantity
	}
	r.History = []model.ReturnEvent{{At: now, Kind: EventCreated, To: r.Status, Cause: in.actor}}
	shipments, err := s.d.Store.ListShipments(ctx, store.ShipmentQuery{ShopIDs: []string{o.ShopID}, OrderID: o.ID})
	if err != nil {
		return r, nil, err
	}
	var shippedFrom []string
	mode := model.ModeSeller
	for _, sh := range shipments {
		if !sh.Status.Labelled() {
			continue
		}
		r.OutboundCarrier = sh.Carrier
		if sh.Mode == model.ModePlatform {
			mode = model.ModePlatform
		}
		if p, err := s.d.Store.GetPackage(ctx, []string{o.ShopID}, sh.PackageID); err == nil {
			shippedFrom = append(shippedFrom, p.WarehouseID)
		}
	}
	if len(shipments) == 0 && s.d.Modes != nil {
		if mode, err = s.d.Modes.ModeAt(ctx, o.ShopID, o.CreatedAt); err != nil {
			return r, nil, err
		}
	}
	r.DeliveredAt = DeliveredAt(o, shipments)
	r.Liability = Liability(r.RequestedAt, r.DeliveredAt, r.OutboundCarrier, s.d.Certification.Certified(string(o.Market)), s.cfg.LiabilityWindow)
	whs, err := s.d.Store.ListWarehouses(ctx, []string{o.ShopID})
	if err != nil {
		return r, nil, err
	}
	var wh *model.Warehouse
	if w, err := ReturnWarehouse(whs, o.ShippingAddress.Country, shippedFrom); err == nil {
		wh = &w
		r.WarehouseID = w.ID
		if r.Estimate, err = s.estimate(ctx, o, in.lines, &w, mode, now); err != nil {
			return r, nil, err
		}
	}
	rules, _, err := s.rulesOf(ctx, o.ShopID)
	if err != nil {
		return r, nil, err
	}
	counts, err := s.buyerCounts(ctx, &r, BuyerWindows(rules))
	if err != nil {
		return r, nil, err
	}
	dec := Evaluate(rules, FactsOf(&r, counts))
	dec.By, dec.At = "rules", now
	r.Decision = &dec
	r.History = append(r.History, model.ReturnEvent{At: now, Kind: EventDecided, Cause: "rules", Reason: string(dec.Kind) + ": " + dec.Reason})
	var jobs []store.Job
	if rules.AutoApply && dec.Kind != model.DecideReview && r.Status == model.ReturnPending {
		if jobs, err = s.carryOut(&r, string(dec.Kind), dec.Reason, "rules", wh, now); err != nil {
			return r, nil, err
		}
	}
	ev, err := eventJob(&r)
	if err != nil {
		return r, nil, err
	}
	return r, append(jobs, ev), nil
}

// estimate rates the way back with the cards of the configured carriers: the designated
// carrier's service where the market has one for the order's mode (R-RET-4), else the cheapest
// certified one the shop's carriers setting enables. Nil when no carrier can be chosen.
func (s *Service) estimate(ctx context.Context, o *model.Order, lines []model.ReturnLine, wh *model.Warehouse, mode model.ShippingMode, now time.Time) (*model.ReturnEstimate, error) {
	d := designation(s.cfg, o.Market, mode)
	markets := s.d.Markets
	if s.d.Figures != nil { // the shop's own figures: its carriers setting among them
		figs, err := s.d.Figures.MarketsOf(ctx, []string{o.ShopID})
		if err != nil {
			return nil, fmt.Errorf("figures of shop %s: %w", o.ShopID, err)
		}
		markets = figs[o.ShopID]
	}
	var quotes []rating.QuoteJSON
	if s.d.Cards != nil {
		if cards, err := shipping.ShippableCards(s.d.Cards(), s.d.Carriers); err == nil {
			qr := &rating.QuoteRequest{Order: *o, Handover: &rating.HandoverSpec{Origin: o.ShippingAddress.Country}}
			qr.Order.ShippingAddress, qr.Order.Lines, qr.Order.COD = returnAddress(wh), returnLines(o, lines), nil
			resp, err := rating.QuoteOrder(cards, qr, markets, rating.QuoteOptions{Policy: rating.Cheapest, Now: now})
			if err == nil {
				quotes = resp.Quotes
			} else {
				s.d.Log.Info("return label estimate: rating refused the way back", "order_id", o.ID, "err", err)
			}
		}
	}
	c, ok := chooseService(quotes, string(o.Market), d, s.d.Certification, markets[o.Market].Carriers)
	if !ok {
		return nil, nil
	}
	return &model.ReturnEstimate{Carrier: c.carrier, Service: c.service, Cost: c.cost, Designated: c.designated, Note: c.note}, nil
}

// buyerCounts counts the buyer's other returns in each window before r was requested.
func (s *Service) buyerCounts(ctx context.Context, r *model.Return, windows []int) (map[int]int, error) {
	out := make(map[int]int, len(windows))
	for _, w := range windows {
		n, err := s.d.Store.CountBuyerReturns(ctx, r.ShopID, r.BuyerKey, r.RequestedAt.AddDate(0, 0, -w), r.RequestedAt, r.ID)
		if err != nil {
			return nil, err
		}
		out[w] = n
	}
	return out, nil
}

// carryOut does what kind (refund_only, return or reject) means for r, pending or on its way
// back: the status it moves to, a return label to buy (a shipment stored now, bought by a job:
// idempotent by its id), and the decision to push to the marketplace. wh is the return
// warehouse, nil when the shop has none in the market.
func (s *Service) carryOut(r *model.Return, kind, reason, actor string, wh *model.Warehouse, now time.Time) ([]store.Job, error) {
	out, ok := apply(kind, r)
	if !ok {
		return nil, fmt.Errorf("return %s: nothing to carry out for %q", r.ID, kind)
	}
	setStatus(r, out.status, now, actor, reason)
	var jobs []store.Job
	if out.buyLabel {
		sh := model.ReturnShipment{ID: s.ids.New("rsh", now), Status: model.ShipmentCreated, CreatedAt: now, UpdatedAt: now}
		switch {
		case wh == nil:
			sh.Status = model.ShipmentFailed
			sh.Failure = failure("no_return_warehouse", "warehouse.return_address",
				"no warehouse of the shop has a return address in %s: returns go to a local address, not back to China (R-RET-3); "+
					"set one, then POST /v1/returns/%s/decide {\"kind\":\"return\"} again", r.Market, r.ID)
		case r.Estimate == nil:
			sh.WarehouseID, sh.To = wh.ID, returnAddress(wh)
			sh.Status = model.ShipmentFailed
			sh.Failure = failure("no_return_service", "carrier",
				"no configured, certified carrier that the shop's carriers setting enables prices the way back to warehouse %s; "+
					"load a rate card for it, configure a carrier or enable one in Settings (carriers), then decide again", wh.Code)
		default:
			sh.WarehouseID, sh.To = wh.ID, returnAddress(wh)
			sh.Carrier, sh.Service = r.Estimate.Carrier, r.Estimate.Service
			j, err := store.NewJob(BuyLabelArgs{ShopID: r.ShopID, ReturnID: r.ID, ShipmentID: sh.ID}, store.UniqueBy(sh.ID))
			if err != nil {
				return nil, err
			}
			jobs = append(jobs, j)
		}
		r.Shipments = append(r.Shipments, sh)
	}
	if out.push != "" && r.ExternalID != "" && r.Source != "api" {
		j, err := pushJob(r, out.push, reason)
		if err != nil {
			return nil, err
		}
		jobs = append(jobs, j)
	}
	return jobs, nil
}

// Get returns the return id.
func (s *Service) Get(ctx context.Context, scope model.Scope, id string) (model.Return, error) {
	return s.d.Store.GetReturn(ctx, scope.ShopIDs, id)
}

// ListQuery selects returns for GET /v1/returns.
type ListQuery struct {
	Statuses []model.ReturnStatus
	OrderID  string
	// TrackingNumber or RMA (the return's id) find the return a warehouse scanned.
	TrackingNumber, RMA string
	From, To            time.Time
	After               *store.Cursor
	Limit               int
}

// List returns a page of returns in creation order and the cursor of the next page (nil at the
// end).
func (s *Service) List(ctx context.Context, scope model.Scope, q ListQuery) ([]model.Return, *store.Cursor, error) {
	if q.RMA != "" {
		r, err := s.d.Store.GetReturn(ctx, scope.ShopIDs, q.RMA)
		if errors.Is(err, model.ErrNotFound) {
			return []model.Return{}, nil, nil
		}
		if err != nil {
			return nil, nil, err
		}
		return []model.Return{r}, nil, nil
	}
	limit := q.Limit
	if limit <= 0 || limit > store.MaxListLimit {
		limit = store.MaxListLimit
	}
	page, err := s.d.Store.ListReturns(ctx, store.ReturnQuery{ShopIDs: scope.ShopIDs, Statuses: q.Statuses, OrderID: q.OrderID,
		TrackingNumber: normalizeTracking(q.TrackingNumber), RequestedFrom: q.From, RequestedTo: q.To, After: q.After, Limit: limit + 1})
	if err != nil {
		return nil, nil, err
	}
	var next *store.Cursor
	if len(page) > limit {
		page = page[:limit]
		last := page[limit-1]
		next = &store.Cursor{ModifiedAt: last.CreatedAt, ID: last.ID}
	}
	if page == nil {
		page = []model.Return{}
	}
	return page, next, nil
}

// normalizeTracking is a scanned tracking number as carriers' numbers are stored: upper case,
// without spaces or dashes.
func normalizeTracking(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, strings.TrimSpace(s))
}

// DecideRequest is a person's decision on a return (POST /v1/returns/{id}/decide).
type DecideRequest struct {
	// Kind is refund_only, return, review or reject; empty confirms the rules' decision.
	Kind   string `json:"kind,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// Decide records a person's decision and carries it out: refund_only refunds without return
// (R-RET-2), return asks the goods back with a label, reject refuses the request (or, once the
// buyer shipped, the parcel), review leaves it pending; no kind confirms the rules' decision.
// Deciding again what was carried out changes nothing.
func (s *Service) Decide(ctx context.Context, scope model.Scope, id string, req DecideRequest) (model.Return, error) {
	switch req.Kind {
	case "", string(model.DecideRefundOnly), string(model.DecideReturn), string(model.DecideReview):
	case DecideReject:
		if strings.TrimSpace(req.Reason) == "" {
			return model.Return{}, invalid("missing_field", "reason", "a rejection needs a reason the buyer is told")
		}
	default:
		return model.Return{}, invalid("invalid_decision", "kind", "%q: want refund_only, return, review or reject, or leave it out to confirm the rules' decision", req.Kind)
	}
	if len([]rune(req.Reason)) > 1000 {
		return model.Return{}, invalid("too_long", "reason", "at most 1000 characters")
	}
	cur, err := s.d.Store.GetReturn(ctx, scope.ShopIDs, id)
	if err != nil {
		return cur, err
	}
	wh, err := s.warehouseOf(ctx, &cur)
	if err != nil {
		return cur, err
	}
	actor := inventory.Actor(scope)
	return s.d.Store.ChangeReturn(ctx, scope.ShopIDs, id, func(r model.Return) (store.ReturnChange, error) {
		now := s.clock()
		kind := req.Kind
		if kind == "" {
			if r.Decision == nil || r.Decision.Kind == model.DecideReview {
				return store.ReturnChange{}, refuse("decision_needed", "kind",
					"the rules left return %s for a person to review: decide refund_only, return or reject", r.ID)
			}
			kind = string(r.Decision.Kind)
		}
		if done(&r, kind) {
			return store.ReturnChange{}, nil
		}
		if err := decidable(&r, kind); err != nil {
			return store.ReturnChange{}, err
		}
		reason := req.Reason
		if reason == "" {
			reason = "decided by " + actor
		}
		if kind != DecideReject {
			r.Decision = &model.ReturnDecision{Kind: model.ReturnDecisionKind(kind), Reason: reason, By: actor, At: now}
		}
		r.History = append(r.History, model.ReturnEvent{At: now, Kind: EventDecided, Cause: actor, Reason: kind + ": " + reason})
		var jobs []store.Job
		if kind != string(model.DecideReview) {
			if jobs, err = s.carryOut(&r, kind, reason, actor, wh, now); err != nil {
				return store.ReturnChange{}, err
			}
		}
		return s.changed(r, now, jobs)
	})
}

// done reports whether kind was carried out on r already.
func done(r *model.Return, kind string) bool {
	switch kind {
	case string(model.DecideRefundOnly):
		return r.Status == model.ReturnRefunded
	case string(model.DecideReturn):
		return r.Status == model.ReturnAwaitingBuyerShip && r.Decision != nil && r.Decision.Kind == model.DecideReturn
	case string(model.DecideReview):
		return r.Status == model.ReturnPending && r.Decision != nil && r.Decision.Kind == model.DecideReview
	case DecideReject:
		return r.Status == model.ReturnRejected || r.Status == model.ReturnReceiveRejected
	}
	return false
}

// decidable refuses kind when r's status does not allow it.
func decidable(r *model.Return, kind string) error {
	switch {
	case r.Status == model.ReturnPending:
		return nil
	case kind == DecideReject && (r.Status == model.ReturnAwaitingBuyerShip || r.Status == model.ReturnBuyerShipped):
		return nil
	case kind == string(model.DecideReturn) && r.Status == model.ReturnAwaitingBuyerShip && !hasLiveLabel(r):
		return nil // asked back, but the label could not be bought: try again
	}
	return refuse("return_decided", "kind", "return %s is %s: it was decided already (%s); only a pending request is decided, "+
		"and a parcel on its way back can only be rejected", r.ID, r.Status, decisionText(r))
}

func decisionText(r *model.Return) string {
	if r.Decision == nil {
		return "no decision"
	}
	return string(r.Decision.Kind) + " by " + r.Decision.By
}

func hasLiveLabel(r *model.Return) bool {
	return slices.ContainsFunc(r.Shipments, func(sh model.ReturnShipment) bool { return sh.Status.Live() })
}

// warehouseOf loads the return's warehouse, nil when it has none (or it is gone).
func (s *Service) warehouseOf(ctx context.Context, r *model.Return) (*model.Warehouse, error) {
	if r.WarehouseID == "" {
		return nil, nil
	}
	w, err := s.d.Store.GetWarehouse(ctx, []string{r.ShopID}, r.WarehouseID)
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &w, nil
}

// changed is the change that writes r as changed at now, with its jobs and its notification.
func (s *Service) changed(r model.Return, now time.Time, jobs []store.Job) (store.ReturnChange, error) {
	r.Version++
	r.UpdatedAt = now
	ev, err := eventJob(&r)
	if err != nil {
		return store.ReturnChange{}, err
	}
	return store.ReturnChange{Return: r, Changed: true, Jobs: append(jobs, ev)}, nil
}

// ReceiveRequest is a warehouse's scan of a returned parcel and, optionally, the inspection of
// its lines (POST /v1/returns/{id}/receive).
type ReceiveRequest struct {
	// WarehouseID is where the parcel was scanned; default the return's warehouse.
	WarehouseID string `json:"warehouse_id,omitempty"`
	// Lines are the inspected lines; each outcome moves stock (R-RET-5).
	Lines []Inspected `json:"lines,omitempty"`
}

// receivableStatuses are the statuses a parcel is expected back in, or was received in.
var receivableStatuses = []model.ReturnStatus{model.ReturnAwaitingBuyerShip, model.ReturnBuyerShipped, model.ReturnCompleted}

// Receive records that the return's parcel arrived at the warehouse (R-INV-6), completing the
// return and telling the marketplace, and records the inspection of its lines (R-RET-5): each
// outcome's stock movements are written in the same transaction as the inspection. A parcel
// may be received first and inspected later, line by line; no line is inspected beyond what
// came back.
func (s *Service) Receive(ctx context.Context, scope model.Scope, id string, req ReceiveRequest) (model.Return, error) {
	cur, err := s.d.Store.GetReturn(ctx, scope.ShopIDs, id)
	if err != nil {
		return cur, err
	}
	whID := req.WarehouseID
	if whID == "" {
		whID = cur.WarehouseID
	}
	if whID == "" {
		return cur, invalid("missing_field", "warehouse_id", "the return has no warehouse: name the warehouse the parcel arrived at")
	}
	wh, err := s.d.Store.GetWarehouse(ctx, []string{cur.ShopID}, whID)
	if err != nil {
		if errors.Is(err, model.ErrNotFound) {
			return cur, invalid("warehouse_unknown", "warehouse_id", "warehouse %s is not one of the shop's", whID)
		}
		return cur, err
	}
	if err := CheckInspection(&cur, req.Lines); err != nil {
		return cur, err
	}
	actor := inventory.Actor(scope)
	return s.d.Store.ChangeReturn(ctx, scope.ShopIDs, id, func(r model.Return) (store.ReturnChange, error) {
		now := s.clock()
		if !slices.Contains(receivableStatuses, r.Status) {
			return store.ReturnChange{}, refuse("return_not_expected", "status", "return %s is %s: no parcel is expected back (%s)",
				r.ID, r.Status, notExpectedWhy(r.Status))
		}
		if err := CheckInspection(&r, req.Lines); err != nil {
			return store.ReturnChange{}, err
		}
		var jobs []store.Job
		if r.ReceivedAt == nil {
			r.ReceivedAt = &now
			r.History = append(r.History, model.ReturnEvent{At: now, Kind: EventReceived, Cause: actor, Reason: "scanned in at " + wh.Code})
			// The platform may have closed the request before the parcel was scanned in.
			closed := r.Status == model.ReturnCompleted
			if !closed {
				setStatus(&r, model.ReturnCompleted, now, actor, "the parcel arrived at the warehouse")
			}
			if r.ExternalID != "" && r.Source != "api" && !closed {
				j, err := pushJob(&r, ActionApproveReceived, "")
				if err != nil {
					return store.ReturnChange{}, err
				}
				jobs = append(jobs, j)
			}
		} else if len(req.Lines) == 0 {
			return store.ReturnChange{}, nil // received before: a repeated scan changes nothing
		}
		var moves []model.Movement
		for _, l := range req.Lines {
			m, sku := InspectionMovements(&r, l, wh.ID, s.cfg.RefurbishedSuffix, actor, now)
			moves = append(moves, m...)
			r.Inspections = append(r.Inspections, model.ReturnInspection{SKU: l.SKU, Quantity: l.Quantity, Outcome: l.Outcome, Note: l.Note,
				WarehouseID: wh.ID, StockSKU: sku, By: actor, At: now})
			r.History = append(r.History, model.ReturnEvent{At: now, Kind: EventInspected, Cause: actor,
				Reason: fmt.Sprintf("%d × %s: %s", l.Quantity, l.SKU, l.Outcome)})
		}
		ch, err := s.changed(r, now, jobs)
		ch.Movements = moves
		return ch, err
	})
}

func notExpectedWhy(st model.ReturnStatus) string {
	switch st {
	case model.ReturnPending:
		return "it is not decided yet"
	case model.ReturnRefunded:
		return "it was refunded without return: the buyer keeps the goods"
	case model.ReturnRejected, model.ReturnReceiveRejected:
		return "it was rejected"
	case model.ReturnCancelled:
		return "the buyer cancelled it"
	}
	return "see its status"
}
