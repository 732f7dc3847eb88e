package demo

import "lastmile/internal/model"

// FillLine completes a line of one of the demo's products with the catalogue data a
// marketplace order does not carry (weight, dimensions, customs description, battery), where
// the line leaves them out, and reports whether the SKU is the demo's. The demo's simulated
// TikTok Shop sells the same products.
func FillLine(l *model.Line) bool {
	for _, p := range products {
		if p.sku != l.SKU {
			continue
		}
		if l.WeightG == 0 {
			l.WeightG = p.weightG
		}
		if l.LengthMM == 0 && l.WidthMM == 0 && l.HeightMM == 0 {
			l.LengthMM, l.WidthMM, l.HeightMM = p.dims[0], p.dims[1], p.dims[2]
		}
		if l.DeclaredName == "" {
			l.DeclaredName = p.declared
		}
		l.HasBattery = l.HasBattery || p.battery
		return true
	}
	return false
}
