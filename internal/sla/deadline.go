package sla

import (
	"strconv"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/tracking"
)

// OrderFacts are the times of an order the clocks read; zero is "not yet".
type OrderFacts struct {
	ID        string
	Market    model.Market
	CreatedAt time.Time
	PaidAt    time.Time
	// ConfirmedAt starts the fulfilment clock (R-ORD-3, R-SHIP-1).
	ConfirmedAt time.Time
	// CancelRequestedAt is when the buyer asked to cancel; CancelAnsweredAt when the seller
	// accepted or rejected it (R-ORD-4).
	CancelRequestedAt, CancelAnsweredAt time.Time
	// CancelledAt stops every clock still running.
	CancelledAt time.Time
	// PrintedAt, ShippedAt and DeliveredAt are when the whole order was printed, first-scanned
	// and delivered. Zero: derived from the shipments (the last of them, once every shipment
	// that is not cancelled has it).
	PrintedAt, ShippedAt, DeliveredAt time.Time
	// PromiseAt is the last moment of the promised delivery (R-SLA-1): the allocation's
	// promise deadline, or inventory.PromiseDeadline of the order and its market. Zero with no
	// platform delivery deadline leaves out the R-SLA-1 and R-SLA-2 clocks.
	PromiseAt time.Time
}

// ShipmentFacts are the times of one shipment (package) the clocks read.
type ShipmentFacts struct {
	ID string
	// LabelCreatedAt starts the first-scan clock (R-TRK-1); DispatchedAt (handed over: the
	// manifest, the pickup) the carrier-report clock (R-TRK-2).
	LabelCreatedAt, DispatchedAt time.Time
	// FirstScanAt, LastEventAt, DeliveredAt, InFlight and CrossBorder come from the
	// shipment's tracking (ShipmentFactsOf).
	FirstScanAt, LastEventAt, DeliveredAt time.Time
	InFlight, CrossBorder                 bool
	// Cancelled: the label was voided; the shipment runs no clock and counts for nothing.
	Cancelled bool
}

// ShipmentFactsOf reads a shipment's facts from its tracking.
func ShipmentFactsOf(id string, labelCreatedAt, dispatchedAt time.Time, t *tracking.ShipmentTracking) ShipmentFacts {
	return ShipmentFacts{
		ID: id, LabelCreatedAt: labelCreatedAt, DispatchedAt: dispatchedAt,
		FirstScanAt: t.FirstScanAt, LastEventAt: t.LastEventAt, DeliveredAt: t.DeliveredAt,
		InFlight: t.InFlight(), CrossBorder: t.CrossBorder, Cancelled: t.Status == tracking.StatusCancelled,
	}
}

// PlatformDeadlines are the deadlines the marketplace put on the order, named after TikTok
// Shop's fields; zero when not given. One that is given wins over lastmile's own figure for
// its clock.
type PlatformDeadlines struct {
	// RTSSLA (rts_sla_time), the latest ship time: the ship clock (R-SHIP-1).
	RTSSLA time.Time
	// TTSSLA (tts_sla_time), the latest collection time, else CollectionDue
	// (collection_due_time): the carrier-report clock (R-TRK-2).
	TTSSLA, CollectionDue time.Time
	// ShippingDue (shipping_due_time): the order is cancelled unless it is awaiting collection
	// by then, that is, its shipment arranged and label printed: the print clock (R-ORD-5).
	ShippingDue time.Time
	// DeliverySLA (delivery_sla_time), else DeliveryDue (delivery_due_time): the delivery
	// promise (R-SLA-1); late is LateGrace past it (R-SLA-2).
	DeliverySLA, DeliveryDue time.Time
	// CancelOrderSLA (cancel_order_sla_time): the answer to a cancellation request (R-ORD-4).
	CancelOrderSLA time.Time
}

// State is where a deadline stands.
type State string

// The states.
const (
	// StatePending: running, less than the at-risk share of its window gone.
	StatePending State = "pending"
	// StateAtRisk: running, past the at-risk share of its window.
	StateAtRisk State = "at_risk"
	// StateMet: done by the due time.
	StateMet State = "met"
	// StateBreached: not done by the due time (done late, or not yet done and past due).
	StateBreached State = "breached"
)

// Subject kinds.
const (
	SubjectOrder    = "order"
	SubjectShipment = "shipment"
)

