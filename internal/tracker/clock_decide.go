package tracker

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/inventory"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/sla"
	"lastmile/internal/store"
	"lastmile/internal/tracking"
)

// Summary is what a tracking state keeps beside its columns.
type Summary struct {
	CrossBorder bool                 `json:"cross_border"`
	Milestones  map[string]time.Time `json:"milestones"`
	Missing     []string             `json:"missing"`
	StatusAt    time.Time            `json:"status_at,omitzero"`
	// Completeness is tracking.Completeness once delivered: items present and expected.
	Present           int  `json:"present,omitempty"`
	Expected          int  `json:"expected,omitempty"`
	UnknownCodes      int  `json:"unknown_codes,omitempty"`
	DeliveryException bool `json:"delivery_exception,omitempty"`
	// LongestGap is tracking.ShipmentTracking's; Resumable marks a summary that carries every
	// derived field a later fold continues from (tracking.Extend): a state written before it
	// existed is folded again from its events.
	LongestGap time.Duration `json:"longest_gap,omitempty"`
	Resumable  bool          `json:"resumable,omitempty"`
}

// foldNew is the tracking of shipment sh once st.Events, its new events, are in. It continues
// from the stored state (tracking.Extend) and reads every stored event again (LoadEvents) only
// when it cannot: a new event out of order, a state without what a fold carries, or a
// delivered parcel, whose tracking completeness (R-TRK-6) reads the gaps between all its
// events. A shipment without a stored state has no older event: IngestTracking writes the
// state with the first events, in their transaction.
func foldNew(st store.ClockState, sh model.Shipment) (tracking.ShipmentTracking, error) {
	prev, ok := st.Tracking[sh.ID]
	if !ok {
		return Fold(st.Events), nil
	}
	if sum := SummaryOf(prev); sum.Resumable {
		news := make([]tracking.Event, len(st.Events))
		for i := range st.Events {
			news[i] = EventOf(st.Events[i])
		}
		base := resumeState(prev, sum, st.Exceptions)
		base.CrossBorder = sum.CrossBorder || crossBorder(news)
		if t, ok := tracking.Extend(base, news); ok && t.Status != tracking.StatusDelivered {
			return t, nil
		}
	}
	if st.LoadEvents == nil {
		return tracking.ShipmentTracking{}, fmt.Errorf("shipment %s: the store gave no way to read its events", sh.ID)
	}
	rows, err := st.LoadEvents()
	if err != nil {
		return tracking.ShipmentTracking{}, fmt.Errorf("events of shipment %s: %w", sh.ID, err)
	}
	return Fold(rows), nil
}

// resumeState is a stored tracking state as the fold left it, its events omitted: the columns,
// the summary, and the shipment's carrier exceptions (oldest first) from the exceptions queue.
func resumeState(t store.TrackingState, sum Summary, stored []store.TrackingException) tracking.ShipmentTracking {
	s := tracking.ShipmentTracking{
		TrackingNumber: t.TrackingNumber, Carrier: t.Carrier, CrossBorder: sum.CrossBorder,
		Status: tracking.Status(t.Status), Reason: tracking.Reason(t.Reason), StatusAt: sum.StatusAt,
		FirstScanAt: t.FirstScanAt, LastEventAt: t.LastEventAt, DeliveredAt: t.DeliveredAt,
		UnknownCodes: sum.UnknownCodes, LongestGap: sum.LongestGap,
	}
	for name, at := range sum.Milestones {
		if m, ok := tracking.ParseMilestone(name); ok {
			s.Reached |= tracking.Of(m)
			s.Milestones.Set(m, at)
		}
	}
	for _, x := range stored {
		if x.ShipmentID != t.ShipmentID || !isCarrierException(x) {
			continue
		}
		s.Exceptions = append(s.Exceptions, tracking.Exception{Reason: tracking.Reason(x.Type), OpenedAt: x.OpenedAt,
			ClosedAt: x.ClosedAt, RawCode: x.RawCode, Description: x.Description})
	}
	slices.SortStableFunc(s.Exceptions, func(a, b tracking.Exception) int { return a.OpenedAt.Compare(b.OpenedAt) })
	return s
}

