package label

import (
	"fmt"
	"strings"

	"lastmile/internal/model"
)

// Label is one shipping label as the CLI and the HTTP API take it (the JSON contract):
//
//	{"tracking_number":"1Z999AA10123456784","carrier":"ups","service":"Ground",
//	 "order_external_id":"576461413038785752","package_index":1,"package_count":1,
//	 "weight_g":450,"sort_code":"LAX-03","from":{…},"to":{…},"cod":null,
//	 "has_battery":false,"anti_counterfeit_qr":null,
//	 "customs":{"contents":"Cotton T-shirt","value":{"amount":1299,"currency":"USD"},"hs_code":"610910"}}
type Label struct {
	// TrackingNumber is printed as a Code 128 barcode and as text; it is normalised and
	// checked first (R-SHIP-4).
	TrackingNumber string `json:"tracking_number"`
	// Carrier is the carrier code (ups, royal-mail, jt-express…, see trackno.AllCarriers);
	// another code is printed as given and its numbers are checked by format only.
	Carrier string `json:"carrier"`
	// Service is the carrier's service or channel ("Ground", "Tracked 48").
	Service string `json:"service"`
	// OrderExternalID is the marketplace's order number (R-LBL-3).
	OrderExternalID string `json:"order_external_id"`
	// PackageIndex and PackageCount print "package n of m"; both zero means 1 of 1.
	PackageIndex int `json:"package_index"`
	PackageCount int `json:"package_count"`
	// WeightG is the parcel's weight in grams; zero leaves the weight off the label.
	WeightG int64 `json:"weight_g"`
	// SortCode is the carrier's sort or routing code, printed large at the top right.
	SortCode string `json:"sort_code"`
	// From is the seller's name and address (R-LBL-3); its phone is not printed.
	From model.Address `json:"from"`
	// To is the buyer's name, address and phone.
	To model.Address `json:"to"`
	// COD is the amount to collect on delivery, when there is one (R-MKT-2).
	COD *model.Money `json:"cod"`
	// HasBattery prints the battery mark (R-SHIP-6).
	HasBattery bool `json:"has_battery"`
	// AntiCounterfeitQR is the content of the platform's anti-counterfeit QR. It is required
	// for, and only drawn on, labels to GB, DE and FR (R-LBL-5).
	AntiCounterfeitQR *string `json:"anti_counterfeit_qr"`
	// Customs is the customs declaration; required when From and To are in different
	// countries, and printed only then (R-SHIP-6).
	Customs *Customs `json:"customs"`
}

// Customs is the customs block of a cross-border label.
type Customs struct {
	// Contents is the declared item name; it must match the goods (R-SHIP-6).
	Contents string `json:"contents"`
	// Value is the declared value.
	Value model.Money `json:"value"`
	// HSCode is the Harmonized System code: 6 digits, or a national 8- to 10-digit extension.
	HSCode string `json:"hs_code"`
}

// Size is a label stock: its name and its width and height in millimetres (portrait).
type Size struct {
	Name string
	W, H float64
}

// The label sizes: 4×6 in is the thermal-label standard (R-LBL-1), A6 is what the platform's
// documents use, 10×15 cm the metric near-equivalent of 4×6 in.
var (
	Size4x6   = Size{Name: "4x6", W: 101.6, H: 152.4}
	SizeA6    = Size{Name: "a6", W: 105, H: 148}
	Size10x15 = Size{Name: "10x15", W: 100, H: 150}
)

// Sizes lists the label sizes, the default first.
func Sizes() []Size { return []Size{Size4x6, SizeA6, Size10x15} }

// ParseSize returns the size named s (4x6, a6 or 10x15, any case; "" is 4x6).
func ParseSize(s string) (Size, error) {
	if s == "" {
		return Size4x6, nil
	}
	for _, z := range Sizes() {
		if strings.EqualFold(s, z.Name) {
			return z, nil
		}
	}
	return Size{}, fmt.Errorf("size %q is not one of 4x6, a6, 10x15", s)
}

// The printer resolutions labels are made for. R-LBL-2: below 203 dpi barcodes fail to scan.
const (
	DPI203 = 203
	DPI300 = 300
)

// ParseDPI returns the resolution s names (203 or 300; "" is 203).
func ParseDPI(s string) (int, error) {
	switch s {
	case "", "203":
		return DPI203, nil
	case "300":
		return DPI300, nil
	}
	return 0, fmt.Errorf("dpi %q is not 203 or 300 (R-LBL-2: at least 203 dpi)", s)
}

// Options say what the label is laid out for.
type Options struct {
	Size Size
	DPI  int
	// QRMarkets are the destinations whose labels carry the anti-counterfeit QR (R-LBL-5; the
	// configuration's markets.<CC>.qr_label). Nil: GB, DE and FR.
	QRMarkets []string
}

// WithDefaults fills the zero fields: 4×6 in at 203 dpi.
func (o Options) WithDefaults() Options {
	if o.Size == (Size{}) {
		o.Size = Size4x6
	}
	if o.DPI == 0 {
		o.DPI = DPI203
	}
	return o
}

// Validate reports options no renderer supports.
func (o Options) Validate() error {
	if o.DPI != DPI203 && o.DPI != DPI300 {
		return fmt.Errorf("dpi %d is not 203 or 300", o.DPI)
	}
	if _, err := ParseSize(o.Size.Name); err != nil || o.Size.W <= 0 || o.Size.H <= 0 {
		return fmt.Errorf("size %q is not one of 4x6, a6, 10x15", o.Size.Name)
	}
	return nil
}

// dots converts millimetres to whole printer dots at dpi, rounding down.
func dotsFloor(mm float64, dpi int) int { return int(mm*float64(dpi)/25.4 + 1e-9) }

// PageDots is the printable width and height of a page of size s at dpi, in whole dots (the
// ZPL ^PW and ^LL): 812×1218 for 4×6 in at 203 dpi.
func PageDots(s Size, dpi int) (w, h int) { return dotsFloor(s.W, dpi), dotsFloor(s.H, dpi) }
