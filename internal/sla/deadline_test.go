package sla

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/model"
)

// t0 is the fixtures' order creation: Monday 7 December 2026, 09:00 UTC.
var t0 = time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)

func at(h float64) time.Time { return t0.Add(time.Duration(h * float64(time.Hour))) }

// fixtureOrder: created at 0 h, paid at 1 h, confirmed at 3 h, promised by 5 days.
func fixtureOrder(market string) OrderFacts {
	return OrderFacts{ID: "ord_1", Market: marketOf(market), CreatedAt: at(0), PaidAt: at(1), ConfirmedAt: at(3), PromiseAt: at(5 * 24)}
}

// fixtureShipment: label at 20 h, handed over at 22 h, not scanned yet.
func fixtureShipment() ShipmentFacts {
	return ShipmentFacts{ID: "shp_1", LabelCreatedAt: at(20), DispatchedAt: at(22)}
}

func byRule(ds []Deadline) map[RuleID]Deadline {
	out := map[RuleID]Deadline{}
	for _, d := range ds {
		out[d.Rule] = d
	}
	return out
}

// TestDeadlineDueTimes: each clock's due time, by its rule, with the UK and South-East Asian
// variants.
func TestDeadlineDueTimes(t *testing.T) {
	cases := []struct {
		market string
		rule   RuleID
		due    time.Time
	}{
		{"US", RuleUnpaidCancel, at(48)},       // R-ORD-2: 48 h from creation
		{"US", RuleConfirm, at(1 + 24)},        // R-ORD-3: 24 h from payment
		{"US", RulePrint, at(1 + 48)},          // R-ORD-5: 48 h from payment
		{"TH", RulePrint, at(1 + 72)},          // R-ORD-5: 72 h in South-East Asia
		{"MY", RulePrint, at(1 + 72)},          //
		{"GB", RulePrint, at(1 + 48)},          //
		{"US", RuleShip, at(3 + 72)},           // R-SHIP-1: 72 h from confirmation
		{"GB", RuleShip, at(3 + 48)},           // R-SHIP-1: 48 h in the UK
		{"TH", RuleShip, at(3 + 72)},           //
		{"US", RuleFirstScan, at(20 + 4)},      // R-TRK-1: 4 h from the label
		{"US", RuleCarrierReport, at(22 + 24)}, // R-TRK-2: 24 h from dispatch
		{"US", RulePromise, at(5 * 24)},        // R-SLA-1: the promise
		{"US", RuleLate, at(5*24 + 24)},        // R-SLA-2: 24 h past it
		{"US", RuleCancelRequest, at(30 + 48)}, // R-ORD-4: 48 h from the request
		{"US", RuleEventCadence, at(40 + 24)},  // R-TRK-3: 24 h after the last event
		{"US", RuleStale, at(40 + 72)},         // R-TRK-5: 72 h after the last event
		{"GB", RuleEventCadence, at(40 + 24)},  //
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s %s", c.market, c.rule), func(t *testing.T) {
			o := fixtureOrder(c.market)
			o.CancelRequestedAt = at(30)
			s := fixtureShipment()
			s.FirstScanAt, s.LastEventAt, s.InFlight = at(23), at(40), true
			d, ok := byRule(Deadlines(o, []ShipmentFacts{s}, DefaultFigures(o.Market), PlatformDeadlines{}, at(41)))[c.rule]
			if !ok {
				t.Fatalf("no %s deadline", c.rule)
			}
			if !d.DueAt.Equal(c.due) || d.Source != "default" || d.Name == "" {
				t.Errorf("%s: due %v (%s, %q), want %v", c.rule, d.DueAt, d.Source, d.Name, c.due)
			}
		})
	}
	// Cross-border cadence is 48 h (R-TRK-3).
	s := fixtureShipment()
	s.FirstScanAt, s.LastEventAt, s.InFlight, s.CrossBorder = at(23), at(40), true, true
	if d := byRule(Deadlines(fixtureOrder("US"), []ShipmentFacts{s}, DefaultFigures("US"), PlatformDeadlines{}, at(41)))[RuleEventCadence]; !d.DueAt.Equal(at(88)) {
		t.Errorf("cross-border cadence due %v, want 48 h after the last event", d.DueAt)
	}
}

