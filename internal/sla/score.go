package sla

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/tracking"
)

// Record is one order as the scores see it: its groups, its deadlines and what happened.
// Zero times are "not (yet)". Build it from the order's deadlines (SetDue) and its shipments'
// tracking.
type Record struct {
	OrderID string
	// The groups the order counts in: its shop, its carrier, its lane (warehouse →
	// destination region, "wh_reno→US-CA") and its market.
	Shop, Carrier, Lane string
	Market              model.Market

	PaidAt time.Time
	// ConfirmDueAt and ConfirmedAt: the confirm clock (R-ORD-3).
	ConfirmDueAt, ConfirmedAt time.Time
	// ShipDueAt and ShippedAt (the first scan of the last package): the ship clock (R-SHIP-1).
	ShipDueAt, ShippedAt time.Time
	// HasTracking: a tracking number was uploaded; ValidTracking: the carrier has scanned it.
	HasTracking, ValidTracking bool
	// LateAt is the promise plus the grace (R-SLA-2); DeliveredAt when the last package was
	// delivered.
	LateAt, DeliveredAt time.Time
	// DeliveryException: a package was refused, lost or misdelivered (R-SLA-4).
	DeliveryException bool
	// MilestonesPresent and MilestonesExpected add up tracking.Completeness over the order's
	// delivered packages (R-TRK-6).
	MilestonesPresent, MilestonesExpected int
	// CancelledAt is when the order was cancelled; SellerFault when the seller caused it (out
	// of stock, not shipped in time).
	CancelledAt time.Time
	SellerFault bool

	// EstimateLane and RateCard feed the delivery estimate of the forecast (EstimateOutlook).
	EstimateLane tracking.Lane
	RateCard     tracking.RateCardTransit
}

// SetDue fills the record's due times from the order's deadlines: R-ORD-3, R-SHIP-1 and
// R-SLA-2.
func (r *Record) SetDue(ds []Deadline) {
	for _, d := range ds {
		if d.Of != SubjectOrder {
			continue
		}
		switch d.Rule {
		case RuleConfirm:
			r.ConfirmDueAt = d.DueAt
		case RuleShip:
			r.ShipDueAt = d.DueAt
		case RuleLate:
			r.LateAt = d.DueAt
		}
	}
}

// Rate is a share: Num of Den. Pending counts the cases of the period whose outcome is not
// known yet (their deadline has not passed); they are in neither. A forecast adds them with
// their probabilities, so Num and Den need not be whole.
type Rate struct {
	Num, Den float64
	Pending  int
}

// Value is Num ÷ Den; ok is false without cases.
func (r Rate) Value() (v float64, ok bool) {
	if r.Den <= 0 {
		return 0, false
	}
	return r.Num / r.Den, true
}

func (r Rate) String() string {
	if v, ok := r.Value(); ok {
		return fmt.Sprintf("%.2f%% (%g of %g)", 100*v, r.Num, r.Den)
	}
	return "—"
}

// Completeness adds up the tracking items present and expected (R-TRK-6).
type Completeness struct {
	Present, Expected float64
}

// Value is 100 × Present ÷ Expected; ok is false without a delivered shipment.
func (c Completeness) Value() (float64, bool) {
	if c.Expected <= 0 {
		return 0, false
	}
	return 100 * c.Present / c.Expected, true
}

// Scores are one group's figures for a period.
type Scores struct {
	// Group is the group's value (a shop id, carrier code, lane or market), "" for all.
	Group  string
	Period Period
	// Orders counts the orders in any of the figures.
	Orders int
	// LateDispatch: not first-scanned by the ship deadline (R-SHIP-1), of the orders due to
	// ship in the period. The platform's late dispatch rate (LDR, at most 4%).
	LateDispatch Rate
	// ValidTracking: tracking numbers the carrier scanned, of the orders with one due to ship
	// in the period. The platform's valid tracking rate (VTR, at least 95%).
	ValidTracking Rate
	// OnTimeDelivery and LateDelivery: delivered by, or not by, the promise plus the grace
	// (R-SLA-2), of the shipped orders whose late time falls in the period. LateDelivery is the
	// late-fulfilment rate of the LTS (R-SLA-3).
	OnTimeDelivery, LateDelivery Rate
	// DeliveryException: refused, lost or misdelivered (R-SLA-4, below 1.3%), of the same
	// orders.
	DeliveryException Rate
	// Completeness is the tracking completeness of those delivered (R-TRK-6, 85 or more).
	Completeness Completeness
	// ConfirmationTimeout: not confirmed in time (R-ORD-3, at most 5%), of the orders whose
	// confirm deadline falls in the period.
	ConfirmationTimeout Rate
	// SellerFaultCancel: cancelled by the seller's fault, of the orders paid in the period
	// (the platform's SFCR, at most 2.5%).
	SellerFaultCancel Rate
	// LTS is lastmile's logistics service score, 0–100 (ComputeLTS); LTSOK is false when no
	// figure it weighs has cases.
	LTS   float64
	LTSOK bool
	// Forecast: the figures include the expected outcome of the pending cases (Forecast).
	Forecast bool
}

// GroupBy is what scores are grouped by.
type GroupBy string

// The groupings.
const (
	GroupAll     GroupBy = ""
	GroupShop    GroupBy = "shop"
	GroupCarrier GroupBy = "carrier"
	GroupLane    GroupBy = "lane"
	GroupMarket  GroupBy = "market"
)

