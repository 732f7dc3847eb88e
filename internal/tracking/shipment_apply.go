package tracking

import (
	"slices"
	"sort"
	"time"
)

// ShipmentTracking is a shipment's tracking: its events, and what they add up to. Only the
// identity, CrossBorder and Events are facts; Apply derives every other field from them, so a
// stored state is re-derived with Apply(state, nil).
type ShipmentTracking struct {
	TrackingNumber string
	Carrier        string
	// CrossBorder: the parcel crosses a border (ship-from country ≠ destination). It adds the
	// customs milestones to those required (R-TRK-4) and the cross-border cadence (R-TRK-3).
	CrossBorder bool
	// Events are the shipment's events, oldest first, each once.
	Events []Event

	// Status is the status of the latest event that counts (see Apply), Pending without one;
	// Reason its reason, StatusAt its time.
	Status   Status
	Reason   Reason
	StatusAt time.Time
	// FirstScanAt is the first event showing the carrier has the parcel (R-TRK-1).
	FirstScanAt time.Time
	// LastEventAt is the latest carrier event of any kind, unknown codes included: the
	// carrier's last sign of life, which the cadence and stale rules count from.
	LastEventAt time.Time
	// DeliveredAt is when the parcel was delivered, zero unless Status is delivered.
	DeliveredAt time.Time
	// Milestones holds when each milestone was first reached (R-TRK-4).
	Milestones MilestoneTimes
	// Reached are the milestones reached; Missing the required ones (Required) passed over:
	// a milestone is missing once a later one was reached without it. A parcel still on its
	// way misses nothing it may yet reach.
	Reached, Missing MilestoneSet
	// Exceptions are every exception the shipment went through, oldest first; those with a
	// zero ClosedAt are open.
	Exceptions []Exception
	// UnknownCodes counts events whose raw code the carrier's table does not list.
	UnknownCodes int
	// LongestGap is the longest time between two consecutive events from the first scan on
	// (to the last event; the gap still running is the cadence rule's business).
	LongestGap time.Duration
}

// MilestoneTimes is when each milestone was first reached; zero when not reached.
type MilestoneTimes struct {
	ExportCustoms, DestinationArrival, ImportCustoms, OutForDelivery, Delivered time.Time
}

// At is the time milestone m was reached.
func (t *MilestoneTimes) At(m Milestone) time.Time {
	switch m {
	case MilestoneExportCustoms:
		return t.ExportCustoms
	case MilestoneDestinationArrival:
		return t.DestinationArrival
	case MilestoneImportCustoms:
		return t.ImportCustoms
	case MilestoneOutForDelivery:
		return t.OutForDelivery
	case MilestoneDelivered:
		return t.Delivered
	}
	return time.Time{}
}

// Set records that milestone m was reached at at.
func (t *MilestoneTimes) Set(m Milestone, at time.Time) {
	switch m {
	case MilestoneExportCustoms:
		t.ExportCustoms = at
	case MilestoneDestinationArrival:
		t.DestinationArrival = at
	case MilestoneImportCustoms:
		t.ImportCustoms = at
	case MilestoneOutForDelivery:
		t.OutForDelivery = at
	case MilestoneDelivered:
		t.Delivered = at
	}
}

// Exception is one episode of trouble: opened by the first exception event of its reason,
// closed by the first later event that shows the parcel moving again (in transit, out for
// delivery, a delivery attempt, at a pickup point, delivered, back with the sender).
type Exception struct {
	Reason   Reason
	OpenedAt time.Time
	// ClosedAt is zero while the exception is open.
	ClosedAt time.Time
	// RawCode and Description are the opening event's.
	RawCode     string
	Description string
}

// Open reports whether the exception is still open.
func (x *Exception) Open() bool { return x.ClosedAt.IsZero() }

// OpenExceptions are the shipment's open exceptions.
func (s *ShipmentTracking) OpenExceptions() []Exception {
	var out []Exception
	for _, x := range s.Exceptions {
		if x.Open() {
			out = append(out, x)
		}
	}
	return out
}

// HadException reports whether the shipment ever went through an exception of reason r.
func (s *ShipmentTracking) HadException(r Reason) bool {
	return slices.ContainsFunc(s.Exceptions, func(x Exception) bool { return x.Reason == r })
}

// HadDeliveryException reports whether the shipment was ever refused, lost or misdelivered:
// what the delivery-exception rate counts (R-SLA-4).
func (s *ShipmentTracking) HadDeliveryException() bool {
	return slices.ContainsFunc(s.Exceptions, func(x Exception) bool { return x.Reason.DeliveryException() })
}

