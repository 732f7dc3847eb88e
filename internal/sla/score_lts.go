package sla

import (
	"errors"
	"fmt"
	"math"
)

// The LTS (logistics service score) is lastmile's own composite. The platform publishes the
// metrics it judges a shop by (late dispatch, valid tracking, seller-fault cancellations,
// on-time delivery) and that the late-fulfilment rate weighs 40% (R-SLA-3), but no formula;
// this one is documented in docs/tracking.md and every weight and point is configuration
// (scores.lts_* keys).
//
// Each component scores 0–100 from its rate r: 100 × max(0, 1 − r ÷ ZeroAt), where ZeroAt is
// the rate at which it scores nothing. Tracking completeness scores 100 × min(1, c ÷ 85):
// full marks at 85 or more, less below (R-TRK-6). The LTS is the weighted mean of the
// components that have cases in the period.

// Defaults of LTSConfig.
const (
	// DefaultLTSLateWeight: the late-fulfilment rate is 40% of the LTS (R-SLA-3).
	DefaultLTSLateWeight = 0.40
	// DefaultCompletenessMin: tracking completeness below 85 lowers the LTS (R-TRK-6).
	DefaultCompletenessMin = 85
)

// LTSConfig sets the LTS's components: their weights (adding up to 1) and the rates at which
// they score nothing.
type LTSConfig struct {
	// Weights of the components (scores.lts_weights; the late one scores.lts_late_weight).
	LateDelivery, LateDispatch, ValidTracking, DeliveryException, Completeness, SellerFaultCancel float64
	// ZeroAt are the rates at which a component scores 0: late deliveries 20%, late dispatch
	// 10% (where the platform limits new orders), tracking not valid 10%, delivery exceptions
	// 2.6% (twice R-SLA-4's 1.3%), seller-fault cancellations 5% (twice the platform's 2.5%).
	ZeroLateDelivery, ZeroLateDispatch, ZeroInvalidTracking, ZeroDeliveryException, ZeroSellerFaultCancel float64
	// CompletenessFull is the completeness that scores full marks (R-TRK-6: 85).
	CompletenessFull float64
}

// DefaultLTSConfig is lastmile's published LTS: late delivery 40% (R-SLA-3), late dispatch
// 20%, valid tracking 15%, delivery exceptions 10%, tracking completeness 10%, seller-fault
// cancellations 5%.
func DefaultLTSConfig() LTSConfig {
	return LTSConfig{
		LateDelivery: DefaultLTSLateWeight, LateDispatch: 0.20, ValidTracking: 0.15, DeliveryException: 0.10,
		Completeness: 0.10, SellerFaultCancel: 0.05,
		ZeroLateDelivery: 0.20, ZeroLateDispatch: 0.10, ZeroInvalidTracking: 0.10, ZeroDeliveryException: 0.026,
		ZeroSellerFaultCancel: 0.05, CompletenessFull: DefaultCompletenessMin,
	}
}

// Validate reports weights that are negative or do not add up to 1, and zero points that are
// not positive.
func (c LTSConfig) Validate() error {
	var errs []error
	sum := 0.0
	for _, w := range [...]struct {
		name string
		v    float64
	}{
		{"late_delivery", c.LateDelivery}, {"late_dispatch", c.LateDispatch}, {"valid_tracking", c.ValidTracking},
		{"delivery_exception", c.DeliveryException}, {"tracking_completeness", c.Completeness}, {"seller_fault_cancel", c.SellerFaultCancel},
	} {
		if !(w.v >= 0 && w.v <= 1) {
			errs = append(errs, fmt.Errorf("LTS weight %s is %v: want 0 to 1", w.name, w.v))
		}
		sum += w.v
	}
	if math.Abs(sum-1) > 1e-9 {
		errs = append(errs, fmt.Errorf("LTS weights add up to %v: want 1 (late delivery %v is R-SLA-3's share)", sum, c.LateDelivery))
	}
	for _, z := range [...]struct {
		name string
		v    float64
	}{
		{"late_delivery", c.ZeroLateDelivery}, {"late_dispatch", c.ZeroLateDispatch}, {"invalid_tracking", c.ZeroInvalidTracking},
		{"delivery_exception", c.ZeroDeliveryException}, {"seller_fault_cancel", c.ZeroSellerFaultCancel},
		{"completeness_full", c.CompletenessFull / 100},
	} {
		if !(z.v > 0 && z.v <= 1) {
			errs = append(errs, fmt.Errorf("LTS zero point %s is %v: want a share above 0, at most 1", z.name, z.v))
		}
	}
	return errors.Join(errs...)
}

// Component is one part of an LTS: its name, its rate (or completeness), its score 0–100 and
// weight. OK is false when it had no cases and was left out.
type Component struct {
	Name   string
	Value  float64
	Score  float64
	Weight float64
	OK     bool
}

// Components are the LTS's parts for s.
func Components(s *Scores, c LTSConfig) []Component {
	rated := func(name string, r Rate, invert bool, zero, w float64) Component {
		v, ok := r.Value()
		if invert {
			v = 1 - v
		}
		return Component{Name: name, Value: v, Score: 100 * math.Max(0, 1-v/zero), Weight: w, OK: ok}
	}
	comp, ok := s.Completeness.Value()
	return []Component{
		rated("late_delivery", s.LateDelivery, false, c.ZeroLateDelivery, c.LateDelivery),
		rated("late_dispatch", s.LateDispatch, false, c.ZeroLateDispatch, c.LateDispatch),
		rated("invalid_tracking", s.ValidTracking, true, c.ZeroInvalidTracking, c.ValidTracking),
		rated("delivery_exception", s.DeliveryException, false, c.ZeroDeliveryException, c.DeliveryException),
		{Name: "tracking_completeness", Value: comp, Score: 100 * math.Min(1, comp/c.CompletenessFull), Weight: c.Completeness, OK: ok},
		rated("seller_fault_cancel", s.SellerFaultCancel, false, c.ZeroSellerFaultCancel, c.SellerFaultCancel),
	}
}

// ComputeLTS is s's LTS, 0–100: the weighted mean of the components with cases. ok is false
// when none has.
func ComputeLTS(s *Scores, c LTSConfig) (float64, bool) {
	var sum, weight float64
	for _, comp := range Components(s, c) {
		if comp.OK && comp.Weight > 0 {
			sum += comp.Weight * comp.Score
			weight += comp.Weight
		}
	}
	if weight == 0 {
		return 0, false
	}
	return sum / weight, true
}
