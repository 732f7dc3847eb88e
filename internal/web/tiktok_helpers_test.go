package web_test

import (
	"context"
	"testing"

	"lastmile/internal/config"
	tiktoksim "lastmile/internal/marketplace/tiktok/sim"
)

// newTikTokConsole starts the simulated TikTok platform (no clock ticks) and a console on db
// whose app is configured to reach it; both end with t. The context is t's.
func newTikTokConsole(t *testing.T, db string) (context.Context, *console, *tiktoksim.Sim) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	sm, err := tiktoksim.Start(ctx, tiktoksim.Options{Tick: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sm.Close() })
	c := newConsoleWith(t, config.Config{DB: db, Addr: "127.0.0.1:0", CarrierNetwork: "sim",
		TikTok: config.TikTok{AppKey: sm.AppKey(), AppSecret: sm.AppSecret(), APIBase: sm.URL(), TokenKey: "console test token key 0123"}})
	return ctx, c, sm
}
