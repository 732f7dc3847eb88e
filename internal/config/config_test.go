package config_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/model"
)

// sea are the South-East Asian markets of R-MKT-1.
var sea = []model.Market{"ID", "TH", "VN", "MY", "PH", "SG"}

func isSEA(m model.Market) bool {
	for _, s := range sea {
		if s == m {
			return true
		}
	}
	return false
}

// R-MKT-1: the markets the rules name, each with its currency (UK is ISO GB).
func TestDefaultMarketsNamedInDomain(t *testing.T) {
	t.Parallel()
	want := map[model.Market]string{
		"US": "USD", "GB": "GBP", "DE": "EUR", "FR": "EUR",
		"ID": "IDR", "TH": "THB", "VN": "VND", "MY": "MYR", "PH": "PHP", "SG": "SGD",
	}
	markets := config.DefaultMarkets()
	for code, cur := range want {
		m, ok := markets[code]
		if !ok {
			t.Errorf("market %s missing", code)
			continue
		}
		if m.Code != code {
			t.Errorf("market %s has Code %q", code, m.Code)
		}
		if m.Currency != cur {
			t.Errorf("market %s currency = %q, want %s", code, m.Currency, cur)
		}
	}
	if _, ok := markets["UK"]; ok {
		t.Errorf(`market "UK" present; the ISO code is GB`)
	}
}

func TestDefaultMarketFigures(t *testing.T) {
	t.Parallel()
	markets := config.DefaultMarkets()
	tests := []struct {
		rule   string
		market model.Market
		field  string
		got    func(config.Market) any
		want   any
	}{
		{"R-ORD-2 unpaid orders cancelled after 48 h", "US", "UnpaidCancelAfter", func(m config.Market) any { return m.UnpaidCancelAfter }, 48 * time.Hour},
		{"R-ORD-2 unpaid orders cancelled after 48 h", "TH", "UnpaidCancelAfter", func(m config.Market) any { return m.UnpaidCancelAfter }, 48 * time.Hour},
		{"R-ORD-3 confirm within 24 h", "US", "ConfirmWithin", func(m config.Market) any { return m.ConfirmWithin }, 24 * time.Hour},
		{"R-ORD-3 confirm within 24 h", "GB", "ConfirmWithin", func(m config.Market) any { return m.ConfirmWithin }, 24 * time.Hour},
		{"R-ORD-3 confirm within 24 h", "ID", "ConfirmWithin", func(m config.Market) any { return m.ConfirmWithin }, 24 * time.Hour},
		{"R-SHIP-1 ship within 72 h", "US", "ShipWithin", func(m config.Market) any { return m.ShipWithin }, 72 * time.Hour},
		{"R-SHIP-1 ship within 72 h", "DE", "ShipWithin", func(m config.Market) any { return m.ShipWithin }, 72 * time.Hour},
		{"R-SHIP-1 ship within 72 h", "TH", "ShipWithin", func(m config.Market) any { return m.ShipWithin }, 72 * time.Hour},
		{"R-SHIP-1 ship within 48 h in the UK", "GB", "ShipWithin", func(m config.Market) any { return m.ShipWithin }, 48 * time.Hour},
		{"R-SLA-1 promise 5 days in the UK", "GB", "PromiseDays", func(m config.Market) any { return m.PromiseDays }, 5},
		{"R-SLA-1 promise 3 days in TH", "TH", "PromiseDays", func(m config.Market) any { return m.PromiseDays }, 3},
		{"R-SLA-1 promise 7 days in the US", "US", "PromiseDays", func(m config.Market) any { return m.PromiseDays }, 7},
		{"R-ORD-5 print within 48 h", "US", "PrintWithin", func(m config.Market) any { return m.PrintWithin }, 48 * time.Hour},
		{"R-ORD-5 print within 48 h", "GB", "PrintWithin", func(m config.Market) any { return m.PrintWithin }, 48 * time.Hour},
		{"R-ORD-5 print within 48 h", "DE", "PrintWithin", func(m config.Market) any { return m.PrintWithin }, 48 * time.Hour},
		{"R-ORD-5 print within 48 h", "FR", "PrintWithin", func(m config.Market) any { return m.PrintWithin }, 48 * time.Hour},
	}
	// R-ORD-5: 72 h in South-East Asia. R-MKT-2: COD offered there.
	for _, m := range sea {
		tests = append(tests,
			struct {
				rule   string
				market model.Market
				field  string
				got    func(config.Market) any
				want   any
			}{"R-ORD-5 print within 72 h in South-East Asia", m, "PrintWithin", func(m config.Market) any { return m.PrintWithin }, 72 * time.Hour},
			struct {
				rule   string
				market model.Market
				field  string
				got    func(config.Market) any
				want   any
			}{"R-MKT-2 COD allowed in South-East Asia", m, "CODAllowed", func(m config.Market) any { return m.CODAllowed }, true},
		)
	}
	for _, m := range []model.Market{"US", "GB", "DE"} {
		tests = append(tests, struct {
			rule   string
			market model.Market
			field  string
			got    func(config.Market) any
			want   any
		}{"R-MKT-2 no COD outside South-East Asia", m, "CODAllowed", func(m config.Market) any { return m.CODAllowed }, false})
	}
	for _, tt := range tests {
		t.Run(tt.rule+"/"+string(tt.market), func(t *testing.T) {
			t.Parallel()
			m, ok := markets[tt.market]
			if !ok {
				t.Fatalf("market %s missing", tt.market)
			}
			if got := tt.got(m); got != tt.want {
				t.Errorf("%s.%s = %v, want %v (%s)", tt.market, tt.field, got, tt.want, tt.rule)
			}
		})
	}
}

