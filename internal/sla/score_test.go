package sla

import (
	"math"
	"strconv"
	"testing"
	"time"

	"lastmile/internal/tracking"
)

// w49 is Monday 30 November 2026, 00:00 UTC: the start of 2026-W49.
var w49 = time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)

func d(day, hour float64) time.Time {
	return w49.Add(time.Duration((day*24 + hour) * float64(time.Hour)))
}

func week49(t *testing.T) Period {
	t.Helper()
	p, err := ParsePeriod("2026-W49", time.Time{}, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func closeTo(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func checkRate(t *testing.T, name string, r Rate, num, den float64) {
	t.Helper()
	if !closeTo(r.Num, num) || !closeTo(r.Den, den) {
		t.Errorf("%s: %v of %v, want %v of %v", name, r.Num, r.Den, num, den)
	}
}

// weekFixture is ten orders of two shops in 2026-W49, every deadline passed by 10 December.
// Shop A ships with USPS, shop B with UPS.
func weekFixture() []Record {
	a := func(r Record) Record { r.Shop, r.Carrier, r.Market = "shop_a", "usps", "US"; return r }
	b := func(r Record) Record { r.Shop, r.Carrier, r.Market = "shop_b", "ups", "US"; return r }
	return []Record{
		// r1: everything in time.
		a(Record{OrderID: "r1", PaidAt: d(0, 1), ConfirmDueAt: d(1, 1), ConfirmedAt: d(0, 5), ShipDueAt: d(3, 5), ShippedAt: d(1, 10),
			HasTracking: true, ValidTracking: true, LateAt: d(6, 0), DeliveredAt: d(4, 0), MilestonesPresent: 3, MilestonesExpected: 3}),
		// r2: shipped late, delivered late, out for delivery missing.
		a(Record{OrderID: "r2", PaidAt: d(0, 2), ConfirmDueAt: d(1, 2), ConfirmedAt: d(0, 6), ShipDueAt: d(3, 6), ShippedAt: d(3, 9),
			HasTracking: true, ValidTracking: true, LateAt: d(6, 0), DeliveredAt: d(6, 12), MilestonesPresent: 2, MilestonesExpected: 3}),
		// r3: confirmed late; misdelivered, then delivered in time.
		a(Record{OrderID: "r3", PaidAt: d(0, 2), ConfirmDueAt: d(1, 2), ConfirmedAt: d(1, 3), ShipDueAt: d(4, 3), ShippedAt: d(2, 0),
			HasTracking: true, ValidTracking: true, LateAt: d(5, 0), DeliveredAt: d(4, 0), DeliveryException: true, MilestonesPresent: 3, MilestonesExpected: 3}),
		// r4: a number the carrier never scanned; lost.
		a(Record{OrderID: "r4", PaidAt: d(0, 3), ConfirmDueAt: d(1, 3), ConfirmedAt: d(0, 4), ShipDueAt: d(3, 4), ShippedAt: d(1, 0),
			HasTracking: true, LateAt: d(5, 0), DeliveryException: true}),
		// r5: cancelled by the seller before it was confirmed.
		a(Record{OrderID: "r5", PaidAt: d(0, 4), ConfirmDueAt: d(1, 4), CancelledAt: d(1, 0), SellerFault: true, LateAt: d(6, 0)}),
		// r6: paid the week before; shipped and delivered this week, in time.
		a(Record{OrderID: "r6", PaidAt: d(-2, 0), ConfirmDueAt: d(-1, 0), ConfirmedAt: d(-2, 1), ShipDueAt: d(1, 0), ShippedAt: d(0, 20),
			HasTracking: true, ValidTracking: true, LateAt: d(4, 0), DeliveredAt: d(3, 0), MilestonesPresent: 3, MilestonesExpected: 3}),
		// r7: everything in time.
		b(Record{OrderID: "r7", PaidAt: d(2, 0), ConfirmDueAt: d(3, 0), ConfirmedAt: d(2, 2), ShipDueAt: d(5, 2), ShippedAt: d(3, 0),
			HasTracking: true, ValidTracking: true, LateAt: d(6, 23), DeliveredAt: d(5, 0), MilestonesPresent: 3, MilestonesExpected: 3}),
		// r8: never shipped; its late time is next week.
		b(Record{OrderID: "r8", PaidAt: d(2, 0), ConfirmDueAt: d(3, 0), ConfirmedAt: d(2, 1), ShipDueAt: d(5, 0), LateAt: d(8, 0)}),
		// r9: never confirmed.
		b(Record{OrderID: "r9", PaidAt: d(4, 0), ConfirmDueAt: d(5, 0)}),
		// r10: shipped in time; its late time is next week.
		b(Record{OrderID: "r10", PaidAt: d(3, 0), ConfirmDueAt: d(4, 0), ConfirmedAt: d(3, 1), ShipDueAt: d(6, 1), ShippedAt: d(5, 0),
			HasTracking: true, ValidTracking: true, LateAt: d(9, 0)}),
	}
}

// TestWeekScores: the week's figures of the fixture, counted by hand.
func TestWeekScores(t *testing.T) {
	all := Compute(weekFixture(), week49(t), GroupAll, d(10, 0), DefaultScoreConfig())
	if len(all) != 1 {
		t.Fatalf("%d groups", len(all))
	}
	s := all[0]
	// Confirmations due in the week: r1–r4, r7–r10 (r5 cancelled before, r6 due the week
	// before); r3 and r9 late.
	checkRate(t, "confirmation timeout (R-ORD-3)", s.ConfirmationTimeout, 2, 8)
	// Shipments due: r1–r4, r6, r7, r8, r10; r2 and r8 late.
	checkRate(t, "late dispatch (R-SHIP-1)", s.LateDispatch, 2, 8)
	// With a number: r1–r4, r6, r7, r10; r4 never scanned.
	checkRate(t, "valid tracking", s.ValidTracking, 6, 7)
	// Late times in the week, shipped: r1–r4, r6, r7; r2 delivered late, r4 never.
	checkRate(t, "on-time delivery", s.OnTimeDelivery, 4, 6)
	checkRate(t, "late delivery (R-SLA-2)", s.LateDelivery, 2, 6)
	// r3 misdelivered, r4 lost.
	checkRate(t, "delivery exceptions (R-SLA-4)", s.DeliveryException, 2, 6)
	// Paid in the week: all but r6; r5 cancelled by the seller.
	checkRate(t, "seller-fault cancellations", s.SellerFaultCancel, 1, 9)
	// Delivered: r1, r2, r3, r6, r7: 14 of 15 items.
	if c, ok := s.Completeness.Value(); !ok || !closeTo(c, 100*14.0/15) {
		t.Errorf("completeness %v", c)
	}
	if s.Orders != 10 {
		t.Errorf("orders %d, want 10", s.Orders)
	}
	// Only the completeness component scores (every rate is past its zero point): 10 ÷ 1.
	if !s.LTSOK || !closeTo(s.LTS, 10) {
		t.Errorf("LTS %v", s.LTS)
	}

	byCarrier := Compute(weekFixture(), week49(t), GroupCarrier, d(10, 0), DefaultScoreConfig())
	if len(byCarrier) != 2 || byCarrier[0].Group != "ups" || byCarrier[1].Group != "usps" {
		t.Fatalf("groups %v", byCarrier)
	}
	ups := byCarrier[0]
	checkRate(t, "ups confirmation timeout", ups.ConfirmationTimeout, 1, 4)
	checkRate(t, "ups late dispatch", ups.LateDispatch, 1, 3)
	checkRate(t, "ups valid tracking", ups.ValidTracking, 2, 2)
	checkRate(t, "ups late delivery", ups.LateDelivery, 0, 1)
	checkRate(t, "ups seller-fault cancellations", ups.SellerFaultCancel, 0, 4)
	// 0.4×100 + 0.2×0 (1 late of 3 is past 10%) + 0.15×100 + 0.1×100 + 0.1×100 + 0.05×100.
	if !closeTo(ups.LTS, 80) {
		t.Errorf("ups LTS %v, want 80", ups.LTS)
	}

	// Halfway through the week r7 (late time Sunday 23:00) is not delivered yet: pending.
	open := weekFixture()[6]
	open.DeliveredAt = time.Time{}
	mid := Compute([]Record{open}, week49(t), GroupAll, d(4, 12), DefaultScoreConfig())
	if r := mid[0].OnTimeDelivery; r.Pending != 1 || r.Den != 0 {
		t.Errorf("an undelivered order before its late time is pending: %+v", r)
	}
	if _, err := ParseGroupBy("lane"); err != nil {
		t.Error(err)
	}
	if _, err := ParseGroupBy("colour"); err == nil {
		t.Error("group_by colour accepted")
	}
}

// TestLTSFormula: the composite on moderate figures, by hand.
func TestLTSFormula(t *testing.T) {
	s := Scores{
		LateDelivery:      Rate{Num: 5, Den: 100},    // 1 − 0.05/0.20 = 75
		LateDispatch:      Rate{Num: 2, Den: 100},    // 1 − 0.02/0.10 = 80
		ValidTracking:     Rate{Num: 98, Den: 100},   // 1 − 0.02/0.10 = 80
		DeliveryException: Rate{Num: 0.65, Den: 100}, // 1 − 0.0065/0.026 = 75
		Completeness:      Completeness{Present: 80, Expected: 100},
		SellerFaultCancel: Rate{Num: 1, Den: 100}, // 1 − 0.01/0.05 = 80
	}
	lts, ok := ComputeLTS(&s, DefaultLTSConfig())
	want := 0.4*75 + 0.2*80 + 0.15*80 + 0.1*75 + 0.1*(100*80.0/85) + 0.05*80
	if !ok || !closeTo(lts, want) {
		t.Errorf("LTS %v, want %v", lts, want)
	}
	// Without deliveries the late component is left out and the others reweighted.
	s.LateDelivery = Rate{}
	lts, _ = ComputeLTS(&s, DefaultLTSConfig())
	if !closeTo(lts, (want-0.4*75)/0.6) {
		t.Errorf("LTS without deliveries %v", lts)
	}
	if _, ok := ComputeLTS(&Scores{}, DefaultLTSConfig()); ok {
		t.Error("an LTS of nothing")
	}
	if err := DefaultScoreConfig().Validate(); err != nil {
		t.Error(err)
	}
	bad := DefaultLTSConfig()
	bad.LateDelivery = 0.5
	if err := bad.Validate(); err == nil {
		t.Error("weights adding up to 1.1 accepted")
	}
}

func TestScoreAlerts(t *testing.T) {
	p := week49(t)
	cur := Scores{Group: "shop_1", Period: p,
		LateDelivery: Rate{Num: 30, Den: 100}, OnTimeDelivery: Rate{Num: 70, Den: 100}, LateDispatch: Rate{Num: 1, Den: 100},
		ValidTracking: Rate{Num: 99, Den: 100}, DeliveryException: Rate{Num: 2, Den: 100}, Completeness: Completeness{Present: 80, Expected: 100},
		SellerFaultCancel: Rate{Num: 1, Den: 100}, ConfirmationTimeout: Rate{Num: 1, Den: 100}}
	cur.LTS, cur.LTSOK = ComputeLTS(&cur, DefaultLTSConfig())
	got := Alerts(nil, &cur, DefaultThresholds())
	var metrics []string
	for _, a := range got {
		metrics = append(metrics, a.Metric)
		if a.Key != a.Metric+"/shop_1/2026-W49" || a.Message == "" {
			t.Errorf("alert %+v", a)
		}
	}
	if len(got) != 3 || metrics[0] != "lts" || metrics[1] != "delivery_exception_rate" || metrics[2] != "tracking_completeness" {
		t.Errorf("alerts %v, want lts (%.1f < 75), delivery_exception_rate (2%% > 1.3%%), tracking_completeness (80 < 85)", metrics, cur.LTS)
	}
	if got[0].Rule != "R-SLA-3" || got[1].Rule != "R-SLA-4" || got[2].Rule != "R-TRK-6" {
		t.Errorf("rules %v %v %v", got[0].Rule, got[1].Rule, got[2].Rule)
	}
	if again := Alerts(&cur, &cur, DefaultThresholds()); len(again) != 0 {
		t.Errorf("still out of bounds is not a crossing: %v", again)
	}
	few := DefaultThresholds()
	few.MinCases = 200
	if none := Alerts(nil, &cur, few); len(none) != 0 {
		t.Errorf("below the minimum cases: %v", none)
	}
	good := Scores{Group: "shop_1", LateDelivery: Rate{Num: 1, Den: 100}, DeliveryException: Rate{Num: 1, Den: 100},
		Completeness: Completeness{Present: 90, Expected: 100}}
	good.LTS, good.LTSOK = ComputeLTS(&good, DefaultLTSConfig())
	if crossed := Alerts(&good, &cur, DefaultThresholds()); len(crossed) != 3 {
		t.Errorf("from good to bad: %v", crossed)
	}
}

// outlookOf is an Outlook from a table.
type outlookOf map[string]float64

func (o outlookOf) OnTime(r *Record, _ time.Time) float64 { return o[r.OrderID] }

// TestForecast: on Friday of 2026-W49, two deliveries decided and two in flight, one dispatch
// pending; the week's expected figures by hand.
func TestForecast(t *testing.T) {
	now := d(4, 0)
	recs := []Record{
		{OrderID: "f1", ShipDueAt: d(2, 0), ShippedAt: d(1, 0), HasTracking: true, ValidTracking: true, LateAt: d(5, 0), DeliveredAt: d(3, 0),
			MilestonesPresent: 3, MilestonesExpected: 3},
		{OrderID: "f2", ShipDueAt: d(1, 12), ShippedAt: d(1, 0), HasTracking: true, ValidTracking: true, LateAt: d(3, 12), DeliveryException: true},
		{OrderID: "f3", ShipDueAt: d(2, 12), ShippedAt: d(2, 0), HasTracking: true, ValidTracking: true, LateAt: d(6, 0)},
		{OrderID: "f4", ShipDueAt: d(1, 12), ShippedAt: d(2, 0), HasTracking: true, ValidTracking: true, LateAt: d(6, 0)},
		{OrderID: "f5", ShipDueAt: d(5, 0), LateAt: d(10, 0)},
	}
	fc := Forecast(recs, week49(t), GroupAll, now, DefaultScoreConfig(), outlookOf{"f3": 0.8, "f4": 0.3})
	if len(fc) != 1 || !fc[0].Forecast {
		t.Fatalf("%+v", fc)
	}
	s := fc[0]
	// Deliveries: f1 on time, f2 late (past its late time), f3 0.8, f4 0.3.
	checkRate(t, "on-time delivery", s.OnTimeDelivery, 2.1, 4)
	checkRate(t, "late delivery", s.LateDelivery, 1.9, 4)
	// Exceptions: of the cases whose late time has passed, f2 alone (an exception), so 1 for
	// each of f3 and f4. f1, delivered but its late time still ahead, is left out of the base
	// rate: counting the early-decided cases alone would bias it.
	checkRate(t, "delivery exceptions", s.DeliveryException, 3, 4)
	// Dispatch: f4 late of the decided four, so 0.25 for f5.
	checkRate(t, "late dispatch", s.LateDispatch, 1.25, 5)
	checkRate(t, "valid tracking", s.ValidTracking, 4, 4)
	if s.LateDelivery.Pending != 0 || s.LateDispatch.Pending != 0 {
		t.Errorf("pending left: %+v %+v", s.LateDelivery, s.LateDispatch)
	}
	// LTS: late 47.5% → 0, dispatch 25% → 0, tracking valid → 100, exceptions 75% → 0,
	// completeness 100 → 100, no cancellations: (0.15×100 + 0.1×100) ÷ 0.95.
	if !closeTo(s.LTS, 25/0.95) {
		t.Errorf("LTS %v, want %v", s.LTS, 25/0.95)
	}
	// Decided figures of the same moment leave the pending out.
	now2 := Compute(recs, week49(t), GroupAll, now, DefaultScoreConfig())[0]
	checkRate(t, "decided on-time", now2.OnTimeDelivery, 1, 2)
	if now2.OnTimeDelivery.Pending != 2 || now2.Forecast {
		t.Errorf("decided: %+v", now2)
	}
}

// TestEstimateOutlook: the forecast's probability is the delivery estimate's.
func TestEstimateOutlook(t *testing.T) {
	lane := tracking.Lane{Carrier: "usps", Service: "ground-advantage", Origin: "wh", Destination: "US-CA"}
	var hist []tracking.Delivery
	for i := range 40 {
		hist = append(hist, tracking.Delivery{Lane: lane, HandedOverAt: w49, DeliveredAt: w49.Add(time.Duration(24+i) * time.Hour)})
	}
	est, err := tracking.NewEstimator(hist, tracking.EstimatorOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := Record{EstimateLane: lane, ShippedAt: w49, LateAt: w49.Add(50 * time.Hour)}
	got := EstimateOutlook{Estimator: est}.OnTime(&r, w49.Add(30*time.Hour))
	want := est.OnTimeProbability(lane, w49, w49.Add(30*time.Hour), r.LateAt, tracking.RateCardTransit{})
	// Delivered after 24…63 h; not by 30 h: 33 left, 20 of them (31…50 h) by 50 h.
	if got != want || !closeTo(got, 20.0/33) {
		t.Errorf("%v, want %v = 20/33", got, want)
	}
}

func BenchmarkCompute(b *testing.B) {
	base := weekFixture()
	recs := make([]Record, 0, 100_000)
	for i := range 10_000 {
		for _, r := range base {
			r.Shop = r.Shop + string(rune('a'+i%20))
			recs = append(recs, r)
		}
	}
	p, _ := ParsePeriod("2026-W49", time.Time{}, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		_ = Compute(recs, p, GroupShop, d(10, 0), DefaultScoreConfig())
	}
	b.ReportMetric(float64(len(recs)*b.N)/b.Elapsed().Seconds(), "records/s")
}

// TestForecastCountsLateScans: a tracking number not scanned by its ship deadline may still be
// scanned, and the final valid-tracking rate counts it then. The forecast counts it valid with
// the share of the prior weeks' numbers, unscanned at their deadline and as long after it,
// that were scanned in the end.
func TestForecastCountsLateScans(t *testing.T) {
	now := d(2, 0)
	recs := []Record{{OrderID: "late", ShipDueAt: d(1, 0), HasTracking: true}} // unscanned 24 h past its deadline
	prior := func(i int, scanAfter time.Duration) Record {
		due := d(-10, float64(i))
		r := Record{OrderID: "p" + strconv.Itoa(i), ShipDueAt: due, HasTracking: true}
		if scanAfter > 0 {
			r.ShippedAt, r.ValidTracking = due.Add(scanAfter), true
		}
		return r
	}
	for i := range 20 {
		recs = append(recs, prior(i, 48*time.Hour)) // scanned 2 days late: counted, scanned
	}
	for i := 20; i < 30; i++ {
		recs = append(recs, prior(i, 0)) // never scanned
	}
	for i := 30; i < 35; i++ {
		recs = append(recs, prior(i, 2*time.Hour)) // scanned within 24 h of the deadline: not comparable
	}
	fc := Forecast(recs, week49(t), GroupAll, now, DefaultScoreConfig(), outlookOf{})
	if len(fc) != 1 {
		t.Fatalf("%+v", fc)
	}
	checkRate(t, "valid tracking", fc[0].ValidTracking, 20.0/30, 1)
	// With fewer than MinHistory comparable numbers, an unscanned one stays invalid.
	fc = Forecast(recs[:15], week49(t), GroupAll, now, DefaultScoreConfig(), outlookOf{})
	checkRate(t, "valid tracking, thin history", fc[0].ValidTracking, 0, 1)
}
