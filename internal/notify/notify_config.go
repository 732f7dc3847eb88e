package notify

import (
	"errors"
	"fmt"
	"time"
)

// Config holds the delivery figures of outbound webhooks. Zero fields take the defaults
// (WithDefaults).
type Config struct {
	// RetrySchedule is the wait before each retry of a failed delivery: the first retry comes
	// RetrySchedule[0] after the first attempt, and so on; a delivery is given up (failed, and
	// its subscription disabled) when the attempt after the last wait fails. Nil:
	// DefaultRetrySchedule, about three days.
	RetrySchedule []time.Duration
	// Timeout bounds one attempt, connection to the end of the response. Default 15 s.
	Timeout time.Duration
}

// DefaultRetrySchedule retries a failing endpoint for 3 days and about 4 hours: after 5 s, 5 min,
// 30 min, 2 h, 5 h, then every 10 h (the Standard Webhooks reference schedule, continued for
// days so an ERP down for a weekend loses nothing).
func DefaultRetrySchedule() []time.Duration {
	return []time.Duration{5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 5 * time.Hour,
		10 * time.Hour, 10 * time.Hour, 10 * time.Hour, 10 * time.Hour, 10 * time.Hour, 10 * time.Hour, 10 * time.Hour}
}

const defaultTimeout = 15 * time.Second

// WithDefaults returns c with its unset fields set.
func (c Config) WithDefaults() Config {
	if c.RetrySchedule == nil {
		c.RetrySchedule = DefaultRetrySchedule()
	}
	if c.Timeout == 0 {
		c.Timeout = defaultTimeout
	}
	return c
}

// Validate reports every bad figure.
func (c Config) Validate() error {
	var errs []error
	for i, d := range c.RetrySchedule {
		if d <= 0 {
			errs = append(errs, fmt.Errorf("webhook retry schedule [%d] %v: want a positive duration", i, d))
		}
	}
	if len(c.RetrySchedule) > 100 {
		errs = append(errs, errors.New("webhook retry schedule: at most 100 retries"))
	}
	if c.Timeout <= 0 || c.Timeout > time.Minute {
		errs = append(errs, fmt.Errorf("webhook timeout %v: want more than 0 and at most 1 min", c.Timeout))
	}
	return errors.Join(errs...)
}
