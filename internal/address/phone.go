package address

import (
	"fmt"

	"github.com/nyaruka/phonenumbers"
)

// maxPhoneLen bounds what is handed to the phone parser: no phone number, even with an
// extension and formatting, is longer, and the parser's cost grows with its input.
const maxPhoneLen = 64

// parsePhone parses s as a phone number, defaulting the region to the address country
// (R-ORD-6: the carrier calls the buyer). It returns the E.164 form and whether the number is
// valid. A foreign number is accepted if it is valid in its own country.
func parsePhone(s, country string) (e164 string, valid bool) {
	if s == "" || len(s) > maxPhoneLen {
		return "", false
	}
	if e164, valid, decided := parseE164(s); decided {
		return e164, valid
	}
	if e164, valid, decided := parseNational(s, country); decided {
		return e164, valid
	}
	region := country
	if region == "" {
		region = "ZZ" // unknown: only international (+…) numbers parse
	}
	defer func() {
		// The parser is outside code fed with outside input; a bug in it must not take the
		// order pipeline down. A number it cannot handle is an invalid number.
		if recover() != nil {
			e164, valid = "", false
		}
	}()
	num, err := phonenumbers.Parse(s, region)
	if err != nil {
		return "", false
	}
	if !phoneValidity(int(num.GetCountryCode()), phonenumbers.GetNationalSignificantNumber(num)) {
		return "", false
	}
	return phonenumbers.Format(num, phonenumbers.E164), true
}

// phoneExample is an example number of country in E.164 for suggestions ("" if none).
func phoneExample(country string) string {
	num := phonenumbers.GetExampleNumberForType(country, phonenumbers.MOBILE)
	if num == nil {
		return ""
	}
	return phonenumbers.Format(num, phonenumbers.E164)
}

func phoneSuggestion(country string) string {
	if ex := phoneExample(country); ex != "" {
		return fmt.Sprintf("write the buyer's phone with its country code, e.g. %s, or as dialled in %s", ex, country)
	}
	return "write the buyer's phone in international format, starting with + and the country code"
}