// Contains reports whether an event with e's identity (Event.Key) is among the shipment's.
func (s *ShipmentTracking) Contains(e *Event) bool {
	_, ok := find(s.Events, e)
	return ok
}

// find is the index of the event with e's key in events, sorted by before.
func find(events []Event, e *Event) (int, bool) {
	sec := e.OccurredAt.Unix()
	i := sort.Search(len(events), func(i int) bool { return events[i].OccurredAt.Unix() >= sec })
	for ; i < len(events) && events[i].OccurredAt.Unix() == sec; i++ {
		if events[i].RawCode == e.RawCode {
			return i, true
		}
	}
	return 0, false
}

// Apply returns s with events added, and every derived field computed again. Events must be
// normalised (Codes.Normalize). It is pure and leaves s untouched.
//
//   - Idempotent: an event whose identity (Event.Key) is already there adds nothing; when the
//     copies differ in description or location, the kept copy takes each detail in a way that
//     does not depend on which came first (mergeDuplicate).
//   - Order-independent: the events are kept sorted by time, so any arrival order of the same
//     events gives the same state.
//   - Events of another tracking number or carrier are ignored; an empty s takes its identity
//     from the first event.
//
// The status is the latest event's (by OccurredAt; events in the same second rank by how far
// along they are), with two exceptions:
//
//   - An event with an unknown code moves nothing (see Codes.Normalize).
//   - Delivered holds against later routine scans (in transit, out for delivery, a failed
//     attempt, at a pickup point, cancelled): carriers send stray scans after delivery, and
//     they do not undo it. An exception after delivery (misdelivered, damaged, refused) or a
//     return does override it: a parcel refused at the door and sent back, or found delivered
//     to the wrong house, is no longer delivered; it is delivered again by a later delivered
//     event.
func Apply(s ShipmentTracking, events []Event) ShipmentTracking {
	if s.TrackingNumber == "" && s.Carrier == "" && len(events) > 0 {
		s.TrackingNumber, s.Carrier = events[0].TrackingNumber, events[0].Carrier
	}
	merged := make([]Event, len(s.Events), len(s.Events)+len(events))
	copy(merged, s.Events)
	resort := false
	for i := range events {
		e := &events[i]
		if e.TrackingNumber != s.TrackingNumber || e.Carrier != s.Carrier {
			continue
		}
		if j, ok := find(merged, e); ok {
			m := mergeDuplicate(merged[j], *e)
			resort = resort || m.Status != merged[j].Status
			merged[j] = m
			continue
		}
		j := sort.Search(len(merged), func(j int) bool { return before(e, &merged[j]) })
		merged = slices.Insert(merged, j, *e)
	}
	if resort {
		// A copy that changed its status (the table changed between the two) may have to move.
		slices.SortFunc(merged, cmpEvents)
	}
	s.Events = merged
	derive(&s)
	return s
}

func cmpEvents(a, b Event) int {
	switch {
	case before(&a, &b):
		return -1
	case before(&b, &a):
		return 1
	}
	return 0
}

// derive computes every derived field from s.Events, in one pass.
func derive(s *ShipmentTracking) {
	s.Status, s.Reason, s.StatusAt = StatusPending, "", time.Time{}
	s.FirstScanAt, s.LastEventAt, s.DeliveredAt = time.Time{}, time.Time{}, time.Time{}
	s.Milestones, s.Reached, s.Missing = MilestoneTimes{}, 0, 0
	s.Exceptions = nil // a new slice: the caller's state keeps its own
	s.UnknownCodes, s.LongestGap = 0, 0

	var prev time.Time // the previous event from the first scan on
	for i := range s.Events {
		s.step(&s.Events[i], &prev)
	}
	s.finish()
}