// TestPlatformDeadlinesWin: a deadline the marketplace put on the order replaces lastmile's.
func TestPlatformDeadlinesWin(t *testing.T) {
	p := PlatformDeadlines{RTSSLA: at(50), TTSSLA: at(60), ShippingDue: at(30), DeliverySLA: at(100), CancelOrderSLA: at(40)}
	o := fixtureOrder("US")
	o.CancelRequestedAt = at(10)
	ds := byRule(Deadlines(o, []ShipmentFacts{fixtureShipment()}, DefaultFigures("US"), p, at(11)))
	for rule, want := range map[RuleID]struct {
		due time.Time
		src string
	}{
		RuleShip:          {at(50), "platform:rts_sla_time"},
		RuleCarrierReport: {at(60), "platform:tts_sla_time"},
		RulePrint:         {at(30), "platform:shipping_due_time"},
		RulePromise:       {at(100), "platform:delivery_sla_time"},
		RuleLate:          {at(124), "platform:delivery_sla_time"},
		RuleCancelRequest: {at(40), "platform:cancel_order_sla_time"},
		RuleConfirm:       {at(25), "default"},
	} {
		if d := ds[rule]; !d.DueAt.Equal(want.due) || d.Source != want.src {
			t.Errorf("%s: due %v from %s, want %v from %s", rule, d.DueAt, d.Source, want.due, want.src)
		}
	}
	// The fallbacks: collection_due_time, delivery_due_time; and the platform's ship clock
	// runs before the seller confirms.
	o.ConfirmedAt = time.Time{}
	ds = byRule(Deadlines(o, []ShipmentFacts{fixtureShipment()}, DefaultFigures("US"),
		PlatformDeadlines{RTSSLA: at(50), CollectionDue: at(61), DeliveryDue: at(101)}, at(11)))
	if ds[RuleShip].DueAt != at(50) || ds[RuleShip].StartAt != at(1) || ds[RuleCarrierReport].Source != "platform:collection_due_time" ||
		ds[RulePromise].DueAt != at(101) || ds[RulePromise].Source != "platform:delivery_due_time" {
		t.Errorf("fallbacks: %+v", ds)
	}
}

func TestDeadlineStates(t *testing.T) {
	o := fixtureOrder("US")
	s := fixtureShipment()
	f := DefaultFigures("US")
	state := func(rule RuleID, o OrderFacts, s ShipmentFacts, now time.Time) State {
		t.Helper()
		d, ok := byRule(Deadlines(o, []ShipmentFacts{s}, f, PlatformDeadlines{}, now))[rule]
		if !ok {
			t.Fatalf("no %s", rule)
		}
		if got := Evaluate(d, now); got != d.State {
			t.Fatalf("Evaluate %s, Deadlines %s", got, d.State)
		}
		return d.State
	}
	// R-TRK-1, label at 20 h, due 24 h, at risk from 23 h.
	for _, c := range []struct {
		now  float64
		scan float64
		want State
	}{
		{21, 0, StatePending}, {23, 0, StateAtRisk}, {24, 0, StateAtRisk}, {24.001, 0, StateBreached},
		{30, 23.5, StateMet}, {30, 24, StateMet}, {30, 25, StateBreached},
	} {
		sh := s
		if c.scan > 0 {
			sh.FirstScanAt = at(c.scan)
		}
		if got := state(RuleFirstScan, o, sh, at(c.now)); got != c.want {
			t.Errorf("first scan at %v h, now %v h: %s, want %s", c.scan, c.now, got, c.want)
		}
	}
	// The order-level times are derived from the shipments: shipped when all are scanned.
	two := []ShipmentFacts{{ID: "a", LabelCreatedAt: at(20), FirstScanAt: at(21)}, {ID: "b", LabelCreatedAt: at(20)}}
	ds := byRule(Deadlines(o, two, f, PlatformDeadlines{}, at(30)))
	if !ds[RuleShip].MetAt.IsZero() || ds[RulePrint].MetAt != at(20) {
		t.Errorf("one of two scanned: ship met %v; print met %v", ds[RuleShip].MetAt, ds[RulePrint].MetAt)
	}
	two[1].FirstScanAt = at(26)
	if d := byRule(Deadlines(o, two, f, PlatformDeadlines{}, at(30)))[RuleShip]; d.MetAt != at(26) || d.State != StateMet {
		t.Errorf("both scanned: %+v", d)
	}
	// A voided shipment counts for nothing.
	two[1] = ShipmentFacts{ID: "b", LabelCreatedAt: at(20), Cancelled: true}
	if d := byRule(Deadlines(o, two, f, PlatformDeadlines{}, at(30)))[RuleShip]; d.MetAt != at(21) {
		t.Errorf("with the other voided: %+v", d)
	}
}