// isCarrierException reports whether x was opened by a carrier's event (its key is reason /
// shipment / opening second, as decide writes it), not by the stale or late rule.
func isCarrierException(x store.TrackingException) bool {
	return x.Key == x.Type+"/"+x.ShipmentID+"/"+strconv.FormatInt(x.OpenedAt.Unix(), 10) &&
		x.Type != string(tracking.ReasonStale) && x.Type != string(tracking.ReasonLate)
}

// crossBorder reports whether a shipment's events show a border: a customs or destination
// arrival milestone.
func crossBorder(events []tracking.Event) bool {
	border := tracking.Of(tracking.MilestoneExportCustoms, tracking.MilestoneDestinationArrival, tracking.MilestoneImportCustoms)
	for _, e := range events {
		if e.Milestones&border != 0 {
			return true
		}
	}
	return false
}

// Fold is a shipment's tracking from its stored events.
func Fold(rows []store.TrackingEvent) tracking.ShipmentTracking {
	events := make([]tracking.Event, len(rows))
	for i := range rows {
		events[i] = EventOf(rows[i])
	}
	var t tracking.ShipmentTracking
	if len(events) > 0 {
		t.TrackingNumber, t.Carrier = events[0].TrackingNumber, events[0].Carrier
	}
	t.CrossBorder = crossBorder(events)
	return tracking.Apply(t, events)
}

// deadlinesOf are every clock of order o at now, its parcels' tracking states given.
func (s *Service) deadlinesOf(o model.Order, ships []model.Shipment, states map[string]store.TrackingState, f sla.Figures, now time.Time) []sla.Deadline {
	facts, parcels := Facts(o, ships, states, s.markets[o.Market])
	return sla.Deadlines(facts, parcels, f, Platform(o.Deadlines), now)
}

// clocksAt are the clocks of the stored state st at now, as decide computes them (the order's
// status following its parcels), without deciding anything: what a read shows.
func (s *Service) clocksAt(st store.ClockState, f sla.Figures, now time.Time) ([]sla.Deadline, error) {
	o := st.Order
	next, changed, err := orderStatus(o, st.Shipments, st.Tracking, now)
	if err != nil {
		return nil, err
	}
	if changed {
		o = next
	}
	return s.deadlinesOf(o, st.Shipments, st.Tracking, f, now), nil
}

