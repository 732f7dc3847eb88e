package store

import (
	"context"
	"fmt"
	"time"

	"lastmile/internal/model"
)

// Webhooks is the storage of outbound webhook subscriptions and their deliveries. Deliveries of
// one subscription with the same order id are made one after the other: at most one of them is
// pending (due, in flight or waiting to retry), the later ones are queued behind it in the order
// they were added, and the store moves the next one to pending, with its job, in the
// transaction that finishes the one before (a transactional outbox, see Jobs).
type Webhooks interface {
	// CreateWebhookSubscription stores a new subscription; ErrNotFound when its shop does not
	// exist, ErrConflict when its id is taken.
	CreateWebhookSubscription(ctx context.Context, s model.WebhookSubscription) error
	// GetWebhookSubscription returns the subscription id if its shop is in shopIDs, else
	// ErrNotFound.
	GetWebhookSubscription(ctx context.Context, shopIDs []string, id string) (model.WebhookSubscription, error)
	// ListWebhookSubscriptions returns the subscriptions of shopIDs, oldest first.
	ListWebhookSubscriptions(ctx context.Context, shopIDs []string) ([]model.WebhookSubscription, error)
	// SetWebhookSubscriptionEnabled enables or disables the subscription id (ErrNotFound outside
	// shopIDs), with reason when disabling. Enabling moves the first queued delivery of each
	// order (and every queued delivery without an order) that has none pending to pending, with
	// job(delivery), in the same transaction. Setting the state it has changes nothing.
	SetWebhookSubscriptionEnabled(ctx context.Context, shopIDs []string, id string, enabled bool, reason string, at time.Time, job WebhookJobFunc) (model.WebhookSubscription, error)
	// DeleteWebhookSubscription removes the subscription id and its deliveries; ErrNotFound
	// outside shopIDs.
	DeleteWebhookSubscription(ctx context.Context, shopIDs []string, id string) error

	// AddWebhookDeliveries stores new deliveries in one transaction, skipping any whose
	// (subscription, event) is stored already (a fan-out that runs again), and reports how many
	// it added. Each added one is pending with job(delivery) unless its subscription is disabled
	// or another delivery of its subscription and order is pending or queued: then it is queued.
	AddWebhookDeliveries(ctx context.Context, ds []model.WebhookDelivery, job WebhookJobFunc) (int, error)
	// GetWebhookDelivery returns the delivery id if its shop is in shopIDs, else ErrNotFound.
	GetWebhookDelivery(ctx context.Context, shopIDs []string, id string) (model.WebhookDelivery, error)
	// ListWebhookDeliveries returns up to q.Limit deliveries (at most MaxQueryRows) in
	// (CreatedAt, ID) order after q.After.
	ListWebhookDeliveries(ctx context.Context, q WebhookDeliveryQuery) ([]model.WebhookDelivery, error)
	// RecordWebhookAttempt records the outcome of a delivery's attempt a.Attempt, if the
	// delivery is still pending with a.Attempt-1 attempts made (else it changes nothing and
	// reports false: another run recorded it). See WebhookAttempt for what each outcome does.
	RecordWebhookAttempt(ctx context.Context, id string, a WebhookAttempt, job WebhookJobFunc) (model.WebhookDelivery, bool, error)
	// ReplayWebhookDelivery makes a delivered or failed delivery pending again, due at at, with
	// job(delivery); ErrNotFound outside shopIDs, ErrConflict when it is queued or pending.
	ReplayWebhookDelivery(ctx context.Context, shopIDs []string, id string, at time.Time, job WebhookJobFunc) (model.WebhookDelivery, error)
	// EarlierNotifyEventWaiting reports whether a notify.event job (model.KindNotifyEvent) of
	// the shop and one of orderIDs, or a notify.events job (model.KindNotifyEvents) of the shop
	// naming one of them, with an id below jobID has not finished (completed, cancelled or given
	// up): the fan-out of jobID's events waits for it, so that the deliveries of one order are
	// queued in the order of its events. Changes of one order lock it, so their jobs' ids follow
	// their commits. No orderIDs: false.
	EarlierNotifyEventWaiting(ctx context.Context, shopID string, orderIDs []string, jobID int64) (bool, error)
}