// Deadline is one clock of an order or shipment.
type Deadline struct {
	// Key is stable for the clock's life: "R-SHIP-1/order/ord_1", "R-TRK-1/shipment/shp_1".
	// The cadence and stale clocks restart at every event, and each restart is its own
	// deadline: their key ends with the Unix second of the event they count from. An alert
	// raised for a key is never raised again.
	Key  string
	Rule RuleID
	Name string
	// Of is SubjectOrder or SubjectShipment; ID the order's or shipment's id.
	Of, ID string
	// StartAt started the clock; DueAt is the last moment that meets it; AtRiskAt is when it
	// turns at risk (the at-risk share of the window).
	StartAt, DueAt, AtRiskAt time.Time
	// Source is "default" (lastmile's figure) or "platform:<field>" when the marketplace gave
	// the due time (platform:rts_sla_time).
	Source string
	// MetAt is when what the clock waits for happened; zero while it has not.
	MetAt time.Time
	// State is the deadline's state at the time Deadlines was asked.
	State State
}

// Deadlines are every clock of an order and its shipments, with their state at now. A clock
// appears once what starts it has happened (a confirm clock once the order is paid); a clock
// still running when the order was cancelled is left out, one that had already breached
// stays. The rolling cadence and stale clocks (R-TRK-3, R-TRK-5) appear while a shipment is
// in flight.
func Deadlines(o OrderFacts, ships []ShipmentFacts, f Figures, p PlatformDeadlines, now time.Time) []Deadline {
	out := make([]Deadline, 0, 8+4*len(ships))
	add := func(d Deadline) {
		if d.StartAt.IsZero() || d.DueAt.IsZero() {
			return
		}
		d.Name = ruleName(d.Rule)
		if d.Key == "" {
			d.Key = string(d.Rule) + "/" + d.Of + "/" + d.ID
		}
		d.AtRiskAt = atRiskAt(d.StartAt, d.DueAt, f.AtRiskAt)
		// A clock still running when the order was cancelled stops there.
		if !o.CancelledAt.IsZero() && (d.MetAt.IsZero() || d.MetAt.After(o.CancelledAt)) && !o.CancelledAt.After(d.DueAt) {
			return
		}
		d.State = d.stateAt(now)
		out = append(out, d)
	}
	order := func(rule RuleID, start, due time.Time, src string, met time.Time) {
		add(Deadline{Rule: rule, Of: SubjectOrder, ID: o.ID, StartAt: start, DueAt: due, Source: src, MetAt: met})
	}
	live := make([]ShipmentFacts, 0, len(ships))
	for _, s := range ships {
		if !s.Cancelled {
			live = append(live, s)
		}
	}

	order(RuleUnpaidCancel, o.CreatedAt, plus(o.CreatedAt, f.UnpaidCancelAfter), "default", o.PaidAt)
	if !o.PaidAt.IsZero() {
		order(RuleConfirm, o.PaidAt, o.PaidAt.Add(f.ConfirmWithin), "default", o.ConfirmedAt)
		due, src := pick(p.ShippingDue, "shipping_due_time", plus(o.PaidAt, f.PrintWithin))
		order(RulePrint, o.PaidAt, due, src, orDerived(o.PrintedAt, live, func(s ShipmentFacts) time.Time { return s.LabelCreatedAt }))
	}
	if !o.CancelRequestedAt.IsZero() {
		due, src := pick(p.CancelOrderSLA, "cancel_order_sla_time", o.CancelRequestedAt.Add(f.CancelRequestWithin))
		order(RuleCancelRequest, o.CancelRequestedAt, due, src, o.CancelAnsweredAt)
	}
	shipStart := o.ConfirmedAt
	if shipStart.IsZero() && !p.RTSSLA.IsZero() {
		shipStart = firstOf(o.PaidAt, o.CreatedAt) // the platform's clock runs before confirmation
	}
	if !shipStart.IsZero() {
		due, src := pick(p.RTSSLA, "rts_sla_time", plus(o.ConfirmedAt, f.ShipWithin))
		order(RuleShip, shipStart, due, src, orDerived(o.ShippedAt, live, func(s ShipmentFacts) time.Time { return s.FirstScanAt }))
	}
	promise, src := o.PromiseAt, "default"
	switch {
	case !p.DeliverySLA.IsZero():
		promise, src = p.DeliverySLA, "platform:delivery_sla_time"
	case !p.DeliveryDue.IsZero():
		promise, src = p.DeliveryDue, "platform:delivery_due_time"
	}
	if !promise.IsZero() {
		start := firstOf(o.PaidAt, o.CreatedAt)
		delivered := orDerived(o.DeliveredAt, live, func(s ShipmentFacts) time.Time { return s.DeliveredAt })
		order(RulePromise, start, promise, src, delivered)
		order(RuleLate, start, promise.Add(f.LateGrace), src, delivered)
	}

	for _, s := range live {
		ship := func(rule RuleID, start, due time.Time, src string, met time.Time, key string) {
			add(Deadline{Key: key, Rule: rule, Of: SubjectShipment, ID: s.ID, StartAt: start, DueAt: due, Source: src, MetAt: met})
		}
		ship(RuleFirstScan, s.LabelCreatedAt, plus(s.LabelCreatedAt, f.Tracking.FirstScanWithin), "default", s.FirstScanAt, "")
		start, due, src := s.DispatchedAt, plus(s.DispatchedAt, f.Tracking.CarrierReportWithin), "default"
		switch {
		case !p.TTSSLA.IsZero():
			due, src = p.TTSSLA, "platform:tts_sla_time"
		case !p.CollectionDue.IsZero():
			due, src = p.CollectionDue, "platform:collection_due_time"
		}
		if src != "default" {
			start = firstOf(s.DispatchedAt, s.LabelCreatedAt) // the platform's clock runs before dispatch
		}
		ship(RuleCarrierReport, start, due, src, s.FirstScanAt, "")
		if s.InFlight && !s.LastEventAt.IsZero() {
			since := strconv.FormatInt(s.LastEventAt.Unix(), 10)
			ship(RuleEventCadence, s.LastEventAt, s.LastEventAt.Add(f.Tracking.Cadence(s.CrossBorder)), "default", time.Time{},
				string(RuleEventCadence)+"/shipment/"+s.ID+"/"+since)
			ship(RuleStale, s.LastEventAt, s.LastEventAt.Add(f.Tracking.StaleAfter), "default", time.Time{},
				string(RuleStale)+"/shipment/"+s.ID+"/"+since)
		}
	}
	return out
}

