// Package app wires lastmile together: it opens the store a config names, builds the domain
// services and the API over it, and runs the server until its context ends. It holds no rules of
// its own.
package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"lastmile/internal/account"
	"lastmile/internal/api"
	"lastmile/internal/carrier"
	"lastmile/internal/carrier/sim"
	"lastmile/internal/config"
	"lastmile/internal/inventory"
	"lastmile/internal/notify"
	"lastmile/internal/order"
	"lastmile/internal/rating"
	"lastmile/internal/returns"
	"lastmile/internal/settings"
	"lastmile/internal/shipping"
	"lastmile/internal/store"
	"lastmile/internal/store/postgres"
	"lastmile/internal/store/sqlite"
	"lastmile/internal/tenant"
	"lastmile/internal/tiktokshop"
	"lastmile/internal/tracker"
	"lastmile/internal/web"
	"lastmile/internal/worker"
)

// App is one running lastmile: its store, services and HTTP handler.
type App struct {
	Config    config.Config
	Store     store.Store
	Orders    *order.Service
	Inventory *inventory.Service
	Tenants   *tenant.Service
	Settings  *settings.Service
	RateCards *rating.CardSet
	Carriers  *carrier.Set
	Shipping  *shipping.Service
	// Returns is return requests, their rules, labels and inspection (R-RET).
	Returns *returns.Service
	// Tracker is tracking, the clocks, exceptions and scores (tracking.go).
	Tracker *tracker.Service
	// TikTok is the TikTok Shop integration when an app is configured, else nil (tiktok.go).
	TikTok *tiktokshop.Service
	// Notify is the outbound webhooks for ERPs (issue 15).
	Notify *notify.Service
	// Jobs is the job engine: batches, sweeps, pushes (one per node, on the store's database).
	Jobs *worker.Engine
	// Network is the simulated carrier network when carrier_network is "sim", else nil.
	Network *sim.Network
	API     *api.Server
	// Accounts and Web are the seller console: people, sessions and pages (console.go).
	Accounts *account.Service
	Web      *web.Handler
	log      *slog.Logger
	now      func() time.Time
}

// Options are the parts of an App that are not configuration: how its job engine runs.
type Options struct {
	// Worker configures the job engine; zero fields take its defaults.
	Worker worker.Config
	// Shipping holds the shipping policy figures; zero fields take their defaults.
	Shipping shipping.Config
	// Returns holds the returns policy figures (designated return carriers R-RET-4, the
	// liability window R-RET-6, …); zero fields take their defaults.
	Returns returns.Config
	// Marketplace, when set, is the connected marketplace that return requests come from and
	// decisions go back to (the TikTok Shop integration).
	Marketplace returns.Marketplace
	// Notify holds the webhook delivery figures (retry schedule, timeout); zero fields take
	// their defaults.
	Notify notify.Config
	// BuyerMessenger, when set, is the marketplace's buyer-message API: a channel for buyer
	// messages besides e-mail and the webhook.
	BuyerMessenger notify.BuyerMessenger
}

// defaultPoolSize is the PostgreSQL connections a node opens at most when the URL does not say
// (pool_max_conns): pgx's own default, max(4, CPUs), left the shipping workers (64 purchases in
// flight per carrier) queueing for 4 connections on a 2-core node.
const defaultPoolSize = 16

// withPoolSize returns db with pool_max_conns=n unless db sets it already.
func withPoolSize(db string, n int) string {
	u, err := url.Parse(db)
	if err != nil || u.Query().Has("pool_max_conns") {
		return db // postgres.Open reports a bad URL
	}
	q := u.Query()
	q.Set("pool_max_conns", strconv.Itoa(n))
	u.RawQuery = q.Encode()
	return u.String()
}

