package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// RunTracking exercises store.Tracking.
func RunTracking(t *testing.T, newStore func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"IngestIdempotent", testTrackingIngest},
		{"DueIndex", testTrackingDueIndex},
		{"ExceptionsAndAlerts", testTrackingExceptionsAlerts},
		{"ChangeRefusals", testTrackingRefusals},
		{"DeliveryHistory", testDeliveryHistory},
		{"ShipmentStatus", testTrackingShipmentStatus},
		{"CarrierDeliveries", testCarrierDeliveries},
		{"ReusedNumber", testTrackingReusedNumber},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newStore(t))
		})
	}
}

// trackFix is a shipping fixture whose order has one labelled shipment.
type trackFix struct {
	*shipFix
	sh model.Shipment
}

func newTrackFix(t *testing.T, s store.Store) *trackFix {
	t.Helper()
	f := &trackFix{shipFix: newShipFix(t, s)}
	p := newPackage(f.o, "pkg_t1", "wh_1", at(1))
	f.sh = purchased(newShipment(p, "shp_t1", at(1)), "9400TRACK1", at(1))
	f.step(t, f.o.ID, store.ShippingChange{NewPackages: []model.Package{p}, Shipments: []model.Shipment{f.sh}})
	return f
}

func trackEvent(number, code string, h int) store.TrackingEvent {
	return store.TrackingEvent{Carrier: "usps", TrackingNumber: number, RawCode: code, OccurredAt: at(h), Description: "d " + code,
		Location: []byte(`{"city":"Reno"}`), Status: "in_transit", Milestones: 0, ReceivedAt: at(h)}
}

// recordClock is a ClockFunc that records what it was given and writes a tracking state.
func recordClock(calls *[]store.ClockState) store.ClockFunc {
	return func(st store.ClockState) (store.ClockChange, error) {
		*calls = append(*calls, st)
		var ch store.ClockChange
		if st.ShipmentID != "" {
			last := st.Events[len(st.Events)-1]
			ch.Tracking = &store.TrackingState{ShipmentID: st.ShipmentID, Carrier: last.Carrier, TrackingNumber: last.TrackingNumber,
				Status: last.Status, FirstScanAt: st.Events[0].OccurredAt, LastEventAt: last.OccurredAt, Summary: []byte(`{"n":1}`), UpdatedAt: last.ReceivedAt}
		}
		return ch, nil
	}
}

