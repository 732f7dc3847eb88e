package tracker

import (
	"context"
	"fmt"
	"lastmile/internal/config"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/sla"
	"lastmile/internal/store"
	"lastmile/internal/tracking"
)

// ScoreRow is one group's scores as the API and the CLI show them. A rate is null without
// cases in the period.
type ScoreRow struct {
	Group                   string   `json:"group"`
	Orders                  int      `json:"orders"`
	LateDispatchRate        *float64 `json:"late_dispatch_rate"`
	ValidTrackingRate       *float64 `json:"valid_tracking_rate"`
	OnTimeDeliveryRate      *float64 `json:"on_time_delivery_rate"`
	DeliveryExceptionRate   *float64 `json:"delivery_exception_rate"`
	TrackingCompleteness    *float64 `json:"tracking_completeness"`
	ConfirmationTimeoutRate *float64 `json:"confirmation_timeout_rate"`
	SellerFaultCancelRate   *float64 `json:"seller_fault_cancel_rate"`
	LTS                     *float64 `json:"lts"`
	// Pending counts the cases whose outcome is not known yet (their deadline is ahead).
	Pending int `json:"pending"`
	// Alerts are the scores beyond their thresholds (LTS < 75, exceptions > 1.3%,
	// completeness < 85…), with enough cases to count.
	Alerts []sla.ScoreAlert `json:"alerts,omitempty"`
}

// ScoresReport is a period's scores, and the forecast of the period once every parcel still
// in flight has met or missed its deadline.
type ScoresReport struct {
	Period   string     `json:"period"`
	Start    time.Time  `json:"start"`
	End      time.Time  `json:"end"`
	GroupBy  string     `json:"group_by"`
	AsOf     time.Time  `json:"as_of"`
	Rows     []ScoreRow `json:"rows"`
	Forecast []ScoreRow `json:"forecast"`
}

// ScoreConfig is what the scores are computed and judged by (default: the published LTS and
// thresholds).
func (s *Service) SetScoreConfig(c sla.ScoreConfig) { s.scoreCfg = &c }

// ScoreConfigOf is the score configuration of the scores: section (config.Scores): the
// thresholds and the LTS weights; the LTS zero points stay lastmile's published ones, and the
// completeness that scores full marks is the completeness threshold (R-TRK-6).
func ScoreConfigOf(c config.Scores) sla.ScoreConfig {
	cfg := sla.DefaultScoreConfig()
	cfg.Thresholds = sla.Thresholds{
		LTSMin: c.LTSMin, DeliveryExceptionMax: c.ExceptionRateMax, CompletenessMin: c.TrackingCompletenessMin,
		ConfirmationTimeoutMax: c.ConfirmationTimeoutMax, LateDispatchMax: c.LateDispatchMax, ValidTrackingMin: c.ValidTrackingMin,
		SellerFaultCancelMax: c.SellerFaultCancelMax, MinCases: c.AlertMinCases,
	}
	l := &cfg.LTS
	l.LateDelivery, l.LateDispatch, l.ValidTracking = c.LTSLateWeight, c.LTSLateDispatchWeight, c.LTSValidTrackingWeight
	l.DeliveryException, l.Completeness, l.SellerFaultCancel = c.LTSExceptionWeight, c.LTSCompletenessWeight, c.LTSSellerFaultCancelWeight
	l.CompletenessFull = c.TrackingCompletenessMin
	return cfg
}

func (s *Service) scoreConfig() sla.ScoreConfig {
	if s.scoreCfg != nil {
		return *s.scoreCfg
	}
	return sla.DefaultScoreConfig()
}

// Scores computes the scores of period ("2026-W49", "7d", "30d") per group.
func (s *Service) Scores(ctx context.Context, shopIDs []string, period string, by sla.GroupBy) (ScoresReport, error) {
	now := s.now().UTC()
	p, err := sla.ParsePeriod(period, now, time.UTC)
	if err != nil {
		return ScoresReport{}, err
	}
	// The forecast's base rates pool the PriorDays before the period (Compute counts only the
	// period's own orders).
	states, err := s.st.ListOrderClocks(ctx, shopIDs, p.Start.Add(-sla.PriorDays*24*time.Hour), p.End)
	if err != nil {
		return ScoresReport{}, err
	}
	records := make([]sla.Record, 0, len(states))
	for i := range states {
		r := Record(&states[i])
		if r.EstimateLane.Carrier != "" {
			r.RateCard, _ = s.rateCard(r.EstimateLane.Carrier, r.EstimateLane.Service, false)
		}
		records = append(records, r)
	}
	cfg := s.scoreConfig()
	est, err := s.estimator(ctx)
	if err != nil {
		return ScoresReport{}, err
	}
	rep := ScoresReport{Period: p.Label, Start: p.Start, End: p.End, GroupBy: string(by), AsOf: now}
	rep.Rows = rows(sla.Compute(records, p, by, now, cfg), cfg)
	rep.Forecast = rows(sla.Forecast(records, p, by, now, cfg, sla.EstimateOutlook{Estimator: est}), cfg)
	return rep, nil
}

