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
// and valid tracking 1; a confirmed dispatch by its past cases still unscanned as long,
// lateDispatch). The cases of orders not paid or not confirmed at now are added at the run
// rate of the weeks before (casesToCome). The LTS is computed from the expected rates. Seller-fault cancellations and
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
	// The cases still to come: orders not paid or not confirmed yet whose deadline will fall in
	// the period, at the run rate of the weeks before.
	toCome := casesToCome(records, p, by, now)
	for g := range toCome {
		if groups[g] == nil {
			groups[g] = &Scores{Group: g, Period: p}
		}
	}
	// The base rates are read before any pending case is added.
	type rates struct{ confirm, dispatch, valid, exception, cancel float64 }
	bases := map[*Scores]rates{}
	rateOf := func(s *Scores) rates {
		if b, ok := bases[s]; ok {
			return b
		}
		b := rates{
			confirm:   base(s, func(s *Scores) Rate { return s.ConfirmationTimeout }, 0),
			dispatch:  base(s, func(s *Scores) Rate { return s.LateDispatch }, 0),
			valid:     base(s, func(s *Scores) Rate { return s.ValidTracking }, 1),
			exception: base(s, func(s *Scores) Rate { return s.DeliveryException }, 0),
			cancel:    base(s, func(s *Scores) Rate { return s.SellerFaultCancel }, 0),
		}
		bases[s] = b
		return b
	}
	for _, pd := range todo {
		rateOf(pd.s)
	}
	for g := range toCome {
		rateOf(groups[g])
	}
	for g, c := range toCome {
		s, b := groups[g], rateOf(groups[g])
		expectMany(&s.ConfirmationTimeout, c.confirm, b.confirm)
		expectMany(&s.LateDispatch, c.dispatch, b.dispatch)
		valid := b.valid
		if later, ok := hist.scannedLateAfter(g, 0); ok {
			valid += (1 - valid) * later
		}
		expectMany(&s.ValidTracking, c.tracking, valid)
		expectMany(&s.SellerFaultCancel, c.paid, b.cancel)
	}
	for _, pd := range todo {
		s, b := pd.s, bases[pd.s]
		if pd.confirm {
			expect(&s.ConfirmationTimeout, b.confirm)
		}
		if pd.dispatch {
			late := b.dispatch
			if l, ok := hist.lateDispatch(pd.rec, pd.group, now); ok {
				late = l
			}
			expect(&s.LateDispatch, late)
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

// expectMany adds n cases still to come (n need not be whole), each with probability p of what
// the rate counts.
func expectMany(r *Rate, n, p float64) {
	r.Den += n
	r.Num += n * p
}

// toCome are the expected numbers of a group's cases of a period that do not exist yet.
type toCome struct{ confirm, dispatch, tracking, paid float64 }

// RunRateWeeks is how many periods before the forecast one it takes the run rate of the cases
// still to come from.
const RunRateWeeks = PriorDays / 7

// casesToCome estimates, per group, the cases of p that do not exist at now: confirmation
// cases of orders not paid yet, dispatch and tracking cases of orders not confirmed yet (their
// ship deadline runs from the confirmation), and orders not paid yet. Each is the mean, over
// the RunRateWeeks periods before p (whole weeks back, as long as p at least), of the cases of
// that period that did not exist at the same point of it: the shop's run rate for the rest of
// the period, weekday and hour of the day included.
func casesToCome(records []Record, p Period, by GroupBy, now time.Time) map[string]toCome {
	out := map[string]toCome{}
	if !now.Before(p.End) {
		return out
	}
	week := 7 * 24 * time.Hour
	step := (p.End.Sub(p.Start) + week - 1) / week * week
	for k := 1; k <= RunRateWeeks; k++ {
		back := time.Duration(k) * step
		sp := Period{Label: "run rate", Start: p.Start.Add(-back), End: p.End.Add(-back)}
		then := now.Add(-back)
		for i := range records {
			r := &records[i]
			var c toCome
			if r.PaidAt.After(then) && !r.ConfirmDueAt.IsZero() && sp.Contains(r.ConfirmDueAt) {
				c.confirm = 1
			}
			// A ship deadline runs from the confirmation: a case confirmed after then had none.
			if r.ConfirmedAt.After(then) && dispatchCase(r, sp, now) != outNone {
				c.dispatch = 1
				if r.HasTracking {
					c.tracking = 1
				}
			}
			if r.PaidAt.After(then) && cancelCase(r, sp) != outNone {
				c.paid = 1
			}
			if c == (toCome{}) {
				continue
			}
			g := by.of(r)
			t := out[g]
			t.confirm += c.confirm / RunRateWeeks
			t.dispatch += c.dispatch / RunRateWeeks
			t.tracking += c.tracking / RunRateWeeks
			t.paid += c.paid / RunRateWeeks
			out[g] = t
		}
	}
	return out
}

// expect adds a pending case with probability p of what the rate counts.
func expect(r *Rate, p float64) {
	r.Pending--
	r.Den++
	r.Num += p
}

func clamp01(p float64) float64 { return min(1, max(0, p)) }
