package main

import (
	"context"
	"fmt"

	tiktoksim "lastmile/internal/marketplace/tiktok/sim"
)

const simTikTokSynopsis = `sim tiktok [--addr HOST:PORT] [--app-key K] [--app-secret S] [--webhook-url URL]
       [--order-rate 0.5] [--peak] [--webhook-drop 0.02] [--webhook-duplicate 0.05] [--webhook-late 0.05]
       [--rate-limit 50] [--fault-rate 0.005] [--seed N]

Runs the simulated TikTok Shop platform alone (docs/tiktok.md): the Partner API's paths, signatures,
tokens, rate limits and error codes, with shops in six markets receiving orders, signed webhooks
of the types each shop subscribed (lastmile subscribes its tiktok_webhook_url on connecting;
--webhook-url subscribes every type of every shop there at start), orders that move along when
shipped, and A6 platform labels. Point lastmile
at it with LASTMILE_TIKTOK_API_BASE=http://HOST:PORT and the app key and secret it prints. Its
sim-only endpoints: POST /sim/authorize {"shop_id"} issues an authorisation code, GET /sim/stats
counts what happened, GET /sim/shops lists the shops.`

// runSimTikTok is "lastmile sim tiktok".
func runSimTikTok(ctx context.Context, args []string, s stdio) int {
	def := tiktoksim.DefaultOptions()
	fs := newFlags("sim tiktok", simTikTokSynopsis, s)
	addr := fs.String("addr", "127.0.0.1:8082", "listen address")
	appKey := fs.String("app-key", tiktoksim.DefaultAppKey, "the app key the sim accepts")
	appSecret := fs.String("app-secret", tiktoksim.DefaultAppSecret, "the app secret requests are signed with")
	webhookURL := fs.String("webhook-url", "", "subscribe every shop to every webhook type here at start, as an app callback (lastmile's POST /webhooks/tiktok); a shop's own subscription replaces it type by type")
	rate := fs.Float64("order-rate", def.OrderRate, "new orders a second over all shops")
	peak := fs.Bool("peak", false, "peak mode: ten times the order rate")
	unpaid := fs.Float64("unpaid-share", def.UnpaidShare, "share of new orders that start unpaid, 0 to 1")
	drop := fs.Float64("webhook-drop", def.WebhookDrop, "share of webhooks never sent, 0 to 1")
	dup := fs.Float64("webhook-duplicate", def.WebhookDuplicate, "share of webhooks sent twice, 0 to 1")
	late := fs.Float64("webhook-late", def.WebhookLate, "share of webhooks sent up to 2 minutes late, 0 to 1")
	limit := fs.Float64("rate-limit", def.RateLimit, "API requests a second answered; more get HTTP 429 (0: no limit)")
	faults := fs.Float64("fault-rate", def.FaultRate, "share of API requests failed with 36009003, 0 to 1")
	collect := fs.Duration("collect-after", tiktoksim.DefaultCollectAfter, "a shipped package is collected (IN_TRANSIT) this long after it shipped")
	deliver := fs.Duration("deliver-after", tiktoksim.DefaultDeliverAfter, "a collected package is delivered this long after")
	seed := fs.Uint64("seed", def.Seed, "seed of the orders and of every random choice")
	level := fs.String("log-level", "warn", "debug, info, warn or error")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	log, err := newLogger(s.err, *level)
	if err != nil {
		return fail(s, "sim tiktok", err)
	}
	opts := tiktoksim.Options{Addr: *addr, AppKey: *appKey, AppSecret: *appSecret, WebhookURL: *webhookURL, OrderRate: *rate, Peak: *peak,
		UnpaidShare: *unpaid, WebhookDrop: *drop, WebhookDuplicate: *dup, WebhookLate: *late, RateLimit: *limit, FaultRate: *faults,
		CollectAfter: *collect, DeliverAfter: *deliver, Seed: *seed, Logger: log}
	sm, err := tiktoksim.Start(ctx, opts)
	if err != nil {
		fmt.Fprintf(s.err, "lastmile sim tiktok: %v\n", err)
		return exitUsage
	}
	defer sm.Close()
	url := sm.URL()
	fmt.Fprintf(s.out, "lastmile sim tiktok: listening on %s\n", url)
	fmt.Fprintf(s.out, "api base:   %s (LASTMILE_TIKTOK_API_BASE; the auth host too)\n", url)
	fmt.Fprintf(s.out, "app key:    %s\n", sm.AppKey())
	fmt.Fprintf(s.out, "app secret: %s\n", sm.AppSecret())
	for i, sh := range sm.Shops() {
		label := "shops:     "
		if i > 0 {
			label = "           "
		}
		mode := "seller shipping (SELLER)"
		if sh.ShippingType == "TIKTOK" {
			mode = "platform logistics (TIKTOK)"
		}
		fmt.Fprintf(s.out, "%s %s %s %-22s %-28s seller %s\n", label, sh.ID, sh.Market, sh.Name, mode, sh.SellerID)
	}
	peakNote := "off"
	if *peak {
		peakNote = "on"
	}
	hooks := "the types each shop subscribes, at its address"
	if *webhookURL != "" {
		hooks = *webhookURL
	}
	fmt.Fprintf(s.out, "orders:     %g a second (peak %s); webhooks to %s (drop %g%%, duplicate %g%%, late %g%%)\n",
		*rate, peakNote, hooks, *drop*100, *dup*100, *late*100)
	fmt.Fprintf(s.out, "authorize:  curl -X POST %s/sim/authorize -d '{\"shop_id\":\"%s\"}'\n", url, sm.Shops()[0].ID)
	fmt.Fprintf(s.out, "stats:      %s/sim/stats\n", url)
	<-ctx.Done()
	return exitOK
}
