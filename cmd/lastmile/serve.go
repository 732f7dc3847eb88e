package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"

	"lastmile/internal/app"
	"lastmile/internal/config"
)

func runServe(ctx context.Context, args []string, s stdio) int {
	fs := newFlags("serve", "serve [--config FILE] [--db URL] [--addr HOST:PORT] [--rate-cards DIR] [--carriers sim|http://HOST:PORT]", s)
	cfgPath := configFlag(fs)
	db := fs.String("db", "", "store: sqlite:PATH or postgres://user@host/db (default: the file's db, $LASTMILE_DB, or "+defaultDB+")")
	addr := fs.String("addr", "", "listen address (default: the file's addr, $LASTMILE_ADDR, or 127.0.0.1:8080)")
	drain := fs.Duration("shutdown-timeout", 0, "how long SIGTERM waits for in-flight requests (default: the file's shutdown_timeout, or 30s)")
	cards := fs.String("rate-cards", "", "directory of rate cards to quote with (default: the file's rate_cards, $LASTMILE_RATE_CARDS)")
	carriers := fs.String("carriers", "", "the simulated carrier network: sim runs it in this process, http://HOST:PORT uses a standalone 'lastmile sim carriers' (default: the file's carrier_network, $LASTMILE_CARRIERS)")
	migrate := fs.Bool("migrate", true, "apply pending schema migrations at start")
	level := fs.String("log-level", "info", "debug, info, warn or error")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	set := setFlags(fs)
	cfg, err := loadConfig(*cfgPath, os.LookupEnv, func(c *config.Config) {
		if set["db"] {
			c.DB = *db
		}
		if set["addr"] {
			c.Addr = *addr
		}
		if set["shutdown-timeout"] {
			c.ShutdownTimeout = *drain
		}
		if set["rate-cards"] {
			c.RateCards = *cards
		}
		if set["carriers"] {
			c.CarrierNetwork = *carriers
		}
	})
	if err != nil {
		return failConfig(s, "serve", err)
	}
	log, err := newLogger(s.err, *level)
	if err != nil {
		return fail(s, "serve", err)
	}
	a, err := app.New(ctx, cfg, *migrate, log, time.Now)
	if err != nil {
		return fail(s, "serve", err)
	}
	defer a.Close()
	stop := reloadOnHangup(ctx, a)
	defer stop()
	if err := a.Serve(ctx, nil); err != nil {
		return fail(s, "serve", err)
	}
	return exitOK
}

// reloadOnHangup reloads the rate cards on every SIGHUP until ctx ends or stop is called: a
// reload with errors keeps the cards in use and logs every problem.
func reloadOnHangup(ctx context.Context, a *app.App) (stop func()) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		defer close(done)
		reloadLoop(ctx, hup, a)
	}()
	return func() {
		signal.Stop(hup)
		close(hup)
		<-done
	}
}

// reloadLoop reloads the rate cards each time sig delivers, until it closes or ctx ends.
func reloadLoop(ctx context.Context, sig <-chan os.Signal, a *app.App) {
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-sig:
			if !ok {
				return
			}
			a.ReloadRateCards() // it logs the outcome
		}
	}
}

func runMigrate(ctx context.Context, args []string, s stdio) int {
	fs := newFlags("migrate", "migrate [--db URL]", s)
	db := dbFlag(fs)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	log, _ := newLogger(s.err, "info")
	st, err := app.OpenStore(ctx, *db, true, log)
	if err != nil {
		return fail(s, "migrate", err)
	}
	st.Close()
	return exitOK
}
