package sla

import (
	"errors"
	"fmt"
)

// Thresholds are where a score turns into an alert. Each is configuration (scores.<key>).
type Thresholds struct {
	// LTSMin: an LTS below it cuts search exposure (R-SLA-3: 75; scores.lts_min).
	LTSMin float64
	// DeliveryExceptionMax: refused + lost + misdelivered above it throttles new orders
	// (R-SLA-4: 1.3%; scores.exception_rate_max).
	DeliveryExceptionMax float64
	// CompletenessMin: tracking completeness below it lowers the LTS (R-TRK-6: 85;
	// scores.tracking_completeness_min).
	CompletenessMin float64
	// ConfirmationTimeoutMax: above it the platform warns (R-ORD-3: 5%;
	// scores.confirmation_timeout_max).
	ConfirmationTimeoutMax float64
	// LateDispatchMax, ValidTrackingMin, SellerFaultCancelMax: the platform's published
	// targets for LDR (4%), VTR (95%) and SFCR (2.5%) (scores.late_dispatch_max,
	// scores.valid_tracking_min, scores.seller_fault_cancel_max).
	LateDispatchMax, ValidTrackingMin, SellerFaultCancelMax float64
	// MinCases is the fewest cases a rate needs before it may alert: one late order of two is
	// not a 50% late rate worth waking anyone for (scores.alert_min_cases; default 20).
	MinCases float64
}

// DefaultThresholds are the platform's published thresholds.
func DefaultThresholds() Thresholds {
	return Thresholds{
		LTSMin: 75, DeliveryExceptionMax: 0.013, CompletenessMin: DefaultCompletenessMin, ConfirmationTimeoutMax: 0.05,
		LateDispatchMax: 0.04, ValidTrackingMin: 0.95, SellerFaultCancelMax: 0.025, MinCases: 20,
	}
}

// ScoreConfig is everything the scores are computed and judged by.
type ScoreConfig struct {
	LTS        LTSConfig
	Thresholds Thresholds
}

// DefaultScoreConfig is the published LTS and thresholds.
func DefaultScoreConfig() ScoreConfig {
	return ScoreConfig{LTS: DefaultLTSConfig(), Thresholds: DefaultThresholds()}
}

// Validate checks the LTS and the thresholds.
func (c ScoreConfig) Validate() error {
	var errs []error
	if err := c.LTS.Validate(); err != nil {
		errs = append(errs, err)
	}
	t := c.Thresholds
	for _, v := range [...]struct {
		key string
		v   float64
	}{
		{"exception_rate_max", t.DeliveryExceptionMax}, {"confirmation_timeout_max", t.ConfirmationTimeoutMax},
		{"late_dispatch_max", t.LateDispatchMax}, {"valid_tracking_min", t.ValidTrackingMin},
		{"seller_fault_cancel_max", t.SellerFaultCancelMax}, {"lts_min", t.LTSMin / 100},
		{"tracking_completeness_min", t.CompletenessMin / 100},
	} {
		if !(v.v >= 0 && v.v <= 1) {
			errs = append(errs, fmt.Errorf("scores.%s is out of range: a share is 0 to 1, a score 0 to 100", v.key))
		}
	}
	if t.MinCases < 0 {
		errs = append(errs, errors.New("scores.alert_min_cases must not be negative"))
	}
	return errors.Join(errs...)
}

// ScoreAlert is a score that crossed its threshold.
type ScoreAlert struct {
	// Key is stable: "<metric>/<group>/<period label>"; the store raises each key once.
	Key    string
	Metric string
	// Rule is the rule the threshold comes from, "" for the platform's published targets.
	Rule             RuleID
	Group, Period    string
	Value, Threshold float64
	Message          string
}

// metricCheck is one score against its threshold.
type metricCheck struct {
	metric string
	rule   RuleID
	value  func(s *Scores) (v, cases float64, ok bool)
	bad    func(v float64, t Thresholds) bool
	limit  func(t Thresholds) float64
	says   string
}