// decide is the clocks' decision for an order: the tracking of the shipment whose events
// arrived (if any), the order's status, every deadline at now, the alerts and exceptions due,
// and their notify jobs.
func (s *Service) decide(st store.ClockState, figs func(string, model.Market) sla.Figures, now time.Time) (store.ClockChange, error) {
	var ch store.ClockChange
	o := st.Order
	f := figs(o.ShopID, o.Market)
	var jobs []store.Job
	notify := func(typ, id string, data any) error {
		b, err := json.Marshal(data)
		if err != nil {
			return err
		}
		j, err := store.NewJob(NotifyEvent{Type: typ, ShopID: o.ShopID, OrderID: o.ID, ID: id, Data: b})
		if err != nil {
			return err
		}
		jobs = append(jobs, j)
		return nil
	}
	states := st.Tracking
	var folded *tracking.ShipmentTracking
	var shipment model.Shipment
	if st.ShipmentID != "" {
		for _, sh := range st.Shipments {
			if sh.ID == st.ShipmentID {
				shipment = sh
			}
		}
		t, err := foldNew(st, shipment)
		if err != nil {
			return ch, err
		}
		folded = &t
		row, err := stateRow(shipment, &t, f.Tracking, now)
		if err != nil {
			return ch, err
		}
		if next, ok := shipmentStatus(shipment.Status, row); ok {
			ch.ShipmentStatuses = []store.ShipmentStatusChange{{ShipmentID: shipment.ID, Status: next, At: now}}
		}
		prev := states[shipment.ID]
		states = cloneStates(states)
		states[shipment.ID] = row
		ch.Tracking = &row
		if prev.Status != row.Status || prev.Reason != row.Reason {
			if err := notify(EventTrackingUpdated, shipment.ID, map[string]any{
				"shipment_id": shipment.ID, "carrier": row.Carrier, "tracking_number": row.TrackingNumber,
				"status": row.Status, "reason": row.Reason, "previous_status": prev.Status, "last_event_at": row.LastEventAt,
			}); err != nil {
				return ch, err
			}
		}
	}

	// The order's status follows its parcels: the first scan moves it to IN_TRANSIT, the
	// delivery of every live parcel to DELIVERED.
	if next, changed, err := orderStatus(o, st.Shipments, states, now); err != nil {
		return ch, err
	} else if changed {
		ch.Order, ch.OrderChanged = next, true
		o = next
	}

	// Every clock at now.
	ds := s.deadlinesOf(o, st.Shipments, states, f, now)
	ch.ReplaceDeadlines = true
	ch.Deadlines = make([]store.DeadlineRow, 0, len(ds))
	stored := make(map[string]store.DeadlineRow, len(st.Deadlines))
	for _, d := range st.Deadlines {
		stored[d.Key] = d
	}
	storedEx := map[string]store.TrackingException{}
	for _, x := range st.Exceptions {
		storedEx[x.Key] = x
	}
	var exceptions []store.TrackingException
	openEx := func(x store.TrackingException) error {
		old, ok := storedEx[x.Key]
		if ok && old.ClosedAt.Equal(x.ClosedAt) && old.Description == x.Description {
			return nil // nothing new
		}
		if ok {
			x.ID = old.ID
		} else {
			x.ID = s.ids.New("exc", now)
			s.Metrics.ExceptionsOpened.Add(1)
			if err := notify(EventExceptionOpened, x.ID, exceptionOf(x)); err != nil {
				return err
			}
		}
		storedEx[x.Key] = x
		exceptions = append(exceptions, x)
		return nil
	}
	shipByID := map[string]model.Shipment{}
	for _, sh := range st.Shipments {
		shipByID[sh.ID] = sh
	}
	for _, d := range ds {
		ch.Deadlines = append(ch.Deadlines, store.DeadlineRow{
			Key: d.Key, Rule: string(d.Rule), Name: d.Name, Subject: d.Of, SubjectID: d.ID, StartAt: d.StartAt, DueAt: d.DueAt,
			AtRiskAt: d.AtRiskAt, Source: d.Source, MetAt: d.MetAt, State: string(d.State), NextCheckAt: sla.NextCheck(d, now),
		})
		raised := sla.Raised{
			AtRisk: st.Alerted[d.Key+"/"+string(sla.AlertAtRisk)], Breached: st.Alerted[d.Key+"/"+string(sla.AlertBreached)],
		}
		// An old breach (first computed long after it happened, sla.OldBreach) is recorded
		// without an alert, and stays recognisable later as a breach stored without its breach
		// alert: it opens no stale or late exception either, on the first computation or any
		// later one, so a store's history does not flood the exceptions queue.
		was, known := stored[d.Key]
		storedBreach := known && was.State == string(sla.StateBreached)
		oldBreach := sla.OldBreach(d, !known, now, f.OldBreachGrace) || (storedBreach && !raised.Breached)
		if storedBreach || oldBreach {
			raised = sla.Raised{AtRisk: true, Breached: true} // a breach stored already, or an old one: no alert
		}
		kinds, _ := sla.Raise(d, raised)
		for _, k := range kinds {
			a := store.DeadlineAlert{
				ID: s.ids.New("alr", now), Key: d.Key, Kind: string(k), Rule: string(d.Rule), Name: d.Name, Subject: d.Of,
				SubjectID: d.ID, DueAt: d.DueAt, RaisedAt: now, Message: alertMessage(d, k),
			}
			ch.Alerts = append(ch.Alerts, a)
			typ := EventDeadlineAtRisk
			if k == sla.AlertBreached {
				typ = EventDeadlineBreached
				s.Metrics.BreachesRaised.Add(1)
			} else {
				s.Metrics.AtRiskRaised.Add(1)
			}
			if err := notify(typ, a.ID, alertOf(a)); err != nil {
				return ch, err
			}
		}
		// The stale rule (R-TRK-5) and a late delivery (R-SLA-2) are logistics exceptions,
		// unless the breach is an old one.
		if d.State != sla.StateBreached || oldBreach {
			continue
		}
		switch d.Rule {
		case sla.RuleStale:
			sh := shipByID[d.ID]
			row := states[d.ID]
			if err := openEx(store.TrackingException{
				Key: "stale/" + d.ID + "/" + strconv.FormatInt(d.StartAt.Unix(), 10), ShipmentID: d.ID, Carrier: sh.Carrier,
				TrackingNumber: sh.TrackingNumber, Type: string(tracking.ReasonStale), OpenedAt: d.DueAt,
				Description: fmt.Sprintf("no carrier event since %s (status %s)", d.StartAt.UTC().Format(time.RFC3339), row.Status),
				Action:      tracking.ReasonStale.Action(),
			}); err != nil {
				return ch, err
			}
		case sla.RuleLate:
			for _, sh := range st.Shipments {
				if !sh.Status.Labelled() {
					continue
				}
				row := states[sh.ID]
				x := store.TrackingException{
					Key: "late/" + sh.ID + "/" + strconv.FormatInt(d.DueAt.Unix(), 10), ShipmentID: sh.ID, Carrier: sh.Carrier,
					TrackingNumber: sh.TrackingNumber, Type: string(tracking.ReasonLate), OpenedAt: d.DueAt,
					Description: fmt.Sprintf("not delivered by %s, 24 h past the promise", d.DueAt.UTC().Format(time.RFC3339)),
					Action:      tracking.ReasonLate.Action(), ClosedAt: row.DeliveredAt,
				}
				if !row.DeliveredAt.IsZero() && row.DeliveredAt.After(d.DueAt) {
					x.Description = fmt.Sprintf("delivered %s, past the late time %s", row.DeliveredAt.UTC().Format(time.RFC3339), d.DueAt.UTC().Format(time.RFC3339))
				} else if !row.DeliveredAt.IsZero() {
					continue
				}
				if err := openEx(x); err != nil {
					return ch, err
				}
			}
		}
	}

	// Carrier exceptions of the shipment whose events arrived; and a stale exception ends when
	// the parcel moves again.
	if folded != nil {
		for _, x := range folded.Exceptions {
			if err := openEx(store.TrackingException{
				Key: string(x.Reason) + "/" + shipment.ID + "/" + strconv.FormatInt(x.OpenedAt.Unix(), 10), ShipmentID: shipment.ID,
				Carrier: shipment.Carrier, TrackingNumber: shipment.TrackingNumber, Type: string(x.Reason), OpenedAt: x.OpenedAt,
				ClosedAt: x.ClosedAt, RawCode: x.RawCode, Description: x.Description, Action: x.Reason.Action(),
			}); err != nil {
				return ch, err
			}
		}
		for _, x := range st.Exceptions {
			if x.ShipmentID == shipment.ID && x.Type == string(tracking.ReasonStale) && x.ClosedAt.IsZero() &&
				strings.HasPrefix(x.Key, "stale/") && folded.LastEventAt.Unix() > staleSince(x.Key) {
				x.ClosedAt = folded.LastEventAt
				exceptions = append(exceptions, x)
			}
		}
	}
	// A parcel of a carrier without webhooks is polled until its way is over.
	for _, sh := range st.Shipments {
		if tracking.Status(states[sh.ID].Status).Terminal() {
			continue
		}
		j, ok, err := s.pollJob(sh, now)
		if err != nil {
			return ch, err
		}
		if ok {
			jobs = append(jobs, j)
		}
	}
	ch.Exceptions = exceptions
	ch.Jobs = jobs
	if sameDeadlines(st.Deadlines, ch.Deadlines) {
		// Nothing moved: keep the stored rows rather than delete and write them again (the
		// sweep computes every changed order's clocks, most of them to the same result).
		ch.ReplaceDeadlines, ch.Deadlines = false, nil
	}
	return ch, nil
}

