package rating

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"lastmile/internal/address"
	"lastmile/internal/config"
	"lastmile/internal/model"
)

// QuoteRequest is the JSON body of POST /v1/rates and the stdin of `lastmile rate`: an order
// (the order JSON contract) with what rating needs beyond it, all optional.
type QuoteRequest struct {
	model.Order
	// Package is the parcel as packed; without it the parcel is computed from the lines, or
	// chosen from Boxes.
	Package *PackageSpec `json:"package,omitempty"`
	// Options are the services' options asked for: priority, signature, insurance. COD follows
	// from the order's cod amount.
	Options []string `json:"options,omitempty"`
	// MonthlyParcels is the shop's parcel count this month per carrier id, for volume rebates
	// (R-RATE-4) and subsidy conditions (R-RATE-5).
	MonthlyParcels map[string]int64 `json:"monthly_parcels,omitempty"`
	// Boxes is the shop's box catalogue: the order is packed into the box with the lowest
	// landed cost (R-RATE-8). Not with Package.
	Boxes []Box `json:"boxes,omitempty"`
	// Handover overrides the default warehouse hand-over.
	Handover *HandoverSpec `json:"handover,omitempty"`
}

// PackageSpec is a packed parcel: actual weight and outer dimensions.
type PackageSpec struct {
	WeightG  int64 `json:"weight_g"`
	LengthMM int64 `json:"length_mm"`
	WidthMM  int64 `json:"width_mm"`
	HeightMM int64 `json:"height_mm"`
}

// HandoverSpec is the warehouse hand-over in JSON; every field is optional.
type HandoverSpec struct {
	// CutOff is the local time of day, "15:00", after which parcels go the next day; default
	// the market's cut_off.
	CutOff string `json:"cut_off,omitempty"`
	// TimeZone is the warehouse's IANA zone; default the market's.
	TimeZone string `json:"time_zone,omitempty"`
	// Origin is the warehouse's country: cards shipping from elsewhere are excluded.
	Origin string `json:"origin,omitempty"`
	// Closed are the weekdays without hand-over: "sat", "sun". Absent: the days outside the
	// market's working_days; [] : open every day.
	Closed []string `json:"closed,omitempty"`
}

// QuoteOptions are the caller's choices for QuoteOrder.
type QuoteOptions struct {
	Policy Policy
	// BestValuePct is N of the best_value policy (DefaultBestValuePct unless the user says).
	BestValuePct int
	// Now is the clock.
	Now time.Time
}

// Response is the JSON answer of POST /v1/rates and `lastmile rate`.
type Response struct {
	Quotes []QuoteJSON `json:"quotes"`
	// Selected is the service the policy chose, null when no service is eligible.
	Selected *ServiceRef `json:"selected"`
	Policy   Policy      `json:"policy"`
	Package  PackageOut  `json:"package"`
	Promise  PromiseOut  `json:"promise"`
	Box      *BoxOut     `json:"box,omitempty"`
}

// ServiceRef names a service.
type ServiceRef struct {
	Carrier string `json:"carrier"`
	Service string `json:"service"`
}

// PackageOut is the parcel that was rated and where its figures come from: "package" (the
// request), "lines" (summed and stacked from the order lines; without dimensions when a line
// has none) or "box".
type PackageOut struct {
	WeightG  int64  `json:"weight_g"`
	LengthMM int64  `json:"length_mm"`
	WidthMM  int64  `json:"width_mm"`
	HeightMM int64  `json:"height_mm"`
	Source   string `json:"source"`
}

// PromiseOut is the delivery promise (R-SLA-1) and the hand-over day it is measured against.
type PromiseOut struct {
	Days     int  `json:"days"`
	Deadline Date `json:"deadline"`
	Handover Date `json:"handover"`
}

// QuoteJSON is one service's quote.
type QuoteJSON struct {
	Carrier      string `json:"carrier"`
	Service      string `json:"service"`
	CardVersion  string `json:"card_version,omitempty"`
	Illustrative bool   `json:"illustrative"`
	Eligible     bool   `json:"eligible"`
	// Total is null when the card does not price the parcel (no zone, beyond the brackets, no
	// version in force).
	Total             *model.Money `json:"total"`
	ChargeableWeightG int64        `json:"chargeable_weight_g"`
	Breakdown         []LineJSON   `json:"breakdown"`
	Zone              string       `json:"zone,omitempty"`
	TransitDays       *TransitJSON `json:"transit_days"`
	DeliveryBy        *Date        `json:"delivery_by,omitempty"`
	MeetsPromise      bool         `json:"meets_promise"`
	Reasons           []ReasonJSON `json:"reasons"`
}

