package ordercsv

import (
	"math"
	"testing"
)

func TestCurrencyScale(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]int{
		"USD": 2, "GBP": 2, "EUR": 2, "JPY": 0, "KRW": 0, "VND": 0, "IDR": 2, "THB": 2, "MYR": 2,
		"PHP": 2, "SGD": 2, "BHD": 3, "KWD": 3, "CLP": 0, "HUF": 2, "PKR": 2, "IQD": 3, "usd": 2,
	} {
		got, ok := currencyScale(code)
		if !ok || got != want {
			t.Errorf("currencyScale(%s) = %d, %v; want %d (ISO 4217)", code, got, ok, want)
		}
	}
	for _, bad := range []string{"", "US", "XYZ", "DOLLAR", "1.5"} {
		if _, ok := currencyScale(bad); ok {
			t.Errorf("currencyScale(%q) ok", bad)
		}
	}
}

func TestParseMoney(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		cur  string
		dec  byte
		want int64
		code string
	}{
		{"12.99", "USD", '.', 1299, ""},
		{"12", "USD", '.', 1200, ""},
		{"12.5", "USD", '.', 1250, ""},
		{"0.01", "USD", '.', 1, ""},
		{".5", "USD", '.', 50, ""},
		{"1,299.00", "USD", '.', 129900, ""},
		{"1,234,567.89", "USD", '.', 123456789, ""},
		{"1 299.00", "USD", '.', 129900, ""},
		{"1\u00a0299.00", "USD", '.', 129900, ""},
		{"$12.99", "USD", '.', 1299, ""},
		{"US$12.99", "USD", '.', 1299, ""},
		{"12.99 USD", "USD", '.', 1299, ""},
		{"usd 12.99", "USD", '.', 1299, ""},
		{"12.99USD", "USD", '.', 1299, ""},
		{"$12.99", "SGD", '.', 1299, ""},
		{"S$12.99", "SGD", '.', 1299, ""},
		{"¥12", "JPY", '.', 12, ""},
		{"￥1,200", "JPY", '.', 1200, ""},
		{"1200円", "JPY", '.', 1200, ""},
		{"¥12", "CNY", '.', 1200, ""},
		{"12元", "CNY", '.', 1200, ""},
		{"RMB 12", "CNY", '.', 1200, ""},
		{"£19.99", "GBP", '.', 1999, ""},
		{"RM49.90", "MYR", '.', 4990, ""},
		{"฿299", "THB", '.', 29900, ""},
		{"₱499.50", "PHP", '.', 49950, ""},
		{"149000", "IDR", '.', 14900000, ""},
		{"Rp149,000", "IDR", '.', 14900000, ""},
		{"149000.00", "IDR", '.', 14900000, ""},
		{"250000", "VND", '.', 250000, ""},
		{"250,000₫", "VND", '.', 250000, ""},
		{"1.250", "BHD", '.', 1250, ""},
		{"-5.00", "USD", '.', -500, ""},
		// European and Indonesian Excel: ';' between cells, ',' as the decimal separator.
		{"12,99", "EUR", ',', 1299, ""},
		{"1.299,00", "EUR", ',', 129900, ""},
		{"12,99 €", "EUR", ',', 1299, ""},
		{"149.000", "IDR", ',', 14900000, ""},
		{"250.000", "VND", ',', 250000, ""},
		// Refused: more decimals than the currency has (even zeros: "149.000" IDR most likely
		// means 149,000), a misplaced separator, another currency.
		{"1.999", "USD", '.', 0, "amount_precision"},
		{"12.5", "JPY", '.', 0, "amount_precision"},
		{"12.00", "JPY", '.', 0, "amount_precision"},
		{"149.000", "IDR", '.', 0, "amount_precision"},
		{"250.000", "VND", '.', 0, "amount_precision"},
		{"12,99", "USD", '.', 0, "invalid_amount"},
		{"12.99", "EUR", ',', 0, "invalid_amount"},
		{"1,29,900", "USD", '.', 0, "invalid_amount"},
		{"1,2999", "USD", '.', 0, "invalid_amount"},
		{"12.99.1", "USD", '.', 0, "invalid_amount"},
		{"12.", "USD", '.', 0, "invalid_amount"},
		{"", "USD", '.', 0, "invalid_amount"},
		{"-", "USD", '.', 0, "invalid_amount"},
		{"$", "USD", '.', 0, "invalid_amount"},
		{"1e3", "USD", '.', 0, "invalid_amount"},
		{"twelve", "USD", '.', 0, "invalid_amount"},
		{"12 dollars", "USD", '.', 0, "invalid_amount"},
		{"99999999999999999999", "USD", '.', 0, "invalid_amount"},
		{"12.99 EUR", "USD", '.', 0, "currency_mismatch"},
		{"€12.99", "USD", '.', 0, "currency_mismatch"},
		{"¥12", "USD", '.', 0, "currency_mismatch"},
		{"Rp12", "USD", '.', 0, "currency_mismatch"},
		{"12", "XYZ", '.', 0, "currency_unknown"},
	}
	for _, tc := range tests {
		got, err := parseMoney(tc.in, tc.cur, tc.dec)
		code := ""
		if err != nil {
			code = err.code
			if err.msg == "" {
				t.Errorf("parseMoney(%q, %s): no message", tc.in, tc.cur)
			}
		}
		if got != tc.want || code != tc.code {
			t.Errorf("parseMoney(%q, %s, %q) = %d, %s; want %d, %s", tc.in, tc.cur, tc.dec, got, code, tc.want, tc.code)
		}
	}
}

func TestParseDecimalLimits(t *testing.T) {
	t.Parallel()
	if v, err := parseDecimal("9223372036854775807", 0, '.'); err != nil || v != math.MaxInt64 {
		t.Errorf("max int64: %d, %v", v, err)
	}
	if v, err := parseDecimal("-9223372036854775807", 0, '.'); err != nil || v != -math.MaxInt64 {
		t.Errorf("min int64 + 1: %d, %v", v, err)
	}
	for _, in := range []string{"9223372036854775808", "92233720368547758.08"} {
		if _, err := parseDecimal(in, 2, '.'); err == nil && in != "92233720368547758.08" {
			t.Errorf("%s: no overflow", in)
		}
	}
	if _, err := parseDecimal("92233720368547758.08", 2, '.'); err == nil {
		t.Error("92233720368547758.08 in cents overflows int64 and was accepted")
	}
}

func TestFormatAmount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v     int64
		scale int
		want  string
	}{
		{1299, 2, "12.99"}, {5, 2, "0.05"}, {0, 2, "0.00"}, {-1299, 2, "-12.99"}, {-5, 2, "-0.05"},
		{14900000, 2, "149000.00"}, {250000, 0, "250000"}, {1250, 3, "1.250"},
		{math.MinInt64, 2, "-92233720368547758.08"}, {math.MaxInt64, 0, "9223372036854775807"},
	}
	for _, tc := range tests {
		if got := formatAmount(tc.v, tc.scale); got != tc.want {
			t.Errorf("formatAmount(%d, %d) = %q, want %q", tc.v, tc.scale, got, tc.want)
		}
	}
}
