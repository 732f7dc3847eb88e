package worker

import (
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"
)

func TestBackoffCeilings(t *testing.T) {
	t.Parallel()
	// rand returning its bound minus one exposes the ceiling of each attempt.
	b := &backoff{base: time.Second, cap: 5 * time.Minute, rand: func(n int64) int64 { return n - 1 }}
	want := map[int]time.Duration{
		0: time.Second, 1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 9: 256 * time.Second,
		10: 5 * time.Minute, 25: 5 * time.Minute, 63: 5 * time.Minute, 1000: 5 * time.Minute,
	}
	for n, w := range want {
		if got := b.delay(n); got != w {
			t.Errorf("attempt %d: ceiling %v, want %v", n, got, w)
		}
	}
	// Full jitter: the floor is zero.
	b.rand = func(int64) int64 { return 0 }
	if got := b.delay(7); got != 0 {
		t.Errorf("floor %v, want 0", got)
	}
}

func TestBackoffJitterInRange(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	b := &backoff{base: 10 * time.Millisecond, cap: time.Second, now: func() time.Time { return now }}
	seen := map[time.Duration]bool{}
	for range 1000 {
		at := b.NextRetry(&rivertype.JobRow{Attempt: 4})
		d := at.Sub(now)
		if d < 0 || d > 80*time.Millisecond {
			t.Fatalf("attempt 4: retry after %v, want within [0, 80ms]", d)
		}
		seen[d] = true
	}
	if len(seen) < 100 {
		t.Errorf("only %d distinct delays in 1000 draws: not jittered", len(seen))
	}
}
