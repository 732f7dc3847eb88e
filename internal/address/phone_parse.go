package address

import "github.com/nyaruka/phonenumbers"

// parseNational is the fast path for a number as buyers write it: in national format
// ("(415) 555-0132", "020 7946 0018", "0812-3456-7890"), with an international prefix
// ("0049 30 12345678") or a "+" and the calling code ("+44 (0) 7911 123456"). It is the
// library's parser (parseHelper and the helpers it calls) step by step, on the library's own
// metadata and regular expressions, compiled once per region (phone_meta.go) instead of being
// looked up in a mutex-guarded cache and rebuilt as strings on every call.
//
// It takes only input made of ASCII digits, the grouping characters " -.()/" and one "+"
// before the first digit. On such input the library's other rules cannot apply: no extension
// ("ext", "x", "#", ",", ";"), no RFC 3966 ("tel:", ";phone-context="), no letters to map to
// digits, no second number ("/x"), no non-ASCII digits; every character is either a digit or
// one the library treats as punctuation. decided is false wherever the library would return
// an error or take a rarely used branch: the caller then asks the library, so the fast path
// never gives an answer of its own.
func parseNational(s, country string) (e164 string, valid, decided bool) {
	var buf [maxPhoneLen]byte
	digits, plus, ok := phoneDigits(buf[:0], s)
	if !ok {
		return "", false, false
	}
	// The default region's metadata, as getMetadataForRegion gives it: only for a supported
	// region. Without one, the library needs a "+" (checkRegionForParsing).
	var def *phoneRegion
	if phonenumbers.GetSupportedRegions()[country] {
		if def = regionMeta(country, 0); def == nil || len(def.general.lengths) == 0 {
			return "", false, false
		}
	} else if !plus {
		return "", false, false
	}

	// maybeExtractCountryCode: a "+", else the default region's international prefix, else
	// perhaps the default region's calling code without either.
	cc, national, fromCode := 0, digits, false
	rest, intl := digits, plus
	if !plus {
		if def.intlPrefix == nil {
			return "", false, false
		}
		// parsePrefixAsIdd: the prefix is not stripped when a 0 follows it.
		if end := def.intlPrefixEnd(digits); end >= 0 && (end == len(digits) || digits[end] != '0') {
			rest, intl = digits[end:], true
		}
	}
	if intl {
		if len(rest) <= phonenumbers.MIN_LENGTH_FOR_NSN {
			return "", false, false // ErrTooShortAfterIDD
		}
		if cc, national = splitCountryCode(rest); cc == 0 {
			return "", false, false // ErrInvalidCountryCode, or the retry without the "+"
		}
		fromCode = true
	} else if len(digits) >= len(def.ccDigits) && string(digits[:len(def.ccDigits)]) == def.ccDigits {
		// The number may start with the region's own calling code ("44 7911 123456"): the
		// library takes it as such when the rest, less a national prefix, fits the region's
		// general pattern and the whole does not, or when the whole is too long.
		potential, ok := def.stripNationalPrefix(digits[len(def.ccDigits):])
		if !ok {
			return "", false, false
		}
		if !def.general.re.Match(digits) && def.general.re.Match(potential) || def.lengthOf(len(digits)) == lengthTooLong {
			cc, national, fromCode = def.countryCode, potential, true
		}
	}
	meta := def
	if fromCode {
		// The country's main region (US for +1, GB for +44) or non-geographic entity.
		meta = regionMeta(phonenumbers.GetRegionCodeForCountryCode(cc), cc)
	} else {
		cc = def.countryCode
	}
	if meta == nil || meta.countryCode != cc || len(meta.general.lengths) == 0 || len(national) < phonenumbers.MIN_LENGTH_FOR_NSN {
		return "", false, false
	}

	// parseHelper strips a national prefix (and carrier code) only when what remains has a
	// possible length for the region: the whole could be a valid short number.
	potential, ok := meta.stripNationalPrefix(national)
	if !ok {
		return "", false, false
	}
	switch meta.lengthOf(len(potential)) {
	case lengthTooShort, lengthLocalOnly, lengthInvalid:
	default:
		national = potential
	}
	if len(national) < phonenumbers.MIN_LENGTH_FOR_NSN || len(national) > phonenumbers.MAX_LENGTH_FOR_NSN {
		return "", false, false
	}

	// The national significant number is national itself: the library keeps its leading
	// zeros aside (Italian leading zero) and puts them back when formatting. E.164 is "+",
	// the calling code and that number. With buf (which escapes to the regular expressions),
	// this is the second and last allocation.
	var out [1 + 3 + phonenumbers.MAX_LENGTH_FOR_NSN]byte
	e := append(append(append(out[:0], '+'), meta.ccDigits...), national...)
	e164 = string(e)
	if !phoneValidity(cc, e164[len(e164)-len(national):]) {
		return "", false, true
	}
	return e164, true, true
}