// OpenStore opens the store that db names ("sqlite:PATH" or "postgres://…") and, when migrate is
// set, applies pending migrations.
func OpenStore(ctx context.Context, db string, migrate bool, log *slog.Logger) (store.Store, error) {
	var s interface {
		store.Store
		Migrate(context.Context, *slog.Logger) error
	}
	var err error
	switch {
	case strings.HasPrefix(db, "sqlite:"):
		s, err = sqlite.Open(ctx, strings.TrimPrefix(db, "sqlite:"))
	case strings.HasPrefix(db, "postgres://"), strings.HasPrefix(db, "postgresql://"):
		s, err = postgres.Open(ctx, withPoolSize(db, defaultPoolSize))
	default:
		return nil, fmt.Errorf("--db %q: want sqlite:PATH or a postgres:// URL", db)
	}
	if err != nil {
		return nil, err
	}
	if migrate {
		if err := s.Migrate(ctx, log); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// New validates cfg, opens its store and builds the services. now is the clock.
func New(ctx context.Context, cfg config.Config, migrate bool, log *slog.Logger, now func() time.Time) (*App, error) {
	return NewWith(ctx, cfg, migrate, log, now, Options{})
}

// NewWith is New with the job engine and shipping figures of opt.
func NewWith(ctx context.Context, cfg config.Config, migrate bool, log *slog.Logger, now func() time.Time, opt Options) (*App, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	// The rate cards are checked before the store is opened: a bad card refuses the start with
	// every problem named by file and line.
	var cardDir fs.FS
	if cfg.RateCards != "" {
		if fi, err := os.Stat(cfg.RateCards); err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("config: rate_cards %q: not a directory", cfg.RateCards)
		}
		cardDir = os.DirFS(cfg.RateCards)
	}
	cards, err := rating.NewCardSet(cfg.RateCards, cardDir, cfg.BuiltinCards(), now())
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	st, err := OpenStore(ctx, cfg.DB, migrate, log)
	if err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	lowStock := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "lastmile_low_stock_alerts_total",
		Help: "Balances that fell to their safety stock or below (nothing left to sell beyond it), by shop."}, []string{"shop"})
	if err := reg.Register(lowStock); err != nil {
		st.Close()
		return nil, err
	}
	// Every shop's figures (its market's, with the file's and the API's overrides) come through
	// the settings service, which order and inventory read them from.
	figures := settings.NewService(st, cfg, now)
	a := &App{
		Config:    cfg,
		Store:     st,
		Orders:    order.NewService(st, cfg.Markets, now, log).WithFigures(figures),
		Tenants:   tenant.NewService(st, cfg.Markets, now, cfg.AuthCacheTTL).WithLog(log),
		Settings:  figures,
		RateCards: cards,
		log:       log,
		now:       now,
	}
	a.Inventory = inventory.NewService(st, cfg.Markets, now, log, inventory.Options{
		Figures: figures,
		Policy:  inventory.Policy{LocalOnlyMarkets: cfg.LocalOnlyMarkets()}, // R-MODE-5, ship_from_local_only
		Alert: func(l store.StockLevel) {
			lowStock.WithLabelValues(l.ShopID).Inc()
		}})
	if unknown, err := figures.UnknownFileShops(ctx); err != nil {
		st.Close()
		return nil, err
	} else if len(unknown) > 0 {
		log.Warn("the configuration gives figures for shops that do not exist; check their ids", "shops", unknown)
	}
	if err := a.newTikTok(reg); err != nil {
		st.Close()
		return nil, err
	}
	if err := a.startShipping(ctx, opt); err != nil {
		a.Close()
		return nil, err
	}
	if err := a.startReturns(opt); err != nil {
		a.Close()
		return nil, err
	}
	if err := a.startTracking(reg); err != nil {
		a.Close()
		return nil, err
	}
	if err := a.registerTikTok(); err != nil {
		a.Close()
		return nil, err
	}
	if err := a.startNotify(opt); err != nil {
		a.Close()
		return nil, err
	}
	a.API, err = api.New(api.Deps{Config: cfg, Store: st, Orders: a.Orders, Inventory: a.Inventory, Tenants: a.Tenants, Log: log, Now: now,
		Registry: reg, Settings: figures, RateCards: cards, Shipping: a.Shipping, Returns: a.Returns, Tracker: a.Tracker,
		TikTok: a.TikTok, Notify: a.Notify})
	if err != nil {
		a.Close()
		return nil, err
	}
	if err := a.startConsole(); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// startShipping opens the carriers, builds the shipping service and the job engine with every