// Every default market, not only those named above: every figure positive, the SEA ones and
// only those with COD (R-MKT-2) and 72 h printing (R-ORD-5), a currency and a zone that load.
func TestEveryDefaultMarketIsConsistent(t *testing.T) {
	t.Parallel()
	for code, m := range config.DefaultMarkets() {
		t.Run(string(code), func(t *testing.T) {
			t.Parallel()
			if m.Code != code {
				t.Errorf("Code = %q under key %s", m.Code, code)
			}
			if len(m.Currency) != 3 || strings.ToUpper(m.Currency) != m.Currency {
				t.Errorf("Currency = %q, want an upper-case ISO 4217 code", m.Currency)
			}
			loc, err := time.LoadLocation(m.TimeZone)
			if err != nil {
				t.Errorf("time zone %q: %v", m.TimeZone, err)
			} else if m.TimeZone == "" || loc == time.UTC && m.TimeZone != "UTC" {
				t.Errorf("time zone %q is not a market zone", m.TimeZone)
			}
			if m.UnpaidCancelAfter != 48*time.Hour { // R-ORD-2
				t.Errorf("UnpaidCancelAfter = %v, want 48h", m.UnpaidCancelAfter)
			}
			if m.ConfirmWithin != 24*time.Hour { // R-ORD-3
				t.Errorf("ConfirmWithin = %v, want 24h", m.ConfirmWithin)
			}
			if m.ShipWithin <= 0 || m.PromiseDays <= 0 {
				t.Errorf("ShipWithin %v, PromiseDays %d must be positive", m.ShipWithin, m.PromiseDays)
			}
			if m.CODAllowed != isSEA(code) { // R-MKT-2
				t.Errorf("CODAllowed = %v, want %v", m.CODAllowed, isSEA(code))
			}
			wantPrint := 48 * time.Hour // R-ORD-5
			if isSEA(code) {
				wantPrint = 72 * time.Hour
			}
			if m.PrintWithin != wantPrint {
				t.Errorf("PrintWithin = %v, want %v", m.PrintWithin, wantPrint)
			}
			cfg := config.Config{Markets: map[model.Market]config.Market{code: m}}.WithDefaults()
			if err := cfg.Validate(); err != nil {
				t.Errorf("default market does not validate: %v", err)
			}
		})
	}
}

func TestDefaultMarketsReturnsAFreshMap(t *testing.T) {
	t.Parallel()
	a := config.DefaultMarkets()
	us := a["US"]
	us.ShipWithin = time.Hour
	a["US"] = us
	delete(a, "GB")
	b := config.DefaultMarkets()
	if b["US"].ShipWithin != 72*time.Hour {
		t.Errorf("a change to one result leaked into the next: US ShipWithin = %v", b["US"].ShipWithin)
	}
	if _, ok := b["GB"]; !ok {
		t.Errorf("deleting GB from one result removed it from the next")
	}
}

