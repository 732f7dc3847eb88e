package main

import (
	"context"
	"time"

	"lastmile/internal/app"
	"lastmile/internal/config"
)

func runServe(ctx context.Context, args []string, s stdio) int {
	fs := newFlags("serve", "serve [--db URL] [--addr HOST:PORT]", s)
	db := dbFlag(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address")
	migrate := fs.Bool("migrate", true, "apply pending schema migrations at start")
	drain := fs.Duration("shutdown-timeout", 30*time.Second, "how long SIGTERM waits for in-flight requests")
	level := fs.String("log-level", "info", "debug, info, warn or error")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	log, err := newLogger(s.err, *level)
	if err != nil {
		return fail(s, "serve", err)
	}
	a, err := app.New(ctx, config.Config{DB: *db, Addr: *addr, ShutdownTimeout: *drain}, *migrate, log, time.Now)
	if err != nil {
		return fail(s, "serve", err)
	}
	defer a.Close()
	if err := a.Serve(ctx, nil); err != nil {
		return fail(s, "serve", err)
	}
	return exitOK
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
