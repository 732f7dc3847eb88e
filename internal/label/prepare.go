package label

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"lastmile/internal/address"
	"lastmile/internal/model"
	"lastmile/internal/trackno"
)

// Problem codes of a label that cannot be rendered, besides the address package's codes
// (missing_field, non_latin_script, postal_code_format, country_unknown) and trackno's reasons
// for a tracking number (illegal_character, check_digit_mismatch, wrong_carrier, …). They are
// part of the API and CLI contract.
const (
	CodeOutOfRange     = "out_of_range"       // a number outside what a label can say
	CodeFieldTooLong   = "field_too_long"     // longer than any label prints
	CodeBarcodeTooLong = "barcode_too_long"   // the tracking number is too long to scan at the minimum module
	CodeCurrency       = "currency_unknown"   // not an ISO 4217 currency code
	CodeHSCode         = "hs_code_format"     // not 6 to 10 digits
	CodeQRContent      = "qr_content_invalid" // anti_counterfeit_qr cannot be encoded
)

// maxFieldRunes bounds every text field: far more than a label prints (long text is fitted),
// low enough that hostile input costs nothing.
const maxFieldRunes = 200

// antiCounterfeitMarkets are the destinations whose sort centres refuse a parcel without the
// platform's anti-counterfeit QR (R-LBL-5) when Options.QRMarkets is nil: the configuration's
// defaults (qr_label).
var antiCounterfeitMarkets = []string{"GB", "DE", "FR"}

// QR parameters of the anti-counterfeit symbol (R-LBL-5).
const (
	qrLevel      = qrLevelM
	qrMinVersion = 3 // a smaller symbol has bigger modules and so a quiet zone too big for the label
	// QRMinMM is the smallest side of the anti-counterfeit QR symbol, quiet zone excluded.
	QRMinMM = 50.0
	// QRQuietModules is the quiet zone around a QR symbol, in modules (ISO/IEC 18004).
	QRQuietModules = 4
)

// Code 128 module limits, in millimetres. R-LBL-2: below 0.25 mm (2 dots at 203 dpi) bars
// fail to scan; above 0.5 mm nothing is gained and long numbers stop fitting.
const (
	MinModuleMM = 0.25
	MaxModuleMM = 0.51
	// MinBarHeightMM is the smallest height of the Code 128 bars.
	MinBarHeightMM = 15.0
	// MarginMM is the clear border of the label, which label stock and printers need.
	MarginMM = 2.0
)

// Prepared is a label that passed every check for its options, normalised and in the
// printable repertoire. Layout cannot fail on it.
type Prepared struct {
	opt       Options
	tracking  string
	code      code128
	module    int // Code 128 module, dots
	qr        *qrSymbol
	qrContent string

	carrier, service, order, sortCode string
	from, to                          shownAddress
	pkg, weight, cod                  string
	battery, crossBorder              bool
	customs                           *shownCustoms
}

// shownAddress is an address as printed.
type shownAddress struct {
	name, company, line1, line2 string
	cityLines                   []string // city, region and postal code in the national format
	country                     string   // ISO code
	countryName                 string
	phone                       string
}

type shownCustoms struct{ contents, value, hsCode string }

// TrackingNumber is the normalised tracking number the barcode encodes.
func (p *Prepared) TrackingNumber() string { return p.tracking }

// Options are the options p was prepared for.
func (p *Prepared) Options() Options { return p.opt }

// HasQR reports whether the label carries the anti-counterfeit QR (R-LBL-5).
func (p *Prepared) HasQR() bool { return p.qr != nil }

// problems collects what is wrong with one label.
type problems struct{ list []model.FieldError }

// add records a problem, once: the address checks and the label's own may both see a
// non-Latin region.
func (p *problems) add(code, field, msg string) {
	for _, q := range p.list {
		if q.Code == code && q.Field == field {
			return
		}
	}
	p.list = append(p.list, model.FieldError{Code: code, Field: field, Message: msg})
}

func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	return &model.ValidationError{Problems: p.list}
}

