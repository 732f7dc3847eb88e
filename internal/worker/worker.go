// Package worker is lastmile's one job engine: shipping batches, tracking polls, SLA sweeps,
// marketplace pushes and outbound webhooks all run on it. It runs River
// (github.com/riverqueue/river) on the store's own database, SQLite or PostgreSQL, so jobs are
// durable, and a job inserted in a store transaction exists exactly when that transaction
// committed (the store's EnqueueJobs and its drivers' insertJobs; see store.Job).
//
// What River gives, and this package relies on:
//   - Durable jobs: a job lives in a table until it completed, was cancelled or gave up. A
//     stopping engine cancels the jobs it runs and they return to the queue; a node that dies
//     with jobs running leaves them "running" until the leader rescues them after
//     RescueStuckJobsAfter.
//   - Unique jobs (store.Job.UniqueKey), scheduled jobs (store.Job.ScheduledAt), priorities and
//     named queues, each with its own number of workers per node (Config.Queues).
//   - Leader election among the nodes on one database: the leader alone enqueues periodic jobs,
//     moves scheduled jobs whose time has come, rescues stuck jobs and deletes old ones. Any node
//     works any job. A leader that stops hands over at once; one that dies is replaced when its
//     lease runs out (about 15 s).
//
// Handlers are plain functions registered by kind (Handle, HandleArgs, Every); the capabilities
// that own the work never import River. A handler's error decides what happens next: nil
// completes the job; Snooze (or an error with a positive RetryAfter) runs it again later without
// counting an attempt; Cancel (or an error whose Permanent() is true) gives it up; any other
// error retries it with exponential backoff and full jitter until MaxAttempts. Every job may run
// more than once (a node may die after the work and before recording it), so handlers are
// idempotent.
package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"lastmile/internal/store"
	"lastmile/internal/worker/riverjob"
)

// HandlerFunc works one job.
type HandlerFunc func(ctx context.Context, job Job) error

// HandleOption adjusts how a kind of job is run.
type HandleOption func(*handler)

// Timeout sets how long a job of this kind may run before its context is cancelled, in place of
// Config.JobTimeout. It must stay below Config.RescueStuckJobsAfter.
func Timeout(d time.Duration) HandleOption { return func(h *handler) { h.timeout = d } }

// Engine runs the jobs of one node. Register handlers and periodic jobs, then Start; Stop ends
// it. An engine starts once: make a new one to start again.
type Engine struct {
	cfg Config
	src riverjob.Source
	log *slog.Logger
	now func() time.Time

	mu       sync.Mutex
	workers  *river.Workers
	kinds    map[string]bool
	periodic []*river.PeriodicJob
	client   riverjob.Client // set by Start
}

// New returns an engine on st's database. cfg is completed with its defaults and checked; now is
// the clock retries are scheduled from (River takes its other times from the database). Stop the
// engine before closing st.
func New(cfg Config, st store.Store, log *slog.Logger, now func() time.Time) (*Engine, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("worker config: %w", err)
	}
	src, ok := st.(riverjob.Source)
	if !ok {
		return nil, fmt.Errorf("worker: store %T cannot run jobs", st)
	}
	return &Engine{cfg: cfg, src: src, log: log, now: now, workers: river.NewWorkers(), kinds: map[string]bool{}}, nil
}

// Handle registers fn as the handler of kind. It must be called before Start, once per kind.
func (e *Engine) Handle(kind string, fn HandlerFunc, opts ...HandleOption) error {
	if err := (store.Job{Kind: kind}).Validate(); err != nil {
		return fmt.Errorf("worker handler: %w", err)
	}
	h := &handler{kind: kind, fn: fn, log: e.log}
	for _, o := range opts {
		o(h)
	}
	if h.timeout < 0 || h.timeout >= e.cfg.RescueStuckJobsAfter {
		return fmt.Errorf("worker handler %s: timeout %v: want a positive duration below RescueStuckJobsAfter (%v)", kind, h.timeout, e.cfg.RescueStuckJobsAfter)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case e.client != nil:
		return fmt.Errorf("worker handler %s: the engine has started: register handlers before Start", kind)
	case e.kinds[kind]:
		return fmt.Errorf("worker handler %s: registered twice", kind)
	}
	e.kinds[kind] = true
	// River registers a worker per Go type of arguments; lastmile's kinds are strings, so every
	// kind shares riverjob.Args and is registered with its kind explicitly.
	river.AddWorkerArgs(e.workers, riverjob.NewArgs(kind, nil), river.Worker[riverjob.Args](h))
	return nil
}

// HandleArgs registers fn as the handler of T's kind, with the job's arguments decoded into a T.
// Arguments that do not decode give the job up (a retry would not decode them either).
func HandleArgs[T store.JobArgs](e *Engine, fn func(ctx context.Context, job Job, args T) error, opts ...HandleOption) error {
	var zero T
	return e.Handle(zero.Kind(), func(ctx context.Context, job Job) error {
		var args T
		if err := job.Decode(&args); err != nil {
			return Cancel(err)
		}
		return fn(ctx, job, args)
	}, opts...)
}

