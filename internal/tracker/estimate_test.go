package tracker_test

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/sla"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
	"lastmile/internal/tracker"
	"lastmile/internal/tracking"
)

// TestEstimateLearnsFromDeliveredHistory: with no delivered history the estimate is the rate
// card's transit days; once 30 parcels of the lane (usps ground_advantage, wh_1 → US-NV) are
// delivered in 2, 3 or 4 days, the estimate is the
// lane's own window, 2–4 days from the first scan, with its basis.
func TestEstimateLearnsFromDeliveredHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		f := newFix(t, s, "US", nil)
		f.svc.SetTransit(func(carrier, service string) (tracking.RateCardTransit, bool) {
			if carrier == "usps" && service == "ground_advantage" {
				return tracking.RateCardTransit{MinDays: 2, MaxDays: 5}, true
			}
			return tracking.RateCardTransit{}, false
		})
		scan := t0.Add(3 * time.Hour)
		f.now = t0.Add(4 * time.Hour)
		f.ingest(t, f.ev("OA", scan))
		v, err := f.svc.Tracking(ctx, []string{f.shop.ID}, f.ship.ID)
		if err != nil {
			t.Fatal(err)
		}
		e := v.Estimated
		if e.Source != string(tracking.SourceRateCard) || e.LowDays != 2 || e.HighDays != 5 || e.Latest == nil || !e.Latest.Equal(scan.Add(5*24*time.Hour)) {
			t.Fatalf("without history: %+v, want the rate card's 2–5 days", e)
		}
		f.now = t0.Add(10 * 24 * time.Hour) // the history's deliveries are in the past
		deliver := func(i int) {
			o := f.newOrder(t, "hist-"+strconv.Itoa(i), nil)
			sh := f.label(t, o, "9400HIST"+strconv.Itoa(i))
			days := time.Duration(2+i%3) * 24 * time.Hour
			if _, err := f.svc.Ingest(ctx, []string{f.shop.ID}, []tracking.Event{evFor(sh.TrackingNumber, "OA", scan),
				evFor(sh.TrackingNumber, "01", scan.Add(days))}); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 30 {
			deliver(i)
		}
		if v, err = f.svc.Tracking(ctx, []string{f.shop.ID}, f.ship.ID); err != nil {
			t.Fatal(err)
		}
		e = v.Estimated
		if e.Source != string(tracking.SourceLane) || e.LowDays != 2 || e.HighDays != 4 || !strings.Contains(e.Basis, "30 deliveries on this lane") ||
			e.Earliest == nil || !e.Earliest.Equal(scan.Add(48*time.Hour)) || !e.Point.Equal(scan.Add(72*time.Hour)) {
			t.Errorf("with history: %+v, want the lane's 2–4 days, point 3", e)
		}
		// The learnt estimator is kept for an hour, then learnt again.
		deliver(30)
		f.now = f.now.Add(30 * time.Minute)
		if v, _ = f.svc.Tracking(ctx, []string{f.shop.ID}, f.ship.ID); !strings.Contains(v.Estimated.Basis, "30 deliveries") {
			t.Errorf("within the hour: %+v", v.Estimated)
		}
		f.now = f.now.Add(time.Hour)
		if v, _ = f.svc.Tracking(ctx, []string{f.shop.ID}, f.ship.ID); !strings.Contains(v.Estimated.Basis, "31 deliveries") {
			t.Errorf("after the hour: %+v", v.Estimated)
		}
	})
}

// TestHistoryOfKeepsTheNewestPerLane: the store's rows, newest first, keep perLane per lane.
func TestHistoryOfKeepsTheNewestPerLane(t *testing.T) {
	var rows []store.DeliveredShipment
	for i := range 5 {
		rows = append(rows, store.DeliveredShipment{Carrier: "usps", Service: "ga", WarehouseID: "wh", Country: "US", Region: "CA",
			FirstScanAt: t0, DeliveredAt: t0.Add(time.Duration(10-i) * 24 * time.Hour)})
	}
	rows = append(rows, store.DeliveredShipment{Carrier: "usps", Service: "ga", WarehouseID: "wh", Country: "US", FirstScanAt: t0, DeliveredAt: t0.Add(time.Hour)})
	h := tracker.HistoryOf(rows, 3)
	if len(h) != 4 || h[0].Lane.Destination != "US-CA" || h[2].TransitDays() != 8 || h[3].Lane.Destination != "US" {
		t.Errorf("history %+v", h)
	}
}

