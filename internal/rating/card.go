package rating

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
)

// Card is one version of one carrier service's rate card, as loaded from YAML (see
// docs/ratecards.md) and prepared for rating: amounts in minor units, rates in micro-minor
// units and parts per million, brackets as sorted gram limits. A Card is immutable once loaded
// and shared between goroutines: do not modify it.
type Card struct {
	// File and Line are where the card's document starts, for messages.
	File string
	Line int
	// Carrier and Service identify the service (jt-us/standard); names are for display.
	Carrier, CarrierName string
	Service, ServiceName string
	// Version names this version; the default is its effective_from date.
	Version string
	// Illustrative marks a card whose figures are examples, not a carrier's published prices.
	Illustrative bool
	// Sources are the rule ids or documents the card's figures come from.
	Sources []string
	// EffectiveFrom and EffectiveUntil bound the ship dates the version prices, both
	// inclusive; EffectiveUntil is open-ended when the card gives none.
	EffectiveFrom, EffectiveUntil Date
	// Origin is the ship-from country, "" for any.
	Origin string
	// Markets are the destination markets served; Certified those where the carrier is
	// platform-certified (R-SHIP-3).
	Markets, Certified []string
	// Currency is the ISO 4217 code of every amount on the card.
	Currency string

	scale      int   // minor-unit digits of Currency
	divisor    int64 // volumetric divisor in cm³/kg; 0: no volumetric weight (R-RATE-2)
	minG, maxG int64 // minimum billable weight (R-RATE-6); maximum actual weight, 0: none
	maxDims    [3]int64
	maxGirth   int64 // length + girth (2 × (width + height)), mm; 0: none
	business   bool  // transit days are carrier working days
	calendar   *workCalendar
	zones      []zone
	fuel       []fuelStep
	remote     remoteRule
	fees       []namedAmount
	options    []option
	codOption  int // index of the "cod" option, -1 if none (R-MKT-2)
	rebates    []rebateTier
	subsidies  []subsidy
}

// zone is a set of destinations priced alike.
type zone struct {
	name       string
	country    string
	match      destMatch
	transitMin int
	transitMax int
	bracketG   []int64 // upper limits in grams, strictly increasing
	price      []int64 // price of each bracket, minor units
	stepG      int64   // above the last bracket: every started stepG grams costs stepPrice
	stepPrice  int64   // 0 with stepG 0: nothing above the last bracket is priced
}

// destMatch matches a destination's region and postal code; empty lists match everything.
type destMatch struct {
	regions  []string
	prefixes []string
	ranges   []postalRange
}

// postalRange is an inclusive range of postal codes of one length, compared as strings
// against the code's first len(from) characters: 99500–99999 for Alaska.
type postalRange struct{ from, to string }

// fuelStep is the fuel surcharge in force from a date until the next step.
type fuelStep struct {
	from    Date
	perKg   int64 // micro-minor units per kg of chargeable weight, pro rata to the gram
	percent int64 // ppm of the base rate
}

// remoteRule is the remote-area surcharge (R-RATE-3).
type remoteRule struct {
	amount      int64
	addressFlag bool // use the address package's remote-area list
	match       destMatch
	set         bool
}

type namedAmount struct {
	name   string
	amount int64
}

// Kinds of option price.
const (
	optAmount   = iota // a fixed amount
	optDeclared        // a percentage of the declared value (insurance)
	optCOD             // a percentage of the COD amount (R-MKT-2)
)

type option struct {
	name    string
	kind    int
	amount  int64 // optAmount
	percent int64 // ppm, optDeclared and optCOD
	min     int64
}

// rebateTier: above parcels a month with the carrier, percent of the base rate back (R-RATE-4).
type rebateTier struct {
	above   int64
	percent int64
}

// subsidy is a platform shipping subsidy (R-RATE-5): the seller pays a fixed price, or an
// amount less, when its conditions hold.
type subsidy struct {
	name       string
	fixedPrice int64
	fixed      bool
	amountOff  int64
	minParcels int64
	maxG       int64
	markets    []string
	from       Date
	until      Date
}

// Cards is a set of loaded rate cards, grouped into services (carrier and service), each with
// its versions in date order. It is immutable and safe for concurrent use.
type Cards struct {
	services []serviceCards
}

type serviceCards struct {
	carrier, service string
	versions         []*Card // by EffectiveFrom, not overlapping
}

// NewCards groups card versions into services, sorted by carrier then service, and checks
// that two versions of one service are never in force on the same day.
func NewCards(cards []*Card) (*Cards, error) {
	sorted := slices.Clone(cards)
	slices.SortStableFunc(sorted, func(a, b *Card) int {
		return cmp.Or(cmp.Compare(a.Carrier, b.Carrier), cmp.Compare(a.Service, b.Service),
			cmp.Compare(a.EffectiveFrom, b.EffectiveFrom))
	})
	var errs []error
	c := &Cards{}
	for _, card := range sorted {
		n := len(c.services)
		if n == 0 || c.services[n-1].carrier != card.Carrier || c.services[n-1].service != card.Service {
			c.services = append(c.services, serviceCards{carrier: card.Carrier, service: card.Service})
			n++
		}
		s := &c.services[n-1]
		if k := len(s.versions); k > 0 {
			prev := s.versions[k-1]
			if prev.EffectiveUntil >= card.EffectiveFrom {
				errs = append(errs, &CardError{File: card.File, Line: card.Line, Field: "effective_from",
					Msg: fmt.Sprintf("%s/%s version %s (from %s) overlaps version %s of %s:%d, in force until %s; end that one the day before",
						card.Carrier, card.Service, card.Version, card.EffectiveFrom, prev.Version, prev.File, prev.Line, prev.EffectiveUntil)})
				continue
			}
		}
		s.versions = append(s.versions, card)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// Len is the number of services.
func (c *Cards) Len() int { return len(c.services) }

// Versions returns every card version, by carrier, service and date.
func (c *Cards) Versions() []*Card {
	var out []*Card
	for _, s := range c.services {
		out = append(out, s.versions...)
	}
	return out
}

// inForce is the version of s that prices ship date d, or nil.
func (s *serviceCards) inForce(d Date) *Card {
	for i := len(s.versions) - 1; i >= 0; i-- {
		if v := s.versions[i]; v.EffectiveFrom <= d {
			if d <= v.EffectiveUntil {
				return v
			}
			return nil
		}
	}
	return nil
}
