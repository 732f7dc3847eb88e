package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"lastmile/internal/app"
	"lastmile/internal/carrier/sim"
	"lastmile/internal/config"
	"lastmile/internal/inventory"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/store/postgres"
)

// ShipOptions selects what `lastmile bench ship` measures.
type ShipOptions struct {
	// Orders is how many orders the batch ships.
	Orders int
	// Postgres, when set, runs on a fresh schema of that database instead of SQLite.
	Postgres string
	// Latency and FaultRate shape the simulated carrier network (300 ms and 2% by default).
	Latency   time.Duration
	FaultRate float64
	// HangFor is how long a timeout fault holds its call before the network answers 504; zero
	// is the network's default (60 s, so lastmile's own 30 s carrier timeout ends the call).
	HangFor time.Duration
	// CarrierConcurrency is the purchases in flight per carrier (carrier_concurrency); zero is
	// the default.
	CarrierConcurrency int
	// Labels also downloads the batch's labels as one PDF and reports its size, time and RSS.
	Labels bool
	// Dir holds the SQLite files; empty means a temporary directory.
	Dir string
	// CPUProfile, when set, is a file for a CPU profile of the batch (from the POST to done).
	CPUProfile string
	// GoroutineProfile, when set, is a file for the goroutines' stacks, counted by where they
	// wait, taken once half the batch's orders have their outcome.
	GoroutineProfile string
	// MemProfile, when set, is a file for a heap profile taken when the batch's RSS last rose
	// to a new peak (by 5% or more): what the heap held then.
	MemProfile string
}

// ShipResult is what one ship run measured.
type ShipResult struct {
	Orders         int
	Wall           time.Duration
	Shipped        int
	Failed         int
	Lost           int   // orders of the batch with no label at the end
	BoughtTwice    int64 // the carriers' repeat purchases
	Labels         int64 // the carriers' labels sold
	PeakRSS        int64 // bytes, this process (server, carrier network, load), while the batch ran
	PDFBytes       int64
	PDFWall        time.Duration
	PDFPeakRSS     int64 // bytes, while the merged PDF downloaded
	ProcessPeakRSS int64 // bytes, VmHWM at the end
	// CPUPerOrder is this process's CPU time (server, carrier network, load) per order shipped;
	// on PostgreSQL the database server's own is left out. It moves less with a shared
	// machine's load than the wall time.
	CPUPerOrder time.Duration
}

// statusPoll is how often the bench asks for the batch's status. Each GET counts the batch's
// items (about 3 ms of CPU for 10,000 on SQLite); at every 100 ms, as before, the bench's own
// polling was about a sixth of the process's CPU.
const statusPoll = 500 * time.Millisecond

