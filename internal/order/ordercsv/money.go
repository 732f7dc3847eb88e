package ordercsv

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"lastmile/internal/csvio"
	"lastmile/internal/model"
)

// currencyScale returns how many decimals a major unit of the ISO 4217 currency code has
// (USD 2, JPY 0, IDR 2, VND 0, BHD 3), in any letter case; ok is false for a code that is not
// ISO 4217.
func currencyScale(code string) (scale int, ok bool) {
	return model.CurrencyScale(strings.ToUpper(code))
}

// currencyMarks are the symbols sellers type next to a price, and the currencies each may
// stand for. A symbol shared by several currencies ($, ¥) is accepted for any of them; the
// order's currency column says which.
var currencyMarks = []struct {
	mark  string
	codes []string
}{
	// Longer marks first, so that "US$" is not read as "US" and "$".
	{"US$", []string{"USD"}}, {"S$", []string{"SGD"}}, {"R$", []string{"BRL"}},
	{"RMB", []string{"CNY"}}, {"RM", []string{"MYR"}}, {"Rp", []string{"IDR"}},
	{"$", []string{"USD", "SGD", "AUD", "CAD", "NZD", "HKD", "TWD", "MXN"}},
	{"¥", []string{"JPY", "CNY"}}, {"￥", []string{"JPY", "CNY"}}, {"元", []string{"CNY"}},
	{"円", []string{"JPY"}}, {"€", []string{"EUR"}}, {"£", []string{"GBP"}}, {"₫", []string{"VND"}},
	{"฿", []string{"THB"}}, {"₱", []string{"PHP"}}, {"₩", []string{"KRW"}},
}

// numError is why a number cell could not be read: a problem code and a message for the
// seller.
type numError struct {
	code string
	msg  string
}

func (e *numError) Error() string { return e.msg }

// parseMoney reads a price as a seller types it into minor units of cur: "12.99", "1,299.00",
// "$12.99", "12.99 USD", "Rp149.000,00" in a semicolon file. A currency code or symbol before or
// after the number must be the order's currency: a price in another currency is a mistake
// lastmile does not convert. dec is the decimal separator of the file (see
// csvio.DecimalSeparator).
func parseMoney(s, cur string, dec byte) (int64, *numError) {
	scale, ok := currencyScale(cur)
	if !ok {
		// The caller reports the currency itself; this only stops a guess at the scale.
		return 0, &numError{"currency_unknown", fmt.Sprintf("%q cannot be read without a known currency", s)}
	}
	return parseMoneyScale(s, cur, scale, dec)
}

// parseMoneyScale is parseMoney for a currency whose scale the caller has looked up.
func parseMoneyScale(s, cur string, scale int, dec byte) (int64, *numError) {
	num, mark := splitCurrencyMark(s)
	if mark != "" && !markMeans(mark, cur) {
		return 0, &numError{"currency_mismatch", fmt.Sprintf("%q is marked as %s but the order's currency is %s; lastmile does not convert prices", s, mark, cur)}
	}
	v, err := parseDecimal(num, scale, dec)
	if err != nil {
		if err.code == "precision" {
			return 0, &numError{"amount_precision", fmt.Sprintf("%q has more than %d decimals, the most %s has", s, scale, cur)}
		}
		return 0, &numError{"invalid_amount", fmt.Sprintf("%q is not an amount: %s", s, err.msg)}
	}
	return v, nil
}

// splitCurrencyMark takes a currency symbol or a three-letter code off either end of s.
func splitCurrencyMark(s string) (num, mark string) {
	if s == "" || isDigit(s[0]) && isDigit(s[len(s)-1]) {
		return s, "" // the common case: a bare number
	}
	for _, m := range currencyMarks {
		if rest, ok := strings.CutPrefix(s, m.mark); ok {
			return strings.TrimSpace(rest), m.mark
		}
		if rest, ok := strings.CutSuffix(s, m.mark); ok {
			return strings.TrimSpace(rest), m.mark
		}
	}
	// A three-letter code counts only if it is one and stands apart from other letters, so that
	// "twelve" and "12 dollars" are bad numbers, not prices in "TWE" or "ARS".
	if len(s) > 3 && isCurrencyCode(s[:3]) && !isLetter(s[3]) {
		return strings.TrimSpace(s[3:]), strings.ToUpper(s[:3])
	}
	if len(s) > 3 && isCurrencyCode(s[len(s)-3:]) && !isLetter(s[len(s)-4]) {
		return strings.TrimSpace(s[:len(s)-3]), strings.ToUpper(s[len(s)-3:])
	}
	return s, ""
}

