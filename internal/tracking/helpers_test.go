package tracking

import (
	"testing"
	"time"
)

// t0 is the fixtures' hand-over: Monday 7 December 2026, 10:00 UTC.
var t0 = time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)

func hours(h float64) time.Time { return t0.Add(time.Duration(h * float64(time.Hour))) }

func codes(t testing.TB) *Codes {
	t.Helper()
	c, err := DefaultCodes()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// ev is a normalised USPS event of parcel 9400 at h hours after t0.
func ev(t testing.TB, code string, h float64) Event {
	t.Helper()
	return evOf(t, "usps", "9400", code, h)
}

func evOf(t testing.TB, carrier, number, code string, h float64) Event {
	t.Helper()
	e := Event{TrackingNumber: number, Carrier: carrier, RawCode: code, Description: code + " text", OccurredAt: hours(h),
		Location: Location{City: "Reno", Country: "US"}}
	codes(t).Normalize(&e)
	return e
}

// domesticJourney is a USPS parcel from label to door: created, accepted, two scans, out for
// delivery, delivered.
func domesticJourney(t testing.TB) []Event {
	return []Event{ev(t, "GX", -2), ev(t, "OA", 0), ev(t, "L1", 3), ev(t, "10", 20), ev(t, "OF", 40), ev(t, "01", 46)}
}
