package tiktokshop

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/model"
	"lastmile/internal/returns"
)

// Receipt is what Receive did with a webhook whose signature was right: the caller answers 200
// whatever it says.
type Receipt struct {
	Type int `json:"type"`
	// Action names what follows: "fetch_order", "return_event", "disconnected",
	// "authorization_expiring", "ignored" (unknown type, unknown shop or unreadable body).
	Action string `json:"action"`
}

// Receive checks a webhook's Authorization signature (HMAC-SHA256 of app key + body, compared
// in constant time) and, when it is right, turns the event into work: order events (types 1, 3,
// 4, 11) enqueue a job that fetches the order detail and stores it, return events (12) go to the
// returns capability, a deauthorisation (6) disconnects the shop, an expiry warning (7) is
// recorded; other types are acknowledged and logged. The signature is the one check: a wrong
// or missing one is model.ErrUnauthorized (401) and counted; anything else signed correctly is
// acknowledged, because the platform would only send it again.
func (s *Service) Receive(ctx context.Context, authorization string, body []byte) (Receipt, error) {
	if authorization == "" || !s.d.Client.VerifyWebhook(authorization, body) {
		s.m.webhooks.WithLabelValues("refused").Inc()
		what := "wrong"
		if authorization == "" {
			what = "missing"
		}
		return Receipt{}, fmt.Errorf("the webhook's Authorization signature is %s: it must be the hex HMAC-SHA256 of the app key and the body under the app secret: %w",
			what, model.ErrUnauthorized)
	}
	s.m.webhooks.WithLabelValues("accepted").Inc()
	w, err := tiktok.ParseWebhook(body)
	if err != nil {
		s.d.Log.Warn("a signed tiktok webhook could not be read; acknowledged", "err", err)
		return Receipt{Action: "ignored"}, nil
	}
	s.m.webhookTypes.WithLabelValues(strconv.Itoa(w.Type)).Inc()
	r := Receipt{Type: w.Type, Action: "ignored"}
	var orderIDs []string
	var update int64
	switch w.Type {
	case tiktok.WebhookOrderStatusChange:
		var d tiktok.OrderStatusChange
		if err := w.DecodeData(&d); err == nil && d.OrderID != "" {
			orderIDs, update = []string{d.OrderID}, d.UpdateTime
		}
	case tiktok.WebhookRecipientAddressUpdate:
		var d tiktok.AddressUpdate
		if err := w.DecodeData(&d); err == nil && d.OrderID != "" {
			orderIDs, update = []string{d.OrderID}, d.UpdateTime
		}
	case tiktok.WebhookPackageUpdate:
		var d tiktok.PackageUpdate
		if err := w.DecodeData(&d); err == nil {
			seen := map[string]bool{}
			for _, p := range d.PackageList {
				for _, id := range p.OrderIDList {
					if id != "" && !seen[id] {
						seen[id] = true
						orderIDs = append(orderIDs, id)
					}
				}
			}
			update = d.UpdateTime
		}
	case tiktok.WebhookCancellationStatusChange:
		var d tiktok.CancellationChange
		if err := w.DecodeData(&d); err == nil && d.OrderID != "" {
			orderIDs, update = []string{d.OrderID}, d.UpdateTime
		}
	case tiktok.WebhookReturnStatusChange:
		return s.receiveReturn(ctx, w)
	case tiktok.WebhookSellerDeauthorization:
		return s.receiveDeauthorization(ctx, w)
	case tiktok.WebhookUpcomingAuthorizationEnd:
		return s.receiveExpiring(ctx, w)
	default:
		s.d.Log.Info("tiktok webhook of a type lastmile does not act on; acknowledged", "type", w.Type,
			"name", tiktok.EventName(w.Type), "notification", w.NotificationID, "tiktok_shop", w.ShopID)
		return r, nil
	}
	if len(orderIDs) == 0 {
		s.d.Log.Warn("tiktok order webhook without an order id; acknowledged", "type", w.Type, "notification", w.NotificationID)
		return r, nil
	}
	// The event's orders are fetched by a job, merged with the other webhooks arriving at the
	// same time (groupJobs); the answer waits for the job's commit.
	key := fmt.Sprintf("%s/%v/%d/%d", w.ShopID, orderIDs, w.Type, update)
	if update == 0 {
		key += "/" + w.NotificationID
	}
	if err := s.group.enqueueFetch(ctx, fetchItem{shop: w.ShopID, ids: orderIDs, key: key}); err != nil {
		return Receipt{}, fmt.Errorf("enqueue the fetch of tiktok orders: %w", err)
	}
	r.Action = "fetch_order"
	return r, nil
}

