package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"

	"lastmile/internal/config"
	"lastmile/internal/demo"
	tiktoksim "lastmile/internal/marketplace/tiktok/sim"
	"lastmile/internal/model"
	"lastmile/internal/tiktokshop"
)

// DemoTikTok is the demo's marketplace: a simulated TikTok Shop in this process, whose shops
// are connected to the demo shops of their markets, so that orders arrive by webhook (and by
// the pull), ship, and come back as shipped (docs/tiktok.md).
type DemoTikTok struct {
	Sim *tiktoksim.Sim
}

// StartDemoTikTok starts the simulated platform and points cfg's TikTok app at it (call it
// before New): webhooks go to cfg.Addr's /webhooks/tiktok, the pull runs every 30 s.
func StartDemoTikTok(ctx context.Context, cfg *config.Config, seed uint64, log *slog.Logger) (*DemoTikTok, error) {
	opts := tiktoksim.DefaultOptions()
	opts.OrderRate, opts.Seed, opts.Logger = 0.2, seed, log
	if host, port, err := net.SplitHostPort(cfg.Addr); err == nil && port != "0" {
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "127.0.0.1"
		}
		opts.WebhookURL = "http://" + net.JoinHostPort(host, port) + "/webhooks/tiktok"
	}
	sm, err := tiktoksim.Start(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("demo tiktok sim: %w", err)
	}
	cfg.TikTok.AppKey, cfg.TikTok.AppSecret, cfg.TikTok.APIBase = sm.AppKey(), sm.AppSecret(), sm.URL()
	if cfg.TikTok.TokenKey == "" {
		cfg.TikTok.TokenKey = "lastmile demo token key (not a secret)"
	}
	if cfg.TikTok.SyncInterval == 0 {
		cfg.TikTok.SyncInterval = tiktokshop.DefaultSyncInterval / 10
	}
	return &DemoTikTok{Sim: sm}, nil
}

// Connect connects every simulated shop to the demo shop of its market (creating it as RunDemo
// names it), and completes the platform's order lines from the demo's product catalogue.
func (d *DemoTikTok) Connect(ctx context.Context, a *App) error {
	if a.TikTok == nil {
		return errors.New("demo tiktok: the app has no TikTok integration")
	}
	a.TikTok.UseCatalogue(func(_ string, l *model.Line) { demo.FillLine(l) })
	for _, sh := range d.Sim.Shops() {
		id := "shop_demo_" + strings.ToLower(string(sh.Market))
		if _, err := a.Tenants.CreateShopWithID(ctx, id, "Demo Shop "+string(sh.Market), sh.Market, ""); err != nil && !errors.Is(err, model.ErrConflict) {
			return fmt.Errorf("demo shop %s: %w", sh.Market, err)
		}
		code, err := d.Sim.Authorize(sh.ID)
		if err != nil {
			return err
		}
		if _, err := a.TikTok.Connect(ctx, model.Scope{ShopIDs: []string{id}}, tiktokshop.ConnectRequest{AuthCode: code, ShopID: id, TikTokShopID: sh.ID}); err != nil {
			return fmt.Errorf("demo: connect TikTok shop %s: %w", sh.ID, err)
		}
	}
	return nil
}

// Close stops the simulated platform.
func (d *DemoTikTok) Close() error { return d.Sim.Close() }
