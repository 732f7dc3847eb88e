package tracking

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestApplyDomesticJourney(t *testing.T) {
	s := Apply(ShipmentTracking{}, domesticJourney(t))
	if s.TrackingNumber != "9400" || s.Carrier != "usps" {
		t.Fatalf("identity %q %q: want it taken from the first event", s.TrackingNumber, s.Carrier)
	}
	want := []struct {
		name      string
		got, want any
	}{
		{"status", s.Status, StatusDelivered},
		{"status at", s.StatusAt, hours(46)},
		{"first scan (R-TRK-1)", s.FirstScanAt, hours(0)},
		{"last event", s.LastEventAt, hours(46)},
		{"delivered at", s.DeliveredAt, hours(46)},
		{"reached", s.Reached, Of(MilestoneOutForDelivery, MilestoneDelivered)},
		{"missing: domestic needs no customs (R-TRK-4)", s.Missing, MilestoneSet(0)},
		{"out for delivery at", s.Milestones.OutForDelivery, hours(40)},
		{"longest gap", s.LongestGap, 20 * time.Hour},
		{"exceptions", len(s.Exceptions), 0},
	}
	for _, w := range want {
		if !reflect.DeepEqual(w.got, w.want) {
			t.Errorf("%s: %v, want %v", w.name, w.got, w.want)
		}
	}
}

func TestApplyStepByStep(t *testing.T) {
	steps := []struct {
		code string
		h    float64
		want Status
	}{
		{"GX", -2, StatusInfoReceived}, {"OA", 0, StatusInTransit}, {"OF", 40, StatusOutForDelivery},
		{"02", 44, StatusFailedAttempt}, {"PK", 50, StatusAvailableForPickup}, {"01", 70, StatusDelivered},
	}
	var s ShipmentTracking
	if s.Status != "" || Apply(s, nil).Status != StatusPending {
		t.Fatalf("a shipment without events is pending")
	}
	for _, st := range steps {
		s = Apply(s, []Event{ev(t, st.code, st.h)})
		if s.Status != st.want {
			t.Errorf("after %s: %s, want %s", st.code, s.Status, st.want)
		}
	}
	if s.Reason != "" || s.FirstScanAt != hours(0) {
		t.Errorf("reason %q, first scan %v", s.Reason, s.FirstScanAt)
	}
}

// TestApplyDuplicates: the same event again, from a webhook and a poll, at another precision
// or with more detail, changes nothing that matters and never adds an event.
func TestApplyDuplicates(t *testing.T) {
	base := Apply(ShipmentTracking{}, domesticJourney(t))
	again := Apply(base, domesticJourney(t))
	if !reflect.DeepEqual(base, again) {
		t.Fatalf("replaying every event changed the state:\n%+v\n%+v", base, again)
	}
	dup := ev(t, "L1", 3)
	dup.OccurredAt = dup.OccurredAt.Add(400 * time.Millisecond) // the poll's precision
	dup.Description, dup.Location = "", Location{}
	s := Apply(base, []Event{dup, dup})
	if len(s.Events) != len(base.Events) || !reflect.DeepEqual(s, base) {
		t.Errorf("a less detailed copy changed the state: %d events", len(s.Events))
	}
	if !base.Contains(&dup) {
		t.Error("Contains: the copy's identity is among the events")
	}
	other := ev(t, "L1", 4)
	if base.Contains(&other) {
		t.Error("Contains: an event an hour later is another event")
	}
	// Duplicates within one batch count once.
	one := Apply(ShipmentTracking{}, []Event{ev(t, "OA", 0), ev(t, "OA", 0), ev(t, "OA", 0)})
	if len(one.Events) != 1 {
		t.Errorf("three copies in one batch: %d events", len(one.Events))
	}
}

