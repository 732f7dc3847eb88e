package sqlite

import (
	"context"
	"time"

	"lastmile/internal/store"
)

var _ store.CarrierDeliveries = (*Store)(nil)

// DeliverySeen implements store.CarrierDeliveries.
func (s *Store) DeliverySeen(ctx context.Context, key string, now time.Time) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM carrier_deliveries WHERE key = ? AND expires_at > ?`, key, micros(now)).Scan(&n)
	return n > 0, wrap(err, "webhook delivery seen")
}

// RememberDelivery implements store.CarrierDeliveries.
func (s *Store) RememberDelivery(ctx context.Context, key string, expires time.Time) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO carrier_deliveries (key, expires_at) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)`, key, micros(expires))
	return wrap(err, "remember webhook delivery")
}

// ForgetDeliveriesBefore implements store.CarrierDeliveries.
func (s *Store) ForgetDeliveriesBefore(ctx context.Context, t time.Time) (int64, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM carrier_deliveries WHERE expires_at < ?`, micros(t))
	if err != nil {
		return 0, wrap(err, "forget webhook deliveries")
	}
	return res.RowsAffected()
}