// step folds one more event, later than (or ranked after) every event folded before it, into
// the derived fields; prev is the previous event's time from the first scan on.
func (s *ShipmentTracking) step(e *Event, prev *time.Time) {
	if e.OccurredAt.After(s.LastEventAt) {
		s.LastEventAt = e.OccurredAt
	}
	if !prev.IsZero() {
		if gap := e.OccurredAt.Sub(*prev); gap > s.LongestGap {
			s.LongestGap = gap
		}
	}
	if e.Reason == ReasonUnknownCode {
		s.UnknownCodes++
		if !s.FirstScanAt.IsZero() {
			*prev = e.OccurredAt
		}
		return
	}
	if s.FirstScanAt.IsZero() && e.Status.Scanned() {
		s.FirstScanAt = e.OccurredAt
	}
	if !s.FirstScanAt.IsZero() {
		*prev = e.OccurredAt
	}
	for m := range numMilestones {
		if e.Milestones.Has(m) && !s.Reached.Has(m) {
			s.Reached |= Of(m)
			s.Milestones.Set(m, e.OccurredAt)
		}
	}
	if s.Status == StatusDelivered && !overridesDelivered(e.Status) {
		return // a stray scan after delivery
	}
	s.Status, s.Reason, s.StatusAt = e.Status, e.Reason, e.OccurredAt
	switch {
	case e.Status == StatusException:
		s.openException(e)
	case e.Status.moving():
		s.closeExceptions(e.OccurredAt)
	}
}

// finish computes the fields that follow from the whole fold.
func (s *ShipmentTracking) finish() {
	s.DeliveredAt = time.Time{}
	if s.Status == StatusDelivered {
		s.DeliveredAt = s.StatusAt
	}
	s.Missing = missing(s.Reached, Required(s.CrossBorder))
}

// Extend continues a fold: s is a shipment's derived tracking (as Apply left it, its Events
// possibly omitted: a stored state), and events are new ones. When every new event of s's
// parcel is in a later second than s.LastEventAt, folding them one by one from s's derived
// fields gives exactly what Apply would give from all the events, without reading the old ones:
// Extend returns that state (its Events are s.Events plus the new ones) and true. Otherwise
// (an event arrived out of order, or in the same second as the last one, where the rank
// decides) it returns s unchanged and false, and the caller folds every event with Apply.
//
// s.CrossBorder is a fact the caller sets (it may follow from the new events). LongestGap and
// the exceptions carry on from s's, so s must carry them (every exception, oldest first).
func Extend(s ShipmentTracking, events []Event) (ShipmentTracking, bool) {
	if s.TrackingNumber == "" && s.Carrier == "" && len(events) > 0 {
		s.TrackingNumber, s.Carrier = events[0].TrackingNumber, events[0].Carrier
	}
	var add []Event
	for i := range events {
		e := &events[i]
		if e.TrackingNumber != s.TrackingNumber || e.Carrier != s.Carrier {
			continue
		}
		if !s.LastEventAt.IsZero() && e.OccurredAt.Unix() <= s.LastEventAt.Unix() {
			return s, false
		}
		if j, ok := find(add, e); ok {
			if m := mergeDuplicate(add[j], *e); m.Status == add[j].Status {
				add[j] = m
				continue
			}
			return s, false
		}
		j := sort.Search(len(add), func(j int) bool { return before(e, &add[j]) })
		add = slices.Insert(add, j, *e)
	}
	out := s
	out.Events = slices.Concat(s.Events, add)
	out.Exceptions = slices.Clone(s.Exceptions)
	var prev time.Time
	if !s.FirstScanAt.IsZero() {
		prev = s.LastEventAt
	}
	for i := range add {
		out.step(&add[i], &prev)
	}
	out.finish()
	return out, true
}

// overridesDelivered reports whether an event of status st, after a delivery, changes the
// shipment's status.
func overridesDelivered(st Status) bool {
	return st == StatusException || st == StatusReturnedToSender || st == StatusDelivered
}

// openException opens an exception of e's reason unless one is open already.
func (s *ShipmentTracking) openException(e *Event) {
	for i := range s.Exceptions {
		if x := &s.Exceptions[i]; x.Open() && x.Reason == e.Reason {
			return
		}
	}
	s.Exceptions = append(s.Exceptions, Exception{Reason: e.Reason, OpenedAt: e.OccurredAt, RawCode: e.RawCode, Description: e.Description})
}

func (s *ShipmentTracking) closeExceptions(at time.Time) {
	for i := range s.Exceptions {
		if x := &s.Exceptions[i]; x.Open() {
			x.ClosedAt = at
		}
	}
}

// missing are the required milestones that come before the furthest one reached but were not
// reached themselves. Import customs is never required.
func missing(reached, required MilestoneSet) MilestoneSet {
	furthest := -1
	for m := range numMilestones {
		if reached.Has(m) {
			furthest = int(m)
		}
	}
	var out MilestoneSet
	for m := range numMilestones {
		if int(m) < furthest && required.Has(m) && !reached.Has(m) {
			out |= Of(m)
		}
	}
	return out
}
