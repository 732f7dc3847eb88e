package sim

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/model"
)

// The sim's app credentials unless Options say otherwise. The sim is a test fixture, so they
// are public.
const (
	DefaultAppKey    = "sim_app_key"
	DefaultAppSecret = "sim_app_secret"
)

// Defaults of the Options whose zero value stands for them.
const (
	DefaultPeakFactor       = 10
	DefaultWebhookLateBy    = 2 * time.Minute
	DefaultAccessTokenTTL   = 7 * 24 * time.Hour   // "an access token lives about 7 days"
	DefaultRefreshTokenTTL  = 365 * 24 * time.Hour // "a seller's authorisation lasts about a year"
	DefaultAuthCodeTTL      = 10 * time.Minute
	DefaultCollectAfter     = 4 * time.Hour
	DefaultDeliverAfter     = 3 * 24 * time.Hour
	DefaultCompleteAfter    = 7 * 24 * time.Hour
	DefaultShippingDueAfter = 72 * time.Hour // R-SHIP-1: past 72 h after payment unshipped, the order is auto-cancelled
	DefaultDocumentTTL      = 24 * time.Hour // a doc_url is valid 24 h
	DefaultCollectWithin    = 24 * time.Hour // R-TRK-2: the carrier reports pickup within 24 h of dispatch
	DefaultLateAfter        = 24 * time.Hour // R-SLA-2: delivered more than 24 h after the promise is late
	DefaultTick             = 200 * time.Millisecond
	// MaxClockSkew is how far a request's timestamp may be from the sim's clock (the platform's
	// 30 s); further is refused with 36009004.
	MaxClockSkew = 30 * time.Second
)

// Shop is one simulated shop. Shops with the same SellerID belong to one seller: one
// authorisation covers them all, as a cross-border seller's shops in several markets.
type Shop struct {
	// ID is the platform's shop id (digits).
	ID string `json:"id"`
	// Name is the shop's name.
	Name string `json:"name"`
	// Market is the shop's country (ISO 3166-1 alpha-2); its orders ship there.
	Market model.Market `json:"market"`
	// SellerID groups shops under one seller (its open_id).
	SellerID string `json:"seller_id"`
	// ShippingType is TIKTOK (platform logistics) or SELLER (seller shipping), R-MODE-3;
	// "" is SELLER.
	ShippingType string `json:"shipping_type"`
}

// DefaultShops are two cross-border sellers' shops: one seller on US, GB and DE, another on
// ID, TH and MY; GB and ID use platform logistics, the others seller shipping.
func DefaultShops() []Shop {
	return []Shop{
		{ID: "7495540735365770001", Name: "Sunrise Gadgets US", Market: "US", SellerID: "sim-seller-sunrise", ShippingType: tiktok.ShippingTypeSeller},
		{ID: "7495540735365770002", Name: "Sunrise Gadgets UK", Market: "GB", SellerID: "sim-seller-sunrise", ShippingType: tiktok.ShippingTypeTikTok},
		{ID: "7495540735365770003", Name: "Sunrise Gadgets DE", Market: "DE", SellerID: "sim-seller-sunrise", ShippingType: tiktok.ShippingTypeSeller},
		{ID: "7495540735365770004", Name: "Bright Home ID", Market: "ID", SellerID: "sim-seller-bright", ShippingType: tiktok.ShippingTypeTikTok},
		{ID: "7495540735365770005", Name: "Bright Home TH", Market: "TH", SellerID: "sim-seller-bright", ShippingType: tiktok.ShippingTypeSeller},
		{ID: "7495540735365770006", Name: "Bright Home MY", Market: "MY", SellerID: "sim-seller-bright", ShippingType: tiktok.ShippingTypeSeller},
	}
}

