package rating

import (
	"errors"
	"fmt"
	"math/bits"
	"strings"

	"lastmile/internal/model"
)

// Scales of the numbers a card holds. Amounts are integers in the currency's ISO 4217 minor
// units (cents); rates that are multiplied by a weight or a percentage keep more precision so
// that a line is rounded once, at the end:
//
//   - a per-kg rate is held in micro-minor units (10⁻⁶ of a cent): USD 0.21/kg is 21,000,000;
//   - a percentage is held in parts per million of the amount: 3.5 % is 35,000.
const (
	microPerMinor = 1_000_000 // per-kg rates: micro-minor units per minor unit
	ppmPerPercent = 10_000    // percentages: parts per million per percent
	gramsPerKg    = 1000
	// percentDecimals is how many decimals a percentage may have (3.1234 %).
	percentDecimals = 4
	// rateDecimals is how many decimals beyond the currency's a per-kg rate may have.
	rateDecimals = 6
)

// Bounds that keep every sum of a quote far inside int64, checked when a card is loaded.
const (
	maxAmount  = 10_000_000_000 // minor units: USD 100 million
	maxPercent = 1000 * ppmPerPercent
	// maxChargeableG is the heaviest parcel any card prices (10 t); a heavier chargeable weight
	// is overweight whatever the card says.
	maxChargeableG = 10_000_000
)

// currencyScale returns the ISO 4217 minor-unit digits of an upper-case currency code.
func currencyScale(code string) (scale int, ok bool) { return model.CurrencyScale(code) }

var errNotDecimal = errors.New("not a plain decimal number such as 3.28")

// parseDecimal reads a non-negative decimal number exactly, without floating point, as an
// integer in units of 10^-scale: parseDecimal("3.28", 2) = 328, parseDecimal("0.21", 8) =
// 21000000. It refuses exponents, signs, hex, and more decimals than scale (even zeros), so a
// price is never silently rounded when it is loaded.
func parseDecimal(s string, scale int) (int64, error) {
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" || hasDot && frac == "" {
		return 0, errNotDecimal
	}
	var v int64
	for _, part := range []string{intPart, frac} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return 0, errNotDecimal
			}
		}
	}
	if len(frac) > scale {
		return 0, fmt.Errorf("has %d decimals, at most %d allowed here", len(frac), scale)
	}
	digits := intPart + frac + strings.Repeat("0", scale-len(frac))
	for i := 0; i < len(digits); i++ {
		d := int64(digits[i] - '0')
		if v > (1<<62)/10 {
			return 0, errors.New("is too large")
		}
		v = v*10 + d
	}
	return v, nil
}

// mulDivHalfUp returns a×b/d rounded half-up (a half goes up, away from zero) for
// non-negative a and b and positive d, exactly: the product is 128 bits wide. ok is false only
// when the result does not fit int64, which the load-time bounds rule out.
func mulDivHalfUp(a, b, d int64) (int64, bool) {
	if a < 0 || b < 0 || d <= 0 {
		return 0, false
	}
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi >= uint64(d) {
		return 0, false
	}
	q, r := bits.Div64(hi, lo, uint64(d))
	if r >= uint64(d)-r { // 2r ≥ d without overflow: a half or more rounds up
		q++
	}
	if q > 1<<63-1 {
		return 0, false
	}
	return int64(q), true
}

// ceilDiv returns ⌈a/b⌉ for non-negative a and positive b.
func ceilDiv(a, b int64) int64 { return (a + b - 1) / b }

// formatMinor writes minor units as a decimal in major units: formatMinor(602, 2) = "6.02".
func formatMinor(v int64, scale int) string {
	neg := v < 0
	if neg {
		v = -v
	}
	s := fmt.Sprintf("%0*d", scale+1, v)
	if scale > 0 {
		s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	}
	if neg {
		return "-" + s
	}
	return s
}
