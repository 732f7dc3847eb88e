package sla

import (
	"errors"
	"testing"
	"time"
)

func TestISOWeeks(t *testing.T) {
	bangkok, err := time.LoadLocation("Asia/Bangkok")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		in         string
		loc        *time.Location
		start, end time.Time
	}{
		{"2026-W49", time.UTC, time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)},
		{"2026-W01", time.UTC, time.Date(2025, 12, 29, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)},
		{"2026-W53", time.UTC, time.Date(2026, 12, 28, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC)},
		{"2027-W01", time.UTC, time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 11, 0, 0, 0, 0, time.UTC)},
		{" 2026-W49 ", bangkok, time.Date(2026, 11, 30, 0, 0, 0, 0, bangkok), time.Date(2026, 12, 7, 0, 0, 0, 0, bangkok)},
	}
	for _, c := range cases {
		p, err := ParsePeriod(c.in, time.Time{}, c.loc)
		if err != nil || !p.Start.Equal(c.start) || !p.End.Equal(c.end) {
			t.Errorf("%q: %v–%v %v, want %v–%v", c.in, p.Start, p.End, err, c.start, c.end)
		}
	}
	if p := WeekOf(time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC), time.UTC); p.Label != "2026-W53" {
		t.Errorf("1 January 2027 is in %s, want 2026-W53", p.Label)
	}
	if p := WeekOf(time.Date(2026, 12, 6, 23, 30, 0, 0, time.UTC), bangkok); p.Label != "2026-W50" {
		t.Errorf("Sunday 23:30 UTC is Monday in Bangkok: %s", p.Label)
	}
	p, _ := ParsePeriod("2026-W49", time.Time{}, time.UTC)
	if !p.Contains(p.Start) || p.Contains(p.End) || !p.Contains(p.End.Add(-time.Nanosecond)) {
		t.Error("a period is [Start, End)")
	}
}

func TestRollingAndBadPeriods(t *testing.T) {
	now := time.Date(2026, 12, 10, 15, 0, 0, 0, time.UTC)
	p, err := ParsePeriod("7d", now, time.UTC)
	if err != nil || p.Label != "7d" || !p.End.Equal(now) || !p.Start.Equal(now.AddDate(0, 0, -7)) {
		t.Errorf("7d: %+v %v", p, err)
	}
	if p, err := ParsePeriod("30d", now, time.UTC); err != nil || !p.Start.Equal(now.AddDate(0, 0, -30)) {
		t.Errorf("30d: %+v %v", p, err)
	}
	for _, bad := range []string{"", "2026W49", "2026-W5", "2026-W00", "2026-W54", "2025-W53", "-001-W01", "0000-W01",
		"+026-W01", "2026-W+1", "7", "0d", "367d", "07d", "-7d", "week"} {
		if _, err := ParsePeriod(bad, now, time.UTC); !errors.Is(err, ErrPeriod) {
			t.Errorf("%q: %v, want ErrPeriod", bad, err)
		}
	}
}

// FuzzParsePeriod: a period from a query string is refused or well formed: a week reads back
// from its own label and spans seven days; a rolling period ends now.
func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2026-W49", "7d", "30d", "2026-W53", "9999-W52", "0001-W01", "366d", "2026-W-1"} {
		f.Add(s)
	}
	now := time.Date(2026, 12, 10, 15, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePeriod(s, now, time.UTC)
		if err != nil {
			if !errors.Is(err, ErrPeriod) {
				t.Fatalf("%q: %v is not ErrPeriod", s, err)
			}
			return
		}
		if !p.Start.Before(p.End) {
			t.Fatalf("%q: %+v", s, p)
		}
		if p.End.Equal(now) {
			return // rolling
		}
		again, err := ParsePeriod(p.Label, now, time.UTC)
		if err != nil || again != p || p.End.Sub(p.Start) != 7*24*time.Hour || p.Start.Weekday() != time.Monday {
			t.Fatalf("%q → %+v, read back %+v %v", s, p, again, err)
		}
	})
}
