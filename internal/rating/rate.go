package rating

import (
	"slices"
	"time"
)

// DefaultCutOff is the hand-over cut-off of a Request whose Handover gives none: the
// configuration's default (config.DefaultCutOff, noon), the same figure allocation uses, so that
// a quote and an allocation pick the same hand-over day. NewRequest fills the market's own.
const DefaultCutOff = 12 * time.Hour // TestDefaultCutOffIsTheConfigs holds it to config.DefaultCutOff

// Market is what rating needs to know of the destination market; MarketFromConfig builds it
// from config.Market.
type Market struct {
	// Code is the ISO 3166-1 alpha-2 code (GB, not UK).
	Code string
	// Currency is the ISO 4217 code the market pays in.
	Currency string
	// PromiseDays is the delivery promise in calendar days from payment, weekends included
	// (R-SLA-1).
	PromiseDays int
	// Location is the market's time zone: the promise counts days there. Nil is UTC.
	Location *time.Location
	// CODAllowed: cash on delivery is offered in the market (R-MKT-2).
	CODAllowed bool
	// CertifiedOnly: only carriers certified for the market may be used (R-SHIP-3).
	CertifiedOnly bool
	// Carriers, when not empty, are the only carriers the shop ships with (its carriers
	// setting, R-SHIP-3); a service of another carrier is not eligible (carrier_disabled).
	Carriers []string
}

// Destination is the part of the shipping address that rating matches zones and remote areas
// on, normalised by NewDestination.
type Destination struct {
	Country string // ISO 3166-1 alpha-2
	Region  string // region code, upper case (AK, 10)
	Postal  string // upper case, without spaces, hyphens and dots
	Remote  bool   // the address package's remote-area flag (R-RATE-3)
}

// Parcel is what is handed to the carrier: actual weight and outer dimensions. A zero
// dimension means the size is unknown: no volumetric weight and no size check.
type Parcel struct {
	WeightG                     int64
	LengthMM, WidthMM, HeightMM int64
}

// Handover is when and where the warehouse hands parcels to the carriers. The warehouse model
// comes later; the zero value is the default: the market's time zone, cut-off DefaultCutOff,
// open every day. NewRequest starts from the market's configured cut-off and working days
// (config.Market.CutOff, WorkingDays), as allocation does for a warehouse that sets none.
type Handover struct {
	// CutOff is the local time of day after which a parcel is handed over the next working
	// day; zero means DefaultCutOff.
	CutOff time.Duration
	// Location is the warehouse's time zone; nil means the market's.
	Location *time.Location
	// Closed marks the weekdays the warehouse does not hand over, by time.Weekday.
	Closed [7]bool
	// Origin is the warehouse's country; "" ships from anywhere (no card is excluded for its
	// origin).
	Origin string
}

// Request is one order to rate. Build it with NewRequest, or fill it directly. The engine
// reads it and never keeps or modifies it.
type Request struct {
	Market   Market
	Dest     Destination
	Parcel   Parcel
	Handover Handover
	// PaidAt starts the delivery promise (R-SLA-1); zero for an unpaid order, whose promise
	// then starts at Now.
	PaidAt time.Time
	// Now is the clock: a parcel is handed over at the first cut-off after max(PaidAt, Now),
	// and the card version and fuel step in force on that day price it.
	Now time.Time
	// Currency is the order's; a card in another currency is not compared (no conversion).
	Currency string
	// Declared is the declared value of the goods, for insurance, in minor units of Currency.
	Declared int64
	// COD is the amount to collect on delivery in minor units, 0 for a prepaid order (R-MKT-2).
	COD int64
	// Options are the options asked for (priority, signature, insurance); the cod option
	// follows from COD.
	Options []string
	// MonthlyParcels is the shop's parcel count this month per carrier, for volume rebates
	// (R-RATE-4) and subsidy conditions (R-RATE-5).
	MonthlyParcels map[string]int64
}

// Result is what Rate writes: one quote per service, in the order of the cards (carrier,
// then service). Reuse one Result across calls: its slices keep their capacity, so rating
// allocates nothing once they have grown.
type Result struct {
	Quotes []Quote
	// Selected is the index of the quote Select chose, -1 for none.
	Selected int
	// Handover is the day the parcel is handed to the carrier; Deadline the last day of the
	// delivery promise (R-SLA-1), in the market's time zone.
	Handover, Deadline Date
}

