package postgres

// Webhook subscriptions and deliveries on PostgreSQL. Every write that decides about a
// subscription's queue of deliveries (adding, finishing, enabling) first locks the
// subscription's row, so those decisions are made one at a time on any node and at most one
// delivery per (subscription, order) is ever pending.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

var _ store.Webhooks = (*Store)(nil)

const (
	subscriptionColumns = `id, shop_id, url, events, secret, enabled, disabled_reason, disabled_at, created_at, updated_at`
	deliveryColumns     = `id, shop_id, subscription_id, event_id, event_type, order_id, status, attempts, body, created_at,
		next_attempt_at, last_attempt_at, last_status, last_error, delivered_at`
)

// CreateWebhookSubscription implements store.Webhooks.
func (s *Store) CreateWebhookSubscription(ctx context.Context, sub model.WebhookSubscription) error {
	if err := store.CheckText("id", sub.ID, "shop_id", sub.ShopID, "url", sub.URL); err != nil {
		return err
	}
	events, err := json.Marshal(sub.Events)
	if err != nil {
		return fmt.Errorf("webhook subscription %s: %w", sub.ID, err)
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO webhook_subscriptions (`+subscriptionColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		sub.ID, sub.ShopID, sub.URL, events, sub.Secret, sub.Enabled, sub.DisabledReason, sub.DisabledAt, sub.CreatedAt, sub.UpdatedAt)
	if pgCode(err) == "23503" {
		return fmt.Errorf("webhook subscription %s: shop %s: %w", sub.ID, sub.ShopID, model.ErrNotFound)
	}
	return textError(wrap(err, "create webhook subscription "+sub.ID))
}

func scanSubscription(r pgx.Row) (model.WebhookSubscription, error) {
	var sub model.WebhookSubscription
	var events []byte
	if err := r.Scan(&sub.ID, &sub.ShopID, &sub.URL, &events, &sub.Secret, &sub.Enabled, &sub.DisabledReason, &sub.DisabledAt,
		&sub.CreatedAt, &sub.UpdatedAt); err != nil {
		return sub, err
	}
	if err := json.Unmarshal(events, &sub.Events); err != nil {
		return sub, fmt.Errorf("webhook subscription %s events: %w", sub.ID, err)
	}
	sub.DisabledAt, sub.CreatedAt, sub.UpdatedAt = utcPtr(sub.DisabledAt), sub.CreatedAt.UTC(), sub.UpdatedAt.UTC()
	return sub, nil
}

// getSubscription reads a subscription; lock is appended to the SELECT ("FOR UPDATE" or "").
func getSubscription(ctx context.Context, q rowQueryer, shopIDs []string, id, lock string) (model.WebhookSubscription, error) {
	sub, err := scanSubscription(q.QueryRow(ctx, `SELECT `+subscriptionColumns+` FROM webhook_subscriptions
		WHERE id = $1 AND shop_id = ANY($2) `+lock, id, shopIDs))
	if errors.Is(err, pgx.ErrNoRows) {
		return sub, fmt.Errorf("webhook subscription %s: %w", id, model.ErrNotFound)
	}
	return sub, err
}

// GetWebhookSubscription implements store.Webhooks.
func (s *Store) GetWebhookSubscription(ctx context.Context, shopIDs []string, id string) (model.WebhookSubscription, error) {
	if err := store.CheckScope(shopIDs, "id", id); err != nil {
		return model.WebhookSubscription{}, err
	}
	sub, err := getSubscription(ctx, s.pool, shopIDs, id, "")
	return sub, wrap(err, "get webhook subscription")
}

// ListWebhookSubscriptions implements store.Webhooks.
func (s *Store) ListWebhookSubscriptions(ctx context.Context, shopIDs []string) ([]model.WebhookSubscription, error) {
	if err := store.CheckScope(shopIDs); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+subscriptionColumns+` FROM webhook_subscriptions WHERE shop_id = ANY($1)
		ORDER BY created_at, id`, shopIDs)
	if err != nil {
		return nil, wrap(err, "list webhook subscriptions")
	}
	defer rows.Close()
	var out []model.WebhookSubscription
	for rows.Next() {
		sub, err := scanSubscription(rows)
		if err != nil {
			return nil, wrap(err, "list webhook subscriptions")
		}
		out = append(out, sub)
	}
	return out, wrap(rows.Err(), "list webhook subscriptions")
}

// SetWebhookSubscriptionEnabled implements store.Webhooks.
func (s *Store) SetWebhookSubscriptionEnabled(ctx context.Context, shopIDs []string, id string, enabled bool, reason string, at time.Time, job store.WebhookJobFunc) (model.WebhookSubscription, error) {
	if err := store.CheckScope(shopIDs, "id", id, "reason", reason); err != nil {
		return model.WebhookSubscription{}, err
	}
	var out model.WebhookSubscription
	err := s.inTx(ctx, "set webhook subscription "+id, func(tx pgx.Tx) error {
		sub, err := getSubscription(ctx, tx, shopIDs, id, "FOR UPDATE")
		if err != nil {
			return err
		}
		out = sub
		if sub.Enabled == enabled {
			return nil
		}
		if enabled {
			out.Enabled, out.DisabledReason, out.DisabledAt = true, "", nil
		} else {
			t := at.UTC()
			out.Enabled, out.DisabledReason, out.DisabledAt = false, reason, &t
		}
		out.UpdatedAt = at.UTC()
		if _, err := tx.Exec(ctx, `UPDATE webhook_subscriptions SET enabled = $1, disabled_reason = $2, disabled_at = $3, updated_at = $4
			WHERE id = $5`, out.Enabled, out.DisabledReason, out.DisabledAt, out.UpdatedAt, id); err != nil {
			return err
		}
		if enabled {
			return s.promoteDeliveries(ctx, tx, id, job)
		}
		return nil
	})
	return out, err
}

// DeleteWebhookSubscription implements store.Webhooks.
func (s *Store) DeleteWebhookSubscription(ctx context.Context, shopIDs []string, id string) error {
	if err := store.CheckScope(shopIDs, "id", id); err != nil {
		return err
	}
	tag, err := s.pool.Exec(ctx, `DELETE FROM webhook_subscriptions WHERE id = $1 AND shop_id = ANY($2)`, id, shopIDs)
	if err != nil {
		return wrap(err, "delete webhook subscription "+id)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("webhook subscription %s: %w", id, model.ErrNotFound)
	}
	return nil
}

// AddWebhookDeliveries implements store.Webhooks.
func (s *Store) AddWebhookDeliveries(ctx context.Context, ds []model.WebhookDelivery, job store.WebhookJobFunc) (int, error) {
	for _, d := range ds {
		if err := store.CheckText("id", d.ID, "subscription_id", d.SubscriptionID, "event_id", d.EventID, "order_id", d.OrderID); err != nil {
			return 0, err
		}
	}
	added := 0
	err := s.inTx(ctx, "add webhook deliveries", func(tx pgx.Tx) error {
		added = 0
		var jobs []store.Job
		for _, d := range ds {
			var enabled bool
			err := tx.QueryRow(ctx, `SELECT enabled FROM webhook_subscriptions WHERE id = $1 FOR UPDATE`, d.SubscriptionID).Scan(&enabled)
			if errors.Is(err, pgx.ErrNoRows) {
				continue // deleted since the fan-out read it
			}
			if err != nil {
				return err
			}
			var exists bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM webhook_deliveries WHERE subscription_id = $1 AND event_id = $2)`,
				d.SubscriptionID, d.EventID).Scan(&exists); err != nil {
				return err
			}
			if exists {
				continue
			}
			d.Status = model.DeliveryPending
			if !enabled {
				d.Status = model.DeliveryQueued
			} else if d.OrderID != "" {
				if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM webhook_deliveries WHERE subscription_id = $1 AND order_id = $2
					AND status IN ('queued', 'pending'))`, d.SubscriptionID, d.OrderID).Scan(&exists); err != nil {
					return err
				}
				if exists {
					d.Status = model.DeliveryQueued
				}
			}
			if d.Status == model.DeliveryPending {
				t := d.CreatedAt
				d.NextAttemptAt = &t
			}
			if _, err := tx.Exec(ctx, `INSERT INTO webhook_deliveries (`+deliveryColumns+`)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
				d.ID, d.ShopID, d.SubscriptionID, d.EventID, d.EventType, d.OrderID, string(d.Status), d.Attempts, []byte(d.Body),
				d.CreatedAt, d.NextAttemptAt, d.LastAttemptAt, d.LastStatusCode, d.LastError, d.DeliveredAt); err != nil {
				return fmt.Errorf("insert webhook delivery %s: %w", d.ID, err)
			}
			added++
			if d.Status == model.DeliveryPending {
				j, err := job(d)
				if err != nil {
					return err
				}
				jobs = append(jobs, j)
			}
		}
		return s.insertJobs(ctx, tx, jobs) // one multi-row insert for a batch's fan-out
	})
	return added, textError(err)
}

