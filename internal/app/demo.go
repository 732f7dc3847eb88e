package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"lastmile/internal/demo"
	"lastmile/internal/model"
	"lastmile/internal/order"
)

// DemoOptions configures RunDemo.
type DemoOptions struct {
	// Interval between demo orders after the first burst.
	Interval time.Duration
	// Seed makes the demo's orders reproducible.
	Seed uint64
	// Out receives the welcome text: the API key and a ready curl line.
	Out io.Writer
}

// RunDemo makes one demo shop per demo market (reusing them on later runs), a fresh operator key
// for all of them, a first burst of orders, then serves while a trickle of new orders arrives and
// older ones move through their lifecycle, until ctx ends.
func (a *App) RunDemo(ctx context.Context, opt DemoOptions) error {
	var shopIDs []string
	for _, m := range demo.Markets {
		id := "shop_demo_" + strings.ToLower(string(m))
		_, err := a.Tenants.CreateShopWithID(ctx, id, "Demo Shop "+string(m), m, "")
		if err != nil && !errors.Is(err, model.ErrConflict) {
			return fmt.Errorf("demo shop %s: %w", m, err)
		}
		shopIDs = append(shopIDs, id)
	}
	secret, _, err := a.Tenants.CreateKey(ctx, "demo operator", shopIDs)
	if err != nil {
		return fmt.Errorf("demo key: %w", err)
	}
	scope := model.Scope{ShopIDs: shopIDs}
	a.startDemoWebhooks(ctx, scope, opt.Out)
	gen := demo.NewGenerator(opt.Seed)
	rng := rand.New(rand.NewPCG(opt.Seed, 1))

	feed := func(n int) {
		now := a.now()
		batch := make([]model.Order, n)
		for i := range batch {
			m := rng.IntN(len(demo.Markets))
			batch[i] = gen.Order(demo.Markets[m], now)
			batch[i].ShopID = shopIDs[m]
		}
		res, err := a.Orders.Upsert(ctx, scope, batch, order.CauseDemo)
		if err != nil {
			if ctx.Err() == nil {
				a.log.Warn("demo orders", "err", err)
			}
			return
		}
		for _, r := range res {
			if r.Err != nil {
				a.log.Warn("demo order refused", "err", r.Err)
				continue
			}
			// Sellers confirm most orders within minutes (R-ORD-3); a few are cancelled. A held
			// order is not confirmed until it is fixed (R-ORD-6).
			switch p := rng.Float64(); {
			case p < 0.7 && r.Order.NeedsAttention:
			case p < 0.7:
				_, err = a.Orders.Confirm(ctx, scope, r.Order.ID, order.CauseDemo)
			case p < 0.75:
				_, err = a.Orders.Cancel(ctx, scope, r.Order.ID, "buyer_request", order.CauseDemo)
			}
			if err != nil && ctx.Err() == nil {
				a.log.Warn("demo order action", "order", r.Order.ID, "err", err)
			}
		}
	}

	errc := make(chan error, 1)
	go func() {
		errc <- a.Serve(ctx, func(addr string) {
			host := addr
			if strings.HasPrefix(host, "[::]") || strings.HasPrefix(host, "0.0.0.0") {
				host = "localhost" + host[strings.LastIndex(host, ":"):]
			}
			fmt.Fprintf(opt.Out, `
lastmile demo is running on http://%[1]s with %[2]d demo shops (%[3]s).

API key (shown once; it can read every demo shop):
  %[4]s

Try:
  curl -s -H 'Authorization: Bearer %[4]s' 'http://%[1]s/v1/orders?limit=5'

Parcels on their way, the stale ones and this week's scores:
  curl -s -H 'Authorization: Bearer %[4]s' 'http://%[1]s/v1/exceptions?type=stale'
  curl -s -H 'Authorization: Bearer %[4]s' 'http://%[1]s/v1/scores?group_by=carrier'

The API is described at http://%[1]s/v1/openapi.json. New demo orders arrive every %[5]s. Ctrl-C stops.
`, host, len(shopIDs), joinMarkets(), secret, opt.Interval)
		})
	}()

	feed(50)
	if err := a.demoTracking(ctx, shopIDs, gen, rng); err != nil && ctx.Err() == nil {
		a.log.Warn("demo parcels", "err", err)
	}
	t := time.NewTicker(opt.Interval)
	defer t.Stop()
	for {
		select {
		case err := <-errc:
			return err
		case <-t.C:
			feed(1)
		}
	}
}

func joinMarkets() string {
	s := make([]string, len(demo.Markets))
	for i, m := range demo.Markets {
		s[i] = string(m)
	}
	return strings.Join(s, ", ")
}
