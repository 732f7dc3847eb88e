package tiktok

import (
	"fmt"
	"math"
	"strings"

	"lastmile/internal/model"
)

// ParseAmount reads an amount the way the platform writes it, a decimal string in the
// currency's major unit ("12.99", "149000", "0.5"), into ISO 4217 minor units exactly, without
// floating point: "12.99" USD is 1299, "149000" IDR is 14900000 (IDR has two minor digits),
// "259000" VND is 259000. More decimals than the currency has are accepted only when they are
// zeros ("12.990"); negative amounts, exponents, separators and overflow are refused.
func ParseAmount(s, currency string) (int64, error) {
	scale, ok := model.CurrencyScale(strings.ToUpper(strings.TrimSpace(currency)))
	if !ok {
		return 0, fmt.Errorf("amount %q: currency %q is not an ISO 4217 code", s, currency)
	}
	return parseMinor(s, scale, strings.ToUpper(currency))
}

// parseMinor is ParseAmount at a known scale.
func parseMinor(s string, scale int, currency string) (int64, error) {
	s = strings.TrimSpace(s)
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || (dot && frac == "") {
		return 0, fmt.Errorf("amount %q: want a decimal number such as 12.99", s)
	}
	var v int64
	add := func(c byte) error {
		if c < '0' || c > '9' {
			return fmt.Errorf("amount %q: want a decimal number such as 12.99, without signs or separators", s)
		}
		d := int64(c - '0')
		if v > (math.MaxInt64-d)/10 {
			return fmt.Errorf("amount %q is too large", s)
		}
		v = v*10 + d
		return nil
	}
	for i := 0; i < len(whole); i++ {
		if err := add(whole[i]); err != nil {
			return 0, err
		}
	}
	for i := 0; i < len(frac); i++ {
		if i >= scale {
			if frac[i] != '0' {
				return 0, fmt.Errorf("amount %q has more decimals than %s's %d", s, currency, scale)
			}
			continue
		}
		if err := add(frac[i]); err != nil {
			return 0, err
		}
	}
	for i := len(frac); i < scale; i++ {
		if err := add('0'); err != nil {
			return 0, err
		}
	}
	return v, nil
}

// FormatAmount writes minor units of currency the way the platform does: "12.99" for 1299 USD,
// "149000.00" for 14900000 IDR, "259000" for 259000 VND. It is ParseAmount's inverse.
func FormatAmount(minor int64, currency string) (string, error) {
	scale, ok := model.CurrencyScale(strings.ToUpper(currency))
	if !ok {
		return "", fmt.Errorf("currency %q is not an ISO 4217 code", currency)
	}
	if minor < 0 {
		return "", fmt.Errorf("amount %d: negative", minor)
	}
	s := fmt.Sprintf("%0*d", scale+1, minor)
	if scale == 0 {
		return s, nil
	}
	return s[:len(s)-scale] + "." + s[len(s)-scale:], nil
}
