package model

import (
	"fmt"
	"strings"

	"golang.org/x/text/currency"
)

// Money is an amount in the currency's ISO 4217 minor units with its ISO 4217 code: cents for
// USD, pence for GBP, none for JPY and VND, and two (sen) for IDR even though rupiah prices are
// whole (IDR 149,000 is 14900000). CLDR, and so golang.org/x/text/currency, gives some currencies
// another scale for display; amounts here always follow ISO 4217. Arithmetic on Money is exact;
// rounding is explicit where rates are applied.
type Money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

func (m Money) String() string { return fmt.Sprintf("%d %s", m.Amount, m.Currency) }

// isoScale overrides golang.org/x/text/currency where it follows CLDR's "digits in use" instead
// of ISO 4217's minor units (CLDR gives IDR 0); Money keeps these currencies at their ISO scale.
// x/text agrees with ISO for every other active currency.
var isoScale = map[string]int{
	"AFN": 2, "ALL": 2, "AMD": 2, "COP": 2, "GYD": 2, "IDR": 2, "IQD": 3, "IRR": 2, "KPW": 2,
	"LAK": 2, "LBP": 2, "MGA": 2, "MMK": 2, "MNT": 2, "MUR": 2, "PKR": 2, "RSD": 2, "SLL": 2,
	"SOS": 2, "SYP": 2, "TZS": 2, "UZS": 2, "YER": 2,
}

// CurrencyScale returns the ISO 4217 minor-unit digits of an upper-case currency code (USD 2,
// JPY 0, IDR 2, VND 0, BHD 3): the scale of Money.Amount. ok is false for anything that is not
// an upper-case ISO 4217 code.
func CurrencyScale(code string) (scale int, ok bool) {
	if len(code) != 3 || code != strings.ToUpper(code) {
		return 0, false
	}
	u, err := currency.ParseISO(code)
	if err != nil {
		return 0, false
	}
	if s, ok := isoScale[code]; ok {
		return s, true
	}
	s, _ := currency.Standard.Rounding(u)
	return s, true
}
