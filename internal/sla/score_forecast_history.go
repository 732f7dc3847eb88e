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
	// sameHour counts, per group and for all, the dispatch cases that were pending at the same
	// hour of each of the PriorDays before now (confirmed, not scanned, their deadline ahead)
	// and are decided at now, by the whole days then left to their deadline.
	sameHour    map[string]*pendingDays
	allSameHour pendingDays
}

// pendingDays are past pending cases by the whole days then left to their deadline: how many,
// and how many of them were late in the end.
type pendingDays struct {
	n, late [maxLeadDays]int
}

// maxLeadDays bounds the days left to a ship deadline that pendingDays tells apart; a case
// further ahead counts in the last.
const maxLeadDays = 8

func newForecastHistory(records []Record, p Period, by GroupBy, now time.Time) forecastHistory {
	h := forecastHistory{dispatch: map[string]waits{}, unscanned: map[string]waits{}, sameHour: map[string]*pendingDays{}}
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
			h.addSameHour(r, g, now)
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
	e := now.Sub(r.ShipDueAt)
	if v, ok := h.unscanned[group].beyond(e, never-1); ok {
		return 1 - v, true
	}
	if v, ok := h.allUns.beyond(e, never-1); ok {
		return 1 - v, true
	}
	return 0, false
}

// addSameHour counts r, a decided dispatch case, at the same hour and weekday of each week of the PriorDays
// before now at which it was pending.
func (h *forecastHistory) addSameHour(r *Record, group string, now time.Time) {
	late := r.ShippedAt.IsZero() || r.ShippedAt.After(r.ShipDueAt)
	pd := h.sameHour[group]
	if pd == nil {
		pd = &pendingDays{}
		h.sameHour[group] = pd
	}
	for k := replayStep; k <= PriorDays; k += replayStep {
		at := now.Add(-time.Duration(k) * 24 * time.Hour)
		if r.ConfirmedAt.After(at) || !r.ShipDueAt.After(at) || (!r.ShippedAt.IsZero() && !r.ShippedAt.After(at)) {
			continue
		}
		d := leadDays(r.ShipDueAt.Sub(at))
		for _, c := range []*pendingDays{pd, &h.allSameHour} {
			c.n[d]++
			if late {
				c.late[d]++
			}
		}
	}
}

func leadDays(left time.Duration) int {
	return min(maxLeadDays-1, int(left/(24*time.Hour)))
}

// lateDispatch is the chance that r, confirmed and not scanned at now, its ship deadline still
// ahead, is scanned after its deadline or never: the share of the past cases that were in the
// same place at the same hour of a day before (confirmed, not scanned, as many whole days left
// to their deadline) and were late. The cases scanned early have left the pending ones, so
// these are likelier to be late than the base rate says; and sellers work to a daily routine,
// so a case is compared with those seen at the same hour of the day. ok is false with fewer
// than MinHistory such cases.
func (h forecastHistory) lateDispatch(r *Record, group string, now time.Time) (float64, bool) {
	d := leadDays(r.ShipDueAt.Sub(now))
	for _, pd := range []*pendingDays{h.sameHour[group], &h.allSameHour} {
		if pd != nil && pd.n[d] >= MinHistory {
			return float64(pd.late[d]) / float64(pd.n[d]), true
		}
	}
	return 0, false
}