// Quote is one service's price and eligibility for one order.
type Quote struct {
	// Card is the version that priced the quote, nil when none is in force on the hand-over
	// day.
	Card             *Card
	Carrier, Service string
	// Eligible is true when there is no reason against the service.
	Eligible bool
	// Priced is true when the card prices the parcel (a zone matched and the weight is within
	// the brackets); Total and Lines are then set, even for an ineligible service.
	Priced   bool
	Currency string
	// Total is the sum of Lines in minor units of Currency.
	Total int64
	// Weights in grams: actual, volumetric (L×W×H / divisor, rounded up to the gram), and
	// chargeable = max(actual, volumetric, the card's minimum) (R-RATE-2, R-RATE-6).
	ActualG, VolumetricG, ChargeableG int64
	// Lines is the breakdown, each line rounded half-up to the minor unit (R-RATE-1).
	Lines []Line
	// Zone is the name of the zone that priced the parcel.
	Zone string
	// TransitMin and TransitMax are the zone's transit days (calendar or carrier working days,
	// as the card says); EarliestDelivery and DeliveryBy the dates they give from hand-over.
	TransitMin, TransitMax       int
	EarliestDelivery, DeliveryBy Date
	// MeetsPromise: DeliveryBy is on or before the promise deadline (R-SLA-1).
	MeetsPromise bool
	// Reasons the service is not eligible.
	Reasons Reasons
}

// LineKind is the kind of a breakdown line.
type LineKind uint8

// The kinds of breakdown line, in the order they appear (R-RATE-1).
const (
	LineBase    LineKind = iota // the bracket price of the chargeable weight
	LineFuel                    // fuel surcharge in force on the hand-over day
	LineRemote                  // remote-area surcharge (R-RATE-3)
	LineFee                     // a per-parcel fee, e.g. tracking (R-RATE-3)
	LineOption                  // an option asked for, or cod
	LineRebate                  // volume rebate, negative (R-RATE-4)
	LineSubsidy                 // platform subsidy, negative (R-RATE-5)
)

var lineKindNames = [...]string{"base", "fuel", "remote_area", "fee", "option", "rebate", "subsidy"}

func (k LineKind) String() string {
	if int(k) < len(lineKindNames) {
		return lineKindNames[k]
	}
	return "unknown"
}

