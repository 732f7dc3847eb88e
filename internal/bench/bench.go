// Package bench is `lastmile bench`: end-to-end performance figures measured the way a user
// meets them (HTTP on loopback into a real store) beside the same work done by the database
// driver alone, so every figure has a ceiling to compare with. It prints one line per figure.
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"lastmile/internal/app"
	"lastmile/internal/config"
	"lastmile/internal/demo"
	"lastmile/internal/model"
	"lastmile/internal/store/postgres"
)

// Options selects what to measure.
type Options struct {
	// Orders is how many orders each ingest figure sends, in batches of BatchSize.
	Orders    int
	BatchSize int
	// Postgres, when set, is a database URL; the PostgreSQL figures run in a fresh schema there.
	Postgres string
	// GetRate and GetDuration shape the GET latency figure: requests per second, for how long.
	GetRate     int
	GetDuration time.Duration
	// Dir holds the SQLite files; empty means a temporary directory.
	Dir string
	// CPUProfile, when set, is a file for a CPU profile of the SQLite API ingest (the whole
	// process: server, client and SQLite).
	CPUProfile string
}

// Run measures and prints each figure to out.
func Run(ctx context.Context, opt Options, out io.Writer) error {
	if opt.Dir == "" {
		dir, err := os.MkdirTemp("", "lastmile-bench")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		opt.Dir = dir
	}
	fmt.Fprintf(out, "# lastmile bench: %s, %d CPUs, GOMAXPROCS %d, %s\n", runtime.Version(), runtime.NumCPU(), runtime.GOMAXPROCS(0), time.Now().UTC().Format(time.RFC3339))
	bodies, orders := makeBatches(opt.Orders, opt.BatchSize)

	dbs := []struct{ name, url string }{{"sqlite", "sqlite:" + filepath.Join(opt.Dir, "api.db")}}
	if opt.Postgres != "" {
		url, drop, err := postgres.NewSchema(ctx, opt.Postgres)
		if err != nil {
			return err
		}
		defer drop()
		dbs = append(dbs, struct{ name, url string }{"postgres", url})
	}
	for _, db := range dbs {
		profile := ""
		if db.name == "sqlite" {
			profile = opt.CPUProfile
		}
		api, err := ingestAPI(ctx, db.url, bodies, len(orders), profile)
		if err != nil {
			return fmt.Errorf("%s ingest: %w", db.name, err)
		}
		fmt.Fprintf(out, "ingest_api_%s\t%.0f orders/s\t%.1f µs CPU/order\t(%d orders in batches of %d through POST /v1/orders:batch)\n",
			db.name, api.rate, api.cpuPerOrder, len(orders), opt.BatchSize)

		rawURL := "sqlite:" + filepath.Join(opt.Dir, "raw.db")
		if db.name == "postgres" {
			u, drop, err := postgres.NewSchema(ctx, opt.Postgres)
			if err != nil {
				return err
			}
			defer drop()
			rawURL = u
		}
		raw, err := rawInsert(ctx, rawURL, orders, opt.BatchSize)
		if err != nil {
			return fmt.Errorf("%s raw insert: %w", db.name, err)
		}
		fmt.Fprintf(out, "raw_insert_%s\t%.0f orders/s\t%.1f µs CPU/order\t(the same rows through the driver alone; API/raw = %.0f%%, in CPU %.0f%%)\n",
			db.name, raw.rate, raw.cpuPerOrder, 100*api.rate/raw.rate, 100*raw.cpuPerOrder/api.cpuPerOrder)

		lat, err := getLatency(ctx, db.url, opt.GetRate, opt.GetDuration)
		if err != nil {
			return fmt.Errorf("%s get latency: %w", db.name, err)
		}
		fmt.Fprintf(out, "get_order_%s\tp50 %.2f ms\tp99 %.2f ms\tmax %.2f ms\t(%d GET /v1/orders/{id} at %d/s open-loop, %d errors)\n",
			db.name, ms(lat.p50), ms(lat.p99), ms(lat.max), lat.n, opt.GetRate, lat.errors)
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// makeBatches makes n distinct realistic orders across the demo markets, as JSON batch bodies
// (built before the clock starts) and as orders.
func makeBatches(n, size int) (bodies [][]byte, orders []model.Order) {
	g := demo.NewGenerator(1)
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC) // Black Friday
	orders = make([]model.Order, n)
	for i := range orders {
		o := g.Order("US", now)
		o.ExternalID = fmt.Sprintf("57%016d", i)
		orders[i] = o
	}
	for i := 0; i < n; i += size {
		b, _ := json.Marshal(map[string]any{"orders": orders[i:min(i+size, n)]})
		bodies = append(bodies, b)
	}
	return bodies, orders
}

// server runs the real app on a loopback port over db, with one shop and its key.
type server struct {
	app    *app.App
	url    string
	key    string
	stop   context.CancelFunc
	done   chan error
	shopID string
}

func startServer(ctx context.Context, db string) (*server, error) {
	log := slog.New(slog.DiscardHandler)
	a, err := app.New(ctx, config.Config{DB: db, Addr: "127.0.0.1:0"}, true, log, time.Now)
	if err != nil {
		return nil, err
	}
	shop, err := a.Tenants.CreateShop(ctx, "Bench Shop", "US", "")
	if err != nil {
		a.Close()
		return nil, err
	}
	key, _, err := a.Tenants.CreateKey(ctx, "bench", []string{shop.ID})
	if err != nil {
		a.Close()
		return nil, err
	}
	sctx, stop := context.WithCancel(ctx)
	s := &server{app: a, key: key, stop: stop, done: make(chan error, 1), shopID: shop.ID}
	ready := make(chan string, 1)
	go func() { s.done <- a.Serve(sctx, func(addr string) { ready <- addr }) }()
	select {
	case addr := <-ready:
		s.url = "http://" + addr
	case err := <-s.done:
		a.Close()
		return nil, err
	}
	return s, nil
}

func (s *server) close() {
	s.stop()
	<-s.done
	s.app.Close()
}

func client() *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 64,
	}}
}

