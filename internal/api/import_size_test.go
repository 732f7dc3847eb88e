package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"testing"

	"lastmile/internal/config"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// importFile is a CSV import body built to a size: a header, rows of one fixed width, and
// blank lines (which the readers skip) to make up the exact byte count.
type importFile struct {
	header string
	row    func(i int) string // row i (from 1) of the file, all of one length
}

var (
	ordersImport = importFile{header: csvHeader, row: func(i int) string { return csvRow(fmt.Sprintf("sz-%07d", i)) }}
	stockImport  = importFile{header: "warehouse,sku,on_hand,safety_stock,reason\n", row: func(i int) string {
		return fmt.Sprintf("LAX1,SKU-%07d,12,3,cycle count of aisle 7 bay 3 shelf 2 after the November peak: "+
			"two cartons found behind the pallet; recounted by the night shift and checked against the ASN\n", i)
	}}
)

// rows is the file with n rows.
func (f importFile) rows(n int) []byte {
	var b bytes.Buffer
	b.WriteString(f.header)
	for i := 1; i <= n; i++ {
		b.WriteString(f.row(i))
	}
	return b.Bytes()
}

// size is a file of exactly size bytes and the number of rows in it.
func (f importFile) size(size int) ([]byte, int) {
	n := (size - len(f.header)) / len(f.row(1))
	b := f.rows(n)
	return append(b, bytes.Repeat([]byte("\n"), size-len(b))...), n
}

// TestImportSizes: a CSV import over a real loopback HTTP server either completes, every row
// reported and stored and the summary trailer sent, or (over the body limit) is refused whole
// with 413 before anything is stored. The sizes sit on each side of every buffer the body and
// the results pass through: net/http's 4 KiB reader, its 2 KiB response buffer and the 256 KiB
// it reads on behalf of a handler that answers early, the import's 500-row batches, the
// in-memory part of the body spool, and the body limit; with a Content-Length and chunked.
func TestImportSizes(t *testing.T) {
	t.Parallel()
	const (
		limit = 448 << 10 // the body limit of this test: well above 500 rows + 256 KiB, and quick to reach
		spool = 64 << 10  // the in-memory part of a spooled body
	)
	for _, kind := range []struct {
		name string
		file importFile
		path string
	}{
		{"orders", ordersImport, "/v1/orders:import"},
		{"stock", stockImport, "/v1/inventory:import"},
	} {
		t.Run(kind.name, func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, st store.Store) {
				dir := t.TempDir()
				e := newEnvWith(t, st, config.Config{MaxBodyBytes: limit}, func(d *Deps) { d.SpoolMemory, d.SpoolDir = spool, dir })
				f := kind.file
				type tc struct {
					name    string
					body    []byte
					rows    int
					chunked bool
				}
				var cases []tc
				for _, n := range []int{1, 499, 500, 501} {
					cases = append(cases, tc{name: fmt.Sprintf("%d rows", n), body: f.rows(n), rows: n})
				}
				oneBatch := len(f.rows(500))
				for _, size := range []int{4<<10 - 1, 4 << 10, 4<<10 + 1, spool - 1, spool, spool + 1, 130_000, limit} {
					b, n := f.size(size)
					cases = append(cases, tc{name: fmt.Sprintf("%d bytes", size), body: b, rows: n})
				}
				// About 256 KiB still unread when the first results are written: Go's server used to
				// discard up to 256 KiB of it, and, when more was left of a chunked body, the
				// import went on silently from the middle of the file.
				b, n := f.size(oneBatch + 256<<10 + 1)
				cases = append(cases, tc{name: "first batch + 256 KiB + 1", body: b, rows: n})
				b, n = f.size(limit)
				cases = append(cases, tc{name: "limit chunked", body: b, rows: n, chunked: true})
				for _, size := range []int{limit + 1, 2 * limit} {
					b, _ := f.size(size)
					cases = append(cases, tc{name: fmt.Sprintf("%d bytes", size), body: b, rows: -1},
						tc{name: fmt.Sprintf("%d bytes chunked", size), body: b, rows: -1, chunked: true})
				}
				for i, c := range cases {
					sh, key := e.shop(fmt.Sprintf("S%d", i), "US")
					if kind.name == "stock" {
						if r := e.do("POST", "/v1/warehouses", key, warehouseJSON("LAX1")); r.status != http.StatusCreated {
							t.Fatalf("warehouse: %d %s", r.status, r.body)
						}
					}
					res := e.post(t, kind.path, key, c.body, c.chunked)
					stored := e.stored(t, kind.name, sh.ID)
					if left, _ := os.ReadDir(dir); len(left) > 0 {
						t.Errorf("%s: %d spool files left behind", c.name, len(left))
					}
					if c.rows < 0 {
						if res.status != http.StatusRequestEntityTooLarge {
							t.Errorf("%s: %d, want 413: %.300s", c.name, res.status, res.body)
							continue
						}
						if code, _ := res.apiErr(t); code != "body_too_large" || stored != 0 {
							t.Errorf("%s: code %s, %d stored; want body_too_large and nothing stored", c.name, code, stored)
						}
						continue
					}
					if res.err != nil || res.status != http.StatusOK {
						t.Errorf("%s: %d %v: %.300s", c.name, res.status, res.err, res.body)
						continue
					}
					var sum struct{ Rows int }
					if err := json.Unmarshal([]byte(res.trailer.Get("Lastmile-Import-Summary")), &sum); err != nil || sum.Rows != c.rows {
						t.Errorf("%s: summary %q, want %d rows", c.name, res.trailer.Get("Lastmile-Import-Summary"), c.rows)
					}
					recs := csvRecords(t, res.body)
					done := 0
					status := slices.Index(recs[0], "status")
					for _, r := range recs[1:] {
						if st := r[status]; st == "created" || st == "changed" {
							done++
						}
					}
					if len(recs) != c.rows+1 || done != c.rows || stored != c.rows {
						t.Errorf("%s: %d results, %d done, %d stored; want %d", c.name, len(recs)-1, done, stored, c.rows)
					}
				}
			})
		})
	}
}

