package model

import "fmt"

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
