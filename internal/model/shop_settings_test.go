package model

import (
	"testing"
	"time"
)

// R-MODE-3: a switch of shipping mode applies only to orders created at or after it.
func TestModeAt(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	s := ShopSettings{ModeChanges: []ModeChange{{ModePlatform, t0}, {ModeSeller, t0.Add(48 * time.Hour)}}}
	for _, tc := range []struct {
		at   time.Time
		want ShippingMode
	}{
		{t0.Add(-time.Second), ModeSeller}, // before the first switch: the default
		{t0, ModePlatform},
		{t0.Add(47 * time.Hour), ModePlatform},
		{t0.Add(48 * time.Hour), ModeSeller},
		{t0.Add(1000 * time.Hour), ModeSeller},
	} {
		if got := s.ModeAt(tc.at); got != tc.want {
			t.Errorf("ModeAt(%s) = %s, want %s", tc.at, got, tc.want)
		}
	}
	if (ShopSettings{}).ModeAt(t0) != ModeSeller || (ShopSettings{}).Mode() != ModeSeller || s.Mode() != ModeSeller {
		t.Errorf("default mode is not seller")
	}
}