// handler and sweep registered (the engine starts with Serve or RunJobs).
func (a *App) startShipping(ctx context.Context, opt Options) error {
	var err error
	if a.Carriers, a.Network, err = openCarriers(ctx, a.Config, a.log, a.now); err != nil {
		return err
	}
	deps := shipping.Deps{
		Store: a.Store, Shipping: a.Store, Inventory: a.Inventory, Cards: a.RateCards.Cards, Carriers: a.Carriers,
		Certification: certification(a.Config), Markets: a.Config.Markets, Figures: a.Settings, Modes: a.Settings, Config: shippingConfig(opt.Shipping, a.Config),
		Now: a.now, Log: a.log,
	}
	a.withTikTokShipping(&deps)
	a.Shipping, err = shipping.NewService(deps)
	if err != nil {
		return fmt.Errorf("shipping: %w", err)
	}
	wcfg := opt.Worker
	if wcfg.JobTimeout == 0 {
		wcfg.JobTimeout = a.Config.JobTimeout
	}
	if wcfg.RescueStuckJobsAfter == 0 {
		wcfg.RescueStuckJobsAfter = a.Config.RescueStuckJobsAfter
	}
	if wcfg.Queues == nil {
		// Each purchase in flight holds a shipping worker: never fewer than carrier_concurrency.
		wcfg.Queues = map[string]int{shipping.QueueShipping: max(100, a.Config.CarrierConcurrency)}
	}
	if a.Jobs, err = worker.New(wcfg, a.Store, a.log, a.now); err != nil {
		return err
	}
	for _, h := range a.Shipping.Jobs() {
		if err := a.Jobs.Handle(h.Kind, func(ctx context.Context, j worker.Job) error {
			return h.Run(ctx, j.Attempt, j.MaxAttempts, j.Args)
		}); err != nil {
			return err
		}
	}
	// Sweeps run on one node at a time (the leader enqueues them), on the same engine.
	if err := a.Jobs.Every("idempotency.sweep", time.Hour, a.sweepIdempotencyKeys); err != nil {
		return err
	}
	return a.Jobs.Every("inventory.settle", settleInterval, a.settleAllocations)
}

// startReturns builds the returns service and registers its jobs on the engine: marketplace
// return events, decisions pushed back, return labels.
func (a *App) startReturns(opt Options) error {
	var err error
	if opt.Marketplace == nil && a.TikTok != nil {
		opt.Marketplace = a.TikTok
	}
	a.Returns, err = returns.NewService(returns.Deps{
		Store: a.Store, Cards: a.RateCards.Cards, Carriers: a.Carriers, Certification: certification(a.Config),
		Markets: a.Config.Markets, Figures: a.Settings, Modes: a.Settings, Marketplace: opt.Marketplace, Config: opt.Returns, Now: a.now, Log: a.log,
	})
	if err != nil {
		return fmt.Errorf("returns: %w", err)
	}
	for _, h := range a.Returns.Jobs() {
		if err := a.Jobs.Handle(h.Kind, func(ctx context.Context, j worker.Job) error { return h.Run(ctx, j.Args) }); err != nil {
			return err
		}
	}
	return nil
}

// ReloadRateCards reads the rate_cards directory again and puts its cards in use (SIGHUP and
// POST /v1/rate-cards:reload); with errors the cards in use stay and the error names each
// problem's file and line.
func (a *App) ReloadRateCards() (rating.LoadedCards, error) {
	l, err := a.RateCards.Reload(a.now())
	if err != nil {
		a.log.Warn("rate cards not reloaded; the cards in use stay", "err", err)
		return l, err
	}
	a.log.Info("rate cards reloaded", "dir", l.Dir, "files", len(l.Files), "services", l.Cards.Len(), "builtin", l.Builtin)
	return l, nil
}

