// Package sqlite is the embedded store: modernc.org/sqlite (pure Go) in WAL mode with one writer
// connection, so writes serialise without lock errors while reads run in parallel. Its schema
// lives in migrations/ and is applied with goose.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a store.Store on one SQLite file.
type Store struct {
	w *sql.DB // one connection: SQLite allows one writer, so lastmile queues writes itself
	r *sql.DB // readers, in parallel under WAL

	jobs jobInserter // inserts jobs in store transactions (jobs.go)
}

var _ store.Store = (*Store)(nil)

// Open opens (creating if needed) the database file at path. Call Migrate before use.
func Open(ctx context.Context, path string) (*Store, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("sqlite: create directory %s: %w", dir, err)
		}
	}
	// No mmap: every connection that maps the file unmaps and maps it again at the start of a
	// read whenever the file has grown (a shipping batch spent about 7% of its CPU in munmap),
	// and every page it touches counts in the resident set, which then grows with the database
	// up to mmap_size (a shipping batch whose notify events scanned the job table held 354 MiB
	// of the file at 5,000 orders). Reads go through the page caches, which are bounded.
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)" +
		"&_pragma=cache_size(-65536)"
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + pragmas
	wc, err := newCachingConnector(dsn + "&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w := sql.OpenDB(wc)
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	// Each connection has its own page cache. The writer keeps 64 MiB (the pages it writes
	// again and again); the eight readers keep 16 MiB each, so that SQLite's caches hold at
	// most 192 MiB in all (64 MiB each would allow 576 MiB of copies of the same pages).
	rc, err := newCachingConnector(dsn + "&_pragma=query_only(1)&_pragma=cache_size(-16384)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	r := sql.OpenDB(rc)
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	s := &Store{w: w, r: r}
	if err := w.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return s, nil
}

// Migrate applies every pending migration.
func (s *Store) Migrate(ctx context.Context, log *slog.Logger) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, s.w, sub, goose.WithSlog(log))
	if err != nil {
		return fmt.Errorf("sqlite: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
	}
	return s.migrateRiver(ctx, log)
}

// Ping implements store.Store.
func (s *Store) Ping(ctx context.Context) error { return wrap(s.r.PingContext(ctx), "ping") }

// Close implements store.Store.
func (s *Store) Close() error { return errors.Join(s.r.Close(), s.w.Close()) }

// DB returns the writer handle, for benchmarks that measure the driver alone.
func (s *Store) DB() *sql.DB { return s.w }

// CreateShop implements store.Store.
func (s *Store) CreateShop(ctx context.Context, sh model.Shop) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO shops (id, name, market, time_zone, created_at) VALUES (?, ?, ?, ?, ?)`,
		sh.ID, sh.Name, string(sh.Market), sh.TimeZone, micros(sh.CreatedAt))
	return wrap(err, "create shop "+sh.ID)
}

// GetShop implements store.Store.
func (s *Store) GetShop(ctx context.Context, id string) (model.Shop, error) {
	var sh model.Shop
	var created int64
	err := s.r.QueryRowContext(ctx, `SELECT id, name, market, time_zone, created_at FROM shops WHERE id = ?`, id).
		Scan(&sh.ID, &sh.Name, &sh.Market, &sh.TimeZone, &created)
	sh.CreatedAt = fromMicros(created)
	return sh, wrap(err, "get shop "+id)
}

// CreateAPIKey implements store.Store.
func (s *Store) CreateAPIKey(ctx context.Context, k model.APIKey) error {
	return s.inTx(ctx, "create api key "+k.ID, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO api_keys (id, name, hash, created_at) VALUES (?, ?, ?, ?)`,
			k.ID, k.Name, k.Hash, micros(k.CreatedAt)); err != nil {
			return err
		}
		for _, shop := range k.ShopIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO api_key_shops (key_id, shop_id) VALUES (?, ?)`, k.ID, shop); err != nil {
				if isForeignKey(err) {
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
	var created int64
	var revoked, used sql.NullInt64
	err := s.r.QueryRowContext(ctx, `SELECT id, name, hash, created_at, revoked_at, last_used_at FROM api_keys WHERE id = ?`, id).
		Scan(&k.ID, &k.Name, &k.Hash, &created, &revoked, &used)
	if err != nil {
		return k, wrap(err, "get api key "+id)
	}
	k.CreatedAt, k.RevokedAt, k.LastUsedAt = fromMicros(created), fromNullMicros(revoked), fromNullMicros(used)
	rows, err := s.r.QueryContext(ctx, `SELECT shop_id FROM api_key_shops WHERE key_id = ? ORDER BY shop_id`, id)
	if err != nil {
		return k, wrap(err, "get api key shops "+id)
	}
	defer rows.Close()
	for rows.Next() {
		var shop string
		if err := rows.Scan(&shop); err != nil {
			return k, wrap(err, "get api key shops "+id)
		}
		k.ShopIDs = append(k.ShopIDs, shop)
	}
	return k, wrap(rows.Err(), "get api key shops "+id)
}

// RevokeAPIKey implements store.Store.
func (s *Store) RevokeAPIKey(ctx context.Context, id string, at time.Time) error {
	res, err := s.w.ExecContext(ctx, `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?`, micros(at), id)
	if err != nil {
		return wrap(err, "revoke api key "+id)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("revoke api key %s: %w", id, model.ErrNotFound)
	}
	return nil
}

// inTx runs fn in one write transaction (BEGIN IMMEDIATE) and commits it.
func (s *Store) inTx(ctx context.Context, what string, fn func(*sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return wrap(err, what)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return wrap(err, what)
	}
	return wrap(tx.Commit(), what)
}

// wrap translates driver errors into model sentinels at the boundary and adds context.
func wrap(err error, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%s: %w", what, model.ErrNotFound)
	case isUnique(err):
		return fmt.Errorf("%s: %w", what, model.ErrConflict)
	case unavailable(err):
		return fmt.Errorf("sqlite: %s: %w: %w", what, model.ErrUnavailable, err)
	}
	return fmt.Errorf("sqlite: %s: %w", what, err)
}

// unavailable reports whether err says that the database cannot serve now, rather than that the
// request was wrong: the store is closed (the server is stopping), the file stayed locked past
// busy_timeout, or it cannot be read, written or grown (I/O error, disk full).
func unavailable(err error) bool {
	// database/sql does not export its "database is closed" error.
	if errors.Is(err, sql.ErrConnDone) || strings.Contains(err.Error(), "sql: database is closed") {
		return true
	}
	var e *sqlite3.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code() & 0xff { // the primary result code
	case sqlite3lib.SQLITE_BUSY, sqlite3lib.SQLITE_LOCKED, sqlite3lib.SQLITE_NOMEM, sqlite3lib.SQLITE_IOERR,
		sqlite3lib.SQLITE_FULL, sqlite3lib.SQLITE_CANTOPEN, sqlite3lib.SQLITE_PROTOCOL:
		return true
	}
	return false
}

func isUnique(err error) bool {
	var e *sqlite3.Error
	return errors.As(err, &e) && (e.Code() == sqlite3lib.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3lib.SQLITE_CONSTRAINT_PRIMARYKEY)
}

func isForeignKey(err error) bool {
	var e *sqlite3.Error
	return errors.As(err, &e) && e.Code() == sqlite3lib.SQLITE_CONSTRAINT_FOREIGNKEY
}

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

func nullMicros(t *time.Time) sql.NullInt64 {
	if t == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMicro(), Valid: true}
}

func fromNullMicros(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromMicros(v.Int64)
	return &t
}

// placeholders returns "?, ?, ?" for n parameters.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
