package tiktokshop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/store"
)

// CauseTikTok is the cause the orders' history records for what came from the platform.
const CauseTikTok = "tiktok"

// Defaults of Config.
const (
	DefaultSyncInterval    = 5 * time.Minute
	DefaultSyncOverlap     = 10 * time.Minute
	DefaultInitialLookback = 30 * 24 * time.Hour
	DefaultRefreshAhead    = 24 * time.Hour
	DefaultWarnAhead       = 30 * 24 * time.Hour
	DefaultTokenSweep      = 10 * time.Minute
	// DefaultPushBatchSize: the platform documents packages/ship without naming its limit; 50 is
	// the platform's bound on its other many-item calls (50 order ids, 50 packages a page), and
	// the GET orders call that reads a batch's orders before and after takes 50 ids.
	DefaultPushBatchSize = 50
	DefaultPushDelay     = 2 * time.Second
	DefaultPushGather    = 100 * time.Millisecond
)

// Config holds the integration's timing; zero fields take the defaults.
type Config struct {
	// SyncInterval is how often every connected shop is pulled (tiktok_sync_interval).
	SyncInterval time.Duration
	// SyncOverlap is how far before its cursor each pull starts again, so that an order whose
	// update the platform indexed late is still read (10 min).
	SyncOverlap time.Duration
	// InitialLookback is how far back the first pull of a new connection reads (30 days).
	InitialLookback time.Duration
	// RefreshAhead is how long before its expiry the token sweep refreshes an access token
	// (24 h; an access token lives about 7 days).
	RefreshAhead time.Duration
	// WarnAhead is how long before the refresh token's or the authorisation's end the
	// connection warns (30 days, as the platform's type 7 webhook does), R-API-2.
	WarnAhead time.Duration
	// TokenSweep is how often the token sweep runs (10 min).
	TokenSweep time.Duration
	// PushBatchSize is the most shipments one POST packages/ship carries (50, at most 50).
	PushBatchSize int
	// PushDelay is how long after its label a shipment's push job waits, so that the labels of
	// a batch shipping run are pushed together (2 s; the platform allows 72 h).
	PushDelay time.Duration
	// PushGather is how long the first of a shop's pushes waits for others running at the same
	// moment to join its packages/ship call (100 ms).
	PushGather time.Duration
	// Providers maps lastmile carrier codes (lower case) to the TikTok shipping provider (name
	// or id) a push names (tiktok_providers); carriers not in it are matched by MatchProvider.
	Providers map[string]string
	// WebhookURL is the public URL of lastmile's POST /webhooks/tiktok that every connected
	// shop is subscribed at (tiktok_webhook_url); "" subscribes none, and each connection says
	// so.
	WebhookURL string
}

func (c Config) withDefaults() Config {
	set := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	set(&c.SyncInterval, DefaultSyncInterval)
	set(&c.SyncOverlap, DefaultSyncOverlap)
	set(&c.InitialLookback, DefaultInitialLookback)
	set(&c.RefreshAhead, DefaultRefreshAhead)
	set(&c.WarnAhead, DefaultWarnAhead)
	set(&c.TokenSweep, DefaultTokenSweep)
	set(&c.PushDelay, DefaultPushDelay)
	if c.PushGather < 0 {
		c.PushGather = 0
	} else if c.PushGather == 0 {
		c.PushGather = DefaultPushGather
	}
	if c.PushBatchSize <= 0 || c.PushBatchSize > tiktok.MaxOrderIDs {
		c.PushBatchSize = DefaultPushBatchSize
	}
	return c
}

// Deps is what the Service needs.
type Deps struct {
	Store  store.Store
	Orders *order.Service
	// Client is the app's API client (its key and secret sign requests and check webhooks).
	Client *tiktok.Client
	// Sealer seals the sellers' tokens at rest.
	Sealer *Sealer
	Config Config
	// Catalogue, when set, completes a platform order's line with what the platform does not
	// send (weight, dimensions, customs description) from the seller's product data.
	Catalogue func(shopID string, l *model.Line)
	// Registry receives the integration's metrics; nil keeps them unregistered.
	Registry prometheus.Registerer
	Now      func() time.Time
	Log      *slog.Logger
}

// Service is the TikTok Shop integration's use cases.
type Service struct {
	d      Deps
	cfg    Config
	m      *metrics
	group  *groupEnqueuer // the webhooks' jobs, committed together
	pushes *pushGroup     // a shop's pushes running at once, sent together
}