// TestApplyOrderIndependent: every order of arrival, in one batch or one at a time, with
// duplicates, gives the same state.
func TestApplyOrderIndependent(t *testing.T) {
	journey := append(domesticJourney(t), ev(t, "DY", 10), ev(t, "AX", 41), ev(t, "OF", 64), ev(t, "L1", 60))
	want := Apply(ShipmentTracking{}, journey)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		evs := slices.Clone(journey)
		rng.Shuffle(len(evs), func(i, j int) { evs[i], evs[j] = evs[j], evs[i] })
		if rng.IntN(2) == 0 {
			evs = append(evs, evs[rng.IntN(len(evs))])
		}
		var s ShipmentTracking
		if rng.IntN(2) == 0 {
			s = Apply(s, evs)
		} else {
			for _, e := range evs {
				s = Apply(s, []Event{e})
			}
		}
		if !reflect.DeepEqual(s, want) {
			t.Fatalf("order %v gives\n%+v\nwant\n%+v", codesOf(evs), s, want)
		}
	}
}

func codesOf(evs []Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.RawCode)
	}
	return out
}

// TestApplyPure: Apply leaves its input state and events as they were.
func TestApplyPure(t *testing.T) {
	s := Apply(ShipmentTracking{}, []Event{ev(t, "OA", 0), ev(t, "DY", 5)})
	before := s
	beforeEvents := slices.Clone(s.Events)
	beforeExc := slices.Clone(s.Exceptions)
	_ = Apply(s, []Event{ev(t, "L1", 1), ev(t, "OF", 20), ev(t, "OA", 0)})
	if !reflect.DeepEqual(s.Events, beforeEvents) || !reflect.DeepEqual(s.Exceptions, beforeExc) || s.Status != before.Status {
		t.Error("Apply changed the state it was given")
	}
}

func TestApplyIgnoresOtherShipments(t *testing.T) {
	s := Apply(ShipmentTracking{}, []Event{ev(t, "OA", 0)})
	other := evOf(t, "usps", "9401", "01", 5)
	otherCarrier := evOf(t, "ups", "9400", "DL", 5)
	s = Apply(s, []Event{other, otherCarrier})
	if len(s.Events) != 1 || s.Status != StatusInTransit {
		t.Errorf("events of another number or carrier were applied: %v", codesOf(s.Events))
	}
}

// TestApplyDeliveredHolds: stray scans after delivery do not undo it; a misdelivery, a
// refusal or a return does, and a later delivery delivers again.
func TestApplyDeliveredHolds(t *testing.T) {
	s := Apply(ShipmentTracking{}, append(domesticJourney(t), ev(t, "10", 50), ev(t, "OF", 51), ev(t, "02", 52)))
	if s.Status != StatusDelivered || s.DeliveredAt != hours(46) {
		t.Fatalf("stray scans after delivery: %s at %v, want delivered at 46 h", s.Status, s.StatusAt)
	}
	mis := Apply(s, []Event{ev(t, "MD", 60)})
	if mis.Status != StatusException || mis.Reason != ReasonMisdelivered || !mis.DeliveredAt.IsZero() {
		t.Fatalf("misdelivered after delivery: %s/%s, delivered at %v", mis.Status, mis.Reason, mis.DeliveredAt)
	}
	if open := mis.OpenExceptions(); len(open) != 1 || open[0].Reason != ReasonMisdelivered {
		t.Errorf("open exceptions %+v", open)
	}
	again := Apply(mis, []Event{ev(t, "01", 80)})
	if again.Status != StatusDelivered || again.DeliveredAt != hours(80) || len(again.OpenExceptions()) != 0 || !again.HadException(ReasonMisdelivered) {
		t.Errorf("redelivered: %s at %v, open %v", again.Status, again.DeliveredAt, again.OpenExceptions())
	}
	if again.Milestones.Delivered != hours(46) {
		t.Errorf("the delivered milestone keeps its first time: %v", again.Milestones.Delivered)
	}
	// A refusal: refused, returning, back with the sender.
	ref := Apply(ShipmentTracking{}, []Event{ev(t, "OA", 0), ev(t, "OF", 30), ev(t, "RD", 31), ev(t, "RS", 40), ev(t, "RT", 100)})
	if ref.Status != StatusReturnedToSender || !ref.HadException(ReasonRefused) || len(ref.OpenExceptions()) != 0 {
		t.Errorf("refused: %s, exceptions %+v", ref.Status, ref.Exceptions)
	}
	if len(ref.Exceptions) != 2 || ref.Exceptions[0].ClosedAt != hours(100) {
		t.Errorf("refused then returning are two episodes closed on return: %+v", ref.Exceptions)
	}
}

