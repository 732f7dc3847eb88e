package app

import (
	"context"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/model"
	"lastmile/internal/shipping"
	"lastmile/internal/store"
	"lastmile/internal/tiktokshop"
	"lastmile/internal/worker"
)

// newTikTok builds the TikTok Shop integration when the config names an app (tiktok_app_key),
// else returns nil. Its jobs are registered by registerTikTok once the job engine exists.
func (a *App) newTikTok(reg prometheus.Registerer) error {
	t := a.Config.TikTok
	if !t.Enabled() {
		return nil
	}
	client, err := tiktok.New(tiktok.Config{AppKey: t.AppKey, AppSecret: t.AppSecret, APIBase: t.APIBase, Logger: a.log})
	if err != nil {
		return fmt.Errorf("tiktok: %w", err)
	}
	key, derived := t.SealKey()
	if derived {
		a.log.Warn("tiktok_token_key is not set: the sellers' tokens are sealed under a key derived from the app secret; set LASTMILE_TIKTOK_TOKEN_KEY so that rotating the secret keeps them")
	}
	sealer, err := tiktokshop.NewSealer(key)
	if err != nil {
		return err
	}
	providers, err := t.ProviderMap()
	if err != nil {
		return fmt.Errorf("tiktok_providers: %w", err)
	}
	a.TikTok, err = tiktokshop.NewService(tiktokshop.Deps{Store: a.Store, Orders: a.Orders, Client: client, Sealer: sealer,
		Config: tiktokshop.Config{SyncInterval: t.SyncInterval, Providers: providers, WebhookURL: t.WebhookURL}, Registry: reg, Now: a.now, Log: a.log})
	if err != nil {
		return fmt.Errorf("tiktok: %w", err)
	}
	a.log.Info("tiktok shop integration on", "app_key", t.AppKey, "api_base", client.APIBase())
	return nil
}

// registerTikTok registers the integration's jobs and sweeps on the job engine.
func (a *App) registerTikTok() error {
	if a.TikTok == nil {
		return nil
	}
	for _, j := range a.TikTok.Jobs() {
		if err := a.Jobs.Handle(j.Kind, func(ctx context.Context, job worker.Job) error { return j.Run(ctx, job.Args) }); err != nil {
			return err
		}
	}
	for _, p := range a.TikTok.Sweeps() {
		if err := a.Jobs.Every(p.Kind, p.Every, p.Run); err != nil {
			return err
		}
	}
	return nil
}

// withTikTokShipping lets shipping push seller-shipped labels to TikTok (FollowUp, R-API-3) and
// issue platform-logistics labels through it (Platform, R-MODE-2), when the integration is on.
func (a *App) withTikTokShipping(d *shipping.Deps) {
	if a.TikTok == nil {
		return
	}
	d.Platform = a.TikTok
	if prev := d.FollowUp; prev != nil {
		d.FollowUp = func(o model.Order, sh model.Shipment) ([]store.Job, error) {
			jobs, err := prev(o, sh)
			if err != nil {
				return nil, err
			}
			more, err := a.TikTok.FollowUp(o, sh)
			return append(jobs, more...), err
		}
		return
	}
	d.FollowUp = a.TikTok.FollowUp
}
