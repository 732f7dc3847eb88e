package worker

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Job is one run of a job, as its handler sees it.
type Job struct {
	// ID identifies the job in the database.
	ID int64
	// Kind names the job's handler.
	Kind string
	// Queue is the queue the job waited in.
	Queue string
	// Args is the job's input, JSON equal to what was enqueued.
	Args json.RawMessage
	// Attempt counts the runs of this job, this one included: 1 on the first. A snooze does not
	// count; a run lost with its node (rescued) does.
	Attempt int
	// MaxAttempts is the attempt after which a failure gives the job up.
	MaxAttempts int
	// ScheduledAt is the time the job was due to run.
	ScheduledAt time.Time
	// CreatedAt is the time the job was enqueued.
	CreatedAt time.Time
	// Errors are the errors of earlier attempts, oldest first.
	Errors []string
}

// Decode unmarshals the job's arguments into v. A job whose arguments do not decode will not
// decode on a retry either: return Cancel(err).
func (j Job) Decode(v any) error {
	if err := json.Unmarshal(j.Args, v); err != nil {
		return fmt.Errorf("job %s %d: decode args %s: %w", j.Kind, j.ID, j.Args, err)
	}
	return nil
}

func jobFromRow(row *rivertype.JobRow, args json.RawMessage) Job {
	j := Job{ID: row.ID, Kind: row.Kind, Queue: row.Queue, Args: args, Attempt: row.Attempt, MaxAttempts: row.MaxAttempts,
		ScheduledAt: row.ScheduledAt.UTC(), CreatedAt: row.CreatedAt.UTC()}
	for _, e := range row.Errors {
		j.Errors = append(j.Errors, e.Error)
	}
	return j
}

// Snooze returns an error that makes the job run again after d, without counting an attempt:
// the answer to a rate limit (429 with Retry-After). d <= 0 is an ordinary failure, retried with
// backoff, so that a missing Retry-After cannot make a job spin.
func Snooze(d time.Duration) error { return &snoozeError{after: d} }

// Cancel returns an error that gives the job up at once, without retries: the answer to a
// failure that a retry cannot fix (bad arguments, a refusal). err is kept as the job's error.
func Cancel(err error) error {
	if err == nil {
		err = errors.New("cancelled")
	}
	return &cancelError{err: err}
}

// Handlers below the worker package (capabilities that must not import it) may return their own
// errors with one of these methods instead of calling Snooze or Cancel; the engine finds them
// with errors.As anywhere in the chain.
type (
	// retryAfterer: snooze for RetryAfter() when it is positive.
	retryAfterer interface {
		error
		RetryAfter() time.Duration
	}
	// permanenter: give the job up when Permanent() is true.
	permanenter interface {
		error
		Permanent() bool
	}
)

type snoozeError struct{ after time.Duration }

func (e *snoozeError) Error() string             { return fmt.Sprintf("snooze %v", e.after) }
func (e *snoozeError) RetryAfter() time.Duration { return e.after }

type cancelError struct{ err error }

func (e *cancelError) Error() string   { return e.err.Error() }
func (e *cancelError) Unwrap() error   { return e.err }
func (e *cancelError) Permanent() bool { return true }

// toRiver translates a handler's error into River's: a snooze, a cancellation or a failure.
func toRiver(err error) error {
	if err == nil {
		return nil
	}
	if ra, ok := errors.AsType[retryAfterer](err); ok {
		if d := ra.RetryAfter(); d > 0 {
			return river.JobSnooze(d)
		}
	}
	if p, ok := errors.AsType[permanenter](err); ok && p.Permanent() {
		return river.JobCancel(err)
	}
	return err
}
