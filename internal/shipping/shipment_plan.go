package shipping

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/rating"
)

// This file is the pure part of the ship workflow: which orders may ship (R-ORD-6, R-ORD-3),
// what each package holds, the box it goes in (R-RATE-8) and the service that carries it
// (R-SHIP-3, R-SLA-1, the policy). No I/O: the store loads, these functions decide.

// Options are the caller's choices for shipping an order.
type Options struct {
	// Policy chooses among the eligible services (cheapest, fastest, best_value); empty is
	// the configured default.
	Policy rating.Policy `json:"policy,omitempty"`
	// Carrier and Service, when set, limit the choice to that carrier (and service).
	Carrier string `json:"carrier,omitempty"`
	Service string `json:"service,omitempty"`
	// Confirm confirms an order that is not yet confirmed (R-ORD-3) before shipping it.
	Confirm bool `json:"confirm,omitempty"`
	// AllowSplit lets the allocation split the order over several warehouses (R-MODE-6) when
	// no single warehouse can ship it whole.
	AllowSplit bool `json:"allow_split,omitempty"`
}

// Validate reports options that can never work.
func (o Options) Validate() error {
	var p []model.FieldError
	if _, err := rating.ParsePolicy(string(o.Policy)); err != nil {
		p = append(p, model.FieldError{Code: "invalid_policy", Field: "policy", Message: err.Error()})
	}
	if o.Service != "" && o.Carrier == "" {
		p = append(p, model.FieldError{Code: "missing_field", Field: "carrier",
			Message: "a service is named within its carrier: give carrier too"})
	}
	if len(p) > 0 {
		return &model.ValidationError{Problems: p}
	}
	return nil
}

// shippableStatuses are the statuses an order ships from. AWAITING_COLLECTION ships only a
// package whose label was voided (it has no live shipment any more).
var shippableStatuses = []model.Status{model.StatusAwaitingShipment, model.StatusPartiallyShipping, model.StatusAwaitingCollection}

// checkShippable refuses an order that may not ship as it stands.
func checkShippable(o *model.Order, opt Options) error {
	switch {
	case !slices.Contains(shippableStatuses, o.Status):
		return refuse(o.ID, RefusedStatus, "status", true,
			"an order in status %s does not ship; only AWAITING_SHIPMENT orders do", o.Status)
	case o.NeedsAttention:
		// R-ORD-6: a held order is not allocated, labelled or shipped until its problems are fixed.
		return refuse(o.ID, RefusedHeld, "needs_attention", true,
			"the order is held until its problems are fixed (R-ORD-6): %s; correct them with PATCH /v1/orders/%s",
			problemFields(o.Problems), o.ID)
	case o.ConfirmedAt == nil && !opt.Confirm && o.Status == model.StatusAwaitingShipment:
		return refuse(o.ID, RefusedNotConfirmed, "confirmed_at", true,
			"the order is not confirmed (R-ORD-3); confirm it first (POST /v1/orders/%s/confirm) or ship it with \"confirm\": true", o.ID)
	}
	return nil
}

func problemFields(ps []model.Problem) string {
	var out []string
	for _, p := range ps {
		if p.Severity == model.SeverityError {
			out = append(out, p.Field+" ("+p.Code+")")
		}
	}
	if len(out) == 0 {
		return "see its problems"
	}
	return strings.Join(out, ", ")
}

// confirmForShip confirms o when opt asks and it is not confirmed yet.
func confirmForShip(o *model.Order, opt Options, at time.Time, cause string) (bool, error) {
	if !opt.Confirm || o.ConfirmedAt != nil || o.Status != model.StatusAwaitingShipment {
		return false, nil
	}
	return order.Confirm(o, at, cause)
}

// planInput is what the planning of one package needs.
type planInput struct {
	order     *model.Order
	alloc     model.Allocation // one warehouse's share of the order
	warehouse model.Warehouse
	markets   map[model.Market]config.Market
	mode      model.ShippingMode // the shop's mode for this order (R-MODE-3)
	opt       Options
	cfg       Config
	cards     *rating.Cards // the cards of the configured carriers' services
	certs     carrier.Certification
	carriers  *carrier.Set
	now       time.Time
}

