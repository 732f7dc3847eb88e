package address

import "strings"

// postalFormat is one country's postal-code format (R-LBL-4: the postal code must be in the
// destination country's format). format gets the compact code (upper-case letters and digits
// only) and returns the national form ("SW1A1AA" → "SW1A 1AA") and whether the code fits the
// format at all. A postal code is valid when it is already in its national form, so Normalize
// and Validate cannot disagree.
type postalFormat struct {
	hint string // how the code looks, for the suggestion
	// format appends the national form of compact code c to out (a buffer, so that a code
	// already in its national form costs no allocation) and reports whether c fits.
	format postalRule
	// prefixes are country prefixes some senders put in front of the code ("D-10115",
	// "NL-1234 AB", "SE-114 55"); they are dropped when what follows fits the format.
	prefixes []string
}

// postalFormats holds the formats of our markets (R-MKT-1) and of some neighbours. A country
// listed here uses postal codes, so the postal code is required there (R-ORD-6) unless it is
// in postalCodeOptional.
var postalFormats = map[string]postalFormat{
	"US": {hint: "US ZIP codes are 5 digits or ZIP+4 (12345 or 12345-6789)", format: postalRule{shape: shapeUS}},
	"CA": {hint: "Canadian postal codes are letter-digit-letter digit-letter-digit (K1A 0B1)", format: postalRule{shape: shapeCA}},
	"GB": {hint: "UK postcodes are an outward code, a space and an inward code (SW1A 1AA, M1 1AE, B33 8TH)", format: postalRule{shape: shapeGB}},
	"IE": {hint: "Eircodes are a routing key and a 4-character identifier (D02 X285, A65 F4E2)", format: postalRule{shape: shapeIE}},
	"DE": {hint: "German postcodes are 5 digits (10115)", format: digitsFrom(5, "01"), prefixes: []string{"DE", "D"}},
	"FR": {hint: "French postcodes are 5 digits (75008)", format: digitsFrom(5, "01"), prefixes: []string{"FR", "F"}},
	"ES": {hint: "Spanish postcodes are 5 digits starting 01 to 52 (28013)", format: postalRule{shape: shapeES}, prefixes: []string{"ES", "E"}},
	"IT": {hint: "Italian CAP codes are 5 digits (00184)", format: digitsFrom(5, "00"), prefixes: []string{"IT", "I"}},
	"NL": {hint: "Dutch postcodes are 4 digits, a space and 2 letters (1012 AB)", format: postalRule{shape: shapeNL}, prefixes: []string{"NL"}},
	"BE": {hint: "Belgian postcodes are 4 digits (1000)", format: digitsFrom(4, "10"), prefixes: []string{"BE", "B"}},
	"PL": {hint: "Polish postcodes are 2 digits, a hyphen and 3 digits (00-950)", format: split(5, 2, '-'), prefixes: []string{"PL"}},
	"SE": {hint: "Swedish postcodes are 3 digits, a space and 2 digits (114 55)", format: postalRule{shape: shapeSE}, prefixes: []string{"SE", "S"}},
	"JP": {hint: "Japanese postal codes are 3 digits, a hyphen and 4 digits (100-0001)", format: split(7, 3, '-'), prefixes: []string{"JP"}},
	"KR": {hint: "Korean postal codes are 5 digits (04524)", format: digitsFrom(5, "01")},
	"AU": {hint: "Australian postcodes are 4 digits (2000)", format: postalRule{shape: shapeAU}},
	"NZ": {hint: "New Zealand postcodes are 4 digits (6011)", format: digitsFrom(4, "01")},
	"MX": {hint: "Mexican postal codes are 5 digits (06600)", format: digitsFrom(5, "01")},
	"BR": {hint: "Brazilian CEPs are 5 digits, a hyphen and 3 digits (01310-100)", format: split(8, 5, '-')},
	"SA": {hint: "Saudi postal codes are 5 digits, optionally with a 4-digit extension (12345 or 12345-6789)", format: postalRule{shape: shapeSA}},
	"ID": {hint: "Indonesian postal codes are 5 digits (10110)", format: digitsFrom(5, "10")},
	"TH": {hint: "Thai postal codes are 5 digits (10110)", format: digitsFrom(5, "10")},
	"VN": {hint: "Vietnamese postal codes are 5 digits (70000, 04000; the old 6-digit form 700000 is accepted)", format: postalRule{shape: shapeVN}},
	"MY": {hint: "Malaysian postcodes are 5 digits (50450)", format: digitsFrom(5, "01")},
	"PH": {hint: "Philippine ZIP codes are 4 digits (1000)", format: digitsFrom(4, "04")},
	"SG": {hint: "Singapore postal codes are 6 digits (018956)", format: digitsFrom(6, "01")},

	// Neighbours and frequent destinations: plain digit formats.
	"AT": {hint: "Austrian postcodes are 4 digits (1010)", format: digitsFrom(4, "10"), prefixes: []string{"AT", "A"}},
	"CH": {hint: "Swiss postcodes are 4 digits (8001)", format: digitsFrom(4, "10"), prefixes: []string{"CH"}},
	"DK": {hint: "Danish postcodes are 4 digits (1050)", format: digitsFrom(4, "08"), prefixes: []string{"DK"}},
	"NO": {hint: "Norwegian postcodes are 4 digits (0150)", format: digitsFrom(4, "00"), prefixes: []string{"NO", "N"}},
	"FI": {hint: "Finnish postcodes are 5 digits (00100)", format: digitsFrom(5, "00"), prefixes: []string{"FI"}},
	"LU": {hint: "Luxembourg postcodes are 4 digits (1009)", format: digitsFrom(4, "10"), prefixes: []string{"LU", "L"}},
	"PT": {hint: "Portuguese postcodes are 4 digits, a hyphen and 3 digits (1100-148)", format: split(7, 4, '-'), prefixes: []string{"PT"}},
	"CZ": {hint: "Czech postcodes are 3 digits, a space and 2 digits (110 00)", format: split(5, 3, ' '), prefixes: []string{"CZ"}},
	"SK": {hint: "Slovak postcodes are 3 digits, a space and 2 digits (811 01)", format: split(5, 3, ' '), prefixes: []string{"SK"}},
	"GR": {hint: "Greek postcodes are 3 digits, a space and 2 digits (105 57)", format: split(5, 3, ' '), prefixes: []string{"GR"}},
	"HU": {hint: "Hungarian postcodes are 4 digits (1051)", format: digitsFrom(4, "10")},
	"RO": {hint: "Romanian postcodes are 6 digits (010011)", format: digitsFrom(6, "01")},
	"CN": {hint: "Chinese postcodes are 6 digits (100000)", format: digitsFrom(6, "01")},
	"IN": {hint: "Indian PIN codes are 6 digits (110001)", format: digitsFrom(6, "11")},
	"TR": {hint: "Turkish postcodes are 5 digits (34000)", format: digitsFrom(5, "01")},
	"IL": {hint: "Israeli postcodes are 7 digits (6100000)", format: digitsFrom(7, "10")},
	"ZA": {hint: "South African postcodes are 4 digits (0001)", format: digitsFrom(4, "00")},
	"RU": {hint: "Russian postcodes are 6 digits (101000)", format: digitsFrom(6, "10")},
}

