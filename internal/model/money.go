package model

import "fmt"

// Money is an amount in the currency's minor units (cents, pence; whole units for JPY, IDR's
// sen are not used) with its ISO 4217 code. Arithmetic on Money is exact; rounding is explicit
// where rates are applied.
type Money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

func (m Money) String() string { return fmt.Sprintf("%d %s", m.Amount, m.Currency) }