// RunShip prepares Orders confirmed US orders with stock in one warehouse, ships them in one
// POST /v1/shipments:batch on a real lastmile (HTTP on loopback, the job engine, the store)
// against the simulated carrier network over HTTP, and prints the figures to out.
func RunShip(ctx context.Context, opt ShipOptions, out io.Writer) (ShipResult, error) {
	if opt.Dir == "" {
		dir, err := os.MkdirTemp("", "lastmile-bench-ship")
		if err != nil {
			return ShipResult{}, err
		}
		defer os.RemoveAll(dir)
		opt.Dir = dir
	}
	store, db := "sqlite", "sqlite:"+filepath.Join(opt.Dir, "ship.db")
	if opt.Postgres != "" {
		url, drop, err := postgres.NewSchema(ctx, opt.Postgres)
		if err != nil {
			return ShipResult{}, err
		}
		defer drop()
		store, db = "postgres", url
	}
	simOpt := sim.DefaultOptions()
	simOpt.Latency, simOpt.FaultRate, simOpt.HangFor = opt.Latency, opt.FaultRate, opt.HangFor
	net, err := sim.Start(ctx, simOpt)
	if err != nil {
		return ShipResult{}, err
	}
	defer net.Close()

	a, err := app.New(ctx, config.Config{DB: db, Addr: "127.0.0.1:0", CarrierNetwork: net.URL(), CarrierConcurrency: opt.CarrierConcurrency}, true, slog.New(slog.DiscardHandler), time.Now)
	if err != nil {
		return ShipResult{}, err
	}
	srv, err := serveApp(ctx, a)
	if err != nil {
		return ShipResult{}, err
	}
	defer srv.close()
	fmt.Fprintf(out, "# lastmile bench ship: %s, %d CPUs, %s, %d orders, carrier latency %s, faults %.0f%%, %s\n",
		runtime.Version(), runtime.NumCPU(), store, opt.Orders, opt.Latency, opt.FaultRate*100, time.Now().UTC().Format(time.RFC3339))
	ids, err := prepareShip(ctx, a, srv.shopID, opt.Orders)
	if err != nil {
		return ShipResult{}, fmt.Errorf("prepare orders: %w", err)
	}

	res := ShipResult{Orders: opt.Orders}
	hc := client()
	body, err := json.Marshal(map[string]any{"order_ids": ids, "policy": "cheapest"})
	if err != nil {
		return res, err
	}
	stopProfile, err := startCPUProfile(opt.CPUProfile)
	if err != nil {
		return res, err
	}
	defer stopProfile()
	peak := watchRSS()
	peak.heapProfile = opt.MemProfile
	start, cpu0 := time.Now(), cpuTime()
	var b model.Batch
	if err := srv.call(ctx, hc, "POST", "/v1/shipments:batch", body, &b); err != nil {
		peak.stop()
		return res, err
	}
	for b.Status != model.BatchDone {
		select {
		case <-ctx.Done():
			peak.stop()
			return res, ctx.Err()
		case <-time.After(statusPoll):
		}
		if err := srv.call(ctx, hc, "GET", "/v1/batches/"+b.ID, nil, &b); err != nil {
			peak.stop()
			return res, err
		}
		if opt.GoroutineProfile != "" && 2*(b.Total-b.Pending) >= b.Total {
			if err := writeProfile("goroutine", opt.GoroutineProfile); err != nil {
				peak.stop()
				return res, err
			}
			opt.GoroutineProfile = ""
		}
	}
	res.Wall, res.PeakRSS = time.Since(start), peak.stop()
	res.CPUPerOrder = (cpuTime() - cpu0) / time.Duration(opt.Orders)
	stopProfile()
	if peak.err != nil {
		return res, peak.err
	}
	res.Shipped, res.Failed, res.Lost = b.Shipped, b.Failed, b.Total-b.Shipped
	for _, c := range net.Stats().Carriers {
		res.Labels += c.Labels
		res.BoughtTwice += c.RepeatPurchases
	}
	fmt.Fprintf(out, "ship batch, %s: %d orders in %.1f s = %.0f orders/s, %.1f ms CPU/order; %d shipped, %d failed, lost %d, bought twice %d (carriers sold %d labels); peak RSS %.0f MiB\n",
		store, res.Orders, res.Wall.Seconds(), float64(res.Orders)/res.Wall.Seconds(), float64(res.CPUPerOrder)/float64(time.Millisecond),
		res.Shipped, res.Failed, res.Lost, res.BoughtTwice, res.Labels, mib(res.PeakRSS))
	fmt.Fprintf(out, "at the RSS peak: %.0f MiB anonymous (Go heap in use %.0f MiB, Go runtime total %.0f MiB), %.0f MiB file-backed (the program, and the database file where SQLite maps it), %.0f MiB shared\n",
		mib(peak.at.anon), mib(peak.at.heapInUse), mib(peak.at.goTotal), mib(peak.at.file), mib(peak.at.shmem))

	if opt.Labels {
		peak = watchRSS()
		start = time.Now()
		n, err := srv.download(ctx, hc, "/v1/batches/"+b.ID+"/labels?format=pdf")
		res.PDFWall, res.PDFPeakRSS, res.PDFBytes = time.Since(start), peak.stop(), n
		if err != nil {
			return res, fmt.Errorf("labels: %w", err)
		}
		fmt.Fprintf(out, "batch labels as one PDF, %s: %d labels, %.1f MiB in %.1f s; peak RSS during the download %.0f MiB\n",
			store, res.Shipped, float64(n)/(1<<20), res.PDFWall.Seconds(), mib(res.PDFPeakRSS))
	}
	res.ProcessPeakRSS = procStatus("VmHWM")
	fmt.Fprintf(out, "process peak RSS (VmHWM, set-up included), %s: %.0f MiB\n", store, mib(res.ProcessPeakRSS))
	return res, nil
}