func TestWithDefaults(t *testing.T) {
	t.Parallel()
	c := config.Config{}.WithDefaults()
	if c.MaxBodyBytes != 32<<20 {
		t.Errorf("MaxBodyBytes = %d, want 32 MiB", c.MaxBodyBytes)
	}
	if c.MaxBatchOrders != 10_000 {
		t.Errorf("MaxBatchOrders = %d, want 10000", c.MaxBatchOrders)
	}
	if !strings.HasPrefix(c.DB, "sqlite:") || len(c.DB) == len("sqlite:") {
		t.Errorf("DB = %q, want a sqlite:PATH default", c.DB)
	}
	if c.Addr == "" || c.ShutdownTimeout <= 0 || c.IdempotencyTTL <= 0 || c.IdempotencyLease <= 0 {
		t.Errorf("unset defaults: %+v", c)
	}
	if len(c.Markets) != len(config.DefaultMarkets()) {
		t.Errorf("%d markets, want every default (%d)", len(c.Markets), len(config.DefaultMarkets()))
	}
	if err := c.Validate(); err != nil {
		t.Errorf("defaults do not validate: %v", err)
	}
}

func TestWithDefaultsKeepsCallerValues(t *testing.T) {
	t.Parallel()
	gb := config.DefaultMarkets()["GB"]
	gb.ShipWithin = 24 * time.Hour
	gb.PromiseDays = 4
	callerMarkets := map[model.Market]config.Market{"GB": gb}
	in := config.Config{DB: "postgres://db.example/lastmile", MaxBodyBytes: 1 << 20, MaxBatchOrders: 500, Markets: callerMarkets}
	c := in.WithDefaults()
	if c.DB != "postgres://db.example/lastmile" || c.MaxBodyBytes != 1<<20 || c.MaxBatchOrders != 500 {
		t.Errorf("caller values replaced: DB %q, MaxBodyBytes %d, MaxBatchOrders %d", c.DB, c.MaxBodyBytes, c.MaxBatchOrders)
	}
	if !reflect.DeepEqual(c.Markets["GB"], gb) {
		t.Errorf("GB = %+v, want the caller's override %+v", c.Markets["GB"], gb)
	}
	if !reflect.DeepEqual(c.Markets["US"], config.DefaultMarkets()["US"]) {
		t.Errorf("US = %+v, want the default", c.Markets["US"])
	}
	if len(callerMarkets) != 1 {
		t.Errorf("WithDefaults added %d markets to the caller's map", len(callerMarkets)-1)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestValidateAcceptsDBURLs(t *testing.T) {
	t.Parallel()
	for _, db := range []string{"sqlite:./x.db", "sqlite:/var/lib/lastmile/lastmile.db", "postgres://u:p@h:5432/d", "postgresql://h/d"} {
		c := config.Config{DB: db}.WithDefaults()
		if err := c.Validate(); err != nil {
			t.Errorf("DB %q: %v", db, err)
		}
	}
}

// Validate reports every problem at once (errors.Join), not the first one only.
func TestValidateReportsAllProblems(t *testing.T) {
	t.Parallel()
	c := config.Config{DB: "mysql://h/d"}.WithDefaults()
	us := c.Markets["US"]
	us.Currency = "US$"
	c.Markets["US"] = us
	gb := c.Markets["GB"]
	gb.TimeZone = "Europe/Atlantis"
	c.Markets["GB"] = gb
	de := c.Markets["DE"]
	de.ShipWithin = 0
	c.Markets["DE"] = de
	c.IdempotencyTTL = 0

	err := c.Validate()
	if err == nil {
		t.Fatal("Validate accepted a bad configuration")
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("error %T is not a joined error", err)
	}
	if n := len(joined.Unwrap()); n != 5 {
		t.Errorf("%d errors, want 5 (db, idempotency_ttl, US, GB, DE): %v", n, err)
	}
	msg := err.Error()
	for _, want := range []string{"mysql://h/d", "markets.US.currency", "US$", "markets.GB.time_zone", "Europe/Atlantis",
		"markets.DE.ship_within", "idempotency_ttl: 0s must be more than 0"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not mention %q:\n%s", want, msg)
		}
	}
}

func TestValidateMarket(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*config.Market)
	}{
		{"unknown currency", func(m *config.Market) { m.Currency = "ZZZ" }},
		{"empty currency", func(m *config.Market) { m.Currency = "" }},
		{"bad time zone", func(m *config.Market) { m.TimeZone = "Mars/Olympus_Mons" }},
		{"zero confirm window (R-ORD-3)", func(m *config.Market) { m.ConfirmWithin = 0 }},
		{"negative ship window (R-SHIP-1)", func(m *config.Market) { m.ShipWithin = -time.Hour }},
		{"zero unpaid cancel (R-ORD-2)", func(m *config.Market) { m.UnpaidCancelAfter = 0 }},
		{"zero print window (R-ORD-5)", func(m *config.Market) { m.PrintWithin = 0 }},
		{"zero promise days (R-SLA-1)", func(m *config.Market) { m.PromiseDays = 0 }},
		{"code not its key", func(m *config.Market) { m.Code = "FR" }},
		// currency.ParseISO is case-insensitive, but orders are compared to the market's
		// currency exactly in upper case: "gbp" would refuse every order of the market.
		{"lower-case currency", func(m *config.Market) { m.Currency = "gbp" }},
		// time.LoadLocation("") is UTC and LoadLocation("Local") the machine's zone, both without
		// error; a market counting its clocks (R-SLA-1) in either would be wrong.
		{"empty time zone", func(m *config.Market) { m.TimeZone = "" }},
		{"Local time zone", func(m *config.Market) { m.TimeZone = "Local" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := config.Config{}.WithDefaults()
			gb := c.Markets["GB"]
			tt.edit(&gb)
			c.Markets["GB"] = gb
			err := c.Validate()
			if err == nil {
				t.Fatalf("Validate accepted GB market %+v", gb)
			}
			if !strings.Contains(err.Error(), "GB") {
				t.Errorf("error does not name the market GB: %v", err)
			}
		})
	}
}

func TestValidateLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*config.Config)
	}{
		{"zero body limit", func(c *config.Config) { c.MaxBodyBytes = 0 }},
		{"negative batch", func(c *config.Config) { c.MaxBatchOrders = -1 }},
		{"negative carrier concurrency", func(c *config.Config) { c.CarrierConcurrency = -1 }},
		{"carrier concurrency past its bound", func(c *config.Config) { c.CarrierConcurrency = 5000 }},
		{"zero shutdown timeout", func(c *config.Config) { c.ShutdownTimeout = 0 }},
		{"zero idempotency TTL", func(c *config.Config) { c.IdempotencyTTL = 0 }},
		{"negative idempotency lease", func(c *config.Config) { c.IdempotencyLease = -time.Second }},
		{"empty DB", func(c *config.Config) { c.DB = "" }},
		{"DB path without scheme", func(c *config.Config) { c.DB = "./lastmile.db" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := config.Config{}.WithDefaults()
			tt.edit(&c)
			if err := c.Validate(); err == nil {
				t.Errorf("Validate accepted %+v", c)
			} else if errors.Unwrap(err) != nil {
				// errors.Join's result has Unwrap() []error, never Unwrap() error.
				t.Errorf("unexpected single-wrapped error: %v", err)
			}
		})
	}
}

// TestRescueAfterExceedsJobTimeout: a job rescued while it still runs would run twice at once,
// so the configuration refuses a rescue delay not above the job timeout, naming the key.
func TestRescueAfterExceedsJobTimeout(t *testing.T) {
	c := config.Config{JobTimeout: time.Minute, RescueStuckJobsAfter: time.Minute}.WithDefaults()
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "rescue_stuck_jobs_after") {
		t.Fatalf("rescue after = job timeout: %v", err)
	}
	c = config.Config{JobTimeout: 10 * time.Minute}.WithDefaults()
	if c.RescueStuckJobsAfter != 20*time.Minute || c.Validate() != nil {
		t.Fatalf("a long job timeout lengthens the default rescue delay: %v %v", c.RescueStuckJobsAfter, c.Validate())
	}
}