// Periodic makes the leader enqueue job every interval (at least a second), and once as soon as
// it becomes leader when runOnStart is set. Only the leader enqueues, so a period yields one job
// however many nodes run; after a change of leader the new one starts its own schedule. The
// job's ScheduledAt must be zero.
func (e *Engine) Periodic(job store.Job, every time.Duration, runOnStart bool) error {
	if !job.ScheduledAt.IsZero() {
		return fmt.Errorf("worker periodic %s: ScheduledAt is set: a periodic job is due when it is enqueued", job.Kind)
	}
	if every < time.Second {
		return fmt.Errorf("worker periodic %s: interval %v: want a second or more", job.Kind, every)
	}
	params, err := riverjob.InsertParams([]store.Job{job})
	if err != nil {
		return fmt.Errorf("worker periodic: %w", err)
	}
	p := params[0]
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.client != nil {
		return fmt.Errorf("worker periodic %s: the engine has started: add periodic jobs before Start", job.Kind)
	}
	e.periodic = append(e.periodic, river.NewPeriodicJob(river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) {
			opts := *p.InsertOpts
			return p.Args, &opts
		}, &river.PeriodicJobOpts{RunOnStart: runOnStart}))
	return nil
}

// Every runs fn every interval on one node (the leader enqueues, any node works), and once at
// start: the shape of a sweep. A failed run is not retried: the next period is the retry, so an
// outage cannot pile up retries of a frequent sweep. fn must be idempotent.
func (e *Engine) Every(kind string, every time.Duration, fn func(ctx context.Context) error) error {
	if err := e.Handle(kind, func(ctx context.Context, _ Job) error { return fn(ctx) }); err != nil {
		return err
	}
	return e.Periodic(store.Job{Kind: kind, MaxAttempts: 1}, every, true)
}

// Start starts working the configured queues in the background, until Stop: ctx bounds the
// start only, so that a server's cancelled context still lets Stop finish the running jobs.
func (e *Engine) Start(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.client != nil {
		return errors.New("worker: started twice: make a new engine to start again")
	}
	if len(e.kinds) == 0 {
		return errors.New("worker: no handlers: register at least one before Start")
	}
	queues := make(map[string]river.QueueConfig, len(e.cfg.Queues))
	for q, n := range e.cfg.Queues {
		queues[q] = river.QueueConfig{MaxWorkers: n}
	}
	client, err := e.src.NewRiverClient(&river.Config{
		ID:                          e.cfg.NodeID,
		Queues:                      queues,
		Workers:                     e.workers,
		PeriodicJobs:                e.periodic,
		FetchPollInterval:           e.cfg.FetchPollInterval,
		FetchCooldown:               e.cfg.FetchCooldown,
		JobTimeout:                  e.cfg.JobTimeout,
		RescueStuckJobsAfter:        e.cfg.RescueStuckJobsAfter,
		CompletedJobRetentionPeriod: e.cfg.CompletedJobRetention,
		MaxAttempts:                 store.DefaultJobMaxAttempts,
		RetryPolicy:                 &backoff{base: e.cfg.RetryBase, cap: e.cfg.RetryCap, now: e.now},
		Logger:                      e.log,
	})
	if err != nil {
		return fmt.Errorf("worker: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("worker: start: %w", err)
	}
	if err := client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("worker: start: %w", err)
	}
	e.client = client
	e.log.Info("job engine started", "node", client.ID(), "queues", e.cfg.Queues, "kinds", len(e.kinds))
	return nil
}

// hardStopWait bounds how long Stop waits for cancelled handlers to return.
const hardStopWait = 10 * time.Second

// Stop stops fetching jobs and waits for the running ones to finish until ctx ends; then it
// cancels their contexts, so that they return to their queue for another node or the next start,
// and waits up to ten more seconds for their handlers to return. Stopping an engine that never
// started does nothing.
func (e *Engine) Stop(ctx context.Context) error {
	e.mu.Lock()
	client := e.client
	e.mu.Unlock()
	if client == nil {
		return nil
	}
	err := client.Stop(ctx)
	if err == nil || ctx.Err() == nil {
		return err
	}
	e.log.Warn("job engine stop: cancelling running jobs", "err", err)
	hard, cancel := context.WithTimeout(context.WithoutCancel(ctx), hardStopWait)
	defer cancel()
	if err := client.StopAndCancel(hard); err != nil {
		return fmt.Errorf("worker: stop: handlers still running %v after their cancellation: %w", hardStopWait, err)
	}
	return nil
}

// handler adapts a HandlerFunc to River's Worker.
type handler struct {
	river.WorkerDefaults[riverjob.Args]
	kind    string
	fn      HandlerFunc
	timeout time.Duration // zero: Config.JobTimeout
	log     *slog.Logger
}

// Timeout implements river.Worker.
func (h *handler) Timeout(*river.Job[riverjob.Args]) time.Duration { return h.timeout }

// Work implements river.Worker.
func (h *handler) Work(ctx context.Context, j *river.Job[riverjob.Args]) error {
	herr := h.fn(ctx, jobFromRow(j.JobRow, j.Args.Raw()))
	err := toRiver(herr)
	if se, ok := errors.AsType[*river.JobSnoozeError](err); ok {
		h.log.Info("job snoozed", "kind", h.kind, "job", j.ID, "attempt", j.Attempt, "for", se.Duration, "err", herr)
	}
	return err
}
