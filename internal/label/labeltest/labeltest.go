// Package labeltest holds what the label packages' tests share: sample labels for every
// market, generated tracking numbers, barcode decoding of rendered images with gozxing (and
// with Debian's zbarimg and pdftoppm, which tests find through testtool), a rasteriser for the bars of the PDFs the pdf
// package writes, and the layout invariants every page must keep. It is imported by tests
// only.
package labeltest

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"lastmile/internal/label"
	"lastmile/internal/model"
)

// Example is the label of the JSON example: UPS Ground, US to US.
func Example() label.Label {
	return label.Label{
		TrackingNumber: "1Z999AA10123456784", Carrier: "ups", Service: "Ground", OrderExternalID: "576461413038785752",
		PackageIndex: 1, PackageCount: 1, WeightG: 450, SortCode: "LAX-03",
		From: model.Address{Name: "Shenzhen Seller Ltd", Line1: "1 Warehouse Way", City: "Ontario", Region: "CA", PostalCode: "91761", Country: "US"},
		To: model.Address{Name: "Jane Doe", Line1: "1600 Amphitheatre Pkwy", City: "Mountain View", Region: "CA", PostalCode: "94043",
			Country: "US", Phone: "+16505550100"},
		Customs: &label.Customs{Contents: "Cotton T-shirt", Value: model.Money{Amount: 1299, Currency: "USD"}, HSCode: "610910"},
	}
}

// ExampleJSON is Example as the issue wrote it.
const ExampleJSON = `{"tracking_number":"1Z999AA10123456784","carrier":"ups","service":"Ground","order_external_id":"576461413038785752",
 "package_index":1,"package_count":1,"weight_g":450,"sort_code":"LAX-03",
 "from":{"name":"Shenzhen Seller Ltd","line1":"1 Warehouse Way","city":"Ontario","region":"CA","postal_code":"91761","country":"US"},
 "to":{"name":"Jane Doe","line1":"1600 Amphitheatre Pkwy","city":"Mountain View","region":"CA","postal_code":"94043","country":"US","phone":"+16505550100"},
 "cod":null,"has_battery":false,"anti_counterfeit_qr":null,
 "customs":{"contents":"Cotton T-shirt","value":{"amount":1299,"currency":"USD"},"hs_code":"610910"}}`

// QRContent is a made-up anti-counterfeit QR content of the usual length.
const QRContent = "https://ac.example-platform.com/v1/GB/7F3K9QX2M4P8R1T6"

// MarketCase is a sample recipient in one market and the city line(s) its label must print
// (R-LBL-4: city and postal code in the destination's format).
type MarketCase struct {
	Market    string
	To        model.Address
	CityLines []string
}

// Markets are the markets of R-MKT-1, one recipient each.
func Markets() []MarketCase {
	return []MarketCase{
		{"US", model.Address{Name: "Jane Doe", Line1: "1600 Amphitheatre Pkwy", City: "Mountain View", Region: "California", PostalCode: "94043-1351", Country: "US", Phone: "+16505550100"},
			[]string{"Mountain View, CA 94043-1351"}},
		{"GB", model.Address{Name: "Oliver Smith", Line1: "10 Downing Street", City: "London", PostalCode: "sw1a2aa", Country: "UK", Phone: "+442079460000"},
			[]string{"LONDON", "SW1A 2AA"}},
		{"DE", model.Address{Name: "Jürgen Müller", Line1: "Unter den Linden 77", City: "Berlin", PostalCode: "10117", Country: "DE", Phone: "+49301234567"},
			[]string{"10117 Berlin"}},
		{"FR", model.Address{Name: "Amélie Dubois", Line1: "8 Rue de Rivoli", City: "Paris", PostalCode: "75004", Country: "FR", Phone: "+33142764040"},
			[]string{"75004 Paris"}},
		{"ID", model.Address{Name: "Budi Santoso", Line1: "Jl. Jend. Sudirman No. 1", City: "Jakarta Selatan", Region: "DKI Jakarta", PostalCode: "12190", Country: "ID", Phone: "+62215150000"},
			[]string{"Jakarta Selatan, DKI Jakarta 12190"}},
		{"TH", model.Address{Name: "Somchai Jaidee", Line1: "999 Rama I Rd", City: "Pathum Wan", Region: "Bangkok", PostalCode: "10330", Country: "TH", Phone: "+6621234567"},
			[]string{"Pathum Wan, Bangkok 10330"}},
		{"VN", model.Address{Name: "Nguyễn Văn An", Line1: "2 Hai Bà Trưng", City: "Quận 1", Region: "Ho Chi Minh City", PostalCode: "700000", Country: "VN", Phone: "+842838221234"},
			[]string{"Quan 1, Ho Chi Minh City 700000"}},
		{"MY", model.Address{Name: "Ahmad Ismail", Line1: "1 Jalan Ampang", City: "Kuala Lumpur", Region: "W.P. Kuala Lumpur", PostalCode: "50450", Country: "MY", Phone: "+60321234567"},
			[]string{"50450 Kuala Lumpur, W.P. Kuala Lumpur"}},
		{"PH", model.Address{Name: "Maria Santos", Line1: "6750 Ayala Ave", City: "Makati", Region: "Metro Manila", PostalCode: "1226", Country: "PH", Phone: "+63281234567"},
			[]string{"Makati, Metro Manila 1226"}},
		{"SG", model.Address{Name: "Tan Wei Ling", Line1: "1 Raffles Place", Line2: "#20-01", PostalCode: "048616", Country: "SG", Phone: "+6561234567"},
			[]string{"SINGAPORE 048616"}},
	}
}