func rows(ss []sla.Scores, cfg sla.ScoreConfig) []ScoreRow {
	out := make([]ScoreRow, 0, len(ss))
	for i := range ss {
		sc := &ss[i]
		rate := func(r sla.Rate) *float64 {
			if v, ok := r.Value(); ok {
				return &v
			}
			return nil
		}
		row := ScoreRow{Group: sc.Group, Orders: sc.Orders,
			LateDispatchRate: rate(sc.LateDispatch), ValidTrackingRate: rate(sc.ValidTracking), OnTimeDeliveryRate: rate(sc.OnTimeDelivery),
			DeliveryExceptionRate: rate(sc.DeliveryException), ConfirmationTimeoutRate: rate(sc.ConfirmationTimeout),
			SellerFaultCancelRate: rate(sc.SellerFaultCancel),
			Pending: sc.LateDispatch.Pending + sc.ValidTracking.Pending + sc.OnTimeDelivery.Pending + sc.DeliveryException.Pending +
				sc.ConfirmationTimeout.Pending,
			Alerts: sla.Alerts(nil, sc, cfg.Thresholds),
		}
		if v, ok := sc.Completeness.Value(); ok {
			row.TrackingCompleteness = &v
		}
		if sc.LTSOK {
			v := sc.LTS
			row.LTS = &v
		}
		out = append(out, row)
	}
	return out
}

// Record is an order's clock state as the scores read it.
func Record(st *store.ClockState) sla.Record {
	o := &st.Order
	r := sla.Record{OrderID: o.ID, Shop: o.ShopID, Market: o.Market}
	if o.PaidAt != nil {
		r.PaidAt = *o.PaidAt
	}
	if o.ConfirmedAt != nil {
		r.ConfirmedAt = *o.ConfirmedAt
	}
	ds := make([]sla.Deadline, len(st.Deadlines))
	for i, d := range st.Deadlines {
		ds[i] = sla.Deadline{Rule: sla.RuleID(d.Rule), Of: d.Subject, DueAt: d.DueAt}
	}
	r.SetDue(ds)
	dest := o.ShippingAddress.Country
	if o.ShippingAddress.Region != "" {
		dest += "-" + o.ShippingAddress.Region
	}
	var shipped, delivered time.Time
	live, scanned, done := 0, 0, 0
	for _, sh := range st.Shipments {
		if !sh.Status.Labelled() {
			continue
		}
		live++
		if r.Carrier == "" {
			r.Carrier = sh.Carrier
			wh := st.Warehouses[sh.PackageID]
			r.Lane = wh + "→" + dest
			r.EstimateLane = LaneOf(sh.Carrier, sh.Service, wh, o.ShippingAddress.Country, o.ShippingAddress.Region)
			r.RateCard = tracking.RateCardTransit{MinDays: 2, MaxDays: 7}
		}
		if sh.TrackingNumber != "" {
			r.HasTracking = true
		}
		t, ok := st.Tracking[sh.ID]
		if !ok {
			continue
		}
		sum := SummaryOf(t)
		if !t.FirstScanAt.IsZero() {
			r.ValidTracking = true
			scanned++
			if t.FirstScanAt.After(shipped) {
				shipped = t.FirstScanAt
			}
		}
		if !t.DeliveredAt.IsZero() {
			done++
			if t.DeliveredAt.After(delivered) {
				delivered = t.DeliveredAt
			}
		}
		r.DeliveryException = r.DeliveryException || sum.DeliveryException
		r.MilestonesPresent += sum.Present
		r.MilestonesExpected += sum.Expected
	}
	if live > 0 && scanned == live {
		r.ShippedAt = shipped
	}
	if live > 0 && done == live {
		r.DeliveredAt = delivered
	}
	for _, h := range o.History {
		if h.Kind == model.EventTransition && h.To == model.StatusCancelled {
			r.CancelledAt = h.At
			r.SellerFault = h.Cause != "buyer" && h.Cause != "platform" && h.Cause != "marketplace"
		}
	}
	return r
}

// ParseGroupBy reads group_by for the API: carrier, lane, market or shop.
func ParseGroupBy(v string) (sla.GroupBy, error) {
	g, err := sla.ParseGroupBy(v)
	if err != nil {
		return "", fmt.Errorf("%w", err)
	}
	return g, nil
}