// throughput is an ingest figure: orders per second of wall time, and the CPU time this process
// spent per order. On a shared machine the second moves less with the load than the first; for
// PostgreSQL it leaves out the database server's own CPU.
type throughput struct {
	rate        float64
	cpuPerOrder float64 // µs
}

func measured(n int, start time.Time, cpu0 time.Duration) throughput {
	return throughput{rate: float64(n) / time.Since(start).Seconds(),
		cpuPerOrder: float64(cpuTime()-cpu0) / float64(time.Microsecond) / float64(n)}
}

// ingestAPI posts every batch body and returns the throughput.
func ingestAPI(ctx context.Context, db string, bodies [][]byte, n int, cpuProfile string) (throughput, error) {
	s, err := startServer(ctx, db)
	if err != nil {
		return throughput{}, err
	}
	defer s.close()
	c := client()
	stopProfile, err := startCPUProfile(cpuProfile)
	if err != nil {
		return throughput{}, err
	}
	defer stopProfile()
	start, cpu0 := time.Now(), cpuTime()
	for _, b := range bodies {
		req, _ := http.NewRequestWithContext(ctx, "POST", s.url+"/v1/orders:batch", bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+s.key)
		res, err := c.Do(req)
		if err != nil {
			return throughput{}, err
		}
		var out struct {
			Results []struct {
				Error *struct{ Message string }
			}
		}
		err = json.NewDecoder(res.Body).Decode(&out)
		res.Body.Close()
		if err != nil || res.StatusCode != 200 {
			return throughput{}, fmt.Errorf("batch: status %d: %v", res.StatusCode, err)
		}
		for _, r := range out.Results {
			if r.Error != nil {
				return throughput{}, fmt.Errorf("order refused: %s", r.Error.Message)
			}
		}
	}
	return measured(n, start, cpu0), nil
}

type latency struct {
	p50, p99, max time.Duration
	n, errors     int
}

// getLatency fetches stored orders at a fixed rate (open loop: each request's latency counts from
// when it was due, so a stall is not hidden by the client waiting) and reports percentiles.
func getLatency(ctx context.Context, db string, rate int, d time.Duration) (latency, error) {
	s, err := startServer(ctx, db)
	if err != nil {
		return latency{}, err
	}
	defer s.close()
	_, orders := makeBatches(2000, 1000)
	res, err := s.app.Orders.Upsert(ctx, model.Scope{ShopIDs: []string{s.shopID}}, orders, "bench")
	if err != nil {
		return latency{}, err
	}
	ids := make([]string, len(res))
	for i, r := range res {
		ids[i] = r.Order.ID
	}
	c := client()
	n := int(d.Seconds() * float64(rate))
	lat := make([]time.Duration, n)
	errs := make([]bool, n)
	interval := time.Second / time.Duration(rate)
	start := time.Now()
	done := make(chan struct{}, 256)
	inflight := 0
	for i := range n {
		due := start.Add(time.Duration(i) * interval)
		if wait := time.Until(due); wait > 0 {
			time.Sleep(wait)
		}
		inflight++
		go func() {
			defer func() { done <- struct{}{} }()
			req, _ := http.NewRequestWithContext(ctx, "GET", s.url+"/v1/orders/"+ids[i%len(ids)], nil)
			req.Header.Set("Authorization", "Bearer "+s.key)
			r, err := c.Do(req)
			if err == nil {
				_, err = io.Copy(io.Discard, r.Body)
				r.Body.Close()
				if r.StatusCode != 200 {
					err = fmt.Errorf("status %d", r.StatusCode)
				}
			}
			lat[i] = time.Since(due)
			errs[i] = err != nil
		}()
		for drained := false; !drained; {
			select {
			case <-done:
				inflight--
			default:
				drained = true
			}
		}
	}
	for ; inflight > 0; inflight-- {
		<-done
	}
	out := latency{n: n}
	for _, e := range errs {
		if e {
			out.errors++
		}
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[int(math.Ceil(p*float64(n)))-1] }
	out.p50, out.p99, out.max = pct(0.50), pct(0.99), lat[n-1]
	return out, nil
}