// TestShipmentStatusFollowsItsTracking: the shipment itself moves to in_transit at its first
// scan and to delivered at its delivery, with the tracking state (the lifecycle
// created → label_purchased → … → in_transit → delivered); a replay moves nothing back.
func TestShipmentStatusFollowsItsTracking(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		f := newFix(t, s, "US", nil)
		status := func() model.ShipmentStatus {
			sh, err := s.GetShipment(ctx, []string{f.shop.ID}, f.ship.ID)
			if err != nil {
				t.Fatal(err)
			}
			return sh.Status
		}
		f.now = t0.Add(70 * time.Hour)
		f.ingest(t, f.ev("GX", t0.Add(2*time.Hour)))
		if got := status(); got != model.ShipmentLabelPurchased {
			t.Errorf("after the carrier's info-received: %s, want label_purchased", got)
		}
		f.ingest(t, f.ev("OA", t0.Add(3*time.Hour)))
		if got := status(); got != model.ShipmentInTransit {
			t.Errorf("after the first scan: %s, want in_transit", got)
		}
		f.ingest(t, f.journey()...)
		if got := status(); got != model.ShipmentDelivered {
			t.Errorf("after the delivery: %s, want delivered", got)
		}
		f.ingest(t, f.ev("L1", t0.Add(21*time.Hour))) // a late scan of the journey
		if got := status(); got != model.ShipmentDelivered {
			t.Errorf("after a late scan: %s, want delivered still", got)
		}
	})
}

// TestAtRiskAtFromTheConfiguration: markets.<CC>.at_risk_at moves every clock's at-risk
// time; the default is 75% of the window.
func TestAtRiskAtFromTheConfiguration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s store.Store) {
		f := newFix(t, s, "US", nil)
		d := f.deadlines(t)["R-SHIP-1"]
		if want := d.StartAt.Add(d.DueAt.Sub(d.StartAt) * 3 / 4); !d.AtRiskAt.Equal(want) {
			t.Errorf("default at risk %s, want %s (75%%)", d.AtRiskAt, want)
		}
		markets := config.DefaultMarkets()
		us := markets["US"]
		us.AtRiskAt = 0.5
		markets["US"] = us
		codes, _ := tracking.DefaultCodes()
		f.svc = tracker.New(s, codes, markets, func() time.Time { return f.now }, slog.New(slog.DiscardHandler))
		d = f.deadlines(t)["R-SHIP-1"]
		if want := d.StartAt.Add(d.DueAt.Sub(d.StartAt) / 2); !d.AtRiskAt.Equal(want) {
			t.Errorf("at_risk_at 0.5: at risk %s, want %s", d.AtRiskAt, want)
		}
	})
}

// TestScoreConfigOfTheDefaultsIsThePublishedOne: the scores: section's defaults are the
// published thresholds and LTS (late fulfilment 40%, R-SLA-3), and its keys reach them.
func TestScoreConfigOfTheDefaultsIsThePublishedOne(t *testing.T) {
	if got, want := tracker.ScoreConfigOf(config.DefaultScores()), sla.DefaultScoreConfig(); got != want {
		t.Errorf("ScoreConfigOf(defaults) = %+v, want %+v", got, want)
	}
	c := config.DefaultScores()
	c.LTSMin, c.ExceptionRateMax, c.TrackingCompletenessMin, c.ConfirmationTimeoutMax = 80, 0.01, 90, 0.04
	c.LTSLateWeight, c.LTSSellerFaultCancelWeight = 0.45, 0
	got := tracker.ScoreConfigOf(c)
	if got.Thresholds.LTSMin != 80 || got.Thresholds.DeliveryExceptionMax != 0.01 || got.Thresholds.CompletenessMin != 90 ||
		got.Thresholds.ConfirmationTimeoutMax != 0.04 || got.LTS.LateDelivery != 0.45 || got.LTS.SellerFaultCancel != 0 || got.LTS.CompletenessFull != 90 {
		t.Errorf("ScoreConfigOf: %+v", got)
	}
	if err := got.Validate(); err != nil {
		t.Errorf("a configuration whose weights add up to 1: %v", err)
	}
}
