// Package notify tells the outside world what changed in lastmile. Every change that others
// care about enqueues a notify.event job in its own transaction (model.NotifyEvent); this
// package fans each event out to the shop's webhook subscriptions as signed deliveries in the
// Standard Webhooks format, made in order per order and retried for days on the job engine, so
// nothing is lost on a restart.
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/ident"
	"lastmile/internal/model"
	"lastmile/internal/store"
)

// Deps are what the service needs.
type Deps struct {
	Store  store.Store
	Config Config
	// Client sends the deliveries; nil: one with Config.Timeout that follows no redirect.
	Client *http.Client
	// Channels send buyer messages (R-MKT-3, R-TRK-7); none: no buyer messages.
	Channels []Channel
	// Markets give each buyer's time zone, for quiet hours.
	Markets map[model.Market]config.Market
	Now     func() time.Time
	Log     *slog.Logger
}

// Service manages webhook subscriptions and makes their deliveries.
type Service struct {
	d      Deps
	cfg    Config
	ids    *ident.Generator
	client *http.Client
	subs   subsCache // Subscribed's reads
}

// NewService checks the configuration and returns the service.
func NewService(d Deps) (*Service, error) {
	cfg := d.Config.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	client := d.Client
	if client == nil {
		client = &http.Client{
			Timeout: cfg.Timeout,
			// A redirect is an answer that is not 2xx: the subscription's URL is the one signed for.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	return &Service{d: d, cfg: cfg, ids: ident.NewGenerator(), client: client}, nil
}

func (s *Service) clock() time.Time { return s.d.Now().UTC().Truncate(time.Microsecond) }

// SubscriptionRequest is POST /v1/webhook-subscriptions' body.
type SubscriptionRequest struct {
	// ShopID may be left out when the API key has one shop.
	ShopID string   `json:"shop_id,omitempty"`
	URL    string   `json:"url"`
	Events []string `json:"events"`
	// Secret is the signing secret ("whsec_" and base64 of 24 to 64 bytes); empty: one is made.
	Secret string `json:"secret,omitempty"`
}

// PatchRequest is PATCH /v1/webhook-subscriptions/{id}'s body.
type PatchRequest struct {
	Enabled *bool `json:"enabled"`
}

func invalid(code, field, msg string) model.FieldError {
	return model.FieldError{Code: code, Field: field, Message: msg}
}

// maxURLLen bounds a subscription's URL.
const maxURLLen = 2000

// checkSubscription reports every problem of req at once.
func checkSubscription(req SubscriptionRequest) []model.FieldError {
	var problems []model.FieldError
	u, err := url.Parse(req.URL)
	switch {
	case strings.TrimSpace(req.URL) == "":
		problems = append(problems, invalid("missing_field", "url", "url is required: the https:// address of the endpoint that receives the events"))
	case len(req.URL) > maxURLLen:
		problems = append(problems, invalid("too_long", "url", fmt.Sprintf("url is %d bytes: at most %d", len(req.URL), maxURLLen)))
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Fragment != "":
		problems = append(problems, invalid("invalid_url", "url",
			fmt.Sprintf("%q is not an absolute http(s) URL without a fragment; use e.g. https://erp.example.com/hooks/lastmile", req.URL)))
	}
	if len(req.Events) == 0 {
		problems = append(problems, invalid("missing_field", "events",
			fmt.Sprintf(`events is required: a list of event types (%s) or ["*"] for all`, strings.Join(model.EventTypes, ", "))))
	}
	for i, e := range req.Events {
		if e != model.EventAll && !slices.Contains(model.EventTypes, e) {
			problems = append(problems, invalid("unknown_event", fmt.Sprintf("events[%d]", i),
				fmt.Sprintf("%q is not an event type: use one of %s, or \"*\" for all", e, strings.Join(model.EventTypes, ", "))))
		}
	}
	if req.Secret != "" {
		if _, err := secretKey(req.Secret); err != nil {
			problems = append(problems, invalid("invalid_secret", "secret",
				err.Error()+"; leave secret out to have one made"))
		}
	}
	return problems
}

// CreateSubscription stores a new, enabled subscription for the shop req names (or scope's only
// shop) and returns it with its secret, made when req has none. The secret is shown only here.
func (s *Service) CreateSubscription(ctx context.Context, scope model.Scope, req SubscriptionRequest) (model.WebhookSubscription, error) {
	shop, err := shopOf(scope, req.ShopID)
	if err != nil {
		return model.WebhookSubscription{}, err
	}
	if problems := checkSubscription(req); len(problems) > 0 {
		return model.WebhookSubscription{}, &model.ValidationError{Problems: problems}
	}
	events := slices.Clone(req.Events)
	slices.Sort(events)
	events = slices.Compact(events)
	if slices.Contains(events, model.EventAll) {
		events = []string{model.EventAll}
	}
	secret := req.Secret
	if secret == "" {
		secret = NewSecret()
	}
	now := s.clock()
	sub := model.WebhookSubscription{ID: s.ids.New("whs", now), ShopID: shop, URL: req.URL, Events: events, Secret: secret,
		Enabled: true, CreatedAt: now, UpdatedAt: now}
	if err := s.d.Store.CreateWebhookSubscription(ctx, sub); err != nil {
		return model.WebhookSubscription{}, err
	}
	s.forget(shop)
	return sub, nil
}

// shopOf is the shop a request is for: the one it names, which the scope must have, or the
// scope's only shop.
func shopOf(scope model.Scope, named string) (string, error) {
	switch {
	case named == "" && len(scope.ShopIDs) == 1:
		return scope.ShopIDs[0], nil
	case named == "":
		return "", &model.ValidationError{Problems: []model.FieldError{
			invalid("missing_field", "shop_id", "shop_id is required: this API key spans several shops")}}
	case !scope.Has(named):
		return "", fmt.Errorf("shop %s: %w", named, model.ErrNotFound)
	}
	return named, nil
}

func hideSecret(sub model.WebhookSubscription) model.WebhookSubscription {
	sub.Secret = ""
	return sub
}

// ListSubscriptions returns the scope's subscriptions, oldest first, without their secrets.
func (s *Service) ListSubscriptions(ctx context.Context, scope model.Scope) ([]model.WebhookSubscription, error) {
	subs, err := s.d.Store.ListWebhookSubscriptions(ctx, scope.ShopIDs)
	for i := range subs {
		subs[i] = hideSecret(subs[i])
	}
	return subs, err
}

// GetSubscription returns a subscription without its secret.
func (s *Service) GetSubscription(ctx context.Context, scope model.Scope, id string) (model.WebhookSubscription, error) {
	sub, err := s.d.Store.GetWebhookSubscription(ctx, scope.ShopIDs, id)
	return hideSecret(sub), err
}

// UpdateSubscription enables or disables a subscription. Enabling sends what waited while it
// was disabled, in order per order.
func (s *Service) UpdateSubscription(ctx context.Context, scope model.Scope, id string, req PatchRequest) (model.WebhookSubscription, error) {
	if req.Enabled == nil {
		return model.WebhookSubscription{}, &model.ValidationError{Problems: []model.FieldError{
			invalid("missing_field", "enabled", "enabled is required: true to send deliveries, false to hold them")}}
	}
	sub, err := s.d.Store.SetWebhookSubscriptionEnabled(ctx, scope.ShopIDs, id, *req.Enabled, "disabled by request", s.clock(), s.deliverJob)
	if err == nil && *req.Enabled {
		s.d.Log.Info("webhook subscription enabled", "subscription", id, "shop", sub.ShopID)
	}
	return hideSecret(sub), err
}

// DeleteSubscription removes a subscription and its delivery log.
func (s *Service) DeleteSubscription(ctx context.Context, scope model.Scope, id string) error {
	defer s.forget("")
	return s.d.Store.DeleteWebhookSubscription(ctx, scope.ShopIDs, id)
}

// DeliveryQuery selects deliveries for the log.
type DeliveryQuery struct {
	SubscriptionID string
	Statuses       []model.WebhookDeliveryStatus
	After          *store.Cursor
	Limit          int
}

// ListDeliveries returns a page of the scope's deliveries, oldest first, and the cursor of the
// next page (nil on the last).
func (s *Service) ListDeliveries(ctx context.Context, scope model.Scope, q DeliveryQuery) ([]model.WebhookDelivery, *store.Cursor, error) {
	limit := q.Limit
	if limit <= 0 || limit > store.MaxListLimit {
		limit = store.MaxListLimit
	}
	list, err := s.d.Store.ListWebhookDeliveries(ctx, store.WebhookDeliveryQuery{ShopIDs: scope.ShopIDs, SubscriptionID: q.SubscriptionID,
		Statuses: q.Statuses, After: q.After, Limit: limit + 1})
	if err != nil {
		return nil, nil, err
	}
	if len(list) <= limit {
		return list, nil, nil
	}
	list = list[:limit]
	last := list[limit-1]
	return list, &store.Cursor{ModifiedAt: last.CreatedAt, ID: last.ID}, nil
}

// GetDelivery returns one delivery.
func (s *Service) GetDelivery(ctx context.Context, scope model.Scope, id string) (model.WebhookDelivery, error) {
	return s.d.Store.GetWebhookDelivery(ctx, scope.ShopIDs, id)
}

// ErrNotDone refuses the replay of a delivery that is still queued or pending.
var ErrNotDone = errors.New("the delivery is not finished")

// Replay sends a delivered or failed delivery again, now, with its event id unchanged (so the
// receiver can tell a repeat). The subscription must be enabled for it to go.
func (s *Service) Replay(ctx context.Context, scope model.Scope, id string) (model.WebhookDelivery, error) {
	d, err := s.d.Store.ReplayWebhookDelivery(ctx, scope.ShopIDs, id, s.clock(), s.deliverJob)
	if errors.Is(err, model.ErrConflict) {
		return d, &ReplayRefusal{ID: id}
	}
	return d, err
}

// ReplayRefusal is a replay of a delivery that is still queued or pending (409).
type ReplayRefusal struct{ ID string }

func (e *ReplayRefusal) Error() string {
	return fmt.Sprintf("webhook delivery %s is still queued or pending: replay it once it is delivered or failed", e.ID)
}

// Unwrap returns model.ErrConflict.
func (e *ReplayRefusal) Unwrap() error { return model.ErrConflict }
