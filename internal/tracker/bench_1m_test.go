package tracker_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/ident"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/store"
	"lastmile/internal/store/postgres"
	"lastmile/internal/store/sqlite"
	"lastmile/internal/store/storetest"
	"lastmile/internal/tracker"
	"lastmile/internal/tracking"
)

// The 1M benchmarks seed a million open orders, which takes minutes: they run only when
// LASTMILE_BENCH_1M=1. The SQLite store is kept in LASTMILE_BENCH_1M_DIR (default: the
// temporary directory's lastmile-bench-1m) and reused by the next run, so that `lastmile serve`
// can be measured on it too (docs/benchmarks.md).
const (
	shops1M    = 10
	seededMark = "bench.1m.seeded"
	// sweepMark is the sweep's mark among changed orders (tracker's markChanged): set after
	// the seed, which computed every clock, as a sweep that has caught up leaves it.
	sweepMark = "tracking.sweep.changed"
)

// open1M is how many open orders the benchmarks seed: 1,000,000, or LASTMILE_BENCH_1M_OPEN
// (a multiple of 1,000) for a trial run.
func open1M(b *testing.B) int {
	if os.Getenv("LASTMILE_BENCH_1M") != "1" {
		b.Skip("set LASTMILE_BENCH_1M=1 to seed 1,000,000 open orders and run this benchmark")
	}
	n, err := strconv.Atoi(os.Getenv("LASTMILE_BENCH_1M_OPEN"))
	if err != nil || n < 1000 {
		return 1_000_000
	}
	return n / 1000 * 1000
}

// seed1M gives s a million open (paid, awaiting shipment) orders over ten shops, each with its
// clocks computed at base+2h and stored in the due-time index (print R-ORD-5, ship R-SHIP-1 …:
// none due before base+36h). It returns base; a store seeded already is reused.
func seed1M(b *testing.B, s store.Store, open int) time.Time {
	ctx := context.Background()
	if m, err := s.GetMark(ctx, seededMark); err != nil {
		b.Fatal(err)
	} else if m.ID == strconv.Itoa(open) {
		return m.ModifiedAt
	}
	base := time.Now().UTC().Truncate(time.Hour)
	now := base.Add(2 * time.Hour)
	codes, err := tracking.DefaultCodes()
	if err != nil {
		b.Fatal(err)
	}
	svc := tracker.New(s, codes, config.DefaultMarkets(), func() time.Time { return now }, slog.New(slog.DiscardHandler))
	shops := make([]string, shops1M)
	for i := range shops {
		shop := model.Shop{ID: ident.New("shop", base), Name: fmt.Sprintf("bench %d", i), Market: "US", TimeZone: "UTC", CreatedAt: base}
		if err := s.CreateShop(ctx, shop); err != nil {
			b.Fatal(err)
		}
		shops[i] = shop.ID
	}
	merge := func(existing *model.Order, in model.Order) (model.Order, model.WriteOutcome, error) {
		return order.Merge(existing, in, base, "bench")
	}
	start := time.Now()
	const chunk = 1000
	for k := 0; k < open/chunk; k++ {
		shop := shops[k%shops1M]
		batch := make([]model.Order, 0, chunk)
		for i := k * chunk; i < (k+1)*chunk; i++ {
			created := base.Add(-time.Duration(i%3600) * time.Second)
			batch = append(batch, model.Order{ID: ident.New("ord", created), ShopID: shop, ExternalID: fmt.Sprintf("m-%d", i), Market: "US",
				Currency: "USD", Status: model.StatusAwaitingShipment, CreatedAt: created, PaidAt: &created, UpdatedAt: created,
				Buyer: model.Buyer{Name: "B"}, ShippingAddress: model.Address{Name: "B", Line1: "1 Main St", City: "Reno", Region: "NV", PostalCode: "89501", Country: "US"},
				Lines: []model.Line{{SKU: "S", Name: "S", Quantity: 1, UnitPrice: model.Money{Amount: 100, Currency: "USD"}, WeightG: 10, DeclaredName: "S"}}})
		}
		res, err := s.UpsertOrders(ctx, shop, batch, merge)
		if err != nil {
			b.Fatal(err)
		}
		refs := make([]store.OrderRef, len(res))
		for i, r := range res {
			refs[i] = store.OrderRef{ID: r.Order.ID, ShopID: shop}
		}
		if err := svc.RefreshBatch(ctx, refs); err != nil {
			b.Fatal(err)
		}
		if (k+1)%100 == 0 {
			b.Logf("seeded %d orders in %s", (k+1)*chunk, time.Since(start).Round(time.Second))
		}
	}
	// The seed computed every clock: the sweep starts caught up.
	mark := store.Cursor{}
	for {
		refs, err := s.ChangedOrders(ctx, mark, store.MaxQueryRows)
		if err != nil {
			b.Fatal(err)
		}
		if len(refs) == 0 {
			break
		}
		last := refs[len(refs)-1]
		mark = store.Cursor{ModifiedAt: last.ModifiedAt, ID: last.ID}
	}
	if err := s.PutMark(ctx, sweepMark, mark); err != nil {
		b.Fatal(err)
	}
	if n, err := s.CountDue(ctx, now); err != nil || n != 0 {
		b.Fatalf("after the seed %d deadlines are due (want 0): %v", n, err)
	}
	if err := s.PutMark(ctx, seededMark, store.Cursor{ModifiedAt: base, ID: strconv.Itoa(open)}); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d open orders in %s", open, time.Since(start).Round(time.Second))
	return base
}

