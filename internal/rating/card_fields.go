package rating

import (
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// cardFields are the fields of a card document, each documented in docs/ratecards.md.
var cardFields = []string{
	"carrier", "carrier_name", "service", "service_name", "version", "illustrative", "sources", "notes",
	"effective_from", "effective_until", "origin", "markets", "certified", "currency",
	"volumetric_divisor", "min_weight_g", "max_weight_g", "max_size", "transit", "zones", "fuel",
	"remote", "fees", "options", "rebates", "subsidies",
}

// card decodes and checks one card document.
func (l *loader) card(n *yaml.Node) *Card {
	o := l.object(n, "", cardFields...)
	if o == nil {
		return nil
	}
	c := &Card{File: l.file, Line: n.Line, codOption: -1, EffectiveUntil: openEnded}
	c.Carrier = l.ident(o, "carrier")
	c.Service = l.ident(o, "service")
	c.CarrierName = o.str("carrier_name", false)
	c.ServiceName = o.str("service_name", false)
	c.Illustrative = o.boolean("illustrative")
	c.Sources = o.strings("sources", false, noNorm)
	o.str("notes", false)

	c.Currency = o.str("currency", true)
	if c.Currency != "" {
		s, ok := currencyScale(c.Currency)
		if !ok {
			l.errf(o.line("currency"), "currency", "%q is not an upper-case ISO 4217 code such as USD", c.Currency)
			s = 9 // keep checking the amounts without complaining about their decimals
		}
		c.scale = s
	}

	if d, ok := o.date("effective_from", true); ok {
		c.EffectiveFrom = d
	}
	if d, ok := o.date("effective_until", false); ok {
		if d < c.EffectiveFrom {
			l.errf(o.line("effective_until"), "effective_until", "is before effective_from (%s)", c.EffectiveFrom)
		}
		c.EffectiveUntil = d
	}
	c.Version = o.str("version", false)
	if c.Version == "" {
		c.Version = c.EffectiveFrom.String()
	}
	if s := o.str("origin", false); s != "" {
		if v, why := normCountry(s); why != "" {
			l.errf(o.line("origin"), "origin", "%s", why)
		} else {
			c.Origin = v
		}
	}
	c.Markets = o.strings("markets", true, normCountry)
	c.Certified = o.strings("certified", false, normCountry)

	if v, ok := o.integer("volumetric_divisor", false, 1000, 100_000); ok {
		c.divisor = v
	}
	if v, ok := o.integer("min_weight_g", false, 0, maxChargeableG); ok {
		c.minG = v
	}
	if v, ok := o.integer("max_weight_g", false, 1, maxChargeableG); ok {
		c.maxG = v
		if c.minG > v {
			l.errf(o.line("max_weight_g"), "max_weight_g", "is below min_weight_g (%d)", c.minG)
		}
	}
	if v := o.get("max_size"); v != nil {
		l.maxSize(v, c)
	}
	if v := o.get("transit"); v != nil {
		l.transit(v, c)
	}
	for i, z := range o.list("zones", true) {
		l.zone(z, index("zones", i), c)
	}
	l.fuel(o, c)
	if v := o.get("remote"); v != nil {
		l.remote(v, c)
	}
	l.fees(o, c)
	l.options(o, c)
	l.rebates(o, c)
	l.subsidies(o, c)
	return c
}

func (l *loader) ident(o *obj, key string) string {
	s := o.str(key, true)
	if s == "" {
		return ""
	}
	if _, why := normIdent(s); why != "" {
		l.errf(o.line(key), key, "%s", why)
		return ""
	}
	return s
}

func (l *loader) maxSize(n *yaml.Node, c *Card) {
	o := l.object(n, "max_size", "length_mm", "width_mm", "height_mm", "length_plus_girth_mm")
	if o == nil {
		return
	}
	const maxMM = 100_000
	for i, k := range []string{"length_mm", "width_mm", "height_mm"} {
		if v, ok := o.integer(k, false, 1, maxMM); ok {
			c.maxDims[i] = v
		}
	}
	if c.maxDims[0] > 0 && c.maxDims[0] < c.maxDims[1] || c.maxDims[1] > 0 && c.maxDims[1] < c.maxDims[2] {
		l.errf(n, "max_size", "give the limits longest first: length_mm ≥ width_mm ≥ height_mm")
	}
	if v, ok := o.integer("length_plus_girth_mm", false, 1, 4*maxMM); ok {
		c.maxGirth = v
	}
}

func (l *loader) transit(n *yaml.Node, c *Card) {
	o := l.object(n, "transit", "basis", "holidays")
	if o == nil {
		return
	}
	switch b := o.str("basis", false); b {
	case "", "calendar":
	case "business":
		c.business = true
	default:
		l.errf(o.line("basis"), "transit.basis", "%q: want calendar (every day counts) or business (carrier working days)", b)
	}
	h := strings.ToUpper(o.str("holidays", false))
	if h != "" {
		if !c.business {
			l.errf(o.line("holidays"), "transit.holidays", "only applies with basis: business")
		}
		if holidayCalendars[h] == nil {
			names := make([]string, 0, len(holidayCalendars))
			for k := range holidayCalendars {
				names = append(names, k)
			}
			slices.Sort(names)
			l.errf(o.line("holidays"), "transit.holidays", "no holiday calendar %q; known: %s (or leave it out for weekends only)", h, strings.Join(names, ", "))
			h = ""
		}
	}
	if c.business {
		c.calendar = newWorkCalendar(h)
	}
}

// match reads the destination filters of a zone or of the remote-area rule.
func (l *loader) match(o *obj) destMatch {
	m := destMatch{
		regions:  o.strings("regions", false, normRegion),
		prefixes: o.strings("postal_prefixes", false, normPostal),
	}
	for i, it := range o.list("postal_ranges", false) {
		p := index(join(o.path, "postal_ranges"), i)
		r := l.object(it, p, "from", "to")
		if r == nil {
			continue
		}
		from, _ := normPostal(r.str("from", true))
		to, _ := normPostal(r.str("to", true))
		switch {
		case from == "" || to == "":
			if r.has("from") && r.has("to") {
				l.errf(it, p, "from and to must be postal codes (letters and digits)")
			}
		case len(from) != len(to):
			l.errf(it, p, "from %q and to %q must have the same length", from, to)
		case from > to:
			l.errf(it, p, "from %q is after to %q", from, to)
		default:
			m.ranges = append(m.ranges, postalRange{from, to})
		}
	}
	return m
}

func (l *loader) zone(n *yaml.Node, p string, c *Card) {
	o := l.object(n, p, "name", "country", "regions", "postal_prefixes", "postal_ranges", "transit_days", "brackets", "above_last")
	if o == nil {
		return
	}
	z := zone{name: o.str("name", false)}
	if z.name == "" {
		z.name = p
	}
	if s := o.str("country", true); s != "" {
		if v, why := normCountry(s); why != "" {
			l.errf(o.line("country"), join(p, "country"), "%s", why)
		} else {
			z.country = v
			if len(c.Markets) > 0 && !slices.Contains(c.Markets, v) {
				l.errf(o.line("country"), join(p, "country"), "%s is not one of the card's markets (%s)", v, strings.Join(c.Markets, ", "))
			}
		}
	}
	z.match = l.match(o)
	if v := o.get("transit_days"); v != nil {
		t := l.object(v, join(p, "transit_days"), "min", "max")
		if t != nil {
			lo, ok1 := t.integer("min", true, 0, 365)
			hi, ok2 := t.integer("max", true, 0, 365)
			if ok1 && ok2 && lo > hi {
				l.errf(t.line("max"), join(p, "transit_days.max"), "is below min (%d)", lo)
			}
			z.transitMin, z.transitMax = int(lo), int(hi)
		}
	} else {
		o.missing("transit_days", ": {min: 2, max: 5}")
	}
	for i, b := range o.list("brackets", true) {
		bp := index(join(p, "brackets"), i)
		bo := l.object(b, bp, "max_g", "price")
		if bo == nil {
			continue
		}
		g, okG := bo.integer("max_g", true, 1, maxChargeableG)
		price, okP := bo.amount("price", true, c)
		if !okG || !okP {
			continue
		}
		if k := len(z.bracketG); k > 0 && g <= z.bracketG[k-1] {
			l.errf(bo.line("max_g"), join(bp, "max_g"), "must be greater than the previous bracket (%d)", z.bracketG[k-1])
			continue
		}
		z.bracketG = append(z.bracketG, g)
		z.price = append(z.price, price)
	}
	if v := o.get("above_last"); v != nil {
		a := l.object(v, join(p, "above_last"), "step_g", "price")
		if a != nil {
			z.stepG = 1000 // "per started kg"
			if g, ok := a.integer("step_g", false, 1, maxChargeableG); ok {
				z.stepG = g
			}
			if price, ok := a.amount("price", true, c); ok {
				z.stepPrice = price
			}
		}
	}
	c.zones = append(c.zones, z)
}

func (l *loader) fuel(o *obj, c *Card) {
	for i, it := range o.list("fuel", false) {
		p := index("fuel", i)
		f := l.object(it, p, "from", "per_kg", "percent_of_base")
		if f == nil {
			continue
		}
		var s fuelStep
		d, ok := f.date("from", true)
		if !ok {
			continue
		}
		s.from = d
		if k := len(c.fuel); k > 0 && d <= c.fuel[k-1].from {
			l.errf(f.line("from"), join(p, "from"), "must be after the previous fuel step (%s)", c.fuel[k-1].from)
			continue
		}
		switch {
		case f.has("per_kg") == f.has("percent_of_base"):
			l.errf(it, p, "give exactly one of per_kg (an amount per kg of chargeable weight) and percent_of_base")
			continue
		case f.has("per_kg"):
			v, ok := f.decimal("per_kg", true, c.scale+rateDecimals, maxAmount*microPerMinor/1000, "an amount per kg in "+c.Currency)
			if !ok {
				continue
			}
			s.perKg = v
		default:
			v, ok := f.percent("percent_of_base", true)
			if !ok {
				continue
			}
			s.percent = v
		}
		c.fuel = append(c.fuel, s)
	}
}

func (l *loader) remote(n *yaml.Node, c *Card) {
	o := l.object(n, "remote", "amount", "address_flag", "regions", "postal_prefixes", "postal_ranges")
	if o == nil {
		return
	}
	r := remoteRule{set: true}
	r.amount, _ = o.amount("amount", true, c)
	r.addressFlag = o.boolean("address_flag")
	r.match = l.match(o)
	if !r.addressFlag && len(r.match.regions)+len(r.match.prefixes)+len(r.match.ranges) == 0 && len(l.errs) == 0 {
		l.errf(n, "remote", "say which destinations are remote: address_flag: true, regions, postal_prefixes or postal_ranges")
	}
	c.remote = r
}

func (l *loader) fees(o *obj, c *Card) {
	for i, it := range o.list("fees", false) {
		p := index("fees", i)
		f := l.object(it, p, "name", "amount")
		if f == nil {
			continue
		}
		name := l.ident(f, "name")
		amt, ok := f.amount("amount", true, c)
		if name == "" || !ok {
			continue
		}
		if slices.ContainsFunc(c.fees, func(x namedAmount) bool { return x.name == name }) {
			l.errf(f.line("name"), join(p, "name"), "fee %q is listed twice", name)
			continue
		}
		c.fees = append(c.fees, namedAmount{name, amt})
	}
}

func (l *loader) options(o *obj, c *Card) {
	for i, it := range o.list("options", false) {
		p := index("options", i)
		f := l.object(it, p, "name", "amount", "percent_of_declared", "percent_of_cod", "min")
		if f == nil {
			continue
		}
		op := option{name: l.ident(f, "name")}
		if op.name == "" {
			continue
		}
		kinds := 0
		for _, k := range []string{"amount", "percent_of_declared", "percent_of_cod"} {
			if f.has(k) {
				kinds++
			}
		}
		if kinds != 1 {
			l.errf(it, p, "give exactly one of amount, percent_of_declared (insurance) and percent_of_cod (the cod option)")
			continue
		}
		var ok bool
		switch {
		case f.has("amount"):
			op.kind = optAmount
			op.amount, ok = f.amount("amount", true, c)
		case f.has("percent_of_declared"):
			op.kind = optDeclared
			op.percent, ok = f.percent("percent_of_declared", true)
		default:
			op.kind = optCOD
			op.percent, ok = f.percent("percent_of_cod", true)
			if ok && op.name != "cod" {
				l.errf(f.line("percent_of_cod"), join(p, "percent_of_cod"), "only the option named cod is priced on the COD amount")
				continue
			}
		}
		if !ok {
			continue
		}
		if f.has("min") {
			if op.min, ok = f.amount("min", true, c); !ok {
				continue
			}
		}
		if slices.ContainsFunc(c.options, func(x option) bool { return x.name == op.name }) {
			l.errf(f.line("name"), join(p, "name"), "option %q is listed twice", op.name)
			continue
		}
		if op.name == "cod" {
			c.codOption = len(c.options)
		}
		c.options = append(c.options, op)
	}
}

func (l *loader) rebates(o *obj, c *Card) {
	for i, it := range o.list("rebates", false) {
		p := index("rebates", i)
		f := l.object(it, p, "above_parcels", "percent_of_base")
		if f == nil {
			continue
		}
		above, ok1 := f.integer("above_parcels", true, 0, 1<<40)
		pct, ok2 := f.percent("percent_of_base", true)
		if !ok1 || !ok2 {
			continue
		}
		if pct > 100*ppmPerPercent {
			l.errf(f.line("percent_of_base"), join(p, "percent_of_base"), "a rebate cannot exceed 100%%")
			continue
		}
		if k := len(c.rebates); k > 0 && above <= c.rebates[k-1].above {
			l.errf(f.line("above_parcels"), join(p, "above_parcels"), "must be greater than the previous tier (%d)", c.rebates[k-1].above)
			continue
		}
		c.rebates = append(c.rebates, rebateTier{above, pct})
	}
}

func (l *loader) subsidies(o *obj, c *Card) {
	for i, it := range o.list("subsidies", false) {
		p := index("subsidies", i)
		f := l.object(it, p, "name", "fixed_price", "amount_off", "min_monthly_parcels", "max_weight_g", "markets", "from", "until", "sources")
		if f == nil {
			continue
		}
		s := subsidy{name: l.ident(f, "name"), until: openEnded}
		f.strings("sources", false, noNorm)
		var ok bool
		switch {
		case f.has("fixed_price") == f.has("amount_off"):
			l.errf(it, p, "give exactly one of fixed_price (what the seller pays) and amount_off")
			continue
		case f.has("fixed_price"):
			s.fixed = true
			s.fixedPrice, ok = f.amount("fixed_price", true, c)
		default:
			s.amountOff, ok = f.amount("amount_off", true, c)
		}
		if !ok || s.name == "" {
			continue
		}
		if v, ok := f.integer("min_monthly_parcels", false, 0, 1<<40); ok {
			s.minParcels = v
		}
		if v, ok := f.integer("max_weight_g", false, 1, maxChargeableG); ok {
			s.maxG = v
		}
		s.markets = f.strings("markets", false, normCountry)
		for j, m := range s.markets {
			if !slices.Contains(c.Markets, m) {
				l.errf(f.list("markets", false)[j], index(join(p, "markets"), j), "%s is not one of the card's markets", m)
			}
		}
		if d, ok := f.date("from", false); ok {
			s.from = d
		}
		if d, ok := f.date("until", false); ok {
			if d < s.from {
				l.errf(f.line("until"), join(p, "until"), "is before from (%s)", s.from)
			}
			s.until = d
		}
		c.subsidies = append(c.subsidies, s)
	}
}

// cardName is carrier/service for messages.
func (c *Card) cardName() string { return c.Carrier + "/" + c.Service }