// ParseGroupBy reads a grouping: shop, carrier, lane, market, or "" for all.
func ParseGroupBy(s string) (GroupBy, error) {
	switch g := GroupBy(s); g {
	case GroupAll, GroupShop, GroupCarrier, GroupLane, GroupMarket:
		return g, nil
	}
	return "", fmt.Errorf("group_by %q: want shop, carrier, lane or market", s)
}

func (g GroupBy) of(r *Record) string {
	switch g {
	case GroupShop:
		return r.Shop
	case GroupCarrier:
		return r.Carrier
	case GroupLane:
		return r.Lane
	case GroupMarket:
		return string(r.Market)
	}
	return ""
}

// outcome is a case's outcome: not in the cohort, pending, good, bad.
type outcome uint8

const (
	outNone outcome = iota
	outPending
	outGood
	outBad
)

// The cases of a record at asOf, one per figure. Each figure counts the orders whose own
// deadline falls in the period, so a week's figures are final once its last deadline has
// passed, and the orders still pending are exactly what a forecast has to guess.
func confirmCase(r *Record, p Period, asOf time.Time) outcome {
	if r.ConfirmDueAt.IsZero() || !p.Contains(r.ConfirmDueAt) || cancelledBefore(r, r.ConfirmDueAt, r.ConfirmedAt) {
		return outNone
	}
	return decide(r.ConfirmedAt, r.ConfirmDueAt, asOf)
}

func dispatchCase(r *Record, p Period, asOf time.Time) outcome {
	if r.ShipDueAt.IsZero() || !p.Contains(r.ShipDueAt) || cancelledBefore(r, r.ShipDueAt, r.ShippedAt) {
		return outNone
	}
	return decide(r.ShippedAt, r.ShipDueAt, asOf)
}

func trackingCase(r *Record, p Period, asOf time.Time) outcome {
	if !r.HasTracking || dispatchCase(r, p, asOf) == outNone {
		return outNone
	}
	switch {
	case r.ValidTracking:
		return outGood
	case asOf.After(r.ShipDueAt):
		return outBad
	}
	return outPending
}

// deliveryCase is the on-time delivery case; exceptionCase the delivery-exception one, over
// the same orders: shipped, with their late time in the period.
func deliveryCase(r *Record, p Period, asOf time.Time) outcome {
	if r.LateAt.IsZero() || !p.Contains(r.LateAt) || (!r.HasTracking && r.ShippedAt.IsZero()) {
		return outNone
	}
	return decide(r.DeliveredAt, r.LateAt, asOf)
}

func exceptionCase(r *Record, p Period, asOf time.Time) outcome {
	switch d := deliveryCase(r, p, asOf); {
	case d == outNone:
		return outNone
	case r.DeliveryException:
		return outBad
	case d == outPending:
		return outPending
	}
	return outGood
}

func cancelCase(r *Record, p Period) outcome {
	switch {
	case r.PaidAt.IsZero() || !p.Contains(r.PaidAt):
		return outNone
	case !r.CancelledAt.IsZero() && r.SellerFault:
		return outBad
	}
	return outGood
}

// decide is good when done by due, bad when done late or not done by asOf past due, pending
// otherwise.
func decide(done, due, asOf time.Time) outcome {
	switch {
	case !done.IsZero() && !done.After(due):
		return outGood
	case !done.IsZero() || asOf.After(due):
		return outBad
	}
	return outPending
}

// cancelledBefore: the order was cancelled before due without the thing done by then: it
// leaves the figure (the clock stopped).
func cancelledBefore(r *Record, due, done time.Time) bool {
	return !r.CancelledAt.IsZero() && !r.CancelledAt.After(due) && (done.IsZero() || done.After(r.CancelledAt))
}

// count adds an outcome to a rate where bad is what the rate counts.
func (r *Rate) count(o outcome, badCounts bool) {
	switch o {
	case outPending:
		r.Pending++
	case outGood, outBad:
		r.Den++
		if (o == outBad) == badCounts {
			r.Num++
		}
	}
}

// Compute is the scores of period as of asOf, per group (sorted by group), with the LTS of
// cfg. Pending cases count in no rate (see Forecast).
func Compute(records []Record, p Period, by GroupBy, asOf time.Time, cfg ScoreConfig) []Scores {
	groups := map[string]*Scores{}
	for i := range records {
		r := &records[i]
		cases := [...]outcome{
			confirmCase(r, p, asOf), dispatchCase(r, p, asOf), trackingCase(r, p, asOf),
			deliveryCase(r, p, asOf), exceptionCase(r, p, asOf), cancelCase(r, p),
		}
		if cases == [6]outcome{} {
			continue
		}
		key := by.of(r)
		s := groups[key]
		if s == nil {
			s = &Scores{Group: key, Period: p}
			groups[key] = s
		}
		s.Orders++
		s.ConfirmationTimeout.count(cases[0], true)
		s.LateDispatch.count(cases[1], true)
		s.ValidTracking.count(cases[2], false)
		s.OnTimeDelivery.count(cases[3], false)
		s.LateDelivery.count(cases[3], true)
		s.DeliveryException.count(cases[4], true)
		s.SellerFaultCancel.count(cases[5], true)
		if cases[3] != outNone && !r.DeliveredAt.IsZero() {
			s.Completeness.Present += float64(r.MilestonesPresent)
			s.Completeness.Expected += float64(r.MilestonesExpected)
		}
	}
	out := make([]Scores, 0, len(groups))
	for _, s := range groups {
		s.LTS, s.LTSOK = ComputeLTS(s, cfg.LTS)
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b Scores) int { return cmp.Compare(a.Group, b.Group) })
	return out
}
