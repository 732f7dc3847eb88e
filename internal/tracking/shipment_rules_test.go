package tracking

import (
	"strings"
	"testing"
	"time"
)

func TestFigures(t *testing.T) {
	d := DefaultFigures()
	// The published figures, by rule.
	for _, c := range []struct {
		rule string
		got  time.Duration
		want time.Duration
	}{
		{"R-TRK-1", d.FirstScanWithin, 4 * time.Hour},
		{"R-TRK-2", d.CarrierReportWithin, 24 * time.Hour},
		{"R-TRK-3 certified", d.EventCadenceCertified, 24 * time.Hour},
		{"R-TRK-3 cross-border", d.EventCadenceCrossBorder, 48 * time.Hour},
		{"R-TRK-5", d.StaleAfter, 72 * time.Hour},
	} {
		if c.got != c.want {
			t.Errorf("%s: %v, want %v", c.rule, c.got, c.want)
		}
	}
	if d.Cadence(true) != 48*time.Hour || d.Cadence(false) != 24*time.Hour {
		t.Error("Cadence picks the wrong figure")
	}
	if (Figures{StaleAfter: time.Hour}).WithDefaults() != (Figures{FirstScanWithin: 4 * time.Hour, CarrierReportWithin: 24 * time.Hour,
		EventCadenceCertified: 24 * time.Hour, EventCadenceCrossBorder: 48 * time.Hour, StaleAfter: time.Hour}) {
		t.Error("WithDefaults overwrote a set figure or left a zero one")
	}
	err := Figures{StaleAfter: -time.Hour}.WithDefaults().Validate()
	if err == nil || !strings.Contains(err.Error(), "stale_after (R-TRK-5)") {
		t.Errorf("a negative stale figure: %v", err)
	}
	if err := d.Validate(); err != nil {
		t.Error(err)
	}
}

// TestStaleRule (R-TRK-5): no event for more than 72 h flags an in-flight parcel; exactly 72 h
// does not; a parcel not yet scanned or already delivered is never stale.
func TestStaleRule(t *testing.T) {
	after := DefaultStaleAfter
	inFlight := Apply(ShipmentTracking{}, []Event{ev(t, "GX", -2), ev(t, "OA", 0), ev(t, "L1", 5)})
	at, ok := StaleAt(&inFlight, after)
	if !ok || at != hours(77) {
		t.Fatalf("stale at %v %v, want 77 h after hand-over", at, ok)
	}
	cases := []struct {
		name string
		s    ShipmentTracking
		now  time.Time
		want bool
	}{
		{"71 h quiet", inFlight, hours(76), false},
		{"exactly 72 h quiet", inFlight, hours(77), false},
		{"a second more", inFlight, hours(77).Add(time.Second), true},
		{"a new event restarts it", Apply(inFlight, []Event{ev(t, "10", 60)}), hours(100), false},
		{"an unknown code is still a sign of life", Apply(inFlight, []Event{ev(t, "ZZ", 60)}), hours(100), false},
		{"not scanned yet: R-TRK-1's business", Apply(ShipmentTracking{}, []Event{ev(t, "GX", -2)}), hours(500), false},
		{"delivered", Apply(ShipmentTracking{}, domesticJourney(t)), hours(500), false},
		{"an open exception still goes stale", Apply(inFlight, []Event{ev(t, "DY", 6)}), hours(79), true},
	}
	for _, c := range cases {
		if got := IsStale(&c.s, c.now, after); got != c.want {
			t.Errorf("%s: stale %v, want %v", c.name, got, c.want)
		}
	}
}

// TestCadenceRule (R-TRK-3): 24 h between events domestic, 48 h across a border, counting the
// gap still running while in flight.
func TestCadenceRule(t *testing.T) {
	f := DefaultFigures()
	dom := Apply(ShipmentTracking{}, []Event{ev(t, "GX", -30), ev(t, "OA", 0), ev(t, "L1", 10), ev(t, "10", 40)})
	c := Cadence(&dom, hours(50), f)
	if c.Every != 24*time.Hour || c.LongestGap != 30*time.Hour || c.Gaps != 1 || c.DueAt != hours(64) || c.Overdue || c.Met() {
		t.Errorf("domestic: %+v", c)
	}
	c = Cadence(&dom, hours(70), f)
	if c.Gaps != 2 || !c.Overdue || c.LongestGap != 30*time.Hour {
		t.Errorf("domestic, 30 h since the last event: %+v", c)
	}
	cross := dom
	cross.CrossBorder = true
	c = Cadence(&cross, hours(50), f)
	if c.Every != 48*time.Hour || c.Gaps != 0 || c.DueAt != hours(88) || !c.Met() {
		t.Errorf("cross-border: %+v", c)
	}
	// The label's wait before the first scan is R-TRK-1's, not a cadence gap.
	if c.LongestGap != 30*time.Hour {
		t.Errorf("the gap before the first scan counted: %v", c.LongestGap)
	}
	done := Apply(ShipmentTracking{}, domesticJourney(t))
	c = Cadence(&done, hours(500), f)
	if !c.DueAt.IsZero() || c.Overdue || c.LongestGap != 20*time.Hour {
		t.Errorf("delivered: the running gap must not count: %+v", c)
	}
}

func TestCompleteness(t *testing.T) {
	f := DefaultFigures()
	cases := []struct {
		name           string
		crossBorder    bool
		evs            []Event
		present, total int
	}{
		{"not delivered", false, []Event{ev(t, "OA", 0)}, 0, 0},
		{"domestic complete", false, domesticJourney(t), 3, 3},
		{"domestic, no out for delivery, a 30 h gap", false, []Event{ev(t, "OA", 0), ev(t, "01", 30)}, 1, 3},
		{"cross-border, customs shown", true, []Event{ev(t, "OA", 0), ev(t, "EC", 20), ev(t, "A1", 60), ev(t, "OF", 90), ev(t, "01", 95)}, 5, 5},
		{"cross-border, no customs", true, []Event{ev(t, "OA", 0), ev(t, "L1", 40), ev(t, "OF", 80), ev(t, "01", 85)}, 3, 5},
	}
	for _, c := range cases {
		s := Apply(ShipmentTracking{CrossBorder: c.crossBorder}, c.evs)
		if p, n := Completeness(&s, f); p != c.present || n != c.total {
			t.Errorf("%s: %d of %d, want %d of %d", c.name, p, n, c.present, c.total)
		}
	}
}

func TestEventValidate(t *testing.T) {
	now := hours(0)
	good := ev(t, "OA", -1)
	if err := good.Validate(now); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		field  string
		change func(e *Event)
	}{
		{"tracking_number", func(e *Event) { e.TrackingNumber = " " }},
		{"carrier", func(e *Event) { e.Carrier = "" }},
		{"code", func(e *Event) { e.RawCode = "" }},
		{"code", func(e *Event) { e.RawCode = strings.Repeat("X", 65) }},
		{"description", func(e *Event) { e.Description = strings.Repeat("x", 501) }},
		{"occurred_at", func(e *Event) { e.OccurredAt = time.Time{} }},
		{"occurred_at", func(e *Event) { e.OccurredAt = now.Add(25 * time.Hour) }},
		{"location.city", func(e *Event) { e.Location.City = strings.Repeat("x", 101) }},
	}
	for _, c := range cases {
		e := good
		c.change(&e)
		err := e.Validate(now)
		fe, ok := err.(*FieldError)
		if !ok || fe.Field != c.field || fe.Message == "" {
			t.Errorf("%s: %v", c.field, err)
		}
	}
}
