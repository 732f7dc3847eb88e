package config

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/currency"
)

// kind is how a key's value is written and checked.
type kind int

const (
	kindText     kind = iota // free text: db, addr, rate_cards
	kindDuration             // a Go duration: 48h, 30s, 1m
	kindInt                  // a whole number
	kindBool                 // true or false
	kindClock                // a local time of day, HH:MM
	kindWeekdays             // a list of day codes: [mon, tue]
	kindCurrency             // an upper-case ISO 4217 code
	kindZone                 // an IANA time zone
	kindNumber               // a decimal number: a share 0.75, a score 85
	kindCodes                // a list of codes, lower case: [usps, ups]
)

// key is one key of the configuration: its name in the file, what it is and what it affects.
// docs/configuration.md lists the same keys (a test holds them together).
type key struct {
	name string
	kind kind
	// rule is the DOMAIN rule id(s) the figure implements; "" for a process setting.
	rule string
	// doc says what the key affects.
	doc string
	// zero: 0 is a valid value (durations and numbers are otherwise positive).
	zero bool
	// max bounds a number (0: no bound beyond the type's); fmax a decimal one.
	max  int64
	fmax float64
	// secret: the value is never printed (config print shows it redacted).
	secret bool
}

// processKey is a setting of the lastmile process, also read from the environment.
type processKey struct {
	key
	// env is the environment variable that overrides the file.
	env string
	ptr func(*Config) any
}

// marketKey is a figure of a market (markets.<CC>.<name>).
type marketKey struct {
	key
	// shop: a shop may override it (shops.<id>.<name>, PATCH /v1/shops/{id}/settings). The
	// market's own identity (currency, zone) and the platform's compliance rules about a
	// destination (R-SHIP-3, R-LBL-5, R-MODE-5) are the market's, not a shop's.
	shop bool
	ptr  func(*Market) any
}