// phoneDigits appends the digits of s to buf. plus is whether a "+" comes before them. ok is
// false when s has a character other than a digit, a space, "-", ".", "(", ")" or "/", a "+"
// after a digit or a second "+", or fewer than three digits: the library's viability pattern
// wants three digits (or exactly two and nothing else), which the library alone handles.
func phoneDigits(buf []byte, s string) (digits []byte, plus, ok bool) {
	d := buf
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			d = append(d, c)
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/':
		case c == '+' && !plus && len(d) == 0:
			plus = true
		default:
			return nil, false, false
		}
	}
	return d, plus, len(d) >= 3
}

// splitCountryCode is extractCountryCode: the shortest prefix of digits (one to three) that is
// a known calling code, and what follows it; 0 when there is none or digits start with 0.
func splitCountryCode(digits []byte) (int, []byte) {
	if len(digits) == 0 || digits[0] == '0' {
		return 0, digits
	}
	cc := 0
	for i := 1; i <= 3 && i <= len(digits); i++ {
		cc = cc*10 + int(digits[i-1]-'0')
		if phonenumbers.GetSupportedCallingCodes()[cc] {
			return cc, digits[i:]
		}
	}
	return 0, digits
}

// intlPrefixEnd is where the region's international prefix at the start of digits ends, -1
// when digits do not start with it.
func (r *phoneRegion) intlPrefixEnd(digits []byte) int {
	if lit := r.intlLiteral; lit != "" {
		if len(digits) >= len(lit) && string(digits[:len(lit)]) == lit {
			return len(lit)
		}
		return -1
	}
	if !r.intlPrefix.Match(digits) { // no allocation, unlike FindIndex
		return -1
	}
	return r.intlPrefix.FindIndex(digits)[1]
}

// stripNationalPrefix is maybeStripNationalPrefixAndCarrierCode: it removes the national
// prefix for parsing (and a carrier code) from number, or applies the region's transform rule,
// unless number fitted the general pattern before and no longer would after. The carrier code
// itself is not kept (Parse does not keep it either). ok is false only if the library's code
// would index out of range, so the library decides that input.
func (r *phoneRegion) stripNationalPrefix(number []byte) (out []byte, ok bool) {
	if len(number) == 0 || r.nationalPrefix == nil {
		return number, true
	}
	var groups []int
	if lit := r.npLiteral; lit != "" && r.transformRule == "" {
		// A plain-digit prefix ("0", "1", "8"): the match is the prefix itself, no groups.
		if len(number) < len(lit) || string(number[:len(lit)]) != lit {
			return number, true
		}
		groups = []int{0, len(lit)} // does not escape: no allocation
	} else {
		if !r.nationalPrefix.Match(number) {
			return number, true
		}
		if groups = r.nationalPrefix.FindSubmatchIndex(number); len(groups) < 2 {
			return number, false
		}
	}
	viable := r.general.re.Match(number)
	last := (len(groups)/2 - 1) * 2 // the start of the last group (of the match when none)
	if r.transformRule == "" || groups[last] < 0 {
		if viable && !r.general.re.Match(number[groups[1]:]) {
			return number, true
		}
		return number[groups[1]:], true
	}
	transformed := []byte(r.nationalPrefix.ReplaceAllString(string(number), r.transformRule))
	if viable && !r.general.re.Match(transformed) {
		return number, true
	}
	return transformed, true
}

// phoneLength is the library's ValidationResult for a length, as testNumberLength gives it for
// the UNKNOWN type (the region's general description).
type phoneLength int

const (
	lengthPossible phoneLength = iota
	lengthLocalOnly
	lengthTooShort
	lengthTooLong
	lengthInvalid
)

// lengthOf is testNumberLength(number, metadata, UNKNOWN) for a number of n digits. The
// caller has made sure the region lists possible lengths.
func (r *phoneRegion) lengthOf(n int) phoneLength {
	possible := r.general.lengths
	if possible[0] == -1 {
		return lengthInvalid
	}
	for _, l := range r.localLengths {
		if int(l) == n {
			return lengthLocalOnly
		}
	}
	switch {
	case int(possible[0]) == n:
		return lengthPossible
	case int(possible[0]) > n:
		return lengthTooShort
	case int(possible[len(possible)-1]) < n:
		return lengthTooLong
	}
	for _, l := range possible[1:] {
		if int(l) == n {
			return lengthPossible
		}
	}
	return lengthInvalid
}