func testTrackingIngest(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newTrackFix(t, s)
	var calls []store.ClockState
	evs := []store.TrackingEvent{trackEvent("9400TRACK1", "OA", 3), trackEvent("9400TRACK1", "L1", 2), trackEvent("NOPE", "OA", 2),
		trackEvent("9400TRACK1", "OA", 3)}
	res, err := s.IngestTracking(ctx, []string{f.a.ID}, evs, recordClock(&calls))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{store.TrackingCreated, store.TrackingCreated, store.TrackingNoShipment, store.TrackingDuplicate}
	for i, r := range res {
		if r.Outcome != want[i] {
			t.Errorf("event %d: %s, want %s", i, r.Outcome, want[i])
		}
	}
	if res[0].ShipmentID != f.sh.ID || res[0].OrderID != f.o.ID {
		t.Errorf("event 0 matched %+v", res[0])
	}
	if len(calls) != 1 || calls[0].ShipmentID != f.sh.ID || len(calls[0].Events) != 2 || calls[0].Events[0].RawCode != "L1" {
		t.Fatalf("clock calls %+v", calls)
	}
	// A later batch gives the clocks its new events only; LoadEvents reads them all, in the
	// transaction (the new one included), oldest first.
	calls = nil
	var all []store.TrackingEvent
	later := []store.TrackingEvent{trackEvent("9400TRACK1", "OA", 3), trackEvent("9400TRACK1", "10", 1)}
	if _, err := s.IngestTracking(ctx, []string{f.a.ID}, later, func(st store.ClockState) (store.ClockChange, error) {
		calls = append(calls, st)
		var err error
		all, err = st.LoadEvents()
		return store.ClockChange{}, err
	}); err != nil {
		t.Fatal(err)
	}
	if len(calls) != 1 || len(calls[0].Events) != 1 || calls[0].Events[0].RawCode != "10" || string(calls[0].Events[0].Location) != `{"city":"Reno"}` {
		t.Fatalf("later batch: clock calls %+v, want the one new event", calls)
	}
	if len(all) != 3 || all[0].RawCode != "10" || all[1].RawCode != "L1" || all[2].RawCode != "OA" {
		t.Fatalf("LoadEvents: %+v, want the three stored events oldest first", all)
	}
	// A replay calls nothing and changes nothing; another shop's scope finds no shipment.
	calls = nil
	res, err = s.IngestTracking(ctx, []string{f.a.ID}, evs[:2], recordClock(&calls))
	if err != nil || res[0].Outcome != store.TrackingDuplicate || res[1].Outcome != store.TrackingDuplicate || len(calls) != 0 {
		t.Errorf("replay: %+v %v, %d calls", res, err, len(calls))
	}
	res, err = s.IngestTracking(ctx, []string{f.b.ID}, []store.TrackingEvent{trackEvent("9400TRACK1", "X", 5)}, recordClock(&calls))
	if err != nil || res[0].Outcome != store.TrackingNoShipment {
		t.Errorf("other shop: %+v %v", res, err)
	}
	if shops, err := s.ShopsOfParcels(ctx, "usps", []string{"9400TRACK1", "NOPE"}); err != nil || len(shops) != 1 || shops[0] != f.a.ID {
		t.Errorf("shops of parcels: %v %v", shops, err)
	}
	if shops, _ := s.ShopsOfParcels(ctx, "ups", []string{"9400TRACK1"}); len(shops) != 0 {
		t.Errorf("another carrier's parcels: %v", shops)
	}
	st, events, err := s.GetTracking(ctx, []string{f.a.ID}, f.sh.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st.Status != "in_transit" || !st.LastEventAt.Equal(at(3)) || string(st.Summary) != `{"n":1}` || len(events) != 3 {
		t.Errorf("state %+v, %d events", st, len(events))
	}
	if string(events[1].Location) != `{"city":"Reno"}` || !events[1].OccurredAt.Equal(at(2)) {
		t.Errorf("event round trip: %+v", events[0])
	}
	if _, _, err := s.GetTracking(ctx, []string{f.b.ID}, f.sh.ID); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("other shop's tracking: %v", err)
	}
	// An error from the clocks writes nothing, the events included.
	boom := errors.New("boom")
	_, err = s.IngestTracking(ctx, []string{f.a.ID}, []store.TrackingEvent{trackEvent("9400TRACK1", "OF", 9)},
		func(store.ClockState) (store.ClockChange, error) { return store.ClockChange{}, boom })
	if !errors.Is(err, boom) {
		t.Errorf("clock error: %v", err)
	}
	if _, events, _ := s.GetTracking(ctx, []string{f.a.ID}, f.sh.ID); len(events) != 3 {
		t.Errorf("a failed ingest left %d events", len(events))
	}
}

func deadline(key string, due, next time.Time) store.DeadlineRow {
	return store.DeadlineRow{Key: key, Rule: "R-SHIP-1", Name: "ship", Subject: "order", SubjectID: "x", StartAt: at(0), DueAt: due,
		AtRiskAt: due.Add(-time.Hour), Source: "default", State: "pending", NextCheckAt: next}
}

