package worker

import (
	"errors"
	"fmt"
	"regexp"
	"time"

	"lastmile/internal/store"
)

// Config is the job engine's configuration on one node. Every node sharing a database may size
// its queues differently; the timeouts should agree.
type Config struct {
	// Queues maps each queue this node works to the most jobs it runs from it at once. The
	// default queue (store.DefaultJobQueue, where a job without a Queue goes) is always worked,
	// with DefaultQueueWorkers unless set here. A queue that no node works keeps its jobs
	// waiting, so every queue the domain uses must be listed on some node.
	Queues map[string]int
	// FetchPollInterval is how often each queue looks for due jobs when nothing told it of new
	// ones: PostgreSQL announces inserts (LISTEN/NOTIFY), SQLite has no such thing and River
	// polls a notification table every 50 ms instead. It also bounds how late a job scheduled for
	// a time within the next five seconds starts. Default 100 ms.
	FetchPollInterval time.Duration
	// FetchCooldown is the least time between two fetches of one queue; a fetch takes as many
	// due jobs as the queue has idle workers. Default 20 ms; at most FetchPollInterval.
	FetchCooldown time.Duration
	// JobTimeout is how long a handler may run before its context is cancelled (a handler may
	// set its own with Timeout). Default 2 min: a label purchase that has not answered by then
	// will not.
	JobTimeout time.Duration
	// RescueStuckJobsAfter is how long after it started a job still marked running is taken to
	// be lost with its node (kill -9, power cut) and retried. It must exceed JobTimeout, or a
	// slow job could run twice at once. The leader looks every 30 s, so a lost job runs again
	// between this and this plus 30 s after it started (plus its retry delay). Default 5 min.
	RescueStuckJobsAfter time.Duration
	// RetryBase is the backoff of the first retry: attempt n waits a random time between zero
	// and min(RetryCap, RetryBase·2^(n-1)) (exponential backoff with full jitter, so that jobs
	// failing together do not retry together). Default 1 s.
	RetryBase time.Duration
	// RetryCap is the longest wait between two attempts. Default 5 min.
	RetryCap time.Duration
	// CompletedJobRetention is how long a completed job stays in the database, for inspection,
	// before the leader deletes it. Default 24 h.
	CompletedJobRetention time.Duration
	// NodeID names this node among those sharing the database (leader election, "attempted by"
	// on each job). It must be unique among running nodes; empty makes one from the host name
	// and the start time.
	NodeID string
}

// Defaults.
const (
	DefaultQueueWorkers          = 100
	defaultFetchPollInterval     = 100 * time.Millisecond
	defaultFetchCooldown         = 20 * time.Millisecond
	defaultJobTimeout            = 2 * time.Minute
	defaultRescueStuckJobsAfter  = 5 * time.Minute
	defaultRetryBase             = time.Second
	defaultRetryCap              = 5 * time.Minute
	defaultCompletedJobRetention = 24 * time.Hour
)

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	queues := make(map[string]int, len(c.Queues)+1)
	for q, n := range c.Queues {
		queues[q] = n
	}
	if _, ok := queues[store.DefaultJobQueue]; !ok {
		queues[store.DefaultJobQueue] = DefaultQueueWorkers
	}
	c.Queues = queues
	set := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	set(&c.FetchPollInterval, defaultFetchPollInterval)
	set(&c.FetchCooldown, min(defaultFetchCooldown, c.FetchPollInterval))
	set(&c.JobTimeout, defaultJobTimeout)
	set(&c.RescueStuckJobsAfter, max(defaultRescueStuckJobsAfter, 2*c.JobTimeout))
	set(&c.RetryBase, defaultRetryBase)
	set(&c.RetryCap, max(defaultRetryCap, c.RetryBase))
	set(&c.CompletedJobRetention, defaultCompletedJobRetention)
	return c
}

var queueRE = regexp.MustCompile(`^[a-z0-9]+(?:[_\-][a-z0-9]+)*$`)

// Validate reports every invalid field at once.
func (c Config) Validate() error {
	var errs []error
	for q, n := range c.Queues {
		if len(q) > 64 || !queueRE.MatchString(q) {
			errs = append(errs, fmt.Errorf("worker queue %q: want lower-case letters and digits, words joined by '_' or '-', at most 64 bytes, e.g. carrier_usps", q))
		}
		if n < 1 || n > 10_000 {
			errs = append(errs, fmt.Errorf("worker queue %q: %d workers: want 1 to 10,000", q, n))
		}
	}
	positive := []struct {
		name string
		d    time.Duration
	}{
		{"fetch poll interval", c.FetchPollInterval}, {"fetch cooldown", c.FetchCooldown},
		{"job timeout", c.JobTimeout}, {"rescue stuck jobs after", c.RescueStuckJobsAfter},
		{"retry base", c.RetryBase}, {"retry cap", c.RetryCap}, {"completed job retention", c.CompletedJobRetention},
	}
	for _, p := range positive {
		if p.d <= 0 {
			errs = append(errs, fmt.Errorf("worker %s %v: want a positive duration", p.name, p.d))
		}
	}
	if c.FetchCooldown > c.FetchPollInterval {
		errs = append(errs, fmt.Errorf("worker fetch cooldown %v exceeds the fetch poll interval %v: lower it", c.FetchCooldown, c.FetchPollInterval))
	}
	if c.RescueStuckJobsAfter <= c.JobTimeout {
		errs = append(errs, fmt.Errorf("worker rescue stuck jobs after %v: want more than the job timeout %v, or a slow job could run twice at once", c.RescueStuckJobsAfter, c.JobTimeout))
	}
	if c.RetryBase > c.RetryCap {
		errs = append(errs, fmt.Errorf("worker retry base %v exceeds the retry cap %v", c.RetryBase, c.RetryCap))
	}
	if len(c.NodeID) > 100 {
		errs = append(errs, errors.New("worker node id: at most 100 bytes"))
	}
	return errors.Join(errs...)
}
