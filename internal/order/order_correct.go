package order

import (
	"maps"
	"reflect"
	"slices"
	"time"

	"lastmile/internal/address"
	"lastmile/internal/model"
)

// A seller's corrections are field-level (model.Corrections): each corrected field holds the
// seller's value and, in Replaced, the source's value it stands in for. The order's own fields
// always show the corrected result. Two rules keep the three consistent:
//
//   - Merge (a newer version from the source) takes the source's content, notes its values of
//     the corrected fields in Replaced, and lays the corrections over it (ApplyCorrections);
//   - Correct applies a merge patch: a value becomes a correction only where it differs from
//     the source's; null withdraws a correction and puts the source's value back.

// ApplyCorrections lays o.Corrections over o, whose fields hold a version of the order as the
// source sent it: the corrected address fields (the address is then normalised again as a
// whole, since a corrected country changes how a phone or postal code reads) and the corrected
// fields of the lines with a corrected SKU. The source's values of the corrected fields are
// noted in Corrections.Replaced first. o.Corrections is replaced by a copy: the one it held
// may be shared with the stored order.
func ApplyCorrections(o *model.Order) {
	if o.Corrections == nil {
		return
	}
	c := cloneCorrections(o.Corrections)
	o.Corrections = c
	if c.ShippingAddress != nil {
		for _, f := range addressFields(c.ShippingAddress, replacedAddress(c), &o.ShippingAddress) {
			note(*f.corr, f.repl, *f.val)
			apply(*f.corr, f.val)
		}
		o.ShippingAddress = address.Normalize(o.ShippingAddress)
	}
	if len(c.Lines) == 0 {
		return
	}
	// o may share its lines with the caller's copy of the order (Merge takes it by value).
	o.Lines = slices.Clone(o.Lines)
	for sku, lc := range c.Lines {
		first := slices.IndexFunc(o.Lines, func(l model.Line) bool { return l.SKU == sku })
		if first < 0 {
			continue // the source no longer has the line: nothing to correct
		}
		// The first line of the SKU stands for the source's values of them all.
		lr := replacedLines(c)[sku]
		l0 := o.Lines[first]
		note(lc.DeclaredName, &lr.DeclaredName, l0.DeclaredName)
		note(lc.HasBattery, &lr.HasBattery, l0.HasBattery)
		note(lc.WeightG, &lr.WeightG, l0.WeightG)
		note(lc.LengthMM, &lr.LengthMM, l0.LengthMM)
		note(lc.WidthMM, &lr.WidthMM, l0.WidthMM)
		note(lc.HeightMM, &lr.HeightMM, l0.HeightMM)
		replacedLines(c)[sku] = lr
		for j := range o.Lines {
			if l := &o.Lines[j]; l.SKU == sku {
				apply(lc.DeclaredName, &l.DeclaredName)
				apply(lc.HasBattery, &l.HasBattery)
				apply(lc.WeightG, &l.WeightG)
				apply(lc.LengthMM, &l.LengthMM)
				apply(lc.WidthMM, &l.WidthMM)
				apply(lc.HeightMM, &l.HeightMM)
			}
		}
	}
}

// Correct applies the seller's merge patch p to o (see Patch): the corrected values show in
// o's fields at once, and the corrections stay over later versions from the source until
// withdrawn. It reports whether anything changed; an empty patch, or one that repeats the
// order as it is, changes nothing. A patch o cannot take (an unknown SKU, a zero weight) is a
// *model.ValidationError naming every problem, and changes nothing. The caller runs the checks
// again (Check) on a changed order.
func Correct(o *model.Order, p Patch, at time.Time, cause string) (changed bool, err error) {
	if ps := p.check(o); len(ps) > 0 {
		return false, &model.ValidationError{Problems: ps}
	}
	c := cloneCorrections(o.Corrections)
	if c == nil {
		c = &model.Corrections{}
	}
	addr, lines := o.ShippingAddress, slices.Clone(o.Lines)
	correctAddress(&addr, c, p)
	correctLines(lines, c, p)
	prune(c)
	if c.ShippingAddress == nil && c.Lines == nil {
		c = nil
	}
	after := &model.Order{ShippingAddress: addr, Lines: lines, Corrections: c}
	if reflect.DeepEqual(snapshot(o), snapshot(after)) {
		return false, nil
	}
	o.ShippingAddress, o.Lines, o.Corrections = addr, lines, c
	if c != nil {
		c.At = at
	}
	o.History = append(o.History, model.Event{At: at, Kind: model.EventCorrected, Cause: cause})
	touch(o, at)
	return true, nil
}

