package tracking

import (
	"errors"
	"math"
	"testing"
	"time"
)

var (
	laneA = Lane{Carrier: "usps", Service: "ground-advantage", Origin: "wh_reno", Destination: "US-CA"}
	laneB = Lane{Carrier: "usps", Service: "ground-advantage", Origin: "wh_reno", Destination: "US-NY"}
	laneC = Lane{Carrier: "ups", Service: "ground", Origin: "wh_reno", Destination: "US-NY"}
)

func days(d float64) time.Duration { return time.Duration(d * 24 * float64(time.Hour)) }

// fixtureHistory: lane A took 1, 1.5, 2, 2.5, 3, 3.5, 4 and 6 days; lane B (same service) 2, 3
// and 9.
func fixtureHistory() []Delivery {
	var h []Delivery
	for _, d := range []float64{3, 1, 6, 1.5, 2.5, 2, 4, 3.5} {
		h = append(h, Delivery{Lane: laneA, HandedOverAt: t0, DeliveredAt: t0.Add(days(d))})
	}
	for _, d := range []float64{2, 3, 9} {
		h = append(h, Delivery{Lane: laneB, HandedOverAt: t0, DeliveredAt: t0.Add(days(d))})
	}
	h = append(h, Delivery{Lane: laneA, HandedOverAt: t0, DeliveredAt: t0.Add(-time.Hour)}) // skipped: before hand-over
	return h
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestEstimate(t *testing.T) {
	e, err := NewEstimator(fixtureHistory(), EstimatorOptions{MinDeliveries: 5, WindowLow: 0.1, WindowHigh: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	// Lane A, 8 deliveries: q10 = 1 + 0.7×0.5 = 1.35 → 1 day; q90 = 4 + 0.3×2 = 4.6 → 5 days;
	// median = 2.5 + 0.5×0.5 = 2.75.
	got := e.Estimate(laneA, t0, RateCardTransit{MinDays: 2, MaxDays: 5})
	if got.Source != SourceLane || got.Deliveries != 8 || got.LowDays != 1 || got.HighDays != 5 || !near(got.PointDays, 2.75) ||
		got.Basis != "history: 8 deliveries on this lane" || got.Earliest != t0.Add(days(1)) || got.Latest != t0.Add(days(5)) {
		t.Errorf("lane A: %+v", got)
	}
	// Lane B has 3: its service's 11 over every lane are used.
	got = e.Estimate(laneB, time.Time{}, RateCardTransit{})
	if got.Source != SourceService || got.Deliveries != 11 || got.Basis != "history: 11 deliveries of usps ground-advantage on every lane" || !got.Point.IsZero() {
		t.Errorf("lane B: %+v", got)
	}
	// No history: the rate card.
	got = e.Estimate(laneC, t0, RateCardTransit{MinDays: 2, MaxDays: 5})
	if got.Source != SourceRateCard || got.Basis != "rate card: 2–5 days" || got.LowDays != 2 || got.HighDays != 5 || got.PointDays != 3.5 {
		t.Errorf("rate card: %+v", got)
	}
	// Working days from a Friday: 1 working day is Monday (3 calendar days), 2 is Tuesday (4).
	friday := time.Date(2026, 12, 11, 10, 0, 0, 0, time.UTC)
	got = e.Estimate(laneC, friday, RateCardTransit{MinDays: 1, MaxDays: 2, BusinessDays: true})
	if got.LowDays != 3 || got.HighDays != 4 || got.Basis != "rate card: 1–2 working days" {
		t.Errorf("working days: %+v", got)
	}
	if got = e.Estimate(laneC, t0, RateCardTransit{}); got.Source != SourceNone {
		t.Errorf("nothing known: %+v", got)
	}
}

func TestEstimatorDefaults(t *testing.T) {
	e, err := NewEstimator(fixtureHistory(), EstimatorOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := e.Estimate(laneA, t0, RateCardTransit{MinDays: 2, MaxDays: 5}); got.Source != SourceRateCard {
		t.Errorf("8 deliveries are below the default 30: %+v", got)
	}
	if _, err := NewEstimator(nil, EstimatorOptions{WindowLow: 0.9, WindowHigh: 0.1}); err == nil {
		t.Error("a window with low above high must be refused")
	}
}

func TestOnTimeProbability(t *testing.T) {
	e, err := NewEstimator(fixtureHistory(), EstimatorOptions{MinDeliveries: 5})
	if err != nil {
		t.Fatal(err)
	}
	// Lane A, 2 days in and not delivered, due at 4 days: P(T ≤ 4 | T > 2) = (7/8 − 3/8) ÷ (5/8) = 0.8.
	if p := e.OnTimeProbability(laneA, t0, t0.Add(days(2)), t0.Add(days(4)), RateCardTransit{}); !near(p, 0.8) {
		t.Errorf("lane A: %v, want 0.8", p)
	}
	// The card's 2–5 days taken as uniform over [2, 6): due at 4 days from the hand-over is 0.5.
	if p := e.OnTimeProbability(laneC, t0, t0, t0.Add(days(4)), RateCardTransit{MinDays: 2, MaxDays: 5}); !near(p, 0.5) {
		t.Errorf("rate card: %v, want 0.5", p)
	}
	if p := e.OnTimeProbability(laneA, t0, t0.Add(days(5)), t0.Add(days(4)), RateCardTransit{}); p != 0 {
		t.Errorf("past due: %v", p)
	}
	if p := e.OnTimeProbability(laneA, t0, t0.Add(days(7)), t0.Add(days(8)), RateCardTransit{}); p != 0 {
		t.Errorf("slower than anything on record: %v", p)
	}
	if p := e.OnTimeProbability(laneC, t0, t0, t0.Add(days(1)), RateCardTransit{}); p != 0.5 {
		t.Errorf("nothing known: %v", p)
	}
}

func TestEvaluate(t *testing.T) {
	e, err := NewEstimator(fixtureHistory(), EstimatorOptions{MinDeliveries: 5, WindowLow: 0.1, WindowHigh: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	test := []Delivery{
		{Lane: laneA, HandedOverAt: t0, DeliveredAt: t0.Add(days(1.2))},
		{Lane: laneA, HandedOverAt: t0, DeliveredAt: t0.Add(days(3))},
		{Lane: laneA, HandedOverAt: t0, DeliveredAt: t0.Add(days(5.5))},
		{Lane: laneC, HandedOverAt: t0, DeliveredAt: t0.Add(days(2))},
	}
	a, err := Evaluate(test, func(d Delivery) Estimate { return e.Estimate(d.Lane, d.HandedOverAt, RateCardTransit{}) })
	if err != nil {
		t.Fatal(err)
	}
	// Window [1, 5], point 2.75: 1.2 and 3 inside, 5.5 outside; errors 1.55, 0.25, 2.75.
	if a.Deliveries != 3 || a.InWindow != 2 || !near(a.Coverage, 2.0/3) || !near(a.MAEDays, 4.55/3) || a.Unestimated != 1 {
		t.Errorf("%+v", a)
	}
	if _, err := Evaluate(nil, nil); !errors.Is(err, ErrNoDeliveries) {
		t.Errorf("nothing to measure: %v", err)
	}
}
