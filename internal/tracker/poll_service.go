package tracker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/model"
	"lastmile/internal/store"
	"lastmile/internal/tracking"
)

// Poller asks a carrier without webhooks for its tracking (carrier.Carrier.Track), with the
// cadence to poll it at.
type Poller struct {
	Track func(ctx context.Context, numbers []string) ([]carrier.Tracking, error)
	// Every is how often an active parcel is polled (default 4 h).
	Every time.Duration
}

// Polling defaults.
const (
	DefaultPollEvery = 4 * time.Hour
	// MaxPollEvery caps the backoff of a quiet parcel.
	MaxPollEvery = 24 * time.Hour
)

// SetPoller makes the service poll carrier's parcels through p.
func (s *Service) SetPoller(carrierCode string, p Poller) {
	if s.pollers == nil {
		s.pollers = map[string]Poller{}
	}
	if p.Every <= 0 {
		p.Every = DefaultPollEvery
	}
	s.pollers[carrierCode] = p
}

// PollArgs are a tracking.poll job's arguments: one parcel.
type PollArgs struct {
	ShopID     string `json:"shop_id"`
	ShipmentID string `json:"shipment_id"`
}

// Kind implements store.JobArgs.
func (PollArgs) Kind() string { return KindPoll }

// pollJob is the poll job of a shipment: one live job per shipment, which snoozes itself
// between polls until the parcel's way is over.
func (s *Service) pollJob(sh model.Shipment, now time.Time) (store.Job, bool, error) {
	p, ok := s.pollers[sh.Carrier]
	if !ok || sh.TrackingNumber == "" || !sh.Status.Labelled() {
		return store.Job{}, false, nil
	}
	j, err := store.NewJob(PollArgs{ShopID: sh.ShopID, ShipmentID: sh.ID}, store.UniqueBy(sh.ID), store.RunAt(now.Add(p.Every)),
		store.MaxAttempts(1000))
	return j, err == nil, err
}

// PollInterval is when a parcel last heard of quietAfter ago is polled next: the carrier's
// cadence while events come, doubling for every day without one, at most a day (a parcel
// quiet for days needs no hourly poll, but its stale clock still runs).
func PollInterval(every, quiet time.Duration) time.Duration {
	d := every
	for q := quiet; q >= 24*time.Hour && d < MaxPollEvery; q -= 24 * time.Hour {
		d *= 2
	}
	return min(d, MaxPollEvery)
}

// ErrPollDone ends a poll job: the parcel's way is over or it is gone.
var ErrPollDone = errors.New("poll done")

// Poll polls one parcel and ingests what is new. It returns when to poll again, or
// ErrPollDone once the parcel is delivered, returned or cancelled.
func (s *Service) Poll(ctx context.Context, raw json.RawMessage) (time.Duration, error) {
	var a PollArgs
	if err := json.Unmarshal(raw, &a); err != nil {
		return 0, fmt.Errorf("%w: %s args: %v", ErrPollDone, KindPoll, err)
	}
	scope := []string{a.ShopID}
	sh, err := s.st.GetShipment(ctx, scope, a.ShipmentID)
	if errors.Is(err, model.ErrNotFound) || (err == nil && !sh.Status.Labelled()) {
		return 0, ErrPollDone
	}
	if err != nil {
		return 0, err
	}
	p, ok := s.pollers[sh.Carrier]
	if !ok {
		return 0, ErrPollDone
	}
	ts, err := p.Track(ctx, []string{sh.TrackingNumber})
	if err != nil {
		return 0, fmt.Errorf("track %s %s: %w", sh.Carrier, sh.TrackingNumber, err)
	}
	var events []tracking.Event
	for _, t := range ts {
		if t.Found && t.TrackingNumber == sh.TrackingNumber {
			events = append(events, s.codes.Events(sh.Carrier, t)...)
		}
	}
	if len(events) > 0 {
		if _, err := s.Ingest(ctx, scope, events); err != nil {
			return 0, err
		}
	}
	st, _, err := s.st.GetTracking(ctx, scope, sh.ID)
	if err != nil {
		return 0, err
	}
	if tracking.Status(st.Status).Terminal() {
		return 0, ErrPollDone
	}
	quiet := time.Duration(0)
	if !st.LastEventAt.IsZero() {
		quiet = s.now().Sub(st.LastEventAt)
	}
	return PollInterval(p.Every, quiet), nil
}
