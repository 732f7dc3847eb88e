package tracking

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// TestExtendMatchesApply: folding new, later events into a stored state (its events omitted)
// gives what Apply gives from every event, on random journeys with exceptions, unknown codes,
// deliveries, stray scans and duplicates.
func TestExtendMatchesApply(t *testing.T) {
	pool := []string{"GX", "OA", "L1", "10", "EC", "A1", "IC", "CH", "DY", "OF", "01", "02", "PK", "AX", "RD", "RS", "RT", "MD", "ZZ"}
	rng := rand.New(rand.NewPCG(3, 4))
	for round := range 500 {
		var evs []Event
		for range 1 + rng.IntN(12) {
			evs = append(evs, ev(t, pool[rng.IntN(len(pool))], float64(rng.IntN(40))))
		}
		all := Apply(ShipmentTracking{}, evs)
		cut := rng.IntN(41) // events before hour cut are old, the others new
		var old, fresh []Event
		for _, e := range evs {
			if e.OccurredAt.Before(hours(float64(cut))) {
				old = append(old, e)
			} else {
				fresh = append(fresh, e)
			}
		}
		stored := Apply(ShipmentTracking{}, old)
		n := len(stored.Events)
		stored.Events = nil // a stored state keeps no events
		got, ok := Extend(stored, fresh)
		if !ok {
			t.Fatalf("round %d: every new event is later, yet Extend refused", round)
		}
		if !slices.EqualFunc(got.Events, all.Events[n:], func(a, b Event) bool { return reflect.DeepEqual(a, b) }) {
			t.Fatalf("round %d: events %v, want the new ones %v", round, codesOf(got.Events), codesOf(all.Events[n:]))
		}
		got.Events, all.Events = nil, nil
		if !reflect.DeepEqual(got, all) {
			t.Fatalf("round %d: old %v new %v gives\n%+v\nwant\n%+v", round, codesOf(old), codesOf(fresh), got, all)
		}
	}
}

// TestExtendRefusesOutOfOrder: an event not in a later second than the last one folded (it
// may rank anywhere among them) is left to Apply.
func TestExtendRefusesOutOfOrder(t *testing.T) {
	stored := Apply(ShipmentTracking{}, []Event{ev(t, "OA", 0), ev(t, "L1", 5)})
	for _, e := range []Event{ev(t, "10", 3), ev(t, "01", 5)} {
		if got, ok := Extend(stored, []Event{ev(t, "OF", 9), e}); ok || !reflect.DeepEqual(got, stored) {
			t.Errorf("%s at %v: extended (%v), want refused and the state untouched", e.RawCode, e.OccurredAt, ok)
		}
	}
	if got, ok := Extend(stored, []Event{evOf(t, "ups", "1Z", "I", 9)}); !ok || len(got.Events) != 2 {
		t.Errorf("another parcel's event: %v %d events, want ignored", ok, len(got.Events))
	}
}