// sent is a response read to its end, or the error that ended it.
type sent struct {
	response
	err error
}

// post sends body to path, with its length or (chunked) without, and reads the whole response.
func (e *env) post(t *testing.T, path, key string, body []byte, chunked bool) sent {
	t.Helper()
	var rd io.Reader = bytes.NewReader(body)
	if chunked {
		rd = struct{ io.Reader }{rd} // hides the length: the request goes chunked
	}
	req, err := http.NewRequest("POST", e.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if chunked {
		req.ContentLength = -1
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "text/csv")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return sent{err: err}
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return sent{response: response{status: res.StatusCode, header: res.Header, trailer: res.Trailer, body: b}, err: err}
}

// stored counts what the shop holds: its orders, or its stock levels.
func (e *env) stored(t *testing.T, kind, shopID string) int {
	t.Helper()
	ctx := context.Background()
	n := 0
	if kind == "stock" {
		q := store.StockQuery{ShopIDs: []string{shopID}, Limit: store.MaxListLimit}
		for {
			page, err := e.store.ListStock(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			n += len(page)
			if len(page) < q.Limit {
				return n
			}
			last := page[len(page)-1]
			q.After = &store.StockKey{WarehouseID: last.WarehouseID, SKU: last.SKU}
		}
	}
	q := store.OrderQuery{ShopIDs: []string{shopID}, Limit: store.MaxListLimit}
	for {
		page, err := e.store.ListOrders(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		n += len(page)
		if len(page) < q.Limit {
			return n
		}
		last := page[len(page)-1]
		q.After = &store.Cursor{ModifiedAt: last.ModifiedAt, ID: last.ID}
	}
}