// LineJSON is one breakdown line in minor units of the quote's currency.
type LineJSON struct {
	Kind   LineKind `json:"kind"`
	Name   string   `json:"name,omitempty"`
	Amount int64    `json:"amount"`
}

// TransitJSON is the zone's transit days and whether they are calendar or working days.
type TransitJSON struct {
	Min   int    `json:"min"`
	Max   int    `json:"max"`
	Basis string `json:"basis"`
}

// ReasonJSON is why a service is not eligible.
type ReasonJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// BoxOut is the box chosen from the catalogue (R-RATE-8).
type BoxOut struct {
	ID         string         `json:"id"`
	Cost       model.Money    `json:"cost"`
	LandedCost *model.Money   `json:"landed_cost"`
	Candidates []BoxCandidate `json:"candidates"`
}

// BoxCandidate is how one box of the catalogue did.
type BoxCandidate struct {
	ID         string       `json:"id"`
	Fits       bool         `json:"fits"`
	LandedCost *model.Money `json:"landed_cost"`
}

// Limits on one quote request.
const (
	maxOptions = 16
	maxBoxes   = 200
	// MaxQuoteLines bounds the lines of a quoted order, as an order holds at most 1,000 lines.
	// With each line's price and quantity bounded too, no sum over the lines can leave int64.
	MaxQuoteLines = 1000
)

// mulAddWithin returns sum + a×b and true when that is at most limit, else limit+1 and false,
// for sum ≤ limit and a, b ≥ 0. It never overflows, whatever the figures: a quote sums price ×
// quantity and weight × quantity over outside input.
func mulAddWithin(sum, a, b, limit int64) (int64, bool) {
	if sum > limit || a < 0 || b < 0 || a != 0 && b > (limit-sum)/a {
		return limit + 1, false
	}
	return sum + a*b, true
}

// QuoteOrder rates one order against cards: it checks and normalises the request, builds the
// parcel (given, from the lines, or the best box), rates, selects by policy and renders the
// response. Problems with the request are a *model.ValidationError naming each field; items
// that fit no box are ErrNoBoxFits (wrapped with the reason).
func QuoteOrder(cards *Cards, qr *QuoteRequest, markets map[model.Market]config.Market, opt QuoteOptions) (*Response, error) {
	pr, err := NewRequest(qr, markets, opt.Now)
	if err != nil {
		return nil, err
	}
	req, src := pr.Request, pr.Source
	policy := opt.Policy
	if policy == "" {
		policy = Cheapest
	}
	if _, err := ParsePolicy(string(policy)); err != nil {
		return nil, &model.ValidationError{Problems: []model.FieldError{{Code: "invalid_policy", Field: "policy", Message: err.Error()}}}
	}
	if opt.BestValuePct < 0 {
		return nil, &model.ValidationError{Problems: []model.FieldError{{Code: "invalid_policy", Field: "best_value_pct",
			Message: "best_value_pct must be 0 or more"}}}
	}
	var res Result
	resp := &Response{Policy: policy}
	if len(pr.Boxes) > 0 {
		ch, err := cards.ChooseBox(req, pr.Items, pr.Boxes, policy, opt.BestValuePct, &res)
		if err != nil {
			return nil, fmt.Errorf("%w: %s", err, biggestItem(pr.Items))
		}
		resp.Box = boxOut(pr.Boxes, ch, req.Currency, res.Selected >= 0)
		src = "box"
	} else {
		cards.Rate(req, &res)
		res.Select(policy, opt.BestValuePct)
	}
	resp.Package = PackageOut{WeightG: req.Parcel.WeightG, LengthMM: req.Parcel.LengthMM, WidthMM: req.Parcel.WidthMM,
		HeightMM: req.Parcel.HeightMM, Source: src}
	resp.Promise = PromiseOut{Days: req.Market.PromiseDays, Deadline: res.Deadline, Handover: res.Handover}
	resp.Quotes = make([]QuoteJSON, len(res.Quotes))
	for i := range res.Quotes {
		resp.Quotes[i] = res.render(&res.Quotes[i], req)
	}
	if res.Selected >= 0 {
		q := &res.Quotes[res.Selected]
		resp.Selected = &ServiceRef{Carrier: q.Carrier, Service: q.Service}
	}
	return resp, nil
}

