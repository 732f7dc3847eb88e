// Package postgres is the scale-out store: PostgreSQL through pgx/v5, shared by any number of
// lastmile nodes. Concurrency is the database's: row locks for read-modify-write, transaction
// advisory locks on (shop, external id) so that two nodes upserting the same new order cannot
// both create it. Its schema lives in migrations/ and is applied with goose.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/jackc/puddle/v2"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"lastmile/internal/ident"
	"lastmile/internal/model"
	"lastmile/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a store.Store on a PostgreSQL database.
type Store struct {
	pool *pgxpool.Pool
	jobs jobInserter // inserts jobs in store transactions (jobs.go)
}

var _ store.Store = (*Store)(nil)

// Open connects to the database at url (postgres://…; a search_path query parameter selects a
// schema). Call Migrate before use.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse url: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect %s@%s/%s: %w", cfg.ConnConfig.User, cfg.ConnConfig.Host, cfg.ConnConfig.Database, err)
	}
	return &Store{pool: pool}, nil
}

// Migrate applies every pending migration. A session advisory lock lets several nodes start at
// once: one migrates, the others wait and find nothing to do.
func (s *Store) Migrate(ctx context.Context, log *slog.Logger) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	// The lock is per schema: nodes sharing a schema migrate one at a time, while deployments (or
	// tests) in other schemas of the same database need not wait for each other, as they did
	// on goose's one lock id for the whole database. Poll every second for up to five minutes:
	// another node may be mid-migration.
	var schema string
	if err := s.pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return fmt.Errorf("postgres: migrations: current schema: %w", err)
	}
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300), lock.WithLockID(migrationLockID(schema)))
	if err != nil {
		return err
	}
	db := stdlib.OpenDBFromPool(s.pool)
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub, goose.WithSessionLocker(locker), goose.WithSlog(log))
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	return s.migrateRiver(ctx, log)
}

// migrationLockID is the advisory lock id under which schema's migrations run.
func migrationLockID(schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte("lastmile migrate " + schema))
	return int64(h.Sum64())
}

// Ping implements store.Store.
func (s *Store) Ping(ctx context.Context) error { return wrap(s.pool.Ping(ctx), "ping") }

// Close implements store.Store.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Pool returns the connection pool, for benchmarks that measure the driver alone.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// NewSchema creates a fresh, empty schema in the database at baseURL and returns a URL whose
// connections use it, and a function that drops it. Tests and benchmarks use one per run.
func NewSchema(ctx context.Context, baseURL string) (schemaURL string, drop func(), err error) {
	conn, err := pgx.Connect(ctx, baseURL)
	if err != nil {
		return "", nil, fmt.Errorf("postgres: connect: %w", err)
	}
	defer conn.Close(ctx)
	schema := "lastmile_" + strings.ToLower(ident.Random(12)) // a valid unquoted identifier
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		return "", nil, fmt.Errorf("postgres: create schema: %w", err)
	}
	u, err := url.Parse(baseURL)
	if err != nil {
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	drop = func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if c, err := pgx.Connect(ctx, baseURL); err == nil {
			c.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
			c.Close(ctx)
		}
	}
	return u.String(), drop, nil
}

// CreateShop implements store.Store.
func (s *Store) CreateShop(ctx context.Context, sh model.Shop) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO shops (id, name, market, time_zone, created_at) VALUES ($1, $2, $3, $4, $5)`,
		sh.ID, sh.Name, string(sh.Market), sh.TimeZone, sh.CreatedAt)
	return wrap(err, "create shop "+sh.ID)
}

// GetShop implements store.Store.
func (s *Store) GetShop(ctx context.Context, id string) (model.Shop, error) {
	var sh model.Shop
	err := s.pool.QueryRow(ctx, `SELECT id, name, market, time_zone, created_at FROM shops WHERE id = $1`, id).
		Scan(&sh.ID, &sh.Name, &sh.Market, &sh.TimeZone, &sh.CreatedAt)
	sh.CreatedAt = sh.CreatedAt.UTC()
	return sh, wrap(err, "get shop "+id)
}

// CreateAPIKey implements store.Store.
func (s *Store) CreateAPIKey(ctx context.Context, k model.APIKey) error {
	return s.inTx(ctx, "create api key "+k.ID, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO api_keys (id, name, hash, created_at) VALUES ($1, $2, $3, $4)`,
			k.ID, k.Name, k.Hash, k.CreatedAt); err != nil {
			return err
		}
		for _, shop := range k.ShopIDs {
			if _, err := tx.Exec(ctx, `INSERT INTO api_key_shops (key_id, shop_id) VALUES ($1, $2)`, k.ID, shop); err != nil {
				if pgCode(err) == "23503" {
					return fmt.Errorf("shop %s: %w", shop, model.ErrNotFound)
				}
				return err
			}
		}
		return nil
	})
}