// NewService checks d and returns the Service.
func NewService(d Deps) (*Service, error) {
	if d.Store == nil || d.Orders == nil || d.Client == nil || d.Sealer == nil {
		return nil, errors.New("tiktokshop: Store, Orders, Client and Sealer are required")
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	m, err := newMetrics(d.Registry)
	if err != nil {
		return nil, err
	}
	svc := &Service{d: d, cfg: d.Config.withDefaults(), m: m, group: &groupEnqueuer{st: d.Store}}
	svc.pushes = &pushGroup{svc: svc}
	return svc, nil
}

// UseCatalogue sets Deps.Catalogue; call it before the jobs start.
func (s *Service) UseCatalogue(fn func(shopID string, l *model.Line)) { s.d.Catalogue = fn }

// Config is the Service's timing, defaults filled.
func (s *Service) Config() Config { return s.cfg }

func (s *Service) now() time.Time { return s.d.Now().UTC().Truncate(time.Microsecond) }

// metrics are the integration's Prometheus series.
type metrics struct {
	webhooks       *prometheus.CounterVec // by outcome: accepted, refused
	webhookTypes   *prometheus.CounterVec // accepted, by type
	ordersSynced   *prometheus.CounterVec // by source: webhook, pull
	orderRefused   prometheus.Counter
	pushes         *prometheus.CounterVec // by outcome: pushed, failed, refused
	batchShips     prometheus.Counter
	tokenRefreshes *prometheus.CounterVec // by outcome: refreshed, failed
	authWarnings   prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lastmile_tiktok_webhooks_total",
			Help: "TikTok webhooks received, by outcome: accepted, or refused (a missing or wrong signature: 401)."}, []string{"outcome"}),
		webhookTypes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lastmile_tiktok_webhook_types_total",
			Help: "Accepted TikTok webhooks by their type number (unknown types are acknowledged and counted here)."}, []string{"type"}),
		ordersSynced: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lastmile_tiktok_orders_synced_total",
			Help: "TikTok orders stored or updated, by how they came: webhook (fetched after a webhook) or pull."}, []string{"source"}),
		orderRefused: prometheus.NewCounter(prometheus.CounterOpts{Name: "lastmile_tiktok_orders_refused_total",
			Help: "TikTok orders that could not be mapped or stored (logged with the reason)."}),
		pushes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lastmile_tiktok_pushes_total",
			Help: "Shipments pushed to TikTok, by outcome: pushed, failed (retried), refused (not retried: fix the order)."}, []string{"outcome"}),
		batchShips: prometheus.NewCounter(prometheus.CounterOpts{Name: "lastmile_tiktok_batch_ship_calls_total",
			Help: "POST packages/ship calls that carried shipments to TikTok (each with up to tiktok push batch size packages)."}),
		tokenRefreshes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lastmile_tiktok_token_refreshes_total",
			Help: "TikTok access-token refreshes, by outcome."}, []string{"outcome"}),
		authWarnings: prometheus.NewCounter(prometheus.CounterOpts{Name: "lastmile_tiktok_authorization_warnings_total",
			Help: "Warnings that a seller's TikTok authorisation or refresh token ends soon (R-API-2)."}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.webhooks, m.webhookTypes, m.ordersSynced, m.orderRefused, m.pushes, m.batchShips, m.tokenRefreshes, m.authWarnings} {
			if err := reg.Register(c); err != nil {
				return nil, fmt.Errorf("tiktokshop metrics: %w", err)
			}
		}
	}
	return m, nil
}

// Job is a kind of background work and its handler.
type Job struct {
	Kind string
	Run  func(ctx context.Context, args json.RawMessage) error
}

// Jobs are the integration's job kinds, for the worker.
func (s *Service) Jobs() []Job {
	return []Job{
		{Kind: KindFetchOrder, Run: s.runFetchOrder},
		{Kind: KindSync, Run: s.runSync},
		{Kind: KindPush, Run: s.runPush},
	}
}

// Periodic is the integration's recurring work: each with its kind, its interval and what it
// does, for the worker's Every.
type Periodic struct {
	Kind  string
	Every time.Duration
	Run   func(ctx context.Context) error
}

// Sweeps are the recurring jobs: the pull of every connected shop and the token sweep.
func (s *Service) Sweeps() []Periodic {
	return []Periodic{
		{Kind: "tiktok.sync_all", Every: s.cfg.SyncInterval, Run: s.EnqueueSyncAll},
		{Kind: "tiktok.tokens", Every: s.cfg.TokenSweep, Run: s.SweepTokens},
	}
}