// Options configure a simulated platform. The zero value is a quiet, perfect platform on a
// random loopback port (no orders unless asked, every webhook delivered once and on time, no
// rate limit, no faults), which deterministic tests want; DefaultOptions is the lively one
// `lastmile sim tiktok` and the demo use. Durations left zero take the Default… constants.
type Options struct {
	// Addr is the listen address, host:port; "" is 127.0.0.1 on a free port.
	Addr string
	// AppKey and AppSecret are the one app the sim knows; "" is DefaultAppKey / DefaultAppSecret.
	AppKey, AppSecret string
	// Shops are the simulated shops; nil is DefaultShops.
	Shops []Shop
	// OrderRate is how many new orders a second the shops receive together, spread over them
	// at random (DefaultOptions: 0.5); zero creates orders only when asked (CreateOrders,
	// POST /sim/orders).
	OrderRate float64
	// Peak multiplies OrderRate by PeakFactor (zero is DefaultPeakFactor, 10): peak day
	// (R-INV-4). POST /sim/peak switches it at run time.
	Peak       bool
	PeakFactor float64
	// UnpaidShare is the share of new orders, 0 to 1, that start UNPAID and are paid 1 to 10
	// minutes later (DefaultOptions: 0.1); the others are paid when placed.
	UnpaidShare float64
	// WebhookURL is the app's callback as if every shop had subscribed it for every event type
	// before the sim started; a shop's own subscription (PUT /event/202309/webhooks) replaces it
	// type by type. "" subscribes nothing: a shop then gets only the types it subscribed, at the
	// address it subscribed, as on the platform. Types without a subscription name go here.
	WebhookURL string
	// WebhookDrop, WebhookDuplicate and WebhookLate are the shares of webhooks, 0 to 1, never
	// sent, sent twice, and sent up to WebhookLateBy late (zero is DefaultWebhookLateBy, 2 min).
	// The platform says webhooks are not reliable; DefaultOptions: 2%, 5%, 5%.
	WebhookDrop, WebhookDuplicate, WebhookLate float64
	WebhookLateBy                              time.Duration
	// RateLimit is the requests a second the API host answers for the app; more get HTTP 429
	// with code 36009002 and Retry-After. Zero is no limit (DefaultOptions: 50).
	RateLimit float64
	// FaultRate is the share of API requests, 0 to 1, answered HTTP 500 with code 36009003
	// (DefaultOptions: 0.005).
	FaultRate float64
	// AccessTokenTTL, RefreshTokenTTL and AuthCodeTTL are how long access tokens, refresh tokens
	// and authorisation codes work (zero: 7 days, 365 days, 10 minutes).
	AccessTokenTTL, RefreshTokenTTL, AuthCodeTTL time.Duration
	// CollectAfter, DeliverAfter and CompleteAfter move a shipped package along: collected (the
	// order IN_TRANSIT) that long after it shipped, delivered that long after collection, the
	// order COMPLETED that long after delivery (zero: 4 h, 3 days, 7 days).
	CollectAfter, DeliverAfter, CompleteAfter time.Duration
	// ShippingDueAfter is the time from payment to shipping_due_time, when an order still
	// AWAITING_SHIPMENT is cancelled automatically (zero: 72 h, R-SHIP-1).
	ShippingDueAfter time.Duration
	// DocumentTTL is how long a doc_url works (zero: 24 h).
	DocumentTTL time.Duration
	// CollectWithin is the time from the ship-by time to tts_sla_time and collection_due_time
	// (zero: 24 h, R-TRK-2); LateAfter the time from delivery_sla_time to delivery_due_time
	// (zero: 24 h, R-SLA-2).
	CollectWithin, LateAfter time.Duration
	// Markets give each market's ship-by time (rts_sla_time = payment + ShipWithin, R-SHIP-1)
	// and promise (delivery_sla_time = payment + PromiseDays, R-SLA-1); nil is
	// config.DefaultMarkets.
	Markets map[model.Market]config.Market
	// Tick is how often the sim moves its world along (creates orders, moves packages, cancels
	// overdue orders, sends late webhooks) by its clock; zero is DefaultTick, negative never:
	// tests then call Step.
	Tick time.Duration
	// Seed seeds every random choice and the ids, for reproducible runs.
	Seed uint64
	// Now is the clock: order times, deadlines, token expiry, the 30 s timestamp check and the
	// rate limiter count by it. Nil is time.Now.
	Now func() time.Time
	// HTTPClient sends the webhooks; nil is a client with a 10 s timeout.
	HTTPClient *http.Client
	// Logger receives a line per refused request and failed webhook; nil discards.
	Logger *slog.Logger
}

// DefaultOptions are the sim's documented defaults for a lively run: 0.5 orders a second over
// six shops, 10% first unpaid, webhooks 2% dropped, 5% duplicated and 5% late, 50 requests a
// second, 0.5% internal errors, seed 1.
func DefaultOptions() Options {
	return Options{OrderRate: 0.5, UnpaidShare: 0.1, WebhookDrop: 0.02, WebhookDuplicate: 0.05, WebhookLate: 0.05,
		RateLimit: 50, FaultRate: 0.005, Seed: 1}
}