// postalCodeOptional lists markets where a postal code may be left empty although the country
// has a format above, or has no postal codes at all (R-ORD-6 asks for the postal code only
// where one exists). AE has no postal-code system; in VN carriers route by province, district
// and ward and buyers rarely know the (new 5-digit) code. A code that is given is still checked.
var postalCodeOptional = map[string]bool{"AE": true, "VN": true}

// postalRequired reports whether country needs a postal code on the label (R-ORD-6).
func postalRequired(country string) bool {
	_, known := postalFormats[country]
	return known && !postalCodeOptional[country]
}

// compactPostal keeps the upper-cased letters and digits of s and drops spaces, hyphens and
// dots. ok is false when s has any other character or is too long to be a postal code.
func compactPostal(buf []byte, s string) ([]byte, bool) {
	buf = buf[:0]
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9', c >= 'A' && c <= 'Z':
			buf = append(buf, c)
		case c >= 'a' && c <= 'z':
			buf = append(buf, c-'a'+'A')
		case c == ' ' || c == '-' || c == '.':
		default:
			return buf, false
		}
		if len(buf) > 12 {
			return buf, false
		}
	}
	return buf, true
}

// formatPostal returns the national form of postal code s for country, and whether s fits the
// country's format. For a country without a known format it returns s upper-cased, ok.
func formatPostal(country, s string) (string, bool) {
	f, known := postalFormats[country]
	if !known {
		return upperASCII(s), true
	}
	var cbuf, obuf [16]byte
	c, ok := compactPostal(cbuf[:0], s)
	if !ok {
		return upperASCII(s), false
	}
	out, ok := f.format.apply(obuf[:0], c)
	for _, p := range f.prefixes {
		if ok {
			break
		}
		if len(c) > len(p) && string(c[:len(p)]) == p {
			out, ok = f.format.apply(obuf[:0], c[len(p):])
		}
	}
	if !ok {
		return upperASCII(s), false
	}
	if string(out) == s {
		return s, true
	}
	return string(out), true
}