func TestApplyExceptionEpisodes(t *testing.T) {
	s := Apply(ShipmentTracking{}, []Event{
		ev(t, "OA", 0), ev(t, "DY", 10), ev(t, "DY", 20), ev(t, "L1", 30), ev(t, "DY", 40), ev(t, "CH", 41),
	})
	want := []Exception{
		{Reason: ReasonDelayed, OpenedAt: hours(10), ClosedAt: hours(30), RawCode: "DY", Description: "DY text"},
		{Reason: ReasonDelayed, OpenedAt: hours(40), RawCode: "DY", Description: "DY text"},
		{Reason: ReasonCustomsHold, OpenedAt: hours(41), RawCode: "CH", Description: "CH text"},
	}
	if !reflect.DeepEqual(s.Exceptions, want) {
		t.Errorf("episodes\n%+v\nwant\n%+v", s.Exceptions, want)
	}
	if s.Status != StatusException || s.Reason != ReasonCustomsHold || len(s.OpenExceptions()) != 2 {
		t.Errorf("status %s/%s, open %d", s.Status, s.Reason, len(s.OpenExceptions()))
	}
}

// TestApplyUnknownCode: an unknown code is kept and counted, and moves nothing but the
// carrier's last sign of life.
func TestApplyUnknownCode(t *testing.T) {
	u := ev(t, "ZZ9", 30)
	if u.Status != StatusInTransit || u.Reason != ReasonUnknownCode {
		t.Fatalf("unknown code normalised to %s/%s", u.Status, u.Reason)
	}
	s := Apply(ShipmentTracking{}, []Event{ev(t, "GX", -2), ev(t, "ZZ9", 1)})
	if s.Status != StatusInfoReceived || !s.FirstScanAt.IsZero() || s.UnknownCodes != 1 || s.LastEventAt != hours(1) {
		t.Errorf("before the first scan: %s, first scan %v, unknown %d, last %v", s.Status, s.FirstScanAt, s.UnknownCodes, s.LastEventAt)
	}
	s = Apply(s, []Event{ev(t, "OA", 2), ev(t, "OF", 40), u})
	if s.Status != StatusOutForDelivery || s.LastEventAt != hours(40) || s.LongestGap != 28*time.Hour {
		t.Errorf("status %s, last %v, longest gap %v (the unknown event at 30 h splits 2→40)", s.Status, s.LastEventAt, s.LongestGap)
	}
	if s.Events[3].RawCode != "ZZ9" || s.Events[3].OccurredAt != hours(30) {
		t.Errorf("the raw code is kept: %v", codesOf(s.Events))
	}
}

// TestMissingMilestones (R-TRK-4): a milestone is missing once a later one is reached without
// it; customs count only across a border.
func TestMissingMilestones(t *testing.T) {
	cases := []struct {
		name        string
		crossBorder bool
		codes       []string
		missing     MilestoneSet
	}{
		{"domestic in transit", false, []string{"OA", "L1"}, 0},
		{"domestic delivered without out for delivery", false, []string{"OA", "01"}, Of(MilestoneOutForDelivery)},
		{"domestic complete", false, []string{"OA", "OF", "01"}, 0},
		{"cross-border in transit before customs", true, []string{"OA", "L1"}, 0},
		{"cross-border arrived without export", true, []string{"OA", "A1"}, Of(MilestoneExportCustoms)},
		{"cross-border delivered with only out for delivery", true, []string{"OA", "OF", "01"}, Of(MilestoneExportCustoms, MilestoneDestinationArrival)},
		{"cross-border complete, no import scan", true, []string{"OA", "EC", "A1", "OF", "01"}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var evs []Event
			for i, code := range c.codes {
				evs = append(evs, ev(t, code, float64(i*10)))
			}
			s := Apply(ShipmentTracking{CrossBorder: c.crossBorder}, evs)
			if s.Missing != c.missing {
				t.Errorf("missing %v, want %v", s.Missing.List(), c.missing.List())
			}
		})
	}
}

