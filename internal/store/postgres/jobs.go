package postgres

// Background jobs on PostgreSQL. River's tables live in the store's schema (the search_path of
// the URL; River follows it when its Schema option is empty, as here), migrated with the rest of
// the schema. River works on the store's pool: its inserts join store transactions, and it
// keeps one connection of the pool for LISTEN, so a pool for n concurrent store users plus a
// job engine needs n+2 connections or more (pool_max_conns in the URL).

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"lastmile/internal/store"
	"lastmile/internal/worker/riverjob"
)

var _ riverjob.Source = (*Store)(nil)

// jobInserter inserts jobs in the store's transactions (the Store's jobs field).
type jobInserter = riverjob.Inserter[pgx.Tx]

// NewRiverClient implements riverjob.Source: a River client on the store's pool.
func (s *Store) NewRiverClient(cfg *river.Config) (riverjob.Client, error) {
	return river.NewClient(riverpgxv5.New(s.pool), riverjob.Configure(cfg))
}

// EnqueueJobs implements store.Jobs.
func (s *Store) EnqueueJobs(ctx context.Context, jobs ...store.Job) error {
	if len(jobs) == 0 {
		return nil
	}
	return s.inTx(ctx, "enqueue jobs", func(tx pgx.Tx) error { return s.insertJobs(ctx, tx, jobs) })
}

// insertJobs inserts jobs in tx: store methods call it with the follow-up work of their change.
func (s *Store) insertJobs(ctx context.Context, tx pgx.Tx, jobs []store.Job) error {
	return s.jobs.InsertTx(ctx, func() riverdriver.Driver[pgx.Tx] { return riverpgxv5.New(nil) }, tx, jobs)
}

// migrateRiver applies River's migrations. River's migrator takes no lock, so a session
// advisory lock per schema, held on a connection of its own, lets several nodes start at once.
func (s *Store) migrateRiver(ctx context.Context, log *slog.Logger) error {
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
	if err != nil {
		return fmt.Errorf("postgres: river migrate: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	const key = `hashtext('lastmile river migrate ' || current_schema())`
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(`+key+`)`); err != nil {
		return fmt.Errorf("postgres: river migrate: lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(`+key+`)`)
	if err := riverjob.Migrate(ctx, riverpgxv5.New(s.pool), log); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	return nil
}