// normalizePostal is the Normalize step for the postal code: the national form when the code
// fits the country's format, otherwise the code upper-cased as typed (Validate reports it).
func normalizePostal(country, s string) string {
	out, _ := formatPostal(country, s)
	return out
}

// postalValid reports whether s is a postal code of country in its national form, and that form.
func postalValid(country, s string) (national string, valid bool) {
	out, ok := formatPostal(country, s)
	return out, ok && out == s
}

// upperASCII upper-cases the ASCII letters of s only, so that it never changes a non-Latin
// character (which Validate reports) and stays idempotent.
func upperASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'a' && s[i] <= 'z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'a' && b[j] <= 'z' {
					b[j] -= 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func allDigits[T string | []byte](c T) bool {
	if len(c) == 0 {
		return false
	}
	for i := 0; i < len(c); i++ {
		if c[i] < '0' || c[i] > '9' {
			return false
		}
	}
	return true
}

// postalRule is one country's format: a plain-digit shape with its figures, or a shape of its
// own (formatUS, formatGB, …). It is a value chosen by a switch, not a function value,
// because a call through a function value makes formatPostal's stack buffers escape: two
// allocations on every call, four for every address Check sees.
type postalRule struct {
	shape postalShape
	n, at int    // digits and split: the number of digits; split: where sep goes
	min   string // digits: the lowest first two digits
	sep   byte   // split: the separator
}

type postalShape uint8

const (
	shapeNone   postalShape = iota // the zero rule: nothing fits
	shapeDigits                    // n digits, the first two at least min
	shapeSplit                     // n digits, sep after the first at
	shapeUS
	shapeCA
	shapeGB
	shapeIE
	shapeES
	shapeNL
	shapeSE
	shapeAU
	shapeSA
	shapeVN
)

// apply appends the national form of compact code c to out and reports whether c fits.
func (r postalRule) apply(out, c []byte) ([]byte, bool) {
	switch r.shape {
	case shapeDigits:
		return append(out, c...), len(c) == r.n && allDigits(c) && string(c[:2]) >= r.min
	case shapeSplit:
		if len(c) != r.n || !allDigits(c) {
			return out, false
		}
		return splitAt(out, c, r.at, r.sep), true
	case shapeUS:
		return formatUS(out, c)
	case shapeCA:
		return formatCA(out, c)
	case shapeGB:
		return formatGB(out, c)
	case shapeIE:
		return formatIE(out, c)
	case shapeES:
		return formatES(out, c)
	case shapeNL:
		return formatNL(out, c)
	case shapeSE:
		return formatSE(out, c)
	case shapeAU:
		return formatAU(out, c)
	case shapeSA:
		return formatSA(out, c)
	case shapeVN:
		return formatVN(out, c)
	}
	return out, false
}

// digitsFrom is a format of n digits whose first two digits are at least min (so "00000" and
// other impossible ranges fail).
func digitsFrom(n int, min string) postalRule {
	return postalRule{shape: shapeDigits, n: n, min: min}
}

// split is a format of n digits written with sep after the first at digits.
func split(n, at int, sep byte) postalRule {
	return postalRule{shape: shapeSplit, n: n, at: at, sep: sep}
}

func splitAt(out, c []byte, at int, sep byte) []byte {
	out = append(out, c[:at]...)
	out = append(out, sep)
	return append(out, c[at:]...)
}

func formatUS(out, c []byte) ([]byte, bool) {
	if !allDigits(c) || len(c) < 5 || string(c[:5]) == "00000" {
		return out, false
	}
	switch len(c) {
	case 5:
		return append(out, c...), true
	case 9:
		return splitAt(out, c, 5, '-'), true
	}
	return out, false
}

func formatSA(out, c []byte) ([]byte, bool) {
	if !allDigits(c) || c[0] == '0' {
		return out, false
	}
	switch len(c) {
	case 5:
		return append(out, c...), true
	case 9:
		return splitAt(out, c, 5, '-'), true
	}
	return out, false
}

// formatVN: the national code since 2018 is 5 digits whose first two give the province, and
// the northern coastal provinces start with 0 (Quảng Ninh 01–02, Hải Dương 03, Hải Phòng 04–05,
// Thái Bình 06, Nam Định 07, Ninh Bình 08); the old 6-digit codes never did.
func formatVN(out, c []byte) ([]byte, bool) {
	if !allDigits(c) {
		return out, false
	}
	switch len(c) {
	case 5:
		return append(out, c...), string(c[:2]) >= "01"
	case 6:
		return append(out, c...), c[0] != '0'
	}
	return out, false
}

