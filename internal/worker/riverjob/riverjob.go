// Package riverjob is the glue between lastmile's plain job values (store.Job) and River, the
// job engine: the store drivers use it to insert jobs in their own transactions and to migrate
// River's tables, the worker package to run the jobs. Only the drivers, the worker and tests
// import it; domain packages describe jobs with store.Job and never see River.
//
// River wants one Go type per job kind. lastmile's kinds are strings chosen by the domain, so a
// job travels through River as Args: its kind and its JSON arguments, passed through untouched.
// store.Job.UniqueKey maps onto River's unique jobs through an insert middleware that sets
// River's unique key to a hash of (kind, key) over the live states; River's own ByArgs would
// need the key inside the arguments.
package riverjob

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivershared/uniquestates"
	"github.com/riverqueue/river/rivertype"

	"lastmile/internal/store"
)

// Args carries one job's kind and raw JSON arguments through River.
type Args struct {
	kind      string
	raw       json.RawMessage
	uniqueKey string
}

// NewArgs returns the River arguments of a job of kind with raw JSON arguments (empty is {}).
func NewArgs(kind string, raw json.RawMessage) Args { return Args{kind: kind, raw: raw} }

// Kind implements river.JobArgs.
func (a Args) Kind() string { return a.kind }

// Raw returns the JSON arguments.
func (a Args) Raw() json.RawMessage { return a.raw }

// MarshalJSON returns the arguments exactly as the domain encoded them.
func (a Args) MarshalJSON() ([]byte, error) {
	if len(a.raw) == 0 {
		return []byte("{}"), nil
	}
	return a.raw, nil
}

// UnmarshalJSON keeps the arguments as they are, for the handler to decode.
func (a *Args) UnmarshalJSON(b []byte) error {
	a.raw = append(json.RawMessage(nil), b...)
	return nil
}

// InsertParams turns jobs into River's insert parameters after checking them. A job whose
// (kind, unique key) an earlier job of the same batch holds is dropped: River refuses a batch
// that repeats a unique key, and the second job would have been skipped anyway.
func InsertParams(jobs []store.Job) ([]river.InsertManyParams, error) {
	if err := store.ValidateJobs(jobs); err != nil {
		return nil, err
	}
	params := make([]river.InsertManyParams, 0, len(jobs))
	var seen map[[2]string]bool
	for _, j := range jobs {
		if j.UniqueKey != "" {
			k := [2]string{j.Kind, j.UniqueKey}
			if seen[k] {
				continue
			}
			if seen == nil {
				seen = make(map[[2]string]bool)
			}
			seen[k] = true
		}
		params = append(params, river.InsertManyParams{
			Args:       Args{kind: j.Kind, raw: j.Args, uniqueKey: j.UniqueKey},
			InsertOpts: insertOpts(j),
		})
	}
	return params, nil
}

// insertOpts returns River's insert options for j (its unique key is carried by Args).
func insertOpts(j store.Job) *river.InsertOpts {
	return &river.InsertOpts{
		Queue:       cmp.Or(j.Queue, store.DefaultJobQueue),
		MaxAttempts: cmp.Or(j.MaxAttempts, store.DefaultJobMaxAttempts),
		Priority:    cmp.Or(j.Priority, 1),
		ScheduledAt: j.ScheduledAt,
	}
}

// Configure returns cfg (a new one if nil) with the insert middleware every lastmile River
// client needs, so that jobs inserted by the store and by the engine (periodic jobs) agree.
func Configure(cfg *river.Config) *river.Config {
	if cfg == nil {
		cfg = &river.Config{}
	}
	c := *cfg
	c.Middleware = append([]rivertype.Middleware{&insertMiddleware{}}, cfg.Middleware...)
	return &c
}

// liveStates are the states in which a job holds its unique key (store.Job.UniqueKey).
var liveStates = uniquestates.UniqueStatesToBitmask([]rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
	rivertype.JobStateRunning, rivertype.JobStateScheduled,
})

// schedulerInterval is how often River's leader moves scheduled jobs whose time has come to
// available (its JobSchedulerIntervalDefault, not configurable).
const schedulerInterval = 5 * time.Second

// insertMiddleware sets River's unique key from Args' and inserts a job due within the
// scheduler's interval as available at once: River fetches only jobs whose scheduled time has
// passed, so it still waits, but for the next fetch (FetchPollInterval) rather than up to five
// seconds for the leader's scheduler. River does the same with short retries and snoozes.
type insertMiddleware struct {
	river.MiddlewareDefaults
}

func (*insertMiddleware) InsertMany(ctx context.Context, params []*rivertype.JobInsertParams,
	doInner func(context.Context) ([]*rivertype.JobInsertResult, error)) ([]*rivertype.JobInsertResult, error) {
	now := time.Now()
	for _, p := range params {
		if a, ok := p.Args.(Args); ok && a.uniqueKey != "" {
			sum := sha256.Sum256([]byte("lastmile&kind=" + p.Kind + "&key=" + a.uniqueKey))
			p.UniqueKey, p.UniqueStates = sum[:], liveStates
		}
		if p.State == rivertype.JobStateScheduled && p.ScheduledAt != nil && p.ScheduledAt.Sub(now) <= schedulerInterval {
			p.State = rivertype.JobStateAvailable
		}
	}
	return doInner(ctx)
}

// Inserter inserts jobs in a caller's transaction. The zero value is ready: it makes its
// insert-only River client on first use, from a driver without a pool (it only ever uses the
// caller's transaction). One Inserter per store lets River limit its insert notifications to
// one per queue per FetchCooldown.
type Inserter[TTx any] struct {
	once   sync.Once
	client *river.Client[TTx]
	err    error
}

// InsertTx inserts jobs in tx; newDriver makes the driver the first time.
func (in *Inserter[TTx]) InsertTx(ctx context.Context, newDriver func() riverdriver.Driver[TTx], tx TTx, jobs []store.Job) error {
	if len(jobs) == 0 {
		return nil
	}
	params, err := InsertParams(jobs)
	if err != nil {
		return err
	}
	in.once.Do(func() {
		in.client, in.err = river.NewClient(newDriver(), Configure(&river.Config{Logger: slog.New(slog.DiscardHandler)}))
	})
	if in.err != nil {
		return fmt.Errorf("river client: %w", in.err)
	}
	if _, err := in.client.InsertManyTx(ctx, tx, params); err != nil {
		return fmt.Errorf("insert %d jobs: %w", len(params), err)
	}
	return nil
}

// Client is what lastmile uses of a River client, whatever its driver's transaction type.
type Client interface {
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	StopAndCancel(ctx context.Context) error
	ID() string
	JobGet(ctx context.Context, id int64) (*rivertype.JobRow, error)
	JobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
}

// Source is a store that River can run on: both drivers implement it, each with its own River
// driver over its own connections.
type Source interface {
	// NewRiverClient returns a River client on the store's database, configured by cfg
	// (passed through Configure).
	NewRiverClient(cfg *river.Config) (Client, error)
}

// Migrate applies River's pending migrations with driver.
func Migrate[TTx any](ctx context.Context, driver riverdriver.Driver[TTx], log *slog.Logger) error {
	m, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: log})
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river migrate: %w", err)
	}
	return nil
}
