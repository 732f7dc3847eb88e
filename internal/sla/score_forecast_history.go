package sla

import (
	"math"
	"time"
)

// MinHistory is how many comparable past cases a conditional estimate of the forecast needs;
// with fewer it falls back to the plain base rate.
const MinHistory = 20

// never stands for a wait that has not ended (a parcel never scanned).
const never = time.Duration(math.MaxInt64)

// waits are how long past cases waited for what a clock waits for, counted from the clock's
// start: the seller's time from confirmation to the first scan (R-SHIP-1), or from the ship
// deadline to the first scan for a tracking number not scanned by it. A case still waiting
// counts as never.
type waits []time.Duration

// beyond is the share of the cases that waited longer than e which went on waiting longer
// than w: P(wait > w | wait > e), from the cases themselves. ok is false with fewer than
// MinHistory cases beyond e.
func (ws waits) beyond(e, w time.Duration) (float64, bool) {
	n, k := 0, 0
	for _, d := range ws {
		if d <= e {
			continue
		}
		n++
		if d > w {
			k++
		}
	}
	if n < MinHistory {
		return 0, false
	}
	return float64(k) / float64(n), true
}

// forecastHistory holds, per group and for all ("" key absent: all in all), the past cases the
// forecast conditions its pending cases on: the decided dispatch cases whose ship deadline
// fell in the PriorDays before the period or in the period so far, by the seller's wait from
// confirmation to the first scan; and the tracking numbers of the prior days that were not
// scanned by their ship deadline, by their wait after it.
type forecastHistory struct {
	dispatch, unscanned map[string]waits
	allDispatch, allUns waits
	// dispatchAt are the dispatch waits by the hour of the day of the confirmation: a seller
	// labels in a daily run, and where a case falls in it depends on when it was confirmed.
	dispatchAt    map[string]*[24]waits
	allDispatchAt [24]waits
}

func newForecastHistory(records []Record, p Period, by GroupBy, now time.Time) forecastHistory {
	h := forecastHistory{dispatch: map[string]waits{}, unscanned: map[string]waits{}, dispatchAt: map[string]*[24]waits{}}
	window := Period{Label: "history", Start: p.Start.Add(-PriorDays * 24 * time.Hour), End: p.End}
	if now.Before(window.End) {
		window.End = now // a case not due yet is decided only if it went well: a biased few
	}
	prior := Period{Label: "prior", Start: window.Start, End: p.Start}
	for i := range records {
		r := &records[i]
		g := by.of(r)
		if out := dispatchCase(r, window, now); (out == outGood || out == outBad) && !r.ConfirmedAt.IsZero() && !r.ConfirmedAt.After(now) {
			d := never
			if !r.ShippedAt.IsZero() {
				d = r.ShippedAt.Sub(r.ConfirmedAt)
			}
			h.dispatch[g] = append(h.dispatch[g], d)
			h.allDispatch = append(h.allDispatch, d)
			if h.dispatchAt[g] == nil {
				h.dispatchAt[g] = &[24]waits{}
			}
			hr := r.ConfirmedAt.Hour()
			h.dispatchAt[g][hr] = append(h.dispatchAt[g][hr], d)
			h.allDispatchAt[hr] = append(h.allDispatchAt[hr], d)
		}
		if trackingCase(r, prior, now) != outNone && (r.ShippedAt.IsZero() || r.ShippedAt.After(r.ShipDueAt)) {
			d := never
			if r.ValidTracking && !r.ShippedAt.IsZero() {
				d = r.ShippedAt.Sub(r.ShipDueAt)
			}
			h.unscanned[g] = append(h.unscanned[g], d)
			h.allUns = append(h.allUns, d)
		}
	}
	return h
}

// scannedLate is the chance that r's tracking number, not scanned by its ship deadline and
// still not at now, is scanned after all (the valid-tracking rate counts a number the carrier
// ever scanned): P(wait after the deadline is finite | wait > now − deadline).
func (h forecastHistory) scannedLate(r *Record, group string, now time.Time) (float64, bool) {
	return h.scannedLateAfter(group, now.Sub(r.ShipDueAt))
}

// scannedLateAfter is the chance that a tracking number not scanned e after its ship deadline
// is scanned after all.
func (h forecastHistory) scannedLateAfter(group string, e time.Duration) (float64, bool) {
	if v, ok := h.unscanned[group].beyond(e, never-1); ok {
		return 1 - v, true
	}
	if v, ok := h.allUns.beyond(e, never-1); ok {
		return 1 - v, true
	}
	return 0, false
}

// lateDispatch is the chance that r, confirmed and not scanned at now, is scanned after its
// ship deadline or never: P(wait > deadline − confirmation | wait > now − confirmation) over
// the past cases confirmed in the same hour of the day (a seller labels in a daily run: a case
// confirmed at 23:00 and one confirmed at 11:00 are at different points of it at the same age). The later in its window a parcel is still unscanned, the likelier it is late:
// the early ones of its cohort have shipped and left the pending few.
func (h forecastHistory) lateDispatch(r *Record, group string, now time.Time) (float64, bool) {
	if r.ConfirmedAt.IsZero() || r.ConfirmedAt.After(now) {
		return 0, false
	}
	e, w, hr := now.Sub(r.ConfirmedAt), r.ShipDueAt.Sub(r.ConfirmedAt), r.ConfirmedAt.Hour()
	if at := h.dispatchAt[group]; at != nil {
		if v, ok := at[hr].beyond(e, w); ok {
			return v, true
		}
	}
	return h.allDispatchAt[hr].beyond(e, w)
}