func (res *Result) render(q *Quote, req *Request) QuoteJSON {
	out := QuoteJSON{Carrier: q.Carrier, Service: q.Service, Eligible: q.Eligible, ChargeableWeightG: q.ChargeableG,
		MeetsPromise: q.MeetsPromise, Zone: q.Zone, Breakdown: []LineJSON{}, Reasons: []ReasonJSON{}}
	if q.Card != nil {
		out.CardVersion, out.Illustrative = q.Card.Version, q.Card.Illustrative
		if q.Zone != "" {
			out.TransitDays = &TransitJSON{Min: q.TransitMin, Max: q.TransitMax, Basis: q.Card.transitBasis()}
			by := q.DeliveryBy
			out.DeliveryBy = &by
		}
	}
	if q.Priced {
		out.Total = &model.Money{Amount: q.Total, Currency: q.Currency}
		for _, l := range q.Lines {
			out.Breakdown = append(out.Breakdown, LineJSON{Kind: l.Kind, Name: l.Name, Amount: l.Amount})
		}
	}
	for _, r := range q.Reasons.List() {
		out.Reasons = append(out.Reasons, ReasonJSON{Code: r.Code(), Message: res.Message(q, req, r)})
	}
	return out
}

func boxOut(boxes []Box, ch BoxChoice, cur string, selected bool) *BoxOut {
	money := func(b *Box, amount int64) model.Money {
		c := b.Cost.Currency
		if c == "" {
			c = cur
		}
		return model.Money{Amount: amount, Currency: c}
	}
	b := &boxes[ch.Box]
	out := &BoxOut{ID: b.ID, Cost: money(b, b.Cost.Amount), Candidates: make([]BoxCandidate, len(boxes))}
	if selected && ch.Boxes[ch.Box].Quoted {
		m := money(b, ch.Landed)
		out.LandedCost = &m
	}
	for i := range boxes {
		c := BoxCandidate{ID: boxes[i].ID, Fits: ch.Boxes[i].Fits}
		if ch.Boxes[i].Quoted {
			m := money(&boxes[i], ch.Boxes[i].Landed)
			c.LandedCost = &m
		}
		out.Candidates[i] = c
	}
	return out
}

func biggestItem(items []Item) string {
	var big [3]int64
	var n int64
	for _, it := range items {
		d := [3]int64{it.LengthMM, it.WidthMM, it.HeightMM}
		sort3(&d)
		if d[0]*d[1]*d[2] > big[0]*big[1]*big[2] {
			big = d
		}
		n += it.Quantity
	}
	return fmt.Sprintf("%d units, the largest %d×%d×%d mm", n, big[0], big[1], big[2])
}

// NewDestination normalises the parts of an address rating matches on: the country (UK is
// GB), the region code (a recognised name becomes its code), the postal code compacted, and
// the address package's remote-area flag (R-RATE-3).
func NewDestination(a model.Address) Destination {
	d := Destination{Country: string(model.NormalizeMarket(a.Country)), Remote: address.IsRemote(a)}
	region := strings.TrimSpace(a.Region)
	if code, ok := address.RegionCode(d.Country, region); ok {
		d.Region = code
	} else {
		d.Region = strings.ToUpper(region)
	}
	d.Postal, _ = compactPostal(strings.TrimSpace(a.PostalCode))
	return d
}

// Prepared is a checked quote request: the engine's Request, the order lines as items to
// pack, the box catalogue, and where the parcel's figures come from ("package" or "lines";
// with boxes the parcel is chosen later).
type Prepared struct {
	Request *Request
	Items   []Item
	Boxes   []Box
	Source  string
}

