package tracking_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/carrier/carriertest"
	"lastmile/internal/carrier/sim"
	"lastmile/internal/tracking"
)

// stepMeaning is what each step of the simulated carriers' journeys must normalise to.
var stepMeaning = map[string]tracking.Mapping{
	"created":              {Status: tracking.StatusInfoReceived},
	"accepted":             {Status: tracking.StatusInTransit},
	"voided":               {Status: tracking.StatusCancelled},
	"departed":             {Status: tracking.StatusInTransit},
	"arrived":              {Status: tracking.StatusInTransit},
	"export_cleared":       {Status: tracking.StatusInTransit, Milestones: tracking.Of(tracking.MilestoneExportCustoms)},
	"destination_arrival":  {Status: tracking.StatusInTransit, Milestones: tracking.Of(tracking.MilestoneDestinationArrival)},
	"import_cleared":       {Status: tracking.StatusInTransit, Milestones: tracking.Of(tracking.MilestoneImportCustoms)},
	"customs_hold":         {Status: tracking.StatusException, Reason: tracking.ReasonCustomsHold},
	"delayed":              {Status: tracking.StatusException, Reason: tracking.ReasonDelayed},
	"out_for_delivery":     {Status: tracking.StatusOutForDelivery, Milestones: tracking.Of(tracking.MilestoneOutForDelivery)},
	"delivered":            {Status: tracking.StatusDelivered, Milestones: tracking.Of(tracking.MilestoneDelivered)},
	"failed_attempt":       {Status: tracking.StatusFailedAttempt, Reason: tracking.ReasonRecipientUnavailable},
	"available_for_pickup": {Status: tracking.StatusAvailableForPickup},
	"address_problem":      {Status: tracking.StatusException, Reason: tracking.ReasonAddressProblem},
	"refused":              {Status: tracking.StatusException, Reason: tracking.ReasonRefused},
	"returning":            {Status: tracking.StatusException, Reason: tracking.ReasonReturningToSender},
	"returned":             {Status: tracking.StatusReturnedToSender},
	"lost":                 {Status: tracking.StatusException, Reason: tracking.ReasonLost},
	"damaged":              {Status: tracking.StatusException, Reason: tracking.ReasonDamaged},
	"misdelivered":         {Status: tracking.StatusException, Reason: tracking.ReasonMisdelivered},
}

// TestEverySimulatedCodeNormalises: every raw code of every simulated carrier is in its
// carrier's table and means what the step that sends it means, and every code of a table is
// one the carrier sends (no dead rows).
func TestEverySimulatedCodeNormalises(t *testing.T) {
	codes, err := tracking.DefaultCodes()
	if err != nil {
		t.Fatal(err)
	}
	for _, carrier := range sim.Codes() {
		t.Run(carrier, func(t *testing.T) {
			evs, err := sim.EventCodes(carrier)
			if err != nil {
				t.Fatal(err)
			}
			sent := map[string]bool{}
			for _, ec := range evs {
				sent[ec.Code] = true
				want, ok := stepMeaning[ec.Step]
				if !ok {
					t.Fatalf("step %s has no expected meaning in this test", ec.Step)
				}
				e := tracking.Event{Carrier: carrier, RawCode: ec.Code, Description: ec.Description}
				if !codes.Normalize(&e) {
					t.Errorf("%s %s (%s, %q) is not in the table", carrier, ec.Code, ec.Step, ec.Description)
					continue
				}
				if got := (tracking.Mapping{Status: e.Status, Reason: e.Reason, Milestones: e.Milestones}); got != want {
					t.Errorf("%s %s (%s): %+v, want %+v", carrier, ec.Code, ec.Step, got, want)
				}
			}
			for code := range codes.Table(carrier) {
				if !sent[code] {
					t.Errorf("%s's table lists %s, which the simulated carrier never sends", carrier, code)
				}
			}
		})
	}
}