// correctAddress applies p's address members to a, the order's address, and to c.
func correctAddress(a *model.Address, c *model.Corrections, p Patch) {
	switch {
	case p.WithdrawAddress:
		if c.ShippingAddress != nil {
			for _, f := range addressFields(c.ShippingAddress, replacedAddress(c), a) {
				*f.val, _ = mergeValue(f.corr, f.repl, Field[string]{Set: true, Null: true}, *f.val)
			}
			*a = address.Normalize(*a)
		}
		return
	case p.ShippingAddress == nil:
		return
	}
	if c.ShippingAddress == nil {
		c.ShippingAddress = &model.AddressCorrection{}
	}
	before, target := *a, *a
	fields := addressFields(c.ShippingAddress, replacedAddress(c), &target)
	members := p.ShippingAddress.fields()
	current := addressFields(&model.AddressCorrection{}, &model.AddressCorrection{}, &before)
	for i, m := range members {
		switch {
		case !m.f.Set:
		case m.f.Null:
			*fields[i].val, _ = mergeValue(fields[i].corr, fields[i].repl, *m.f, *current[i].val)
		default:
			*fields[i].val = m.f.Value
		}
	}
	// Normalised as a whole, as every address is stored ("Texas" is TX, ９４０４３ is 94043),
	// before the values are compared with the source's.
	target = address.Normalize(target)
	for i, m := range members {
		f := fields[i]
		switch {
		case m.f.Set && !m.f.Null:
			mergeValue(f.corr, f.repl, Field[string]{Set: true, Value: *f.val}, *current[i].val)
		case *f.corr != nil:
			*f.corr = ptr(*f.val) // kept, in its normalised form
		}
	}
	*a = target
}

// correctLines applies p's line members to lines, the order's lines, and to c. Every line of
// a SKU takes the same correction; the first one's values stand for the source's.
func correctLines(lines []model.Line, c *model.Corrections, p Patch) {
	if p.WithdrawLines {
		for sku, lc := range c.Lines {
			lr := replacedLines(c)[sku]
			for j := range lines {
				if l := &lines[j]; l.SKU == sku {
					restore(lc.DeclaredName, lr.DeclaredName, &l.DeclaredName)
					restore(lc.HasBattery, lr.HasBattery, &l.HasBattery)
					restore(lc.WeightG, lr.WeightG, &l.WeightG)
					restore(lc.LengthMM, lr.LengthMM, &l.LengthMM)
					restore(lc.WidthMM, lr.WidthMM, &l.WidthMM)
					restore(lc.HeightMM, lr.HeightMM, &l.HeightMM)
				}
			}
		}
		c.Lines = nil
	}
	for _, lp := range p.Lines {
		lc, lr := c.Lines[lp.SKU], replacedLines(c)[lp.SKU]
		l0 := lines[slices.IndexFunc(lines, func(l model.Line) bool { return l.SKU == lp.SKU })]
		declared, setDeclared := mergeValue(&lc.DeclaredName, &lr.DeclaredName, lp.DeclaredName, l0.DeclaredName)
		battery, setBattery := mergeValue(&lc.HasBattery, &lr.HasBattery, lp.HasBattery, l0.HasBattery)
		weight, setWeight := mergeValue(&lc.WeightG, &lr.WeightG, lp.WeightG, l0.WeightG)
		length, setLength := mergeValue(&lc.LengthMM, &lr.LengthMM, lp.LengthMM, l0.LengthMM)
		width, setWidth := mergeValue(&lc.WidthMM, &lr.WidthMM, lp.WidthMM, l0.WidthMM)
		height, setHeight := mergeValue(&lc.HeightMM, &lr.HeightMM, lp.HeightMM, l0.HeightMM)
		for j := range lines {
			if l := &lines[j]; l.SKU == lp.SKU {
				set(setDeclared, declared, &l.DeclaredName)
				set(setBattery, battery, &l.HasBattery)
				set(setWeight, weight, &l.WeightG)
				set(setLength, length, &l.LengthMM)
				set(setWidth, width, &l.WidthMM)
				set(setHeight, height, &l.HeightMM)
			}
		}
		if c.Lines == nil {
			c.Lines = map[string]model.LineCorrection{}
		}
		c.Lines[lp.SKU] = lc
		replacedLines(c)[lp.SKU] = lr
	}
}

// mergeValue applies one merge-patch member m to a field whose correction is *corr, whose
// source value (when known) is *repl, and whose value now is cur; it returns the field's new
// value and whether m sets it. A value equal to the source's is no correction; null withdraws
// the correction and gives back the source's value, or keeps cur when the source's is unknown
// (a correction stored before lastmile kept them).
func mergeValue[T comparable](corr, repl **T, m Field[T], cur T) (T, bool) {
	switch {
	case !m.Set:
		return cur, false
	case m.Null:
		if *corr == nil {
			return cur, false
		}
		v := cur
		if *repl != nil {
			v = **repl
		}
		*corr, *repl = nil, nil
		return v, true
	}
	src := *repl // the source's value of a corrected field
	if *corr == nil {
		src = &cur // an uncorrected field shows the source's value
	}
	if src != nil && *src == m.Value {
		*corr, *repl = nil, nil
		return m.Value, true
	}
	*corr = ptr(m.Value)
	if src != nil {
		*repl = ptr(*src)
	}
	return m.Value, true
}

// note records v, the source's value of a corrected field, in *repl.
func note[T any](corr *T, repl **T, v T) {
	if corr != nil {
		*repl = ptr(v)
	}
}

