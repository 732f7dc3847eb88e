// Package config holds lastmile's configuration: one plain struct with a doc comment on every
// field, the platform's published defaults per market (docs/rules.md), WithDefaults and Validate;
// the configuration file (Parse, Marshal), the environment's overrides of the process settings
// (ApplyEnv) and a shop's overrides of its market's figures (Overrides, Effective, ForShop).
// Flags and environment variables are read only in cmd/; this package never reads them.
package config

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // market time zones must resolve on a machine without /usr/share/zoneinfo

	"lastmile/internal/model"
)

// Config is the whole configuration of one lastmile process. The configuration file names each
// field by the key in its comment; docs/configuration.md lists them all.
type Config struct {
	// DB is the store: "sqlite:PATH" or a "postgres://" URL (db).
	DB string
	// Addr is the HTTP listen address, host:port (addr).
	Addr string
	// ShutdownTimeout bounds how long a stopping server waits for in-flight requests
	// (shutdown_timeout).
	ShutdownTimeout time.Duration
	// MaxBodyBytes is the largest request body accepted; larger bodies get 413 (max_body_bytes).
	MaxBodyBytes int64
	// MaxBatchOrders is the most orders one POST /v1/orders:batch may carry (max_batch_orders).
	MaxBatchOrders int
	// CarrierConcurrency is the most label purchases one node runs at once against one carrier
	// (carrier_concurrency): with a carrier answering in 300 ms, 128 in flight ship at most about
	// 420 labels a second. A carrier's 429 and its Retry-After are honoured whatever the figure;
	// set it to what the carrier's own rate limit allows.
	CarrierConcurrency int
	// IdempotencyTTL is how long a stored Idempotency-Key response is replayed (idempotency_ttl).
	IdempotencyTTL time.Duration
	// IdempotencyLease is how long an unfinished request holds its Idempotency-Key before a retry
	// may take it over (the first attempt crashed) (idempotency_lease).
	IdempotencyLease time.Duration
	// AuthCacheTTL is how long a node trusts an API key it looked up without asking the store
	// again: a key revoked on another node (or by the CLI) keeps working at most this long there
	// (auth_cache_ttl).
	AuthCacheTTL time.Duration
	// SettingsCacheTTL is how long a node trusts a shop's settings it read: a change made through
	// another node applies on this one within it (settings_cache_ttl).
	SettingsCacheTTL time.Duration
	// RateCards is a directory of the seller's rate cards (*.yaml), checked at start and
	// reloadable; empty: none (rate_cards).
	RateCards string
	// RateCardsBuiltin quotes with the example cards built into lastmile too; nil: true without
	// RateCards, false with them (rate_cards_builtin). Read it with BuiltinCards.
	RateCardsBuiltin *bool
	// Markets are the per-market rules; WithDefaults fills the published defaults for any market
	// not set here (markets.<CC>).
	Markets map[model.Market]Market
	// Shops are shops' own figures from the configuration file, by shop id (shops.<id>); the
	// API's overrides (PATCH /v1/shops/{id}/settings) apply over them.
	Shops map[string]Overrides
	// Carriers are the carrier accounts labels are bought from (carriers): each an adapter
	// type with its settings (docs/carriers.md).
	Carriers []Carrier
	// CarrierNetwork adds the simulated carrier network's carriers (carrier_network): "sim" runs
	// it inside this process (the demo), an http:// URL uses a standalone `lastmile sim carriers`
	// there; empty: only Carriers.
	CarrierNetwork string
	// TikTok is the TikTok Shop app shops connect through (tiktok_*; config_tiktok.go).
	TikTok TikTok
	// Scores are the score thresholds and the LTS weights (scores.*; config_scores.go); the
	// zero Scores is every default.
	Scores Scores
	// WebhookTimeout bounds one attempt of an outbound webhook delivery (webhook_timeout).
	WebhookTimeout time.Duration
	// WebhookRetrySchedule is the wait before each retry of a failed webhook delivery, comma
	// separated durations; the attempt after the last wait failing fails the delivery and
	// disables its subscription (webhook_retry_schedule). Read it with WebhookRetries.
	WebhookRetrySchedule string
	// BuyerQuietHours is when buyers get no messages, "HH:MM-HH:MM" in each buyer's market zone
	// (R-MKT-3); equal bounds: none (buyer_quiet_hours). Read it with QuietHours.
	BuyerQuietHours string
	// BuyerSMTPAddr is the host:port of the SMTP server buyer e-mails go through; empty: no
	// e-mail channel (buyer_smtp_addr).
	BuyerSMTPAddr string
	// BuyerSMTPFrom is the sender of buyer e-mails (buyer_smtp_from).
	BuyerSMTPFrom string
	// BuyerSMTPUser and BuyerSMTPPassword authenticate with the SMTP server (PLAIN, over TLS
	// unless the server is on loopback); empty: no authentication (buyer_smtp_user,
	// buyer_smtp_password).
	BuyerSMTPUser     string
	BuyerSMTPPassword string
	// BuyerWebhookURL receives every buyer message as signed JSON, for a seller's own
	// messaging service; empty: no webhook channel (buyer_webhook_url).
	BuyerWebhookURL string
	// BuyerWebhookSecret signs them, whsec_… (buyer_webhook_secret).
	BuyerWebhookSecret string
	// JobTimeout bounds one background job's run (job_timeout).
	JobTimeout time.Duration
	// RescueStuckJobsAfter is how long after it started a job still marked running is taken to
	// be lost with its node (kill -9, power cut) and run again; more than JobTimeout
	// (rescue_stuck_jobs_after).
	RescueStuckJobsAfter time.Duration
}