var processKeys = []processKey{
	{key{name: "db", kind: kindText, doc: "the store: sqlite:PATH (embedded) or a postgres:// URL"}, "LASTMILE_DB",
		func(c *Config) any { return &c.DB }},
	{key{name: "addr", kind: kindText, doc: "the HTTP listen address, host:port"}, "LASTMILE_ADDR",
		func(c *Config) any { return &c.Addr }},
	{key{name: "shutdown_timeout", kind: kindDuration, doc: "how long a stopping server waits for in-flight requests"},
		"LASTMILE_SHUTDOWN_TIMEOUT", func(c *Config) any { return &c.ShutdownTimeout }},
	{key{name: "max_body_bytes", kind: kindInt, doc: "the largest request body accepted, in bytes; larger bodies get 413"},
		"LASTMILE_MAX_BODY_BYTES", func(c *Config) any { return &c.MaxBodyBytes }},
	{key{name: "max_batch_orders", kind: kindInt, max: 1 << 30, doc: "the most orders one POST /v1/orders:batch may carry"},
		"LASTMILE_MAX_BATCH_ORDERS", func(c *Config) any { return &c.MaxBatchOrders }},
	{key{name: "carrier_concurrency", kind: kindInt, max: 4096, doc: "the most label purchases one node runs at once against one carrier"},
		"LASTMILE_CARRIER_CONCURRENCY", func(c *Config) any { return &c.CarrierConcurrency }},
	{key{name: "idempotency_ttl", kind: kindDuration, doc: "how long a stored Idempotency-Key response is replayed"},
		"LASTMILE_IDEMPOTENCY_TTL", func(c *Config) any { return &c.IdempotencyTTL }},
	{key{name: "idempotency_lease", kind: kindDuration, doc: "how long an unfinished request holds its Idempotency-Key before a retry may take it over"},
		"LASTMILE_IDEMPOTENCY_LEASE", func(c *Config) any { return &c.IdempotencyLease }},
	{key{name: "auth_cache_ttl", kind: kindDuration, doc: "how long a node trusts an API key it looked up; a key revoked on another node works there at most this long"},
		"LASTMILE_AUTH_CACHE_TTL", func(c *Config) any { return &c.AuthCacheTTL }},
	{key{name: "settings_cache_ttl", kind: kindDuration, doc: "how long a node trusts a shop's settings it read; a change made on another node applies there within this"},
		"LASTMILE_SETTINGS_CACHE_TTL", func(c *Config) any { return &c.SettingsCacheTTL }},
	{key{name: "rate_cards", kind: kindText, doc: "a directory of the seller's rate cards (*.yaml, docs/ratecards.md), checked at start and reloaded on SIGHUP or POST /v1/rate-cards:reload; empty: none"},
		"LASTMILE_RATE_CARDS", func(c *Config) any { return &c.RateCards }},
	{key{name: "rate_cards_builtin", kind: kindBool, doc: "also quote with the example cards built into lastmile; default true without rate_cards, false with them (your cards replace the examples)"},
		"LASTMILE_RATE_CARDS_BUILTIN", func(c *Config) any { return &c.RateCardsBuiltin }},
	{key{name: "carrier_network", kind: kindText, doc: "the simulated carrier network's carriers: sim runs it in this process, an http:// URL uses a standalone `lastmile sim carriers`; empty: only the carriers list"},
		"LASTMILE_CARRIERS", func(c *Config) any { return &c.CarrierNetwork }},
	{key{name: "tiktok_app_key", kind: kindText, rule: "R-API-1", doc: "the TikTok Shop app's key; empty: no TikTok integration"},
		"LASTMILE_TIKTOK_APP_KEY", func(c *Config) any { return &c.TikTok.AppKey }},
	{key{name: "tiktok_app_secret", kind: kindText, rule: "R-API-1", secret: true, doc: "the TikTok Shop app's secret; never printed nor logged"},
		"LASTMILE_TIKTOK_APP_SECRET", func(c *Config) any { return &c.TikTok.AppSecret }},
	{key{name: "tiktok_api_base", kind: kindText, rule: "R-API-1", doc: "the TikTok Shop API host's URL (the auth host too); empty: the platform's; the simulator's URL in tests and the demo"},
		"LASTMILE_TIKTOK_API_BASE", func(c *Config) any { return &c.TikTok.APIBase }},
	{key{name: "tiktok_token_key", kind: kindText, rule: "R-API-2", secret: true, doc: "seals the sellers' TikTok tokens at rest (AES-256-GCM); at least 16 characters; empty: a key derived from the app secret (warned at start); never printed nor logged"},
		"LASTMILE_TIKTOK_TOKEN_KEY", func(c *Config) any { return &c.TikTok.TokenKey }},
	{key{name: "tiktok_sync_interval", kind: kindDuration, rule: "R-API-1", doc: "how often every connected TikTok shop's orders are pulled by update_time, under the webhooks"},
		"LASTMILE_TIKTOK_SYNC_INTERVAL", func(c *Config) any { return &c.TikTok.SyncInterval }},
	{key{name: "tiktok_webhook_url", kind: kindText, rule: "R-API-1", doc: "the public URL of lastmile's POST /webhooks/tiktok; every connected shop is subscribed to the events lastmile acts on at this address; empty: no subscription (the connection warns; the pull alone finds the orders)"},
		"LASTMILE_TIKTOK_WEBHOOK_URL", func(c *Config) any { return &c.TikTok.WebhookURL }},
	{key{name: "tiktok_providers", kind: kindText, rule: "R-API-3", doc: "maps carrier codes to the TikTok shipping providers pushes name: carrier=provider pairs separated by commas (jt-th=J&T Express, usps=USPS); carriers not listed are matched by name and known aliases, and one that matches none fails its push"},
		"LASTMILE_TIKTOK_PROVIDERS", func(c *Config) any { return &c.TikTok.Providers }},
	{key{name: "webhook_timeout", kind: kindDuration, doc: "how long one attempt of an outbound webhook delivery may take, at most 1m"},
		"LASTMILE_WEBHOOK_TIMEOUT", func(c *Config) any { return &c.WebhookTimeout }},
	{key{name: "webhook_retry_schedule", kind: kindText, doc: "the waits before each retry of a failed webhook delivery, comma-separated durations; when the attempt after the last fails, the delivery fails and its subscription is disabled"},
		"LASTMILE_WEBHOOK_RETRY_SCHEDULE", func(c *Config) any { return &c.WebhookRetrySchedule }},
	{key{name: "buyer_quiet_hours", kind: kindText, rule: "R-MKT-3", doc: "when buyers get no messages, HH:MM-HH:MM in each buyer's market time zone; a message due then waits for the end"},
		"LASTMILE_BUYER_QUIET_HOURS", func(c *Config) any { return &c.BuyerQuietHours }},
	{key{name: "buyer_smtp_addr", kind: kindText, rule: "R-MKT-3", doc: "host:port of the SMTP server buyer e-mails go through; empty: no e-mail channel"},
		"LASTMILE_BUYER_SMTP_ADDR", func(c *Config) any { return &c.BuyerSMTPAddr }},
	{key{name: "buyer_smtp_from", kind: kindText, rule: "R-MKT-3", doc: "the sender address of buyer e-mails"},
		"LASTMILE_BUYER_SMTP_FROM", func(c *Config) any { return &c.BuyerSMTPFrom }},
	{key{name: "buyer_smtp_user", kind: kindText, doc: "the SMTP user name; empty: no authentication"},
		"LASTMILE_BUYER_SMTP_USER", func(c *Config) any { return &c.BuyerSMTPUser }},
	{key{name: "buyer_smtp_password", kind: kindText, doc: "the SMTP password (better set in the environment than in the file)"},
		"LASTMILE_BUYER_SMTP_PASSWORD", func(c *Config) any { return &c.BuyerSMTPPassword }},
	{key{name: "buyer_webhook_url", kind: kindText, rule: "R-MKT-3", doc: "a URL that receives every buyer message as signed JSON, for a seller's own messaging service; empty: none"},
		"LASTMILE_BUYER_WEBHOOK_URL", func(c *Config) any { return &c.BuyerWebhookURL }},
	{key{name: "buyer_webhook_secret", kind: kindText, doc: "the whsec_… secret that signs the buyer webhook's requests"},
		"LASTMILE_BUYER_WEBHOOK_SECRET", func(c *Config) any { return &c.BuyerWebhookSecret }},
	{key{name: "job_timeout", kind: kindDuration, doc: "how long one background job (a label purchase of a batch, a sweep) may run before it is cancelled and retried"},
		"LASTMILE_JOB_TIMEOUT", func(c *Config) any { return &c.JobTimeout }},
	{key{name: "rescue_stuck_jobs_after", kind: kindDuration, doc: "how long after it started a job still marked running is taken to be lost with its node (kill -9, power cut) and run again; more than job_timeout"},
		"LASTMILE_RESCUE_STUCK_JOBS_AFTER", func(c *Config) any { return &c.RescueStuckJobsAfter }},
}

