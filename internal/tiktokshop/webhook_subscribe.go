package tiktokshop

import (
	"context"
	"fmt"
	"slices"

	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/model"
)

// SubscribedEvents are the webhook event types lastmile acts on (Receive): every connected shop
// is subscribed to them at the configured public URL. The platform sends a shop only the types
// it subscribed.
var SubscribedEvents = []string{
	tiktok.EventName(tiktok.WebhookOrderStatusChange),
	tiktok.EventName(tiktok.WebhookRecipientAddressUpdate),
	tiktok.EventName(tiktok.WebhookPackageUpdate),
	tiktok.EventName(tiktok.WebhookSellerDeauthorization),
	tiktok.EventName(tiktok.WebhookUpcomingAuthorizationEnd),
	tiktok.EventName(tiktok.WebhookCancellationStatusChange),
	tiktok.EventName(tiktok.WebhookReturnStatusChange),
}

// noWebhookURL is the connection's warning when no public URL is configured.
const noWebhookURL = "no public webhook URL is configured (tiktok_webhook_url, LASTMILE_TIKTOK_WEBHOOK_URL): TikTok sends this shop no webhooks, " +
	"so its orders arrive only by the pull, up to tiktok_sync_interval late (R-ORD-1); set it to the public URL of lastmile's /webhooks/tiktok"

// webhookWarning is what a new or reconnected connection says before any subscription.
func (s *Service) webhookWarning() string {
	if s.cfg.WebhookURL == "" {
		return noWebhookURL
	}
	return ""
}

// ensureWebhooks subscribes the connection's shop to SubscribedEvents at the configured URL
// (PUT /event/202309/webhooks, one call per type) when it is not subscribed there yet: after
// connecting, and after the URL changed. It runs at the start of every pull, so a failure is
// tried again at the next one; meanwhile the connection shows the failure as its warning. With
// no URL configured it subscribes nothing and the connection says so.
func (s *Service) ensureWebhooks(ctx context.Context, c model.Connection, sc *tiktok.ShopClient) {
	want := s.cfg.WebhookURL
	if want == "" {
		s.setWebhooks(ctx, c.ID, c.WebhookAddress, c.WebhookEvents, noWebhookURL)
		return
	}
	if c.WebhookAddress == want && slices.Equal(c.WebhookEvents, SubscribedEvents) && c.WebhookWarning == "" {
		return
	}
	for _, ev := range SubscribedEvents {
		if err := sc.Subscribe(ctx, ev, want); err != nil {
			s.markReauth(ctx, c.ID, err)
			warning := fmt.Sprintf("subscribing the shop's %s webhooks at %s failed (%v): tried again at the next pull; until then orders arrive only by the pull", ev, want, err)
			s.d.Log.Warn("tiktok webhook subscription failed", "connection", c.ID, "event", ev, "address", want, "err", err)
			s.setWebhooks(ctx, c.ID, c.WebhookAddress, c.WebhookEvents, warning)
			return
		}
	}
	s.d.Log.Info("tiktok webhooks subscribed", "connection", c.ID, "tiktok_shop", c.ExternalShopID, "address", want, "events", SubscribedEvents)
	s.setWebhooks(ctx, c.ID, want, SubscribedEvents, "")
}

func (s *Service) setWebhooks(ctx context.Context, id, address string, events []string, warning string) {
	_, err := s.d.Store.UpdateConnection(ctx, id, func(c *model.Connection) (bool, error) {
		if c.WebhookAddress == address && slices.Equal(c.WebhookEvents, events) && c.WebhookWarning == warning {
			return false, nil
		}
		c.WebhookAddress, c.WebhookEvents, c.WebhookWarning = address, slices.Clone(events), warning
		c.UpdatedAt = s.now()
		return true, nil
	})
	if err != nil {
		s.d.Log.Error("record a tiktok connection's webhooks", "connection", id, "err", err)
	}
}