// plannedPackage is a package and the service that will carry it.
type plannedPackage struct {
	pkg              model.Package
	carrier, service string
	quote            *model.Cost
	// fallback, when not empty, says why a package of a platform-mode shop ships seller-side
	// (R-MODE-4); the order's history records it.
	fallback string
}

// planPackage decides one package: its lines, box, size and weight, and, seller-shipped, the
// service by policy among the configured, certified services meeting the promise. A refusal
// names what to fix.
func planPackage(in planInput) (plannedPackage, error) {
	o := in.order
	lines := packageLines(o, in.alloc)
	pkg := model.Package{ShopID: o.ShopID, OrderID: o.ID, WarehouseID: in.warehouse.ID, Mode: in.mode}
	for _, l := range in.alloc.Lines {
		pkg.Lines = append(pkg.Lines, model.PackageLine{SKU: l.SKU, Quantity: l.Quantity})
	}
	if in.mode == model.ModePlatform {
		box, parcel, ok := smallestBox(lines, in.cfg.Boxes)
		fillParcel(&pkg, box, parcel)
		// R-MODE-4: a package over the platform's size limits ships seller-side.
		lim := in.cfg.limits(o.Market)
		if ok && within(parcel, lim) {
			return plannedPackage{pkg: pkg, carrier: "platform"}, nil
		}
		pkg.Mode = model.ModeSeller
		pp, err := rateSeller(in, pkg, lines)
		if err != nil {
			return pp, err
		}
		pp.fallback = fallbackReason(warehouseName(&in.warehouse), o.Market, parcel, lim, ok)
		return pp, nil
	}
	return rateSeller(in, pkg, lines)
}

// fallbackReason says why the package from warehouse wh ships seller-side in a platform-mode
// shop (R-MODE-4): over the platform's limits, or in no box of the catalogue.
func fallbackReason(wh string, market model.Market, p rating.Parcel, l Limits, boxed bool) string {
	if !boxed {
		return fmt.Sprintf("R-MODE-4: the package from %s fits no box of the catalogue, so the platform's size limits cannot be checked; it ships seller-side", wh)
	}
	sides := []int64{p.LengthMM, p.WidthMM, p.HeightMM}
	slices.Sort(sides)
	girth := sides[2] + 2*(sides[0]+sides[1])
	return fmt.Sprintf("R-MODE-4: the package from %s (%d g, longest side %d mm, length plus girth %d mm) is over the platform-logistics limits of %s (%d g, %d mm, %d mm); it ships seller-side",
		wh, p.WeightG, sides[2], girth, market, l.MaxWeightG, l.MaxSideMM, l.MaxGirthMM)
}