func testTrackingDueIndex(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newTrackFix(t, s)
	o2 := f.order(t, f.a, "due-2")
	set := func(orderID string, rows ...store.DeadlineRow) {
		t.Helper()
		if err := s.ChangeClocks(ctx, []string{f.a.ID}, orderID, func(store.ClockState) (store.ClockChange, error) {
			return store.ClockChange{Deadlines: rows, ReplaceDeadlines: true}, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	set(f.o.ID, deadline(f.o.ID+"/a", at(10), at(9)), deadline(f.o.ID+"/b", at(20), time.Time{}))
	set(o2.ID, deadline(o2.ID+"/a", at(30), at(25)))
	due, err := s.DueOrders(ctx, at(9), 10)
	if err != nil || len(due) != 1 || due[0].ID != f.o.ID || due[0].ShopID != f.a.ID {
		t.Errorf("due at 9h: %+v %v", due, err)
	}
	if n, _ := s.CountDue(ctx, at(26)); n != 2 {
		t.Errorf("due at 26h: %d, want 2 (the met clock is not in the index)", n)
	}
	// Replacing drops the old rows; the list is by due time.
	set(f.o.ID, deadline(f.o.ID+"/c", at(5), time.Time{}))
	ds, err := s.ListDeadlines(ctx, []string{f.a.ID}, f.o.ID)
	if err != nil || len(ds) != 1 || ds[0].Key != f.o.ID+"/c" || !ds[0].DueAt.Equal(at(5)) || !ds[0].NextCheckAt.IsZero() {
		t.Errorf("deadlines %+v %v", ds, err)
	}
	if _, err := s.ListDeadlines(ctx, []string{f.b.ID}, f.o.ID); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("other shop: %v", err)
	}
	if due, _ := s.DueOrders(ctx, at(12), 10); len(due) != 0 {
		t.Errorf("due after replace: %+v", due)
	}
	// Changed orders in (modified, id) order from a mark.
	refs, err := s.ChangedOrders(ctx, store.Cursor{}, 100)
	if err != nil || len(refs) < 3 {
		t.Fatalf("changed: %+v %v", refs, err)
	}
	if err := s.PutMark(ctx, "m", store.Cursor{ModifiedAt: refs[1].ModifiedAt, ID: refs[1].ID}); err != nil {
		t.Fatal(err)
	}
	mark, err := s.GetMark(ctx, "m")
	if err != nil || mark.ID != refs[1].ID {
		t.Errorf("mark %+v %v", mark, err)
	}
	rest, _ := s.ChangedOrders(ctx, mark, 100)
	if len(rest) != len(refs)-2 {
		t.Errorf("after the mark: %d, want %d", len(rest), len(refs)-2)
	}
}

func testTrackingExceptionsAlerts(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newTrackFix(t, s)
	x := store.TrackingException{ID: "exc_1", Key: "lost/shp_t1/1", ShipmentID: f.sh.ID, Carrier: "usps", TrackingNumber: "9400TRACK1",
		Type: "lost", OpenedAt: at(5), RawCode: "LS", Description: "lost", Action: "claim"}
	a := store.DeadlineAlert{ID: "alr_1", Key: "R-SHIP-1/order/" + f.o.ID, Kind: "at_risk", Rule: "R-SHIP-1", Name: "ship",
		Subject: "order", SubjectID: f.o.ID, DueAt: at(10), RaisedAt: at(8), Message: "at risk"}
	write := func(ch store.ClockChange) {
		t.Helper()
		if err := s.ChangeClocks(ctx, []string{f.a.ID}, f.o.ID, func(st store.ClockState) (store.ClockChange, error) { return ch, nil }); err != nil {
			t.Fatal(err)
		}
	}
	write(store.ClockChange{Exceptions: []store.TrackingException{x}, Alerts: []store.DeadlineAlert{a}})
	// The same alert key and kind again is skipped; the same exception key updates it.
	a2 := a
	a2.ID = "alr_2"
	x2 := x
	x2.ID, x2.ClosedAt = "exc_other", at(7)
	write(store.ClockChange{Exceptions: []store.TrackingException{x2}, Alerts: []store.DeadlineAlert{a2}})
	var seen store.ClockState
	if err := s.ChangeClocks(ctx, []string{f.a.ID}, f.o.ID, func(st store.ClockState) (store.ClockChange, error) {
		seen = st
		return store.ClockChange{}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if !seen.Alerted[a.Key+"/at_risk"] || len(seen.Exceptions) != 1 {
		t.Errorf("state: alerted %v, exceptions %+v", seen.Alerted, seen.Exceptions)
	}
	as, err := s.ListAlerts(ctx, store.AlertQuery{ShopIDs: []string{f.a.ID}})
	if err != nil || len(as) != 1 || as[0].ID != "alr_1" || !as[0].DueAt.Equal(at(10)) {
		t.Errorf("alerts %+v %v", as, err)
	}
	if as, _ := s.ListAlerts(ctx, store.AlertQuery{ShopIDs: []string{f.b.ID}}); len(as) != 0 {
		t.Errorf("other shop sees alerts %+v", as)
	}
	xs, err := s.ListExceptions(ctx, store.ExceptionQuery{ShopIDs: []string{f.a.ID}, Type: "lost", Carrier: "usps"})
	if err != nil || len(xs) != 1 || xs[0].ID != "exc_1" || !xs[0].ClosedAt.Equal(at(7)) || xs[0].OrderID != f.o.ID {
		t.Fatalf("exceptions %+v %v", xs, err)
	}
	if xs, _ := s.ListExceptions(ctx, store.ExceptionQuery{ShopIDs: []string{f.a.ID}, Type: "stale"}); len(xs) != 0 {
		t.Errorf("type filter: %+v", xs)
	}
	got, err := s.ResolveException(ctx, []string{f.a.ID}, "exc_1", "claim filed", at(9))
	if err != nil || got.Note != "claim filed" || !got.ResolvedAt.Equal(at(9)) {
		t.Errorf("resolve: %+v %v", got, err)
	}
	got, _ = s.ResolveException(ctx, []string{f.a.ID}, "exc_1", "again", at(11))
	if got.Note != "claim filed" || !got.ResolvedAt.Equal(at(9)) {
		t.Errorf("resolving twice changed it: %+v", got)
	}
	if _, err := s.ResolveException(ctx, []string{f.b.ID}, "exc_1", "x", at(9)); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("other shop resolves: %v", err)
	}
	if xs, _ := s.ListExceptions(ctx, store.ExceptionQuery{ShopIDs: []string{f.a.ID}, Open: true}); len(xs) != 0 {
		t.Errorf("open after resolve: %+v", xs)
	}
}

func testTrackingRefusals(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newTrackFix(t, s)
	bad := []store.ClockChange{
		{Tracking: &store.TrackingState{ShipmentID: "shp_elsewhere"}},
		{Exceptions: []store.TrackingException{{ID: "e", Key: "k", ShipmentID: "shp_elsewhere"}}},
		{Alerts: []store.DeadlineAlert{{Key: "k", Kind: "at_risk"}}},
		{Order: model.Order{ID: f.ob.ID, ShopID: f.b.ID}, OrderChanged: true},
	}
	for i, ch := range bad {
		err := s.ChangeClocks(ctx, []string{f.a.ID}, f.o.ID, func(store.ClockState) (store.ClockChange, error) { return ch, nil })
		if !errors.Is(err, model.ErrInvalid) {
			t.Errorf("change %d: %v, want ErrInvalid", i, err)
		}
	}
	if err := s.ChangeClocks(ctx, []string{f.b.ID}, f.o.ID, func(store.ClockState) (store.ClockChange, error) {
		return store.ClockChange{}, nil
	}); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("other shop's order: %v", err)
	}
	_, err := s.IngestTracking(ctx, []string{f.a.ID}, []store.TrackingEvent{trackEvent("9400TRACK1", "bad\x00", 1)}, recordClock(new([]store.ClockState)))
	var ve *model.ValidationError
	if !errors.As(err, &ve) {
		t.Errorf("NUL in a code: %v", err)
	}
}

// testDeliveryHistory: a delivered shipment is read back with its lane and times; one not
// delivered, or delivered before since, is not.
func testDeliveryHistory(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newTrackFix(t, s)
	if got, err := s.DeliveryHistory(ctx, at(0), 10); err != nil || len(got) != 0 {
		t.Fatalf("empty history: %+v %v", got, err)
	}
	deliver := func(delivered time.Time) store.ClockFunc {
		return func(st store.ClockState) (store.ClockChange, error) {
			all, err := st.LoadEvents()
			if err != nil {
				return store.ClockChange{}, err
			}
			last := all[len(all)-1]
			return store.ClockChange{Tracking: &store.TrackingState{ShipmentID: st.ShipmentID, Carrier: last.Carrier,
				TrackingNumber: last.TrackingNumber, Status: last.Status, FirstScanAt: all[0].OccurredAt, LastEventAt: last.OccurredAt,
				DeliveredAt: delivered, Summary: []byte(`{}`), UpdatedAt: last.ReceivedAt}}, nil
		}
	}
	if _, err := s.IngestTracking(ctx, []string{f.a.ID}, []store.TrackingEvent{trackEvent("9400TRACK1", "OA", 2)}, deliver(time.Time{})); err != nil {
		t.Fatal(err)
	}
	if got, err := s.DeliveryHistory(ctx, at(0), 10); err != nil || len(got) != 0 {
		t.Fatalf("an undelivered shipment is in the history: %+v %v", got, err)
	}
	if _, err := s.IngestTracking(ctx, []string{f.a.ID}, []store.TrackingEvent{trackEvent("9400TRACK1", "DL", 50)}, deliver(at(50))); err != nil {
		t.Fatal(err)
	}
	got, err := s.DeliveryHistory(ctx, at(0), 10)
	if err != nil || len(got) != 1 {
		t.Fatalf("history: %+v %v", got, err)
	}
	d := got[0]
	want := store.DeliveredShipment{ShipmentID: f.sh.ID, Carrier: f.sh.Carrier, Service: f.sh.Service, WarehouseID: "wh_1",
		Country: f.o.ShippingAddress.Country, Region: f.o.ShippingAddress.Region, FirstScanAt: at(2), DeliveredAt: at(50)}
	if d.ShipmentID != want.ShipmentID || d.Carrier != want.Carrier || d.Service != want.Service || d.WarehouseID != want.WarehouseID ||
		d.Country != want.Country || d.Region != want.Region || !d.FirstScanAt.Equal(want.FirstScanAt) || !d.DeliveredAt.Equal(want.DeliveredAt) {
		t.Errorf("history row %+v, want %+v", d, want)
	}
	if want.Country == "" {
		t.Error("the fixture's order has no destination country: the test proves nothing about it")
	}
	if got, err := s.DeliveryHistory(ctx, at(51), 10); err != nil || len(got) != 0 {
		t.Errorf("delivered before since: %+v %v", got, err)
	}
}

// testTrackingShipmentStatus: a clock change moves the shipment's status with its tracking in
// one transaction; a status of another order's shipment, or one the clocks may not set, is
// refused and writes nothing.
func testTrackingShipmentStatus(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newTrackFix(t, s)
	move := func(id string, to model.ShipmentStatus) store.ClockFunc {
		return func(st store.ClockState) (store.ClockChange, error) {
			ch, err := recordClock(new([]store.ClockState))(st)
			ch.ShipmentStatuses = []store.ShipmentStatusChange{{ShipmentID: id, Status: to, At: at(4)}}
			return ch, err
		}
	}
	if _, err := s.IngestTracking(ctx, []string{f.a.ID}, []store.TrackingEvent{trackEvent("9400TRACK1", "OA", 3)}, move(f.sh.ID, model.ShipmentInTransit)); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetShipment(ctx, []string{f.a.ID}, f.sh.ID)
	if err != nil || got.Status != model.ShipmentInTransit || !got.UpdatedAt.Equal(at(4)) {
		t.Fatalf("shipment after the first scan: %s %v %v", got.Status, got.UpdatedAt, err)
	}
	for _, bad := range []store.ClockFunc{move("shp_other", model.ShipmentDelivered), move(f.sh.ID, model.ShipmentVoided)} {
		if _, err := s.IngestTracking(ctx, []string{f.a.ID}, []store.TrackingEvent{trackEvent("9400TRACK1", "DL", 9)}, bad); !errors.Is(err, model.ErrInvalid) {
			t.Errorf("a status the clocks may not write: %v", err)
		}
	}
	if got, _ := s.GetShipment(ctx, []string{f.a.ID}, f.sh.ID); got.Status != model.ShipmentInTransit {
		t.Errorf("a refused change moved the shipment to %s", got.Status)
	}
}

// testTrackingReusedNumber: a shipment's events are its own even when a later shipment reuses
// its carrier and tracking number (they are read by number, then by shipment), and a
// shipment that has a number keeps it.
func testTrackingReusedNumber(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newTrackFix(t, s)
	var calls []store.ClockState
	if _, err := s.IngestTracking(ctx, []string{f.a.ID}, []store.TrackingEvent{trackEvent("9400TRACK1", "OA", 2)}, recordClock(&calls)); err != nil {
		t.Fatal(err)
	}
	changed := f.sh
	changed.TrackingNumber = "9400OTHER"
	if _, err := f.try(f.o.ID, store.ShippingChange{Shipments: []model.Shipment{changed}}); !errors.Is(err, model.ErrInvalid) {
		t.Fatalf("a new tracking number on shipment %s: %v, want ErrInvalid", f.sh.ID, err)
	}
	changed = f.sh
	changed.Carrier = "ups"
	if _, err := f.try(f.o.ID, store.ShippingChange{Shipments: []model.Shipment{changed}}); !errors.Is(err, model.ErrInvalid) {
		t.Fatalf("a new carrier on shipment %s: %v, want ErrInvalid", f.sh.ID, err)
	}
	// The label is voided and a new shipment of the same package gets the same number.
	p := newPackage(f.o, "pkg_t1", "wh_1", at(1))
	second := purchased(newShipment(p, "shp_t2", at(3)), "9400TRACK1", at(3))
	f.step(t, f.o.ID, store.ShippingChange{Shipments: []model.Shipment{voided(f.sh, at(3)), second}})
	calls = nil
	var loaded []store.TrackingEvent
	res, err := s.IngestTracking(ctx, []string{f.a.ID}, []store.TrackingEvent{trackEvent("9400TRACK1", "L1", 4)},
		func(st store.ClockState) (store.ClockChange, error) {
			calls = append(calls, st)
			var err error
			loaded, err = st.LoadEvents()
			return store.ClockChange{}, err
		})
	if err != nil || res[0].Outcome != store.TrackingCreated || res[0].ShipmentID != second.ID {
		t.Fatalf("event for the reused number: %+v %v, want created on %s", res, err, second.ID)
	}
	if len(loaded) != 1 || loaded[0].RawCode != "L1" || loaded[0].ShipmentID != second.ID {
		t.Errorf("LoadEvents of %s: %+v, want its one event", second.ID, loaded)
	}
	for _, c := range []struct {
		id, code string
	}{{f.sh.ID, "OA"}, {second.ID, "L1"}} {
		_, events, err := s.GetTracking(ctx, []string{f.a.ID}, c.id)
		if err != nil || len(events) != 1 || events[0].RawCode != c.code || events[0].ShipmentID != c.id {
			t.Errorf("events of %s: %+v %v, want its one event %s", c.id, events, err, c.code)
		}
	}
}
