package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/demo"
	tiktoksim "lastmile/internal/marketplace/tiktok/sim"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/shipping"
	"lastmile/internal/store"
	"lastmile/internal/tiktokshop"
)

// DemoTikTok is the demo's marketplace: a simulated TikTok Shop in this process, whose shops
// are connected to the demo shops of their markets, so that orders arrive by webhook (and by
// the pull), ship, and come back as shipped (docs/tiktok.md).
type DemoTikTok struct {
	Sim *tiktoksim.Sim
	// ShopIDs are the demo shops Connect connected, one per simulated shop: the DE one is not
	// among demo.Markets, so RunDemo is given them (DemoOptions.Shops) for its key to reach them.
	ShopIDs []string
}

// StartDemoTikTok starts the simulated platform and points cfg's TikTok app at it (call it
// before New): lastmile subscribes each shop's webhooks at cfg.Addr's /webhooks/tiktok, the
// pull runs every 30 s. Its shops
// create orders at orderRate a second altogether (the demo's --interval sets it).
func StartDemoTikTok(ctx context.Context, cfg *config.Config, seed uint64, orderRate float64, log *slog.Logger) (*DemoTikTok, error) {
	opts := tiktoksim.DefaultOptions()
	opts.OrderRate, opts.Seed, opts.Logger = orderRate, seed, log
	// The sim sends a shop only the webhook types lastmile subscribed, at the address it
	// subscribed: lastmile's /webhooks/tiktok, which it subscribes on connecting.
	if host, port, err := net.SplitHostPort(cfg.Addr); err == nil && port != "0" && cfg.TikTok.WebhookURL == "" {
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "127.0.0.1"
		}
		cfg.TikTok.WebhookURL = "http://" + net.JoinHostPort(host, port) + "/webhooks/tiktok"
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
	var shopIDs []string
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
		shopIDs = append(shopIDs, id)
	}
	d.ShopIDs = shopIDs
	go d.shipArrivals(ctx, a, shopIDs)
	return nil
}

// demoShipEvery is how often the demo ships the TikTok orders that arrived.
const demoShipEvery = 5 * time.Second

// shipArrivals confirms and ships, every demoShipEvery until ctx ends, the TikTok orders waiting
// in the demo shops, as a seller working through them would: their labels are bought from the
// demo's carriers (or the platform under platform logistics), the tracking numbers pushed back,
// and the platform's new status comes back by webhook and pull.
func (d *DemoTikTok) shipArrivals(ctx context.Context, a *App, shopIDs []string) {
	scope := model.Scope{ShopIDs: shopIDs}
	t := time.NewTicker(demoShipEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		orders, err := a.Store.ListOrders(ctx, store.OrderQuery{ShopIDs: shopIDs, Statuses: []model.Status{model.StatusAwaitingShipment}, Limit: store.MaxListLimit})
		if err != nil {
			continue
		}
		var ids []string
		for _, o := range orders {
			if o.NeedsAttention || len(o.History) == 0 || o.History[0].Cause != tiktokshop.CauseTikTok {
				continue
			}
			if o.ConfirmedAt == nil {
				if _, err := a.Orders.Confirm(ctx, scope, o.ID, order.CauseDemo); err != nil {
					continue
				}
			}
			ids = append(ids, o.ID)
		}
		if len(ids) == 0 {
			continue
		}
		if _, err := a.Shipping.CreateBatch(ctx, scope, shipping.BatchRequest{OrderIDs: ids}); err != nil && ctx.Err() == nil {
			a.log.Warn("demo: ship the TikTok orders", "err", err)
		}
	}
}

// Close stops the simulated platform.
func (d *DemoTikTok) Close() error { return d.Sim.Close() }