// TestCancelledOrderStopsClocks: clocks running at the cancellation are gone; one already
// breached stays breached; an unpaid order's clock shows its breach.
func TestCancelledOrderStopsClocks(t *testing.T) {
	o := fixtureOrder("US")
	o.ConfirmedAt = time.Time{}
	o.CancelledAt = at(30) // confirm was due at 25 h: breached before
	ds := byRule(Deadlines(o, nil, DefaultFigures("US"), PlatformDeadlines{}, at(40)))
	if d, ok := ds[RuleConfirm]; !ok || d.State != StateBreached {
		t.Errorf("confirm breached before the cancellation: %+v %v", d, ok)
	}
	if _, ok := ds[RulePrint]; ok {
		t.Error("the print clock (due 49 h) ran at the cancellation: it must be gone")
	}
	if _, ok := ds[RulePromise]; ok {
		t.Error("the promise clock must be gone")
	}
	unpaid := OrderFacts{ID: "ord_2", CreatedAt: at(0), CancelledAt: at(48.5)}
	if d := byRule(Deadlines(unpaid, nil, DefaultFigures("US"), PlatformDeadlines{}, at(50)))[RuleUnpaidCancel]; d.State != StateBreached {
		t.Errorf("unpaid auto-cancel: %+v", d)
	}
	// A cancellation accepted in time meets R-ORD-4.
	req := fixtureOrder("US")
	req.CancelRequestedAt, req.CancelAnsweredAt, req.CancelledAt = at(10), at(12), at(12)
	if d := byRule(Deadlines(req, nil, DefaultFigures("US"), PlatformDeadlines{}, at(20)))[RuleCancelRequest]; d.State != StateMet {
		t.Errorf("cancellation answered: %+v", d)
	}
}

// TestAlertsOnce: a clock raises at-risk, then breach, each exactly once, however often the
// sweep looks; one that breaches unseen raises the breach alone.
func TestAlertsOnce(t *testing.T) {
	o := fixtureOrder("US")
	s := fixtureShipment()
	f := DefaultFigures("US")
	var raised Raised
	var all []AlertKind
	for h := 20.0; h < 40; h += 0.25 {
		d := byRule(Deadlines(o, []ShipmentFacts{s}, f, PlatformDeadlines{}, at(h)))[RuleFirstScan]
		var got []AlertKind
		got, raised = Raise(d, raised)
		all = append(all, got...)
		if next := NextCheck(d, at(h)); d.State == StatePending && next != d.AtRiskAt {
			t.Errorf("next check of a pending clock: %v", next)
		}
	}
	if fmt.Sprint(all) != "[at_risk breached]" {
		t.Errorf("alerts %v, want at_risk then breached once each", all)
	}
	d := byRule(Deadlines(o, []ShipmentFacts{s}, f, PlatformDeadlines{}, at(30)))[RuleFirstScan]
	if got, _ := Raise(d, Raised{}); fmt.Sprint(got) != "[breached]" {
		t.Errorf("seen first when breached: %v", got)
	}
	met := s
	met.FirstScanAt = at(21)
	d = byRule(Deadlines(o, []ShipmentFacts{met}, f, PlatformDeadlines{}, at(30)))[RuleFirstScan]
	if got, _ := Raise(d, Raised{}); len(got) != 0 || !NextCheck(d, at(30)).IsZero() {
		t.Errorf("met: %v", got)
	}
	if d := byRule(Deadlines(o, []ShipmentFacts{s}, f, PlatformDeadlines{}, at(23.5)))[RuleFirstScan]; NextCheck(d, at(23.5)) != at(24).Add(time.Nanosecond) {
		t.Errorf("next check of an at-risk clock: %v", NextCheck(d, at(23.5)))
	}
}

