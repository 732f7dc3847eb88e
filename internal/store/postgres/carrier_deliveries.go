package postgres

import (
	"context"
	"time"

	"lastmile/internal/store"
)

var _ store.CarrierDeliveries = (*Store)(nil)

// DeliverySeen implements store.CarrierDeliveries.
func (s *Store) DeliverySeen(ctx context.Context, key string, now time.Time) (bool, error) {
	var seen bool
	err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM carrier_deliveries WHERE key = $1 AND expires_at > $2)`, key, now).Scan(&seen)
	return seen, wrap(err, "webhook delivery seen")
}

// RememberDelivery implements store.CarrierDeliveries.
func (s *Store) RememberDelivery(ctx context.Context, key string, expires time.Time) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO carrier_deliveries (key, expires_at) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET expires_at = greatest(carrier_deliveries.expires_at, excluded.expires_at)`, key, expires)
	return wrap(err, "remember webhook delivery")
}

// ForgetDeliveriesBefore implements store.CarrierDeliveries.
func (s *Store) ForgetDeliveriesBefore(ctx context.Context, t time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM carrier_deliveries WHERE expires_at < $1`, t)
	if err != nil {
		return 0, wrap(err, "forget webhook deliveries")
	}
	return tag.RowsAffected(), nil
}
