package order

import (
	"bytes"
	"encoding/json"
	"fmt"

	"lastmile/internal/model"
)

// Patch is a JSON merge patch (RFC 7396) of what a seller may correct on an order: the body of
// PATCH /v1/orders/{id}. A member present replaces, null withdraws the correction (the source's
// value applies again), an absent member is kept. Lines are the one departure from RFC 7396,
// which would replace an array whole: the order's lines are the source's, so each element
// names a line by sku and is itself a merge patch of that line's correctable fields.
type Patch struct {
	ShippingAddress *AddressPatch `json:"shipping_address"`
	Lines           []LinePatch   `json:"lines"`
	// WithdrawAddress and WithdrawLines are "shipping_address": null and "lines": null, which a
	// decoder reports apart from an absent member (see SetNulls).
	WithdrawAddress bool `json:"-"`
	WithdrawLines   bool `json:"-"`
}

// AddressPatch is a merge patch of the shipping address.
type AddressPatch struct {
	Name       Field[string] `json:"name"`
	Company    Field[string] `json:"company"`
	Line1      Field[string] `json:"line1"`
	Line2      Field[string] `json:"line2"`
	City       Field[string] `json:"city"`
	Region     Field[string] `json:"region"`
	PostalCode Field[string] `json:"postal_code"`
	Country    Field[string] `json:"country"`
	Phone      Field[string] `json:"phone"`
	Email      Field[string] `json:"email"`
}

// LinePatch is a merge patch of the customs and parcel fields of the lines with SKU.
type LinePatch struct {
	SKU          string        `json:"sku"`
	DeclaredName Field[string] `json:"declared_name"`
	HasBattery   Field[bool]   `json:"has_battery"`
	WeightG      Field[int64]  `json:"weight_g"`
	LengthMM     Field[int64]  `json:"length_mm"`
	WidthMM      Field[int64]  `json:"width_mm"`
	HeightMM     Field[int64]  `json:"height_mm"`
}

// Field is one member of a merge patch: absent (Set false), null (Set and Null: withdraw the
// correction), or a Value.
type Field[T any] struct {
	Set   bool
	Null  bool
	Value T
}

// UnmarshalJSON records that the member was present, and whether it was null. A value of the
// wrong type is a *json.UnmarshalTypeError, to which the decoder adds the member's path.
func (f *Field[T]) UnmarshalJSON(b []byte) error {
	f.Set = true
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		f.Null = true
		return nil
	}
	return json.Unmarshal(b, &f.Value)
}

// SetNulls reads WithdrawAddress and WithdrawLines from body, the JSON object p was decoded
// from: a decoder gives an absent member and a null one alike as nil.
func (p *Patch) SetNulls(body []byte) {
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) != nil {
		return
	}
	isNull := func(k string) bool {
		v, ok := top[k]
		return ok && bytes.Equal(bytes.TrimSpace(v), []byte("null"))
	}
	p.WithdrawAddress, p.WithdrawLines = isNull("shipping_address"), isNull("lines")
}

// fields pairs each member of a with its JSON name, in the order of model.Address.
func (a *AddressPatch) fields() []namedField {
	return []namedField{{"name", &a.Name}, {"company", &a.Company}, {"line1", &a.Line1}, {"line2", &a.Line2},
		{"city", &a.City}, {"region", &a.Region}, {"postal_code", &a.PostalCode}, {"country", &a.Country},
		{"phone", &a.Phone}, {"email", &a.Email}}
}

type namedField struct {
	name string
	f    *Field[string]
}

// check reports every problem of p against o at once: lines must name one of o's SKUs, once;
// corrected sizes and weights are positive; a customs name is not corrected to empty (null
// withdraws it); text fits maxTextLen.
func (p *Patch) check(o *model.Order) []model.FieldError {
	var ps []model.FieldError
	add := func(code, field, msg string) {
		ps = append(ps, model.FieldError{Code: code, Field: field, Message: msg})
	}
	if p.ShippingAddress != nil {
		for _, nf := range p.ShippingAddress.fields() {
			if len(nf.f.Value) > maxTextLen {
				add("too_long", "shipping_address."+nf.name, fmt.Sprintf("%s is at most %d bytes", nf.name, maxTextLen))
			}
		}
	}
	skus := map[string]bool{}
	for _, l := range o.Lines {
		skus[l.SKU] = true
	}
	seen := map[string]bool{}
	for i, l := range p.Lines {
		f := fmt.Sprintf("lines[%d].", i)
		switch {
		case l.SKU == "":
			add("missing_field", f+"sku", "name the line to correct by its sku")
			continue
		case seen[l.SKU]:
			add("duplicate", f+"sku", fmt.Sprintf("sku %q is corrected twice; send it once", l.SKU))
			continue
		case !skus[l.SKU]:
			add("sku_unknown", f+"sku", fmt.Sprintf("the order has no line with sku %q", l.SKU))
			continue
		}
		seen[l.SKU] = true
		for _, v := range []struct {
			name string
			f    Field[int64]
		}{{"weight_g", l.WeightG}, {"length_mm", l.LengthMM}, {"width_mm", l.WidthMM}, {"height_mm", l.HeightMM}} {
			if v.f.Set && !v.f.Null && v.f.Value <= 0 {
				add("out_of_range", f+v.name, v.name+" must be positive; send null to withdraw the correction")
			}
		}
		switch d := l.DeclaredName; {
		case d.Set && !d.Null && d.Value == "":
			add("missing_field", f+"declared_name", "declared_name cannot be corrected to empty; send null to withdraw the correction")
		case len(d.Value) > maxTextLen:
			add("too_long", f+"declared_name", fmt.Sprintf("declared_name is at most %d bytes", maxTextLen))
		}
	}
	return ps
}
