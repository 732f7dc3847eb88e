package tracker

import (
	"context"
	"fmt"
	"sync"
	"time"

	"lastmile/internal/store"
	"lastmile/internal/tracking"
)

// The delivery estimate's history: how far back it reads, how many of the newest deliveries
// per lane it keeps, and how long a learnt estimator is used before the store is read again.
const (
	HistoryWindow  = 180 * 24 * time.Hour
	HistoryPerLane = 500
	HistoryTTL     = time.Hour
)

// TransitFunc gives the rate card's transit days of a carrier's service: the estimate's
// fallback when the history is thin. ok is false when the card says nothing.
type TransitFunc func(carrier, service string) (card tracking.RateCardTransit, ok bool)

// estimatorCache holds the estimator learnt from the store and when it was learnt.
type estimatorCache struct {
	mu      sync.Mutex
	est     *tracking.Estimator
	learnt  time.Time
	entries int
}

// SetTransit makes the estimate fall back to the rate cards' transit days through f.
func (s *Service) SetTransit(f TransitFunc) { s.transit = f }

// LaneOf is the lane of a shipment: carrier, service, ship-from warehouse and destination
// ("US-CA", or the country alone without a region), as the scores group lanes.
func LaneOf(carrier, service, warehouseID, country, region string) tracking.Lane {
	dest := country
	if region != "" {
		dest += "-" + region
	}
	return tracking.Lane{Carrier: carrier, Service: service, Origin: warehouseID, Destination: dest}
}

// HistoryOf turns the store's delivered shipments (newest first) into the estimate's history,
// keeping at most perLane of the newest per lane so that a busy lane's old deliveries do not
// outweigh its present.
func HistoryOf(rows []store.DeliveredShipment, perLane int) []tracking.Delivery {
	n := map[tracking.Lane]int{}
	out := make([]tracking.Delivery, 0, len(rows))
	for _, r := range rows {
		lane := LaneOf(r.Carrier, r.Service, r.WarehouseID, r.Country, r.Region)
		if perLane > 0 && n[lane] >= perLane {
			continue
		}
		n[lane]++
		out = append(out, tracking.Delivery{Lane: lane, HandedOverAt: r.FirstScanAt, DeliveredAt: r.DeliveredAt})
	}
	return out
}

// estimator is the delivery estimator: from SetHistory's history when given (tests, the
// demo), else learnt from the store's delivered history of the last HistoryWindow and kept
// for HistoryTTL.
func (s *Service) estimator(ctx context.Context) (*tracking.Estimator, error) {
	if s.history != nil {
		return tracking.NewEstimator(s.history, tracking.EstimatorOptions{})
	}
	c := &s.estCache
	c.mu.Lock()
	defer c.mu.Unlock()
	now := s.now()
	if c.est != nil && now.Sub(c.learnt) < HistoryTTL && !now.Before(c.learnt) {
		return c.est, nil
	}
	rows, err := s.st.DeliveryHistory(ctx, now.Add(-HistoryWindow), store.MaxDeliveryHistory)
	if err != nil {
		return nil, fmt.Errorf("delivery estimate: %w", err)
	}
	h := HistoryOf(rows, HistoryPerLane)
	est, err := tracking.NewEstimator(h, tracking.EstimatorOptions{})
	if err != nil {
		return nil, err
	}
	c.est, c.learnt, c.entries = est, now, len(h)
	return est, nil
}

// rateCard is the rate card's transit of a carrier's service; without one, a wide default
// (2–7 days, 5–12 cross-border) so that an estimate is still given, said so in its basis.
func (s *Service) rateCard(carrier, service string, crossBorder bool) (tracking.RateCardTransit, bool) {
	if s.transit != nil {
		if c, ok := s.transit(carrier, service); ok && c.MaxDays > 0 {
			return c, true
		}
	}
	if crossBorder {
		return tracking.RateCardTransit{MinDays: 5, MaxDays: 12}, false
	}
	return tracking.RateCardTransit{MinDays: 2, MaxDays: 7}, false
}
