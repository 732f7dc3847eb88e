// Package tracking is lastmile's model of a parcel's way to the buyer: carrier events
// normalised into one status taxonomy with reasons (R-TRK-8), milestones (R-TRK-4), the
// shipment's tracking state folded from its events, the first-scan, cadence and stale facts
// the clocks run on (R-TRK-1, R-TRK-3, R-TRK-5), and a delivery estimate learnt from delivered
// history. It is pure: no storage, no HTTP, no clock of its own; every function takes the
// time it needs.
//
// The taxonomy follows AfterShip's tags and subtags, the nearest thing the trade has to a
// common vocabulary: a Status says where the parcel is (in transit, out for delivery,
// delivered, exception…), a Reason says why when it needs saying (an exception's lost,
// refused, damaged…). Each carrier's raw codes map to a status, a reason and milestones
// through a table per carrier family (codes/*.yaml, see Codes); the raw code is always kept
// beside the normalised one.
package tracking

// Status is a shipment's normalised tracking status.
type Status string

// The statuses. Pending is a shipment without any event; the others come from carrier events.
const (
	// StatusPending: no event yet.
	StatusPending Status = "pending"
	// StatusInfoReceived: the carrier has the shipment's data (label created) but not the parcel.
	StatusInfoReceived Status = "info_received"
	// StatusInTransit: the carrier has the parcel and it is on its way (first scan included).
	StatusInTransit Status = "in_transit"
	// StatusOutForDelivery: on the vehicle for delivery today.
	StatusOutForDelivery Status = "out_for_delivery"
	// StatusFailedAttempt: delivery was tried and failed; the carrier will try again.
	StatusFailedAttempt Status = "failed_attempt"
	// StatusAvailableForPickup: waiting for the buyer at a pickup point or post office.
	StatusAvailableForPickup Status = "available_for_pickup"
	// StatusDelivered: delivered to the buyer.
	StatusDelivered Status = "delivered"
	// StatusException: something went wrong; the Reason says what (R-TRK-8).
	StatusException Status = "exception"
	// StatusReturnedToSender: the parcel is back with the sender.
	StatusReturnedToSender Status = "returned_to_sender"
	// StatusCancelled: the label was cancelled (voided) before the carrier had the parcel.
	StatusCancelled Status = "cancelled"
)

// Statuses lists every status, in the order of a parcel's way.
func Statuses() []Status {
	return []Status{
		StatusPending, StatusInfoReceived, StatusInTransit, StatusOutForDelivery, StatusFailedAttempt,
		StatusAvailableForPickup, StatusDelivered, StatusException, StatusReturnedToSender, StatusCancelled,
	}
}

// Valid reports whether s is one of Statuses.
func (s Status) Valid() bool { return s.rank() > 0 }

// rank orders statuses of events that happened in the same second: the further along wins.
// 0 is an unknown status.
func (s Status) rank() int {
	switch s {
	case StatusPending:
		return 1
	case StatusInfoReceived:
		return 2
	case StatusCancelled:
		return 3
	case StatusInTransit:
		return 4
	case StatusOutForDelivery:
		return 5
	case StatusFailedAttempt:
		return 6
	case StatusAvailableForPickup:
		return 7
	case StatusException:
		return 8
	case StatusDelivered:
		return 9
	case StatusReturnedToSender:
		return 10
	}
	return 0
}

// Scanned reports whether an event of this status means the carrier physically has (or had)
// the parcel: the first such event is the first scan (R-TRK-1).
func (s Status) Scanned() bool {
	switch s {
	case StatusInTransit, StatusOutForDelivery, StatusFailedAttempt, StatusAvailableForPickup,
		StatusDelivered, StatusException, StatusReturnedToSender:
		return true
	}
	return false
}

// Terminal reports whether nothing more is expected of a shipment in this status: delivered,
// back with the sender, or cancelled. The cadence and stale rules stop there.
func (s Status) Terminal() bool {
	return s == StatusDelivered || s == StatusReturnedToSender || s == StatusCancelled
}

// moving reports whether an event of this status shows the parcel on its way again, which
// closes the exceptions open before it.
func (s Status) moving() bool {
	switch s {
	case StatusInTransit, StatusOutForDelivery, StatusFailedAttempt, StatusAvailableForPickup,
		StatusDelivered, StatusReturnedToSender:
		return true
	}
	return false
}

// Reason says why a shipment is in its status: an exception's kind (R-TRK-8), a failed
// attempt's cause, or a note lastmile adds. Empty when the status says it all.
type Reason string

// The reasons.
const (
	// R-TRK-8: the exceptions the platform names.
	ReasonLost           Reason = "lost"
	ReasonRefused        Reason = "refused"
	ReasonMisdelivered   Reason = "misdelivered"
	ReasonDamaged        Reason = "damaged"
	ReasonDelayed        Reason = "delayed"
	ReasonAddressProblem Reason = "address_problem"
	ReasonCustomsHold    Reason = "customs_hold"
	// ReasonReturningToSender: the parcel is on its way back to the sender (after a refusal, a
	// failed delivery, an address that cannot be fixed). AfterShip files it as an exception too.
	ReasonReturningToSender Reason = "returning_to_sender"
	// ReasonRecipientUnavailable: a failed attempt because nobody took the parcel.
	ReasonRecipientUnavailable Reason = "recipient_unavailable"
	// ReasonUnknownCode: the carrier sent a code its table does not list. The event is kept
	// with its raw code and counts as carrier activity (cadence, stale), but moves neither the
	// status nor the milestones nor the first scan: add the code to the carrier's table.
	ReasonUnknownCode Reason = "unknown_code"
	// ReasonStale: no carrier event for longer than the stale figure (R-TRK-5). Never from a
	// carrier code: the stale rule raises it (IsStale, StaleAt).
	ReasonStale Reason = "stale"
	// ReasonLate: delivered, or still not delivered, more than the grace past the delivery
	// promise (R-SLA-2). Never from a carrier code: the SLA clocks raise it.
	ReasonLate Reason = "late"
)

