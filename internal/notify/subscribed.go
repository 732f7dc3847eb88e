package notify

import (
	"context"
	"sync"
	"time"

	"lastmile/internal/model"
)

// SubscribedTTL is how long Subscribed trusts what it read of a shop's subscriptions. A change
// made through this node's service is seen at once; one made on another node sharing the
// database is seen within this.
const SubscribedTTL = 5 * time.Second

// subsCache holds, per shop, the event types some subscription of the shop takes.
type subsCache struct {
	mu    sync.Mutex
	shops map[string]subsEntry
}

type subsEntry struct {
	wants []model.WebhookSubscription
	at    time.Time
}

// Subscribed reports whether a subscription of the shop, enabled or not (a disabled one keeps
// its deliveries queued), takes events of type typ. Hot write paths (the order upsert, the stock
// ledger) ask it before their transaction so that a shop nobody listens to pays nothing for its
// events. Reads are cached for SubscribedTTL.
func (s *Service) Subscribed(ctx context.Context, shopID, typ string) (bool, error) {
	now := s.d.Now()
	s.subs.mu.Lock()
	e, ok := s.subs.shops[shopID]
	s.subs.mu.Unlock()
	if !ok || now.Sub(e.at) >= SubscribedTTL || now.Before(e.at) {
		subs, err := s.d.Store.ListWebhookSubscriptions(ctx, []string{shopID})
		if err != nil {
			return false, err
		}
		e = subsEntry{wants: subs, at: now}
		s.subs.mu.Lock()
		if s.subs.shops == nil {
			s.subs.shops = map[string]subsEntry{}
		}
		s.subs.shops[shopID] = e
		s.subs.mu.Unlock()
	}
	for i := range e.wants {
		if e.wants[i].Wants(typ) {
			return true, nil
		}
	}
	return false, nil
}

// forget drops what Subscribed read of a shop's subscriptions, after this node changed them.
func (s *Service) forget(shopID string) {
	s.subs.mu.Lock()
	defer s.subs.mu.Unlock()
	if shopID == "" {
		clear(s.subs.shops)
		return
	}
	delete(s.subs.shops, shopID)
}
