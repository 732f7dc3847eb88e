package tracker

import (
	"context"
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
	if err := r.Verify(header, body, s.now()); err != nil {
		return res, fmt.Errorf("%w: %w", ErrWebhookRefused, err)
	}
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