// QuietHours parses BuyerQuietHours into the start and end times of day.
func (c Config) QuietHours() (start, end time.Duration, err error) {
	a, b, ok := strings.Cut(c.BuyerQuietHours, "-")
	parse := func(v string) (time.Duration, error) {
		t, err := time.Parse("15:04", strings.TrimSpace(v))
		if err != nil {
			return 0, err
		}
		return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
	}
	if ok {
		if start, err = parse(a); err == nil {
			end, err = parse(b)
		}
	}
	if !ok || err != nil {
		return 0, 0, fmt.Errorf("%q: want HH:MM-HH:MM in the buyer's time zone, e.g. 21:00-08:00", c.BuyerQuietHours)
	}
	return start, end, nil
}

// DefaultWebhookRetrySchedule retries a failing endpoint for about three days.
const DefaultWebhookRetrySchedule = "5s,5m,30m,2h,5h,10h,10h,10h,10h,10h,10h,10h"

// WebhookRetries parses WebhookRetrySchedule: every wait a positive duration, at most 100.
func (c Config) WebhookRetries() ([]time.Duration, error) {
	var out []time.Duration
	for _, f := range strings.Split(c.WebhookRetrySchedule, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(f))
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("%q: want comma-separated positive durations, e.g. %s", f, DefaultWebhookRetrySchedule)
		}
		out = append(out, d)
	}
	if len(out) > 100 {
		return nil, fmt.Errorf("%d waits: at most 100", len(out))
	}
	return out, nil
}

// Carrier configures one carrier account: an adapter type ("sim", "ratecard") and its settings
// (docs/carriers.md lists each type's settings).
type Carrier struct {
	// Name is the carrier's id in lastmile, unique.
	Name string
	// Type is the adapter ("sim", "ratecard", …).
	Type string
	// Config is the adapter's own settings, each a single value.
	Config map[string]string
}

// BuiltinCards reports whether the example rate cards built into lastmile are quoted: as set,
// or by default only when no rate_cards directory is.
func (c Config) BuiltinCards() bool {
	if c.RateCardsBuiltin != nil {
		return *c.RateCardsBuiltin
	}
	return c.RateCards == ""
}

