package sqlite

// Webhook subscriptions and deliveries on SQLite: every write runs on the one writer connection
// (BEGIN IMMEDIATE), so the decisions about a subscription's queue of deliveries are made one at
// a time.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

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
	_, err = s.w.ExecContext(ctx, `INSERT INTO webhook_subscriptions (`+subscriptionColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		sub.ID, sub.ShopID, sub.URL, string(events), sub.Secret, sub.Enabled, sub.DisabledReason, nullMicros(sub.DisabledAt),
		micros(sub.CreatedAt), micros(sub.UpdatedAt))
	if err != nil && strings.Contains(err.Error(), "FOREIGN KEY") {
		return fmt.Errorf("webhook subscription %s: shop %s: %w", sub.ID, sub.ShopID, model.ErrNotFound)
	}
	return wrap(err, "create webhook subscription "+sub.ID)
}

func scanSubscription(r scanner) (model.WebhookSubscription, error) {
	var sub model.WebhookSubscription
	var events string
	var disabled sql.NullInt64
	var created, updated int64
	if err := r.Scan(&sub.ID, &sub.ShopID, &sub.URL, &events, &sub.Secret, &sub.Enabled, &sub.DisabledReason, &disabled,
		&created, &updated); err != nil {
		return sub, err
	}
	if err := json.Unmarshal([]byte(events), &sub.Events); err != nil {
		return sub, fmt.Errorf("webhook subscription %s events: %w", sub.ID, err)
	}
	sub.DisabledAt, sub.CreatedAt, sub.UpdatedAt = fromNullMicros(disabled), fromMicros(created), fromMicros(updated)
	return sub, nil
}

