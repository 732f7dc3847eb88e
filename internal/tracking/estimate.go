package tracking

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
)

// Lane is what a delivery estimate pools its history by: a carrier's service from one
// ship-from warehouse to one destination region.
type Lane struct {
	Carrier, Service string
	// Origin is the ship-from warehouse's id.
	Origin string
	// Destination is the destination region, as country and region ("US-CA", "TH-10"), or
	// the country alone when the region is unknown.
	Destination string
}

func (l Lane) String() string {
	return l.Carrier + "/" + l.Service + " " + l.Origin + "→" + l.Destination
}

// Delivery is one delivered shipment of the history: its lane, and the hand-over (first scan)
// and delivery times.
type Delivery struct {
	Lane         Lane
	HandedOverAt time.Time
	DeliveredAt  time.Time
}

// TransitDays is the delivery's transit time in days (hours ÷ 24).
func (d Delivery) TransitDays() float64 { return d.DeliveredAt.Sub(d.HandedOverAt).Hours() / 24 }

// Defaults of EstimatorOptions.
const (
	// DefaultMinDeliveries is the history a lane needs before its own quantiles are trusted.
	DefaultMinDeliveries = 30
	// DefaultWindowLow and DefaultWindowHigh are the quantiles of the window: the 5th to the
	// 95th percentile holds 90% of past deliveries by construction, and the window's rounding
	// out to whole days adds margin, so it holds at least 90% of future ones on a steady lane.
	DefaultWindowLow  = 0.05
	DefaultWindowHigh = 0.95
)

// EstimatorOptions tune an Estimator; zero fields take the defaults.
type EstimatorOptions struct {
	// MinDeliveries is the fewest deliveries a pool needs to be used (default 30).
	MinDeliveries int
	// WindowLow and WindowHigh are the quantiles of the transit time the window spans
	// (defaults 0.05 and 0.95).
	WindowLow, WindowHigh float64
}

func (o EstimatorOptions) withDefaults() (EstimatorOptions, error) {
	if o.MinDeliveries == 0 {
		o.MinDeliveries = DefaultMinDeliveries
	}
	if o.WindowLow == 0 && o.WindowHigh == 0 {
		o.WindowLow, o.WindowHigh = DefaultWindowLow, DefaultWindowHigh
	}
	switch {
	case o.MinDeliveries < 1:
		return o, fmt.Errorf("min deliveries %d: want at least 1", o.MinDeliveries)
	case !(o.WindowLow >= 0 && o.WindowLow < o.WindowHigh && o.WindowHigh <= 1):
		return o, fmt.Errorf("window quantiles %v–%v: want 0 ≤ low < high ≤ 1 (0.05 and 0.95 hold 90%%)", o.WindowLow, o.WindowHigh)
	}
	return o, nil
}

// Estimator estimates delivery from lastmile's own delivered history. It pools transit times
// per lane; a lane with too little history falls back to its carrier service's history over
// every lane, then to the rate card's transit days. Immutable once built; safe for concurrent
// use.
type Estimator struct {
	opts    EstimatorOptions
	lanes   map[Lane][]float64      // sorted transit days
	service map[[2]string][]float64 // carrier, service → sorted transit days
}

// NewEstimator learns from history. Deliveries with a missing time or delivered before their
// hand-over are skipped: they would only be noise.
func NewEstimator(history []Delivery, opts EstimatorOptions) (*Estimator, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("delivery estimate: %w", err)
	}
	e := &Estimator{opts: o, lanes: map[Lane][]float64{}, service: map[[2]string][]float64{}}
	for _, d := range history {
		if d.HandedOverAt.IsZero() || d.DeliveredAt.IsZero() || d.DeliveredAt.Before(d.HandedOverAt) {
			continue
		}
		days := d.TransitDays()
		e.lanes[d.Lane] = append(e.lanes[d.Lane], days)
		k := [2]string{d.Lane.Carrier, d.Lane.Service}
		e.service[k] = append(e.service[k], days)
	}
	for _, v := range e.lanes {
		slices.Sort(v)
	}
	for _, v := range e.service {
		slices.Sort(v)
	}
	return e, nil
}