func rateOf(get func(s *Scores) Rate) func(s *Scores) (float64, float64, bool) {
	return func(s *Scores) (float64, float64, bool) {
		r := get(s)
		v, ok := r.Value()
		return v, r.Den, ok
	}
}

var metricChecks = [...]metricCheck{
	{"lts", "R-SLA-3", func(s *Scores) (float64, float64, bool) { return s.LTS, s.LateDelivery.Den, s.LTSOK },
		func(v float64, t Thresholds) bool { return v < t.LTSMin }, func(t Thresholds) float64 { return t.LTSMin },
		"the logistics service score is below %.0f: search exposure is cut (R-SLA-3)"},
	{"delivery_exception_rate", "R-SLA-4", rateOf(func(s *Scores) Rate { return s.DeliveryException }),
		func(v float64, t Thresholds) bool { return v > t.DeliveryExceptionMax }, func(t Thresholds) float64 { return t.DeliveryExceptionMax },
		"refused, lost and misdelivered parcels are above %.1f%%: new orders are throttled (R-SLA-4)"},
	{"tracking_completeness", "R-TRK-6", func(s *Scores) (float64, float64, bool) {
		v, ok := s.Completeness.Value()
		return v, s.OnTimeDelivery.Den, ok
	}, func(v float64, t Thresholds) bool { return v < t.CompletenessMin }, func(t Thresholds) float64 { return t.CompletenessMin },
		"tracking completeness is below %.0f: it lowers the LTS (R-TRK-6)"},
	{"confirmation_timeout_rate", RuleConfirm, rateOf(func(s *Scores) Rate { return s.ConfirmationTimeout }),
		func(v float64, t Thresholds) bool { return v > t.ConfirmationTimeoutMax }, func(t Thresholds) float64 { return t.ConfirmationTimeoutMax },
		"orders confirmed late are above %.0f%%: the platform warns (R-ORD-3)"},
	{"late_dispatch_rate", RuleShip, rateOf(func(s *Scores) Rate { return s.LateDispatch }),
		func(v float64, t Thresholds) bool { return v > t.LateDispatchMax }, func(t Thresholds) float64 { return t.LateDispatchMax },
		"late dispatch is above the platform's %.0f%% (R-SHIP-1)"},
	{"valid_tracking_rate", "", rateOf(func(s *Scores) Rate { return s.ValidTracking }),
		func(v float64, t Thresholds) bool { return v < t.ValidTrackingMin }, func(t Thresholds) float64 { return t.ValidTrackingMin },
		"valid tracking is below the platform's %.0f%%"},
	{"seller_fault_cancel_rate", "", rateOf(func(s *Scores) Rate { return s.SellerFaultCancel }),
		func(v float64, t Thresholds) bool { return v > t.SellerFaultCancelMax }, func(t Thresholds) float64 { return t.SellerFaultCancelMax },
		"seller-fault cancellations are above the platform's %.1f%%"},
}

// Alerts are the scores of cur that crossed their threshold since prev (the same group's
// previous figures; nil when there are none): a score counts as crossing when it is out of
// bounds now and was not before (or had no figure). A score with fewer cases than MinCases
// does not alert.
func Alerts(prev *Scores, cur *Scores, t Thresholds) []ScoreAlert {
	var out []ScoreAlert
	for _, m := range metricChecks {
		v, cases, ok := m.value(cur)
		if !ok || cases < t.MinCases || !m.bad(v, t) {
			continue
		}
		if prev != nil {
			if pv, pcases, pok := m.value(prev); pok && pcases >= t.MinCases && m.bad(pv, t) {
				continue // already out of bounds: alerted when it crossed
			}
		}
		limit := m.limit(t)
		shown := limit
		if limit <= 1 && m.metric != "lts" && m.metric != "tracking_completeness" {
			shown = 100 * limit
		}
		out = append(out, ScoreAlert{
			Key: m.metric + "/" + cur.Group + "/" + cur.Period.Label, Metric: m.metric, Rule: m.rule,
			Group: cur.Group, Period: cur.Period.Label, Value: v, Threshold: limit, Message: fmt.Sprintf(m.says, shown),
		})
	}
	return out
}