// Prepare normalises l and checks it for opt: every problem is reported, each naming its
// field by JSON path (to.postal_code, customs.hs_code), in a *model.ValidationError.
func Prepare(l Label, opt Options) (*Prepared, error) {
	opt = opt.WithDefaults()
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	var pr problems
	p := &Prepared{opt: opt}

	for _, f := range []struct{ name, v string }{
		{"tracking_number", l.TrackingNumber}, {"carrier", l.Carrier}, {"service", l.Service},
		{"order_external_id", l.OrderExternalID}, {"sort_code", l.SortCode},
	} {
		if tooLong(&pr, f.name, f.v) {
			return nil, pr.err()
		}
	}
	for _, a := range []struct {
		name string
		a    model.Address
	}{{"from", l.From}, {"to", l.To}} {
		for _, f := range addressFields(a.a) {
			if tooLong(&pr, a.name+"."+f.name, f.v) {
				return nil, pr.err()
			}
		}
	}
	if l.Customs != nil && (tooLong(&pr, "customs.contents", l.Customs.Contents) || tooLong(&pr, "customs.hs_code", l.Customs.HSCode)) {
		return nil, pr.err()
	}

	// Carrier and tracking number (R-LBL-3, R-SHIP-4).
	carrier := trackno.Carrier(strings.ToLower(strings.TrimSpace(l.Carrier)))
	switch {
	case carrier == "":
		pr.add(address.CodeMissingField, "carrier", "carrier is required: the carrier code, e.g. ups, royal-mail, jt-express (R-LBL-3)")
	case carrier.Known():
		p.carrier = carrier.Name()
	default:
		p.carrier = text(&pr, "carrier", l.Carrier)
	}
	p.tracking = trackingNumber(&pr, l.TrackingNumber, carrier)
	if p.tracking != "" {
		p.chooseModule(&pr)
	}
	p.service = required(&pr, "service", l.Service, "service is required: the carrier's service or channel, e.g. Ground (R-LBL-3)")
	p.order = required(&pr, "order_external_id", l.OrderExternalID, "order_external_id is required: the marketplace's order number (R-LBL-3)")
	p.sortCode = text(&pr, "sort_code", l.SortCode)

	// Addresses (R-LBL-3, R-LBL-4).
	p.from = shownAddr(&pr, "from", l.From, false)
	p.to = shownAddr(&pr, "to", l.To, true)
	p.crossBorder = p.from.country != "" && p.to.country != "" && p.from.country != p.to.country

	// Package n of m, weight.
	idx, count := l.PackageIndex, l.PackageCount
	if idx == 0 && count == 0 {
		idx, count = 1, 1
	}
	switch {
	case count < 1 || count > 999:
		pr.add(CodeOutOfRange, "package_count", fmt.Sprintf("package_count is %d; it must be 1 to 999 (0 with package_index 0 means 1 of 1)", l.PackageCount))
	case idx < 1 || idx > count:
		pr.add(CodeOutOfRange, "package_index", fmt.Sprintf("package_index is %d; it must be 1 to package_count (%d)", l.PackageIndex, count))
	default:
		p.pkg = fmt.Sprintf("%d of %d", idx, count)
	}
	switch {
	case l.WeightG < 0 || l.WeightG > 1_000_000:
		pr.add(CodeOutOfRange, "weight_g", fmt.Sprintf("weight_g is %d; it must be 0 (not printed) to 1000000 grams", l.WeightG))
	case l.WeightG > 0:
		p.weight = formatWeight(l.WeightG)
	}

	// COD (R-MKT-2).
	if l.COD != nil {
		switch s, err := formatMoney(*l.COD); {
		case err != nil:
			pr.add(CodeCurrency, "cod.currency", err.Error())
		case l.COD.Amount <= 0:
			pr.add(CodeOutOfRange, "cod.amount", "cod.amount must be positive (minor units, e.g. cents); send \"cod\":null when there is nothing to collect")
		default:
			p.cod = s
		}
	}
	p.battery = l.HasBattery // R-SHIP-6

	// Customs, printed for cross-border parcels only (R-SHIP-6).
	if p.crossBorder {
		p.customs = shownCustomsOf(&pr, l.Customs)
	}

	// The anti-counterfeit QR (R-LBL-5), for the QR markets only (GB, DE and FR by default);
	// ignored elsewhere.
	if isAntiCounterfeitMarket(opt.QRMarkets, p.to.country) {
		p.qr = antiCounterfeitQR(&pr, l.AntiCounterfeitQR, p.to.country)
		if p.qr != nil {
			p.qrContent = *l.AntiCounterfeitQR
		}
	}

	if err := pr.err(); err != nil {
		return nil, err
	}
	return p, nil
}

