// Package ratecard prices parcels for a carrier from its rate cards (internal/rating), and is
// the carrier adapter "ratecard": a carrier account known only by its cards, that can rate
// and do nothing else (every other call wraps carrier.ErrUnsupported).
//
// Pricer is also what the simulated carrier network (internal/carrier/sim) charges with, so a
// label bought from the sim costs exactly what rating quotes from the same cards for the same
// parcel, destination, hand-over day, COD amount and options. Volume rebates (R-RATE-4) are
// never in a carrier's price: carriers pay them back on the monthly invoice, so a quote that
// counts the shop's monthly parcels is lower than the label's charge by the rebate line.
package ratecard

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/model"
	"lastmile/internal/rating"
)

// Pricer prices parcels with one carrier's cards. It is immutable and safe for concurrent use.
type Pricer struct {
	code, name string
	cards      *rating.Cards
	services   []carrier.Service
}

// NewPricer returns the pricer of carrier code from cards; a carrier without a card is an
// error naming the carriers that have one.
func NewPricer(cards *rating.Cards, code string) (*Pricer, error) {
	var mine []*rating.Card
	known := map[string]bool{}
	for _, c := range cards.Versions() {
		known[c.Carrier] = true
		if c.Carrier == code {
			mine = append(mine, c)
		}
	}
	if len(mine) == 0 {
		names := make([]string, 0, len(known))
		for k := range known {
			names = append(names, k)
		}
		slices.Sort(names)
		return nil, fmt.Errorf("no rate card for carrier %q; the cards have %s", code, strings.Join(names, ", "))
	}
	own, err := rating.NewCards(mine)
	if err != nil {
		return nil, err
	}
	p := &Pricer{code: code, cards: own}
	// Versions are by service, then date: the last version of a service describes it.
	for i, c := range mine {
		if p.name == "" || c.CarrierName != "" {
			p.name = cmpOr(c.CarrierName, code)
		}
		if i+1 < len(mine) && mine[i+1].Service == c.Service {
			continue
		}
		p.services = append(p.services, describe(c))
	}
	return p, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// describe is the service a card version describes.
func describe(c *rating.Card) carrier.Service {
	mn, mx, business := c.TransitDays()
	var opts []string
	for _, o := range c.OptionNames() {
		if o != "cod" {
			opts = append(opts, o)
		}
	}
	return carrier.Service{
		Code: c.Service, Name: cmpOr(c.ServiceName, c.Service), Markets: slices.Clone(c.Markets),
		TransitDaysMin: mn, TransitDaysMax: mx, BusinessDays: business, COD: c.TakesCOD(), Options: opts,
	}
}

// Code is the carrier's code; Name its display name from the cards.
func (p *Pricer) Code() string { return p.code }

// Name is the carrier's display name from its cards.
func (p *Pricer) Name() string { return p.name }

// Services describes the carrier's services from the latest version of each card.
func (p *Pricer) Services() []carrier.Service {
	out := make([]carrier.Service, len(p.services))
	for i, s := range p.services {
		s.Markets = slices.Clone(s.Markets)
		s.Options = slices.Clone(s.Options)
		out[i] = s
	}
	return out
}

// reasonFields are the request fields each rating reason is about. Certification, the order's
// currency and the delivery promise are the platform's and the shop's business, not the
// carrier's: a carrier prices a parcel whatever they are, so they are not reasons here.
var reasonFields = map[rating.Reason]string{
	rating.ReasonNoCard:      "ship_date",
	rating.ReasonMarket:      "to.country",
	rating.ReasonOrigin:      "from.country",
	rating.ReasonDestination: "to.postal_code",
	rating.ReasonCOD:         "cod",
	rating.ReasonOption:      "options",
	rating.ReasonOverweight:  "parcel.weight_g",
	rating.ReasonOversize:    "parcel",
}

// reasonFixes say how to fix each reason.
var reasonFixes = map[rating.Reason]string{
	rating.ReasonNoCard:      "ship on a day the carrier has prices for",
	rating.ReasonMarket:      "choose a carrier that serves the market",
	rating.ReasonOrigin:      "ship from a warehouse in the carrier's country",
	rating.ReasonDestination: "check the address, or choose a carrier that delivers there",
	rating.ReasonCOD:         "ship it prepaid, or choose a service that collects cash on delivery (R-MKT-2)",
	rating.ReasonOption:      "drop the option, or choose a service that offers it",
	rating.ReasonOverweight:  "split the order into lighter packages, or choose a service for heavier parcels",
	rating.ReasonOversize:    "pack it in a smaller box, or choose a service for larger parcels",
}

// Rate prices req with every service (or those of req.Services) that takes the parcel, in
// service order. When none does, the error is a Refused *carrier.Error naming the first
// service's first reason. today is the carrier's clock, for a request without a ShipDate.
func (p *Pricer) Rate(req carrier.RateRequest, today time.Time) ([]carrier.Rate, error) {
	for _, s := range req.Services {
		if !slices.ContainsFunc(p.services, func(x carrier.Service) bool { return x.Code == s }) {
			return nil, p.refuse("rate", "service_unknown", "services", fmt.Sprintf("%s has no service %q (it offers %s)", p.code, s, p.serviceCodes()))
		}
	}
	rr, res, err := p.rate(req, today, "rate")
	if err != nil {
		return nil, err
	}
	var out []carrier.Rate
	var firstErr error
	for i := range res.Quotes {
		q := &res.Quotes[i]
		if len(req.Services) > 0 && !slices.Contains(req.Services, q.Service) {
			continue
		}
		if err := p.check(rr, res, q, "rate"); err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		out = append(out, p.toRate(q))
	}
	if len(out) == 0 {
		if firstErr == nil {
			firstErr = p.refuse("rate", "no_service", "services", "no service to price")
		}
		return nil, firstErr
	}
	return out, nil
}

// Price is the price of one service for req, or a Refused *carrier.Error naming the field
// that keeps the service from taking the parcel. op names the call in errors ("purchase").
func (p *Pricer) Price(service string, req carrier.RateRequest, today time.Time, op string) (carrier.Rate, error) {
	rr, res, err := p.rate(req, today, op)
	if err != nil {
		return carrier.Rate{}, err
	}
	for i := range res.Quotes {
		q := &res.Quotes[i]
		if q.Service != service {
			continue
		}
		if err := p.check(rr, res, q, op); err != nil {
			return carrier.Rate{}, err
		}
		return p.toRate(q), nil
	}
	return carrier.Rate{}, p.refuse(op, "service_unknown", "service", fmt.Sprintf("%s has no service %q (it offers %s)", p.code, service, p.serviceCodes()))
}

func (p *Pricer) serviceCodes() string {
	codes := make([]string, len(p.services))
	for i, s := range p.services {
		codes[i] = s.Code
	}
	return strings.Join(codes, ", ")
}

func (p *Pricer) refuse(op, code, field, msg string) *carrier.Error {
	return carrier.Refusal(p.code, op, code, field, msg)
}

// promiseDays is a promise no parcel misses: the carrier prices without one.
const promiseDays = 36500

// rate runs rating over the carrier's cards for req.
func (p *Pricer) rate(req carrier.RateRequest, today time.Time, op string) (*rating.Request, *rating.Result, error) {
	market := req.Market
	if market == "" {
		market = req.To.Country
	}
	mk := string(model.NormalizeMarket(market))
	if mk == "" {
		return nil, nil, p.refuse(op, "missing_field", "to.country", "the destination country is required (ISO 3166-1 alpha-2, e.g. US)")
	}
	day := req.ShipDate
	if day.IsZero() {
		day = today
	}
	y, m, d := day.Date()
	start := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	currency := p.currency()
	var problems []error
	money := func(field string, v model.Money) int64 {
		if v.Amount < 0 {
			problems = append(problems, p.refuse(op, "amount_negative", field+".amount", "an amount cannot be negative"))
			return 0
		}
		if v.Amount > 0 && v.Currency != currency {
			problems = append(problems, p.refuse(op, "currency_mismatch", field+".currency",
				fmt.Sprintf("%s charges in %s, the amount is in %q; give it in %s", p.code, currency, v.Currency, currency)))
		}
		return v.Amount
	}
	cod := money("cod", req.COD)
	declared := money("declared", req.Declared)
	pw := req.Parcel
	if pw.WeightG <= 0 {
		problems = append(problems, p.refuse(op, "missing_field", "parcel.weight_g", "the parcel's weight in grams is required"))
	}
	if pw.LengthMM < 0 || pw.WidthMM < 0 || pw.HeightMM < 0 {
		problems = append(problems, p.refuse(op, "dimension_negative", "parcel", "dimensions cannot be negative"))
	}
	if len(problems) > 0 {
		return nil, nil, problems[0]
	}
	rr := &rating.Request{
		Market:   rating.Market{Code: mk, Currency: currency, PromiseDays: promiseDays, CODAllowed: true},
		Dest:     rating.NewDestination(req.To),
		Parcel:   rating.Parcel{WeightG: pw.WeightG, LengthMM: pw.LengthMM, WidthMM: pw.WidthMM, HeightMM: pw.HeightMM},
		Handover: rating.Handover{Location: time.UTC, Origin: string(model.NormalizeMarket(req.From.Country))},
		PaidAt:   start,
		Now:      start,
		Currency: currency,
		Declared: declared,
		COD:      cod,
		Options:  req.Options,
	}
	res := &rating.Result{}
	p.cards.Rate(rr, res)
	return rr, res, nil
}

// currency is the currency of the carrier's cards (the first card's, when they differ).
func (p *Pricer) currency() string {
	for _, c := range p.cards.Versions() {
		return c.Currency
	}
	return ""
}

// check returns the refusal of a quote, or nil when the carrier takes the parcel.
func (p *Pricer) check(rr *rating.Request, res *rating.Result, q *rating.Quote, op string) error {
	for _, r := range q.Reasons.List() {
		field, ok := reasonFields[r]
		if !ok {
			continue
		}
		msg := res.Message(q, rr, r) + "; " + reasonFixes[r]
		return p.refuse(op, r.Code(), field, q.Service+": "+msg)
	}
	if !q.Priced {
		return p.refuse(op, "not_priced", "parcel", q.Service+": the card does not price this parcel")
	}
	return nil
}

func (p *Pricer) toRate(q *rating.Quote) carrier.Rate {
	r := carrier.Rate{
		Service: q.Service, ServiceName: q.Service, Total: model.Money{Amount: q.Total, Currency: q.Currency},
		ChargeableWeightG: q.ChargeableG, TransitDaysMin: q.TransitMin, TransitDaysMax: q.TransitMax,
		Lines: make([]carrier.ChargeLine, len(q.Lines)),
	}
	if q.Card != nil {
		r.ServiceName = cmpOr(q.Card.ServiceName, q.Service)
		_, _, r.BusinessDays = q.Card.TransitDays()
	}
	for i, l := range q.Lines {
		r.Lines[i] = carrier.ChargeLine{Kind: carrier.ChargeKind(l.Kind.String()), Name: l.Name, Amount: l.Amount}
	}
	return r
}