// bench1M measures a sweep with 10 and with 1,000 due orders among a million open ones: only
// the due orders have a next check at or before now (moved there outside the timer); the
// sweep reads the due-time index and computes those orders' clocks again.
func bench1M(b *testing.B, s store.Store, open int) {
	ctx := context.Background()
	base := seed1M(b, s, open)
	now := base.Add(2 * time.Hour)
	codes, err := tracking.DefaultCodes()
	if err != nil {
		b.Fatal(err)
	}
	svc := tracker.New(s, codes, config.DefaultMarkets(), func() time.Time { return now }, slog.New(slog.DiscardHandler))
	for _, due := range []int{10, 1000} {
		b.Run(fmt.Sprintf("open=%d/due=%d", open, due), func(b *testing.B) {
			refs, err := s.ChangedOrders(ctx, store.Cursor{}, due)
			if err != nil || len(refs) != due {
				b.Fatalf("%d orders: %v", len(refs), err)
			}
			makeDue := func() {
				if err := s.ChangeClocksBatch(ctx, refs, func(st store.ClockState) (store.ClockChange, error) {
					ds := st.Deadlines
					for i := range ds {
						if !ds[i].NextCheckAt.IsZero() {
							ds[i].NextCheckAt = now.Add(-time.Second)
						}
					}
					return store.ClockChange{Deadlines: ds, ReplaceDeadlines: true}, nil
				}); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				makeDue()
				b.StartTimer()
				n, err := svc.SweepDue(ctx)
				if err != nil {
					b.Fatal(err)
				}
				if n != due {
					b.Fatalf("swept %d orders, want %d", n, due)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*due), "µs/due-order")
			rss, hwm := procMemory(b)
			b.ReportMetric(rss, "MB-RSS")
			b.ReportMetric(hwm, "MB-HWM")
		})
	}
}

// procMemory reads this process's resident set and its high-water mark, in MB.
func procMemory(b *testing.B) (rss, hwm float64) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Logf("no /proc/self/status: %v", err)
		return 0, 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "VmRSS:":
			rss = kb / 1024
		case "VmHWM:":
			hwm = kb / 1024
		}
	}
	return rss, hwm
}

func BenchmarkSweep1MSQLite(b *testing.B) {
	open := open1M(b)
	dir := os.Getenv("LASTMILE_BENCH_1M_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "lastmile-bench-1m")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(dir, fmt.Sprintf("lastmile-%d.db", open)))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil {
		b.Fatal(err)
	}
	bench1M(b, s, open)
}

// BenchmarkSweep1MPostgres runs in a fresh schema of LASTMILE_TEST_POSTGRES, or, when
// LASTMILE_BENCH_1M_POSTGRES names a database URL (its search_path a schema kept for it), in
// that one: seeded once and reused, so that the seeded tables can be examined (EXPLAIN) and
// measured again without the minutes of the seed.
func BenchmarkSweep1MPostgres(b *testing.B) {
	open := open1M(b)
	u := os.Getenv("LASTMILE_BENCH_1M_POSTGRES")
	if u == "" {
		bench1M(b, storetest.OpenPostgres(b), open)
		return
	}
	ctx := context.Background()
	s, err := postgres.Open(ctx, u)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx, slog.New(slog.DiscardHandler)); err != nil {
		b.Fatal(err)
	}
	bench1M(b, s, open)
}