// GetAPIKey implements store.Store.
func (s *Store) GetAPIKey(ctx context.Context, id string) (model.APIKey, error) {
	var k model.APIKey
	err := s.pool.QueryRow(ctx, `SELECT k.id, k.name, k.hash, k.created_at, k.revoked_at, k.last_used_at,
			COALESCE(array_agg(g.shop_id ORDER BY g.shop_id) FILTER (WHERE g.shop_id IS NOT NULL), '{}')
		FROM api_keys k LEFT JOIN api_key_shops g ON g.key_id = k.id WHERE k.id = $1 GROUP BY k.id`, id).
		Scan(&k.ID, &k.Name, &k.Hash, &k.CreatedAt, &k.RevokedAt, &k.LastUsedAt, &k.ShopIDs)
	k.CreatedAt = k.CreatedAt.UTC()
	k.RevokedAt, k.LastUsedAt = utcPtr(k.RevokedAt), utcPtr(k.LastUsedAt)
	return k, wrap(err, "get api key "+id)
}

// RevokeAPIKey implements store.Store.
func (s *Store) RevokeAPIKey(ctx context.Context, id string, at time.Time) error {
	tag, err := s.pool.Exec(ctx, `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2`, at, id)
	if err != nil {
		return wrap(err, "revoke api key "+id)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("revoke api key %s: %w", id, model.ErrNotFound)
	}
	return nil
}

// inTx runs fn in a transaction and commits it, retrying the whole transaction when PostgreSQL
// broke a deadlock or a serialisation conflict by aborting it (fn must be safe to re-run).
func (s *Store) inTx(ctx context.Context, what string, fn func(pgx.Tx) error) error {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		err = pgx.BeginFunc(ctx, s.pool, fn)
		if code := pgCode(err); code != "40P01" && code != "40001" {
			break
		}
	}
	return wrap(err, what)
}

// wrap translates driver errors into model sentinels at the boundary and adds context.
func wrap(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("%s: %w", what, model.ErrNotFound)
	case pgCode(err) == "23505":
		return fmt.Errorf("%s: %w", what, model.ErrConflict)
	case unavailable(err):
		return fmt.Errorf("postgres: %s: %w: %w", what, model.ErrUnavailable, err)
	}
	return fmt.Errorf("postgres: %s: %w", what, err)
}

// unavailable reports whether err says that the database cannot serve now, rather than that the
// request was wrong: a connection refused, broken or closed, the pool closed, the server
// shutting down, out of connections, memory or disk, an I/O error, or contention that outlasted
// inTx's retries. The caller's own cancellation or deadline is not an outage.
func unavailable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var (
		ce *pgconn.ConnectError
		ne net.Error
	)
	if errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, puddle.ErrClosedPool) {
		return true
	}
	switch code := pgCode(err); {
	case strings.HasPrefix(code, "08"), // connection exception
		strings.HasPrefix(code, "53"),                     // insufficient resources: connections, memory, disk
		strings.HasPrefix(code, "58"),                     // system error: I/O
		code == "57P01", code == "57P02", code == "57P03", // shutting down, crashed, starting up
		code == "40001", code == "40P01": // serialisation failure, deadlock: after inTx's retries
		return true
	}
	return false
}

func pgCode(err error) string {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func fnv64(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}