// TestSimulatedJourneysFold: a simulated parcel's whole journey, polled from the network and
// folded with Apply, ends in the state its outcome means.
func TestSimulatedJourneysFold(t *testing.T) {
	codes, err := tracking.DefaultCodes()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		journey sim.Journey
		status  tracking.Status
		had     tracking.Reason
	}{
		{"untroubled", sim.Journey{}, tracking.StatusDelivered, ""},
		{"delayed", sim.Journey{DelayRate: 1}, tracking.StatusDelivered, tracking.ReasonDelayed},
		{"lost", sim.Journey{LostRate: 1}, tracking.StatusException, tracking.ReasonLost},
		{"refused", sim.Journey{RefusedRate: 1}, tracking.StatusReturnedToSender, tracking.ReasonRefused},
		{"misdelivered", sim.Journey{MisdeliveredRate: 1}, tracking.StatusDelivered, tracking.ReasonMisdelivered},
		{"damaged", sim.Journey{DamagedRate: 1}, tracking.StatusDelivered, tracking.ReasonDamaged},
		{"address problem", sim.Journey{AddressProblemRate: 1}, tracking.StatusDelivered, tracking.ReasonAddressProblem},
		{"failed attempt", sim.Journey{FailedAttemptRate: 1}, tracking.StatusDelivered, ""},
		{"stale", sim.Journey{StaleRate: 1}, tracking.StatusDelivered, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
			var mu sync.Mutex
			now := start
			clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
			n, err := sim.Start(context.Background(), sim.Options{Now: clock, Seed: 9, Journey: c.journey})
			if err != nil {
				t.Fatal(err)
			}
			defer n.Close()
			usps, err := sim.NewClient(sim.ClientConfig{URL: n.URL(), APIKey: n.APIKey(), Carrier: "usps"})
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			a, _ := carriertest.SampleAddresses("US")
			l, err := usps.Purchase(ctx, carrier.PurchaseRequest{IdempotencyKey: "k1", Reference: "pkg_1", Service: usps.Services()[0].Code,
				From: a.From, To: a.To, Parcel: carrier.Parcel{WeightG: 450}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := usps.Manifest(ctx, carrier.ManifestRequest{ShipDate: start, From: a.From, TrackingNumbers: []string{l.TrackingNumber}}); err != nil {
				t.Fatal(err)
			}
			s := tracking.ShipmentTracking{TrackingNumber: l.TrackingNumber, Carrier: "usps"}
			for range 40 {
				mu.Lock()
				now = now.Add(24 * time.Hour)
				mu.Unlock()
				ts, err := usps.Track(ctx, []string{l.TrackingNumber})
				if err != nil {
					t.Fatal(err)
				}
				s = tracking.Apply(s, codes.Events("usps", ts[0])) // every poll repeats the earlier events: they change nothing
			}
			if s.Status != c.status || (c.had != "" && !s.HadException(c.had)) || s.UnknownCodes != 0 {
				t.Errorf("%s: %s/%s, exceptions %+v, unknown codes %d", c.name, s.Status, s.Reason, s.Exceptions, s.UnknownCodes)
			}
			if c.had == "" && c.name != "stale" && len(s.Exceptions) != 0 {
				t.Errorf("%s: exceptions %+v", c.name, s.Exceptions)
			}
			if s.HadDeliveryException() != (c.had == tracking.ReasonLost || c.had == tracking.ReasonRefused || c.had == tracking.ReasonMisdelivered) {
				t.Errorf("%s: delivery exception (R-SLA-4) %v", c.name, s.HadDeliveryException())
			}
			if s.Status == tracking.StatusDelivered && s.Missing != 0 {
				t.Errorf("%s: missing milestones %v", c.name, s.Missing.List())
			}
			stale := s.LongestGap > tracking.DefaultStaleAfter
			if stale != (c.name == "stale" || c.name == "lost") { // a lost parcel goes quiet before it is declared lost
				t.Errorf("%s: longest gap %v", c.name, s.LongestGap)
			}
		})
	}
}
