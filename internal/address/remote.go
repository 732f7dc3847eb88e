package address

import (
	"strings"

	"lastmile/internal/model"
)

// remoteAreas is the per-market list of remote areas that carriers surcharge (R-RATE-1,
// R-RATE-3: e.g. US Alaska and Hawaii + USD 2.50). It is a default for the rating engine and
// meant to become per-carrier configuration: carriers publish their own lists, which differ.
// An address is remote when its region, its city or its postal code matches.
var remoteAreas = map[string]remoteRule{
	// R-RATE-3: non-contiguous states, territories, freely associated states and military mail.
	"US": {
		regions: []string{"AK", "HI", "PR", "GU", "VI", "AS", "MP", "UM", "FM", "MH", "PW", "AA", "AE", "AP"},
		cities:  []string{"APO", "FPO", "DPO"},
		postal: []postalSpan{
			num(3, 6, 9),     // PR, VI
			num(3, 90, 98),   // AE military
			num(3, 340, 340), // AA military
			num(3, 962, 966), // AP military
			num(3, 967, 969), // HI, AS, GU, MP, PW, FM, MH
			num(3, 995, 999), // AK
		},
	},
	// Territories; their postal districts are X (NT, NU) and Y (YT).
	"CA": {
		regions: []string{"NT", "NU", "YT"},
		postal:  []postalSpan{areaAll("X"), areaAll("Y")},
	},
	// Scottish Highlands and islands, Northern Ireland, Isles of Scilly, Isle of Wight, and the
	// Channel Islands and Isle of Man (outside the UK VAT area too).
	"GB": {
		postal: []postalSpan{
			areaAll("HS"), areaAll("ZE"), areaAll("KW"), areaAll("IV"), areaAll("BT"),
			areaAll("GY"), areaAll("JE"), areaAll("IM"),
			area("PA", 20, 49), area("PA", 60, 78), area("PH", 17, 26), area("PH", 30, 44),
			area("PH", 49, 50), area("AB", 31, 38), area("AB", 44, 45), area("AB", 52, 56),
			area("KA", 27, 28), area("TR", 21, 25), area("PO", 30, 41),
		},
	},
	// NT, Tasmania, the Pilbara and Kimberley (with Christmas and Cocos Islands), north-west
	// Queensland and the Torres Strait, Lord Howe and Norfolk Islands.
	"AU": {
		regions: []string{"NT", "TAS"},
		postal: []postalSpan{
			num(4, 800, 999), num(4, 7000, 7999), num(4, 6700, 6799), num(4, 4825, 4895),
			num(4, 2898, 2899),
		},
	},
	// Great Barrier Island, Chatham Islands, Stewart Island.
	"NZ": {postal: []postalSpan{num(4, 991, 991), num(4, 8942, 8942), num(4, 9818, 9818)}},
	// Corsica and the overseas departments and territories.
	"FR": {postal: []postalSpan{num(2, 20, 20), num(2, 97, 98)}},
	// Balearic Islands, Canary Islands, Ceuta, Melilla.
	"ES": {postal: []postalSpan{num(2, 7, 7), num(2, 35, 35), num(2, 38, 38), num(2, 51, 52)}},
	// Sardinia and Sicily; Livigno and Campione d'Italia (outside the EU customs area).
	"IT": {postal: []postalSpan{num(2, 7, 9), num(2, 90, 98), num(5, 23041, 23041), num(5, 22061, 22061)}},
	// North and East Frisian islands, Heligoland, Hiddensee; Büsingen (Swiss customs area).
	"DE": {postal: []postalSpan{
		num(5, 27498, 27498), num(5, 25980, 25999), num(5, 25938, 25946), num(5, 25849, 25849),
		num(5, 25859, 25859), num(5, 25863, 25863), num(5, 25869, 25869), num(5, 26465, 26465),
		num(5, 26474, 26474), num(5, 26486, 26486), num(5, 26548, 26548), num(5, 26571, 26571),
		num(5, 26579, 26579), num(5, 26757, 26757), num(5, 18565, 18565), num(5, 78266, 78266),
	}},
	// Wadden islands: Texel, Vlieland, Terschelling, Ameland, Schiermonnikoog.
	"NL": {postal: []postalSpan{num(4, 1791, 1797), num(4, 8899, 8899), num(4, 8881, 8897), num(4, 9161, 9164), num(4, 9166, 9166)}},
	// Okinawa.
	"JP": {postal: []postalSpan{num(3, 900, 908)}},
	// Jeju and Ulleungdo.
	"KR": {postal: []postalSpan{num(3, 630, 636), num(5, 40200, 40240)}},
	// East Malaysia: Sabah, Sarawak, Labuan.
	"MY": {
		regions: []string{"12", "13", "15"},
		postal:  []postalSpan{num(2, 87, 91), num(2, 93, 98)},
	},
	// Eastern Indonesia: Maluku, Nusa Tenggara Timur and the Papua provinces.
	"ID": {regions: []string{"MA", "MU", "NT", "PA", "PB", "PD", "PE", "PS", "PT"}},
	// Island provinces served by boat: Batanes, Sulu, Tawi-Tawi, Basilan.
	"PH": {regions: []string{"BTN", "SLU", "TAW", "BAS"}},
}

