package api

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// TestOutageAnswers503: with the database gone (SQLite closed, PostgreSQL's network cut), every
// kind of request answers 503 unavailable with Retry-After, never a 500 and never a 401 for a
// key that could not be looked up; the log has no "internal" failure.
func TestOutageAnswers503(t *testing.T) {
	t.Parallel()
	storetest.EachOutage(t, func(t *testing.T, st store.Store, cut func()) {
		e := newEnv(t, st, config.Config{})
		sh, key := e.shop("A", "US")
		unused, _, err := e.tenants.CreateKey(context.Background(), "not yet looked up", []string{sh.ID})
		if err != nil {
			t.Fatal(err)
		}
		var o model.Order
		e.do("POST", "/v1/orders", key, orderJSON("o-1", tPaid, model.StatusAwaitingShipment)).decode(t, &o)
		e.do("GET", "/v1/orders/"+o.ID, key, nil) // the key is now in the node's cache
		cut()
		for _, c := range []struct {
			method, path, key string
			body              any
			headers           []string
		}{
			{"POST", "/v1/orders", key, orderJSON("o-2", tPaid, model.StatusAwaitingShipment), nil},
			{"POST", "/v1/orders", key, orderJSON("o-3", tPaid, model.StatusAwaitingShipment), []string{"Idempotency-Key", "k-1"}},
			{"POST", "/v1/orders:batch", key, map[string]any{"orders": []any{orderJSON("o-4", tPaid, model.StatusAwaitingShipment)}}, nil},
			{"GET", "/v1/orders/" + o.ID, key, nil, nil},
			{"GET", "/v1/orders", key, nil, nil},
			{"POST", "/v1/orders/" + o.ID + "/confirm", key, nil, nil},
			{"POST", "/v1/orders:import", key, csvHeader + csvRow("o-5"), nil},
			{"POST", "/v1/inventory:import", key, "warehouse,sku,on_hand\nLAX1,MUG-1,4\n", nil},
			{"GET", "/v1/warehouses", key, nil, nil},
			{"GET", "/v1/orders:export", key, nil, nil},
			{"GET", "/v1/inventory:export", key, nil, nil},
			{"GET", "/v1/orders", unused, nil, nil},
		} {
			r := e.do(c.method, c.path, c.key, c.body, c.headers...)
			if code, _ := r.apiErr(t); r.status != http.StatusServiceUnavailable || code != "unavailable" || r.header.Get("Retry-After") == "" {
				t.Errorf("%s %s: %d Retry-After %q: %s", c.method, c.path, r.status, r.header.Get("Retry-After"), r.body)
			}
		}
		if r := e.do("GET", "/readyz", "", nil); r.status != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" {
			t.Errorf("readyz: %d Retry-After %q", r.status, r.header.Get("Retry-After"))
		}
	})
}

// cutAfter is a real store whose database is taken away (cut) right after the nth call of
// UpsertOrders or ChangeStock (or their …Jobs forms, which the services call) returns: the outage strikes in the middle of a request, after
// some of its transactions committed.
type cutAfter struct {
	store.Store
	n   atomic.Int32
	cut func()
}

func newCutAfter(st store.Store, n int, cut func()) *cutAfter {
	c := &cutAfter{Store: st, cut: cut}
	c.n.Store(int32(n))
	return c
}

func (c *cutAfter) after() {
	if c.n.Add(-1) == 0 {
		c.cut()
	}
}

func (c *cutAfter) UpsertOrders(ctx context.Context, shopID string, orders []model.Order, merge store.MergeFunc) ([]store.UpsertResult, error) {
	defer c.after()
	return c.Store.UpsertOrders(ctx, shopID, orders, merge)
}

func (c *cutAfter) UpsertOrdersJobs(ctx context.Context, shopID string, orders []model.Order, merge store.MergeFunc, jobs store.UpsertJobsFunc) ([]store.UpsertResult, error) {
	defer c.after()
	return c.Store.UpsertOrdersJobs(ctx, shopID, orders, merge, jobs)
}

