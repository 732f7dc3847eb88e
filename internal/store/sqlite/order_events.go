package sqlite

import (
	"context"
	"database/sql"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// orderEvents enqueues, in tx, the order.created and order.updated events of the transaction's
// order writes (store.OrderWrites) for the shops listened to.
func (s *Store) orderEvents(ctx context.Context, tx *sql.Tx, w store.OrderWrites) error {
	jobs, err := orderEventJobs(ctx, tx, w)
	if err != nil {
		return err
	}
	return s.insertJobs(ctx, tx, jobs)
}

// orderEventJobs returns the jobs of w's events, for a write that enqueues its jobs together.
func orderEventJobs(ctx context.Context, tx *sql.Tx, w store.OrderWrites) ([]store.Job, error) {
	return w.Jobs(txSubscriptions(ctx, tx))
}

// txSubscriptions reads a shop's webhook subscriptions in tx.
func txSubscriptions(ctx context.Context, tx *sql.Tx) store.SubscriptionsFunc {
	return func(shopID string) ([]model.WebhookSubscription, error) {
		rows, err := tx.QueryContext(ctx, `SELECT `+subscriptionColumns+` FROM webhook_subscriptions WHERE shop_id = ?`, shopID)
		if err != nil {
			return nil, err
		}
		return scanAll(rows, scanSubscription)
	}
}
