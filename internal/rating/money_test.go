package rating

import (
	"math"
	"testing"
)

func TestParseDecimal(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		s     string
		scale int
		want  int64
		ok    bool
	}{
		{"3.28", 2, 328, true},
		{"3", 2, 300, true},
		{"3.2", 2, 320, true},
		{"0.21", 8, 21_000_000, true}, // USD 0.21/kg in micro-cents
		{"3.5", 4, 35_000, true},      // 3.5 % in ppm
		{"10000", 2, 1_000_000, true}, // IDR: ISO 4217 gives two decimals
		{"3.285", 2, 0, false},
		{"3.280", 2, 0, false}, // even a trailing zero: amounts are never silently rounded
		{"100.5", 0, 0, false}, // JPY
		{"-1", 2, 0, false},
		{"+1", 2, 0, false},
		{"1e3", 2, 0, false},
		{".5", 2, 0, false},
		{"5.", 2, 0, false},
		{"1,000", 2, 0, false},
		{"", 2, 0, false},
		{"99999999999999999999", 0, 0, false},
	} {
		got, err := parseDecimal(tc.s, tc.scale)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseDecimal(%q, %d) = %d, %v; want %d ok %v", tc.s, tc.scale, got, err, tc.want, tc.ok)
		}
	}
}

// TestMulDivHalfUp: one rounding per line, half-up, exact beyond 64 bits.
func TestMulDivHalfUp(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		a, b, d, want int64
	}{
		{21_000_000, 450, 1_000_000_000, 9},  // 0.0945 USD → 0.09
		{21_000_000, 500, 1_000_000_000, 11}, // 0.105 → 0.11 (half-up, not to even)
		{21_000_000, 2500, 1_000_000_000, 53},
		{300, 35_000, 1_000_000, 11}, // 3.5 % of 3.00 = 0.105
		{100, 25_000, 1_000_000, 3},  // 2.5 → 3
		{100, 15_000, 1_000_000, 2},  // 1.5 → 2
		{100, 14_999, 1_000_000, 1},
		{0, 7, 3, 0},
		{math.MaxInt64 / 2, 4, 4, math.MaxInt64 / 2}, // the product needs 128 bits
	} {
		got, ok := mulDivHalfUp(tc.a, tc.b, tc.d)
		if !ok || got != tc.want {
			t.Errorf("mulDivHalfUp(%d, %d, %d) = %d %v, want %d", tc.a, tc.b, tc.d, got, ok, tc.want)
		}
	}
	if _, ok := mulDivHalfUp(math.MaxInt64, math.MaxInt64, 1); ok {
		t.Error("an overflowing result must not be ok")
	}
}

func TestCurrencyScale(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]int{"USD": 2, "GBP": 2, "JPY": 0, "VND": 0, "IDR": 2, "THB": 2, "BHD": 3} {
		if got, ok := currencyScale(code); !ok || got != want {
			t.Errorf("%s scale %d %v, want %d", code, got, ok, want)
		}
	}
	for _, bad := range []string{"usd", "XXQ", "US", ""} {
		if _, ok := currencyScale(bad); ok {
			t.Errorf("%q should not be a currency", bad)
		}
	}
	if got := formatMinor(602, 2); got != "6.02" {
		t.Errorf("formatMinor = %s", got)
	}
	if got := formatMinor(-5, 2); got != "-0.05" {
		t.Errorf("formatMinor = %s", got)
	}
}

func TestDate(t *testing.T) {
	t.Parallel()
	d := date(t, "2026-01-01")
	if d.Weekday().String() != "Thursday" || d.String() != "2026-01-01" || (d+31).String() != "2026-02-01" {
		t.Errorf("%v %v %v", d, d.Weekday(), d+31)
	}
	if Date(0).Weekday().String() != "Thursday" || Date(-1).Weekday().String() != "Wednesday" {
		t.Error("weekday of 1970-01-01 and the day before")
	}
	if openEnded.String() != "open-ended" {
		t.Error(openEnded.String())
	}
	if _, err := ParseDate("2026-02-30"); err == nil {
		t.Error("2026-02-30 is not a date")
	}
}