func getSubscription(ctx context.Context, q querier, shopIDs []string, id string) (model.WebhookSubscription, error) {
	if len(shopIDs) == 0 {
		return model.WebhookSubscription{}, fmt.Errorf("webhook subscription %s: %w", id, model.ErrNotFound)
	}
	cond, args := inShops("shop_id", shopIDs, []any{id})
	sub, err := scanSubscription(q.QueryRowContext(ctx, `SELECT `+subscriptionColumns+` FROM webhook_subscriptions WHERE id = ? AND `+cond, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return sub, fmt.Errorf("webhook subscription %s: %w", id, model.ErrNotFound)
	}
	return sub, err
}

// GetWebhookSubscription implements store.Webhooks.
func (s *Store) GetWebhookSubscription(ctx context.Context, shopIDs []string, id string) (model.WebhookSubscription, error) {
	if err := store.CheckScope(shopIDs, "id", id); err != nil {
		return model.WebhookSubscription{}, err
	}
	sub, err := getSubscription(ctx, s.r, shopIDs, id)
	return sub, wrap(err, "get webhook subscription")
}

// ListWebhookSubscriptions implements store.Webhooks.
func (s *Store) ListWebhookSubscriptions(ctx context.Context, shopIDs []string) ([]model.WebhookSubscription, error) {
	if err := store.CheckScope(shopIDs); err != nil {
		return nil, err
	}
	if len(shopIDs) == 0 {
		return nil, nil
	}
	cond, args := inShops("shop_id", shopIDs, nil)
	rows, err := s.r.QueryContext(ctx, `SELECT `+subscriptionColumns+` FROM webhook_subscriptions WHERE `+cond+` ORDER BY created_at, id`, args...)
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
	err := s.inTx(ctx, "set webhook subscription "+id, func(tx *sql.Tx) error {
		sub, err := getSubscription(ctx, tx, shopIDs, id)
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
		if _, err := tx.ExecContext(ctx, `UPDATE webhook_subscriptions SET enabled = ?, disabled_reason = ?, disabled_at = ?, updated_at = ?
			WHERE id = ?`, out.Enabled, out.DisabledReason, nullMicros(out.DisabledAt), micros(out.UpdatedAt), id); err != nil {
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
	if len(shopIDs) == 0 {
		return fmt.Errorf("webhook subscription %s: %w", id, model.ErrNotFound)
	}
	cond, args := inShops("shop_id", shopIDs, []any{id})
	res, err := s.w.ExecContext(ctx, `DELETE FROM webhook_subscriptions WHERE id = ? AND `+cond, args...)
	if err != nil {
		return wrap(err, "delete webhook subscription "+id)
	}
	if n, _ := res.RowsAffected(); n == 0 {
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
	err := s.inTx(ctx, "add webhook deliveries", func(tx *sql.Tx) error {
		added = 0
		var jobs []store.Job
		for _, d := range ds {
			var exists int
			err := tx.QueryRowContext(ctx, `SELECT 1 FROM webhook_deliveries WHERE subscription_id = ? AND event_id = ?`,
				d.SubscriptionID, d.EventID).Scan(&exists)
			if err == nil {
				continue
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			var enabled bool
			if err := tx.QueryRowContext(ctx, `SELECT enabled FROM webhook_subscriptions WHERE id = ?`, d.SubscriptionID).Scan(&enabled); err != nil {
				if errors.Is(err, sql.ErrNoRows) {
					continue // deleted since the fan-out read it
				}
				return err
			}
			d.Status = model.DeliveryPending
			if !enabled {
				d.Status = model.DeliveryQueued
			} else if d.OrderID != "" {
				err := tx.QueryRowContext(ctx, `SELECT 1 FROM webhook_deliveries WHERE subscription_id = ? AND order_id = ?
					AND status IN ('queued', 'pending') LIMIT 1`, d.SubscriptionID, d.OrderID).Scan(&exists)
				switch {
				case err == nil:
					d.Status = model.DeliveryQueued
				case !errors.Is(err, sql.ErrNoRows):
					return err
				}
			}
			if d.Status == model.DeliveryPending {
				t := d.CreatedAt
				d.NextAttemptAt = &t
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (`+deliveryColumns+`)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				d.ID, d.ShopID, d.SubscriptionID, d.EventID, d.EventType, d.OrderID, string(d.Status), d.Attempts, []byte(d.Body),
				micros(d.CreatedAt), nullMicros(d.NextAttemptAt), nullMicros(d.LastAttemptAt), d.LastStatusCode, d.LastError,
				nullMicros(d.DeliveredAt)); err != nil {
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
	return added, err
}

// deliveryJob enqueues the job of the pending delivery d in tx.
func (s *Store) deliveryJob(ctx context.Context, tx *sql.Tx, d model.WebhookDelivery, job store.WebhookJobFunc) error {
	j, err := job(d)
	if err != nil {
		return err
	}
	return s.insertJobs(ctx, tx, []store.Job{j})
}

// promoteDeliveries moves the subscription's queued deliveries that may go (store.WebhookPromotions)
// to pending, due now, with their jobs.
func (s *Store) promoteDeliveries(ctx context.Context, tx *sql.Tx, subID string, job store.WebhookJobFunc) error {
	var enabled bool
	if err := tx.QueryRowContext(ctx, `SELECT enabled FROM webhook_subscriptions WHERE id = ?`, subID).Scan(&enabled); err != nil || !enabled {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, order_id, status FROM webhook_deliveries WHERE subscription_id = ?
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
		d, err := scanDelivery(tx.QueryRowContext(ctx, `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = NULL
			WHERE id = ? RETURNING `+deliveryColumns, id))
		if err != nil {
			return fmt.Errorf("promote webhook delivery %s: %w", id, err)
		}
		if err := s.deliveryJob(ctx, tx, d, job); err != nil {
			return err
		}
	}
	return nil
}

func scanDelivery(r scanner) (model.WebhookDelivery, error) {
	var d model.WebhookDelivery
	var body []byte
	var created int64
	var next, last, delivered sql.NullInt64
	if err := r.Scan(&d.ID, &d.ShopID, &d.SubscriptionID, &d.EventID, &d.EventType, &d.OrderID, &d.Status, &d.Attempts, &body,
		&created, &next, &last, &d.LastStatusCode, &d.LastError, &delivered); err != nil {
		return d, err
	}
	d.Body = json.RawMessage(body)
	d.CreatedAt, d.NextAttemptAt, d.LastAttemptAt, d.DeliveredAt = fromMicros(created), fromNullMicros(next), fromNullMicros(last), fromNullMicros(delivered)
	return d, nil
}

func getDelivery(ctx context.Context, q querier, shopIDs []string, id string) (model.WebhookDelivery, error) {
	if len(shopIDs) == 0 {
		return model.WebhookDelivery{}, fmt.Errorf("webhook delivery %s: %w", id, model.ErrNotFound)
	}
	cond, args := inShops("shop_id", shopIDs, []any{id})
	d, err := scanDelivery(q.QueryRowContext(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE id = ? AND `+cond, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("webhook delivery %s: %w", id, model.ErrNotFound)
	}
	return d, err
}

// GetWebhookDelivery implements store.Webhooks.
func (s *Store) GetWebhookDelivery(ctx context.Context, shopIDs []string, id string) (model.WebhookDelivery, error) {
	if err := store.CheckScope(shopIDs, "id", id); err != nil {
		return model.WebhookDelivery{}, err
	}
	d, err := getDelivery(ctx, s.r, shopIDs, id)
	return d, wrap(err, "get webhook delivery")
}

// ListWebhookDeliveries implements store.Webhooks.
func (s *Store) ListWebhookDeliveries(ctx context.Context, q store.WebhookDeliveryQuery) ([]model.WebhookDelivery, error) {
	if err := store.CheckScope(q.ShopIDs, "subscription_id", q.SubscriptionID); err != nil {
		return nil, err
	}
	if len(q.ShopIDs) == 0 {
		return nil, nil
	}
	cond, args := inShops("shop_id", q.ShopIDs, nil)
	where := []string{cond}
	if q.SubscriptionID != "" {
		where = append(where, `subscription_id = ?`)
		args = append(args, q.SubscriptionID)
	}
	if len(q.Statuses) > 0 {
		st := make([]any, len(q.Statuses))
		for i, v := range q.Statuses {
			st[i] = string(v)
		}
		where = append(where, `status IN (`+placeholders(len(st))+`)`)
		args = append(args, st...)
	}
	if q.After != nil {
		at := micros(q.After.ModifiedAt)
		where = append(where, `(created_at > ? OR (created_at = ? AND id > ?))`)
		args = append(args, at, at, q.After.ID)
	}
	args = append(args, limitOf(q.Limit))
	rows, err := s.r.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE `+strings.Join(where, " AND ")+
		` ORDER BY created_at, id LIMIT ?`, args...)
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
	err := s.inTx(ctx, "record webhook attempt "+id, func(tx *sql.Tx) error {
		recorded = false
		d, err := scanDelivery(tx.QueryRowContext(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("webhook delivery %s: %w", id, model.ErrNotFound)
		}
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
		if _, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?, last_attempt_at = ?,
			last_status = ?, last_error = ?, delivered_at = ? WHERE id = ?`, string(d.Status), d.Attempts, nullMicros(d.NextAttemptAt),
			nullMicros(d.LastAttemptAt), d.LastStatusCode, d.LastError, nullMicros(d.DeliveredAt), id); err != nil {
			return err
		}
		out, recorded = d, true
		switch {
		case a.Outcome == store.WebhookRetry:
			return s.deliveryJob(ctx, tx, d, job)
		case a.Outcome == store.WebhookFailed && a.DisableReason != "":
			_, err := tx.ExecContext(ctx, `UPDATE webhook_subscriptions SET enabled = 0, disabled_reason = ?, disabled_at = ?, updated_at = ?
				WHERE id = ? AND enabled = 1`, a.DisableReason, micros(a.At), micros(a.At), d.SubscriptionID)
			return err
		case a.Outcome == store.WebhookPaused:
			return nil
		}
		return s.promoteDeliveries(ctx, tx, d.SubscriptionID, job)
	})
	return out, recorded, err
}

// ReplayWebhookDelivery implements store.Webhooks.
func (s *Store) ReplayWebhookDelivery(ctx context.Context, shopIDs []string, id string, at time.Time, job store.WebhookJobFunc) (model.WebhookDelivery, error) {
	if err := store.CheckScope(shopIDs, "id", id); err != nil {
		return model.WebhookDelivery{}, err
	}
	var out model.WebhookDelivery
	err := s.inTx(ctx, "replay webhook delivery "+id, func(tx *sql.Tx) error {
		d, err := getDelivery(ctx, tx, shopIDs, id)
		if err != nil {
			return err
		}
		if !d.Status.Done() {
			return fmt.Errorf("webhook delivery %s is %s: only a delivered or failed delivery is replayed: %w", id, d.Status, model.ErrConflict)
		}
		t := at.UTC()
		d.Status, d.NextAttemptAt = model.DeliveryPending, &t
		if _, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ? WHERE id = ?`, micros(t), id); err != nil {
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
	ids, err := json.Marshal(orderIDs)
	if err != nil {
		return false, err
	}
	var waiting bool
	err = s.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM river_job WHERE kind IN (?, ?) AND id < ?
		AND state NOT IN ('completed', 'cancelled', 'discarded')
		AND json_extract(args, '$.shop_id') = ?
		AND (json_extract(args, '$.order_id') IN (SELECT value FROM json_each(?))
			OR EXISTS (SELECT 1 FROM json_each(args, '$.order_ids') AS e WHERE e.value IN (SELECT value FROM json_each(?)))))`,
		model.KindNotifyEvent, model.KindNotifyEvents, jobID, shopID, string(ids), string(ids)).Scan(&waiting)
	return waiting, wrap(err, "earlier notify events")
}