// RateCardTransit is the rate card's transit days for a lane: the fallback of thin history.
type RateCardTransit struct {
	MinDays, MaxDays int
	// BusinessDays: the days are carrier working days (Monday to Friday) rather than calendar days.
	BusinessDays bool
}

// Source says what an estimate rests on.
type Source string

// The sources, best first.
const (
	SourceLane     Source = "history_lane"
	SourceService  Source = "history_service"
	SourceRateCard Source = "rate_card"
	SourceNone     Source = "none"
)

// Estimate is an estimated delivery: a window and a point, in transit days from the hand-over
// and as times, with its basis.
type Estimate struct {
	Source Source
	// Basis says it in words: "history: 312 deliveries on this lane", "rate card: 2–5 days".
	Basis string
	// Deliveries is the history the estimate rests on (0 for the rate card).
	Deliveries int
	// LowDays and HighDays bound the window in transit days, whole days; PointDays is the
	// median (the middle of the card's range).
	LowDays, HighDays, PointDays float64
	// Earliest, Latest and Point are the same as times from the hand-over; zero without one.
	Earliest, Latest, Point time.Time
}

// Estimate is the delivery estimate of a shipment on lane handed over at handedOverAt (zero
// when not yet handed over: the times stay zero, the days are still given). card is the rate
// card's transit for the lane, used when the history is thin.
func (e *Estimator) Estimate(lane Lane, handedOverAt time.Time, card RateCardTransit) Estimate {
	var est Estimate
	if days, src := e.pool(lane); src != SourceNone {
		lo := math.Floor(quantile(days, e.opts.WindowLow))
		hi := math.Ceil(quantile(days, e.opts.WindowHigh))
		est = Estimate{Source: src, Deliveries: len(days), LowDays: lo, HighDays: hi, PointDays: quantile(days, 0.5)}
		where := "on this lane"
		if src == SourceService {
			where = fmt.Sprintf("of %s %s on every lane", lane.Carrier, lane.Service)
		}
		est.Basis = fmt.Sprintf("history: %d deliveries %s", len(days), where)
	} else if card.MaxDays > 0 && card.MinDays <= card.MaxDays {
		lo, hi := float64(card.MinDays), float64(card.MaxDays)
		unit := "days"
		if card.BusinessDays {
			unit = "working days"
			if !handedOverAt.IsZero() {
				lo, hi = calendarDays(handedOverAt, card.MinDays), calendarDays(handedOverAt, card.MaxDays)
			}
		}
		est = Estimate{Source: SourceRateCard, LowDays: lo, HighDays: hi, PointDays: (lo + hi) / 2,
			Basis: fmt.Sprintf("rate card: %d–%d %s", card.MinDays, card.MaxDays, unit)}
	} else {
		return Estimate{Source: SourceNone, Basis: "no delivered history on this lane and no rate card transit days"}
	}
	if !handedOverAt.IsZero() {
		est.Earliest = handedOverAt.Add(daysDuration(est.LowDays))
		est.Latest = handedOverAt.Add(daysDuration(est.HighDays))
		est.Point = handedOverAt.Add(daysDuration(est.PointDays))
	}
	return est
}

// pool is the history an estimate for lane uses: the lane's own when it has enough, else its
// carrier service's over every lane.
func (e *Estimator) pool(lane Lane) ([]float64, Source) {
	if d := e.lanes[lane]; len(d) >= e.opts.MinDeliveries {
		return d, SourceLane
	}
	if d := e.service[[2]string{lane.Carrier, lane.Service}]; len(d) >= e.opts.MinDeliveries {
		return d, SourceService
	}
	return nil, SourceNone
}