// NewRequest checks a quote request and prepares it for the engine; now is the clock. Every
// problem is reported at once, as a *model.ValidationError. qr is not modified.
func NewRequest(qr *QuoteRequest, markets map[model.Market]config.Market, now time.Time) (*Prepared, error) {
	var p []model.FieldError
	bad := func(code, field, format string, args ...any) {
		p = append(p, model.FieldError{Code: code, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	o := &qr.Order
	req := &Request{Now: now, MonthlyParcels: qr.MonthlyParcels}

	code := model.NormalizeMarket(string(o.Market))
	cm, known := markets[code]
	switch {
	case code == "":
		bad("missing_field", "market", "market is required: an ISO country code such as US, GB, TH")
	case !known:
		bad("market_unknown", "market", "market %q is not configured", o.Market)
	default:
		m, err := MarketFromConfig(cm)
		if err != nil {
			bad("market_unknown", "market", "%v", err)
		}
		req.Market = m
	}
	req.Currency = strings.ToUpper(strings.TrimSpace(o.Currency))
	if req.Currency == "" {
		req.Currency = cm.Currency
	}
	if o.PaidAt != nil {
		req.PaidAt = *o.PaidAt
	}
	req.Dest = NewDestination(o.ShippingAddress)
	if req.Dest.Country == "" {
		bad("missing_field", "shipping_address.country", "the destination country is required to find a zone")
	}

	// Lines: the declared value (insurance) and the items to pack. The weight is summed
	// saturating just above what any card prices: it matters only without a package.
	items := make([]Item, 0, min(len(o.Lines), MaxQuoteLines))
	var weightG, units int64
	var noWeight []string // lines without weight_g, for the refusal when nothing else gives one
	declaredOK := true
	dimsKnown := len(o.Lines) > 0
	lines := o.Lines
	if len(lines) > MaxQuoteLines {
		bad("too_many", "lines", "a quote takes at most %d lines, as an order holds; this one has %d", MaxQuoteLines, len(lines))
		lines = nil
	}
	for i, l := range lines {
		f := "lines[" + strconv.Itoa(i) + "]"
		if l.Quantity <= 0 || l.Quantity > MaxPackUnits*100 {
			bad("invalid_quantity", f+".quantity", "quantity must be a whole number from 1 to %d", MaxPackUnits*100)
			continue
		}
		if l.WeightG < 0 || l.WeightG > maxChargeableG || l.LengthMM < 0 || l.WidthMM < 0 || l.HeightMM < 0 ||
			l.LengthMM > maxDimMM || l.WidthMM > maxDimMM || l.HeightMM > maxDimMM {
			bad("invalid_dimension", f, "weight_g must be 0 to %d and each side 0 to %d mm", maxChargeableG, maxDimMM)
			continue
		}
		if l.UnitPrice.Amount < 0 || l.UnitPrice.Amount > maxAmount {
			bad("invalid_amount", f+".unit_price.amount", "the unit price must be 0 to %d minor units", int64(maxAmount))
			continue
		}
		if c := l.UnitPrice.Currency; declaredOK && (c == "" || strings.EqualFold(c, req.Currency)) {
			if req.Declared, declaredOK = mulAddWithin(req.Declared, l.UnitPrice.Amount, l.Quantity, maxAmount); !declaredOK {
				bad("invalid_amount", "lines", "the declared value of the lines (unit price × quantity, summed) passes %d minor units at %s; "+
					"insurance and customs cannot take more", int64(maxAmount), f)
			}
		}
		weightG, _ = mulAddWithin(weightG, l.WeightG, l.Quantity, maxChargeableG)
		if l.WeightG == 0 {
			noWeight = append(noWeight, f+".weight_g")
		}
		units += l.Quantity
		if l.LengthMM == 0 || l.WidthMM == 0 || l.HeightMM == 0 {
			dimsKnown = false
			if len(qr.Boxes) > 0 {
				bad("missing_field", f+".length_mm", "to choose a box every line needs length_mm, width_mm and height_mm")
			}
		}
		items = append(items, Item{LengthMM: l.LengthMM, WidthMM: l.WidthMM, HeightMM: l.HeightMM, WeightG: l.WeightG, Quantity: l.Quantity})
	}
	// linesWeight checks the lines' weight where the parcel's is theirs (no package given).
	linesWeight := func() {
		switch {
		case len(o.Lines) > MaxQuoteLines: // refused above; their weight was not summed
		case len(noWeight) > 0:
			bad("weight_unknown", "package.weight_g", "%s: the parcel's weight is the lines' sum; give weight_g on every line, or package.weight_g",
				missingList(noWeight))
		case weightG == 0:
			bad("weight_unknown", "package.weight_g", "no line can be weighed; give package.weight_g, or valid lines with weight_g")
		case weightG > maxChargeableG:
			bad("invalid_weight", "lines", "the lines weigh more than %d g (weight_g × quantity, summed), more than any card prices; "+
				"give package.weight_g of the parcel as packed, or split the order", int64(maxChargeableG))
		}
	}
	if o.COD != nil && o.COD.Amount != 0 {
		switch c := strings.ToUpper(strings.TrimSpace(o.COD.Currency)); {
		case o.COD.Amount < 0 || o.COD.Amount > maxAmount:
			bad("invalid_amount", "cod.amount", "the COD amount must be 0 to %d minor units", int64(maxAmount))
		case c != "" && c != req.Currency:
			bad("currency_mismatch", "cod.currency", "the COD amount must be in the order's currency %s", req.Currency)
		default:
			req.COD = o.COD.Amount
		}
	}

	src := "lines"
	var boxes []Box
	switch {
	case qr.Package != nil && len(qr.Boxes) > 0:
		bad("conflicting_fields", "boxes", "give package (the parcel as packed) or boxes (to choose one), not both")
	case qr.Package != nil:
		pk := qr.Package
		src = "package"
		req.Parcel = Parcel{WeightG: pk.WeightG, LengthMM: pk.LengthMM, WidthMM: pk.WidthMM, HeightMM: pk.HeightMM}
		if pk.WeightG <= 0 || pk.WeightG > maxChargeableG {
			bad("invalid_weight", "package.weight_g", "package.weight_g must be 1 to %d grams", maxChargeableG)
		}
		for _, d := range []struct {
			name string
			v    int64
		}{{"length_mm", pk.LengthMM}, {"width_mm", pk.WidthMM}, {"height_mm", pk.HeightMM}} {
			if d.v < 0 || d.v > maxDimMM {
				bad("invalid_dimension", "package."+d.name, "package.%s must be 0 (unknown) to %d mm", d.name, maxDimMM)
			}
		}
	case len(qr.Boxes) > 0:
		if len(qr.Boxes) > maxBoxes {
			bad("too_many", "boxes", "at most %d boxes", maxBoxes)
		}
		if units > MaxPackUnits {
			bad("too_many", "lines", "a box is chosen for at most %d units, the order has %d", MaxPackUnits, units)
		}
		linesWeight()
		for i, b := range qr.Boxes {
			f := "boxes[" + strconv.Itoa(i) + "]"
			if b.ID == "" {
				bad("missing_field", f+".id", "every box needs an id")
			}
			if b.LengthMM <= 0 || b.WidthMM <= 0 || b.HeightMM <= 0 || b.LengthMM > maxDimMM || b.WidthMM > maxDimMM ||
				b.HeightMM > maxDimMM || b.WallMM < 0 || b.WallMM > 1000 || b.TareG < 0 || b.TareG > maxChargeableG {
				bad("invalid_dimension", f, "inner sides 1 to %d mm, wall_mm 0 to 1000, tare_g 0 to %d", maxDimMM, maxChargeableG)
			}
			if b.Cost.Amount < 0 || b.Cost.Amount > maxAmount {
				bad("invalid_amount", f+".cost.amount", "the box cost must be 0 to %d minor units", int64(maxAmount))
			}
			if c := strings.ToUpper(b.Cost.Currency); c != "" && c != req.Currency {
				bad("currency_mismatch", f+".cost.currency", "the box cost must be in the order's currency %s", req.Currency)
			}
			b.Cost.Currency = strings.ToUpper(b.Cost.Currency)
			boxes = append(boxes, b)
		}
	default:
		req.Parcel = stackLines(items, weightG, dimsKnown)
		linesWeight()
	}

	seen := map[string]bool{}
	if len(qr.Options) > maxOptions {
		bad("too_many", "options", "at most %d options", maxOptions)
	}
	for i, name := range qr.Options {
		f := "options[" + strconv.Itoa(i) + "]"
		switch {
		case name == "cod":
			bad("invalid_option", f, "cod follows from the order's cod amount; do not list it as an option")
		case !identRe.MatchString(name):
			bad("invalid_option", f, "%q is not an option name such as priority or signature", name)
		case seen[name]:
			bad("invalid_option", f, "%q is listed twice", name)
		}
		seen[name] = true
	}
	req.Options = slices.Clone(qr.Options)
	for carrier, n := range qr.MonthlyParcels {
		if n < 0 {
			bad("invalid_count", "monthly_parcels."+carrier, "a parcel count cannot be negative")
		}
	}
	marketHandover(cm, &req.Handover)
	if h := qr.Handover; h != nil {
		handover(h, &req.Handover, bad)
	}
	if len(p) > 0 {
		return nil, &model.ValidationError{Problems: p}
	}
	return &Prepared{Request: req, Items: items, Boxes: boxes, Source: src}, nil
}

// missingList names up to three missing fields and counts the rest.
func missingList(fields []string) string {
	const shown = 3
	if len(fields) <= shown {
		return strings.Join(fields, ", ") + " missing"
	}
	return fmt.Sprintf("%s and %d more missing", strings.Join(fields[:shown], ", "), len(fields)-shown)
}

// stackLines is the parcel of the lines without a box: their weight, and when every line has
// dimensions, the units laid flat on one another (longest side and middle side the largest
// of any unit, heights added).
func stackLines(items []Item, weightG int64, dimsKnown bool) Parcel {
	p := Parcel{WeightG: weightG}
	if !dimsKnown {
		return p
	}
	for _, it := range items {
		d := [3]int64{it.LengthMM, it.WidthMM, it.HeightMM}
		sort3(&d)
		p.LengthMM = max(p.LengthMM, d[0])
		p.WidthMM = max(p.WidthMM, d[1])
		p.HeightMM += d[2] * it.Quantity
	}
	p.HeightMM = min(p.HeightMM, maxDimMM+1)
	return p
}

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

func handover(h *HandoverSpec, out *Handover, bad func(code, field, format string, args ...any)) {
	if h.CutOff != "" {
		d, err := ParseCutOff(h.CutOff)
		if err != nil {
			bad("invalid_time", "handover.cut_off", "%v", err)
		}
		out.CutOff = d
	}
	if h.TimeZone != "" {
		loc, err := loadLocation(h.TimeZone)
		if err != nil {
			bad("invalid_time_zone", "handover.time_zone", "%v", err)
		}
		out.Location = loc
	}
	if h.Origin != "" {
		c, why := normCountry(h.Origin)
		if why != "" {
			bad("invalid_country", "handover.origin", "%s", why)
		}
		out.Origin = c
	}
	if h.Closed != nil {
		out.Closed = [7]bool{} // the warehouse's own days replace the market's
	}
	for i, day := range h.Closed {
		wd, ok := weekdays[strings.ToLower(strings.TrimSpace(day))]
		if !ok {
			bad("invalid_weekday", "handover.closed["+strconv.Itoa(i)+"]", "%q: want mon, tue, wed, thu, fri, sat or sun", day)
			continue
		}
		out.Closed[wd] = true
	}
	if out.Closed == [7]bool{true, true, true, true, true, true, true} {
		bad("invalid_weekday", "handover.closed", "the warehouse must be open at least one day a week")
	}
}

// marketHandover starts the hand-over from the market's configured cut-off and working days
// (config.Market.CutOff, WorkingDays): the figures allocation uses for a warehouse that sets
// none, so that a quote and an allocation pick the same hand-over day. A market without them
// (built by hand) keeps the engine's defaults.
func marketHandover(m config.Market, out *Handover) {
	if cut, err := config.ParseClock(m.CutOff); err == nil {
		out.CutOff = time.Duration(cut) * time.Minute
	}
	if m.WorkingDays != 0 {
		for d := range out.Closed {
			out.Closed[d] = !m.WorkingDays.Has(time.Weekday(d))
		}
	}
}

// ParseCutOff reads a local time of day "HH:MM" (24-hour) as the duration since midnight.
func ParseCutOff(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, errors.New("cut-off " + strconv.Quote(s) + ": want a 24-hour time such as 15:00")
	}
	d := time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute
	if d == 0 {
		return 0, errors.New("cut-off 00:00 would hand nothing over the same day; use 23:59 for the latest")
	}
	return d, nil
}
