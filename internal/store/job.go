package store

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"time"

	"lastmile/internal/model"
)

// Jobs is the write side of the background job queue (the worker package runs the jobs). A
// store method whose change needs follow-up work takes the jobs from the domain and enqueues
// them in the same transaction as the change (a transactional outbox): a job exists if and only
// if its change was committed. EnqueueJobs is for work that follows no change of the store's.
type Jobs interface {
	// EnqueueJobs stores jobs in one transaction: all of them or, on error, none. A job whose
	// UniqueKey is held by a live job of its kind (or by an earlier job of the same call) is
	// skipped without error.
	EnqueueJobs(ctx context.Context, jobs ...Job) error
}

// DefaultJobQueue is the queue of a job whose Queue is empty.
const DefaultJobQueue = "default"

// DefaultJobMaxAttempts is how many times a job whose MaxAttempts is zero runs before it is
// given up (discarded): with the worker's default backoff (1 s doubling to 5 min, full jitter)
// that is about 40 minutes of retries on average, 80 at most.
const DefaultJobMaxAttempts = 25

// Job is a unit of background work as the domain describes it: a kind that names its handler
// and the handler's arguments as JSON. Domain packages build jobs with NewJob and never see the
// engine that runs them. Every job may run more than once (a crash after the work, before its
// completion was recorded), so handlers are idempotent.
type Job struct {
	// Kind names the handler, e.g. "shipping.buy_label": letters, digits, '_', '.', ':' and '-',
	// starting with a letter, at most 100 bytes.
	Kind string
	// Args is the handler's input as a JSON object; empty means {}. The handler gets equal JSON
	// back, not always the same bytes (PostgreSQL keeps it as jsonb).
	Args json.RawMessage
	// Queue is the queue the job waits in; empty is DefaultJobQueue. Queues let a kind of work
	// have workers of its own (a carrier's label purchases cannot starve tracking polls): lower
	// case letters and digits, words separated by '_' or '-', at most 64 bytes.
	Queue string
	// UniqueKey, when set, allows at most one live job (waiting, scheduled, running or waiting
	// to retry) of this kind with this key: enqueuing another is a no-op. Once the job has
	// completed, been cancelled or given up, the key is free again.
	UniqueKey string
	// ScheduledAt is the earliest time the job may run; zero is now.
	ScheduledAt time.Time
	// MaxAttempts is how many times the job runs before it is given up; zero is
	// DefaultJobMaxAttempts.
	MaxAttempts int
	// Priority orders waiting jobs of one queue, 1 (first) to 4 (last); zero is 1.
	Priority int
}

// JobArgs is a handler's input: a JSON-encodable value that names its kind.
type JobArgs interface {
	Kind() string
}

// JobOption sets an optional field of a Job.
type JobOption func(*Job)

// InQueue puts the job in queue q.
func InQueue(q string) JobOption { return func(j *Job) { j.Queue = q } }

// UniqueBy sets the job's UniqueKey.
func UniqueBy(key string) JobOption { return func(j *Job) { j.UniqueKey = key } }

// RunAt makes the job wait until t.
func RunAt(t time.Time) JobOption { return func(j *Job) { j.ScheduledAt = t } }

// MaxAttempts sets how many times the job may run.
func MaxAttempts(n int) JobOption { return func(j *Job) { j.MaxAttempts = n } }

// Priority sets the job's priority, 1 (first) to 4.
func Priority(p int) JobOption { return func(j *Job) { j.Priority = p } }

// NewJob returns a job of args' kind with args encoded as JSON, and checks it.
func NewJob(args JobArgs, opts ...JobOption) (Job, error) {
	raw, err := json.Marshal(args)
	if err != nil {
		return Job{}, fmt.Errorf("job %s: encode args: %w", args.Kind(), err)
	}
	j := Job{Kind: args.Kind(), Args: raw}
	for _, o := range opts {
		o(&j)
	}
	return j, j.Validate()
}

var (
	jobKindRE  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.:\-]{0,99}$`)
	jobQueueRE = regexp.MustCompile(`^[a-z0-9]+(?:[_\-][a-z0-9]+)*$`)
)

// Validate reports every problem of the job at once, as a *model.ValidationError.
func (j Job) Validate() error {
	var problems []model.FieldError
	add := func(field, msg string) {
		problems = append(problems, model.FieldError{Code: "job_" + field, Field: field, Message: msg})
	}
	if !jobKindRE.MatchString(j.Kind) {
		add("kind", fmt.Sprintf("%q: want a letter, then up to 99 letters, digits, '_', '.', ':' or '-', e.g. shipping.buy_label", j.Kind))
	}
	if len(j.Args) > 0 {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(j.Args, &obj); err != nil || obj == nil {
			add("args", "want a JSON object, e.g. {\"order_id\":\"ord_…\"}")
		}
	}
	if j.Queue != "" && (len(j.Queue) > 64 || !jobQueueRE.MatchString(j.Queue)) {
		add("queue", fmt.Sprintf("%q: want lower-case letters and digits, words joined by '_' or '-', at most 64 bytes, e.g. carrier_usps", j.Queue))
	}
	if j.MaxAttempts < 0 {
		add("max_attempts", fmt.Sprintf("%d: want 0 (the default, %d) or more", j.MaxAttempts, DefaultJobMaxAttempts))
	}
	if j.Priority < 0 || j.Priority > 4 {
		add("priority", fmt.Sprintf("%d: want 1 (first) to 4 (last), or 0 for 1", j.Priority))
	}
	if len(problems) == 0 {
		return nil
	}
	return &model.ValidationError{Problems: problems}
}

// ValidateJobs checks every job and names the first bad one by its index.
func ValidateJobs(jobs []Job) error {
	for i, j := range jobs {
		if err := j.Validate(); err != nil {
			return fmt.Errorf("job %d (%s): %w", i, j.Kind, err)
		}
	}
	return nil
}