// WebhookJobFunc is the job that makes a pending delivery's next attempt.
type WebhookJobFunc func(d model.WebhookDelivery) (Job, error)

// WebhookOutcome is what an attempt of a delivery came to.
type WebhookOutcome string

// Outcomes of an attempt.
const (
	// WebhookDelivered: the delivery is done; the next queued one of its order becomes pending.
	WebhookDelivered WebhookOutcome = "delivered"
	// WebhookRetry: the attempt failed; the delivery stays pending until NextAt, with its job.
	WebhookRetry WebhookOutcome = "retry"
	// WebhookFailed: the last attempt failed; the delivery is failed and, with DisableReason,
	// its subscription is disabled. Without one, the next queued delivery becomes pending.
	WebhookFailed WebhookOutcome = "failed"
	// WebhookPaused: no attempt was made (the subscription is disabled); the delivery goes back
	// to queued, its attempts unchanged.
	WebhookPaused WebhookOutcome = "paused"
)

// WebhookAttempt is one attempt's outcome.
type WebhookAttempt struct {
	// Attempt is the number of this attempt, 1 for the first.
	Attempt    int
	Outcome    WebhookOutcome
	At         time.Time
	StatusCode int
	Error      string
	// NextAt is when a retry is due.
	NextAt time.Time
	// DisableReason disables the subscription with a failed delivery.
	DisableReason string
}

// WebhookDeliveryQuery selects deliveries of ShopIDs, optionally of one subscription and of
// some statuses.
type WebhookDeliveryQuery struct {
	ShopIDs        []string
	SubscriptionID string
	Statuses       []model.WebhookDeliveryStatus
	After          *Cursor
	Limit          int
}

// WebhookQueueEntry is a not finished delivery of a subscription, in the order deliveries were
// added, as the drivers read them to decide which to move to pending.
type WebhookQueueEntry struct {
	ID      string
	OrderID string
	Status  model.WebhookDeliveryStatus
}

// WebhookPromotions returns the ids of the queued deliveries among entries (one subscription's
// unfinished deliveries, in the order they were added) that may become pending: the first queued
// one of each order that has none pending, and every queued one without an order.
func WebhookPromotions(entries []WebhookQueueEntry) []string {
	busy := map[string]bool{}
	for _, e := range entries {
		if e.Status == model.DeliveryPending && e.OrderID != "" {
			busy[e.OrderID] = true
		}
	}
	var out []string
	for _, e := range entries {
		if e.Status != model.DeliveryQueued {
			continue
		}
		if e.OrderID == "" {
			out = append(out, e.ID)
			continue
		}
		if !busy[e.OrderID] {
			busy[e.OrderID] = true
			out = append(out, e.ID)
		}
	}
	return out
}

// ApplyWebhookAttempt sets d's fields for the attempt a, as every driver stores them.
func ApplyWebhookAttempt(d *model.WebhookDelivery, a WebhookAttempt) error {
	at := a.At.UTC()
	switch a.Outcome {
	case WebhookPaused:
		d.Status, d.NextAttemptAt = model.DeliveryQueued, nil
		return nil
	case WebhookDelivered:
		d.Status, d.NextAttemptAt, d.DeliveredAt = model.DeliveryDelivered, nil, &at
	case WebhookRetry:
		next := a.NextAt.UTC()
		d.Status, d.NextAttemptAt = model.DeliveryPending, &next
	case WebhookFailed:
		d.Status, d.NextAttemptAt = model.DeliveryFailed, nil
	default:
		return fmt.Errorf("webhook delivery %s: outcome %q: %w", d.ID, a.Outcome, model.ErrInvalid)
	}
	d.Attempts = a.Attempt
	d.LastAttemptAt, d.LastStatusCode, d.LastError = &at, a.StatusCode, a.Error
	return nil
}