func (c *cutAfter) ChangeStockJobs(ctx context.Context, shopID string, keys []store.StockKey, fn func(map[store.StockKey]model.Balance) ([]model.Movement, error), jobs store.StockJobsFunc) ([]store.StockLevel, error) {
	defer c.after()
	return c.Store.ChangeStockJobs(ctx, shopID, keys, fn, jobs)
}

func (c *cutAfter) ChangeStock(ctx context.Context, shopID string, keys []store.StockKey, fn func(map[store.StockKey]model.Balance) ([]model.Movement, error)) ([]store.StockLevel, error) {
	defer c.after()
	return c.Store.ChangeStock(ctx, shopID, keys, fn)
}

// TestImportStoppedByOutage: when the database goes away after the first batch of an import
// was stored, the results end with a "stopped" row naming the last row done and the reason,
// and the summary trailer says the same; the connection is not cut.
func TestImportStoppedByOutage(t *testing.T) {
	t.Parallel()
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
			storetest.EachOutage(t, func(t *testing.T, st store.Store, cut func()) {
				cs := newCutAfter(st, 1<<30, cut)
				e := newEnv(t, cs, config.Config{})
				_, key := e.shop("A", "US")
				if kind.name == "stock" {
					e.do("POST", "/v1/warehouses", key, warehouseJSON("LAX1"))
				}
				cs.n.Store(1)
				res := e.post(t, kind.path, key, kind.file.rows(1200), false)
				if res.err != nil || res.status != http.StatusOK {
					t.Fatalf("import: %d %v: %.300s", res.status, res.err, res.body)
				}
				recs := csvRecords(t, res.body)
				last := recs[len(recs)-1]
				status, problems := slices.Index(recs[0], "status"), slices.Index(recs[0], "problems")
				if len(recs) != 1+500+1 || last[0] != "502" || last[status] != "stopped" ||
					!strings.Contains(last[problems], "unavailable: the import stopped after row 501") {
					t.Fatalf("%d results, the last %q; want 500 results and a stopped row 502", len(recs)-1, last)
				}
				var sum struct {
					Rows    int
					Stopped *importStop
				}
				if err := json.Unmarshal([]byte(res.trailer.Get("Lastmile-Import-Summary")), &sum); err != nil ||
					sum.Rows != 500 || sum.Stopped == nil || sum.Stopped.AfterRow != 501 || sum.Stopped.Code != "unavailable" {
					t.Fatalf("summary %q (%v)", res.trailer.Get("Lastmile-Import-Summary"), err)
				}
			})
		})
	}
}

// TestBatchOutageBetweenShops: an operator's batch is stored in one transaction per shop; when
// the database goes away after the first shop's commit, the answer is not a failure of the
// whole batch: the stored items say created, the others carry 503 unavailable.
func TestBatchOutageBetweenShops(t *testing.T) {
	t.Parallel()
	storetest.EachOutage(t, func(t *testing.T, st store.Store, cut func()) {
		cs := newCutAfter(st, 1<<30, cut)
		e := newEnv(t, cs, config.Config{})
		a, _ := e.shop("A", "US")
		b, _ := e.shop("B", "US")
		op, _, err := e.tenants.CreateKey(context.Background(), "operator", []string{a.ID, b.ID})
		if err != nil {
			t.Fatal(err)
		}
		oa, ob := orderJSON("x-1", tPaid, model.StatusAwaitingShipment), orderJSON("x-2", tPaid, model.StatusAwaitingShipment)
		oa["shop_id"], ob["shop_id"] = a.ID, b.ID
		e.do("GET", "/v1/orders", op, nil) // the key is now in the node's cache
		cs.n.Store(1)
		r := e.do("POST", "/v1/orders:batch", op, map[string]any{"orders": []any{oa, ob}}, "Idempotency-Key", "batch-1")
		var out struct{ Results []batchResult }
		if r.status != http.StatusOK {
			t.Fatalf("batch: %d %s", r.status, r.body)
		}
		r.decode(t, &out)
		if len(out.Results) != 2 || out.Results[0].Outcome != model.OutcomeCreated || out.Results[1].Error == nil || out.Results[1].Error.Code != "unavailable" {
			t.Fatalf("results: %s", r.body)
		}
	})
}