// deliveryJob enqueues the job of the pending delivery d in tx.
func (s *Store) deliveryJob(ctx context.Context, tx pgx.Tx, d model.WebhookDelivery, job store.WebhookJobFunc) error {
	j, err := job(d)
	if err != nil {
		return err
	}
	return s.insertJobs(ctx, tx, []store.Job{j})
}

// promoteDeliveries moves the subscription's queued deliveries that may go
// (store.WebhookPromotions) to pending, due now, with their jobs. The caller holds the
// subscription's row.
func (s *Store) promoteDeliveries(ctx context.Context, tx pgx.Tx, subID string, job store.WebhookJobFunc) error {
	var enabled bool
	if err := tx.QueryRow(ctx, `SELECT enabled FROM webhook_subscriptions WHERE id = $1`, subID).Scan(&enabled); err != nil || !enabled {
		return err
	}
	rows, err := tx.Query(ctx, `SELECT id, order_id, status FROM webhook_deliveries WHERE subscription_id = $1
		AND status IN ('queued', 'pending') ORDER BY seq`, subID)
	if err != nil {
		return err
	}
	var entries []store.WebhookQueueEntry
	for rows.Next() {
		var e store.WebhookQueueEntry
		if err := rows.Scan(&e.ID, &e.OrderID, &e.Status); err != nil {
			rows.Close()
			return err
		}
		entries = append(entries, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range store.WebhookPromotions(entries) {
		d, err := scanDelivery(tx.QueryRow(ctx, `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = NULL
			WHERE id = $1 RETURNING `+deliveryColumns, id))
		if err != nil {
			return fmt.Errorf("promote webhook delivery %s: %w", id, err)
		}
		if err := s.deliveryJob(ctx, tx, d, job); err != nil {
			return err
		}
	}
	return nil
}

func scanDelivery(r pgx.Row) (model.WebhookDelivery, error) {
	var d model.WebhookDelivery
	var body []byte
	if err := r.Scan(&d.ID, &d.ShopID, &d.SubscriptionID, &d.EventID, &d.EventType, &d.OrderID, &d.Status, &d.Attempts, &body,
		&d.CreatedAt, &d.NextAttemptAt, &d.LastAttemptAt, &d.LastStatusCode, &d.LastError, &d.DeliveredAt); err != nil {
		return d, err
	}
	d.Body = json.RawMessage(body)
	d.CreatedAt, d.NextAttemptAt, d.LastAttemptAt, d.DeliveredAt = d.CreatedAt.UTC(), utcPtr(d.NextAttemptAt), utcPtr(d.LastAttemptAt), utcPtr(d.DeliveredAt)
	return d, nil
}

// getDelivery reads a delivery; lock is appended to the SELECT.
func getDelivery(ctx context.Context, q rowQueryer, shopIDs []string, id, lock string) (model.WebhookDelivery, error) {
	d, err := scanDelivery(q.QueryRow(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE id = $1 AND shop_id = ANY($2) `+lock,
		id, shopIDs))
	if errors.Is(err, pgx.ErrNoRows) {
		return d, fmt.Errorf("webhook delivery %s: %w", id, model.ErrNotFound)
	}
	return d, err
}

// GetWebhookDelivery implements store.Webhooks.
func (s *Store) GetWebhookDelivery(ctx context.Context, shopIDs []string, id string) (model.WebhookDelivery, error) {
	if err := store.CheckScope(shopIDs, "id", id); err != nil {
		return model.WebhookDelivery{}, err
	}
	d, err := getDelivery(ctx, s.pool, shopIDs, id, "")
	return d, wrap(err, "get webhook delivery")
}

// ListWebhookDeliveries implements store.Webhooks.
func (s *Store) ListWebhookDeliveries(ctx context.Context, q store.WebhookDeliveryQuery) ([]model.WebhookDelivery, error) {
	if err := store.CheckScope(q.ShopIDs, "subscription_id", q.SubscriptionID); err != nil {
		return nil, err
	}
	var w where
	w.add(`shop_id = ANY(%s)`, q.ShopIDs)
	if q.SubscriptionID != "" {
		w.add(`subscription_id = %s`, q.SubscriptionID)
	}
	if len(q.Statuses) > 0 {
		st := make([]string, len(q.Statuses))
		for i, v := range q.Statuses {
			st[i] = string(v)
		}
		w.add(`status = ANY(%s)`, st)
	}
	if q.After != nil {
		w.add(`(created_at, id) > (%s, %s)`, q.After.ModifiedAt, q.After.ID)
	}
	limit := w.arg(limitOf(q.Limit))
	rows, err := s.pool.Query(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE `+w.String()+
		` ORDER BY created_at, id LIMIT `+limit, w.args...)
	if err != nil {
		return nil, wrap(err, "list webhook deliveries")
	}
	defer rows.Close()
	var out []model.WebhookDelivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, wrap(err, "list webhook deliveries")
		}
		out = append(out, d)
	}
	return out, wrap(rows.Err(), "list webhook deliveries")
}

// RecordWebhookAttempt implements store.Webhooks.
func (s *Store) RecordWebhookAttempt(ctx context.Context, id string, a store.WebhookAttempt, job store.WebhookJobFunc) (model.WebhookDelivery, bool, error) {
	if err := store.CheckText("id", id, "error", a.Error, "disable_reason", a.DisableReason); err != nil {
		return model.WebhookDelivery{}, false, err
	}
	var out model.WebhookDelivery
	recorded := false
	err := s.inTx(ctx, "record webhook attempt "+id, func(tx pgx.Tx) error {
		recorded = false
		var subID string
		err := tx.QueryRow(ctx, `SELECT subscription_id FROM webhook_deliveries WHERE id = $1`, id).Scan(&subID)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("webhook delivery %s: %w", id, model.ErrNotFound)
		}
		if err != nil {
			return err
		}
		// The subscription's row first, as every other writer of its queue takes it.
		if _, err := tx.Exec(ctx, `SELECT 1 FROM webhook_subscriptions WHERE id = $1 FOR UPDATE`, subID); err != nil {
			return err
		}
		d, err := scanDelivery(tx.QueryRow(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE id = $1 FOR UPDATE`, id))
		if err != nil {
			return err
		}
		out = d
		if d.Status != model.DeliveryPending || d.Attempts != a.Attempt-1 {
			return nil
		}
		if err := store.ApplyWebhookAttempt(&d, a); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET status = $1, attempts = $2, next_attempt_at = $3, last_attempt_at = $4,
			last_status = $5, last_error = $6, delivered_at = $7 WHERE id = $8`, string(d.Status), d.Attempts, d.NextAttemptAt,
			d.LastAttemptAt, d.LastStatusCode, d.LastError, d.DeliveredAt, id); err != nil {
			return err
		}
		out, recorded = d, true
		switch {
		case a.Outcome == store.WebhookRetry:
			return s.deliveryJob(ctx, tx, d, job)
		case a.Outcome == store.WebhookFailed && a.DisableReason != "":
			_, err := tx.Exec(ctx, `UPDATE webhook_subscriptions SET enabled = false, disabled_reason = $1, disabled_at = $2, updated_at = $2
				WHERE id = $3 AND enabled`, a.DisableReason, a.At.UTC(), d.SubscriptionID)
			return err
		case a.Outcome == store.WebhookPaused:
			return nil
		}
		return s.promoteDeliveries(ctx, tx, d.SubscriptionID, job)
	})
	return out, recorded, textError(err)
}

// ReplayWebhookDelivery implements store.Webhooks.
func (s *Store) ReplayWebhookDelivery(ctx context.Context, shopIDs []string, id string, at time.Time, job store.WebhookJobFunc) (model.WebhookDelivery, error) {
	if err := store.CheckScope(shopIDs, "id", id); err != nil {
		return model.WebhookDelivery{}, err
	}
	var out model.WebhookDelivery
	err := s.inTx(ctx, "replay webhook delivery "+id, func(tx pgx.Tx) error {
		d, err := getDelivery(ctx, tx, shopIDs, id, "FOR UPDATE")
		if err != nil {
			return err
		}
		if !d.Status.Done() {
			return fmt.Errorf("webhook delivery %s is %s: only a delivered or failed delivery is replayed: %w", id, d.Status, model.ErrConflict)
		}
		t := at.UTC()
		d.Status, d.NextAttemptAt = model.DeliveryPending, &t
		if _, err := tx.Exec(ctx, `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $1 WHERE id = $2`, t, id); err != nil {
			return err
		}
		out = d
		return s.deliveryJob(ctx, tx, d, job)
	})
	return out, err
}

// EarlierNotifyEventWaiting implements store.Webhooks on River's job table.
func (s *Store) EarlierNotifyEventWaiting(ctx context.Context, shopID string, orderIDs []string, jobID int64) (bool, error) {
	if len(orderIDs) == 0 {
		return false, nil
	}
	var waiting bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM river_job WHERE kind = ANY($1) AND id < $2
		AND state NOT IN ('completed', 'cancelled', 'discarded')
		AND args->>'shop_id' = $3 AND (args->>'order_id' = ANY($4) OR args->'order_ids' ?| $4))`,
		[]string{model.KindNotifyEvent, model.KindNotifyEvents}, jobID, shopID, orderIDs).Scan(&waiting)
	return waiting, wrap(err, "earlier notify events")
}
