// Package manifestdoc writes the end-of-day manifest of one carrier and one warehouse
// (R-SHIP-5): the scan form handed to the driver with the parcels, which the driver counts,
// signs and keeps a copy of, as a PDF to print, and the same list as a CSV file for the
// seller's records and spreadsheets.
//
// The input is a plain Sheet, filled by the shipping package from its manifest; this package
// imports nothing of shipping, so the documents can be tested and changed on their own. The
// same sheet always gives the same bytes: the PDF's dates are fixed, not the time of writing.
package manifestdoc

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"lastmile/internal/label"
	"lastmile/internal/model"
)

// Sheet is one manifest: the parcels one carrier collects from one warehouse on one day.
type Sheet struct {
	// ManifestID is lastmile's id of the manifest, printed as a Code 128 barcode the driver
	// can scan; printable ASCII.
	ManifestID string
	// Carrier is the carrier's code (ups, royal-mail, …); CarrierName its name as printed.
	Carrier, CarrierName string
	// CarrierRef is the carrier's own reference for the manifest (a SCAN form or close-out
	// number), printed, with a barcode of its own when it is printable ASCII; may be empty.
	CarrierRef string
	Warehouse  Warehouse
	// ShipDate is the day of collection in the warehouse's time zone, YYYY-MM-DD.
	ShipDate string
	// CreatedAt is when the manifest was closed, printed in its own location (pass it in the
	// warehouse's zone).
	CreatedAt time.Time
	// Pickup is the carrier's pickup confirmation or window, as the carrier gave it; may be
	// empty.
	Pickup string
	// Rows are the parcels, in the order printed.
	Rows []Row
	// Paper is the PDF's paper size: A4 (the zero value) or Letter.
	Paper Paper
}

// Warehouse is the warehouse the parcels leave from.
type Warehouse struct {
	Code, Name string
	Address    model.Address
}

// Row is one parcel on the manifest.
type Row struct {
	TrackingNumber string
	OrderNumber    string // the marketplace's order number
	PackageID      string // lastmile's package id
	Service        string
	WeightG        int64
	COD            *model.Money // the amount the driver collects on delivery (R-MKT-2); nil when prepaid
}

// Paper is a paper size for the PDF.
type Paper int

// The paper sizes: A4 everywhere but North America, which uses Letter.
const (
	A4 Paper = iota
	Letter
)

// totals are the figures of the summary and the signature block.
type totals struct {
	parcels int
	weightG int64
	cod     []model.Money // per currency, sorted by code
	codRows int
}

// check refuses a sheet the documents cannot show truthfully: a manifest id the barcode cannot
// hold, a parcel without a tracking number, a negative weight, or an amount in a currency that
// is not ISO 4217 (its decimals are unknown). It returns the totals.
func (s Sheet) check() (totals, error) {
	var t totals
	if _, err := label.Code128(s.ManifestID); err != nil {
		return t, fmt.Errorf("manifest id %q cannot be printed as a barcode: %w", s.ManifestID, err)
	}
	cod := map[string]int64{}
	for i, r := range s.Rows {
		if strings.TrimSpace(r.TrackingNumber) == "" {
			return t, fmt.Errorf("manifest %s row %d: the tracking number is empty", s.ManifestID, i+1)
		}
		if r.WeightG < 0 {
			return t, fmt.Errorf("manifest %s row %d (%s): weight %d g is negative", s.ManifestID, i+1, r.TrackingNumber, r.WeightG)
		}
		t.weightG += r.WeightG
		if r.COD != nil {
			if _, ok := model.CurrencyScale(r.COD.Currency); !ok {
				return t, fmt.Errorf("manifest %s row %d (%s): COD currency %q is not an ISO 4217 code such as USD or IDR",
					s.ManifestID, i+1, r.TrackingNumber, r.COD.Currency)
			}
			cod[r.COD.Currency] += r.COD.Amount
			t.codRows++
		}
	}
	t.parcels = len(s.Rows)
	for code, amount := range cod {
		t.cod = append(t.cod, model.Money{Amount: amount, Currency: code})
	}
	sort.Slice(t.cod, func(i, j int) bool { return t.cod[i].Currency < t.cod[j].Currency })
	return t, nil
}

// formatAmount writes an amount in minor units in major units with the currency's decimals,
// without grouping: 1299 with scale 2 is "12.99". The CSV file carries amounts so.
func formatAmount(v int64, scale int) string {
	neg := v < 0
	u := uint64(v)
	if neg {
		u = uint64(-(v + 1)) + 1 // -MinInt64 does not fit int64
	}
	digits := strconv.FormatUint(u, 10)
	if scale > 0 {
		if len(digits) <= scale {
			digits = strings.Repeat("0", scale-len(digits)+1) + digits
		}
		digits = digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
	}
	if neg {
		return "-" + digits
	}
	return digits
}

// formatMoney writes money as printed, the code first and thousands grouped: "IDR 149,000.00".
// The currency was checked.
func formatMoney(m model.Money) string {
	scale, _ := model.CurrencyScale(m.Currency)
	s := formatAmount(m.Amount, scale)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	out := m.Currency + " " + sign + groupThousands(whole)
	if frac != "" {
		out += "." + frac
	}
	return out
}

// formatKG writes grams as kilograms with three decimals, grouped: 1234567 → "1,234.567".
// Three decimals, so that the rows add up to the total exactly.
func formatKG(g int64) string {
	s := formatAmount(g, 3)
	whole, frac, _ := strings.Cut(s, ".")
	return groupThousands(whole) + "." + frac
}

// groupThousands puts commas between groups of three digits (a leading minus sign is kept).
func groupThousands(digits string) string {
	sign := ""
	if strings.HasPrefix(digits, "-") {
		sign, digits = "-", digits[1:]
	}
	if len(digits) <= 3 {
		return sign + digits
	}
	var b strings.Builder
	b.WriteString(sign)
	head := len(digits) % 3
	if head == 0 {
		head = 3
	}
	b.WriteString(digits[:head])
	for i := head; i < len(digits); i += 3 {
		b.WriteByte(',')
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}
