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
	"os"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"lastmile/internal/api"
	"lastmile/internal/config"
	"lastmile/internal/inventory"
	"lastmile/internal/order"
	"lastmile/internal/rating"
	"lastmile/internal/settings"
	"lastmile/internal/store"
	"lastmile/internal/store/postgres"
	"lastmile/internal/store/sqlite"
	"lastmile/internal/tenant"
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
	API       *api.Server
	log       *slog.Logger
	now       func() time.Time
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
		s, err = postgres.Open(ctx, db)
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
		Tenants:   tenant.NewService(st, cfg.Markets, now, cfg.AuthCacheTTL),
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
	a.API, err = api.New(api.Deps{Config: cfg, Store: st, Orders: a.Orders, Inventory: a.Inventory, Tenants: a.Tenants, Log: log, Now: now,
		Registry: reg, Settings: figures, RateCards: cards})
	if err != nil {
		st.Close()
		return nil, err
	}
	return a, nil
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

// Close releases the store.
func (a *App) Close() error { return a.Store.Close() }

// Serve listens on the config's address and serves until ctx ends, then stops accepting
// connections and waits up to ShutdownTimeout for in-flight requests, so that every write the
// server acknowledged is committed. ready, if not nil, receives the bound address once listening.
func (a *App) Serve(ctx context.Context, ready func(addr string)) error {
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.Config.Addr, err)
	}
	srv := &http.Server{
		Handler:           a.API,
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
	janitorDone := make(chan struct{})
	go func() {
		defer close(janitorDone)
		a.sweepIdempotencyKeys(ctx)
	}()
	settlerDone := make(chan struct{})
	go func() {
		defer close(settlerDone)
		a.settleAllocations(ctx)
	}()

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
	<-janitorDone
	<-settlerDone
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	a.log.Info("lastmile stopped")
	return nil
}

// sweepIdempotencyKeys deletes expired Idempotency-Key records every hour until ctx ends.
func (a *App) sweepIdempotencyKeys(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		n, err := a.Store.DeleteIdempotencyKeysBefore(ctx, a.now().Add(-a.Config.IdempotencyTTL))
		if err != nil && ctx.Err() == nil {
			a.log.Warn("sweep idempotency keys", "err", err)
		} else if n > 0 {
			a.log.Info("swept expired idempotency keys", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// settleInterval is how often the settler looks for stock held by cancelled or shipped orders.
const settleInterval = 10 * time.Second

// settleAllocations releases the stock of cancelled orders and ships that of shipped ones, for
// changes that arrived without an allocation step (a marketplace cancel, a crash between a cancel
// and its release), every settleInterval until ctx ends. Several nodes may run it at once: each
// settle is one locked, idempotent transaction.
func (a *App) settleAllocations(ctx context.Context) {
	t := time.NewTicker(settleInterval)
	defer t.Stop()
	for {
		for {
			n, err := a.Inventory.Sweep(ctx, 500)
			if err != nil && ctx.Err() == nil {
				a.log.Warn("settle allocations", "err", err)
			}
			if n > 0 {
				a.log.Info("settled allocations of cancelled or shipped orders", "count", n)
			}
			if err != nil || n < 500 {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
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
