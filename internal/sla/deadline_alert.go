package sla

import "time"

// AlertKind is what a deadline alert says.
type AlertKind string

// The deadline alerts.
const (
	// AlertAtRisk: the at-risk share of the window has gone and the clock is not met.
	AlertAtRisk AlertKind = "at_risk"
	// AlertBreached: the due time passed without the clock being met.
	AlertBreached AlertKind = "breached"
)

// Raised is what has been raised for a deadline's key so far. The store keeps it beside the
// key.
type Raised struct {
	AtRisk, Breached bool
}

// Raise returns the alerts d's state calls for that have not been raised yet, and what has
// been raised after them. Each alert is raised at most once per key: at risk when the clock
// turns at risk, breached when it breaches. A clock that breaches before it was seen at risk
// (a sweep that came late, a clock met late) raises the breach alone and never the at-risk
// after it; a clock met in time raises nothing more.
func Raise(d Deadline, already Raised) ([]AlertKind, Raised) {
	var out []AlertKind
	switch d.State {
	case StateAtRisk:
		if !already.AtRisk {
			out = append(out, AlertAtRisk)
			already.AtRisk = true
		}
	case StateBreached:
		if !already.Breached {
			out = append(out, AlertBreached)
			already.Breached, already.AtRisk = true, true
		}
	}
	return out, already
}

// OldBreach reports whether a deadline's breach is recorded without an alert: lastmile
// computes the clock for the first time (firstSeen: no stored row has its key) when it has been
// breached for longer than grace already. That is an order older than lastmile's clocks: the
// clocks turned on for a store with old orders, an upgrade that adds a clock, an old order
// imported late. Its breach is long past and nothing can meet it any more, so it is stored
// breached (it counts in the scores like any other) but raises neither an alert nor a
// notification; a breach within grace still alerts. A zero grace alerts every breach.
func OldBreach(d Deadline, firstSeen bool, now time.Time, grace time.Duration) bool {
	return firstSeen && grace > 0 && d.State == StateBreached && d.DueAt.Add(grace).Before(now)
}