// apply lays a correction over the field's value.
func apply[T any](corr *T, val *T) {
	if corr != nil {
		*val = *corr
	}
}

// restore puts a corrected field's source value back, when known.
func restore[T any](corr, repl *T, val *T) {
	if corr != nil && repl != nil {
		*val = *repl
	}
}

func set[T any](ok bool, v T, val *T) {
	if ok {
		*val = v
	}
}

// forget drops the source value of a field no longer corrected.
func forget[T any](corr *T, repl **T) {
	if corr == nil {
		*repl = nil
	}
}

// prune drops what corrects nothing: empty line corrections, an empty address correction, and
// the source values of fields no longer corrected.
func prune(c *model.Corrections) {
	if c.ShippingAddress != nil && *c.ShippingAddress == (model.AddressCorrection{}) {
		c.ShippingAddress = nil
	}
	for sku, lc := range c.Lines {
		if lc == (model.LineCorrection{}) {
			delete(c.Lines, sku)
		}
	}
	if len(c.Lines) == 0 {
		c.Lines = nil
	}
	r := c.Replaced
	if r == nil {
		return
	}
	if r.ShippingAddress != nil {
		corr := c.ShippingAddress
		if corr == nil {
			corr = &model.AddressCorrection{}
		}
		for _, f := range addressFields(corr, r.ShippingAddress, &model.Address{}) {
			forget(*f.corr, f.repl)
		}
		if *r.ShippingAddress == (model.AddressCorrection{}) {
			r.ShippingAddress = nil
		}
	}
	for sku, lr := range r.Lines {
		lc := c.Lines[sku]
		forget(lc.DeclaredName, &lr.DeclaredName)
		forget(lc.HasBattery, &lr.HasBattery)
		forget(lc.WeightG, &lr.WeightG)
		forget(lc.LengthMM, &lr.LengthMM)
		forget(lc.WidthMM, &lr.WidthMM)
		forget(lc.HeightMM, &lr.HeightMM)
		if lr == (model.LineCorrection{}) {
			delete(r.Lines, sku)
		} else {
			r.Lines[sku] = lr
		}
	}
	if len(r.Lines) == 0 {
		r.Lines = nil
	}
	if r.ShippingAddress == nil && r.Lines == nil {
		c.Replaced = nil
	}
}

// snapshot is what a correction may change, for telling whether it did.
func snapshot(o *model.Order) any {
	var c model.Corrections
	if o.Corrections != nil {
		c = *o.Corrections
		c.At = time.Time{}
	}
	return struct {
		A model.Address
		L []model.Line
		C model.Corrections
	}{o.ShippingAddress, o.Lines, c}
}

// cloneCorrections copies c deeply enough that changing the copy never changes c.
func cloneCorrections(c *model.Corrections) *model.Corrections {
	if c == nil {
		return nil
	}
	out := *c
	if c.ShippingAddress != nil {
		a := *c.ShippingAddress
		out.ShippingAddress = &a
	}
	out.Lines = maps.Clone(c.Lines)
	if c.Replaced != nil {
		r := *c.Replaced
		if r.ShippingAddress != nil {
			a := *r.ShippingAddress
			r.ShippingAddress = &a
		}
		r.Lines = maps.Clone(r.Lines)
		out.Replaced = &r
	}
	return &out
}

// replacedAddress is c's source values of the address, created when missing.
func replacedAddress(c *model.Corrections) *model.AddressCorrection {
	if c.Replaced == nil {
		c.Replaced = &model.Replaced{}
	}
	if c.Replaced.ShippingAddress == nil {
		c.Replaced.ShippingAddress = &model.AddressCorrection{}
	}
	return c.Replaced.ShippingAddress
}

// replacedLines is c's source values of the lines, created when missing.
func replacedLines(c *model.Corrections) map[string]model.LineCorrection {
	if c.Replaced == nil {
		c.Replaced = &model.Replaced{}
	}
	if c.Replaced.Lines == nil {
		c.Replaced.Lines = map[string]model.LineCorrection{}
	}
	return c.Replaced.Lines
}

func ptr[T any](v T) *T { return &v }

// addrField is one field of an address seen three ways: the correction, the source's value it
// replaced, and the address's value.
type addrField struct {
	corr, repl **string
	val        *string
}

// addressFields pairs the fields of a correction, its source values and an address, in the
// order of model.Address (and of AddressPatch.fields).
func addressFields(c, r *model.AddressCorrection, a *model.Address) []addrField {
	return []addrField{
		{&c.Name, &r.Name, &a.Name}, {&c.Company, &r.Company, &a.Company}, {&c.Line1, &r.Line1, &a.Line1},
		{&c.Line2, &r.Line2, &a.Line2}, {&c.City, &r.City, &a.City}, {&c.Region, &r.Region, &a.Region},
		{&c.PostalCode, &r.PostalCode, &a.PostalCode}, {&c.Country, &r.Country, &a.Country},
		{&c.Phone, &r.Phone, &a.Phone}, {&c.Email, &r.Email, &a.Email},
	}
}