// TestWriteAnsweredDespiteOutageAfterCommit: the database goes away right after an order is
// committed; storing the Idempotency-Key record then fails, but the client is told what
// happened to its order (201), not that it failed.
func TestWriteAnsweredDespiteOutageAfterCommit(t *testing.T) {
	t.Parallel()
	storetest.EachOutage(t, func(t *testing.T, st store.Store, cut func()) {
		cs := newCutAfter(st, 1<<30, cut)
		e := newEnv(t, cs, config.Config{})
		_, key := e.shop("A", "US")
		e.do("GET", "/v1/orders", key, nil)
		cs.n.Store(1)
		if r := e.do("POST", "/v1/orders", key, orderJSON("c-1", tPaid, model.StatusAwaitingShipment), "Idempotency-Key", "c-1"); r.status != http.StatusCreated {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
}

// logRecorder keeps every log record's level and message.
type logRecorder struct {
	mu   sync.Mutex
	recs []string
}

func (l *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (l *logRecorder) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	l.recs = append(l.recs, r.Level.String()+" "+r.Message)
	l.mu.Unlock()
	return nil
}
func (l *logRecorder) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logRecorder) WithGroup(string) slog.Handler      { return l }

func (l *logRecorder) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.recs...)
}

// TestClientGoneIsNotAnError: a client that hangs up in the middle of an import is logged at
// INFO with its own message, never at ERROR, and counted as 499 in the metrics; the import's
// Idempotency-Key is freed, so that a retry runs the import again rather than replay its
// unfinished results.
func TestClientGoneIsNotAnError(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e0 *env) {
		logs := &logRecorder{}
		e := newEnvWith(t, e0.store, config.Config{}, func(d *Deps) { d.Log = slog.New(logs) })
		_, key := e.shop("A", "US")
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, "POST", e.url+"/v1/orders:import", bytes.NewReader(ordersImport.rows(20_000)))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Idempotency-Key", "gone-1")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := res.Body.Read(make([]byte, 1)); err != nil { // the first results have come
			t.Fatal(err)
		}
		cancel()
		res.Body.Close()
		want := `lastmile_http_requests_total{code="499",route="POST /v1/orders:import"} 1`
		// The handler may still be finding out that its client has gone: wait for it (a
		// generous bound against a hang, not a timing assertion).
		for i := 0; !strings.Contains(string(e.do("GET", "/metrics", "", nil).body), want); i++ {
			if i == 3000 {
				t.Fatalf("/metrics never showed %s", want)
			}
			time.Sleep(10 * time.Millisecond)
		}
		var gone bool
		for _, rec := range logs.all() {
			if strings.HasPrefix(rec, "ERROR") {
				t.Errorf("logged at ERROR: %s", rec)
			}
			gone = gone || rec == "INFO client went away before the response was complete"
		}
		if !gone {
			t.Errorf("no INFO record of the client going away: %q", logs.all())
		}
		sc, err := e.tenants.Authenticate(context.Background(), key)
		if err != nil {
			t.Fatal(err)
		}
		now := e.clock.now()
		rec, err := e.store.ClaimIdempotencyKey(context.Background(), store.IdempotencyClaim{KeyID: sc.KeyID, Key: "gone-1",
			RequestHash: "probe", Now: now, LeaseUntil: now.Add(time.Minute), ExpiredBefore: now.Add(-time.Hour)})
		if err != nil || rec != nil {
			t.Errorf("the key of the abandoned import: %+v %v; want it free", rec, err)
		}
	})
}
