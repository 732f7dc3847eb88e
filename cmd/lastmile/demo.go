package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"lastmile/internal/app"
	"lastmile/internal/config"
)

func runDemo(ctx context.Context, args []string, s stdio) int {
	fs := newFlags("demo", "demo [--config FILE] [--addr 127.0.0.1:8080] [--data DIR]", s)
	cfgPath := configFlag(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address: this machine only by default; --addr 0.0.0.0:8080 opens the demo to the network")
	data := fs.String("data", "./lastmile-data", "directory of the demo's SQLite database and of its API key (demo-key, mode 0600, reused at every start)")
	shipShare := fs.Float64("ship", 0.5, "share of the first demo orders ready to ship that the demo ships itself, 0 to 1; 'lastmile ship --ready' ships the rest")
	interval := fs.Duration("interval", 3*time.Second, "time between new demo orders, from the API feed and from the simulated TikTok Shop each")
	seed := fs.Uint64("seed", uint64(time.Now().UnixNano()), "seed of the demo data")
	carriers := fs.String("carriers", "sim", "the carriers labels are bought from: sim (the simulated network, in this process) or http://HOST:PORT of a 'lastmile sim carriers'")
	level := fs.String("log-level", "warn", "debug, info, warn or error")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *interval <= 0 {
		return fail(s, "demo", fmt.Errorf("--interval %v: want a positive duration, e.g. 3s", *interval))
	}
	if *shipShare < 0 || *shipShare > 1 {
		return fail(s, "demo", fmt.Errorf("--ship %v: want a share from 0 to 1", *shipShare))
	}
	// The file gives the markets, shops, rate cards and limits; the demo's store and address are
	// always its own flags'.
	cfg, err := loadConfig(*cfgPath, os.LookupEnv, func(c *config.Config) {
		c.DB, c.Addr = "sqlite:"+*data+"/lastmile.db", *addr
		if c.CarrierNetwork == "" || setFlags(fs)["carriers"] {
			c.CarrierNetwork = *carriers
		}
	})
	if err != nil {
		return failConfig(s, "demo", err)
	}
	log, err := newLogger(s.err, *level)
	if err != nil {
		return fail(s, "demo", err)
	}
	tt, err := app.StartDemoTikTok(ctx, &cfg, *seed, 1/interval.Seconds(), log) // the demo's marketplace (internal/app/tiktok_demo.go)
	if err != nil {
		return fail(s, "demo", err)
	}
	defer tt.Close()
	a, err := app.New(ctx, cfg, true, log, time.Now)
	if err != nil {
		return fail(s, "demo", err)
	}
	defer a.Close()
	if err := tt.Connect(ctx, a); err != nil {
		return fail(s, "demo", err)
	}
	if err := a.RunDemo(ctx, app.DemoOptions{Interval: *interval, Seed: *seed, Out: s.out,
		KeyFile: filepath.Join(*data, "demo-key"), ShipShare: *shipShare, Shops: tt.ShopIDs}); err != nil {
		return fail(s, "demo", err)
	}
	return exitOK
}
