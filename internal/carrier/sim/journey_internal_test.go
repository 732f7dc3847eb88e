package sim

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"
)

var handedOver = time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC) // a Monday

func testProfile(t testing.TB, code string) *profile {
	t.Helper()
	p, err := defaultProfile(code)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// parcel is a manifested label of p numbered i; cross makes it cross-border (CN to its market).
func parcel(p *profile, i int, cross bool) *labelRec {
	origin := wireLocation{City: "Reno", Region: "NV", PostalCode: "89502", Country: "US"}
	if cross {
		origin = wireLocation{City: "Shenzhen", Country: "CN"}
	}
	return &labelRec{
		Carrier: p.code, Service: p.services[0].Code, Number: fmt.Sprintf("SIM%08d", i),
		PurchasedAt: handedOver.Add(-2 * time.Hour), ManifestedAt: handedOver, ManifestID: "MF",
		Origin: origin, Dest: wireLocation{City: "Los Angeles", Region: "CA", PostalCode: "90001", Country: "US"},
		TransitMin: 2, TransitMax: 5,
	}
}

func TestCatalogueHasEveryStep(t *testing.T) {
	for _, d := range defs {
		seen := map[string]step{}
		for s := range numSteps {
			e := d.events[s]
			if e.code == "" || e.description == "" {
				t.Errorf("%s has no code for step %s", d.code, s)
			}
			if other, dup := seen[e.code]; dup {
				t.Errorf("%s uses code %s for %s and %s", d.code, e.code, other, s)
			}
			seen[e.code] = s
		}
	}
	if _, err := EventCodes("nobody"); err == nil {
		t.Error("EventCodes of an unknown carrier must fail")
	}
}

// TestJourneyDeterministic: a parcel's journey is the same however often it is planned, and
// depends on the seed.
func TestJourneyDeterministic(t *testing.T) {
	p := testProfile(t, "usps")
	j := DefaultJourney()
	differ := 0
	for i := range 200 {
		rec := parcel(p, i, i%2 == 0)
		a, b := plan(p, rec, 7, &j), plan(p, rec, 7, &j)
		if !slices.Equal(a, b) {
			t.Fatalf("parcel %d planned twice differently", i)
		}
		if !slices.Equal(a, plan(p, rec, 8, &j)) {
			differ++
		}
	}
	if differ < 150 {
		t.Errorf("only %d of 200 journeys change with the seed", differ)
	}
}

// TestJourneyMonotone: polling later only adds events, each no earlier than the one before.
func TestJourneyMonotone(t *testing.T) {
	j := DefaultJourney()
	for _, code := range []string{"usps", "ups", "royal-mail", "jt-th"} {
		p := testProfile(t, code)
		for i := range 300 {
			rec := parcel(p, i, i%3 == 0)
			if code == "ups" || code == "jt-th" {
				rec.ManifestedAt, rec.ManifestID = time.Time{}, "" // collected without a manifest
			}
			var prev []wireEvent
			for h := -3; h < 40*24; h += 7 {
				now := handedOver.Add(time.Duration(h) * time.Hour)
				evs := events(p, rec, 1, &j, now)
				if len(evs) < len(prev) || !slices.Equal(evs[:len(prev)], prev) {
					t.Fatalf("%s parcel %d: at %v the events are not a continuation of the earlier poll", code, i, now)
				}
				for k := 1; k < len(evs); k++ {
					if evs[k].OccurredAt.Before(evs[k-1].OccurredAt) {
						t.Fatalf("%s parcel %d: event %d goes back in time", code, i, k)
					}
				}
				for _, e := range evs {
					if e.OccurredAt.After(now) {
						t.Fatalf("%s parcel %d: an event from the future", code, i)
					}
				}
				prev = evs
			}
			if len(prev) < 4 {
				t.Errorf("%s parcel %d: only %d events after 40 days", code, i, len(prev))
			}
		}
	}
}

// steps is the set of steps of a journey.
func steps(ps []planned) map[step]int {
	out := map[step]int{}
	for _, e := range ps {
		out[e.step]++
	}
	return out
}

// TestJourneyRates: over 10,000 parcels each outcome happens near its configured rate (within
// four standard deviations of a binomial draw; the draws are seeded, so this is not flaky).
func TestJourneyRates(t *testing.T) {
	p := testProfile(t, "usps")
	j := DefaultJourney()
	const n = 10_000
	count := map[string]int{}
	for i := range n {
		rec := parcel(p, i, i%2 == 1) // half cross-border, for the customs holds
		ps := plan(p, rec, 1, &j)
		s := steps(ps)
		for name, st := range map[string]step{
			"lost": stepLost, "refused": stepRefused, "misdelivered": stepMisdelivered, "damaged": stepDamaged,
			"address problem": stepAddressProblem, "customs hold": stepCustomsHold, "failed attempt": stepFailedAttempt,
			"delay": stepDelayed,
		} {
			if s[st] > 0 {
				count[name]++
			}
		}
		if ps[1].step != stepAccepted {
			t.Fatalf("parcel %d: the second event is %s", i, ps[1].step)
		}
		if ps[1].at.Sub(rec.ManifestedAt) > 4*time.Hour {
			count["late first scan"]++
		}
		for k := 2; k < len(ps); k++ {
			if ps[k].at.Sub(ps[k-1].at) > 4*24*time.Hour && ps[k].step != stepLost && ps[k].step != stepImportCleared {
				count["stale"]++ // silent past R-TRK-5, not waiting on customs or a lost parcel
				break
			}
		}
	}
	want := map[string]struct {
		rate float64
		of   int
	}{
		"lost": {j.LostRate, n}, "refused": {j.RefusedRate, n}, "misdelivered": {j.MisdeliveredRate, n},
		"damaged": {j.DamagedRate, n}, "address problem": {j.AddressProblemRate, n}, "customs hold": {j.CustomsHoldRate, n / 2},
		"failed attempt": {j.FailedAttemptRate, n}, "delay": {j.DelayRate, n}, "late first scan": {j.LateFirstScanRate, n},
		"stale": {j.StaleRate, n},
	}
	t.Logf("counts %v", count)
	for name, w := range want {
		got := float64(count[name]) / float64(w.of)
		sd := math.Sqrt(w.rate * (1 - w.rate) / float64(w.of))
		if math.Abs(got-w.rate) > 4*sd {
			t.Errorf("%s: %.4f of %d parcels, want %.4f ± %.4f", name, got, w.of, w.rate, 4*sd)
		}
	}
	// The zero Journey: every parcel delivered, nothing else.
	var zero Journey
	for i := range 500 {
		s := steps(plan(p, parcel(p, i, true), 1, &zero))
		for _, bad := range []step{stepLost, stepRefused, stepMisdelivered, stepDamaged, stepAddressProblem, stepCustomsHold, stepFailedAttempt, stepDelayed} {
			if s[bad] > 0 {
				t.Fatalf("the zero journey gave parcel %d a %s", i, bad)
			}
		}
		if s[stepDelivered] != 1 {
			t.Fatalf("the zero journey did not deliver parcel %d", i)
		}
	}
}

// TestJourneyShape: an untroubled parcel is delivered within its transit days, with every
// milestone of its kind and an event at least every 24 h (48 h across a border), R-TRK-3.
func TestJourneyShape(t *testing.T) {
	p := testProfile(t, "usps")
	var zero Journey
	loc := zoneOf("US")
	for i := range 500 {
		cross := i%2 == 0
		rec := parcel(p, i, cross)
		ps := plan(p, rec, 3, &zero)
		s := steps(ps)
		if s[stepOutForDelivery] != 1 || s[stepDelivered] != 1 || (s[stepExportCleared] == 1) != cross || (s[stepDestinationArrival] == 1) != cross {
			t.Fatalf("parcel %d (cross-border %v): steps %v", i, cross, s)
		}
		first, last := ps[1].at, ps[len(ps)-1].at
		y1, m1, d1 := first.In(loc).Date()
		y2, m2, d2 := last.In(loc).Date()
		days := int(time.Date(y2, m2, d2, 0, 0, 0, 0, time.UTC).Sub(time.Date(y1, m1, d1, 0, 0, 0, 0, time.UTC)).Hours() / 24)
		if days < rec.TransitMin || days > rec.TransitMax {
			t.Errorf("parcel %d: delivered after %d days, want %d–%d", i, days, rec.TransitMin, rec.TransitMax)
		}
		every := 24 * time.Hour
		if cross {
			every = 48 * time.Hour
		}
		for k := 2; k < len(ps); k++ {
			if gap := ps[k].at.Sub(ps[k-1].at); gap > every {
				t.Errorf("parcel %d: %v between %s and %s", i, gap, ps[k-1].step, ps[k].step)
			}
		}
		if h := ps[len(ps)-1].at.In(loc).Hour(); h < 9 || h > 19 {
			t.Errorf("parcel %d delivered at %d h local", i, h)
		}
	}
}

func TestJourneyOptionsValidated(t *testing.T) {
	for _, j := range []Journey{{LostRate: -0.1}, {DelayRate: 2}, {LostRate: 0.6, RefusedRate: 0.6}} {
		if err := j.validate(); err == nil {
			t.Errorf("%+v accepted", j)
		}
	}
	j := DefaultJourney()
	if err := j.validate(); err != nil {
		t.Error(err)
	}
}

func BenchmarkPlan(b *testing.B) {
	p := testProfile(b, "usps")
	j := DefaultJourney()
	recs := make([]*labelRec, 1000)
	for i := range recs {
		recs[i] = parcel(p, i, i%4 == 0)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_ = plan(p, recs[i%len(recs)], 1, &j)
		i++
	}
}
