package sqlite

// A prepared-statement cache per connection. modernc.org/sqlite prepares (parses and plans)
// every statement anew on each Exec and Query, and neither database/sql nor River's SQLite
// driver keep prepared statements across transactions: shipping a batch ran the same few dozen
// statements hundreds of thousands of times, and parsing them was about a fifth of the CPU.
// cachingConn keeps each connection's statements prepared by their text and runs them again
// with new arguments (Exec, Query, and Prepare until the statement is closed) (SQLite resets a statement after each use, so a cached one holds no lock
// between uses). A statement still in use (its rows open) is not shared: a second use of the
// same text meanwhile prepares its own, as before.

import (
	"context"
	"database/sql/driver"
	"errors"
	"reflect"

	sqlite3 "modernc.org/sqlite"
)

// stmtCacheSize bounds the statements one connection keeps. The store and River run a few
// hundred distinct texts; the IN lists of varying length add more, which evict each other.
const stmtCacheSize = 512

// cachingConnector opens modernc.org/sqlite connections that cache their statements.
type cachingConnector struct {
	inner driver.Connector
}

func newCachingConnector(dsn string) (driver.Connector, error) {
	c, err := sqlite3.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	return cachingConnector{inner: c}, nil
}

// Connect implements driver.Connector.
func (c cachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return newCachingConn(conn)
}

// Driver implements driver.Connector.
func (c cachingConnector) Driver() driver.Driver { return c.inner.Driver() }

// sqliteConn is what lastmile uses of a modernc.org/sqlite connection.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// sqliteStmt is what lastmile uses of a modernc.org/sqlite statement.
type sqliteStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

// cachingConn is a connection with its statement cache. database/sql uses a connection from
// one goroutine at a time, so the cache needs no lock.
type cachingConn struct {
	sqliteConn
	stmts map[string]*cachedStmt
}

type cachedStmt struct {
	s    sqliteStmt
	busy bool // rows of it are open
}

func newCachingConn(c driver.Conn) (driver.Conn, error) {
	sc, ok := c.(sqliteConn)
	if !ok {
		c.Close()
		return nil, errors.New("sqlite: the driver's connection lacks a method the store needs")
	}
	return &cachingConn{sqliteConn: sc, stmts: make(map[string]*cachedStmt)}, nil
}

// stmt returns the cached statement of query, preparing it on first use; nil when it is in use
// (the caller runs the query uncached).
func (c *cachingConn) stmt(ctx context.Context, query string) (*cachedStmt, error) {
	if cs, ok := c.stmts[query]; ok {
		if cs.busy {
			return nil, nil
		}
		return cs, nil
	}
	if len(c.stmts) >= stmtCacheSize {
		for q, cs := range c.stmts { // evict any idle one
			if !cs.busy {
				cs.s.Close()
				delete(c.stmts, q)
				break
			}
		}
		if len(c.stmts) >= stmtCacheSize {
			return nil, nil
		}
	}
	ds, err := c.sqliteConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	s, ok := ds.(sqliteStmt)
	if !ok {
		ds.Close()
		return nil, nil
	}
	cs := &cachedStmt{s: s}
	c.stmts[query] = cs
	return cs, nil
}

// ExecContext implements driver.ExecerContext.
func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	cs, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.sqliteConn.ExecContext(ctx, query, args)
	}
	return cs.s.ExecContext(ctx, args)
}

// QueryContext implements driver.QueryerContext.
func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	cs, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.sqliteConn.QueryContext(ctx, query, args)
	}
	r, err := cs.s.QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	cs.busy = true
	return &cachedRows{Rows: r, stmt: cs}, nil
}

// PrepareContext implements driver.ConnPrepareContext: the cached statement, held by the
// caller until it closes it (a transaction's prepared statements, txStmts).
func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	cs, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.sqliteConn.PrepareContext(ctx, query)
	}
	cs.busy = true
	return &heldStmt{sqliteStmt: cs.s, cs: cs}, nil
}

// heldStmt is a cached statement lent to database/sql's Prepare; closing it gives it back.
type heldStmt struct {
	sqliteStmt
	cs *cachedStmt
}

// Close implements driver.Stmt.
func (h *heldStmt) Close() error {
	h.cs.busy = false
	return nil
}

// Close implements driver.Conn: it finalizes the cached statements, then closes.
func (c *cachingConn) Close() error {
	var errs []error
	for q, cs := range c.stmts {
		errs = append(errs, cs.s.Close())
		delete(c.stmts, q)
	}
	return errors.Join(append(errs, c.sqliteConn.Close())...)
}

// cachedRows frees its statement for the next use when closed.
type cachedRows struct {
	driver.Rows
	stmt *cachedStmt
}

// Close implements driver.Rows.
func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	r.stmt.busy = false
	return err
}

// The column type methods are passed on, for database/sql's ColumnTypes.

func (r *cachedRows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (r *cachedRows) ColumnTypeLength(i int) (int64, bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeLength); ok {
		return t.ColumnTypeLength(i)
	}
	return 0, false
}

func (r *cachedRows) ColumnTypeNullable(i int) (bool, bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeNullable); ok {
		return t.ColumnTypeNullable(i)
	}
	return false, false
}

func (r *cachedRows) ColumnTypePrecisionScale(i int) (int64, int64, bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypePrecisionScale); ok {
		return t.ColumnTypePrecisionScale(i)
	}
	return 0, 0, false
}

func (r *cachedRows) ColumnTypeScanType(i int) reflect.Type {
	if t, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return t.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}