var marketKeys = []marketKey{
	{key{name: "currency", kind: kindCurrency, rule: "R-MKT-1", doc: "the currency orders of the market are paid in"}, false,
		func(m *Market) any { return &m.Currency }},
	{key{name: "time_zone", kind: kindZone, rule: "R-MKT-1", doc: "the zone the market's clocks and promise days count in"}, false,
		func(m *Market) any { return &m.TimeZone }},
	{key{name: "unpaid_cancel_after", kind: kindDuration, rule: "R-ORD-2", doc: "an unpaid order is cancelled this long after creation"}, true,
		func(m *Market) any { return &m.UnpaidCancelAfter }},
	{key{name: "confirm_within", kind: kindDuration, rule: "R-ORD-3", doc: "a paid order must be confirmed within this"}, true,
		func(m *Market) any { return &m.ConfirmWithin }},
	{key{name: "cancel_request_within", kind: kindDuration, rule: "R-ORD-4", doc: "a buyer's cancellation request must be answered within this"}, true,
		func(m *Market) any { return &m.CancelRequestWithin }},
	{key{name: "print_within", kind: kindDuration, rule: "R-ORD-5", doc: "labels should be printed within this of payment"}, true,
		func(m *Market) any { return &m.PrintWithin }},
	{key{name: "ship_within", kind: kindDuration, rule: "R-SHIP-1", doc: "the first scan must come within this of confirmation"}, true,
		func(m *Market) any { return &m.ShipWithin }},
	{key{name: "cut_off", kind: kindClock, rule: "R-SHIP-1, R-SLA-1", doc: "the hand-over cut-off of a warehouse that sets none; allocation and quotes count the hand-over day from it"}, true,
		func(m *Market) any { return &m.CutOff }},
	{key{name: "working_days", kind: kindWeekdays, rule: "R-SHIP-1, R-SLA-1", doc: "the hand-over days of a warehouse that lists none"}, true,
		func(m *Market) any { return &m.WorkingDays }},
	{key{name: "promise_days", kind: kindInt, max: 365, rule: "R-SLA-1", doc: "calendar days from payment to delivery the platform promises"}, true,
		func(m *Market) any { return &m.PromiseDays }},
	{key{name: "late_grace", kind: kindDuration, zero: true, rule: "R-SLA-2", doc: "a delivery more than this after the promise is late"}, true,
		func(m *Market) any { return &m.LateGrace }},
	{key{name: "first_scan_within", kind: kindDuration, rule: "R-TRK-1", doc: "the carrier's first scan must come within this of label creation"}, true,
		func(m *Market) any { return &m.FirstScanWithin }},
	{key{name: "carrier_report_within", kind: kindDuration, rule: "R-TRK-2", doc: "the carrier must report the tracking number and pickup within this of dispatch"}, true,
		func(m *Market) any { return &m.CarrierReportWithin }},
	{key{name: "event_cadence_certified", kind: kindDuration, rule: "R-TRK-3", doc: "the longest gap between tracking events on a certified last-mile carrier"}, true,
		func(m *Market) any { return &m.EventCadenceCertified }},
	{key{name: "event_cadence_cross_border", kind: kindDuration, rule: "R-TRK-3", doc: "the longest gap between tracking events on a cross-border leg"}, true,
		func(m *Market) any { return &m.EventCadenceCrossBorder }},
	{key{name: "stale_after", kind: kindDuration, rule: "R-TRK-5", doc: "no tracking event for longer than this is a logistics exception"}, true,
		func(m *Market) any { return &m.StaleAfter }},
	{key{name: "at_risk_at", kind: kindNumber, fmax: 0.99, rule: "R-SHIP-1, R-TRK-1", doc: "the share of a clock's window after which it is at risk and raises its at-risk alert, for every clock"}, true,
		func(m *Market) any { return &m.AtRiskAt }},
	{key{name: "old_breach_grace", kind: kindDuration, zero: true, rule: "R-ORD-2 … R-SLA-2", doc: "a clock first computed when it had been breached for longer than this (an order older than the clocks) is recorded breached without an alert or stale/late exception"}, false,
		func(m *Market) any { return &m.OldBreachGrace }},
	{key{name: "certified_carriers_only", kind: kindBool, rule: "R-SHIP-3", doc: "only carriers certified for the market may be quoted and used"}, false,
		func(m *Market) any { return &m.CertifiedOnly }},
	{key{name: "carriers", kind: kindCodes, rule: "R-SHIP-3", doc: "the carriers the shop ships with, by code; empty: every carrier certified for the market (in a market R-SHIP-3 does not restrict, every configured carrier); a carrier not certified for the market is refused"}, true,
		func(m *Market) any { return &m.Carriers }},
	{key{name: "qr_label", kind: kindBool, rule: "R-LBL-5", doc: "labels to the market carry the platform's anti-counterfeit QR"}, false,
		func(m *Market) any { return &m.QRLabel }},
	{key{name: "ship_from_local_only", kind: kindBool, rule: "R-MODE-5", doc: "orders ship only from a warehouse in the market (no cross-border direct shipping)"}, false,
		func(m *Market) any { return &m.LocalOnly }},
	{key{name: "cod", kind: kindBool, rule: "R-MKT-2", doc: "cash on delivery is offered; a COD order elsewhere is held"}, true,
		func(m *Market) any { return &m.CODAllowed }},
	{key{name: "require_declared_name", kind: kindBool, rule: "R-SHIP-6", doc: "an order whose lines lack a customs description is held"}, true,
		func(m *Market) any { return &m.RequireDeclaredName }},
}

