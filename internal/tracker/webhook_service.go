package tracker

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/tracking"
)

// ErrWebhookRefused wraps every refusal of a webhook delivery's signature: forged, altered,
// replayed, or for a carrier without a webhook account. The API answers 401.
var ErrWebhookRefused = errors.New("webhook delivery refused")

// ErrWebhookReplay refuses a delivery whose signature is right but that was taken already
// within its memory (DeliveryMemory): a replay. It stores nothing; the API answers 409.
var ErrWebhookReplay = errors.New("webhook delivery replayed")

// DeliveryMemory is how long a delivery taken is remembered against replays: twice the
// 5-minute signature window on either side of the server's clock, so a copy is refused for as
// long as its signature's time could pass.
const DeliveryMemory = 10 * time.Minute

// ErrWebhookBody wraps a delivery whose signature is right but whose body is not the
// carrier's format. The API answers 422.
var ErrWebhookBody = errors.New("webhook body malformed")

// WebhookReceiver is one carrier account's webhook: it checks a delivery's signature (and its
// time, against replays) and reads its events. The carrier adapter provides it.
type WebhookReceiver interface {
	// Verify checks the delivery's headers (header returns one by name) and body at now.
	Verify(header func(name string) string, body []byte, now time.Time) error
	// Parse reads the delivery's events, per tracking number.
	Parse(body []byte) ([]carrier.Tracking, error)
}

// SetWebhook makes the service accept carrier's webhook through r.
func (s *Service) SetWebhook(carrierCode string, r WebhookReceiver) {
	if s.webhooks == nil {
		s.webhooks = map[string]WebhookReceiver{}
	}
	s.webhooks[carrierCode] = r
}

// WebhookResult counts what a delivery did.
type WebhookResult struct {
	Events, Created, Duplicates, Unmatched int
}

// Webhook verifies and ingests one delivery of carrier's webhook. Its scope is the shops that
// have a shipment with one of its tracking numbers: a carrier touches only its own parcels.
func (s *Service) Webhook(ctx context.Context, carrierCode string, header func(name string) string, body []byte) (WebhookResult, error) {
	var res WebhookResult
	r, ok := s.webhooks[carrierCode]
	if !ok {
		return res, fmt.Errorf("%w: carrier %q has no webhook account configured", ErrWebhookRefused, carrierCode)
	}
	now := s.now()
	if err := r.Verify(header, body, now); err != nil {
		return res, fmt.Errorf("%w: %w", ErrWebhookRefused, err)
	}
	// A delivery is known by its signed body (its id and time are in it; an unsigned header
	// could be changed by whoever replays it). It is remembered once taken, not before: a
	// retry of a delivery that failed half-way is taken again.
	sum := sha256.Sum256(body)
	key := carrierCode + "/" + hex.EncodeToString(sum[:])
	if seen, err := s.st.DeliverySeen(ctx, key, now); err != nil {
		return res, err
	} else if seen {
		s.Metrics.WebhookReplays.Add(1)
		return res, fmt.Errorf("%w: this delivery of %s was taken already; its events are stored", ErrWebhookReplay, carrierCode)
	}
	res, err := s.ingestDelivery(ctx, carrierCode, r, body)
	if err != nil {
		return res, err
	}
	if err := s.st.RememberDelivery(ctx, key, now.Add(DeliveryMemory)); err != nil {
		return res, err
	}
	return res, nil
}

// ingestDelivery reads and ingests a verified delivery's events.
func (s *Service) ingestDelivery(ctx context.Context, carrierCode string, r WebhookReceiver, body []byte) (WebhookResult, error) {
	var res WebhookResult
	ts, err := r.Parse(body)
	if err != nil {
		return res, fmt.Errorf("%w: %w", ErrWebhookBody, err)
	}
	var events []tracking.Event
	var numbers []string
	for _, t := range ts {
		numbers = append(numbers, t.TrackingNumber)
		events = append(events, s.codes.Events(carrierCode, t)...)
	}
	slices.Sort(numbers)
	numbers = slices.Compact(numbers)
	res.Events = len(events)
	if len(events) == 0 {
		return res, nil
	}
	shops, err := s.st.ShopsOfParcels(ctx, carrierCode, numbers)
	if err != nil {
		return res, err
	}
	for start := 0; start < len(events); start += MaxBatch {
		items, err := s.Ingest(ctx, shops, events[start:min(start+MaxBatch, len(events))])
		if err != nil {
			return res, err
		}
		for _, it := range items {
			switch it.Outcome {
			case "created":
				res.Created++
			case "duplicate":
				res.Duplicates++
			default:
				res.Unmatched++
			}
		}
	}
	return res, nil
}