func isAntiCounterfeitMarket(markets []string, country string) bool {
	if markets == nil {
		markets = antiCounterfeitMarkets
	}
	for _, c := range markets {
		if c == country {
			return true
		}
	}
	return false
}

func tooLong(pr *problems, field, v string) bool {
	if len(v) <= maxFieldRunes || utf8.RuneCountInString(v) <= maxFieldRunes {
		return false
	}
	pr.add(CodeFieldTooLong, field, fmt.Sprintf("%s is over %d characters; no label prints that much", field, maxFieldRunes))
	return true
}

type namedValue struct{ name, v string }

func addressFields(a model.Address) []namedValue {
	return []namedValue{{"name", a.Name}, {"company", a.Company}, {"line1", a.Line1}, {"line2", a.Line2},
		{"city", a.City}, {"region", a.Region}, {"postal_code", a.PostalCode}, {"country", a.Country},
		{"phone", a.Phone}, {"email", a.Email}}
}

// trackingNumber normalises and checks the number (R-SHIP-4): a number with illegal
// characters, a wrong check digit or a wrong length for its carrier is refused. A number of a
// carrier trackno does not know is accepted when it is clean and no checksum carrier's format
// rejects it.
func trackingNumber(pr *problems, in string, carrier trackno.Carrier) string {
	if strings.TrimSpace(in) == "" {
		pr.add(address.CodeMissingField, "tracking_number", "tracking_number is required")
		return ""
	}
	norm, err := trackno.Normalize(in)
	if err != nil {
		var te *trackno.Error
		code := string(trackno.ReasonIllegalCharacter)
		if errors.As(err, &te) {
			code = string(te.Reason)
		}
		pr.add(code, "tracking_number", err.Error())
		return ""
	}
	var r trackno.Result
	if carrier.Known() {
		r = trackno.CheckAs(norm, carrier)
	} else {
		r = trackno.Check(norm)
	}
	if !r.Valid && (carrier.Known() || r.Reason == trackno.ReasonCheckDigitMismatch || r.Reason == trackno.ReasonWrongLength) {
		pr.add(string(r.Reason), "tracking_number", r.Message)
		return ""
	}
	return norm
}

// chooseModule encodes the tracking number and picks the widest Code 128 module, a whole
// number of dots from MinModuleMM to MaxModuleMM, at which the symbol with its quiet zones
// fits the label inside its margins.
func (p *Prepared) chooseModule(pr *problems) {
	c, err := encode128(p.tracking)
	if err != nil { // cannot happen: trackno normalises to letters and digits
		pr.add(CodeBarcodeTooLong, "tracking_number", "tracking number cannot be encoded in Code 128: "+err.Error())
		return
	}
	p.code = c
	dpi := p.opt.DPI
	avail, bars := barcodeRoom(p.opt)
	total := c.modules + 2*QuietZoneModules
	for d := dotsFloor(MaxModuleMM, dpi); float64(d)*25.4/float64(dpi) >= MinModuleMM-0.005; d-- {
		if total*d <= avail && c.modules*d <= bars {
			p.module = d
			return
		}
	}
	minDots := minModuleDots(dpi)
	pr.add(CodeBarcodeTooLong, "tracking_number", fmt.Sprintf(
		"tracking number %s needs %d Code 128 modules with its quiet zones: %.1f mm at the smallest module that scans reliably (%.3f mm), more than the %.1f mm of a %s label",
		p.tracking, total, float64(total*minDots)*25.4/float64(dpi), float64(minDots)*25.4/float64(dpi), float64(avail)*25.4/float64(dpi), p.opt.Size.Name))
}

// barcodeEdgeMM is the least white between the quiet zones and the label's edge: the quiet
// zones are white label, so they may use the margin, but not reach the cut edge.
const barcodeEdgeMM = 0.5