// TestRollingClockKeys: the cadence and stale clocks restart at each event, each restart a
// key of its own, so each may alert once.
func TestRollingClockKeys(t *testing.T) {
	s := fixtureShipment()
	s.FirstScanAt, s.LastEventAt, s.InFlight = at(23), at(40), true
	a := byRule(Deadlines(fixtureOrder("US"), []ShipmentFacts{s}, DefaultFigures("US"), PlatformDeadlines{}, at(41)))
	s.LastEventAt = at(50)
	b := byRule(Deadlines(fixtureOrder("US"), []ShipmentFacts{s}, DefaultFigures("US"), PlatformDeadlines{}, at(51)))
	for _, r := range []RuleID{RuleEventCadence, RuleStale} {
		if a[r].Key == b[r].Key || !strings.HasPrefix(a[r].Key, string(r)+"/shipment/shp_1/") {
			t.Errorf("%s keys %q and %q", r, a[r].Key, b[r].Key)
		}
	}
	if k := a[RuleShip].Key; k != "R-SHIP-1/order/ord_1" {
		t.Errorf("ship key %q", k)
	}
	s.InFlight = false
	if _, ok := byRule(Deadlines(fixtureOrder("US"), []ShipmentFacts{s}, DefaultFigures("US"), PlatformDeadlines{}, at(51)))[RuleStale]; ok {
		t.Error("a delivered shipment has no stale clock")
	}
}

func TestFigures(t *testing.T) {
	if err := DefaultFigures("US").Validate(); err != nil {
		t.Fatal(err)
	}
	bad := DefaultFigures("US")
	bad.ShipWithin, bad.AtRiskAt = 0, 1.5
	err := bad.Validate()
	if err == nil || !strings.Contains(err.Error(), "ship_within (R-SHIP-1)") || !strings.Contains(err.Error(), "at_risk_at") {
		t.Errorf("%v", err)
	}
	// The configuration's figures win; the others keep their defaults.
	m := config.DefaultMarkets()["GB"]
	m.ConfirmWithin = 12 * time.Hour
	f := FiguresFor(m)
	if f.ConfirmWithin != 12*time.Hour || f.ShipWithin != 48*time.Hour || f.Tracking.StaleAfter != 72*time.Hour || f.LateGrace != 24*time.Hour {
		t.Errorf("%+v", f)
	}
	if len(Rules()) != 11 {
		t.Errorf("%d rules", len(Rules()))
	}
}

func BenchmarkDeadlines(b *testing.B) {
	o := fixtureOrder("US")
	o.CancelRequestedAt = at(30)
	s := fixtureShipment()
	s.FirstScanAt, s.LastEventAt, s.InFlight = at(23), at(40), true
	ships := []ShipmentFacts{s}
	f := DefaultFigures("US")
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		ds := Deadlines(o, ships, f, PlatformDeadlines{}, at(41))
		n += len(ds)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "orders/s")
}

func marketOf(s string) model.Market { return model.Market(s) }