// OnTimeProbability is the chance that a shipment on lane, handed over at handedOverAt and
// not delivered by now, is delivered by due: P(T ≤ due − h | T > now − h) over the history's
// transit times T, or over the card's range taken as uniform when the history is thin. 1 or
// 0 when the answer is certain by the figures; 0.5 when nothing is known.
func (e *Estimator) OnTimeProbability(lane Lane, handedOverAt, now, due time.Time, card RateCardTransit) float64 {
	if !due.After(now) {
		return 0
	}
	if handedOverAt.IsZero() || handedOverAt.After(now) {
		handedOverAt = now // not handed over yet: at best it leaves now
	}
	elapsed := now.Sub(handedOverAt).Hours() / 24
	budget := due.Sub(handedOverAt).Hours() / 24
	var cdf func(x float64) float64
	if days, src := e.pool(lane); src != SourceNone {
		cdf = func(x float64) float64 { return ecdf(days, x) }
	} else if card.MaxDays > 0 && card.MinDays <= card.MaxDays {
		lo, hi := float64(card.MinDays), float64(card.MaxDays)+1 // delivered some time during the last day
		if card.BusinessDays {
			lo, hi = calendarDays(handedOverAt, card.MinDays), calendarDays(handedOverAt, card.MaxDays)+1
		}
		cdf = func(x float64) float64 { return math.Min(1, math.Max(0, (x-lo)/(hi-lo))) }
	} else {
		return 0.5
	}
	left := 1 - cdf(elapsed)
	if left <= 0 {
		return 0 // later than every delivery on record: assume it will be late
	}
	return math.Min(1, math.Max(0, (cdf(budget)-cdf(elapsed))/left))
}

// quantile is the q-quantile of sorted xs, interpolating between ranks.
func quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	pos := q * float64(len(xs)-1)
	i := int(math.Floor(pos))
	if i >= len(xs)-1 {
		return xs[len(xs)-1]
	}
	f := pos - float64(i)
	return xs[i] + f*(xs[i+1]-xs[i])
}

// ecdf is the share of sorted xs at most x.
func ecdf(xs []float64, x float64) float64 {
	n, _ := slices.BinarySearch(xs, math.Nextafter(x, math.Inf(1)))
	return float64(n) / float64(len(xs))
}

// calendarDays is the calendar days from start that n working days (Monday to Friday, in
// start's location) take.
func calendarDays(start time.Time, n int) float64 {
	d, worked := 0, 0
	day := start
	for worked < n {
		d++
		day = day.AddDate(0, 0, 1)
		if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday {
			worked++
		}
	}
	return float64(d)
}

func daysDuration(days float64) time.Duration { return time.Duration(days * 24 * float64(time.Hour)) }

// Accuracy is how well estimates held on deliveries whose outcome is known.
type Accuracy struct {
	Deliveries int
	// InWindow counts deliveries between the estimate's LowDays and HighDays; Coverage is
	// their share.
	InWindow int
	Coverage float64
	// MAEDays is the mean absolute error of the point estimate, in days.
	MAEDays float64
	// Unestimated counts deliveries without an estimate (SourceNone), left out of the figures.
	Unestimated int
}

// ErrNoDeliveries is returned by Evaluate when there is nothing to measure.
var ErrNoDeliveries = errors.New("no delivered shipment to measure the estimate on")

// Evaluate measures estimates against deliveries: estimate gives each delivery's estimate as
// it would have been made (from history before it, say).
func Evaluate(deliveries []Delivery, estimate func(Delivery) Estimate) (Accuracy, error) {
	var a Accuracy
	var absErr float64
	for _, d := range deliveries {
		est := estimate(d)
		if est.Source == SourceNone {
			a.Unestimated++
			continue
		}
		t := d.TransitDays()
		a.Deliveries++
		if t >= est.LowDays && t <= est.HighDays {
			a.InWindow++
		}
		absErr += math.Abs(t - est.PointDays)
	}
	if a.Deliveries == 0 {
		return a, ErrNoDeliveries
	}
	a.Coverage = float64(a.InWindow) / float64(a.Deliveries)
	a.MAEDays = absErr / float64(a.Deliveries)
	return a, nil
}
