package app

import (
	"context"
	"fmt"

	"net/smtp"
	"strings"
	"time"

	"lastmile/internal/notify"
	"lastmile/internal/worker"
)

// startNotify builds the notify service and registers its jobs on the engine: the fan-out of
// every notify.event the other services enqueue, and the webhook deliveries.
func (a *App) startNotify(opt Options) error {
	cfg := opt.Notify
	if cfg.RetrySchedule == nil {
		// Checked by config.Validate.
		cfg.RetrySchedule, _ = a.Config.WebhookRetries()
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = a.Config.WebhookTimeout
	}
	if cfg.QuietHours == (notify.QuietHours{}) {
		start, end, _ := a.Config.QuietHours() // checked by config.Validate
		cfg.QuietHours = notify.QuietHours{Start: start, End: end}
		if start == end {
			cfg.QuietHours = notify.QuietHours{Start: time.Minute, End: time.Minute} // none
		}
	}
	var err error
	a.Notify, err = notify.NewService(notify.Deps{Store: a.Store, Config: cfg, Channels: a.buyerChannels(opt), Markets: a.Config.Markets,
		Now: a.now, Log: a.log})
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	// stock.low, for shops with a subscription that takes it (the store enqueues order.created
	// and order.updated itself, store.OrderWrites).
	a.Inventory.WithEvents(a.Notify.Subscribed)
	for _, h := range a.Notify.Jobs() {
		if err := a.Jobs.Handle(h.Kind, func(ctx context.Context, j worker.Job) error {
			return h.Run(ctx, notify.Job{ID: j.ID, CreatedAt: j.CreatedAt, Args: j.Args})
		}); err != nil {
			return err
		}
	}
	return nil
}

// buyerChannels are the channels buyer messages go through, as configured: e-mail, a webhook,
// and the marketplace's buyer messages when an integration provides them.
func (a *App) buyerChannels(opt Options) []notify.Channel {
	var chs []notify.Channel
	c := a.Config
	if c.BuyerSMTPAddr != "" {
		ch := notify.SMTPChannel{Addr: c.BuyerSMTPAddr, From: c.BuyerSMTPFrom}
		if c.BuyerSMTPUser != "" {
			host, _, _ := strings.Cut(c.BuyerSMTPAddr, ":")
			ch.Auth = smtp.PlainAuth("", c.BuyerSMTPUser, c.BuyerSMTPPassword, host)
		}
		chs = append(chs, ch)
	}
	if c.BuyerWebhookURL != "" {
		chs = append(chs, notify.WebhookChannel{URL: c.BuyerWebhookURL, Secret: c.BuyerWebhookSecret, Now: a.now})
	}
	switch {
	case opt.BuyerMessenger != nil:
		chs = append(chs, notify.MarketplaceChannel{Messenger: opt.BuyerMessenger})
	case a.TikTok != nil:
		// TikTok Shop's Customer Service API, for the shops connected to TikTok.
		chs = append(chs, notify.MarketplaceChannel{Messenger: a.TikTok})
	}
	return chs
}