func isCurrencyCode(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isLetter(s[i]) {
			return false
		}
	}
	_, ok := currencyScale(s)
	return ok
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isLetter(c byte) bool {
	c |= 0x20 // ASCII lower case
	return 'a' <= c && c <= 'z'
}

// markMeans reports whether a symbol or code typed next to a price may stand for cur.
func markMeans(mark, cur string) bool {
	if mark == cur {
		return true
	}
	for _, m := range currencyMarks {
		if m.mark == mark {
			for _, c := range m.codes {
				if c == cur {
					return true
				}
			}
			return false
		}
	}
	return false
}

// parseDecimal reads a decimal number exactly, without floating point, in units of 10^-scale:
// parseDecimal("1,299.5", 2, '.') = 129950. Thousands separators must group by three, so a
// misplaced one is refused rather than misread. More decimals than scale, even zeros, are
// refused with code "precision": "149.000" for IDR most likely means 149,000, not 149.
func parseDecimal(s string, scale int, dec byte) (int64, *numError) {
	neg := false
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	intPart, frac, hasDec := strings.Cut(s, string(dec))
	if hasDec && strings.IndexByte(frac, dec) >= 0 {
		return 0, &numError{"syntax", fmt.Sprintf("more than one decimal separator %q", dec)}
	}

	var v int64
	digits, group := 0, 0
	var sep rune = -1
	for _, r := range intPart {
		switch {
		case '0' <= r && r <= '9':
			var ok bool
			if v, ok = mulAdd(v, 10, int64(r-'0')); !ok {
				return 0, &numError{"syntax", "too large"}
			}
			digits++
			group++
		case csvio.IsThousandsSeparator(r, dec):
			if sep < 0 && (group < 1 || group > 3) || sep >= 0 && (r != sep || group != 3) {
				return 0, &numError{"syntax", fmt.Sprintf("thousands separators must group digits by three; the decimal separator is %q", dec)}
			}
			sep, group = r, 0
		default:
			return 0, &numError{"syntax", fmt.Sprintf("unexpected %q", r)}
		}
	}
	if sep >= 0 && group != 3 {
		return 0, &numError{"syntax", fmt.Sprintf("thousands separators must group digits by three; the decimal separator is %q", dec)}
	}
	if hasDec && frac == "" {
		return 0, &numError{"syntax", "no digits after the decimal separator"}
	}
	for i := 0; i < len(frac); i++ {
		if frac[i] < '0' || frac[i] > '9' {
			return 0, &numError{"syntax", fmt.Sprintf("unexpected %q after the decimal separator", frac[i])}
		}
	}
	if digits+len(frac) == 0 {
		return 0, &numError{"syntax", "no digits"}
	}
	if len(frac) > scale {
		return 0, &numError{"precision", fmt.Sprintf("more than %d decimals", scale)}
	}
	for i := 0; i < scale; i++ {
		d := int64(0)
		if i < len(frac) {
			d = int64(frac[i] - '0')
		}
		var ok bool
		if v, ok = mulAdd(v, 10, d); !ok {
			return 0, &numError{"syntax", "too large"}
		}
	}
	if neg {
		v = -v
	}
	return v, nil
}

// mulAdd returns v*m+d for non-negative operands, and false if that overflows int64.
func mulAdd(v, m, d int64) (int64, bool) {
	if v > (math.MaxInt64-d)/m {
		return 0, false
	}
	return v*m + d, true
}

// formatAmount writes minor units as a decimal in major units with exactly scale decimals:
// formatAmount(1299, 2) = "12.99", formatAmount(250000, 0) = "250000".
func formatAmount(v int64, scale int) string {
	neg := v < 0
	var u uint64
	if neg {
		u = uint64(-(v + 1)) + 1 // -MinInt64 does not fit int64
	} else {
		u = uint64(v)
	}
	digits := strconv.FormatUint(u, 10)
	if scale > 0 {
		if len(digits) <= scale {
			digits = strings.Repeat("0", scale-len(digits)+1) + digits
		}
		digits = digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
	}
	if neg {
		return "-" + digits
	}
	return digits
}