// rateSeller rates the package against the configured carriers' cards, choosing the box with
// the lowest landed cost (R-RATE-8) and the service by policy.
func rateSeller(in planInput, pkg model.Package, lines []model.Line) (plannedPackage, error) {
	o := in.order
	market := string(o.Market)
	if in.opt.Carrier != "" {
		if _, ok := in.carriers.Get(in.opt.Carrier); !ok {
			return plannedPackage{}, refuse(o.ID, RefusedNoCarrier, "carrier", false,
				"carrier %q has no account configured here; configured carriers: %s", in.opt.Carrier, strings.Join(in.carriers.Codes(), ", "))
		}
		// R-SHIP-3: an uncertified carrier is refused for the market, by name.
		if err := in.certs.Check(market, in.opt.Carrier); err != nil {
			return plannedPackage{}, &RefusalError{OrderID: o.ID, Code: RefusedUncertified, Field: "carrier", Message: err.Error(), Err: err}
		}
		// The shop's carriers setting: a carrier it does not ship with is refused by name.
		if enabled := in.markets[o.Market].Carriers; len(enabled) > 0 && !slices.Contains(enabled, in.opt.Carrier) {
			return plannedPackage{}, refuse(o.ID, RefusedDisabled, "carrier", false,
				"the shop does not ship with carrier %s: its carriers setting enables %s; enable it in Settings (carriers) or choose one of those",
				in.opt.Carrier, strings.Join(enabled, ", "))
		}
	}
	cards, err := cardsFor(in)
	if err != nil {
		return plannedPackage{}, err
	}
	qr := &rating.QuoteRequest{Order: *o, Handover: handoverOf(&in.warehouse, in.markets[o.Market])}
	qr.Order.Lines = lines
	if dimsKnown(lines) && len(in.cfg.Boxes) > 0 {
		qr.Boxes = in.cfg.Boxes
	}
	policy := in.opt.Policy
	if policy == "" {
		policy = in.cfg.Policy
	}
	resp, err := rating.QuoteOrder(cards, qr, in.markets, rating.QuoteOptions{Policy: policy, BestValuePct: in.cfg.BestValuePct, Now: in.now})
	switch {
	case errors.Is(err, rating.ErrNoBoxFits):
		return plannedPackage{}, refuse(o.ID, RefusedNoBox, "lines", false,
			"the goods of warehouse %s fit no box of the catalogue (R-RATE-8): %v; add a larger box to the catalogue", in.warehouse.Code, err)
	case err != nil:
		return plannedPackage{}, err
	case resp.Selected == nil:
		// Late is better than not at all: when every service that could carry the package
		// misses the promise (R-SLA-1), the one that delivers soonest ships it, as the
		// allocation does with a late-risk warehouse.
		if q := soonestLate(resp.Quotes); q != nil {
			resp.Selected = &rating.ServiceRef{Carrier: q.Carrier, Service: q.Service}
			break
		}
		return plannedPackage{}, refuse(o.ID, RefusedNoService, "", false,
			"no configured, certified service can ship the package from %s to %s %s: %s", warehouseName(&in.warehouse),
			o.ShippingAddress.Country, o.ShippingAddress.PostalCode, whyNoService(resp))
	}
	sel := resp.Selected
	// R-SHIP-3, again on the selection: the certification table is the operator's, the cards'
	// lists are the carriers' claims; both must agree.
	if err := in.certs.Check(market, sel.Carrier); err != nil {
		return plannedPackage{}, &RefusalError{OrderID: o.ID, Code: RefusedUncertified, Field: "carrier", Message: err.Error(), Err: err}
	}
	pkg.WeightG, pkg.LengthMM, pkg.WidthMM, pkg.HeightMM = resp.Package.WeightG, resp.Package.LengthMM, resp.Package.WidthMM, resp.Package.HeightMM
	if resp.Box != nil {
		pkg.Box = resp.Box.ID
	}
	pp := plannedPackage{pkg: pkg, carrier: sel.Carrier, service: sel.Service}
	for _, q := range resp.Quotes {
		if q.Carrier == sel.Carrier && q.Service == sel.Service && q.Total != nil {
			c := &model.Cost{Total: *q.Total}
			for _, l := range q.Breakdown {
				c.Lines = append(c.Lines, model.CostLine{Kind: l.Kind.String(), Name: l.Name, Amount: l.Amount})
			}
			pp.quote = c
		}
	}
	return pp, nil
}

// cardsFor returns the cards the package may be rated with: the configured carriers'
// services, narrowed to the warehouse's services when it lists any and to the carrier and
// service the caller named.
func cardsFor(in planInput) (*rating.Cards, error) {
	if len(in.warehouse.Services) == 0 && in.opt.Carrier == "" {
		return in.cards, nil
	}
	var keep []*rating.Card
	for _, c := range in.cards.Versions() {
		if in.opt.Carrier != "" && (c.Carrier != in.opt.Carrier || (in.opt.Service != "" && c.Service != in.opt.Service)) {
			continue
		}
		if len(in.warehouse.Services) > 0 && !slices.Contains(in.warehouse.Services, model.CarrierService{Carrier: c.Carrier, Service: c.Service}) {
			continue
		}
		keep = append(keep, c)
	}
	if len(keep) == 0 {
		what := in.opt.Carrier
		if in.opt.Service != "" {
			what += "/" + in.opt.Service
		}
		if what == "" {
			what = "the warehouse's services"
		}
		return nil, refuse(in.order.ID, RefusedNoService, "service", false,
			"no rate card prices %s from warehouse %s; load its card or choose another service", what, warehouseName(&in.warehouse))
	}
	return rating.NewCards(keep)
}