// barcodeRoom is the width a Code 128 may take with its quiet zones, and the width its bars
// may take (inside the margins), in dots.
func barcodeRoom(o Options) (withQuietZones, bars int) {
	return dotsFloor(o.Size.W-2*barcodeEdgeMM, o.DPI), dotsFloor(o.Size.W-2*MarginMM, o.DPI)
}

func minModuleDots(dpi int) int {
	d := dotsFloor(MinModuleMM, dpi)
	if float64(d)*25.4/float64(dpi) < MinModuleMM-0.005 {
		d++
	}
	return d
}

func antiCounterfeitQR(pr *problems, content *string, country string) *qrSymbol {
	if content == nil || strings.TrimSpace(*content) == "" {
		pr.add(address.CodeMissingField, "anti_counterfeit_qr", fmt.Sprintf(
			"anti_counterfeit_qr is required for parcels to %s: without the platform's anti-counterfeit QR the sort centre refuses the parcel (R-LBL-5)", country))
		return nil
	}
	s := *content
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			pr.add(CodeQRContent, "anti_counterfeit_qr", fmt.Sprintf(
				"anti_counterfeit_qr has a character that is not printable ASCII at byte %d; send the platform's content unchanged", i+1))
			return nil
		}
	}
	q, err := encodeQR(s, qrLevel, qrMinVersion)
	if err != nil {
		pr.add(CodeQRContent, "anti_counterfeit_qr", fmt.Sprintf(
			"anti_counterfeit_qr is %d characters; at most %d fit the label's QR", len(s), qrCapacity(qrMaxVersion, qrLevel)))
		return nil
	}
	return &q
}

// cleanASCII reports whether s is printable ASCII with single inner spaces: what text
// cleaning and folding leave unchanged.
func cleanASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' {
			if i == 0 || i == len(s)-1 || s[i+1] == ' ' {
				return false
			}
			continue
		}
		if c < 0x21 || c > 0x7e {
			return false
		}
	}
	return true
}

// text cleans a free-text field the way address fields are cleaned (full-width forms,
// Chinese punctuation, stray spaces: address.Normalize) and checks it is Latin script
// (R-LBL-4), reusing the address package's check; it returns the printable form.
func text(pr *problems, field, s string) string {
	if cleanASCII(s) {
		return s
	}
	r := address.Check(model.Address{Name: s})
	for _, q := range r.Problems {
		if q.Field == "name" && q.Code == address.CodeNonLatinScript {
			pr.add(q.Code, field, field+strings.TrimPrefix(q.Message, "name")+"; "+q.Suggestion)
			return ""
		}
	}
	return fold(r.Normalized.Name)
}

func required(pr *problems, field, s, msg string) string {
	v := text(pr, field, s)
	if v == "" && strings.TrimSpace(s) == "" {
		pr.add(address.CodeMissingField, field, msg)
	}
	return v
}

// refusedAddressProblems are the address checks a label cannot be printed without: a missing
// field, non-Latin script, a postal code not in the national format, an unknown country
// (R-LBL-3, R-LBL-4). The others (a long field, an unknown region, a region that does not
// match the postal code, an invalid phone) are the order checks' business: the label prints
// what it is given.
var refusedAddressProblems = map[string]bool{
	address.CodeMissingField:     true,
	address.CodeNonLatinScript:   true,
	address.CodePostalCodeFormat: true,
	address.CodeCountryUnknown:   true,
}

// regionCodeCountries print the region as its postal abbreviation (CA, ON, NSW); elsewhere
// the normalised region is an ISO number (MY 14, TH 10) that means nothing on a parcel, so
// the region is printed as given.
var regionCodeCountries = map[string]bool{"US": true, "CA": true, "AU": true}

// senderHint replaces the address checks' buyer-facing fixes on the from address.
var senderHint = map[string]string{
	"name": "enter the sender's name, the seller's or the warehouse's, as it should appear on the label (R-LBL-3)",
}