// remoteRule is one market's remote-area list.
type remoteRule struct {
	regions []string     // region codes (as Normalize stores them)
	cities  []string     // city names, upper case
	postal  []postalSpan // postal-code ranges
}

// postalSpan is a range of postal codes. For numeric codes it compares the first digits
// digits of the code; for codes that start with letters (GB, CA) it compares the letters
// with area and the number after them (the postal district) with [from, to].
type postalSpan struct {
	area     string
	digits   int
	from, to int
}

func num(digits, from, to int) postalSpan { return postalSpan{digits: digits, from: from, to: to} }
func area(a string, from, to int) postalSpan {
	return postalSpan{area: a, from: from, to: to}
}
func areaAll(a string) postalSpan { return postalSpan{area: a, from: 0, to: 99} }

// IsRemote reports whether a is in a remote area of its market (R-RATE-3), for the rating
// engine's surcharge. It normalises the fields it looks at, so it accepts raw input too.
func IsRemote(a model.Address) bool {
	country := normalizeCountry(cleanText(a.Country))
	postal := normalizePostal(country, cleanText(a.PostalCode))
	return isRemote(country, normalizeRegion(country, cleanText(a.Region)), cleanText(a.City), postal)
}

// isRemote works on normalised fields.
func isRemote(country, region, city, postal string) bool {
	rule, ok := remoteAreas[country]
	if !ok {
		return false
	}
	for _, r := range rule.regions {
		if region == r {
			return true
		}
	}
	for _, c := range rule.cities {
		if len(city) == len(c) && upperASCII(city) == c {
			return true
		}
	}
	if len(rule.postal) == 0 || postal == "" {
		return false
	}
	var buf [16]byte
	code, ok := compactPostal(buf[:0], postal)
	if !ok {
		return false
	}
	outward := postal // letter codes: the part before the space (GB outward code, CA FSA)
	if i := strings.IndexByte(postal, ' '); i >= 0 {
		outward = postal[:i]
	}
	for _, s := range rule.postal {
		if s.area != "" && s.matchesArea(outward) || s.area == "" && s.matchesDigits(code) {
			return true
		}
	}
	return false
}

func (s postalSpan) matchesArea(outward string) bool {
	letters := 0
	for letters < len(outward) && isLetter(outward[letters]) {
		letters++
	}
	if outward[:letters] != s.area {
		return false
	}
	n, digits := 0, 0
	for i := letters; i < len(outward) && digits < 2 && isDigit(outward[i]); i++ {
		n = n*10 + int(outward[i]-'0')
		digits++
	}
	return digits > 0 && n >= s.from && n <= s.to
}

func (s postalSpan) matchesDigits(code []byte) bool {
	if len(code) < s.digits {
		return false
	}
	n := 0
	for i := 0; i < s.digits; i++ {
		if !isDigit(code[i]) {
			return false
		}
		n = n*10 + int(code[i]-'0')
	}
	return n >= s.from && n <= s.to
}
