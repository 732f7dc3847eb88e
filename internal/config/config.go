// Package config holds lastmile's configuration: one plain struct with a doc comment on every
// field, the platform's published defaults per market (docs/rules.md), WithDefaults and Validate.
// Flags and environment variables are read only in cmd/; this package never reads them.
package config

import (
	"errors"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // market time zones must resolve on a machine without /usr/share/zoneinfo

	"golang.org/x/text/currency"

	"lastmile/internal/model"
)

// Config is the whole configuration of one lastmile process.
type Config struct {
	// DB is the store: "sqlite:PATH" or a "postgres://" URL.
	DB string
	// Addr is the HTTP listen address, host:port.
	Addr string
	// ShutdownTimeout bounds how long a stopping server waits for in-flight requests.
	ShutdownTimeout time.Duration
	// MaxBodyBytes is the largest request body accepted; larger bodies get 413.
	MaxBodyBytes int64
	// MaxBatchOrders is the most orders one POST /v1/orders:batch may carry.
	MaxBatchOrders int
	// IdempotencyTTL is how long a stored Idempotency-Key response is replayed.
	IdempotencyTTL time.Duration
	// IdempotencyLease is how long an unfinished request holds its Idempotency-Key before a retry
	// may take it over (the first attempt crashed).
	IdempotencyLease time.Duration
	// AuthCacheTTL is how long a node trusts an API key it looked up without asking the store
	// again: a key revoked on another node (or by the CLI) keeps working at most this long there.
	// Zero would mean a store query per request.
	AuthCacheTTL time.Duration
	// Markets are the per-market rules; WithDefaults fills the published defaults for any market
	// not set here.
	Markets map[model.Market]Market
}

// Market holds the rules and figures of one marketplace country. Every duration and count cites
// the rule it comes from (docs/rules.md).
type Market struct {
	// Code is the ISO 3166-1 alpha-2 code.
	Code model.Market
	// Currency is the ISO 4217 code orders in this market are paid in.
	Currency string
	// TimeZone is the IANA zone the market's clocks and promise days count in.
	TimeZone string
	// UnpaidCancelAfter: unpaid orders are cancelled automatically this long after creation (R-ORD-2).
	UnpaidCancelAfter time.Duration
	// ConfirmWithin: a paid order must be confirmed within this (R-ORD-3).
	ConfirmWithin time.Duration
	// PrintWithin: labels should be printed within this of payment (R-ORD-5).
	PrintWithin time.Duration
	// ShipWithin: first scan within this of confirmation (R-SHIP-1).
	ShipWithin time.Duration
	// PromiseDays: calendar days from order to delivery the platform promises (R-SLA-1).
	PromiseDays int
	// CODAllowed: cash on delivery is offered in this market (R-MKT-2).
	CODAllowed bool
	// RequireDeclaredName holds an order whose lines lack a customs description (R-SHIP-6). Turn
	// it off for a shop that ships only domestically from a local warehouse.
	RequireDeclaredName bool
}

// Defaults of the figures that the rules (docs/rules.md) give for every market.
const (
	defaultUnpaidCancelAfter = 48 * time.Hour // R-ORD-2
	defaultConfirmWithin     = 24 * time.Hour // R-ORD-3
	defaultPrintWithin       = 48 * time.Hour // R-ORD-5
	seaPrintWithin           = 72 * time.Hour // R-ORD-5: South-East Asia
	defaultShipWithin        = 72 * time.Hour // R-SHIP-1
	ukShipWithin             = 48 * time.Hour // R-SHIP-1: UK
	// defaultPromiseDays applies where R-SLA-1 publishes no figure (it gives UK 5, TH 3, US 7);
	// the US figure is the most lenient published one, so no market is held to a made-up tighter one.
	defaultPromiseDays = 7
)

