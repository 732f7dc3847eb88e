package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
)

// openCached opens a one-connection database on the statement cache.
func openCached(t *testing.T) *sql.DB {
	t.Helper()
	c, err := newCachingConnector("file:" + filepath.Join(t.TempDir(), "c.db") + "?_pragma=journal_mode(WAL)")
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(c)
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

func cacheOf(t *testing.T, db *sql.DB) map[string]*cachedStmt {
	t.Helper()
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var stmts map[string]*cachedStmt
	if err := conn.Raw(func(dc any) error {
		stmts = dc.(*cachingConn).stmts
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return stmts
}

// A cached statement runs again with new arguments, inside and across transactions, and the
// same text used again while its rows are open (a nested loop) runs uncached with its own.
func TestStmtCacheReuseAndNesting(t *testing.T) {
	ctx := context.Background()
	db := openCached(t)
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	const ins = `INSERT INTO t (id, v) VALUES (?, ?)`
	for i := 1; i <= 3; i++ {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, ins, i, fmt.Sprint("v", i)); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	// A failed run (duplicate key) leaves the statement ready for the next.
	if _, err := db.ExecContext(ctx, ins, 1, "again"); err == nil {
		t.Fatal("duplicate id inserted")
	}
	if _, err := db.ExecContext(ctx, ins, 4, "v4"); err != nil {
		t.Fatalf("insert after a failed run: %v", err)
	}
	const sel = `SELECT id, v FROM t WHERE id >= ? ORDER BY id`
	tx, err := db.BeginTx(ctx, nil) // one connection for the outer and the nested query
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, sel, 1)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var id int
		var v string
		if err := rows.Scan(&id, &v); err != nil {
			t.Fatal(err)
		}
		// The same text while the outer rows are open: its own statement, its own cursor.
		var inner string
		if err := tx.QueryRowContext(ctx, sel, id).Scan(new(int), &inner); err != nil {
			t.Fatalf("nested query of %d: %v", id, err)
		}
		got = append(got, v+"/"+inner)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if want := "[v1/v1 v2/v2 v3/v3 v4/v4]"; fmt.Sprint(got) != want {
		t.Fatalf("rows %v, want %s", got, want)
	}
	// Closed rows free the cached statement: it runs again from the start.
	var n int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM t WHERE id >= ?`, 2).Scan(&n); err != nil || n != 3 {
		t.Fatalf("count %d, %v; want 3", n, err)
	}
	// A statement prepared in a transaction holds the cached one until it is closed; the
	// same text prepared again meanwhile gets its own.
	tx, err = db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	p1, err := tx.PrepareContext(ctx, sel)
	if err != nil {
		t.Fatal(err)
	}
	p2, err := tx.PrepareContext(ctx, sel)
	if err != nil {
		t.Fatal(err)
	}
	r1, err := p1.QueryContext(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	r1.Next()
	var a, b int
	if err := p2.QueryRowContext(ctx, 4).Scan(&b, new(string)); err != nil {
		t.Fatal(err)
	}
	if err := r1.Scan(&a, new(string)); err != nil {
		t.Fatal(err)
	}
	r1.Close()
	if a != 2 || b != 4 {
		t.Fatalf("two prepared statements of one text read %d and %d, want 2 and 4", a, b)
	}
	p1.Close()
	p2.Close()
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	stmts := cacheOf(t, db)
	for _, q := range []string{ins, sel} {
		cs, ok := stmts[q]
		if !ok {
			t.Fatalf("%q not cached", q)
		}
		if cs.busy {
			t.Fatalf("%q still marked busy after its rows closed", q)
		}
	}
}

// A schema change under a cached statement is seen on its next run (SQLite prepares it again),
// and the cache keeps at most stmtCacheSize statements.
func TestStmtCacheSchemaChangeAndBound(t *testing.T) {
	ctx := context.Background()
	db := openCached(t)
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (id INTEGER PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	const sel = `SELECT * FROM t`
	rows, err := db.QueryContext(ctx, sel)
	if err != nil {
		t.Fatal(err)
	}
	cols, _ := rows.Columns()
	rows.Close()
	if len(cols) != 1 {
		t.Fatalf("columns %v", cols)
	}
	if _, err := db.ExecContext(ctx, `ALTER TABLE t ADD COLUMN v TEXT`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO t (id, v) VALUES (1, 'x')`); err != nil {
		t.Fatal(err)
	}
	var id int
	var v string
	if err := db.QueryRowContext(ctx, sel).Scan(&id, &v); err != nil || v != "x" {
		t.Fatalf("after ALTER TABLE: %d %q %v", id, v, err)
	}
	for i := range stmtCacheSize + 50 {
		if err := db.QueryRowContext(ctx, fmt.Sprintf(`SELECT %d`, i)).Scan(&id); err != nil || id != i {
			t.Fatalf("select %d: %d %v", i, id, err)
		}
	}
	if n := len(cacheOf(t, db)); n > stmtCacheSize {
		t.Fatalf("%d statements cached, want at most %d", n, stmtCacheSize)
	}
}
