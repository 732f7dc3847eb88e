package model

import "time"

// Severities of a Problem.
const (
	SeverityError   = "error"   // the order cannot ship as it is: it is held (needs_attention)
	SeverityWarning = "warning" // worth a look; the order is not held
)

// Problem is one reason an order may not ship as it is: a stable code, the field's JSON path
// (shipping_address.postal_code, lines[1].declared_name), what is wrong and how to fix it.
type Problem struct {
	Code       string `json:"code"`
	Field      string `json:"field"`
	Message    string `json:"message"`
	Suggestion string `json:"suggestion,omitempty"`
	Severity   string `json:"severity"`
}

// Corrections are what a seller fixed in lastmile on top of the marketplace's order: a shipping
// address the carrier will accept, customs and parcel data the marketplace does not carry. They
// survive later versions of the order from the marketplace, which still has the uncorrected data.
type Corrections struct {
	ShippingAddress *Address `json:"shipping_address,omitempty"`
	// Lines are keyed by SKU.
	Lines map[string]LineCorrection `json:"lines,omitempty"`
	At    time.Time                 `json:"at"`
}

// LineCorrection overrides the customs and parcel fields of the order lines with its SKU; nil
// fields are left as the marketplace sent them.
type LineCorrection struct {
	DeclaredName *string `json:"declared_name,omitempty"`
	HasBattery   *bool   `json:"has_battery,omitempty"`
	WeightG      *int64  `json:"weight_g,omitempty"`
	LengthMM     *int64  `json:"length_mm,omitempty"`
	WidthMM      *int64  `json:"width_mm,omitempty"`
	HeightMM     *int64  `json:"height_mm,omitempty"`
}
