package sla

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
