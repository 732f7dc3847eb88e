package tracker_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/ident"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
	"lastmile/internal/tracker"
	"lastmile/internal/tracking"
)

// benchFix is a shop with n labelled orders, for the benchmarks.
type benchFix struct {
	s       store.Store
	svc     *tracker.Service
	shop    string
	orders  []string
	numbers []string
	now     time.Time
}

func newBenchFix(b *testing.B, s store.Store, n int) *benchFix {
	b.Helper()
	ctx := context.Background()
	f := &benchFix{s: s, now: t0.Add(time.Hour)}
	shop := model.Shop{ID: ident.New("shop", t0), Name: "bench", Market: "US", TimeZone: "UTC", CreatedAt: t0}
	if err := s.CreateShop(ctx, shop); err != nil {
		b.Fatal(err)
	}
	f.shop = shop.ID
	codes, err := tracking.DefaultCodes()
	if err != nil {
		b.Fatal(err)
	}
	f.svc = tracker.New(s, codes, config.DefaultMarkets(), func() time.Time { return f.now }, slog.New(slog.DiscardHandler))
	merge := func(existing *model.Order, in model.Order) (model.Order, model.WriteOutcome, error) {
		return order.Merge(existing, in, t0, "bench")
	}
	paid := t0
	const chunk = 1000
	for start := 0; start < n; start += chunk {
		batch := make([]model.Order, 0, chunk)
		for i := start; i < min(start+chunk, n); i++ {
			batch = append(batch, model.Order{ID: ident.New("ord", t0), ShopID: shop.ID, ExternalID: fmt.Sprintf("b-%d", i), Market: "US",
				Currency: "USD", Status: model.StatusAwaitingShipment, CreatedAt: t0, PaidAt: &paid, UpdatedAt: t0,
				Buyer: model.Buyer{Name: "B"}, ShippingAddress: model.Address{Name: "B", Line1: "1 Main St", City: "Reno", Region: "NV", PostalCode: "89501", Country: "US"},
				Lines: []model.Line{{SKU: "S", Name: "S", Quantity: 1, UnitPrice: model.Money{Amount: 100, Currency: "USD"}, WeightG: 10, DeclaredName: "S"}}})
		}
		res, err := s.UpsertOrders(ctx, shop.ID, batch, merge)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range res {
			f.orders = append(f.orders, r.Order.ID)
		}
	}
	bought := t0.Add(time.Hour)
	for i, id := range f.orders {
		number := fmt.Sprintf("9400%018d", i)
		p := model.Package{ID: ident.New("pkg", t0), ShopID: shop.ID, OrderID: id, WarehouseID: "wh", Lines: []model.PackageLine{{SKU: "S", Quantity: 1}},
			WeightG: 10, Mode: model.ModeSeller, CreatedAt: bought}
		sh := model.Shipment{ID: ident.New("shp", t0), ShopID: shop.ID, OrderID: id, PackageID: p.ID, Status: model.ShipmentLabelPurchased,
			Mode: model.ModeSeller, Carrier: "usps", Service: "ground", TrackingNumber: number, LabelFormat: "pdf", CreatedAt: bought,
			PurchasedAt: &bought, UpdatedAt: bought}
		if _, err := s.ChangeShipping(ctx, []string{shop.ID}, id, func(store.ShippingState) (store.ShippingChange, error) {
			return store.ShippingChange{NewPackages: []model.Package{p}, Shipments: []model.Shipment{sh}}, nil
		}); err != nil {
			b.Fatal(err)
		}
		f.numbers = append(f.numbers, number)
	}
	return f
}

// benchIngest measures the batch ingest: batches of 10,000 new events (10 for each of 1,000
// parcels), each batch one transaction that also folds the parcels' tracking, moves the orders
// and computes their clocks, as POST /v1/tracking-events:batch does after decoding.
func benchIngest(b *testing.B, s store.Store) {
	const parcels, perParcel = 1000, 10
	f := newBenchFix(b, s, parcels)
	codes := []string{"L1", "10"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		events := make([]tracking.Event, 0, parcels*perParcel)
		for k := 0; k < perParcel; k++ {
			at := t0.Add(2*time.Hour + time.Duration(i*perParcel+k)*time.Minute)
			for _, n := range f.numbers {
				events = append(events, tracking.Event{TrackingNumber: n, Carrier: "usps", RawCode: codes[k%2], OccurredAt: at, Description: "scan"})
			}
		}
		f.now = t0.Add(3*time.Hour + time.Duration(i*perParcel+perParcel)*time.Minute)
		b.StartTimer()
		if _, err := f.svc.Ingest(context.Background(), []string{f.shop}, events); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*parcels*perParcel)/b.Elapsed().Seconds(), "events/s")
}