// plus is t + d, zero when t is.
func plus(t time.Time, d time.Duration) time.Time {
	if t.IsZero() {
		return t
	}
	return t.Add(d)
}

// pick is the platform's deadline when given, else lastmile's own.
func pick(platform time.Time, field string, own time.Time) (time.Time, string) {
	if !platform.IsZero() {
		return platform, "platform:" + field
	}
	return own, "default"
}

func firstOf(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// orDerived is given when set, else the latest of each shipment's time once every shipment
// has one.
func orDerived(given time.Time, ships []ShipmentFacts, of func(ShipmentFacts) time.Time) time.Time {
	if !given.IsZero() || len(ships) == 0 {
		return given
	}
	var last time.Time
	for _, s := range ships {
		t := of(s)
		if t.IsZero() {
			return time.Time{}
		}
		if t.After(last) {
			last = t
		}
	}
	return last
}

func ruleName(id RuleID) string {
	for i := range rules {
		if rules[i].ID == id {
			return rules[i].Name
		}
	}
	return ""
}

// atRiskAt is start plus share of the window to due.
func atRiskAt(start, due time.Time, share float64) time.Time {
	if share <= 0 || share >= 1 {
		share = DefaultAtRiskAt
	}
	return start.Add(time.Duration(float64(due.Sub(start)) * share))
}

// stateAt is the deadline's state at now.
func (d *Deadline) stateAt(now time.Time) State {
	switch {
	case !d.MetAt.IsZero() && !d.MetAt.After(d.DueAt):
		return StateMet
	case !d.MetAt.IsZero() || now.After(d.DueAt):
		return StateBreached
	case !now.Before(d.AtRiskAt):
		return StateAtRisk
	}
	return StatePending
}

// Evaluate is d's state at now.
func Evaluate(d Deadline, now time.Time) State { return d.stateAt(now) }

// NextCheck is the first moment after now at which d's state changes by the clock alone: its
// at-risk time while pending, the instant after its due time while at risk; zero once met or
// breached (only a new fact changes it then). A due-time index keeps it, so a sweep reads only
// the deadlines whose state has changed.
func NextCheck(d Deadline, now time.Time) time.Time {
	switch d.stateAt(now) {
	case StatePending:
		return d.AtRiskAt
	case StateAtRisk:
		return d.DueAt.Add(time.Nanosecond)
	}
	return time.Time{}
}
