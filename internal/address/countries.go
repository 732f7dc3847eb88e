package address

import "strings"

// isoCountries is every officially assigned ISO 3166-1 alpha-2 code (249), plus XK (Kosovo),
// which carriers and phone libraries use although ISO has not assigned it.
const isoCountries = "" +
	"AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ " +
	"BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
	"CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ " +
	"DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
	"GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY " +
	"HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP " +
	"KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY " +
	"MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ " +
	"NA NC NE NF NG NI NL NO NP NR NU NZ OM " +
	"PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW " +
	"SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ " +
	"TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ " +
	"UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW XK"

var knownCountries = buildKnownCountries()

func buildKnownCountries() map[string]bool {
	m := make(map[string]bool, 260)
	for _, c := range strings.Fields(isoCountries) {
		m[c] = true
	}
	return m
}

// countryAliases maps what sellers type into the country column instead of the code (folded
// with foldKey) to the ISO code. "UK" is the common alias of GB.
var countryAliases = map[string]string{
	"uk": "GB", "unitedkingdom": "GB", "greatbritain": "GB", "britain": "GB", "england": "GB",
	"scotland": "GB", "wales": "GB", "northernireland": "GB",
	"usa": "US", "unitedstates": "US", "unitedstatesofamerica": "US", "america": "US",
	"canada": "CA", "ireland": "IE", "eire": "IE", "germany": "DE", "deutschland": "DE",
	"france": "FR", "spain": "ES", "espana": "ES", "italy": "IT", "italia": "IT",
	"netherlands": "NL", "thenetherlands": "NL", "holland": "NL", "nederland": "NL",
	"belgium": "BE", "belgique": "BE", "belgie": "BE", "poland": "PL", "polska": "PL",
	"sweden": "SE", "sverige": "SE", "japan": "JP", "southkorea": "KR", "korea": "KR",
	"republicofkorea": "KR", "australia": "AU", "newzealand": "NZ", "mexico": "MX",
	"brazil": "BR", "brasil": "BR", "saudiarabia": "SA", "ksa": "SA",
	"unitedarabemirates": "AE", "uae": "AE", "indonesia": "ID", "thailand": "TH",
	"vietnam": "VN", "malaysia": "MY", "philippines": "PH", "singapore": "SG",
	"china": "CN", "hongkong": "HK", "taiwan": "TW",
}

// normalizeCountry returns the ISO 3166-1 alpha-2 code for a cleaned country field: upper-cased,
// "UK" → "GB", and a recognised country name → its code. Anything else is returned upper-cased,
// for Validate to report.
func normalizeCountry(s string) string {
	if len(s) == 2 {
		c := upperASCII(s)
		if c == "UK" {
			return "GB"
		}
		return c
	}
	if s == "" {
		return ""
	}
	var buf [64]byte
	if c, ok := countryAliases[string(foldKey(buf[:0], s))]; ok {
		return c
	}
	return upperASCII(s)
}
