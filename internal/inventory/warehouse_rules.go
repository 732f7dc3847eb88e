package inventory

import (
	"fmt"
	"strings"

	"lastmile/internal/address"
	"lastmile/internal/model"
)

// ValidateWarehouse reports every problem with w's configuration at once, as a *model.ValidationError
// (ErrInvalid). Save warehouses through it: Decide does not refuse a bad warehouse, it only
// rules it out with the reason invalid_warehouse. w's addresses must be normalised
// (address.Normalize), as they are stored.
func ValidateWarehouse(w *model.Warehouse, p Policy) error {
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
	for _, a := range warehouseAddresses(w) {
		if !a.required && a.addr == (model.Address{}) {
			continue
		}
		for _, q := range address.Validate(a.addr) {
			if q.Code == address.CodeMissingField && (q.Field == "phone" || q.Field == "country" || q.Field == "name" && a.nameHint == "") {
				continue // a phone is optional; a missing country is reported above or below; see nameHint
			}
			fix := q.Suggestion
			if q.Field == "name" && q.Code == address.CodeMissingField {
				fix = a.nameHint
			}
			// The address checks speak of the buyer; here the address is the warehouse's.
			fix = strings.ReplaceAll(fix, "the buyer's", "the "+a.whose)
			add(q.Code, a.field+"."+q.Field, q.Message+"; "+fix)
		}
		if a.field != "address" && a.addr.Country == "" {
			add(address.CodeMissingField, a.field+".country", a.field+".country is required: the ISO 3166-1 alpha-2 code, e.g. US, GB, TH")
		}
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

// warehouseAddress is one address of a warehouse and how it is checked: like an order's
// shipping address (R-LBL-4, R-ORD-6), since any of them may be printed on a label, except
// that a phone is optional, and a name is required only where a label prints one.
type warehouseAddress struct {
	field    string
	addr     model.Address
	required bool   // checked even when empty
	nameHint string // the fix for a missing name; "" when the name is optional
	whose    string // whose phone, whose name: for the fixes
}

func warehouseAddresses(w *model.Warehouse) []warehouseAddress {
	return []warehouseAddress{
		// Where the stock is; the warehouse's own name is its name.
		{field: "address", addr: w.Address, required: true, whose: "warehouse's"},
		// The sender of every label (R-LBL-3); optional until labels are bought for it.
		{field: "ship_from", addr: w.ShipFrom, whose: "sender's",
			nameHint: "enter the sender's name, the seller's or the warehouse's, as labels should print it (R-LBL-3)"},
		// Where returns go (R-RET-3); optional until a return is shipped to it.
		{field: "return_address", addr: w.ReturnAddress, whose: "warehouse's",
			nameHint: "enter the name returns are addressed to, the warehouse's or the seller's"},
	}
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
func matchTransit(rules []model.TransitRule, dest destination) transitMatch {
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
func ruleLevel(r *model.TransitRule, dest destination) int {
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
func homeMarket(w *model.Warehouse) string {
	if w.Market != "" {
		return string(model.NormalizeMarket(string(w.Market)))
	}
	return countryOf(w.Address)
}