func BenchmarkIngestSQLite(b *testing.B)   { benchIngest(b, storetest.OpenSQLite(b)) }
func BenchmarkIngestPostgres(b *testing.B) { benchIngest(b, storetest.OpenPostgres(b)) }

// benchSweep measures a sweep of the due-time index with due of the open orders due: every open
// order has its clocks stored, only due of them have a check due now. The sweep computes the
// due orders' clocks again; the others are never read.
func benchSweep(b *testing.B, s store.Store, open, due int) {
	ctx := context.Background()
	f := newBenchFix(b, s, open)
	f.now = t0.Add(2 * time.Hour)
	for _, id := range f.orders {
		if err := f.svc.Refresh(ctx, []string{f.shop}, id); err != nil {
			b.Fatal(err)
		}
	}
	// The first-scan clock (R-TRK-1) of every parcel is at risk from +4h (75% of 4 h after the
	// +1h label); make only `due` orders due by moving their clocks' next check to now.
	makeDue := func() {
		for _, id := range f.orders[:due] {
			if err := s.ChangeClocks(ctx, []string{f.shop}, id, func(st store.ClockState) (store.ClockChange, error) {
				ds := st.Deadlines
				for i := range ds {
					ds[i].NextCheckAt = f.now.Add(-time.Second)
				}
				return store.ClockChange{Deadlines: ds, ReplaceDeadlines: true}, nil
			}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		makeDue()
		b.StartTimer()
		n, err := f.svc.SweepDue(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if n != due {
			b.Fatalf("swept %d orders, want %d", n, due)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*due), "µs/due-order")
}

func BenchmarkSweepSQLite(b *testing.B) {
	for _, due := range []int{10, 1000} {
		b.Run(fmt.Sprintf("open=5000/due=%d", due), func(b *testing.B) { benchSweep(b, storetest.OpenSQLite(b), 5000, due) })
	}
}

func BenchmarkSweepPostgres(b *testing.B) {
	for _, due := range []int{10, 1000} {
		b.Run(fmt.Sprintf("open=5000/due=%d", due), func(b *testing.B) { benchSweep(b, storetest.OpenPostgres(b), 5000, due) })
	}
}

// BenchmarkDueIndexSQLite measures the index read alone: 10 or 1,000 due orders among 2,000
// with clocks (1,000 of them due).
func BenchmarkDueIndexSQLite(b *testing.B) {
	ctx := context.Background()
	s := storetest.OpenSQLite(b)
	f := newBenchFix(b, s, 2000)
	for k, id := range f.orders {
		next := t0.Add(1000 * time.Hour)
		if k < 1000 {
			next = t0
		}
		row := store.DeadlineRow{Key: "R-SHIP-1/order/" + id, Rule: "R-SHIP-1", Name: "ship", Subject: "order", SubjectID: id,
			StartAt: t0, DueAt: t0.Add(72 * time.Hour), AtRiskAt: t0.Add(54 * time.Hour), Source: "default", State: "pending", NextCheckAt: next}
		if err := s.ChangeClocks(ctx, []string{f.shop}, id, func(store.ClockState) (store.ClockChange, error) {
			return store.ClockChange{Deadlines: []store.DeadlineRow{row}, ReplaceDeadlines: true}, nil
		}); err != nil {
			b.Fatal(err)
		}
	}
	for _, due := range []int{10, 1000} {
		b.Run(fmt.Sprintf("due=%d", due), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				refs, err := s.DueOrders(ctx, t0.Add(time.Second), due)
				if err != nil || len(refs) != due {
					b.Fatalf("%d %v", len(refs), err)
				}
			}
		})
	}
}