// ShippableCards returns the versions of cards whose carrier is configured in set and offers
// the card's service: what the ship workflow rates with.
func ShippableCards(cards *rating.Cards, set *carrier.Set) (*rating.Cards, error) {
	var keep []*rating.Card
	for _, c := range cards.Versions() {
		cr, ok := set.Get(c.Carrier)
		if !ok || !cr.Capabilities().Has(carrier.CanPurchase) {
			continue
		}
		if _, ok := carrier.ServiceByCode(cr, c.Service); ok {
			keep = append(keep, c)
		}
	}
	return rating.NewCards(keep)
}

// soonestLate is the quote that delivers soonest (then the cheapest) among those whose only
// fault is missing the promise; nil when there is none.
func soonestLate(quotes []rating.QuoteJSON) *rating.QuoteJSON {
	var best *rating.QuoteJSON
	for i := range quotes {
		q := &quotes[i]
		if q.Total == nil || q.DeliveryBy == nil || len(q.Reasons) != 1 || q.Reasons[0].Code != rating.ReasonPromise.Code() {
			continue
		}
		if best == nil || *q.DeliveryBy < *best.DeliveryBy ||
			(*q.DeliveryBy == *best.DeliveryBy && q.Total.Amount < best.Total.Amount) {
			best = q
		}
	}
	return best
}

func whyNoService(resp *rating.Response) string {
	if len(resp.Quotes) == 0 {
		return "no rate card serves the destination; load one for it"
	}
	var parts []string
	for _, q := range resp.Quotes {
		var why []string
		for _, r := range q.Reasons {
			why = append(why, r.Message)
		}
		if len(why) == 0 {
			continue
		}
		parts = append(parts, q.Carrier+"/"+q.Service+": "+strings.Join(why, "; "))
		if len(parts) == 4 {
			parts = append(parts, fmt.Sprintf("and %d more", len(resp.Quotes)-4))
			break
		}
	}
	return strings.Join(parts, " | ")
}

// handoverOf is the warehouse's hand-over for rating: its cut-off (or the market's), zone,
// country and closed days, so a quote and the allocation pick the same hand-over day.
func handoverOf(w *model.Warehouse, m config.Market) *rating.HandoverSpec {
	h := &rating.HandoverSpec{CutOff: w.CutOff, TimeZone: w.TimeZone, Origin: w.Address.Country}
	if len(w.WorkingDays) > 0 {
		for _, d := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
			if !slices.Contains(w.WorkingDays, d) {
				h.Closed = append(h.Closed, d)
			}
		}
	}
	if h.TimeZone == "" {
		h.TimeZone = m.TimeZone
	}
	return h
}

// splitByPacking divides one warehouse's allocation into the marketplace's packages when it
// split the order (o.Packing): one allocation per marketplace package that holds any of its
// goods, in the marketplace's order, so that each parcel's tracking number has a package of the
// marketplace's to go to. Goods no package names go with the last. Without a split it is the
// allocation alone.
func splitByPacking(a model.Allocation, packing []model.PackingGroup) []model.Allocation {
	if len(packing) < 2 {
		return []model.Allocation{a}
	}
	left := map[string]int64{}
	for _, l := range a.Lines {
		left[l.SKU] += l.Quantity
	}
	var out []model.Allocation
	for _, g := range packing {
		sub := a
		sub.Lines = nil
		for _, gl := range g.Lines {
			if q := min(gl.Quantity, left[gl.SKU]); q > 0 {
				sub.Lines = append(sub.Lines, model.StockLine{SKU: gl.SKU, Quantity: q})
				left[gl.SKU] -= q
			}
		}
		if len(sub.Lines) > 0 {
			out = append(out, sub)
		}
	}
	var rest []model.StockLine
	for _, l := range a.Lines {
		if q := left[l.SKU]; q > 0 {
			rest = append(rest, model.StockLine{SKU: l.SKU, Quantity: q})
			left[l.SKU] = 0
		}
	}
	switch {
	case len(rest) == 0:
	case len(out) == 0:
		sub := a
		sub.Lines = rest
		out = append(out, sub)
	default:
		last := &out[len(out)-1]
		last.Lines = append(slices.Clip(last.Lines), rest...)
	}
	return out
}