// sameDeadlines reports whether the decided deadlines are the stored ones, as stored (times to
// the microsecond).
func sameDeadlines(stored, decided []store.DeadlineRow) bool {
	if len(stored) != len(decided) {
		return false
	}
	byKey := make(map[string]store.DeadlineRow, len(stored))
	for _, d := range stored {
		byKey[d.Key] = d
	}
	same := func(a, b time.Time) bool { return a.IsZero() == b.IsZero() && a.UnixMicro() == b.UnixMicro() }
	for _, d := range decided {
		s, ok := byKey[d.Key]
		if !ok || s.Rule != d.Rule || s.Name != d.Name || s.Subject != d.Subject || s.SubjectID != d.SubjectID ||
			s.Source != d.Source || s.State != d.State || !same(s.StartAt, d.StartAt) || !same(s.DueAt, d.DueAt) ||
			!same(s.AtRiskAt, d.AtRiskAt) || !same(s.MetAt, d.MetAt) || !same(s.NextCheckAt, d.NextCheckAt) {
			return false
		}
	}
	return true
}

// staleSince is the Unix second a stale exception's key counts from.
func staleSince(key string) int64 {
	i := strings.LastIndexByte(key, '/')
	n, _ := strconv.ParseInt(key[i+1:], 10, 64)
	return n
}