// DefaultMarkets returns the published defaults of every market lastmile knows (R-MKT-1).
func DefaultMarkets() map[model.Market]Market {
	type m struct {
		code, cur, tz string
		sea           bool
	}
	list := []m{
		{"US", "USD", "America/Los_Angeles", false},
		{"GB", "GBP", "Europe/London", false},
		{"IE", "EUR", "Europe/Dublin", false},
		{"DE", "EUR", "Europe/Berlin", false},
		{"FR", "EUR", "Europe/Paris", false},
		{"IT", "EUR", "Europe/Rome", false},
		{"ES", "EUR", "Europe/Madrid", false},
		{"MX", "MXN", "America/Mexico_City", false},
		{"BR", "BRL", "America/Sao_Paulo", false},
		{"JP", "JPY", "Asia/Tokyo", false},
		{"SA", "SAR", "Asia/Riyadh", false},
		{"ID", "IDR", "Asia/Jakarta", true},
		{"TH", "THB", "Asia/Bangkok", true},
		{"VN", "VND", "Asia/Ho_Chi_Minh", true},
		{"MY", "MYR", "Asia/Kuala_Lumpur", true},
		{"PH", "PHP", "Asia/Manila", true},
		{"SG", "SGD", "Asia/Singapore", true},
	}
	out := make(map[model.Market]Market, len(list))
	for _, v := range list {
		mk := Market{
			Code:              model.Market(v.code),
			Currency:          v.cur,
			TimeZone:          v.tz,
			UnpaidCancelAfter: defaultUnpaidCancelAfter,
			ConfirmWithin:     defaultConfirmWithin,
			PrintWithin:       defaultPrintWithin,
			ShipWithin:        defaultShipWithin,
			PromiseDays:       defaultPromiseDays,
			CODAllowed:        v.sea, // R-MKT-2: COD is a South-East Asian habit
			// R-SHIP-6: customs data is checked before shipping.
			RequireDeclaredName: true,
		}
		if v.sea {
			mk.PrintWithin = seaPrintWithin
		}
		out[mk.Code] = mk
	}
	us, gb, th := out["US"], out["GB"], out["TH"]
	us.PromiseDays = 7 // R-SLA-1
	gb.PromiseDays = 5 // R-SLA-1
	gb.ShipWithin = ukShipWithin
	th.PromiseDays = 3 // R-SLA-1
	out["US"], out["GB"], out["TH"] = us, gb, th
	return out
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	if c.DB == "" {
		c.DB = "sqlite:./lastmile-data/lastmile.db"
	}
	if c.Addr == "" {
		c.Addr = "127.0.0.1:8080"
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = 30 * time.Second
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = 32 << 20
	}
	if c.MaxBatchOrders == 0 {
		c.MaxBatchOrders = 10_000
	}
	if c.IdempotencyTTL == 0 {
		c.IdempotencyTTL = 24 * time.Hour
	}
	if c.IdempotencyLease == 0 {
		c.IdempotencyLease = time.Minute
	}
	if c.AuthCacheTTL == 0 {
		c.AuthCacheTTL = 5 * time.Second
	}
	defaults := DefaultMarkets()
	markets := make(map[model.Market]Market, len(defaults))
	for k, v := range defaults {
		markets[k] = v
	}
	for k, v := range c.Markets {
		markets[k] = v
	}
	c.Markets = markets
	return c
}

// Validate reports every invalid field at once.
func (c Config) Validate() error {
	var errs []error
	if !strings.HasPrefix(c.DB, "sqlite:") && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") {
		errs = append(errs, fmt.Errorf("db %q: want sqlite:PATH or a postgres:// URL", c.DB))
	}
	if c.MaxBodyBytes <= 0 || c.MaxBatchOrders <= 0 || c.ShutdownTimeout <= 0 || c.IdempotencyTTL <= 0 || c.IdempotencyLease <= 0 || c.AuthCacheTTL < 0 {
		errs = append(errs, errors.New("limits and timeouts must be positive"))
	}
	for code, m := range c.Markets {
		if err := m.validate(code); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (m Market) validate(code model.Market) error {
	if m.Code != code {
		return fmt.Errorf("market %s: code %q does not match its key", code, m.Code)
	}
	// Orders are compared to the market's currency exactly, in ISO's upper case.
	if _, err := currency.ParseISO(m.Currency); err != nil || m.Currency != strings.ToUpper(m.Currency) {
		return fmt.Errorf("market %s: currency %q is not an upper-case ISO 4217 code such as EUR", code, m.Currency)
	}
	// LoadLocation takes "" as UTC and "Local" as the server's zone: neither is a market's zone.
	if m.TimeZone == "" || m.TimeZone == "Local" {
		return fmt.Errorf("market %s: time zone %q: want the market's IANA zone, e.g. Europe/London", code, m.TimeZone)
	}
	if _, err := time.LoadLocation(m.TimeZone); err != nil {
		return fmt.Errorf("market %s: time zone %q: %w", code, m.TimeZone, err)
	}
	if m.UnpaidCancelAfter <= 0 || m.ConfirmWithin <= 0 || m.PrintWithin <= 0 || m.ShipWithin <= 0 || m.PromiseDays <= 0 {
		return fmt.Errorf("market %s: every SLA duration and promise day count must be positive", code)
	}
	return nil
}