// Close stops the simulated carrier network, if this process runs one, and releases the store.
func (a *App) Close() error {
	var err error
	if a.Network != nil {
		err = a.Network.Close()
	}
	return errors.Join(err, a.Store.Close())
}

// StartJobs starts the job engine; StopJobs drains it. Serve does both.
func (a *App) StartJobs(ctx context.Context) error { return a.Jobs.Start(ctx) }

// StopJobs waits up to ShutdownTimeout for running jobs, then returns them to their queues.
func (a *App) StopJobs() error {
	ctx, cancel := context.WithTimeout(context.Background(), a.Config.ShutdownTimeout)
	defer cancel()
	return a.Jobs.Stop(ctx)
}

// Serve listens on the config's address and serves until ctx ends, then stops accepting
// connections and waits up to ShutdownTimeout for in-flight requests, so that every write the
// server acknowledged is committed. ready, if not nil, receives the bound address once listening.
func (a *App) Serve(ctx context.Context, ready func(addr string)) error {
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.Config.Addr, err)
	}
	srv := &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // a 32 MiB batch on a slow link
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	a.log.Info("lastmile serving", "addr", ln.Addr().String(), "db", redact(a.Config.DB))
	if ready != nil {
		ready(ln.Addr().String())
	}
	if err := a.StartJobs(ctx); err != nil {
		ln.Close()
		return fmt.Errorf("start the job engine: %w", err)
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	a.log.Info("lastmile stopping: draining in-flight requests", "timeout", a.Config.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), a.Config.ShutdownTimeout)
	defer cancel()
	err = srv.Shutdown(sctx)
	if jerr := a.StopJobs(); jerr != nil {
		a.log.Warn("stop the job engine", "err", jerr)
	}
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	a.log.Info("lastmile stopped")
	return nil
}

// sweepIdempotencyKeys deletes expired Idempotency-Key records and forgets the carrier webhook
// deliveries past their replay window (hourly, on the job engine).
func (a *App) sweepIdempotencyKeys(ctx context.Context) error {
	n, err := a.Store.DeleteIdempotencyKeysBefore(ctx, a.now().Add(-a.Config.IdempotencyTTL))
	if n > 0 {
		a.log.Info("swept expired idempotency keys", "count", n)
	}
	// The carrier webhook deliveries remembered against replays, once past their window.
	d, derr := a.Store.ForgetDeliveriesBefore(ctx, a.now())
	if d > 0 {
		a.log.Info("swept expired carrier webhook deliveries", "count", d)
	}
	return errors.Join(err, derr)
}

// settleInterval is how often the settler looks for stock held by cancelled or shipped orders.
const settleInterval = 10 * time.Second

// settleAllocations releases the stock of cancelled orders and ships that of shipped ones, for
// changes that arrived without an allocation step (a marketplace cancel, a crash between a cancel
// and its release), every settleInterval on the job engine. Each settle is one locked,
// idempotent transaction.
func (a *App) settleAllocations(ctx context.Context) error {
	for {
		n, err := a.Inventory.Sweep(ctx, 500)
		if n > 0 {
			a.log.Info("settled allocations of cancelled or shipped orders", "count", n)
		}
		if err != nil || n < 500 {
			return err
		}
	}
}

// redact hides a password in a database URL before it is logged.
func redact(db string) string {
	if at := strings.Index(db, "@"); at > 0 {
		if scheme := strings.Index(db, "://"); scheme > 0 && scheme < at {
			userinfo := db[scheme+3 : at]
			if user, _, ok := strings.Cut(userinfo, ":"); ok {
				return db[:scheme+3] + user + ":***" + db[at:]
			}
		}
	}
	return db
}

// shippingConfig is the shipping service's configuration: the caller's (tests), with the
// purchases in flight per carrier from carrier_concurrency unless the caller set them.
func shippingConfig(c shipping.Config, cfg config.Config) shipping.Config {
	if c.CarrierConcurrency == 0 {
		c.CarrierConcurrency = cfg.CarrierConcurrency
	}
	return c
}
