package address

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// phoneTypes is every number type the library has example numbers for.
var phoneTypes = []phonenumbers.PhoneNumberType{
	phonenumbers.FIXED_LINE, phonenumbers.MOBILE, phonenumbers.TOLL_FREE, phonenumbers.PREMIUM_RATE,
	phonenumbers.SHARED_COST, phonenumbers.VOIP, phonenumbers.PERSONAL_NUMBER, phonenumbers.PAGER,
	phonenumbers.UAN, phonenumbers.VOICEMAIL,
}

// servedMarkets are the markets whose phones must take the fast path (the benchmark's target).
var servedMarkets = []string{"US", "CA", "GB", "DE", "FR", "IT", "ES", "NL", "ID", "TH", "VN", "MY", "PH",
	"SG", "MX", "BR", "JP", "KR", "AU", "SA", "AE", "IE", "BE", "PL", "SE", "NZ"}

// sortedPhoneRegions is every region the library supports, in a stable order for the fuzzer.
func sortedPhoneRegions() []string {
	var rs []string
	for r := range phonenumbers.GetSupportedRegions() {
		rs = append(rs, r)
	}
	slices.Sort(rs)
	return rs
}

var digitsOnly = regexp.MustCompile(`\D`)

// phoneVariants are the ways a buyer may write num: the library's national, international and
// E.164 formats and messy versions of them (doubled and stray spaces, dashes, dots, slashes,
// parentheses, "00" or the region's own international prefix, the calling code without "+",
// the national prefix kept after the calling code, bare digits, the local number alone).
func phoneVariants(num *phonenumbers.PhoneNumber, region string) []string {
	nat := phonenumbers.Format(num, phonenumbers.NATIONAL)
	intl := phonenumbers.Format(num, phonenumbers.INTERNATIONAL)
	e164 := phonenumbers.Format(num, phonenumbers.E164)
	nsn := phonenumbers.GetNationalSignificantNumber(num)
	cc := strconv.Itoa(int(num.GetCountryCode()))
	v := []string{
		nat, intl, e164, phonenumbers.Format(num, phonenumbers.RFC3966),
		"00" + e164[1:], "00 " + intl[1:], "0" + e164[1:], cc + nsn, cc + " " + nsn,
		"+" + cc + " (0) " + nsn, "+" + cc + "0" + nsn, "+" + cc + " 0" + nsn, "++" + e164[1:],
		digitsOnly.ReplaceAllString(nat, ""), "0" + nsn, "1" + nsn, "(" + nat + ")", "+(" + cc + ") " + nsn,
		"+" + cc + "-" + nsn, cc + "0" + nsn, "000" + e164[1:], "00 0" + e164[1:], "+0" + e164[1:],
		"+ " + e164[1:], nat + "/", "/" + nat, "tel:" + e164, nat + " x12", nat + "#",
	}
	for k := 4; k <= 8 && k < len(nsn); k++ {
		v = append(v, nsn[len(nsn)-k:]) // the local number alone
	}
	if l := phoneRegions[region]; l != nil {
		for _, idd := range []string{l.md.GetPreferredInternationalPrefix(), l.md.GetInternationalPrefix()} {
			if idd != "" && digitsOnly.FindStringIndex(idd) == nil {
				v = append(v, idd+cc+nsn, idd+" "+intl[1:], idd+" 0"+nsn)
			}
		}
		if np := l.md.GetNationalPrefix(); np != "" {
			v = append(v, np+nsn, np+" "+nsn, np+np+nsn, cc+np+nsn)
		}
	}
	for _, f := range []string{nat, intl} {
		fields := strings.Fields(f)
		v = append(v,
			strings.ReplaceAll(f, " ", "  "), " "+f+" ", strings.ReplaceAll(f, " ", "-"),
			strings.ReplaceAll(f, " ", "."), strings.ReplaceAll(f, " ", "/"),
			strings.ReplaceAll(strings.ReplaceAll(f, "-", " "), "(", ""),
			"("+fields[0]+") "+strings.Join(fields[1:], " "), f+")", "-"+f+"-", "."+f,
		)
	}
	return v
}

