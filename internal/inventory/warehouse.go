// Package inventory is the pure core of warehouses and stock: the warehouse and transit-table
// types, the append-only stock ledger (Apply, Replay) that refuses to oversell (R-ORD-8), the
// allocation decision that picks the warehouse(s) for an order (Decide: R-MODE-5, R-MODE-6,
// R-SLA-1) and the safety-stock suggestion (R-INV-3).
//
// It does no I/O: the store loads warehouses and balances inside its transaction, calls Decide
// and Apply, and writes the movements they accept. Every function is deterministic for its
// inputs; time comes in as a value, never from the clock.
package inventory

import (
	"fmt"
	"strings"
	"time"

	"lastmile/internal/model"
)

// WarehouseType is how a warehouse fulfils (R-MODE-1).
type WarehouseType string

// The warehouse types of R-MODE-1.
const (
	TypeOverseas   WarehouseType = "overseas"    // stock pre-positioned in the destination market
	TypeDomesticCN WarehouseType = "domestic_cn" // in China: cross-border direct shipping
	TypeFBT        WarehouseType = "fbt"         // platform-managed (fulfilled by TikTok)
	TypeFBA        WarehouseType = "fba"         // FBA stock used as a seller's warehouse
)

// Valid reports whether t is one of the four types.
func (t WarehouseType) Valid() bool {
	switch t {
	case TypeOverseas, TypeDomesticCN, TypeFBT, TypeFBA:
		return true
	}
	return false
}

// Service is a carrier service a warehouse can hand parcels over to.
type Service struct {
	Carrier string `json:"carrier"`
	Service string `json:"service"`
}

