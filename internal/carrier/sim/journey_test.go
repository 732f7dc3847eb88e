package sim_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/carrier/carriertest"
	"lastmile/internal/carrier/sim"
)

// movingClock is a clock a test moves by hand.
type movingClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *movingClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *movingClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestTrackingUnfoldsOverSimulatedTime: after the manifest, each poll as the network's clock
// moves returns the journey so far, a continuation of the last poll, ending delivered.
func TestTrackingUnfoldsOverSimulatedTime(t *testing.T) {
	t.Parallel()
	clk := &movingClock{t: clock}
	n := start(t, sim.Options{Now: clk.Now, Seed: 5})
	usps := client(t, n, "usps", 10*time.Second)
	ctx := context.Background()
	req := purchase(t, usps)
	l, err := usps.Purchase(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	track := func() []carrier.TrackingEvent {
		t.Helper()
		ts, err := usps.Track(ctx, []string{l.TrackingNumber})
		if err != nil || len(ts) != 1 || !ts[0].Found {
			t.Fatalf("track: %v %+v", err, ts)
		}
		return ts[0].Events
	}
	clk.Advance(48 * time.Hour)
	if evs := track(); len(evs) != 1 || evs[0].Code != "GX" {
		t.Fatalf("before the manifest only the label exists: %+v", evs)
	}
	if _, err := usps.Manifest(ctx, carrier.ManifestRequest{ShipDate: clk.Now(), From: req.From, TrackingNumbers: []string{l.TrackingNumber}}); err != nil {
		t.Fatal(err)
	}
	var prev []carrier.TrackingEvent
	for range 20 * 4 {
		evs := track()
		if len(evs) < len(prev) {
			t.Fatalf("a later poll lost events: %d then %d", len(prev), len(evs))
		}
		for i := range prev {
			if evs[i] != prev[i] {
				t.Fatalf("event %d changed between polls: %+v then %+v", i, prev[i], evs[i])
			}
		}
		prev = evs
		clk.Advance(6 * time.Hour)
	}
	if prev[1].Code != "OA" || prev[len(prev)-1].Code != "01" {
		t.Errorf("the journey: %v", codes(prev))
	}
}

func codes(evs []carrier.TrackingEvent) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Code)
	}
	return out
}

// TestCollectedWithoutManifest: a carrier without manifests collects a label 30 min to 3 h
// after purchase; from then its journey runs and the label can no longer be voided.
func TestCollectedWithoutManifest(t *testing.T) {
	t.Parallel()
	clk := &movingClock{t: clock}
	n := start(t, sim.Options{Now: clk.Now, Seed: 5})
	ups := client(t, n, "ups", 10*time.Second)
	ctx := context.Background()
	a, _ := carriertest.SampleAddresses("US")
	buy := func() carrier.Label {
		l, err := ups.Purchase(ctx, carrier.PurchaseRequest{IdempotencyKey: carriertest.NewKey(), Reference: "pkg_" + carriertest.NewKey(),
			Service: ups.Services()[0].Code, From: a.From, To: a.To, Parcel: carrier.Parcel{WeightG: 450}})
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	early, late := buy(), buy()
	clk.Advance(10 * time.Minute)
	if _, err := ups.Void(ctx, carrier.VoidRequest{TrackingNumber: early.TrackingNumber, CarrierShipmentID: early.CarrierShipmentID}); err != nil {
		t.Errorf("a void before collection: %v", err)
	}
	clk.Advance(3 * time.Hour)
	var ce *carrier.Error
	_, err := ups.Void(ctx, carrier.VoidRequest{TrackingNumber: late.TrackingNumber, CarrierShipmentID: late.CarrierShipmentID})
	if !asError(err, &ce) || ce.Code != "already_handed_over" {
		t.Errorf("a void after collection: %v", err)
	}
	ts, err := ups.Track(ctx, []string{early.TrackingNumber, late.TrackingNumber})
	if err != nil {
		t.Fatal(err)
	}
	if got := codes(ts[0].Events); len(got) != 2 || got[1] != "VD" {
		t.Errorf("voided label: %v", got)
	}
	if got := codes(ts[1].Events); len(got) < 2 || got[1] != "OR" {
		t.Errorf("collected label: %v", got)
	}
}