func (s *Service) receiveReturn(ctx context.Context, w tiktok.Webhook) (Receipt, error) {
	r := Receipt{Type: w.Type, Action: "ignored"}
	var d tiktok.ReturnChange
	if err := w.DecodeData(&d); err != nil || d.ReturnID == "" {
		s.d.Log.Warn("tiktok return webhook without a return id; acknowledged", "notification", w.NotificationID, "err", err)
		return r, nil
	}
	c, err := s.d.Store.GetConnectionByExternal(ctx, model.PlatformTikTok, w.ShopID)
	if err != nil {
		s.d.Log.Warn("tiktok return webhook of a shop that is not connected; acknowledged", "tiktok_shop", w.ShopID, "err", err)
		return r, nil
	}
	j, err := returns.PlatformEventJob(returns.PlatformEventArgs{ShopID: c.ShopID, Connection: c.ID, Marketplace: model.PlatformTikTok,
		ReturnID: d.ReturnID, OrderID: d.OrderID, ReturnStatus: d.ReturnStatus, ReturnType: d.ReturnType})
	if err != nil {
		return Receipt{}, err
	}
	if err := s.group.enqueue(ctx, j); err != nil {
		return Receipt{}, fmt.Errorf("enqueue the return event: %w", err)
	}
	r.Action = "return_event"
	return r, nil
}

func (s *Service) receiveDeauthorization(ctx context.Context, w tiktok.Webhook) (Receipt, error) {
	r := Receipt{Type: w.Type, Action: "ignored"}
	c, err := s.d.Store.GetConnectionByExternal(ctx, model.PlatformTikTok, w.ShopID)
	if err != nil {
		s.d.Log.Warn("tiktok deauthorisation of a shop that is not connected; acknowledged", "tiktok_shop", w.ShopID, "err", err)
		return r, nil
	}
	var d tiktok.Deauthorization
	_ = w.DecodeData(&d)
	s.setStatus(ctx, c.ID, model.ConnectionDisconnected, "the seller revoked the app's authorisation on TikTok (webhook type 6)"+
		suffix(d.Message)+": orders no longer sync; connect the shop again with a new authorisation code")
	r.Action = "disconnected"
	return r, nil
}

func (s *Service) receiveExpiring(ctx context.Context, w tiktok.Webhook) (Receipt, error) {
	r := Receipt{Type: w.Type, Action: "ignored"}
	c, err := s.d.Store.GetConnectionByExternal(ctx, model.PlatformTikTok, w.ShopID)
	if err != nil {
		s.d.Log.Warn("tiktok authorisation warning of a shop that is not connected; acknowledged", "tiktok_shop", w.ShopID, "err", err)
		return r, nil
	}
	var d tiktok.AuthorizationExpiring
	if err := w.DecodeData(&d); err != nil || d.ExpirationTime <= 0 {
		s.d.Log.Warn("tiktok authorisation warning without an expiration_time; acknowledged", "connection", c.ID, "err", err)
		return r, nil
	}
	end := time.Unix(d.ExpirationTime, 0).UTC()
	c, err = s.d.Store.UpdateConnection(ctx, c.ID, func(c *model.Connection) (bool, error) {
		c.AuthExpiresAt, c.UpdatedAt = &end, s.now()
		return true, nil
	})
	if err != nil {
		return Receipt{}, err
	}
	s.warnAhead(ctx, c, s.now())
	r.Action = "authorization_expiring"
	return r, nil
}

func suffix(msg string) string {
	if msg == "" {
		return ""
	}
	return " (" + msg + ")"
}
