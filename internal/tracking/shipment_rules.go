package tracking

import (
	"errors"
	"fmt"
	"time"
)

// The platform's published figures for the tracking clocks (docs/rules.md). They are
// configuration per market (Figures); these are the defaults.
const (
	// DefaultFirstScanWithin: the first scan within 4 h of the label's creation (R-TRK-1).
	DefaultFirstScanWithin = 4 * time.Hour
	// DefaultCarrierReportWithin: the carrier reports the pickup within 24 h of dispatch (R-TRK-2).
	DefaultCarrierReportWithin = 24 * time.Hour
	// DefaultEventCadenceCertified: an event at least every 24 h on a certified last-mile
	// carrier (R-TRK-3).
	DefaultEventCadenceCertified = 24 * time.Hour
	// DefaultEventCadenceCrossBorder: an event at least every 48 h across a border (R-TRK-3).
	DefaultEventCadenceCrossBorder = 48 * time.Hour
	// DefaultStaleAfter: no event for more than 72 h is a logistics exception (R-TRK-5).
	DefaultStaleAfter = 72 * time.Hour
)

// Figures are the tracking clocks' figures for one market (or shop). The configuration keys
// are markets.<CC>.first_scan_within, carrier_report_within, event_cadence_certified,
// event_cadence_cross_border and stale_after.
type Figures struct {
	// FirstScanWithin: the first scan within this of the label's creation (R-TRK-1).
	FirstScanWithin time.Duration
	// CarrierReportWithin: the carrier reports the pickup within this of dispatch (R-TRK-2).
	CarrierReportWithin time.Duration
	// EventCadenceCertified: an event at least this often on a domestic (certified last-mile)
	// shipment (R-TRK-3).
	EventCadenceCertified time.Duration
	// EventCadenceCrossBorder: an event at least this often on a cross-border shipment (R-TRK-3).
	EventCadenceCrossBorder time.Duration
	// StaleAfter: no event for more than this is a logistics exception (R-TRK-5).
	StaleAfter time.Duration
}

// DefaultFigures are the platform's published figures.
func DefaultFigures() Figures {
	return Figures{
		FirstScanWithin:         DefaultFirstScanWithin,
		CarrierReportWithin:     DefaultCarrierReportWithin,
		EventCadenceCertified:   DefaultEventCadenceCertified,
		EventCadenceCrossBorder: DefaultEventCadenceCrossBorder,
		StaleAfter:              DefaultStaleAfter,
	}
}

// WithDefaults fills every zero figure with its default.
func (f Figures) WithDefaults() Figures {
	d := DefaultFigures()
	if f.FirstScanWithin == 0 {
		f.FirstScanWithin = d.FirstScanWithin
	}
	if f.CarrierReportWithin == 0 {
		f.CarrierReportWithin = d.CarrierReportWithin
	}
	if f.EventCadenceCertified == 0 {
		f.EventCadenceCertified = d.EventCadenceCertified
	}
	if f.EventCadenceCrossBorder == 0 {
		f.EventCadenceCrossBorder = d.EventCadenceCrossBorder
	}
	if f.StaleAfter == 0 {
		f.StaleAfter = d.StaleAfter
	}
	return f
}

// Validate reports every figure that is not positive, by its configuration key.
func (f Figures) Validate() error {
	var errs []error
	for _, v := range [...]struct {
		key  string
		rule string
		d    time.Duration
	}{
		{"first_scan_within", "R-TRK-1", f.FirstScanWithin},
		{"carrier_report_within", "R-TRK-2", f.CarrierReportWithin},
		{"event_cadence_certified", "R-TRK-3", f.EventCadenceCertified},
		{"event_cadence_cross_border", "R-TRK-3", f.EventCadenceCrossBorder},
		{"stale_after", "R-TRK-5", f.StaleAfter},
	} {
		if v.d <= 0 {
			errs = append(errs, fmt.Errorf("%s (%s) is %s: want a positive duration such as 24h", v.key, v.rule, v.d))
		}
	}
	return errors.Join(errs...)
}

// Cadence is the longest a shipment may go without an event (R-TRK-3).
func (f Figures) Cadence(crossBorder bool) time.Duration {
	if crossBorder {
		return f.EventCadenceCrossBorder
	}
	return f.EventCadenceCertified
}

// InFlight reports whether the carrier has the parcel and its way is not over: first scanned
// and not delivered, returned or cancelled. The cadence and stale rules apply only then.
func (s *ShipmentTracking) InFlight() bool {
	return !s.FirstScanAt.IsZero() && !s.Status.Terminal()
}

// StaleAt is when an in-flight shipment becomes stale if no event comes: its last event plus
// after (R-TRK-5). ok is false when the rule does not apply (not in flight). A due-time index
// stores it; a new event moves it.
func StaleAt(s *ShipmentTracking, after time.Duration) (at time.Time, ok bool) {
	if !s.InFlight() {
		return time.Time{}, false
	}
	return s.LastEventAt.Add(after), true
}

// IsStale reports whether an in-flight shipment has had no event for more than after at now
// (R-TRK-5): a logistics exception of reason stale.
func IsStale(s *ShipmentTracking, now time.Time, after time.Duration) bool {
	at, ok := StaleAt(s, after)
	return ok && now.After(at)
}

// CadenceCheck is a shipment's tracking cadence against its figure (R-TRK-3).
type CadenceCheck struct {
	// Every is the figure applied: the certified or the cross-border cadence.
	Every time.Duration
	// LongestGap is the longest gap between events so far, the running one included while in
	// flight.
	LongestGap time.Duration
	// Gaps counts the gaps longer than Every, the running one included while in flight.
	Gaps int
	// DueAt is when the next event is due (last event plus Every); zero when not in flight.
	DueAt time.Time
	// Overdue: in flight and now is past DueAt.
	Overdue bool
}

// Met reports whether no gap was longer than the cadence.
func (c CadenceCheck) Met() bool { return c.Gaps == 0 }

// Cadence checks s against the event cadence of f at now (R-TRK-3): the gaps between events
// from the first scan on, and, while in flight, the gap still running.
func Cadence(s *ShipmentTracking, now time.Time, f Figures) CadenceCheck {
	c := CadenceCheck{Every: f.Cadence(s.CrossBorder)}
	if s.FirstScanAt.IsZero() {
		return c
	}
	var prev time.Time
	for i := range s.Events {
		at := s.Events[i].OccurredAt
		if at.Before(s.FirstScanAt) {
			continue
		}
		if !prev.IsZero() {
			c.add(at.Sub(prev))
		}
		prev = at
	}
	if s.InFlight() {
		c.DueAt = s.LastEventAt.Add(c.Every)
		if now.After(s.LastEventAt) {
			c.add(now.Sub(s.LastEventAt))
		}
		c.Overdue = now.After(c.DueAt)
	}
	return c
}

func (c *CadenceCheck) add(gap time.Duration) {
	if gap > c.LongestGap {
		c.LongestGap = gap
	}
	if gap > c.Every {
		c.Gaps++
	}
}

// Completeness is a delivered shipment's share of what complete tracking shows: each required
// milestone (Required: out for delivery and delivered; export customs and arrival in the
// destination country too across a border), and one item for a cadence kept without a gap
// longer than its figure (R-TRK-3). It returns the items present and expected; a shop's
// tracking completeness (R-TRK-6) is 100 × Σ present ÷ Σ expected over its delivered
// shipments. A shipment not delivered expects nothing yet: (0, 0).
func Completeness(s *ShipmentTracking, f Figures) (present, expected int) {
	if s.Status != StatusDelivered {
		return 0, 0
	}
	req := Required(s.CrossBorder)
	expected = req.Len() + 1
	present = (s.Reached & req).Len()
	if Cadence(s, s.DeliveredAt, f).Met() {
		present++
	}
	return present, expected
}
