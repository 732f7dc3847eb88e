// Package tracker runs lastmile's tracking and clocks on the store: it ingests carrier events
// (the batch API, carrier webhooks, polling), folds them into each shipment's tracking state
// (internal/tracking), moves the order to IN_TRANSIT and DELIVERED, computes every clock of the
// order (internal/sla) into the store's due-time index, raises at-risk and breach alerts once
// each, opens logistics exceptions (carrier exceptions, stale parcels R-TRK-5, late ones
// R-SLA-2), and enqueues the outbound notify.event jobs, all in the order's transaction. The
// sweep reads only the due rows of the index. Time comes from an injected clock.
package tracker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/ident"
	"lastmile/internal/model"
	"lastmile/internal/sla"
	"lastmile/internal/store"
	"lastmile/internal/tracking"
)

// Job kinds and notify event types.
const (
	// KindSweep is the periodic sweep of due deadlines.
	KindSweep = "tracking.sweep"
	// KindPoll polls one parcel's carrier (carriers without webhooks).
	KindPoll = "tracking.poll"
	// KindNotify is the notify package's kind: one domain event for outbound webhooks.
	KindNotify = model.KindNotifyEvent

	EventTrackingUpdated  = "tracking.updated"
	EventDeadlineAtRisk   = "deadline.at_risk"
	EventDeadlineBreached = "deadline.breached"
	EventExceptionOpened  = "exception.opened"
)

// MaxBatch is the most events one batch may carry.
const MaxBatch = 10000

// NotifyEvent is a notify.event job's arguments, the one shape every emitter uses.
type NotifyEvent = model.NotifyEvent

// Metrics are the counters the service keeps, for Prometheus.
type Metrics struct {
	EventsIngested, EventsDuplicate atomic.Int64
	AtRiskRaised, BreachesRaised    atomic.Int64
	ExceptionsOpened, Sweeps        atomic.Int64
	// WebhookReplays counts carrier webhook deliveries refused as replays.
	WebhookReplays atomic.Int64
}

// Service is the tracking and clocks service.
type Service struct {
	st       store.Store
	codes    *tracking.Codes
	now      func() time.Time
	log      *slog.Logger
	markets  map[model.Market]config.Market
	figures  config.Figures // nil: the markets' figures without shop overrides
	ids      *ident.Generator
	history  []tracking.Delivery // fixed delivered history (SetHistory); nil: learnt from the store
	transit  TransitFunc
	estCache estimatorCache
	webhooks map[string]WebhookReceiver
	pollers  map[string]Poller
	scoreCfg *sla.ScoreConfig
	Metrics  Metrics
}

// New returns the service. markets are the configured markets (config.Config.Markets).
func New(st store.Store, codes *tracking.Codes, markets map[model.Market]config.Market, now func() time.Time, log *slog.Logger) *Service {
	return &Service{st: st, codes: codes, now: now, log: log, markets: markets, ids: ident.NewGenerator()}
}

// WithFigures makes the service read shops' own figures (their settings) through f.
func (s *Service) WithFigures(f config.Figures) *Service {
	s.figures = f
	return s
}

// SetHistory fixes the history the delivery estimate learns from (tests, the demo); without
// it the estimate learns from the store's delivered history (DeliveryHistory).
func (s *Service) SetHistory(h []tracking.Delivery) { s.history = h }

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now() }

// Codes are the carrier code tables the service normalises with.
func (s *Service) Codes() *tracking.Codes { return s.codes }

// figuresOf returns the clock figures of every shop in shopIDs per market.
func (s *Service) figuresOf(ctx context.Context, shopIDs []string) (func(shopID string, m model.Market) sla.Figures, error) {
	var per map[string]map[model.Market]config.Market
	if s.figures != nil && len(shopIDs) > 0 {
		var err error
		if per, err = s.figures.MarketsOf(ctx, shopIDs); err != nil {
			return nil, fmt.Errorf("shop figures: %w", err)
		}
	}
	return func(shopID string, m model.Market) sla.Figures {
		if cm, ok := per[shopID][m]; ok {
			return Figures(cm)
		}
		if cm, ok := s.markets[m]; ok {
			return Figures(cm)
		}
		return sla.DefaultFigures(m)
	}, nil
}

// Figures are the clock figures of a configured market (its effective figures, a shop's
// overrides applied): every window and tracking figure from the configuration, the
// defaults for any left unset. late_grace and old_breach_grace may be 0 and are taken as
// they are: the configuration layer gives a market that does not set them its default
// (config.baseMarket, config.DefaultMarkets), so a zero there was written.
func Figures(m config.Market) sla.Figures {
	f := sla.FiguresFor(m)
	if m.CancelRequestWithin > 0 {
		f.CancelRequestWithin = m.CancelRequestWithin
	}
	f.LateGrace = m.LateGrace // zero: late as soon as the promise passes (R-SLA-2)
	if m.AtRiskAt > 0 {
		f.AtRiskAt = m.AtRiskAt
	}
	f.OldBreachGrace = m.OldBreachGrace // zero: every breach alerts
	t := tracking.Figures{
		FirstScanWithin: m.FirstScanWithin, CarrierReportWithin: m.CarrierReportWithin,
		EventCadenceCertified: m.EventCadenceCertified, EventCadenceCrossBorder: m.EventCadenceCrossBorder, StaleAfter: m.StaleAfter,
	}
	f.Tracking = t.WithDefaults()
	return f
}

