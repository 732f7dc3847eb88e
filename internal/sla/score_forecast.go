package sla

import (
	"cmp"
	"slices"
	"time"

	"lastmile/internal/tracking"
)

// Outlook says how likely a pending delivery is to be on time.
type Outlook interface {
	// OnTime is the probability, 0 to 1, that r (shipped, not delivered, its late time still
	// ahead) is delivered by r.LateAt, given that it is not delivered at now.
	OnTime(r *Record, now time.Time) float64
}

// EstimateOutlook is the Outlook of the delivery estimate learnt from lastmile's history
// (tracking.Estimator): the chance the parcel's remaining transit fits before its late time.
type EstimateOutlook struct {
	Estimator *tracking.Estimator
}

// OnTime implements Outlook.
func (e EstimateOutlook) OnTime(r *Record, now time.Time) float64 {
	return e.Estimator.OnTimeProbability(r.EstimateLane, r.ShippedAt, now, r.LateAt, r.RateCard)
}

// PriorDays are the days before a period whose decided cases the forecast pools with the
// period's own for its base rates.
const PriorDays = 28

// Forecast is the expected scores of period once every pending case is decided, as of now: the
// decided cases as Compute counts them, plus each pending one by its probability. A pending
// delivery counts on time with the Outlook's probability; the other pending cases (dispatch,
// valid tracking, exceptions, confirmations) count with the rate of the group's decided cases
// of the same figure (the whole period's when the group has none; with nothing decided, 0,
// and valid tracking 1). The LTS is computed from the expected rates. Seller-fault cancellations and
// tracking completeness are taken as they stand.
func Forecast(records []Record, p Period, by GroupBy, now time.Time, cfg ScoreConfig, o Outlook) []Scores {
	decided := Compute(records, p, by, now, cfg)
	// The base rates pool the period's decided cases with those of the PriorDays before it
	// (when records holds them): early in a week, its few decided cases alone are noise.
	prior := Period{Label: "prior", Start: p.Start.Add(-PriorDays * 24 * time.Hour), End: p.Start}
	priorGroups := map[string]*Scores{}
	pg := Compute(records, prior, by, now, cfg)
	for i := range pg {
		priorGroups[pg[i].Group] = &pg[i]
	}
	var priorAll *Scores
	if pa := Compute(records, prior, GroupAll, now, cfg); len(pa) == 1 {
		priorAll = &pa[0]
	}
	// The period's own cases join the base rates only once their deadline has passed: before
	// it, the decided ones are a biased few (a parcel scanned early is decided, one still
	// waiting is not), which would pull a Monday's rates toward the good outcome.
	elapsed := Period{Label: "elapsed", Start: p.Start, End: p.End}
	if now.Before(elapsed.End) {
		elapsed.End = now
	}
	elapsedGroups := map[string]*Scores{}
	var overall *Scores
	if elapsed.End.After(elapsed.Start) {
		eg := Compute(records, elapsed, by, now, cfg)
		for i := range eg {
			elapsedGroups[eg[i].Group] = &eg[i]
		}
		if ea := Compute(records, elapsed, GroupAll, now, cfg); len(ea) == 1 {
			overall = &ea[0]
		}
	}
	groups := make(map[string]*Scores, len(decided))
	for i := range decided {
		groups[decided[i].Group] = &decided[i]
	}
	pooled := func(a, b *Scores, get func(*Scores) Rate) (float64, bool) {
		var r Rate
		for _, s := range []*Scores{a, b} {
			if s != nil {
				g := get(s)
				r.Num, r.Den = r.Num+g.Num, r.Den+g.Den
			}
		}
		return r.Value()
	}
	base := func(s *Scores, get func(*Scores) Rate, none float64) float64 {
		if v, ok := pooled(elapsedGroups[s.Group], priorGroups[s.Group], get); ok {
			return v
		}
		if v, ok := pooled(overall, priorAll, get); ok {
			return v
		}
		return none
	}
	hist := newForecastHistory(records, p, by, now)
	type pending struct {
		s            *Scores
		group        string
		rec          *Record
		confirm      bool
		dispatch     bool
		trackingCase bool
		delivery     bool
		exception    bool
		// unscanned: the tracking number was not scanned by its ship deadline, which has
		// passed; the carrier may still scan it, and the final figure counts it valid then.
		unscanned bool
	}
	var todo []pending
	for i := range records {
		r := &records[i]
		pd := pending{
			rec: r, confirm: confirmCase(r, p, now) == outPending, dispatch: dispatchCase(r, p, now) == outPending,
			trackingCase: trackingCase(r, p, now) == outPending, delivery: deliveryCase(r, p, now) == outPending,
			exception: exceptionCase(r, p, now) == outPending,
			unscanned: trackingCase(r, p, now) == outBad, group: by.of(r),
		}
		if !pd.confirm && !pd.dispatch && !pd.trackingCase && !pd.delivery && !pd.exception && !pd.unscanned {
			continue
		}
		if pd.s = groups[pd.group]; pd.s != nil {
			todo = append(todo, pd)
		}
	}
	// The base rates are read before any pending case is added.
	type rates struct{ confirm, dispatch, valid, exception float64 }
	bases := map[*Scores]rates{}
	for _, pd := range todo {
		if _, ok := bases[pd.s]; !ok {
			bases[pd.s] = rates{
				confirm:   base(pd.s, func(s *Scores) Rate { return s.ConfirmationTimeout }, 0),
				dispatch:  base(pd.s, func(s *Scores) Rate { return s.LateDispatch }, 0),
				valid:     base(pd.s, func(s *Scores) Rate { return s.ValidTracking }, 1),
				exception: base(pd.s, func(s *Scores) Rate { return s.DeliveryException }, 0),
			}
		}
	}
	for _, pd := range todo {
		s, b := pd.s, bases[pd.s]
		if pd.confirm {
			expect(&s.ConfirmationTimeout, b.confirm)
		}
		if pd.dispatch {
			expect(&s.LateDispatch, b.dispatch)
		}
		if pd.trackingCase {
			// Valid if scanned by the deadline, or scanned after it as the late ones were.
			valid := b.valid
			if later, ok := hist.scannedLate(pd.rec, pd.group, pd.rec.ShipDueAt); ok {
				valid += (1 - valid) * later
			}
			expect(&s.ValidTracking, valid)
		}
		if pd.unscanned {
			if later, ok := hist.scannedLate(pd.rec, pd.group, now); ok {
				s.ValidTracking.Num += later
			}
		}
		if pd.delivery {
			onTime := clamp01(o.OnTime(pd.rec, now))
			expect(&s.OnTimeDelivery, onTime)
			expect(&s.LateDelivery, 1-onTime)
		}
		if pd.exception {
			expect(&s.DeliveryException, b.exception)
		}
	}
	out := make([]Scores, 0, len(groups))
	for _, s := range groups {
		s.LTS, s.LTSOK = ComputeLTS(s, cfg.LTS)
		s.Forecast = true
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b Scores) int { return cmp.Compare(a.Group, b.Group) })
	return out
}

// expect adds a pending case with probability p of what the rate counts.
func expect(r *Rate, p float64) {
	r.Pending--
	r.Den++
	r.Num += p
}

func clamp01(p float64) float64 { return min(1, max(0, p)) }