func findMarketKey(name string) (marketKey, bool) {
	for _, k := range marketKeys {
		if k.name == name {
			return k, true
		}
	}
	return marketKey{}, false
}

func findProcessKey(name string) (processKey, bool) {
	for _, k := range processKeys {
		if k.name == name {
			return k, true
		}
	}
	return processKey{}, false
}

// ShopKeys lists the keys a shop may override, in the file's order.
func ShopKeys() []string {
	var out []string
	for _, k := range marketKeys {
		if k.shop {
			out = append(out, k.name)
		}
	}
	return out
}

// KeyRule is the DOMAIN rule id(s) a market key implements; "" for an unknown key.
func KeyRule(name string) string {
	k, _ := findMarketKey(name)
	return k.rule
}

// MarketKeys lists every key of a market, in the file's order.
func MarketKeys() []string {
	out := make([]string, len(marketKeys))
	for i, k := range marketKeys {
		out[i] = k.name
	}
	return out
}

// ProcessKeys lists the top-level process settings with their environment variables.
func ProcessKeys() (names, envs []string) {
	for _, k := range processKeys {
		names, envs = append(names, k.name), append(envs, k.env)
	}
	return names, envs
}

// set parses text into the field dst points to and checks its range; the error says what is
// wrong and how to write it, without the key (the caller adds it).
func (k key) set(dst any, text string) error {
	text = strings.TrimSpace(text)
	switch p := dst.(type) {
	case *string:
		*p = text
	case *time.Duration:
		d, err := parseDuration(text)
		if err != nil {
			return err
		}
		*p = d
	case *int:
		n, err := strconv.Atoi(text)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", text)
		}
		*p = n
	case *int64:
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", text)
		}
		*p = n
	case *float64:
		f, err := strconv.ParseFloat(text, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("%q is not a number; write e.g. 0.75", text)
		}
		*p = f
	case *bool, **bool:
		var b bool
		switch text {
		case "true":
			b = true
		case "false":
		default:
			return fmt.Errorf("%q is not true or false", text)
		}
		if pp, ok := p.(**bool); ok {
			*pp = &b
		} else {
			*p.(*bool) = b
		}
	case *[]string:
		codes, err := parseCodes(text)
		if err != nil {
			return err
		}
		*p = codes
	case *Weekdays:
		var days []string
		if text != "" {
			days = strings.Split(text, ",")
		}
		w, err := ParseWeekdays(days)
		if err != nil {
			return err
		}
		*p = w
	default:
		return fmt.Errorf("unsupported field type %T", dst)
	}
	return k.check(dst)
}