// checkPhoneAgrees fails t unless parsePhone and, where it decides, parseNational give the
// library's answer for s in region; it reports whether the fast path decided.
func checkPhoneAgrees(t *testing.T, s, region string) bool {
	t.Helper()
	want, wantOK := libraryPhone(s, region)
	got, gotOK := parsePhone(s, region)
	if got != want || gotOK != wantOK {
		t.Errorf("parsePhone(%q, %q) = %q, %v; library says %q, %v", s, region, got, gotOK, want, wantOK)
	}
	if len(s) > maxPhoneLen {
		return false
	}
	got, gotOK, decided := parseNational(s, region)
	if decided && (got != want || gotOK != wantOK) {
		t.Errorf("parseNational(%q, %q) = %q, %v; library says %q, %v", s, region, got, gotOK, want, wantOK)
	}
	return decided
}

// TestParseNationalMatchesLibrary: for every region's example numbers of every type, in the
// library's formats and messy variants, parsed with the number's own region and with others,
// the fast path gives the library's E.164 and validity, and decides the national,
// international and E.164 formats of the served markets itself. Every variant is tried for
// the served markets, the first few for the other regions (the library's parser is slow,
// and slower still under the race detector).
func TestParseNationalMatchesLibrary(t *testing.T) {
	t.Parallel()
	served := map[string]bool{}
	for _, m := range servedMarkets {
		served[m] = true
	}
	cases, decided, seen := 0, 0, 0
	try := func(s, region string) bool {
		if seen++; raceEnabled && seen%8 != 0 {
			return true
		}
		cases++
		ok := checkPhoneAgrees(t, s, region)
		if ok {
			decided++
		}
		return ok
	}
	for _, region := range sortedPhoneRegions() {
		for _, typ := range phoneTypes {
			num := phonenumbers.GetExampleNumberForType(region, typ)
			if num == nil {
				continue
			}
			for i, s := range phoneVariants(num, region) {
				if !served[region] && i >= 12 {
					break
				}
				if !try(s, region) && served[region] && i < 3 {
					// The national, international and E.164 formats of a served market must
					// not cost the library's parser.
					t.Errorf("fast path left %q (%s, %v) to the library", s, region, typ)
				}
				if i < 3 || served[region] && i%4 == 0 {
					// Parsed where the buyer's address is in another country, or none.
					for _, other := range []string{"US", "GB", ""} {
						try(s, other)
					}
				}
			}
		}
	}
	for cc := range phonenumbers.GetSupportedGlobalNetworkCallingCodes() {
		num := phonenumbers.GetExampleNumberForNonGeoEntity(cc)
		if num == nil {
			continue
		}
		for _, s := range phoneVariants(num, "001") {
			try(s, "US")
			try(s, "")
		}
	}
	t.Logf("%d cases, %d decided by the fast path", cases, decided)
}

// FuzzPhoneRegion compares parsePhone and parseNational with the library on arbitrary input
// parsed in every supported region (FuzzPhone's random country is almost never one, so it
// mostly explores "+" numbers). Input longer than any phone number is refused without asking
// the library.
func FuzzPhoneRegion(f *testing.F) {
	regions := sortedPhoneRegions()
	index := map[string]int{}
	for i, r := range regions {
		index[r] = i
	}
	for _, c := range phoneSeeds {
		f.Add(c.phone, uint16(index[c.country]))
	}
	for _, c := range phoneParseSeeds {
		f.Add(c.phone, uint16(index[c.country]))
	}
	f.Add("+1 415 555 0132"+strings.Repeat(" ", maxPhoneLen), uint16(index["US"]))
	f.Fuzz(func(t *testing.T, phone string, r uint16) {
		region := regions[int(r)%len(regions)]
		if len(phone) > maxPhoneLen {
			// Not handed to the library (its cost grows with the input): refused outright.
			if got, ok := parsePhone(phone, region); ok || got != "" {
				t.Fatalf("parsePhone of %d bytes = %q, %v; want refused", len(phone), got, ok)
			}
			return
		}
		checkPhoneAgrees(t, phone, region)
	})
}

// phoneParseSeeds are numbers that take the library's rarer branches: international
// prefixes, the calling code without "+", national prefixes after it, transform rules (GG,
// JE, AR, BR carrier codes), short and local numbers.
var phoneParseSeeds = []struct{ country, phone string }{
	{"US", "1 (415) 555-0132"}, {"US", "011 44 20 7946 0018"}, {"US", "011 0 20 7946 0018"}, {"US", "415.555.0132"},
	{"GB", "00 44 20 7946 0018"}, {"GB", "44 20 7946 0018"}, {"GB", "+44 (0)20 7946 0018"}, {"GB", "0044 (0) 7911 123456"},
	{"GG", "256789"}, {"JE", "01534 456789"}, {"JE", "456789"}, {"IM", "+44 1624 756789"},
	{"DE", "030/12345678"}, {"DE", "(030) 123 456 78"}, {"DE", "0049 (0)151 23456789"}, {"DE", "49 151 23456789"},
	{"AU", "0011 44 20 7946 0018"}, {"AU", "1831 02 1234 5678"}, {"JP", "010 81 90 1234 5678"}, {"JP", "0003768 0 90 1234 5678"},
	{"KR", "001 1 415 555 0132"}, {"KR", "0082 10 1234 5678"}, {"SG", "001 1 415 555 0132"}, {"SG", "+65 6123 4567"},
	{"SG", "65 9123 4567"}, {"ID", "62 812 3456 7890"}, {"ID", "+62 (0) 812-3456-7890"}, {"ID", "008 62 812 3456 7890"},
	{"MX", "01 55 1234 5678"}, {"MX", "044 55 1234 5678"}, {"MX", "52 1 55 1234 5678"}, {"RU", "8 (912) 345-67-89"},
	{"IT", "+39 06 1234 5678"}, {"IT", "0039 06 1234 5678"}, {"IT", "39 06 1234 5678"}, {"VA", "06 698 12345"},
	{"BR", "0 21 11 91234 5678"}, {"BR", "021 (11) 91234-5678"}, {"BR", "55 11 91234 5678"}, {"AR", "011 15-2345-6789"},
	{"AR", "+54 9 11 2345-6789"}, {"AR", "15 2345 6789"}, {"TH", "66 81 234 5678"}, {"TH", "001 66 81 234 5678"},
	{"VN", "84 91 234 56 78"}, {"MY", "60 12-345 6789"}, {"PH", "63 917 123 4567"}, {"NZ", "0161 1 415 555 0132"},
	{"SA", "00966 50 123 4567"}, {"AE", "971 50 123 4567"}, {"IE", "353 87 123 4567"}, {"BE", "32 470 12 34 56"},
	{"PL", "48 512 345 678"}, {"SE", "46 70 123 45 67"}, {"FR", "33 6 12 34 56 78"}, {"ES", "34 612 345 678"},
	{"NL", "31 6 12345678"}, {"CA", "1-613-555-0142"}, {"AG", "464 6789"}, {"US", "555 0132"},
	{"US", "+1 (0) 415 555 0132"}, {"GB", "+"}, {"GB", "++44 20 7946 0018"}, {"GB", "0 0 0"}, {"GB", "000"},
	{"JE", "+44 456789"}, {"GG", "44 256789"}, {"AG", "+1 464 6789"}, {"AG", "1 464 6789"},
	{"GB", "020+7946 0018"}, {"GB", "+44+20 7946 0018"}, {"GB", "20 7946 0018"}, {"DE", "4915123456789012"},
	{"", "00 44 20 7946 0018"}, {"ZZ", "+44 20 7946 0018"}, {"US", "+800 1234 5678"}, {"US", "+882 3456 7890 1"},
}

// TestPhoneParseSeedsMatchLibrary runs the rare-branch seeds in their own region and others.
func TestPhoneParseSeedsMatchLibrary(t *testing.T) {
	t.Parallel()
	for _, c := range phoneParseSeeds {
		for _, region := range []string{c.country, "US", "GB", ""} {
			checkPhoneAgrees(t, c.phone, region)
		}
	}
}

// TestParseNationalServedSamples: every market sample's phone takes the fast path.
func TestParseNationalServedSamples(t *testing.T) {
	t.Parallel()
	for _, m := range markets {
		a := Normalize(samples[m])
		phone := cleanText(samples[m].Phone)
		if !checkPhoneAgrees(t, phone, a.Country) {
			t.Errorf("%s sample phone %q was left to the library", m, phone)
		}
	}
}