// withDefaults fills the fields whose zero value stands for a default and validates.
func (o Options) withDefaults() (Options, error) {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if o.AppKey == "" {
		o.AppKey = DefaultAppKey
	}
	if o.AppSecret == "" {
		o.AppSecret = DefaultAppSecret
	}
	if o.Shops == nil {
		o.Shops = DefaultShops()
	}
	o.Shops = append([]Shop(nil), o.Shops...)
	for i := range o.Shops {
		if o.Shops[i].ShippingType == "" {
			o.Shops[i].ShippingType = tiktok.ShippingTypeSeller
		}
		if o.Shops[i].SellerID == "" {
			o.Shops[i].SellerID = "sim-seller-" + o.Shops[i].ID
		}
		o.Shops[i].Market = model.NormalizeMarket(string(o.Shops[i].Market))
	}
	setDur := func(d *time.Duration, def time.Duration) {
		if *d == 0 {
			*d = def
		}
	}
	if o.PeakFactor == 0 {
		o.PeakFactor = DefaultPeakFactor
	}
	setDur(&o.WebhookLateBy, DefaultWebhookLateBy)
	setDur(&o.AccessTokenTTL, DefaultAccessTokenTTL)
	setDur(&o.RefreshTokenTTL, DefaultRefreshTokenTTL)
	setDur(&o.AuthCodeTTL, DefaultAuthCodeTTL)
	setDur(&o.CollectAfter, DefaultCollectAfter)
	setDur(&o.DeliverAfter, DefaultDeliverAfter)
	setDur(&o.CompleteAfter, DefaultCompleteAfter)
	setDur(&o.ShippingDueAfter, DefaultShippingDueAfter)
	setDur(&o.DocumentTTL, DefaultDocumentTTL)
	setDur(&o.CollectWithin, DefaultCollectWithin)
	setDur(&o.LateAfter, DefaultLateAfter)
	setDur(&o.Tick, DefaultTick)
	if o.Markets == nil {
		o.Markets = config.DefaultMarkets()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o, o.validate()
}

// validate reports every option out of range.
func (o Options) validate() error {
	var errs []error
	share := func(name string, v float64) {
		if !(v >= 0 && v <= 1) {
			errs = append(errs, fmt.Errorf("%s %v: want a share from 0 to 1 (0.05 is 5%%)", name, v))
		}
	}
	share("unpaid share", o.UnpaidShare)
	share("webhook drop rate", o.WebhookDrop)
	share("webhook duplicate rate", o.WebhookDuplicate)
	share("webhook late rate", o.WebhookLate)
	share("fault rate", o.FaultRate)
	if !(o.OrderRate >= 0) || math.IsInf(o.OrderRate, 0) {
		errs = append(errs, fmt.Errorf("order rate %v: want orders per second, 0 for none", o.OrderRate))
	}
	if !(o.PeakFactor >= 1) || math.IsInf(o.PeakFactor, 0) {
		errs = append(errs, fmt.Errorf("peak factor %v: want 1 or more", o.PeakFactor))
	}
	if !(o.RateLimit >= 0) || math.IsInf(o.RateLimit, 0) {
		errs = append(errs, fmt.Errorf("rate limit %v: want requests per second, 0 for none", o.RateLimit))
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"webhook late by", o.WebhookLateBy}, {"access token TTL", o.AccessTokenTTL}, {"refresh token TTL", o.RefreshTokenTTL},
		{"auth code TTL", o.AuthCodeTTL}, {"collect after", o.CollectAfter}, {"deliver after", o.DeliverAfter},
		{"complete after", o.CompleteAfter}, {"shipping due after", o.ShippingDueAfter}, {"document TTL", o.DocumentTTL},
		{"collect within", o.CollectWithin}, {"late after", o.LateAfter}} {
		if d.v < 0 {
			errs = append(errs, fmt.Errorf("%s %s: want a positive duration", d.name, d.v))
		}
	}
	if o.WebhookURL != "" {
		if u, err := url.Parse(o.WebhookURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("webhook URL %q: want http://HOST:PORT/PATH", o.WebhookURL))
		}
	}
	if len(o.Shops) == 0 {
		errs = append(errs, errors.New("no shops: give at least one, or leave Shops nil for DefaultShops"))
	}
	ids := map[string]bool{}
	for i, s := range o.Shops {
		switch {
		case s.ID == "" || strings.ContainsAny(s.ID, " /?#,"):
			errs = append(errs, fmt.Errorf("shops[%d]: id %q: want the shop's digits", i, s.ID))
		case ids[s.ID]:
			errs = append(errs, fmt.Errorf("shops[%d]: id %s twice", i, s.ID))
		}
		ids[s.ID] = true
		mk, ok := o.Markets[s.Market]
		if !ok {
			errs = append(errs, fmt.Errorf("shops[%d]: market %q is not configured", i, s.Market))
		} else if _, ok := model.CurrencyScale(mk.Currency); !ok {
			errs = append(errs, fmt.Errorf("shops[%d]: market %s has no currency", i, s.Market))
		}
		if s.ShippingType != tiktok.ShippingTypeSeller && s.ShippingType != tiktok.ShippingTypeTikTok {
			errs = append(errs, fmt.Errorf("shops[%d]: shipping type %q: want SELLER or TIKTOK", i, s.ShippingType))
		}
	}
	return errors.Join(errs...)
}
