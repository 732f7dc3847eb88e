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
	// Source names what raised the problem when it is not the order checks (R-ORD-6): "tiktok"
	// for a shipment the platform would not take (R-API-3). The checks, run again on a newer
	// version of the order, keep such a problem; only its source clears it.
	Source string `json:"source,omitempty"`
}

// KeepSourced returns ps followed by the problems of prev that a Source raised, and whether any
// problem of the result is an error (the order's NeedsAttention).
func KeepSourced(ps, prev []Problem) ([]Problem, bool) {
	for _, p := range prev {
		if p.Source != "" {
			ps = append(ps, p)
		}
	}
	held := false
	for _, p := range ps {
		held = held || p.Severity == SeverityError
	}
	return ps, held
}

// Corrections are what a seller fixed in lastmile on top of the source's order (marketplace, API
// or file): shipping address fields the carrier will accept, customs and parcel data the source
// does not carry. Only the fields the seller changed are held, and only those override later
// versions of the order from the source, which may still have the uncorrected data; every other
// field follows the source.
//
// Stored inside the order's JSON. Corrections stored before they became field-level held the
// whole address; that JSON reads as a correction of every field it has.
type Corrections struct {
	// ShippingAddress holds the corrected fields of the shipping address.
	ShippingAddress *AddressCorrection `json:"shipping_address,omitempty"`
	// Lines are keyed by SKU.
	Lines map[string]LineCorrection `json:"lines,omitempty"`
	// Replaced are the source's values of the corrected fields, as its newest version has them:
	// what withdrawing a correction brings back. A field missing here (a correction stored
	// before lastmile kept them) keeps its value until the source's next version.
	Replaced *Replaced `json:"replaced,omitempty"`
	At       time.Time `json:"at"`
}

// AddressCorrection is the corrected fields of an address; nil fields follow the source.
type AddressCorrection struct {
	Name       *string `json:"name,omitempty"`
	Company    *string `json:"company,omitempty"`
	Line1      *string `json:"line1,omitempty"`
	Line2      *string `json:"line2,omitempty"`
	City       *string `json:"city,omitempty"`
	Region     *string `json:"region,omitempty"`
	PostalCode *string `json:"postal_code,omitempty"`
	Country    *string `json:"country,omitempty"`
	Phone      *string `json:"phone,omitempty"`
	Email      *string `json:"email,omitempty"`
}

// LineCorrection overrides the customs and parcel fields of the order lines with its SKU; nil
// fields are left as the source sent them.
type LineCorrection struct {
	DeclaredName *string `json:"declared_name,omitempty"`
	HasBattery   *bool   `json:"has_battery,omitempty"`
	WeightG      *int64  `json:"weight_g,omitempty"`
	LengthMM     *int64  `json:"length_mm,omitempty"`
	WidthMM      *int64  `json:"width_mm,omitempty"`
	HeightMM     *int64  `json:"height_mm,omitempty"`
}

// Replaced are the source's values of corrected fields (Corrections.Replaced).
type Replaced struct {
	ShippingAddress *AddressCorrection        `json:"shipping_address,omitempty"`
	Lines           map[string]LineCorrection `json:"lines,omitempty"`
}