func TestSameSecondRanksFurtherLast(t *testing.T) {
	s := Apply(ShipmentTracking{}, []Event{ev(t, "01", 5), ev(t, "OF", 5), ev(t, "OA", 0)})
	if s.Status != StatusDelivered {
		t.Errorf("out for delivery and delivered in one second: %s, want delivered", s.Status)
	}
}

func BenchmarkApply(b *testing.B) {
	journey := append(domesticJourney(b), ev(b, "DY", 10), ev(b, "L1", 25))
	b.Run("one-event-at-a-time", func(b *testing.B) {
		b.ReportAllocs()
		var n int
		for b.Loop() {
			var s ShipmentTracking
			for i := range journey {
				s = Apply(s, journey[i:i+1])
			}
			n += len(journey)
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
	})
	b.Run("batch", func(b *testing.B) {
		b.ReportAllocs()
		var n int
		for b.Loop() {
			_ = Apply(ShipmentTracking{}, journey)
			n += len(journey)
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
	})
	b.Run("normalize+apply-one-to-a-10-event-state", func(b *testing.B) {
		c := codes(b)
		base := Apply(ShipmentTracking{}, journey)
		raw := ev(b, "10", 30)
		b.ReportAllocs()
		var n int
		for b.Loop() {
			e := raw
			c.Normalize(&e)
			_ = Apply(base, []Event{e})
			n++
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
	})
}

// FuzzApplyOrder: whatever order, batching and duplication events arrive in, the state is the
// one of the events in time order (idempotent and order-independent Apply). The input picks
// events from a pool of USPS codes and times and splits them into batches.
func FuzzApplyOrder(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5})
	f.Add([]byte{5, 4, 3, 2, 1, 0, 0, 200, 13})
	f.Add([]byte{17, 3, 3, 129, 64, 9, 250, 7})
	pool := []string{"GX", "OA", "L1", "10", "DY", "CH", "OF", "02", "PK", "01", "MD", "RD", "RS", "RT", "ZZ", "EC", "A1", "RF"}
	f.Fuzz(func(t *testing.T, picks []byte) {
		if len(picks) > 64 {
			return
		}
		var evs []Event
		for i, p := range picks {
			e := ev(t, pool[int(p)%len(pool)], float64(int(p)/len(pool)+i%3))
			evs = append(evs, e)
		}
		want := Apply(ShipmentTracking{CrossBorder: true}, sortedCopy(evs))
		// Reversed, in batches of the first pick's size.
		rev := slices.Clone(evs)
		slices.Reverse(rev)
		size := 1
		if len(picks) > 0 {
			size = 1 + int(picks[0])%4
		}
		got := ShipmentTracking{CrossBorder: true}
		for i := 0; i < len(rev); i += size {
			got = Apply(got, rev[i:min(i+size, len(rev))])
			got = Apply(got, rev[i:min(i+size, len(rev))]) // and each batch twice
		}
		if len(evs) == 0 {
			return
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("codes %v:\n%+v\nwant\n%+v", codesOf(evs), got, want)
		}
	})
}

func sortedCopy(evs []Event) []Event {
	out := slices.Clone(evs)
	slices.SortStableFunc(out, func(a, b Event) int { return a.OccurredAt.Compare(b.OccurredAt) })
	return out
}