// sameLines reports whether a package holds exactly the allocation's goods.
func sameLines(p model.Package, a model.Allocation) bool {
	count := func(add func(func(sku string, q int64))) map[string]int64 {
		m := map[string]int64{}
		add(func(sku string, q int64) { m[sku] += q })
		return m
	}
	pm := count(func(f func(string, int64)) {
		for _, l := range p.Lines {
			f(l.SKU, l.Quantity)
		}
	})
	am := count(func(f func(string, int64)) {
		for _, l := range a.Lines {
			f(l.SKU, l.Quantity)
		}
	})
	return maps.Equal(pm, am)
}

// packageLines are the order's lines with the allocation's quantities: what the package holds.
func packageLines(o *model.Order, a model.Allocation) []model.Line {
	var out []model.Line
	for _, al := range a.Lines {
		for _, l := range o.Lines {
			if l.SKU == al.SKU {
				l.Quantity = al.Quantity
				out = append(out, l)
				break
			}
		}
	}
	return out
}

func dimsKnown(lines []model.Line) bool {
	for _, l := range lines {
		if l.LengthMM <= 0 || l.WidthMM <= 0 || l.HeightMM <= 0 {
			return false
		}
	}
	return len(lines) > 0
}

// smallestBox is the smallest box of the catalogue the lines fit in, and the parcel it makes;
// without dimensions, or without a box that fits, the stacked goods' weight alone (ok false).
func smallestBox(lines []model.Line, boxes []rating.Box) (*rating.Box, rating.Parcel, bool) {
	var items []rating.Item
	var goodsG int64
	for _, l := range lines {
		items = append(items, rating.Item{LengthMM: l.LengthMM, WidthMM: l.WidthMM, HeightMM: l.HeightMM, WeightG: l.WeightG, Quantity: l.Quantity})
		goodsG += l.WeightG * l.Quantity
	}
	if !dimsKnown(lines) {
		return nil, rating.Parcel{WeightG: goodsG}, false
	}
	var best *rating.Box
	for i := range boxes {
		b := &boxes[i]
		if b.Fits(items) && (best == nil || b.LengthMM*b.WidthMM*b.HeightMM < best.LengthMM*best.WidthMM*best.HeightMM) {
			best = b
		}
	}
	if best == nil {
		return nil, rating.Parcel{WeightG: goodsG}, false
	}
	w := 2 * best.WallMM
	return best, rating.Parcel{WeightG: goodsG + best.TareG, LengthMM: best.LengthMM + w, WidthMM: best.WidthMM + w, HeightMM: best.HeightMM + w}, true
}

func fillParcel(p *model.Package, box *rating.Box, parcel rating.Parcel) {
	if box != nil {
		p.Box = box.ID
	}
	p.WeightG, p.LengthMM, p.WidthMM, p.HeightMM = parcel.WeightG, parcel.LengthMM, parcel.WidthMM, parcel.HeightMM
}

// within reports whether a parcel is inside the platform's limits (R-MODE-4).
func within(p rating.Parcel, l Limits) bool {
	sides := []int64{p.LengthMM, p.WidthMM, p.HeightMM}
	slices.Sort(sides)
	girth := sides[2] + 2*(sides[0]+sides[1])
	return p.WeightG <= l.MaxWeightG && sides[2] <= l.MaxSideMM && (l.MaxGirthMM == 0 || girth <= l.MaxGirthMM)
}

func warehouseName(w *model.Warehouse) string {
	if w.Code != "" {
		return w.Code
	}
	return w.ID
}