func shownAddr(pr *problems, who string, a model.Address, recipient bool) shownAddress {
	r := address.Check(a)
	for _, q := range r.Problems {
		if !refusedAddressProblems[q.Code] || q.Field == "phone" || q.Field == "email" {
			continue
		}
		msg, fix := q.Message, q.Suggestion
		if !recipient {
			// The address checks speak of the buyer; here the fix is the sender's (R-LBL-3).
			msg = "sender address: " + msg
			if s, ok := senderHint[q.Field]; ok && q.Code == address.CodeMissingField {
				fix = s
			}
		}
		if fix != "" {
			msg += "; " + fix
		}
		pr.add(q.Code, who+"."+q.Field, msg)
	}
	n := r.Normalized
	s := shownAddress{
		name: fold(n.Name), company: fold(n.Company), line1: fold(n.Line1), line2: fold(n.Line2),
		country: n.Country, countryName: countryName(n.Country),
	}
	region := n.Region
	if !regionCodeCountries[n.Country] {
		region = text(pr, who+".region", a.Region)
	}
	s.cityLines = cityLines(n.Country, fold(n.City), fold(region), fold(n.PostalCode))
	if recipient && n.Phone != "" {
		s.phone = text(pr, who+".phone", n.Phone)
	}
	return s
}

func shownCustomsOf(pr *problems, c *Customs) *shownCustoms {
	if c == nil {
		pr.add(address.CodeMissingField, "customs", "customs is required when from and to are in different countries: contents, value and hs_code (R-SHIP-6)")
		return nil
	}
	s := &shownCustoms{}
	s.contents = required(pr, "customs.contents", c.Contents, "customs.contents is required: the declared item name, matching the goods (R-SHIP-6)")
	switch v, err := formatMoney(c.Value); {
	case err != nil:
		pr.add(CodeCurrency, "customs.value.currency", err.Error())
	case c.Value.Amount < 0:
		pr.add(CodeOutOfRange, "customs.value.amount", "customs.value.amount must not be negative (minor units, e.g. cents)")
	default:
		s.value = v
	}
	hs := strings.Map(func(r rune) rune {
		if r == '.' || r == ' ' || r == '-' {
			return -1
		}
		return r
	}, c.HSCode)
	switch {
	case hs == "":
		pr.add(address.CodeMissingField, "customs.hs_code", "customs.hs_code is required: the 6-digit Harmonized System code, e.g. 610910")
	case len(hs) < 6 || len(hs) > 10 || strings.Trim(hs, "0123456789") != "":
		pr.add(CodeHSCode, "customs.hs_code", fmt.Sprintf("customs.hs_code %q is not an HS code: 6 digits, or a national extension of 8 to 10 (dots and spaces allowed)", c.HSCode))
	default:
		s.hsCode = hs
	}
	return s
}

// LabelError is a label of a batch that cannot be rendered: its index in the input and why
// (a *model.ValidationError naming the fields).
type LabelError struct {
	Index int
	Err   error
}

func (e *LabelError) Error() string { return fmt.Sprintf("label[%d]: %v", e.Index, e.Err) }

func (e *LabelError) Unwrap() error { return e.Err }

// BatchError is a batch refused because some of its labels cannot be rendered: every such
// label, in input order, each with all its problems (a *LabelError). Total is the batch size.
type BatchError struct {
	Labels []*LabelError
	Total  int
}

func (e *BatchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d of %d labels cannot be rendered", len(e.Labels), e.Total)
	for _, le := range e.Labels {
		b.WriteString("; ")
		b.WriteString(le.Error())
	}
	return b.String()
}

// Unwrap is every label's error, so errors.As finds the first *LabelError.
func (e *BatchError) Unwrap() []error {
	out := make([]error, len(e.Labels))
	for i, le := range e.Labels {
		out[i] = le
	}
	return out
}

// PrepareAll prepares every label, so that a batch is refused before anything is written.
// When some cannot be rendered it returns a *BatchError with every one of them: a clerk fixes
// the batch once, not once per bad label.
func PrepareAll(labels []Label, opt Options) ([]*Prepared, error) {
	out := make([]*Prepared, len(labels))
	var bad []*LabelError
	for i, l := range labels {
		p, err := Prepare(l, opt)
		if err != nil {
			bad = append(bad, &LabelError{Index: i, Err: err})
			continue
		}
		out[i] = p
	}
	if len(bad) > 0 {
		return nil, &BatchError{Labels: bad, Total: len(labels)}
	}
	return out, nil
}