// For returns Example sent to to, with the anti-counterfeit QR content where the market needs
// one (R-LBL-5).
func For(to model.Address) label.Label {
	l := Example()
	l.To = to
	switch strings.ToUpper(to.Country) {
	case "GB", "UK", "DE", "FR":
		s := QRContent
		l.AntiCounterfeitQR = &s
	}
	return l
}

// TrackingNumbers returns n distinct tracking numbers from a fixed seed, of lengths 8 to 30,
// in three character sets (digits only, capitals only, capitals and digits mixed) and with
// runs of digits of every length, so the barcodes use subset B, subset C and switches between
// them. A carrier trackno does not know takes any of them, except those that happen to look
// like a checksum carrier's number with a wrong check digit: accept filters those out.
func TrackingNumbers(n int, seed uint64, accept func(string) bool) []string {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	const digits = "0123456789"
	const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	seen := map[string]bool{}
	out := make([]string, 0, n)
	for len(out) < n {
		length := 8 + r.IntN(23)
		var b strings.Builder
		switch len(out) % 3 {
		case 0: // digits only: subset C, a B tail when odd
			for range length {
				b.WriteByte(digits[r.IntN(10)])
			}
		case 1: // capitals only: subset B
			for range length {
				b.WriteByte(letters[r.IntN(26)])
			}
		default: // mixed, in runs of 1 to 8
			for b.Len() < length {
				set := letters
				if r.IntN(2) == 0 {
					set = digits
				}
				for k := 1 + r.IntN(8); k > 0 && b.Len() < length; k-- {
					b.WriteByte(set[r.IntN(len(set))])
				}
			}
		}
		s := b.String()
		if seen[s] || (accept != nil && !accept(s)) {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// UPS returns a UPS 1Z number with a correct check digit for the 15 characters after "1Z",
// computed from the published rule (letters map to digits by their position, odd positions
// once, even twice, from the next multiple of ten).
func UPS(data string) string {
	sum := 0
	for i := 0; i < len(data); i++ {
		c := data[i]
		v := int(c - '0')
		if c >= 'A' && c <= 'Z' {
			v = int(c-'A'+2) % 10
		}
		if i%2 == 1 {
			v *= 2
		}
		sum += v
	}
	return "1Z" + data + strconv.Itoa((10-sum%10)%10)
}

// Field returns the texts of the page that show field, in order.
func Field(p *label.Page, field string) []string {
	var out []string
	for _, e := range p.Elements {
		if t, ok := e.(label.Text); ok && t.Field == field {
			out = append(out, t.S)
		}
	}
	return out
}

// Texts returns every text of the page.
func Texts(p *label.Page) []label.Text {
	var out []label.Text
	for _, e := range p.Elements {
		if t, ok := e.(label.Text); ok {
			out = append(out, t)
		}
	}
	return out
}

// Describe is a one-line summary of an element, for failure messages.
func Describe(e label.Element) string {
	switch e := e.(type) {
	case label.Text:
		return fmt.Sprintf("text %s %q at (%.1f, %.1f) %.1fpt", e.Field, e.S, e.X, e.Y, e.Size)
	case label.Box:
		return fmt.Sprintf("box (%.1f, %.1f) %.1f×%.1f", e.X, e.Y, e.W, e.H)
	case label.Barcode:
		return fmt.Sprintf("barcode %s at (%d, %d)", e.Data, e.X, e.Y)
	case label.QR:
		return fmt.Sprintf("qr at (%d, %d) %d modules of %d dots", e.X, e.Y, e.N, e.Module)
	}
	return "?"
}
