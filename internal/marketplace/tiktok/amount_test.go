package tiktok

import (
	"math/big"
	"strings"
	"testing"

	"lastmile/internal/model"
)

func TestParseAmount(t *testing.T) {
	t.Parallel()
	ok := []struct {
		s, cur string
		want   int64
	}{
		{"12.99", "USD", 1299}, {"12.9", "USD", 1290}, {"12", "USD", 1200}, {"0.01", "usd", 1}, {"12.990", "USD", 1299},
		{"149000", "IDR", 14900000}, {"149000.00", "IDR", 14900000}, {"259000", "VND", 259000}, {"259000.000", "VND", 259000},
		{"1500", "JPY", 1500}, {"1.234", "BHD", 1234}, {" 7.50 ", "GBP", 750}, {"0", "EUR", 0},
		{"92233720368547758.07", "USD", 9223372036854775807},
	}
	for _, c := range ok {
		got, err := ParseAmount(c.s, c.cur)
		if err != nil || got != c.want {
			t.Errorf("ParseAmount(%q, %s) = %d, %v; want %d", c.s, c.cur, got, err, c.want)
		}
	}
	bad := []struct{ s, cur string }{
		{"", "USD"}, {"-1.00", "USD"}, {"+1", "USD"}, {"1,299.00", "USD"}, {"1.2e3", "USD"}, {"12.999", "USD"}, {"12.", "USD"},
		{".5", "USD"}, {"0.5", "VND"}, {"１２", "USD"}, {"12.99", "XXX1"}, {"12.99", ""}, {"92233720368547758.08", "USD"},
		{"NaN", "USD"}, {"1 000", "USD"},
	}
	for _, c := range bad {
		if got, err := ParseAmount(c.s, c.cur); err == nil {
			t.Errorf("ParseAmount(%q, %s) = %d, want an error", c.s, c.cur, got)
		}
	}
	for _, c := range []struct {
		minor int64
		cur   string
		want  string
	}{{1299, "USD", "12.99"}, {5, "USD", "0.05"}, {14900000, "IDR", "149000.00"}, {259000, "VND", "259000"}, {0, "GBP", "0.00"}, {1234, "BHD", "1.234"}} {
		if got, err := FormatAmount(c.minor, c.cur); err != nil || got != c.want {
			t.Errorf("FormatAmount(%d, %s) = %q, %v; want %q", c.minor, c.cur, got, err, c.want)
		}
	}
}

// FuzzParseAmount: ParseAmount reads outside input. Property: it never panics; a success is
// exactly the decimal's value in minor units (checked with big.Rat), and FormatAmount of it
// parses back to it.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"12.99", "149000", "0.5", "12.990", "-1", "1e3", "92233720368547758.07", "00012.3400"} {
		f.Add(s, "USD")
	}
	f.Add("149000", "IDR")
	f.Add("259000", "VND")
	f.Add("1.234", "BHD")
	f.Fuzz(func(t *testing.T, s, cur string) {
		v, err := ParseAmount(s, cur)
		if err != nil {
			return
		}
		scale, ok := model.CurrencyScale(strings.ToUpper(strings.TrimSpace(cur)))
		if !ok || v < 0 {
			t.Fatalf("ParseAmount(%q, %q) = %d without a currency or negative", s, cur, v)
		}
		r, ok := new(big.Rat).SetString(strings.TrimSpace(s))
		if !ok {
			t.Fatalf("ParseAmount accepted %q, which is not a decimal", s)
		}
		r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)))
		if !r.IsInt() || r.Num().Cmp(big.NewInt(v)) != 0 {
			t.Fatalf("ParseAmount(%q, %q) = %d, the decimal is %s minor units", s, cur, v, r.RatString())
		}
		back, err := FormatAmount(v, strings.ToUpper(strings.TrimSpace(cur)))
		if err != nil {
			t.Fatal(err)
		}
		if v2, err := ParseAmount(back, cur); err != nil || v2 != v {
			t.Fatalf("FormatAmount(%d) = %q parses to %d, %v", v, back, v2, err)
		}
	})
}