func formatES(out, c []byte) ([]byte, bool) {
	return append(out, c...), len(c) == 5 && allDigits(c) && string(c[:2]) >= "01" && string(c[:2]) <= "52"
}

func formatSE(out, c []byte) ([]byte, bool) {
	if len(c) != 5 || !allDigits(c) || c[0] == '0' {
		return out, false
	}
	return splitAt(out, c, 3, ' '), true
}

// formatAU: 4 digits; the only codes starting with 0 are ACT (02xx) and NT (08xx, 09xx).
func formatAU(out, c []byte) ([]byte, bool) {
	if len(c) != 4 || !allDigits(c) {
		return out, false
	}
	if c[0] == '0' && c[1] != '2' && c[1] != '8' && c[1] != '9' {
		return out, false
	}
	return append(out, c...), true
}

func formatNL(out, c []byte) ([]byte, bool) {
	if len(c) != 6 || !allDigits(c[:4]) || c[0] == '0' || !isLetter(c[4]) || !isLetter(c[5]) {
		return out, false
	}
	if l := string(c[4:]); l == "SA" || l == "SD" || l == "SS" {
		return out, false // never issued
	}
	return splitAt(out, c, 4, ' '), true
}

// Canadian postal codes never use D, F, I, O, Q or U, and W and Z never come first.
func formatCA(out, c []byte) ([]byte, bool) {
	if len(c) != 6 {
		return out, false
	}
	for i := 0; i < 6; i++ {
		if i%2 == 1 {
			if !isDigit(c[i]) {
				return out, false
			}
			continue
		}
		if !isLetter(c[i]) || strings.IndexByte("DFIOQU", c[i]) >= 0 {
			return out, false
		}
	}
	if c[0] == 'W' || c[0] == 'Z' {
		return out, false
	}
	return splitAt(out, c, 3, ' '), true
}

// formatGB checks the outward code (A9, A99, AA9, AA99, A9A, AA9A) and the inward code (9AA,
// whose letters never include C, I, K, M, O or V). GIR 0AA (Girobank) is the one exception.
func formatGB(out, c []byte) ([]byte, bool) {
	if len(c) < 5 || len(c) > 7 {
		return out, false
	}
	o, in := c[:len(c)-3], c[len(c)-3:]
	if string(c) == "GIR0AA" {
		return splitAt(out, c, 3, ' '), true
	}
	if !isDigit(in[0]) || !gbInwardLetter(in[1]) || !gbInwardLetter(in[2]) || !gbOutward(o) {
		return out, false
	}
	return splitAt(out, c, len(o), ' '), true
}

func gbInwardLetter(b byte) bool {
	return isLetter(b) && strings.IndexByte("CIKMOV", b) < 0
}

func gbOutward(o []byte) bool {
	if !isLetter(o[0]) || strings.IndexByte("QVX", o[0]) >= 0 {
		return false
	}
	switch len(o) {
	case 2: // A9
		return isDigit(o[1])
	case 3: // A99, AA9, A9A
		if isDigit(o[1]) {
			return isDigit(o[2]) || isLetter(o[2])
		}
		return isLetter(o[1]) && strings.IndexByte("IJZ", o[1]) < 0 && isDigit(o[2])
	case 4: // AA99, AA9A
		return isLetter(o[1]) && strings.IndexByte("IJZ", o[1]) < 0 && isDigit(o[2]) &&
			(isDigit(o[3]) || isLetter(o[3]))
	}
	return false
}

// formatIE checks an Eircode: a routing key (a letter from the Eircode set and two digits, or
// D6W) and a unique identifier of four characters from the Eircode set.
func formatIE(out, c []byte) ([]byte, bool) {
	const set = "ACDEFHKNPRTVWXY"
	if len(c) != 7 {
		return out, false
	}
	key, id := c[:3], c[3:]
	if string(key) != "D6W" && (strings.IndexByte(set, key[0]) < 0 || !isDigit(key[1]) || !isDigit(key[2])) {
		return out, false
	}
	for i := 0; i < 4; i++ {
		if !isDigit(id[i]) && strings.IndexByte(set, id[i]) < 0 {
			return out, false
		}
	}
	return splitAt(out, c, 3, ' '), true
}

func isDigit(b byte) bool  { return b >= '0' && b <= '9' }
func isLetter(b byte) bool { return b >= 'A' && b <= 'Z' }