// MarshalText writes the kind's name.
func (k LineKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Line is one line of a quote's breakdown.
type Line struct {
	Kind LineKind
	// Name names the fee, option or subsidy; empty for the other kinds.
	Name   string
	Amount int64
}

// Rate quotes req against every service into res. It does no I/O, reads no clock and, once
// res has grown to the number of services and their breakdowns, allocates nothing.
func (c *Cards) Rate(req *Request, res *Result) {
	n := len(c.services)
	if cap(res.Quotes) < n {
		res.Quotes = slices.Grow(res.Quotes[:0], n)
	}
	res.Quotes = res.Quotes[:n]
	res.Selected = -1
	res.Handover, res.Deadline = req.schedule()
	for i := range c.services {
		c.services[i].rate(req, res, &res.Quotes[i])
	}
}

// schedule is the hand-over day and the promise deadline. The deadline is the paid day in the
// market's zone plus the promise days, weekends included (R-SLA-1). Hand-over is the day of
// max(PaidAt, Now) in the warehouse's zone, the next day at or after the cut-off, then the
// next day the warehouse is open.
func (r *Request) schedule() (handover, deadline Date) {
	loc := r.Market.Location
	if loc == nil {
		loc = time.UTC
	}
	start := r.PaidAt
	if start.IsZero() {
		start = r.Now
	}
	deadline = DateOf(start.In(loc)) + Date(r.Market.PromiseDays)

	ref := r.Now
	if ref.Before(start) {
		ref = start
	}
	if r.Handover.Location != nil {
		loc = r.Handover.Location
	}
	lt := ref.In(loc)
	handover = DateOf(lt)
	cut := r.Handover.CutOff
	if cut <= 0 {
		cut = DefaultCutOff
	}
	h, m, s := lt.Clock()
	tod := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second + time.Duration(lt.Nanosecond())
	if tod >= cut {
		handover++
	}
	for i := 0; i < 7 && r.Handover.Closed[handover.Weekday()]; i++ {
		handover++
	}
	return handover, deadline
}

// maxDimMM bounds a parcel's side; a longer one is oversize for every card.
const maxDimMM = 100_000

func (s *serviceCards) rate(req *Request, res *Result, q *Quote) {
	*q = Quote{Carrier: s.carrier, Service: s.service, Lines: q.Lines[:0]}
	card := s.inForce(res.Handover)
	if card == nil {
		q.Reasons |= ReasonNoCard.bit()
		return
	}
	q.Card, q.Currency = card, card.Currency
	mk := req.Market.Code
	if !slices.Contains(card.Markets, mk) {
		q.Reasons |= ReasonMarket.bit() // the other checks would only repeat it
		return
	}
	if req.Handover.Origin != "" && card.Origin != "" && card.Origin != req.Handover.Origin {
		q.Reasons |= ReasonOrigin.bit()
	}
	if req.Market.CertifiedOnly && !slices.Contains(card.Certified, mk) {
		q.Reasons |= ReasonCertified.bit() // R-SHIP-3
	}
	if len(req.Market.Carriers) > 0 && !slices.Contains(req.Market.Carriers, s.carrier) {
		q.Reasons |= ReasonDisabled.bit() // the shop's carriers setting
	}
	if req.Currency != card.Currency {
		q.Reasons |= ReasonCurrency.bit()
	}
	if req.COD > 0 && (!req.Market.CODAllowed || card.codOption < 0) {
		q.Reasons |= ReasonCOD.bit() // R-MKT-2
	}
	for _, name := range req.Options {
		if card.option(name) < 0 {
			q.Reasons |= ReasonOption.bit()
			break
		}
	}

	// R-RATE-2, R-RATE-6: chargeable weight.
	p := &req.Parcel
	q.ActualG = p.WeightG
	dims := [3]int64{p.LengthMM, p.WidthMM, p.HeightMM}
	sort3(&dims)
	tooLong := dims[0] > maxDimMM
	if card.divisor > 0 && dims[2] > 0 {
		if tooLong {
			q.VolumetricG = maxChargeableG + 1
		} else {
			// mm³ / (cm³/kg) is grams: 1 cm³/kg = 1000 mm³ per 1000 g.
			q.VolumetricG = ceilDiv(dims[0]*dims[1]*dims[2], card.divisor)
		}
	}
	q.ChargeableG = max(q.ActualG, q.VolumetricG, card.minG)
	if card.maxG > 0 && q.ActualG > card.maxG || q.ChargeableG > maxChargeableG {
		q.Reasons |= ReasonOverweight.bit()
	}
	if tooLong || card.oversize(&dims) {
		q.Reasons |= ReasonOversize.bit()
	}

	z := card.zoneFor(&req.Dest)
	if z == nil {
		q.Reasons |= ReasonDestination.bit()
		return
	}
	q.Zone, q.TransitMin, q.TransitMax = z.name, z.transitMin, z.transitMax
	if card.business {
		q.EarliestDelivery = card.calendar.addWorkdays(res.Handover, z.transitMin)
		q.DeliveryBy = card.calendar.addWorkdays(res.Handover, z.transitMax)
	} else {
		q.EarliestDelivery = res.Handover + Date(z.transitMin)
		q.DeliveryBy = res.Handover + Date(z.transitMax)
	}
	q.MeetsPromise = q.DeliveryBy <= res.Deadline // R-SLA-1
	if !q.MeetsPromise {
		q.Reasons |= ReasonPromise.bit()
	}
	if q.ChargeableG <= maxChargeableG {
		card.price(req, res.Handover, z, q)
	}
	q.Eligible = q.Reasons == 0
}

// price writes the breakdown and total of a parcel the zone z carries (R-RATE-1).
func (c *Card) price(req *Request, day Date, z *zone, q *Quote) {
	base, ok := z.base(q.ChargeableG)
	if !ok {
		q.Reasons |= ReasonOverweight.bit() // beyond the last bracket, and nothing above it
		return
	}
	q.Priced = true
	add := func(k LineKind, name string, amount int64) {
		q.Lines = append(q.Lines, Line{Kind: k, Name: name, Amount: amount})
	}
	add(LineBase, "", base)
	shipping := base
	if f := c.fuelOn(day); f != nil {
		var fuel int64
		if f.perKg > 0 {
			// Pro rata to the gram: rate × grams / 1000, in micro-minor units, rounded once.
			fuel, _ = mulDivHalfUp(f.perKg, q.ChargeableG, gramsPerKg*microPerMinor)
		} else {
			fuel, _ = mulDivHalfUp(base, f.percent, 100*ppmPerPercent)
		}
		add(LineFuel, "", fuel)
		shipping += fuel
	}
	if c.remote.set && (c.remote.addressFlag && req.Dest.Remote || c.remote.match.selects(&req.Dest)) {
		add(LineRemote, "", c.remote.amount) // R-RATE-3
		shipping += c.remote.amount
	}
	for _, f := range c.fees {
		add(LineFee, f.name, f.amount)
		shipping += f.amount
	}
	var extras int64
	for _, name := range req.Options {
		if i := c.option(name); i >= 0 && i != c.codOption {
			v := c.options[i].price(req)
			add(LineOption, name, v)
			extras += v
		}
	}
	if req.COD > 0 && c.codOption >= 0 {
		v := c.options[c.codOption].price(req)
		add(LineOption, "cod", v)
		extras += v
	}
	parcels := req.MonthlyParcels[c.Carrier]
	if r := c.rebateFor(parcels); r != nil {
		v, _ := mulDivHalfUp(base, r.percent, 100*ppmPerPercent) // R-RATE-4
		add(LineRebate, "", -v)
		shipping -= v
	}
	// R-RATE-5: the subsidy applies to the shipping charges; options are paid on top.
	if s := c.subsidyFor(req.Market.Code, parcels, q.ChargeableG, day); s != nil {
		var off int64
		if s.fixed {
			off = max(0, shipping-s.fixedPrice)
		} else {
			off = min(s.amountOff, max(0, shipping))
		}
		if off > 0 {
			add(LineSubsidy, s.name, -off)
			shipping -= off
		}
	}
	q.Total = shipping + extras
}

func (o *option) price(req *Request) int64 {
	var v int64
	switch o.kind {
	case optAmount:
		v = o.amount
	case optDeclared:
		v, _ = mulDivHalfUp(max(0, req.Declared), o.percent, 100*ppmPerPercent)
	case optCOD:
		v, _ = mulDivHalfUp(max(0, req.COD), o.percent, 100*ppmPerPercent)
	}
	return max(v, o.min)
}

func (c *Card) option(name string) int {
	for i := range c.options {
		if c.options[i].name == name {
			return i
		}
	}
	return -1
}

// fuelOn is the fuel step in force on day, or nil before the first.
func (c *Card) fuelOn(day Date) *fuelStep {
	for i := len(c.fuel) - 1; i >= 0; i-- {
		if c.fuel[i].from <= day {
			return &c.fuel[i]
		}
	}
	return nil
}

// rebateFor is the highest tier whose threshold the monthly parcels exceed, or nil.
func (c *Card) rebateFor(parcels int64) *rebateTier {
	for i := len(c.rebates) - 1; i >= 0; i-- {
		if parcels > c.rebates[i].above {
			return &c.rebates[i]
		}
	}
	return nil
}

// subsidyFor is the first subsidy whose conditions hold, or nil.
func (c *Card) subsidyFor(market string, parcels, chargeableG int64, day Date) *subsidy {
	for i := range c.subsidies {
		s := &c.subsidies[i]
		if parcels >= s.minParcels && (s.maxG == 0 || chargeableG <= s.maxG) &&
			(len(s.markets) == 0 || slices.Contains(s.markets, market)) && s.from <= day && day <= s.until {
			return s
		}
	}
	return nil
}

// zoneFor is the first zone that takes the destination, or nil.
func (c *Card) zoneFor(d *Destination) *zone {
	for i := range c.zones {
		z := &c.zones[i]
		if z.country == d.Country && (z.match.empty() || z.match.selects(d)) {
			return z
		}
	}
	return nil
}

func (m *destMatch) empty() bool { return len(m.regions)+len(m.prefixes)+len(m.ranges) == 0 }

// selects reports whether the destination's region is listed or its postal code has one of
// the prefixes or falls in one of the ranges. An empty match selects nothing.
func (m *destMatch) selects(d *Destination) bool {
	if d.Region != "" && slices.Contains(m.regions, d.Region) {
		return true
	}
	pc := d.Postal
	for _, p := range m.prefixes {
		if len(pc) >= len(p) && pc[:len(p)] == p {
			return true
		}
	}
	for _, r := range m.ranges {
		if len(pc) >= len(r.from) {
			if head := pc[:len(r.from)]; r.from <= head && head <= r.to {
				return true
			}
		}
	}
	return false
}

// base is the bracket price of g grams; above the last bracket every started step costs the
// step price. ok is false beyond the last bracket of a zone without a step.
func (z *zone) base(g int64) (int64, bool) {
	i, _ := slices.BinarySearch(z.bracketG, g)
	if i < len(z.bracketG) {
		return z.price[i], true
	}
	if z.stepG == 0 {
		return 0, false
	}
	last := len(z.bracketG) - 1
	return z.price[last] + ceilDiv(g-z.bracketG[last], z.stepG)*z.stepPrice, true
}

// oversize reports whether sorted dims (longest first) exceed the card's limits.
func (c *Card) oversize(d *[3]int64) bool {
	for i, lim := range c.maxDims {
		if lim > 0 && d[i] > lim {
			return true
		}
	}
	return c.maxGirth > 0 && d[0]+2*(d[1]+d[2]) > c.maxGirth
}

// sort3 sorts three sides longest first.
func sort3(d *[3]int64) {
	if d[0] < d[1] {
		d[0], d[1] = d[1], d[0]
	}
	if d[1] < d[2] {
		d[1], d[2] = d[2], d[1]
	}
	if d[0] < d[1] {
		d[0], d[1] = d[1], d[0]
	}
}
