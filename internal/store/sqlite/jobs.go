package sqlite

// Background jobs on SQLite. River's tables live in the store's database file, migrated with
// the rest of the schema, and River works on the store's one writer connection: a job inserted
// in a store transaction is in that transaction (River's inserts join it), and River's own
// writes (fetching, completing, rescuing, leader election, its notification outbox polled every
// 50 ms in place of LISTEN/NOTIFY) queue behind the store's like any other write. That costs a
// little write throughput and, while a long store transaction runs, delays fetches; a second
// writer connection would turn the same waits into SQLITE_BUSY retries instead.

import (
	"context"
	"database/sql"
	"log/slog"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"lastmile/internal/store"
	"lastmile/internal/worker/riverjob"
)

var _ riverjob.Source = (*Store)(nil)

// jobInserter inserts jobs in the store's transactions (the Store's jobs field).
type jobInserter = riverjob.Inserter[*sql.Tx]

// NewRiverClient implements riverjob.Source: a River client on the writer connection.
func (s *Store) NewRiverClient(cfg *river.Config) (riverjob.Client, error) {
	c := riverjob.Configure(cfg)
	if c.ReindexerSchedule == nil {
		// River's leader rebuilds its indexes daily, against PostgreSQL's index bloat. SQLite's
		// indexes do not bloat so; a REINDEX would only hold the writer.
		c.ReindexerSchedule = river.NeverSchedule()
	}
	return river.NewClient(riversqlite.New(s.w), c)
}

// EnqueueJobs implements store.Jobs.
func (s *Store) EnqueueJobs(ctx context.Context, jobs ...store.Job) error {
	if len(jobs) == 0 {
		return nil
	}
	return s.inTx(ctx, "enqueue jobs", func(tx *sql.Tx) error { return s.insertJobs(ctx, tx, jobs) })
}

// insertJobs inserts jobs in tx: store methods call it with the follow-up work of their change.
func (s *Store) insertJobs(ctx context.Context, tx *sql.Tx, jobs []store.Job) error {
	return s.jobs.InsertTx(ctx, func() riverdriver.Driver[*sql.Tx] { return riversqlite.New(nil) }, tx, jobs)
}

// migrateRiver applies River's migrations on the writer connection.
func (s *Store) migrateRiver(ctx context.Context, log *slog.Logger) error {
	return riverjob.Migrate(ctx, riversqlite.New(s.w), log)
}
