package address

import (
	"regexp"
	"strconv"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// The phone library's own validity check costs about 8 µs a number and its parser about 11 µs
// (a mutex-guarded regexp cache and string building on every call), several times the rest of
// Check. Orders are checked at peak-day volume, and most are re-checked after normalisation,
// when the phone is already in E.164. So this file answers "is this number valid?" with the
// library's own metadata and the library's own rules, with the regular expressions compiled
// once per region:
//
//   - phoneValidity mirrors phonenumbers.IsValidNumber: the region is chosen among those
//     sharing the calling code as the library does (leading digits, else the first region
//     where the number has a known type), and the number is valid when it matches the
//     region's general pattern and one of its number-type patterns.
//   - parseE164 takes the fast way only for input that is exactly "+" and digits and that the
//     library would not rewrite (no leading zero, no national prefix to strip).
//   - parseNational (phone_parse.go) takes numbers as buyers write them, in national or
//     international format, and follows the library's parser step by step: international
//     prefix, calling code, national prefix and transform rule, possible lengths. It takes
//     only digits and grouping characters and leaves every error and rare branch to the
//     library.
//
// Anything else goes through phonenumbers.Parse. TestPhoneMetaMatchesLibrary,
// TestParseNationalMatchesLibrary, TestParseNationalRandomMatchesLibrary, FuzzPhone and
// FuzzPhoneRegion compare them with the library on every run.

// phoneDesc is one number-type description of a region: its possible lengths and pattern.
type phoneDesc struct {
	lengths []int32
	re      *regexp.Regexp // "^(?:pattern)$"
}

func (d phoneDesc) matches(nsn string) bool {
	if len(d.lengths) > 0 {
		found := false
		for _, l := range d.lengths {
			if int32(len(nsn)) == l {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return d.re.MatchString(nsn)
}

// phoneRegion is the compiled metadata of one region (or non-geographic calling code).
type phoneRegion struct {
	general        phoneDesc
	types          []phoneDesc    // any match means the number has a known type
	leadingDigits  *regexp.Regexp // "^(?:…)", nil when the region has none
	nationalPrefix *regexp.Regexp // "^(?:…)" national prefix for parsing, nil when none

	// What parseNational needs to strip prefixes as phonenumbers.Parse does (phone_parse.go).
	countryCode   int
	ccDigits      string         // countryCode in decimal
	intlPrefix    *regexp.Regexp // "^(?:…)" international (IDD) prefix, nil when none
	intlLiteral   string         // the IDD prefix when it is plain digits ("00", "011")
	npLiteral     string         // the national prefix for parsing when it is plain digits ("0")
	transformRule string         // national prefix transform rule, "" when none
	localLengths  []int32        // general lengths only dialled locally (no area code)
}

// lazyRegion compiles a region's expressions on first use: compiling all ~250 regions would
// cost every process start (the CLI too) tens of milliseconds for regions it never sees.
type lazyRegion struct {
	once sync.Once
	md   *phonenumbers.PhoneMetadata
	r    *phoneRegion
}

func (l *lazyRegion) get() *phoneRegion {
	l.once.Do(func() { l.r = compilePhoneRegion(l.md) })
	return l.r
}

// phoneRegions is indexed by region code, and by "+<code>" for non-geographic calling codes.
// Built once at start-up from the library's embedded metadata; read-only afterwards.
var phoneRegions = buildPhoneRegions()

func buildPhoneRegions() map[string]*lazyRegion {
	m := make(map[string]*lazyRegion, 300)
	coll, err := phonenumbers.MetadataCollection()
	if err != nil || coll == nil {
		return m // every lookup misses: the library's slow path is used
	}
	for _, md := range coll.GetMetadata() {
		key := md.GetId()
		if key == "001" {
			key = "+" + strconv.Itoa(int(md.GetCountryCode()))
		}
		m[key] = &lazyRegion{md: md}
	}
	return m
}

func compilePhoneRegion(md *phonenumbers.PhoneMetadata) *phoneRegion {
	desc := func(d *phonenumbers.PhoneNumberDesc) phoneDesc {
		return phoneDesc{lengths: d.GetPossibleLength(), re: regexp.MustCompile("^(?:" + d.GetNationalNumberPattern() + ")$")}
	}
	r := &phoneRegion{general: desc(md.GetGeneralDesc())}
	// getNumberTypeHelper tries premium rate first and fixed line and mobile last, but only
	// "is any of them a match" matters here, so the types buyers have come first. With the
	// same pattern for fixed line and mobile, the library never looks at the mobile one alone.
	types := []*phonenumbers.PhoneNumberDesc{md.GetFixedLine()}
	if !md.GetSameMobileAndFixedLinePattern() {
		types = append(types, md.GetMobile())
	}
	types = append(types, md.GetPremiumRate(), md.GetTollFree(), md.GetSharedCost(), md.GetVoip(),
		md.GetPersonalNumber(), md.GetPager(), md.GetUan(), md.GetVoicemail())
	for _, d := range types {
		// A type the region does not have lists the one possible length -1: no number
		// matches it, so it need not be tried.
		if l := d.GetPossibleLength(); len(l) == 1 && l[0] == -1 {
			continue
		}
		r.types = append(r.types, desc(d))
	}
	if ld := md.GetLeadingDigits(); ld != "" {
		r.leadingDigits = regexp.MustCompile("^(?:" + ld + ")")
	}
	if np := md.GetNationalPrefixForParsing(); np != "" {
		r.nationalPrefix = regexp.MustCompile("^(?:" + np + ")")
		r.npLiteral = digitLiteral(np)
	}
	r.countryCode = int(md.GetCountryCode())
	r.ccDigits = strconv.Itoa(r.countryCode)
	// The library searches the unanchored pattern and accepts only a match at 0; the
	// leftmost-first match at 0 is the same as the anchored one's, found without a scan.
	if ip := md.GetInternationalPrefix(); ip != "" {
		r.intlPrefix = regexp.MustCompile("^(?:" + ip + ")")
		r.intlLiteral = digitLiteral(ip)
	}
	r.transformRule = md.GetNationalPrefixTransformRule()
	r.localLengths = md.GetGeneralDesc().GetPossibleLengthLocalOnly()
	return r
}

// digitLiteral is p when p is ASCII digits only, else "". In regexp syntax such a pattern
// matches exactly itself, so "^(?:p)" matches a string if and only if it starts with p, and
// then ends at len(p) with no groups: a prefix comparison gives the regexp's answer without
// running it (or allocating its match indexes).
func digitLiteral(p string) string {
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return ""
		}
	}
	return p
}

func (r *phoneRegion) hasType(nsn string) bool {
	if !r.general.matches(nsn) {
		return false
	}
	for _, d := range r.types {
		if d.matches(nsn) {
			return true
		}
	}
	return false
}

// phoneValidity reports whether the number with calling code cc and national significant
// number nsn is valid, as phonenumbers.IsValidNumber would.
func phoneValidity(cc int, nsn string) bool {
	regions := phonenumbers.GetRegionCodesForCountryCode(cc)
	var chosen *phoneRegion
	switch {
	case len(regions) == 0:
		return false
	case len(regions) == 1:
		chosen = regionMeta(regions[0], cc)
	default:
		for _, code := range regions {
			r := regionMeta(code, cc)
			if r == nil {
				continue
			}
			if r.leadingDigits != nil {
				if r.leadingDigits.MatchString(nsn) {
					chosen = r
					break
				}
			} else if r.hasType(nsn) {
				return true // chosen for having a type: valid
			}
		}
	}
	return chosen != nil && chosen.hasType(nsn)
}

func regionMeta(code string, cc int) *phoneRegion {
	if code == "001" {
		code = "+" + strconv.Itoa(cc)
	}
	l := phoneRegions[code]
	if l == nil {
		return nil
	}
	return l.get()
}

// parseE164 is the fast path for a number in international form: "+" and digits, possibly
// grouped with spaces, hyphens, dots or parentheses ("+1 (415) 555-0132"). decided is false
// when the fast path cannot decide and the library must parse the number.
func parseE164(s string) (e164 string, valid, decided bool) {
	if len(s) < 4 || s[0] != '+' {
		return "", false, false
	}
	var buf [20]byte
	d := append(buf[:0], '+')
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if len(d) == len(buf) {
				return "", false, false
			}
			d = append(d, c)
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')':
		default:
			return "", false, false
		}
	}
	digits := d[1:]
	if len(digits) < 3 || digits[0] == '0' {
		return "", false, false
	}
	for n := 1; n <= 3 && n < len(digits); n++ {
		cc := 0
		for i := 0; i < n; i++ {
			cc = cc*10 + int(digits[i]-'0')
		}
		if len(phonenumbers.GetRegionCodesForCountryCode(cc)) == 0 {
			continue
		}
		nsn := string(digits[n:])
		// The library would keep leading zeros aside (Italian leading zero) or strip a
		// national prefix ("+44 0…"): leave those to it.
		if len(nsn) < 2 || nsn[0] == '0' {
			return "", false, false
		}
		main := regionMeta(phonenumbers.GetRegionCodeForCountryCode(cc), cc)
		if main == nil || main.nationalPrefix != nil && main.nationalPrefix.MatchString(nsn) {
			return "", false, false
		}
		if !phoneValidity(cc, nsn) {
			return "", false, true
		}
		if string(d) == s {
			return s, true, true // already E.164: no new string
		}
		return string(d), true, true
	}
	return "", false, false
}
