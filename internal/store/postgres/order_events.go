package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// orderEvents enqueues, in tx, the order.created and order.updated events of the transaction's
// order writes (store.OrderWrites) for the shops listened to.
func (s *Store) orderEvents(ctx context.Context, tx pgx.Tx, w store.OrderWrites) error {
	jobs, err := orderEventJobs(ctx, tx, w)
	if err != nil {
		return err
	}
	return s.insertJobs(ctx, tx, jobs)
}

// orderEventJobs returns the jobs of w's events, for a write that enqueues its jobs together.
func orderEventJobs(ctx context.Context, tx pgx.Tx, w store.OrderWrites) ([]store.Job, error) {
	return w.Jobs(txSubscriptions(ctx, tx))
}

// txSubscriptions reads a shop's webhook subscriptions in tx.
func txSubscriptions(ctx context.Context, tx pgx.Tx) store.SubscriptionsFunc {
	return func(shopID string) ([]model.WebhookSubscription, error) {
		rows, err := tx.Query(ctx, `SELECT `+subscriptionColumns+` FROM webhook_subscriptions WHERE shop_id = $1`, shopID)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []model.WebhookSubscription
		for rows.Next() {
			sub, err := scanSubscription(rows)
			if err != nil {
				return nil, err
			}
			out = append(out, sub)
		}
		return out, rows.Err()
	}
}
