package store

import (
	"context"
	"time"
)

// CarrierDeliveries remembers the inbound carrier webhook deliveries lastmile took, each for as
// long as a replay of it could still pass its signature's time check, so that a replay inside
// that window is refused. Keys are the caller's (a digest of the signed delivery).
type CarrierDeliveries interface {
	// DeliverySeen reports whether key is remembered and its memory has not expired at now.
	DeliverySeen(ctx context.Context, key string, now time.Time) (bool, error)
	// RememberDelivery remembers key until expires; remembering it again keeps the later expiry.
	RememberDelivery(ctx context.Context, key string, expires time.Time) error
	// ForgetDeliveriesBefore forgets the deliveries whose memory expired before t and reports
	// how many (the hourly sweep).
	ForgetDeliveriesBefore(ctx context.Context, t time.Time) (int64, error)
}
