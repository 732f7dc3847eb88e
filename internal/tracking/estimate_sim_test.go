package tracking_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/carrier/carriertest"
	"lastmile/internal/carrier/sim"
	"lastmile/internal/tracking"
)

// simHistory ships perDay parcels a weekday for weeks by every service of every simulated
// carrier (the realistic journey: delays, exceptions, stale parcels), tracks them to the end
// and returns the delivered ones with each service's rate card transit days.
func simHistory(t *testing.T, weeks, perDay int) ([]tracking.Delivery, map[[2]string]tracking.RateCardTransit) {
	t.Helper()
	codes, err := tracking.DefaultCodes()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var mu sync.Mutex
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) // a Monday
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	n, err := sim.Start(ctx, sim.Options{Now: clock, Seed: 12, Journey: sim.DefaultJourney()})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	type parcel struct {
		client *sim.Client
		lane   tracking.Lane
		number string
	}
	var parcels []parcel
	cards := map[[2]string]tracking.RateCardTransit{}
	clients := map[string]*sim.Client{}
	for _, code := range sim.Codes() {
		c, err := sim.NewClient(sim.ClientConfig{URL: n.URL(), APIKey: n.APIKey(), Carrier: code})
		if err != nil {
			t.Fatal(err)
		}
		if !c.Capabilities().Has(carrier.CanTrack) {
			continue // pushes webhooks only
		}
		clients[code] = c
		for _, sv := range c.Services() {
			cards[[2]string{code, sv.Code}] = tracking.RateCardTransit{MinDays: sv.TransitDaysMin, MaxDays: sv.TransitDaysMax, BusinessDays: sv.BusinessDays}
		}
	}
	seq := 0
	for day := range weeks * 7 {
		mu.Lock()
		now = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC).AddDate(0, 0, day)
		today := now
		mu.Unlock()
		if wd := today.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		for _, code := range sim.Codes() {
			c, ok := clients[code]
			if !ok {
				continue
			}
			var numbers []string
			var from carriertest.Addresses
			for _, sv := range c.Services() {
				if len(sv.Markets) == 0 {
					continue
				}
				a, ok := carriertest.SampleAddresses(sv.Markets[0])
				if !ok {
					continue
				}
				from = a
				for range perDay {
					seq++
					ref := "pkg_" + strconv.Itoa(seq)
					l, err := c.Purchase(ctx, carrier.PurchaseRequest{IdempotencyKey: ref, Reference: ref, Service: sv.Code,
						From: a.From, To: a.To, Parcel: carrier.Parcel{WeightG: 450}})
					if err != nil {
						t.Fatalf("%s %s: %v", code, sv.Code, err)
					}
					numbers = append(numbers, l.TrackingNumber)
					parcels = append(parcels, parcel{c, tracking.Lane{Carrier: code, Service: sv.Code, Origin: "wh_" + a.From.Country,
						Destination: a.To.Country + "-" + a.To.Region}, l.TrackingNumber})
				}
			}
			if len(numbers) > 0 && c.Capabilities().Has(carrier.CanManifest) {
				if _, err := c.Manifest(ctx, carrier.ManifestRequest{ShipDate: today, From: from.From, TrackingNumbers: numbers}); err != nil {
					t.Fatalf("%s manifest: %v", code, err)
				}
			}
		}
	}
	mu.Lock()
	now = now.AddDate(0, 0, 45) // every journey has ended
	mu.Unlock()
	numbers := map[*sim.Client][]string{}
	for _, p := range parcels {
		numbers[p.client] = append(numbers[p.client], p.number)
	}
	tracked := map[string]carrier.Tracking{}
	for c, ns := range numbers {
		ts, err := c.Track(ctx, ns)
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range ts {
			tracked[tr.TrackingNumber] = tr
		}
	}
	var out []tracking.Delivery
	for _, p := range parcels {
		s := tracking.Apply(tracking.ShipmentTracking{TrackingNumber: p.number, Carrier: p.lane.Carrier}, codes.Events(p.lane.Carrier, tracked[p.number]))
		if s.Status == tracking.StatusDelivered && !s.FirstScanAt.IsZero() {
			out = append(out, tracking.Delivery{Lane: p.lane, HandedOverAt: s.FirstScanAt, DeliveredAt: s.DeliveredAt})
		}
	}
	return out, cards
}

// TestEstimateAccuracyOnTheSimulatedNetwork measures the delivery estimate as lastmile would
// have given it: every parcel's estimate is learnt from the parcels delivered before its own
// first scan (the rate card's transit days while a lane's history is thin). The window must
// hold at least 90% of deliveries once history is there; the figures are reported
// (docs/benchmarks.md): go test ./internal/tracking/ -run EstimateAccuracy -v
func TestEstimateAccuracyOnTheSimulatedNetwork(t *testing.T) {
	if testing.Short() {
		t.Skip("ships thousands of simulated parcels")
	}
	history, cards := simHistory(t, 10, 4)
	slices.SortFunc(history, func(a, b tracking.Delivery) int { return a.HandedOverAt.Compare(b.HandedOverAt) })
	byDelivery := slices.Clone(history)
	slices.SortFunc(byDelivery, func(a, b tracking.Delivery) int { return a.DeliveredAt.Compare(b.DeliveredAt) })
	// One estimator a day, from what was delivered before the day began.
	estimators := map[string]*tracking.Estimator{}
	estimatorOn := func(day time.Time) *tracking.Estimator {
		k := day.Format(time.DateOnly)
		if e, ok := estimators[k]; ok {
			return e
		}
		start := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
		i, _ := slices.BinarySearchFunc(byDelivery, start, func(d tracking.Delivery, at time.Time) int { return d.DeliveredAt.Compare(at) })
		e, err := tracking.NewEstimator(byDelivery[:i], tracking.EstimatorOptions{})
		if err != nil {
			t.Fatal(err)
		}
		estimators[k] = e
		return e
	}
	estimate := func(d tracking.Delivery) tracking.Estimate {
		return estimatorOn(d.HandedOverAt.UTC()).Estimate(d.Lane, d.HandedOverAt, cards[[2]string{d.Lane.Carrier, d.Lane.Service}])
	}
	var learnt, card []tracking.Delivery
	for _, d := range history {
		if estimate(d).Source == tracking.SourceRateCard {
			card = append(card, d)
		} else {
			learnt = append(learnt, d)
		}
	}
	all, err := tracking.Evaluate(history, estimate)
	if err != nil {
		t.Fatal(err)
	}
	fromHistory, err := tracking.Evaluate(learnt, estimate)
	if err != nil {
		t.Fatal(err)
	}
	report := func(name string, a tracking.Accuracy) string {
		return fmt.Sprintf("%-14s %5d deliveries  in window %5.1f%%  MAE %.2f days", name, a.Deliveries, 100*a.Coverage, a.MAEDays)
	}
	t.Log(report("all", all))
	t.Log(report("history", fromHistory))
	if len(card) > 0 {
		fromCard, err := tracking.Evaluate(card, estimate)
		if err != nil {
			t.Fatal(err)
		}
		t.Log(report("rate card", fromCard))
	}
	if fromHistory.Coverage < 0.90 {
		t.Errorf("the learnt window holds %.1f%% of deliveries, want at least 90%%", 100*fromHistory.Coverage)
	}
	if all.Unestimated != 0 {
		t.Errorf("%d deliveries had no estimate", all.Unestimated)
	}
}
