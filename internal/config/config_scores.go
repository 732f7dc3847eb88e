package config

import (
	"errors"
	"fmt"
	"math"
)

// Scores are the thresholds the shop scores are judged by and the weights of lastmile's
// logistics service score (the scores: section; docs/tracking.md). Shares are 0 to 1,
// scores 0 to 100.
type Scores struct {
	// LTSMin: an LTS below it alerts (R-SLA-3: 75; scores.lts_min).
	LTSMin float64
	// ExceptionRateMax: a delivery-exception rate above it alerts (R-SLA-4: 0.013).
	ExceptionRateMax float64
	// TrackingCompletenessMin: tracking completeness below it alerts (R-TRK-6: 85).
	TrackingCompletenessMin float64
	// ConfirmationTimeoutMax: a confirmation-timeout rate above it alerts (R-ORD-3: 0.05).
	ConfirmationTimeoutMax float64
	// LateDispatchMax, ValidTrackingMin, SellerFaultCancelMax: the platform's published
	// targets (0.04, 0.95, 0.025).
	LateDispatchMax, ValidTrackingMin, SellerFaultCancelMax float64
	// AlertMinCases: the fewest cases a rate needs before it may alert (20).
	AlertMinCases float64
	// The LTS weights; they add up to 1. The late-fulfilment weight is R-SLA-3's 40%.
	LTSLateWeight, LTSLateDispatchWeight, LTSValidTrackingWeight          float64
	LTSExceptionWeight, LTSCompletenessWeight, LTSSellerFaultCancelWeight float64
}

// DefaultScores are the published thresholds and lastmile's published LTS weights.
func DefaultScores() Scores {
	return Scores{
		LTSMin: 75, ExceptionRateMax: 0.013, TrackingCompletenessMin: 85, ConfirmationTimeoutMax: 0.05,
		LateDispatchMax: 0.04, ValidTrackingMin: 0.95, SellerFaultCancelMax: 0.025, AlertMinCases: 20,
		LTSLateWeight: 0.40, LTSLateDispatchWeight: 0.20, LTSValidTrackingWeight: 0.15, LTSExceptionWeight: 0.10,
		LTSCompletenessWeight: 0.10, LTSSellerFaultCancelWeight: 0.05,
	}
}

// scoreKey is a key of the scores: section (scores.<name>).
type scoreKey struct {
	key
	ptr func(*Scores) any
}

var scoreKeys = []scoreKey{
	{key{name: "lts_min", kind: kindNumber, rule: "R-SLA-3", fmax: 100, doc: "an LTS below it raises an alert (the platform cuts search exposure below 75)"},
		func(s *Scores) any { return &s.LTSMin }},
	{key{name: "exception_rate_max", kind: kindNumber, rule: "R-SLA-4", fmax: 1, doc: "a delivery-exception rate (refused, lost, misdelivered) above it raises an alert"},
		func(s *Scores) any { return &s.ExceptionRateMax }},
	{key{name: "tracking_completeness_min", kind: kindNumber, rule: "R-TRK-6", fmax: 100, doc: "tracking completeness below it raises an alert and lowers the LTS"},
		func(s *Scores) any { return &s.TrackingCompletenessMin }},
	{key{name: "confirmation_timeout_max", kind: kindNumber, rule: "R-ORD-3", fmax: 1, doc: "a confirmation-timeout rate above it raises an alert"},
		func(s *Scores) any { return &s.ConfirmationTimeoutMax }},
	{key{name: "late_dispatch_max", kind: kindNumber, rule: "R-SHIP-1", fmax: 1, doc: "a late-dispatch rate above it raises an alert (the platform's LDR target)"},
		func(s *Scores) any { return &s.LateDispatchMax }},
	{key{name: "valid_tracking_min", kind: kindNumber, rule: "R-TRK-1", fmax: 1, doc: "a valid-tracking rate below it raises an alert (the platform's VTR target)"},
		func(s *Scores) any { return &s.ValidTrackingMin }},
	{key{name: "seller_fault_cancel_max", kind: kindNumber, rule: "R-SLA-3", fmax: 1, doc: "a seller-fault cancellation rate above it raises an alert (the platform's SFCR target)"},
		func(s *Scores) any { return &s.SellerFaultCancelMax }},
	{key{name: "alert_min_cases", kind: kindNumber, rule: "R-SLA-3", zero: true, fmax: 1e9, doc: "the fewest orders a rate needs before it may raise an alert"},
		func(s *Scores) any { return &s.AlertMinCases }},
	{key{name: "lts_late_weight", kind: kindNumber, rule: "R-SLA-3", zero: true, fmax: 1, doc: "the LTS weight of late fulfilment (late deliveries); the six weights add up to 1"},
		func(s *Scores) any { return &s.LTSLateWeight }},
	{key{name: "lts_late_dispatch_weight", kind: kindNumber, rule: "R-SLA-3", zero: true, fmax: 1, doc: "the LTS weight of late dispatch"},
		func(s *Scores) any { return &s.LTSLateDispatchWeight }},
	{key{name: "lts_valid_tracking_weight", kind: kindNumber, rule: "R-SLA-3", zero: true, fmax: 1, doc: "the LTS weight of valid tracking"},
		func(s *Scores) any { return &s.LTSValidTrackingWeight }},
	{key{name: "lts_exception_weight", kind: kindNumber, rule: "R-SLA-3", zero: true, fmax: 1, doc: "the LTS weight of delivery exceptions"},
		func(s *Scores) any { return &s.LTSExceptionWeight }},
	{key{name: "lts_completeness_weight", kind: kindNumber, rule: "R-SLA-3", zero: true, fmax: 1, doc: "the LTS weight of tracking completeness"},
		func(s *Scores) any { return &s.LTSCompletenessWeight }},
	{key{name: "lts_seller_fault_cancel_weight", kind: kindNumber, rule: "R-SLA-3", zero: true, fmax: 1, doc: "the LTS weight of seller-fault cancellations"},
		func(s *Scores) any { return &s.LTSSellerFaultCancelWeight }},
}

func findScoreKey(name string) (scoreKey, bool) {
	for _, k := range scoreKeys {
		if k.name == name {
			return k, true
		}
	}
	return scoreKey{}, false
}

// ScoreKeys lists the keys of the scores: section.
func ScoreKeys() []string {
	out := make([]string, len(scoreKeys))
	for i, k := range scoreKeys {
		out[i] = k.name
	}
	return out
}

// validate reports every score key out of range, and weights that do not add up to 1.
func (s Scores) validate(bad func(key string, err error)) {
	for _, k := range scoreKeys {
		if err := k.check(k.ptr(&s)); err != nil {
			bad("scores."+k.name, err)
		}
	}
	sum := s.LTSLateWeight + s.LTSLateDispatchWeight + s.LTSValidTrackingWeight + s.LTSExceptionWeight + s.LTSCompletenessWeight +
		s.LTSSellerFaultCancelWeight
	if math.Abs(sum-1) > 1e-9 {
		bad("scores.lts_late_weight", fmt.Errorf("the six lts_*_weight keys add up to %.4g: make them add up to 1 (late fulfilment 0.4, R-SLA-3)", sum))
	}
	if s == (Scores{}) {
		bad("scores", errors.New("no thresholds: remove the section to keep the defaults"))
	}
}