// ItemResult is what happened to one event of a batch.
type ItemResult struct {
	// Outcome is created, duplicate, no_shipment or invalid.
	Outcome    string
	ShipmentID string
	OrderID    string
	// Status and Reason are the normalised meaning of the event's code.
	Status tracking.Status
	Reason tracking.Reason
	Err    error
}

// OutcomeInvalid is the outcome of an event refused before it reached the store.
const OutcomeInvalid = "invalid"

// ErrBatchTooLarge refuses a batch of more than MaxBatch events.
var ErrBatchTooLarge = errors.New("too many tracking events")

// Ingest validates, normalises and stores events of the shops in shopIDs, applying every
// shipment's new events to its tracking, its order's status and clocks in one transaction.
// The result has one entry per event, in input order.
func (s *Service) Ingest(ctx context.Context, shopIDs []string, events []tracking.Event) ([]ItemResult, error) {
	if len(events) > MaxBatch {
		return nil, fmt.Errorf("%w: %d, at most %d per batch", ErrBatchTooLarge, len(events), MaxBatch)
	}
	now := s.now().UTC()
	out := make([]ItemResult, len(events))
	rows := make([]store.TrackingEvent, 0, len(events))
	idx := make([]int, 0, len(events))
	for i := range events {
		e := events[i]
		if err := e.Validate(now); err != nil {
			out[i] = ItemResult{Outcome: OutcomeInvalid, Err: err}
			continue
		}
		s.codes.Normalize(&e)
		out[i].Status, out[i].Reason = e.Status, e.Reason
		row, err := eventRow(e, now)
		if err != nil {
			out[i] = ItemResult{Outcome: OutcomeInvalid, Err: err}
			continue
		}
		rows = append(rows, row)
		idx = append(idx, i)
	}
	if len(rows) == 0 {
		return out, nil
	}
	figs, err := s.figuresOf(ctx, shopIDs)
	if err != nil {
		return nil, err
	}
	res, err := s.st.IngestTracking(ctx, shopIDs, rows, func(st store.ClockState) (store.ClockChange, error) {
		return s.decide(st, figs, now)
	})
	if err != nil {
		return nil, fmt.Errorf("ingest tracking: %w", err)
	}
	for k, r := range res {
		i := idx[k]
		out[i].Outcome, out[i].ShipmentID, out[i].OrderID = r.Outcome, r.ShipmentID, r.OrderID
		switch r.Outcome {
		case store.TrackingCreated:
			s.Metrics.EventsIngested.Add(1)
		case store.TrackingDuplicate:
			s.Metrics.EventsDuplicate.Add(1)
		}
	}
	return out, nil
}

// eventRow is the stored form of a normalised event.
func eventRow(e tracking.Event, now time.Time) (store.TrackingEvent, error) {
	var loc json.RawMessage
	if e.Location != (tracking.Location{}) {
		b, err := json.Marshal(locationJSON(e.Location))
		if err != nil {
			return store.TrackingEvent{}, err
		}
		loc = b
	}
	return store.TrackingEvent{
		Carrier: e.Carrier, TrackingNumber: e.TrackingNumber, RawCode: e.RawCode, OccurredAt: e.OccurredAt.UTC(),
		Description: e.Description, Location: loc, Status: string(e.Status), Reason: string(e.Reason),
		Milestones: int(e.Milestones), ReceivedAt: now,
	}, nil
}

// Location is an event's place as the API shows it.
type Location struct {
	City       string `json:"city,omitempty"`
	Region     string `json:"region,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
	Country    string `json:"country,omitempty"`
}

func locationJSON(l tracking.Location) Location {
	return Location{City: l.City, Region: l.Region, PostalCode: l.PostalCode, Country: l.Country}
}

// EventOf is a stored event as the tracking package models it.
func EventOf(r store.TrackingEvent) tracking.Event {
	e := tracking.Event{
		TrackingNumber: r.TrackingNumber, Carrier: r.Carrier, RawCode: r.RawCode, Description: r.Description,
		OccurredAt: r.OccurredAt, Status: tracking.Status(r.Status), Reason: tracking.Reason(r.Reason),
		Milestones: tracking.MilestoneSet(r.Milestones),
	}
	if len(r.Location) > 0 {
		var l Location
		if json.Unmarshal(r.Location, &l) == nil {
			e.Location = tracking.Location{City: l.City, Region: l.Region, PostalCode: l.PostalCode, Country: l.Country}
		}
	}
	return e
}

// Refresh computes the order's clocks again at now, raising what is due.
func (s *Service) Refresh(ctx context.Context, shopIDs []string, orderID string) error {
	figs, err := s.figuresOf(ctx, shopIDs)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	return s.st.ChangeClocks(ctx, shopIDs, orderID, func(st store.ClockState) (store.ClockChange, error) {
		return s.decide(st, figs, now)
	})
}
