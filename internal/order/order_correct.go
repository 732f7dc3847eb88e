package order

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"lastmile/internal/model"
)

// ApplyCorrections lays o.Corrections over the order's fields: the corrected shipping address,
// and the corrected customs and parcel data of the lines with a corrected SKU.
func ApplyCorrections(o *model.Order) {
	c := o.Corrections
	if c == nil {
		return
	}
	if c.ShippingAddress != nil {
		o.ShippingAddress = *c.ShippingAddress
	}
	if len(c.Lines) == 0 {
		return
	}
	// o may share its lines with the caller's copy of the order (Merge takes it by value).
	o.Lines = slices.Clone(o.Lines)
	for i := range o.Lines {
		lc, ok := c.Lines[o.Lines[i].SKU]
		if !ok {
			continue
		}
		l := &o.Lines[i]
		if lc.DeclaredName != nil {
			l.DeclaredName = *lc.DeclaredName
		}
		if lc.HasBattery != nil {
			l.HasBattery = *lc.HasBattery
		}
		for _, f := range []struct {
			dst *int64
			src *int64
		}{{&l.WeightG, lc.WeightG}, {&l.LengthMM, lc.LengthMM}, {&l.WidthMM, lc.WidthMM}, {&l.HeightMM, lc.HeightMM}} {
			if f.src != nil {
				*f.dst = *f.src
			}
		}
	}
}

// Correct records the seller's corrections c on o: a new shipping address replaces any earlier
// corrected one; line corrections are merged per SKU. Every SKU must be one of the order's. The
// corrected values are applied at once and stay over later marketplace versions.
func Correct(o *model.Order, c model.Corrections, at time.Time, cause string) error {
	var problems []model.FieldError
	skus := map[string]bool{}
	for _, l := range o.Lines {
		skus[l.SKU] = true
	}
	for sku := range c.Lines {
		if !skus[sku] {
			problems = append(problems, model.FieldError{Code: "sku_unknown", Field: "lines",
				Message: fmt.Sprintf("the order has no line with sku %q", sku)})
		}
	}
	if c.ShippingAddress == nil && len(c.Lines) == 0 {
		problems = append(problems, model.FieldError{Code: "missing_field", Field: "shipping_address",
			Message: "send shipping_address and/or lines to correct"})
	}
	if len(problems) > 0 {
		return &model.ValidationError{Problems: problems}
	}
	merged := model.Corrections{At: at}
	if o.Corrections != nil {
		merged.ShippingAddress = o.Corrections.ShippingAddress
		merged.Lines = maps.Clone(o.Corrections.Lines)
	}
	if c.ShippingAddress != nil {
		a := *c.ShippingAddress
		merged.ShippingAddress = &a
	}
	for sku, lc := range c.Lines {
		if merged.Lines == nil {
			merged.Lines = map[string]model.LineCorrection{}
		}
		prev := merged.Lines[sku]
		merged.Lines[sku] = mergeLineCorrection(prev, lc)
	}
	o.Corrections = &merged
	ApplyCorrections(o)
	o.History = append(o.History, model.Event{At: at, Kind: model.EventCorrected, Cause: cause})
	touch(o, at)
	return nil
}

func mergeLineCorrection(prev, next model.LineCorrection) model.LineCorrection {
	if next.DeclaredName != nil {
		prev.DeclaredName = next.DeclaredName
	}
	if next.HasBattery != nil {
		prev.HasBattery = next.HasBattery
	}
	if next.WeightG != nil {
		prev.WeightG = next.WeightG
	}
	if next.LengthMM != nil {
		prev.LengthMM = next.LengthMM
	}
	if next.WidthMM != nil {
		prev.WidthMM = next.WidthMM
	}
	if next.HeightMM != nil {
		prev.HeightMM = next.HeightMM
	}
	return prev
}