func cloneStates(m map[string]store.TrackingState) map[string]store.TrackingState {
	out := make(map[string]store.TrackingState, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// stateRow is the stored state of a shipment's tracking.
func stateRow(sh model.Shipment, t *tracking.ShipmentTracking, f tracking.Figures, now time.Time) (store.TrackingState, error) {
	sum := Summary{CrossBorder: t.CrossBorder, Milestones: map[string]time.Time{}, Missing: []string{}, StatusAt: t.StatusAt,
		UnknownCodes: t.UnknownCodes, DeliveryException: t.HadDeliveryException(), LongestGap: t.LongestGap, Resumable: true}
	for _, m := range t.Reached.List() {
		sum.Milestones[m.String()] = t.Milestones.At(m)
	}
	for _, m := range t.Missing.List() {
		sum.Missing = append(sum.Missing, m.String())
	}
	sum.Present, sum.Expected = tracking.Completeness(t, f)
	b, err := json.Marshal(sum)
	if err != nil {
		return store.TrackingState{}, err
	}
	return store.TrackingState{
		ShipmentID: sh.ID, ShopID: sh.ShopID, OrderID: sh.OrderID, Carrier: sh.Carrier, TrackingNumber: sh.TrackingNumber,
		Status: string(t.Status), Reason: string(t.Reason), FirstScanAt: t.FirstScanAt, LastEventAt: t.LastEventAt,
		DeliveredAt: t.DeliveredAt, Summary: b, UpdatedAt: now,
	}, nil
}

// SummaryOf decodes a state's summary; a bad one is empty.
func SummaryOf(t store.TrackingState) Summary {
	var s Summary
	_ = json.Unmarshal(t.Summary, &s)
	return s
}

// shipmentStatus moves a shipment along its lifecycle (created → label_purchased →
// manifested → handed_over → in_transit → delivered) with its tracking: in_transit at the
// first scan, delivered at the delivery. Never backwards, and never a voided or failed one.
func shipmentStatus(cur model.ShipmentStatus, t store.TrackingState) (model.ShipmentStatus, bool) {
	if !cur.Labelled() {
		return cur, false
	}
	next := cur
	switch {
	case !t.DeliveredAt.IsZero():
		next = model.ShipmentDelivered
	case !t.FirstScanAt.IsZero():
		next = model.ShipmentInTransit
	}
	at := func(s model.ShipmentStatus) int { return slices.Index(model.ShipmentStatuses, s) }
	if at(next) <= at(cur) {
		return cur, false
	}
	return next, true
}

// orderStatus moves the order along with its parcels: IN_TRANSIT at the first scan of a live
// shipment, DELIVERED once every live labelled shipment is delivered.
func orderStatus(o model.Order, ships []model.Shipment, states map[string]store.TrackingState, now time.Time) (model.Order, bool, error) {
	live, scanned, delivered := 0, 0, 0
	for _, sh := range ships {
		if !sh.Status.Labelled() {
			continue
		}
		live++
		t := states[sh.ID]
		if !t.FirstScanAt.IsZero() {
			scanned++
		}
		if t.Status == string(tracking.StatusDelivered) {
			delivered++
		}
	}
	if live == 0 || scanned == 0 {
		return o, false, nil
	}
	changed := false
	switch o.Status {
	case model.StatusAwaitingShipment, model.StatusPartiallyShipping, model.StatusAwaitingCollection:
		o.History = append([]model.Event(nil), o.History...)
		if err := order.Transition(&o, model.StatusInTransit, now, "carrier", "first carrier scan"); err != nil {
			return o, false, err
		}
		changed = true
	}
	if o.Status == model.StatusInTransit && delivered == live {
		if !changed {
			o.History = append([]model.Event(nil), o.History...)
		}
		if err := order.Transition(&o, model.StatusDelivered, now, "carrier", "every parcel delivered"); err != nil {
			return o, false, err
		}
		changed = true
	}
	if changed {
		o.UpdatedAt = now
	}
	return o, changed, nil
}

// Facts are the order's and its shipments' times as the clocks read them.
func Facts(o model.Order, ships []model.Shipment, states map[string]store.TrackingState, m config.Market) (sla.OrderFacts, []sla.ShipmentFacts) {
	f := sla.OrderFacts{ID: o.ID, Market: o.Market, CreatedAt: o.CreatedAt}
	if o.PaidAt != nil {
		f.PaidAt = *o.PaidAt
	}
	if o.ConfirmedAt != nil {
		f.ConfirmedAt = *o.ConfirmedAt
	}
	for _, h := range o.History {
		switch {
		case h.Kind == model.EventTransition && h.To == model.StatusCancelled:
			f.CancelledAt = h.At
		case h.Kind == model.EventCancelRequested:
			// R-ORD-4: the latest request runs the clock; its answer meets it.
			f.CancelRequestedAt, f.CancelAnsweredAt = h.At, time.Time{}
		case h.Kind == model.EventCancelAnswered && !f.CancelRequestedAt.IsZero():
			f.CancelAnsweredAt = h.At
		}
	}
	if m.Code != "" && m.PromiseDays > 0 {
		if p, err := inventory.PromiseDeadline(&o, m); err == nil {
			f.PromiseAt = p
		}
	}
	out := make([]sla.ShipmentFacts, 0, len(ships))
	for _, sh := range ships {
		if sh.Status == model.ShipmentCreated {
			continue // no label yet: no clock of its own
		}
		t := states[sh.ID]
		sf := sla.ShipmentFacts{ID: sh.ID, Cancelled: !sh.Status.Live(),
			FirstScanAt: t.FirstScanAt, LastEventAt: t.LastEventAt, DeliveredAt: t.DeliveredAt}
		if sh.PurchasedAt != nil {
			sf.LabelCreatedAt = *sh.PurchasedAt
		}
		if sh.Status == model.ShipmentHandedOver {
			sf.DispatchedAt = sh.UpdatedAt
		}
		sum := SummaryOf(t)
		sf.CrossBorder = sum.CrossBorder
		st := tracking.Status(t.Status)
		sf.InFlight = !t.FirstScanAt.IsZero() && !st.Terminal()
		if st == tracking.StatusCancelled {
			sf.Cancelled = true
		}
		out = append(out, sf)
	}
	return f, out
}

// Platform reads the marketplace's deadlines on an order by TikTok Shop's names.
func Platform(d map[string]time.Time) sla.PlatformDeadlines {
	return sla.PlatformDeadlines{
		RTSSLA: d["rts_sla_time"], TTSSLA: d["tts_sla_time"], CollectionDue: d["collection_due_time"],
		ShippingDue: d["shipping_due_time"], DeliverySLA: d["delivery_sla_time"], DeliveryDue: d["delivery_due_time"],
		CancelOrderSLA: d["cancel_order_sla_time"],
	}
}

func alertMessage(d sla.Deadline, k sla.AlertKind) string {
	due := d.DueAt.UTC().Format(time.RFC3339)
	if k == sla.AlertBreached {
		return fmt.Sprintf("%s (%s) of %s %s breached: due %s", d.Name, d.Rule, d.Of, d.ID, due)
	}
	return fmt.Sprintf("%s (%s) of %s %s is at risk: due %s", d.Name, d.Rule, d.Of, d.ID, due)
}
