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
	// QuietHours is when buyers get no messages, in their market's time zone (R-MKT-3); a
	// message due then waits for the end. Zero: DefaultQuietHours; Start == End (non-zero):
	// none.
	QuietHours QuietHours
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
	if c.QuietHours == (QuietHours{}) {
		c.QuietHours = DefaultQuietHours
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
	for _, d := range []time.Duration{c.QuietHours.Start, c.QuietHours.End} {
		if d < 0 || d >= 24*time.Hour || d%time.Minute != 0 {
			errs = append(errs, fmt.Errorf("quiet hours bound %v: want a time of day in whole minutes, 00:00 to 23:59", d))
		}
	}
	return errors.Join(errs...)
}