// parseCodes reads a comma-separated list of carrier codes (lower-case letters, digits and
// hyphens), sorted and without repeats; "" is the empty list.
func parseCodes(text string) ([]string, error) {
	var out []string
	for _, c := range strings.Split(text, ",") {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if strings.Trim(c, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			return nil, fmt.Errorf("%q is not a carrier code; write codes such as usps, royal-mail", c)
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out, nil
}

// parseDuration reads a Go duration, naming the usual mistakes ("2d", "48", "4 8h").
func parseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err == nil {
		return d, nil
	}
	if strings.HasSuffix(s, "d") {
		if n, err := strconv.Atoi(strings.TrimSuffix(s, "d")); err == nil {
			return 0, fmt.Errorf("%q is not a duration; write hours, e.g. %dh", s, n*24)
		}
	}
	return 0, fmt.Errorf("%q is not a duration; write e.g. 48h", s)
}

// check reports a value of the field src points to that is out of range; nil when it is fine.
func (k key) check(src any) error {
	switch p := src.(type) {
	case *string:
		switch k.kind {
		case kindClock:
			if _, err := ParseClock(*p); err != nil {
				return err
			}
		case kindCurrency:
			// Orders are compared to the market's currency exactly, in ISO's upper case.
			if _, err := currency.ParseISO(*p); err != nil || *p != strings.ToUpper(*p) {
				return fmt.Errorf("%q is not an upper-case ISO 4217 code such as EUR", *p)
			}
		case kindZone:
			// LoadLocation takes "" as UTC and "Local" as the server's zone: neither is a market's zone.
			if *p == "" || *p == "Local" {
				return fmt.Errorf("%q is not a market's zone; write its IANA zone, e.g. Europe/London", *p)
			}
			if _, err := time.LoadLocation(*p); err != nil {
				return fmt.Errorf("%q is not an IANA time zone such as Europe/London", *p)
			}
		}
	case *time.Duration:
		if *p < 0 || *p == 0 && !k.zero {
			return fmt.Errorf("%s must be more than 0", formatDuration(*p))
		}
	case *int:
		return k.checkNumber(int64(*p))
	case *int64:
		return k.checkNumber(*p)
	case *float64:
		switch {
		case *p < 0 || *p == 0 && !k.zero:
			return fmt.Errorf("%s must be more than 0", strconv.FormatFloat(*p, 'g', -1, 64))
		case k.fmax > 0 && *p > k.fmax:
			return fmt.Errorf("%s is more than %s", strconv.FormatFloat(*p, 'g', -1, 64), strconv.FormatFloat(k.fmax, 'g', -1, 64))
		}
	case *Weekdays:
		if *p == 0 || *p >= 1<<7 {
			return fmt.Errorf("no day listed; write at least one of mon, tue, wed, thu, fri, sat, sun")
		}
	}
	return nil
}

func (k key) checkNumber(n int64) error {
	switch {
	case n < 0 || n == 0 && !k.zero:
		return fmt.Errorf("%d must be more than 0", n)
	case k.max > 0 && n > k.max:
		return fmt.Errorf("%d is more than %d", n, k.max)
	}
	return nil
}

// format writes the field src points to in the file's form ("48h", "5", "true", "mon,tue").
func (k key) format(src any) string {
	switch p := src.(type) {
	case *string:
		return *p
	case *time.Duration:
		return formatDuration(*p)
	case *int:
		return strconv.Itoa(*p)
	case *int64:
		return strconv.FormatInt(*p, 10)
	case *float64:
		return strconv.FormatFloat(*p, 'g', -1, 64)
	case *bool:
		return strconv.FormatBool(*p)
	case **bool:
		if *p == nil {
			return ""
		}
		return strconv.FormatBool(**p)
	case *Weekdays:
		return p.String()
	case *[]string:
		return strings.Join(*p, ",")
	}
	return fmt.Sprint(src)
}

// formatDuration writes d in the largest whole unit: 48h, 90m, 30s; otherwise Go's form.
func formatDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0s"
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	case d%time.Second == 0:
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	return d.String()
}

// ParseClock reads a hand-over cut-off, "HH:MM" on a 24-hour clock from 00:01 to 23:59, as
// minutes after local midnight. 00:00 is refused: it would hand nothing over the same day.
func ParseClock(s string) (int, error) {
	t, err := time.Parse("15:04", s)
	if err != nil || len(s) != 5 {
		return 0, fmt.Errorf("%q is not a time of day; write HH:MM, e.g. 12:00", s)
	}
	m := t.Hour()*60 + t.Minute()
	if m == 0 {
		return 0, fmt.Errorf("00:00 would hand nothing over the same day; write 23:59 for the latest cut-off")
	}
	return m, nil
}

// suggest returns the known name closest to name when it is a plausible misspelling.
func suggest(name string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		if strings.HasPrefix(name, k) || strings.HasPrefix(k, name) && len(name) >= 3 {
			return k // "address" for addr, "promise" for promise_days
		}
		if d := editDistance(name, k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
