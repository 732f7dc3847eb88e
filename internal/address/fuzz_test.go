package address

import (
	"slices"
	"strings"
	"testing"

	"lastmile/internal/model"
)

// fuzzSeeds adds every market sample and some messy input to a fuzz target's corpus; more
// (and every crasher found) live in testdata/fuzz.
func fuzzSeeds(f *testing.F) {
	for _, m := range markets {
		a := samples[m]
		f.Add(a.Name, a.Line1, a.City, a.Region, a.PostalCode, a.Country, a.Phone)
	}
	f.Add("  Ｅｍｉｌｙ\u200b ", "１４５０　Market St，Apt １２Ｂ", "San  Francisco", "ｃａｌｉｆｏｒｎｉａ", "９４１０３－１２３４", " ｕｓ ", "（４１５）５５５－０１３２")
	f.Add("王伟", "北京市朝阳区建国路88号", "北京", "北京市", "100022", "CN", "13800138000")
	f.Add("Nguye\u0302\u0303n", "12 Nguyễn Huệ", "Quận 1", "TP. Hồ Chí Minh", "700000", "vn", "+84 91 234 56 78")
	f.Add("a\u0301\u0301", "\xff\xfe", "\u3000", "TH-", "〒", "uk", "+")
	// Postal codes in another region than the one given (postal_code_region_mismatch).
	f.Add("Somchai Jaidee", "99/9 Sukhumvit Rd", "Bangkok", "Chiang Mai", "10110", "TH", "081 234 5678")
	f.Add("Nguyen Van An", "1 Yersin", "Thu Dau Mot", "Dong Nai", "75000", "VN", "091 234 56 78")
	f.Add("Maria Santos", "1 Osmena Blvd", "Cebu City", "Metro Manila", "6000", "PH", "0917 123 4567")
	f.Add("Nur Aisyah", "1 Jalan Tun Razak", "Kuala Lumpur", "Sabah", "50450", "MY", "012-345 6789")
	f.Add("Budi Santoso", "Jl. Thamrin 1", "Jakarta", "Jawa Timur", "10310", "ID", "0812-3456-7890")
	f.Add("", "", "", "", "", "", "")
}

func fuzzAddress(name, line1, city, region, postal, country, phone string) model.Address {
	return model.Address{Name: name, Line1: line1, City: city, Region: region, PostalCode: postal, Country: country, Phone: phone}
}

// FuzzNormalize: Normalize never panics and is idempotent.
func FuzzNormalize(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, name, line1, city, region, postal, country, phone string) {
		a := fuzzAddress(name, line1, city, region, postal, country, phone)
		once := Normalize(a)
		if twice := Normalize(once); twice != once {
			t.Errorf("Normalize not idempotent:\n   in %+q\n once %+q\ntwice %+q", a, once, twice)
		}
	})
}

// FuzzCheck: Check and Validate never panic; problems are never nil and come in a stable
// order; the normalised address of a valid result still validates as valid; and Validate on
// the normalised address agrees with Check.
func FuzzCheck(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, name, line1, city, region, postal, country, phone string) {
		a := fuzzAddress(name, line1, city, region, postal, country, phone)
		r := Check(a)
		if r.Problems == nil {
			t.Fatal("Problems is nil")
		}
		if r.Valid != (len(r.Problems) == 0) {
			t.Fatalf("Valid = %v with %d problems", r.Valid, len(r.Problems))
		}
		v := Validate(r.Normalized)
		if !slices.Equal(v, r.Problems) {
			t.Errorf("Validate(normalized) = %+v\nCheck problems       = %+v\nnormalized %+q", v, r.Problems, r.Normalized)
		}
		if r.Valid && len(v) != 0 {
			t.Errorf("valid result's normalized address fails: %+v", v)
		}
		for _, p := range r.Problems {
			if p.Code == "" || p.Field == "" || p.Message == "" || p.Suggestion == "" {
				t.Errorf("incomplete problem %+v", p)
			}
			if p.Code == CodePostalRegionMismatch {
				checkMismatchFix(t, r.Normalized, p)
			}
		}
		_ = Validate(a) // on raw input too: must not panic
		_ = IsRemote(a)
	})
}

// checkMismatchFix: a postal_code_region_mismatch is only claimed for a valid postal code and
// a recognised region, and the first region its suggestion names makes the address agree.
func checkMismatchFix(t *testing.T, n model.Address, p Problem) {
	t.Helper()
	if _, ok := postalValid(n.Country, n.PostalCode); !ok {
		t.Errorf("mismatch on an invalid postal code %q: %+v", n.PostalCode, p)
	}
	if _, ok := RegionCode(n.Country, n.Region); !ok {
		t.Errorf("mismatch on an unknown region %q: %+v", n.Region, p)
	}
	first, _ := nextWord(regionsForPostal(n.Country, n.PostalCode))
	if !strings.Contains(p.Suggestion, "("+first+")") {
		t.Errorf("suggestion %q does not name %s", p.Suggestion, first)
	}
	n.Region = first
	for _, q := range Validate(n) {
		if q.Code == CodePostalRegionMismatch {
			t.Errorf("region %s, as suggested, still mismatches: %+v", first, q)
		}
	}
}