// Reasons lists every reason.
func Reasons() []Reason {
	return []Reason{
		ReasonLost, ReasonRefused, ReasonMisdelivered, ReasonDamaged, ReasonDelayed, ReasonAddressProblem,
		ReasonCustomsHold, ReasonReturningToSender, ReasonRecipientUnavailable, ReasonUnknownCode, ReasonStale,
		ReasonLate,
	}
}

// Valid reports whether r is one of Reasons; the empty reason is valid too.
func (r Reason) Valid() bool {
	if r == "" {
		return true
	}
	for _, v := range Reasons() {
		if r == v {
			return true
		}
	}
	return false
}

// DeliveryException reports whether the reason counts in the delivery-exception rate:
// refused, lost or misdelivered (R-SLA-4).
func (r Reason) DeliveryException() bool {
	return r == ReasonRefused || r == ReasonLost || r == ReasonMisdelivered
}

// Action is what lastmile suggests the seller do about a shipment with this reason, for the
// exceptions queue. Empty when there is nothing to do.
func (r Reason) Action() string {
	switch r {
	case ReasonLost:
		return "open a claim with the carrier and reship or refund the buyer"
	case ReasonRefused:
		return "contact the buyer; expect the parcel back and restock it on arrival"
	case ReasonMisdelivered:
		return "ask the carrier to retrieve and redeliver the parcel; tell the buyer"
	case ReasonDamaged:
		return "open a damage claim with the carrier; offer the buyer a replacement or refund"
	case ReasonDelayed:
		return "tell the buyer about the delay and its new estimate (R-MKT-3)"
	case ReasonAddressProblem:
		return "confirm the address with the buyer and send the correction to the carrier"
	case ReasonCustomsHold:
		return "send the customs documents the carrier asks for; check the declared name and value (R-SHIP-6)"
	case ReasonReturningToSender:
		return "expect the parcel back; refund or reship once it arrives"
	case ReasonRecipientUnavailable:
		return "remind the buyer of the next attempt or the pickup point"
	case ReasonUnknownCode:
		return "add the raw code to the carrier's code table"
	case ReasonStale:
		return "ask the carrier where the parcel is; tell the buyer before the platform flags it (R-TRK-5)"
	case ReasonLate:
		return "apologise to the buyer; check the carrier's transit times on this lane"
	}
	return ""
}

// Milestone is one of the key steps every parcel's tracking must show (R-TRK-4).
type Milestone uint8

// The milestones, in the order of a parcel's way. Export customs and arrival in the
// destination country apply to cross-border shipments only; import customs is tracked but not
// required.
const (
	MilestoneExportCustoms Milestone = iota
	MilestoneDestinationArrival
	MilestoneImportCustoms
	MilestoneOutForDelivery
	MilestoneDelivered
	numMilestones
)

var milestoneNames = [numMilestones]string{
	"export_customs", "destination_arrival", "import_customs", "out_for_delivery", "delivered",
}

// String is the milestone's name: export_customs, destination_arrival, import_customs,
// out_for_delivery, delivered.
func (m Milestone) String() string {
	if m < numMilestones {
		return milestoneNames[m]
	}
	return "milestone(?)"
}

// ParseMilestone reads a milestone's name.
func ParseMilestone(s string) (Milestone, bool) {
	for i, n := range milestoneNames {
		if n == s {
			return Milestone(i), true
		}
	}
	return 0, false
}

// Milestones lists every milestone in order.
func Milestones() []Milestone {
	out := make([]Milestone, numMilestones)
	for i := range out {
		out[i] = Milestone(i)
	}
	return out
}

// MilestoneSet is a set of milestones.
type MilestoneSet uint8

// Of is the set of the given milestones.
func Of(ms ...Milestone) MilestoneSet {
	var s MilestoneSet
	for _, m := range ms {
		s |= 1 << m
	}
	return s
}

// Has reports whether m is in the set.
func (s MilestoneSet) Has(m Milestone) bool { return s&(1<<m) != 0 }

// List is the set's milestones in order.
func (s MilestoneSet) List() []Milestone {
	var out []Milestone
	for m := range numMilestones {
		if s.Has(m) {
			out = append(out, m)
		}
	}
	return out
}

// Len counts the milestones in the set.
func (s MilestoneSet) Len() int {
	n := 0
	for m := range numMilestones {
		if s.Has(m) {
			n++
		}
	}
	return n
}

// Required is the set of milestones R-TRK-4 requires of a shipment: out for delivery and
// delivered always; export customs and arrival in the destination country when it crosses a
// border. A domestic parcel has no customs to show, so they are not counted missing.
func Required(crossBorder bool) MilestoneSet {
	s := Of(MilestoneOutForDelivery, MilestoneDelivered)
	if crossBorder {
		s |= Of(MilestoneExportCustoms, MilestoneDestinationArrival)
	}
	return s
}