// serveApp serves a on a loopback port with one US shop and its key.
func serveApp(ctx context.Context, a *app.App) (*server, error) {
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

// prepareShip makes a stocked warehouse and n confirmed orders of one unit each; it returns
// their ids.
func prepareShip(ctx context.Context, a *app.App, shopID string, n int) ([]string, error) {
	scope := model.Scope{ShopIDs: []string{shopID}}
	addr := model.Address{Name: "LA Fulfilment", Line1: "1 Warehouse Way", City: "Los Angeles", Region: "CA", PostalCode: "90001",
		Country: "US", Phone: "+13105550100"}
	wh, err := a.Inventory.CreateWarehouse(ctx, scope, model.Warehouse{ShopID: shopID, Code: "LAX1", Name: "Los Angeles",
		Type: model.WarehouseOverseas, Address: addr, ShipFrom: addr, ReturnAddress: addr, TimeZone: "America/Los_Angeles"})
	if err != nil {
		return nil, err
	}
	on := int64(n)
	if _, err := a.Inventory.SetStock(ctx, scope, wh.ID, "BENCH-MUG", inventory.Target{OnHand: &on, Reason: "bench"}); err != nil {
		return nil, err
	}
	paid := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)
	ids := make([]string, 0, n)
	for start := 0; start < n; start += 1000 {
		var batch []model.Order
		for i := start; i < n && i < start+1000; i++ {
			batch = append(batch, model.Order{ExternalID: "bench-ship-" + strconv.Itoa(i), Market: "US", Currency: "USD",
				Status: model.StatusAwaitingShipment, CreatedAt: paid, PaidAt: &paid, UpdatedAt: paid,
				Buyer: model.Buyer{Name: "Jane Doe", Phone: "+15125550100"},
				ShippingAddress: model.Address{Name: "Jane Doe", Line1: strconv.Itoa(1+i%900) + " Congress Ave", City: "Austin", Region: "TX",
					PostalCode: "78701", Country: "US", Phone: "+15125550100"},
				Lines: []model.Line{{SKU: "BENCH-MUG", Name: "Ceramic mug", Quantity: 1, UnitPrice: model.Money{Amount: 999, Currency: "USD"},
					WeightG: 300, LengthMM: 100, WidthMM: 100, HeightMM: 100, DeclaredName: "Ceramic mug"}}})
		}
		res, err := a.Orders.Upsert(ctx, scope, batch, order.CauseAPI)
		if err != nil {
			return nil, err
		}
		for _, r := range res {
			if r.Err != nil {
				return nil, r.Err
			}
			ids = append(ids, r.Order.ID)
		}
	}
	work := make(chan string)
	var failed atomic.Pointer[error]
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range work {
				if _, err := a.Orders.Confirm(ctx, scope, id, order.CauseAPI); err != nil {
					failed.CompareAndSwap(nil, &err)
				}
			}
		}()
	}
	for _, id := range ids {
		work <- id
	}
	close(work)
	wg.Wait()
	if p := failed.Load(); p != nil {
		return nil, *p
	}
	return ids, nil
}

// call sends a JSON request with the server's key and decodes a 2xx answer into out.
func (s *server) call(ctx context.Context, hc *http.Client, method, path string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, s.url+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+s.key)
	res, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %s: %s", method, path, res.Status, b)
	}
	return json.Unmarshal(b, out)
}

// download reads a GET's body to the end and returns its size.
func (s *server) download(ctx context.Context, hc *http.Client, path string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", s.url+path, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+s.key)
	res, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		return 0, fmt.Errorf("GET %s: %s: %s", path, res.Status, b)
	}
	return io.Copy(io.Discard, res.Body)
}

// rssWatch samples this process's resident set every 50 ms until stop, which returns the
// largest sample. With heapProfile set (before the first tick), it writes a heap profile to
// that file each time the RSS rises 5% over the last profiled peak.
type rssWatch struct {
	done        chan struct{}
	max         chan int64
	heapProfile string
	err         error     // of writing the heap profile; read after stop
	at          rssSample // where the memory was at the peak; read after stop
}

// rssSample splits the resident set: anonymous memory (Go's heap and runtime, SQLite's page
// caches, which modernc.org/sqlite allocates outside Go's heap), file-backed pages (the
// program's own, and the database file where SQLite maps it) and shared memory.
type rssSample struct {
	anon, file, shmem  int64
	heapInUse, goTotal int64
}

func sampleRSS() rssSample {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return rssSample{anon: procStatus("RssAnon"), file: procStatus("RssFile"), shmem: procStatus("RssShmem"),
		heapInUse: int64(m.HeapInuse), goTotal: int64(m.Sys - m.HeapReleased)}
}

func watchRSS() *rssWatch {
	w := &rssWatch{done: make(chan struct{}), max: make(chan int64, 1)}
	go func() {
		peak := procStatus("VmRSS")
		var profiled, profiledAt int64
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-w.done:
				w.max <- max(peak, procStatus("VmRSS"))
				return
			case <-t.C:
				if rss := procStatus("VmRSS"); rss > peak {
					peak = rss
					if peak >= profiledAt+profiledAt/50 { // ReadMemStats stops the world: not on every sample
						profiledAt, w.at = peak, sampleRSS()
					}
				}
				if w.heapProfile != "" && w.err == nil && peak > profiled+profiled/20 {
					profiled = peak
					w.err = writeHeapProfile(w.heapProfile)
				}
			}
		}
	}()
	return w
}

// writeHeapProfile writes the heap profile (as of the last garbage collection) to path.
func writeHeapProfile(path string) error { return writeProfile("heap", path) }

// writeProfile writes the named runtime profile to path, for go tool pprof.
func writeProfile(name, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("%s profile: %w", name, err)
	}
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("%s profile %s: %w", name, path, err)
	}
	return f.Close()
}

// startCPUProfile profiles the process's CPU into path until the returned stop (safe to call
// twice); an empty path profiles nothing.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile %s: %w", path, err)
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			pprof.StopCPUProfile()
			f.Close()
		})
	}, nil
}

func (w *rssWatch) stop() int64 {
	close(w.done)
	return <-w.max
}

// procStatus reads a "kB" field of /proc/self/status in bytes; 0 where there is none.
func procStatus(field string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }
