package address

import (
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// libraryPhone is what the phone library alone says about s: the reference for parsePhone.
func libraryPhone(s, country string) (string, bool) {
	region := country
	if region == "" {
		region = "ZZ"
	}
	num, err := phonenumbers.Parse(s, region)
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return "", false
	}
	return phonenumbers.Format(num, phonenumbers.E164), true
}

// phoneSeeds are numbers as buyers type them, in every market, valid and not.
var phoneSeeds = []struct{ country, phone string }{
	{"US", "(415) 555-0132"}, {"US", "+1 415 555 0132"}, {"US", "+14155550132"}, {"US", "1-800-555-0199"},
	{"US", "555-0132"}, {"US", "+1 011 555 0132"}, {"CA", "613-555-0142"}, {"CA", "+16135550142"},
	{"GB", "07911 123456"}, {"GB", "+44 (0) 7911 123456"}, {"GB", "+4407911123456"}, {"GB", "020 7123 4567"},
	{"GB", "+447911123456"}, {"GB", "+441481712345"}, {"GB", "+447781123456"}, {"JE", "+447797123456"},
	{"IE", "087 123 4567"}, {"DE", "030 12345678"}, {"DE", "+4915123456789"}, {"DE", "0049 30 12345678"},
	{"FR", "06 12 34 56 78"}, {"FR", "+33 6 12 34 56 78"}, {"ES", "612 345 678"}, {"IT", "06 1234 5678"},
	{"IT", "+390612345678"}, {"IT", "+393123456789"}, {"NL", "06 12345678"}, {"BE", "0470 12 34 56"},
	{"PL", "512 345 678"}, {"SE", "070-123 45 67"}, {"JP", "090-1234-5678"}, {"JP", "+81312345678"},
	{"KR", "010-1234-5678"}, {"AU", "0412 345 678"}, {"AU", "+61412345678"}, {"NZ", "021 123 4567"},
	{"MX", "55 1234 5678"}, {"MX", "+5215512345678"}, {"MX", "+525512345678"}, {"BR", "(11) 91234-5678"},
	{"SA", "050 123 4567"}, {"SA", "+966501234567"}, {"AE", "050 123 4567"}, {"ID", "0812-3456-7890"},
	{"TH", "081 234 5678"}, {"VN", "091 234 56 78"}, {"MY", "012-345 6789"}, {"PH", "0917 123 4567"},
	{"SG", "9123 4567"}, {"SG", "+6591234567"}, {"RU", "+79123456789"}, {"KZ", "+77012345678"},
	{"", "+80012345678"}, {"", "+882345678901"}, {"US", "+1"}, {"US", "+999123456"}, {"US", "12"},
	{"AR", "+5491123456789"}, {"AR", "+541123456789"}, {"HU", "+3612345678"}, {"HU", "+36201234567"},
	{"CN", "+8613800138000"}, {"CN", "13800138000"}, {"IN", "+919876543210"}, {"VA", "+390669812345"},
}

// TestPhoneMetaMatchesLibrary: the compiled-metadata fast path must agree with the library.
func TestPhoneMetaMatchesLibrary(t *testing.T) {
	t.Parallel()
	for _, c := range phoneSeeds {
		got, gotOK := parsePhone(c.phone, c.country)
		want, wantOK := libraryPhone(c.phone, c.country)
		if got != want || gotOK != wantOK {
			t.Errorf("parsePhone(%q, %q) = %q, %v; library says %q, %v", c.phone, c.country, got, gotOK, want, wantOK)
		}
	}
	// Every region's example numbers, of every type, through both paths.
	for region := range phonenumbers.GetSupportedRegions() {
		for _, typ := range []phonenumbers.PhoneNumberType{phonenumbers.FIXED_LINE, phonenumbers.MOBILE,
			phonenumbers.TOLL_FREE, phonenumbers.PREMIUM_RATE, phonenumbers.VOIP, phonenumbers.UAN} {
			num := phonenumbers.GetExampleNumberForType(region, typ)
			if num == nil {
				continue
			}
			for _, s := range []string{
				phonenumbers.Format(num, phonenumbers.E164),
				phonenumbers.Format(num, phonenumbers.NATIONAL),
				phonenumbers.Format(num, phonenumbers.INTERNATIONAL),
			} {
				got, gotOK := parsePhone(s, region)
				want, wantOK := libraryPhone(s, region)
				if got != want || gotOK != wantOK {
					t.Errorf("parsePhone(%q, %q) = %q, %v; library says %q, %v", s, region, got, gotOK, want, wantOK)
				}
			}
		}
	}
}

// FuzzPhone compares parsePhone with the library on arbitrary input; input longer than any
// phone number is refused without asking the library.
func FuzzPhone(f *testing.F) {
	for _, c := range phoneSeeds {
		f.Add(c.phone, c.country)
	}
	f.Add("+1 415 555 0132"+strings.Repeat(" ", maxPhoneLen), "US")
	for _, c := range phoneParseSeeds {
		f.Add(c.phone, c.country)
	}
	f.Fuzz(func(t *testing.T, phone, country string) {
		if len(phone) > maxPhoneLen {
			// Not handed to the library (its cost grows with the input): refused outright.
			if got, ok := parsePhone(phone, country); ok || got != "" {
				t.Fatalf("parsePhone of %d bytes = %q, %v; want refused", len(phone), got, ok)
			}
			return
		}
		if len(country) != 2 {
			country = ""
		}
		got, gotOK := parsePhone(phone, country)
		want, wantOK := libraryPhone(phone, country)
		if got != want || gotOK != wantOK {
			t.Errorf("parsePhone(%q, %q) = %q, %v; library says %q, %v", phone, country, got, gotOK, want, wantOK)
		}
	})
}