// Warehouse is one place a shop's stock is kept and shipped from (R-MODE-6). Its JSON form is
// the API contract.
type Warehouse struct {
	// ID is lastmile's id for the warehouse ("wh_…"), unique across shops.
	ID string `json:"id"`
	// ShopID is the shop whose stock it keeps.
	ShopID string `json:"shop_id,omitempty"`
	// Code is the seller's own short name for it ("LAX1"), unique within the shop: stock files
	// and people name warehouses by code.
	Code string        `json:"code,omitempty"`
	Name string        `json:"name"`
	Type WarehouseType `json:"type"`
	// Market is the marketplace whose orders it serves when its transit table has no rule for the
	// destination. Empty: the country of Address.
	Market model.Market `json:"market,omitempty"`
	// Address is where the stock physically is. Its Country decides R-MODE-5: a US order ships
	// only from a warehouse whose address is in the US, whatever Market says.
	Address model.Address `json:"address"`
	// TimeZone is the IANA zone of the warehouse's clock: cut-off and working days count in it.
	TimeZone string `json:"time_zone"`
	// CutOff is the daily carrier hand-over cut-off, "HH:MM" local time: an order allocated
	// before it is handed over the same working day. Empty: Policy.DefaultCutOff.
	CutOff string `json:"cut_off,omitempty"`
	// WorkingDays are the days parcels are handed over: "mon" … "sun". Empty:
	// Policy.DefaultWorkingDays.
	WorkingDays []string `json:"working_days,omitempty"`
	// ShipFrom is the sender address printed on labels (R-LBL-3).
	ShipFrom model.Address `json:"ship_from"`
	// ReturnAddress is where returns go: a local address, not China (R-RET-3).
	ReturnAddress model.Address `json:"return_address"`
	// Services are the carrier services it can hand over to.
	Services []Service `json:"services,omitempty"`
	// Transit is the table of typical transit days to destinations. A destination no rule covers
	// (every destination, when the table is empty) is served only in the warehouse's own
	// market, with transit unknown.
	Transit []TransitRule `json:"transit,omitempty"`
	// CreatedAt and UpdatedAt are when the warehouse was stored and last changed.
	CreatedAt time.Time `json:"created_at,omitzero"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// TransitRule gives the typical transit days from a warehouse to a destination by one service.
// A rule covers a country, narrowed by a region code or a postal-prefix range; the most
// specific matching rule wins (postal range, then region, then country).
type TransitRule struct {
	// Country is the destination's ISO 3166-1 alpha-2 code ("UK" is read as GB).
	Country string `json:"country"`
	// Region narrows the rule to a state/province code, as in Address.Region (e.g. "CA", "AK").
	Region string `json:"region,omitempty"`
	// PostalFrom and PostalTo narrow the rule to postal codes whose first len(PostalFrom)
	// characters fall between them, inclusive ("900"–"961"). PostalTo empty: PostalFrom only.
	// Spaces and hyphens are ignored, letters compared in upper case.
	PostalFrom string `json:"postal_from,omitempty"`
	PostalTo   string `json:"postal_to,omitempty"`
	// Service names the carrier service the days are for.
	Service string `json:"service,omitempty"`
	// MinDays and MaxDays are typical calendar days from hand-over to delivery. Estimates use
	// MaxDays: the promise is checked against the slow end.
	MinDays int `json:"min_days"`
	MaxDays int `json:"max_days"`
}

// Validate reports every problem with w's configuration at once, as a *model.ValidationError
// (ErrInvalid). Save warehouses through it: Decide does not refuse a bad warehouse, it only
// rules it out with the reason invalid_warehouse.
func (w *Warehouse) Validate(p Policy) error {
	var ps []model.FieldError
	add := func(code, field, msg string) {
		ps = append(ps, model.FieldError{Code: code, Field: field, Message: msg})
	}
	if strings.TrimSpace(w.ID) == "" {
		add("missing_field", "id", "a warehouse needs an id")
	}
	if !w.Type.Valid() {
		add("invalid_value", "type", fmt.Sprintf("type %q: want overseas, domestic_cn, fbt or fba", w.Type))
	}
	if countryOf(w.Address) == "" {
		add("missing_field", "address.country", "the warehouse address needs a country: R-MODE-5 is decided by where the stock is")
	}
	if _, err := loadZone(w.TimeZone); err != nil {
		add("invalid_value", "time_zone", err.Error())
	}
	if w.CutOff != "" {
		if _, err := parseClock(w.CutOff); err != nil {
			add("invalid_value", "cut_off", err.Error())
		}
	}
	if len(w.WorkingDays) > 0 {
		if _, err := parseWorkingDays(w.WorkingDays); err != nil {
			add("invalid_value", "working_days", err.Error())
		}
	}
	for i, r := range w.Transit {
		f := fmt.Sprintf("transit[%d].", i)
		if len(strings.TrimSpace(r.Country)) != 2 {
			add("invalid_value", f+"country", fmt.Sprintf("country %q: want an ISO 3166-1 alpha-2 code", r.Country))
		}
		if r.MinDays < 0 || r.MaxDays < r.MinDays {
			add("invalid_value", f+"max_days", fmt.Sprintf("days %d–%d: want 0 ≤ min_days ≤ max_days", r.MinDays, r.MaxDays))
		}
		from, to := normPostal(r.PostalFrom), normPostal(r.PostalTo)
		switch {
		case from == "" && to != "":
			add("missing_field", f+"postal_from", "postal_to needs postal_from")
		case to != "" && (len(to) != len(from) || to < from):
			add("invalid_value", f+"postal_to", fmt.Sprintf("postal range %q–%q: want two prefixes of the same length, the first not after the second", r.PostalFrom, r.PostalTo))
		}
	}
	if err := p.WithDefaults().Validate(); err != nil {
		add("invalid_value", "policy", err.Error())
	}
	if len(ps) > 0 {
		return &model.ValidationError{Problems: ps}
	}
	return nil
}

// destination is where an order goes, normalised once per decision.
type destination struct {
	country string // ISO alpha-2, upper case
	region  string // upper case
	postal  string // normPostal
}

func destinationOf(o *model.Order) destination {
	a := o.ShippingAddress
	country := string(model.NormalizeMarket(a.Country))
	if country == "" {
		country = string(model.NormalizeMarket(string(o.Market)))
	}
	return destination{
		country: country,
		region:  strings.ToUpper(strings.TrimSpace(a.Region)),
		postal:  normPostal(a.PostalCode),
	}
}

// transitMatch is the result of looking a destination up in a transit table.
type transitMatch struct {
	found   bool
	days    int
	service string
}

// matchTransit finds the most specific rules for dest (postal range over region over country)
// and, among those, the fastest service: the warehouse can always choose it to meet a promise.
// Equal days keep the rule listed first, so the answer does not depend on anything but the table.
func matchTransit(rules []TransitRule, dest destination) transitMatch {
	var best transitMatch
	bestLevel := 0
	for i := range rules {
		r := &rules[i]
		level := ruleLevel(r, dest)
		if level == 0 {
			continue
		}
		if level > bestLevel || (level == bestLevel && r.MaxDays < best.days) {
			best = transitMatch{found: true, days: r.MaxDays, service: r.Service}
			bestLevel = level
		}
	}
	return best
}

// ruleLevel is 0 when r does not cover dest, otherwise its specificity: 3 for a postal range,
// 2 for a region, 1 for a whole country.
func ruleLevel(r *TransitRule, dest destination) int {
	if r.Country != dest.country && string(model.NormalizeMarket(r.Country)) != dest.country {
		return 0
	}
	level := 1
	if r.Region != "" {
		if r.Region != dest.region && !strings.EqualFold(strings.TrimSpace(r.Region), dest.region) {
			return 0
		}
		level = 2
	}
	if r.PostalFrom != "" {
		from, to := normPostal(r.PostalFrom), normPostal(r.PostalTo)
		if to == "" {
			to = from
		}
		if len(dest.postal) < len(from) {
			return 0
		}
		prefix := dest.postal[:len(from)]
		if prefix < from || prefix > to {
			return 0
		}
		level = 3
	}
	return level
}

// normPostal upper-cases a postal code and drops spaces and hyphens, so "sw1a 1aa" and
// "SW1A1AA" compare equal. It allocates only when there is something to change.
func normPostal(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' || c == '-' || (c >= 'a' && c <= 'z') {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '-':
		case c >= 'a' && c <= 'z':
			b.WriteByte(c - 'a' + 'A')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// countryOf is the normalised country of an address.
func countryOf(a model.Address) string {
	return string(model.NormalizeMarket(a.Country))
}

// homeMarket is the market w serves without a transit rule: Market, else its own country.
func homeMarket(w *Warehouse) string {
	if w.Market != "" {
		return string(model.NormalizeMarket(string(w.Market)))
	}
	return countryOf(w.Address)
}
