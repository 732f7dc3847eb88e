package worker

import (
	"math/rand/v2"
	"time"

	"github.com/riverqueue/river/rivertype"
)

// backoff is the engine's retry policy (River's ClientRetryPolicy): exponential backoff with
// full jitter. Attempt n waits a uniformly random time in [0, min(cap, base·2^(n-1))], so jobs
// that failed together (a carrier outage) spread their retries instead of returning as a herd.
type backoff struct {
	base, cap time.Duration
	now       func() time.Time
	rand      func(n int64) int64 // uniform in [0, n)
}

// NextRetry implements river.ClientRetryPolicy. River also uses it for jobs it rescued.
func (b *backoff) NextRetry(job *rivertype.JobRow) time.Time {
	return b.now().Add(b.delay(job.Attempt))
}

// delay returns the wait after the failure of attempt n (1 for the first run).
func (b *backoff) delay(n int) time.Duration {
	ceiling := b.cap
	if shift := max(n, 1) - 1; shift < 62 && b.base <= b.cap>>shift {
		ceiling = b.base << shift
	}
	r := b.rand
	if r == nil {
		r = rand.Int64N
	}
	return time.Duration(r(int64(ceiling) + 1))
}