// WithDefaults returns c with every unset field set to its default. Markets are merged: a market
// c sets replaces that market's defaults as a whole.
func (c Config) WithDefaults() Config {
	if c.Scores == (Scores{}) {
		c.Scores = DefaultScores()
	}
	if c.DB == "" {
		c.DB = "sqlite:./lastmile-data/lastmile.db"
	}
	if c.Addr == "" {
		c.Addr = "127.0.0.1:8080"
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = 30 * time.Second
	}
	if c.JobTimeout == 0 {
		c.JobTimeout = 2 * time.Minute
	}
	if c.RescueStuckJobsAfter == 0 {
		c.RescueStuckJobsAfter = max(5*time.Minute, 2*c.JobTimeout)
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = 32 << 20
	}
	if c.MaxBatchOrders == 0 {
		c.MaxBatchOrders = 10_000
	}
	if c.CarrierConcurrency == 0 {
		c.CarrierConcurrency = 128
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
	if c.SettingsCacheTTL == 0 {
		c.SettingsCacheTTL = 5 * time.Second
	}
	if c.TikTok.SyncInterval == 0 {
		c.TikTok.SyncInterval = 5 * time.Minute
	}
	if c.WebhookTimeout == 0 {
		c.WebhookTimeout = 15 * time.Second
	}
	if c.WebhookRetrySchedule == "" {
		c.WebhookRetrySchedule = DefaultWebhookRetrySchedule
	}
	if c.BuyerQuietHours == "" {
		c.BuyerQuietHours = "21:00-08:00"
	}
	markets := DefaultMarkets()
	maps.Copy(markets, c.Markets)
	c.Markets = markets
	return c
}

// KeyError is one problem with one configuration key: where the value came from (the file and
// line, "lastmile.yaml:12", or an environment variable), the key (markets.GB.ship_within) and
// what is wrong and how to write it. Its text is
// `lastmile.yaml:12: markets.GB.ship_within: "4 8h" is not a duration; write e.g. 48h`.
type KeyError struct {
	Where string
	Key   string
	Msg   string
}

func (e *KeyError) Error() string {
	if e.Where == "" {
		return e.Key + ": " + e.Msg
	}
	return e.Where + ": " + e.Key + ": " + e.Msg
}

// Validate reports every invalid field at once (errors.Join of *KeyError), each named by its key.
func (c Config) Validate() error {
	var errs []error
	bad := func(key string, err error) { errs = append(errs, &KeyError{Key: key, Msg: err.Error()}) }
	if !strings.HasPrefix(c.DB, "sqlite:") && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") {
		bad("db", fmt.Errorf("%q: want sqlite:PATH or a postgres:// URL", c.DB))
	}
	for _, k := range processKeys {
		if err := k.check(k.ptr(&c)); err != nil {
			bad(k.name, err)
		}
	}
	if n := c.CarrierNetwork; n != "" && n != "sim" && !strings.HasPrefix(n, "http://") && !strings.HasPrefix(n, "https://") {
		bad("carrier_network", fmt.Errorf("%q: want sim (in this process) or the http:// URL of a `lastmile sim carriers`", n))
	}
	c.Scores.validate(bad)
	if err := c.checkTikTok(); err != nil {
		errs = append(errs, err)
	}
	if _, err := c.WebhookRetries(); err != nil {
		bad("webhook_retry_schedule", err)
	}
	if _, _, err := c.QuietHours(); err != nil {
		bad("buyer_quiet_hours", err)
	}
	if c.BuyerSMTPAddr != "" && !strings.Contains(c.BuyerSMTPFrom, "@") {
		bad("buyer_smtp_from", fmt.Errorf("%q: buyer e-mails need a sender address, e.g. orders@shop.example", c.BuyerSMTPFrom))
	}
	if c.BuyerWebhookURL != "" && !strings.HasPrefix(c.BuyerWebhookSecret, "whsec_") {
		bad("buyer_webhook_secret", errors.New("the buyer webhook needs a whsec_… signing secret"))
	}
	if c.WebhookTimeout > time.Minute {
		bad("webhook_timeout", fmt.Errorf("%v: at most 1m; an endpoint should answer at once and work later", c.WebhookTimeout))
	}
	if c.JobTimeout > 0 && c.RescueStuckJobsAfter > 0 && c.RescueStuckJobsAfter <= c.JobTimeout {
		bad("rescue_stuck_jobs_after", fmt.Errorf("%s: want more than job_timeout (%s), or a slow job could run twice at once", c.RescueStuckJobsAfter, c.JobTimeout))
	}
	if c.RateCards == "" && !c.BuiltinCards() {
		bad("rate_cards_builtin", errors.New("false without a rate_cards directory leaves nothing to quote with; set rate_cards or rate_cards_builtin: true"))
	}
	for _, code := range slices.Sorted(maps.Keys(c.Markets)) {
		m := c.Markets[code]
		if m.Code != code {
			bad("markets."+string(code), fmt.Errorf("code %q does not match its key", m.Code))
		}
		for _, k := range marketKeys {
			if err := k.check(k.ptr(&m)); err != nil {
				bad("markets."+string(code)+"."+k.name, err)
			}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(c.Shops)) {
		if _, err := Effective(Market{}, c.Shops[id]); err != nil {
			bad("shops."+id, err)
		}
	}
	seen := map[string]bool{}
	for i, cr := range c.Carriers {
		at := fmt.Sprintf("carriers[%d]", i)
		switch {
		case cr.Name == "":
			bad(at+".name", errors.New("every carrier needs a name"))
		case seen[cr.Name]:
			bad(at+".name", fmt.Errorf("%q is listed twice", cr.Name))
		}
		seen[cr.Name] = true
		if cr.Type == "" {
			bad(at+".type", errors.New("every carrier needs a type"))
		}
	}
	return errors.Join(errs...)
}

// LocalOnlyMarkets lists the markets whose orders ship only from a warehouse in the market
// (R-MODE-5), sorted; empty and non-nil when there are none.
func (c Config) LocalOnlyMarkets() []model.Market {
	out := []model.Market{}
	for _, code := range slices.Sorted(maps.Keys(c.Markets)) {
		if c.Markets[code].LocalOnly {
			out = append(out, code)
		}
	}
	return out
}

// QRMarkets lists the destinations whose labels carry the anti-counterfeit QR (R-LBL-5), sorted;
// empty and non-nil when there are none.
func (c Config) QRMarkets() []string {
	out := []string{}
	for _, code := range slices.Sorted(maps.Keys(c.Markets)) {
		if c.Markets[code].QRLabel {
			out = append(out, string(code))
		}
	}
	return out
}
