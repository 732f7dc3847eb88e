package model

import "testing"

func TestCurrencyScaleFollowsISO4217(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]int{"USD": 2, "GBP": 2, "EUR": 2, "JPY": 0, "VND": 0, "KRW": 0, "BHD": 3,
		"IDR": 2 /* CLDR says 0 */, "THB": 2, "MYR": 2, "PHP": 2, "SGD": 2} {
		if got, ok := CurrencyScale(code); !ok || got != want {
			t.Errorf("%s: %d %v, want %d", code, got, ok, want)
		}
	}
	for _, bad := range []string{"", "usd", "US", "USDX", "ZZZ", "12$"} {
		if _, ok := CurrencyScale(bad); ok {
			t.Errorf("%q accepted as an ISO 4217 code", bad)
		}
	}
}
