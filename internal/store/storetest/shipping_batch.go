package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"testing"

	"lastmile/internal/ident"
	"lastmile/internal/model"
	"lastmile/internal/store"
)

// listItems returns every item of a batch, in Seq order.
func listItems(t *testing.T, s store.Store, batchID string) []model.BatchItem {
	t.Helper()
	items, err := s.ListBatchItems(context.Background(), batchID, -1, 0)
	if err != nil {
		t.Fatal(err)
	}
	return items
}

// syntheticIDs returns n order ids; the orders need not exist for what the test does.
func syntheticIDs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("ord_%06d", i)
	}
	return out
}

func testBatches(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newShipFix(t, s)
	scope := []string{f.a.ID}
	o2, o3 := f.order(t, f.a, "ship-2"), f.order(t, f.a, "ship-3")
	// A missing order, and one order twice: the request is kept as it came.
	orderIDs := []string{f.o.ID, o2.ID, "ord_missing", o3.ID, f.o.ID}
	b := model.Batch{ID: "bat_1", ShopID: f.a.ID, Kind: "ship", Options: json.RawMessage(`{"policy": "cheapest", "carrier": "usps"}`), CreatedAt: at(1)}
	if err := s.CreateBatch(ctx, b, orderIDs, []store.Job{shipJob("batch-1")}); err != nil {
		t.Fatal(err)
	}
	want := b
	want.Status, want.Total, want.Pending = model.BatchQueued, 5, 5
	getBatch := func(want model.Batch, what string) {
		t.Helper()
		got, err := s.GetBatch(ctx, scope, want.ID)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if len(got.Options) != len(want.Options) && (len(got.Options) == 0 || len(want.Options) == 0) ||
			len(want.Options) > 0 && compactJSON(t, got.Options) != compactJSON(t, want.Options) {
			t.Errorf("%s: options %s, want %s", what, got.Options, want.Options)
		}
		got.Options = want.Options
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
		}
	}
	getBatch(want, "a new batch")
	for _, sc := range [][]string{{f.b.ID}, nil} {
		if _, err := s.GetBatch(ctx, sc, b.ID); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("GetBatch in scope %v: got %v, want ErrNotFound", sc, err)
		}
	}
	items := listItems(t, s, b.ID)
	if len(items) != len(orderIDs) {
		t.Fatalf("%d items, want %d", len(items), len(orderIDs))
	}
	for i, it := range items {
		if want := (model.BatchItem{BatchID: b.ID, Seq: i, OrderID: orderIDs[i], Outcome: model.ItemPending}); !reflect.DeepEqual(it, want) {
			t.Errorf("item %d: got %+v, want %+v", i, it, want)
		}
	}
	for _, tc := range []struct{ after, limit, first, n int }{{-1, 2, 0, 2}, {1, 2, 2, 2}, {3, 2, 4, 1}, {4, 2, 0, 0}, {-1, 0, 0, 5}, {2, 100, 3, 2}} {
		got, err := s.ListBatchItems(ctx, b.ID, tc.after, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != tc.n || (tc.n > 0 && (got[0].Seq != tc.first || !reflect.DeepEqual(got, items[tc.first:tc.first+tc.n]))) {
			t.Errorf("items after %d, %d at most: got %+v, want %d from seq %d", tc.after, tc.limit, got, tc.n, tc.first)
		}
	}
	if err := s.CreateBatch(ctx, b, []string{"ord_other"}, []store.Job{shipJob("batch-again")}); !errors.Is(err, model.ErrConflict) {
		t.Errorf("a batch id twice: got %v, want ErrConflict", err)
	}
	nowhere := b
	nowhere.ID, nowhere.ShopID = "bat_nowhere", "shop_missing"
	if err := s.CreateBatch(ctx, nowhere, orderIDs, []store.Job{shipJob("batch-nowhere")}); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("a batch of no shop: got %v, want ErrNotFound", err)
	}
	if got := shipJobs(t, s); !reflect.DeepEqual(got, []string{"batch-1"}) {
		t.Errorf("jobs after a batch and two refused ones: %v", got)
	}
	if got := listItems(t, s, b.ID); !reflect.DeepEqual(got, items) {
		t.Errorf("a refused batch with the same id changed the items: %+v", got)
	}

	// Outcomes: with each order's shipping step, or alone for an order that does not exist.
	record := func(o model.Order, it model.BatchItem) {
		t.Helper()
		f.step(t, o.ID, store.ShippingChange{BatchItem: &it})
	}
	p := newPackage(f.o, "pkg_1", "wh_1", at(2))
	sh := purchased(newShipment(p, "shp_1", at(2)), "TRK1", at(2))
	sh.BatchID = b.ID
	shipped := model.BatchItem{BatchID: b.ID, Seq: 0, OrderID: f.o.ID, Outcome: model.ItemShipped,
		ShipmentIDs: []string{sh.ID}, TrackingNumbers: []string{sh.TrackingNumber}, UpdatedAt: at(2)}
	f.step(t, f.o.ID, store.ShippingChange{NewPackages: []model.Package{p}, Shipments: []model.Shipment{sh}, BatchItem: &shipped})
	want.Status, want.Pending, want.Shipped = model.BatchRunning, 4, 1
	getBatch(want, "a batch with one shipped")
	failedItem := model.BatchItem{BatchID: b.ID, Seq: 1, OrderID: o2.ID, Outcome: model.ItemFailed, UpdatedAt: at(3),
		Error: &model.FieldError{Code: "no_service", Message: "no certified service meets the promise (R-SHIP-3)"}}
	record(o2, failedItem)
	missing := model.BatchItem{BatchID: b.ID, Seq: 2, OrderID: "ord_missing", Outcome: model.ItemFailed, UpdatedAt: at(5),
		Error: &model.FieldError{Code: "not_found", Field: "order_ids[2]", Message: "no such order"}}
	if err := s.RecordBatchItem(ctx, missing); err != nil {
		t.Fatal(err)
	}
	wrong := missing
	wrong.OrderID = o3.ID
	if err := s.RecordBatchItem(ctx, wrong); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("recording item 2 as another order's: got %v, want ErrNotFound", err)
	}
	wrong = missing
	wrong.Seq = 99
	if err := s.RecordBatchItem(ctx, wrong); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("recording an item past the end: got %v, want ErrNotFound", err)
	}
	skipped := model.BatchItem{BatchID: b.ID, Seq: 3, OrderID: o3.ID, Outcome: model.ItemSkipped, UpdatedAt: at(4),
		ShipmentIDs: []string{}, TrackingNumbers: []string{}}
	record(o3, skipped)
	want.Status, want.Pending, want.Failed, want.Skipped = model.BatchRunning, 1, 2, 1
	getBatch(want, "a batch with one pending")
	// The last item to finish is not the last one updated: FinishedAt is the latest update.
	dup := model.BatchItem{BatchID: b.ID, Seq: 4, OrderID: f.o.ID, Outcome: model.ItemSkipped, UpdatedAt: at(3),
		Error: &model.FieldError{Code: "duplicate", Message: "the order is earlier in the batch"}}
	record(f.o, dup)
	want.Status, want.Pending, want.Skipped = model.BatchDone, 0, 2
	finished := at(5)
	want.FinishedAt = &finished
	getBatch(want, "a finished batch")
	if got, want := listItems(t, s, b.ID), []model.BatchItem{shipped, failedItem, missing, skipped, dup}; !reflect.DeepEqual(got, want) {
		t.Errorf("items of the finished batch:\n got %+v\nwant %+v", got, want)
	}

	// A batch of no orders is done when it is made.
	empty := model.Batch{ID: "bat_empty", ShopID: f.a.ID, Kind: "ship", CreatedAt: at(6)}
	if err := s.CreateBatch(ctx, empty, nil, nil); err != nil {
		t.Fatal(err)
	}
	created := at(6)
	empty.Status, empty.FinishedAt = model.BatchDone, &created
	getBatch(empty, "an empty batch")
}

func testBatchRefusals(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newShipFix(t, s)
	good := model.Batch{ID: "bat_1", ShopID: f.a.ID, Kind: "ship", CreatedAt: at(1)}
	for _, tc := range []struct {
		name string
		b    model.Batch
		jobs []store.Job
	}{
		{"no id", model.Batch{ShopID: f.a.ID, Kind: "ship"}, nil},
		{"no kind", model.Batch{ID: "bat_1", ShopID: f.a.ID}, nil},
		{"options not JSON", model.Batch{ID: "bat_1", ShopID: f.a.ID, Kind: "ship", Options: json.RawMessage(`{"policy":`)}, nil},
		{"a bad job", good, []store.Job{shipJob("fine"), {Kind: "bad kind"}}},
	} {
		if err := s.CreateBatch(ctx, tc.b, []string{f.o.ID}, tc.jobs); !errors.Is(err, model.ErrInvalid) {
			t.Errorf("%s: got %v, want ErrInvalid", tc.name, err)
		}
	}
	if _, err := s.GetBatch(ctx, f.both, good.ID); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("a refused batch was stored: %v", err)
	}
	if items := listItems(t, s, good.ID); len(items) != 0 {
		t.Errorf("a refused batch left %d items", len(items))
	}
	if jobs := shipJobs(t, s); len(jobs) != 0 {
		t.Errorf("refused batches left jobs %v", jobs)
	}
	for _, it := range []model.BatchItem{{OrderID: f.o.ID, Outcome: model.ItemShipped}, {BatchID: "bat_1", OrderID: f.o.ID, Outcome: "lost"}} {
		if err := s.RecordBatchItem(ctx, it); !errors.Is(err, model.ErrInvalid) {
			t.Errorf("RecordBatchItem %+v: got %v, want ErrInvalid", it, err)
		}
	}
}

func testDispatchBatch(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newShipFix(t, s)
	orderIDs := syntheticIDs(10)
	if err := s.CreateBatch(ctx, model.Batch{ID: "bat_1", ShopID: f.a.ID, Kind: "ship", CreatedAt: at(1)}, orderIDs, nil); err != nil {
		t.Fatal(err)
	}
	// An item with an outcome is handed out all the same: the dispatcher decides what to do.
	done := model.BatchItem{BatchID: "bat_1", Seq: 1, OrderID: orderIDs[1], Outcome: model.ItemSkipped, UpdatedAt: at(2)}
	if err := s.RecordBatchItem(ctx, done); err != nil {
		t.Fatal(err)
	}
	jobsFor := func(items []model.BatchItem) ([]store.Job, error) {
		var jobs []store.Job
		for _, it := range items {
			jobs = append(jobs, shipJob("item-"+strconv.Itoa(it.Seq)))
		}
		return jobs, nil
	}
	// A failing fn takes nothing: the same items come next time.
	errStop := errors.New("stop")
	var saw []model.BatchItem
	n, err := s.DispatchBatch(ctx, "bat_1", 4, func(items []model.BatchItem) ([]store.Job, error) {
		saw = items
		j, _ := jobsFor(items)
		return j, errStop
	})
	if !errors.Is(err, errStop) || n != 0 {
		t.Fatalf("a failing dispatch: %d, %v; want 0, the error", n, err)
	}
	if len(saw) != 4 || saw[0].Seq != 0 || saw[1].Outcome != model.ItemSkipped {
		t.Fatalf("a dispatch got %+v", saw)
	}
	if jobs := shipJobs(t, s); len(jobs) != 0 {
		t.Fatalf("a failing dispatch left jobs %v", jobs)
	}
	var seqs []int
	for _, want := range []int{4, 4, 2, 0} {
		n, err := s.DispatchBatch(ctx, "bat_1", 4, func(items []model.BatchItem) ([]store.Job, error) {
			for _, it := range items {
				seqs = append(seqs, it.Seq)
				if it.OrderID != orderIDs[it.Seq] || it.BatchID != "bat_1" {
					t.Errorf("dispatched item %+v", it)
				}
			}
			return jobsFor(items)
		})
		if err != nil || n != want {
			t.Fatalf("dispatch: %d, %v; want %d", n, err, want)
		}
	}
	if want := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}; !reflect.DeepEqual(seqs, want) {
		t.Errorf("dispatched %v, want %v", seqs, want)
	}
	if jobs := shipJobs(t, s); len(jobs) != 10 || jobs[0] != "item-0" || jobs[9] != "item-9" {
		t.Errorf("jobs of the dispatches: %v", jobs)
	}
	if _, err := s.DispatchBatch(ctx, "bat_missing", 4, jobsFor); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("dispatch of no batch: got %v, want ErrNotFound", err)
	}
	// A limit of 0 takes as many as a page holds.
	if err := s.CreateBatch(ctx, model.Batch{ID: "bat_2", ShopID: f.a.ID, Kind: "ship", CreatedAt: at(1)}, orderIDs, nil); err != nil {
		t.Fatal(err)
	}
	if n, err := s.DispatchBatch(ctx, "bat_2", 0, jobsFor); err != nil || n != len(orderIDs) {
		t.Errorf("dispatch with no limit: %d, %v; want %d", n, err, len(orderIDs))
	}
}

// testDispatchBatchConcurrent runs dispatchers of one batch at once, as several workers (or
// nodes) would: every item is handed out exactly once, with exactly one job.
func testDispatchBatchConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newShipFix(t, s)
	const items, workers, limit = 600, 8, 7
	if err := s.CreateBatch(ctx, model.Batch{ID: "bat_1", ShopID: f.a.ID, Kind: "ship", CreatedAt: at(1)}, syntheticIDs(items), nil); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seqs []int
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				var mine []int // fn may run again: only its last run's items count
				n, err := s.DispatchBatch(ctx, "bat_1", limit, func(its []model.BatchItem) ([]store.Job, error) {
					mine = mine[:0]
					var jobs []store.Job
					for _, it := range its {
						mine = append(mine, it.Seq)
						jobs = append(jobs, shipJob(strconv.Itoa(it.Seq)))
					}
					return jobs, nil
				})
				if err != nil {
					errs <- err
					return
				}
				if n == 0 {
					return
				}
				if n != len(mine) {
					errs <- fmt.Errorf("dispatch said %d items, fn got %d", n, len(mine))
					return
				}
				mu.Lock()
				seqs = append(seqs, mine...)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	slices.Sort(seqs)
	var jobs []int
	for _, j := range shipJobs(t, s) {
		n, _ := strconv.Atoi(j)
		jobs = append(jobs, n)
	}
	slices.Sort(jobs)
	want := make([]int, items)
	for i := range want {
		want[i] = i
	}
	if !reflect.DeepEqual(seqs, want) {
		t.Errorf("%d concurrent dispatchers handed out %d items (%d distinct), want each of %d once",
			workers, len(seqs), len(slices.Compact(slices.Clone(seqs))), items)
	}
	if !reflect.DeepEqual(jobs, want) {
		t.Errorf("%d jobs (%d distinct) for %d items", len(jobs), len(slices.Compact(slices.Clone(jobs))), items)
	}
}

func testManifests(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newShipFix(t, s)
	scope := []string{f.a.ID}
	o := f.o
	// One package per shipment; every shipment but the two taken has a reason to be left out.
	var ch store.ShippingChange
	add := func(id, wh, carrier string, status model.ShipmentStatus, h int) model.Shipment {
		p := newPackage(o, "pkg_"+id, wh, at(h))
		sh := newShipment(p, "shp_"+id, at(h))
		sh.Carrier = carrier
		switch status {
		case model.ShipmentLabelPurchased:
			sh = purchased(sh, "TRK"+id, at(h))
		case model.ShipmentVoided:
			sh = voided(purchased(sh, "TRK"+id, at(h)), at(h))
		}
		ch.NewPackages = append(ch.NewPackages, p)
		ch.Shipments = append(ch.Shipments, sh)
		return sh
	}
	take2 := add("2", "wh_1", "usps", model.ShipmentLabelPurchased, 2) // ids against creation order
	take1 := add("1", "wh_1", "usps", model.ShipmentLabelPurchased, 3)
	void := add("3", "wh_1", "usps", model.ShipmentVoided, 1)
	ups := add("4", "wh_1", "ups", model.ShipmentLabelPurchased, 1)
	unlabelled := add("5", "wh_1", "usps", model.ShipmentCreated, 1)
	elsewhere := add("6", "wh_2", "usps", model.ShipmentLabelPurchased, 1)
	onOther := add("7", "wh_1", "usps", model.ShipmentLabelPurchased, 1)
	f.step(t, o.ID, ch)
	pb := newPackage(f.ob, "pkg_b", "wh_1", at(1)) // B's package claims A's warehouse id: still B's
	ofB := purchased(newShipment(pb, "shp_b", at(1)), "TRKB", at(1))
	f.step(t, f.ob.ID, store.ShippingChange{NewPackages: []model.Package{pb}, Shipments: []model.Shipment{ofB}})
	m0 := model.Manifest{ID: "man_0", ShopID: f.a.ID, Carrier: "usps", WarehouseID: "wh_1", ShipDate: "2026-11-20", CreatedAt: at(4),
		ShipmentIDs: []string{onOther.ID}}
	if got, err := s.CreateManifest(ctx, m0); err != nil || !reflect.DeepEqual(got.ShipmentIDs, []string{onOther.ID}) {
		t.Fatalf("manifest 0: %+v, %v", got, err)
	}

	m := model.Manifest{ID: "man_1", ShopID: f.a.ID, Carrier: "usps", WarehouseID: "wh_1", ShipDate: "2026-11-20",
		CarrierRef: "SCAN-1", Pickup: "PU-77", CreatedAt: at(5),
		ShipmentIDs: []string{void.ID, take1.ID, ups.ID, unlabelled.ID, elsewhere.ID, onOther.ID, ofB.ID, "shp_missing", take2.ID}}
	got, err := s.CreateManifest(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	want := m
	want.ShipmentIDs = []string{take2.ID, take1.ID} // (CreatedAt, ID) order
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("manifest as stored:\n got %+v\nwant %+v", got, want)
	}
	if again, err := s.GetManifest(ctx, scope, m.ID); err != nil || !reflect.DeepEqual(again, want) {
		t.Errorf("GetManifest: %+v, %v", again, err)
	}
	if _, err := s.CreateManifest(ctx, m); !errors.Is(err, model.ErrConflict) {
		t.Errorf("a manifest id twice: got %v, want ErrConflict", err)
	}
	moved := func(sh model.Shipment, status model.ShipmentStatus, manifest string, when int) model.Shipment {
		sh.Status, sh.ManifestID, sh.UpdatedAt = status, manifest, at(when)
		return sh
	}
	check := func(what string, want ...model.Shipment) {
		t.Helper()
		for _, w := range want {
			if got, err := s.GetShipment(ctx, f.both, w.ID); err != nil || !reflect.DeepEqual(got, w) {
				t.Errorf("%s: shipment %s:\n got %+v, %v\nwant %+v", what, w.ID, got, err, w)
			}
		}
	}
	check("after the manifest", moved(take1, model.ShipmentManifested, m.ID, 5), moved(take2, model.ShipmentManifested, m.ID, 5),
		void, ups, unlabelled, elsewhere, moved(onOther, model.ShipmentManifested, m0.ID, 4), ofB)

	// One of the two is voided before the hand-over: it stays voided, and stays on the form.
	v := voided(moved(take1, model.ShipmentManifested, m.ID, 5), at(6))
	f.step(t, o.ID, store.ShippingChange{Shipments: []model.Shipment{v}})
	for _, sc := range [][]string{{f.b.ID}, nil} {
		if _, err := s.HandOverManifest(ctx, sc, m.ID, at(7)); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("hand over in scope %v: got %v, want ErrNotFound", sc, err)
		}
		if _, err := s.GetManifest(ctx, sc, m.ID); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("GetManifest in scope %v: got %v, want ErrNotFound", sc, err)
		}
	}
	check("after a refused hand-over", v, moved(take2, model.ShipmentManifested, m.ID, 5))
	handed := at(7)
	want.HandedOverAt = &handed
	for i, when := range []int{7, 8} {
		got, err := s.HandOverManifest(ctx, scope, m.ID, at(when))
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("hand-over %d:\n got %+v, %v\nwant %+v", i+1, got, err, want)
		}
		check(fmt.Sprintf("after hand-over %d", i+1), v, moved(take2, model.ShipmentHandedOver, m.ID, 7),
			moved(onOther, model.ShipmentManifested, m0.ID, 4))
	}
	if got, err := s.GetManifest(ctx, scope, m.ID); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("GetManifest after the hand-over: %+v, %v", got, err)
	}
	if _, err := s.CreateManifest(ctx, model.Manifest{ID: "man_x", ShopID: "shop_missing", Carrier: "usps", WarehouseID: "wh_1",
		CreatedAt: at(9)}); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("a manifest of no shop: got %v, want ErrNotFound", err)
	}
	if _, err := s.CreateManifest(ctx, model.Manifest{ID: "man_y", ShopID: f.a.ID, WarehouseID: "wh_1"}); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("a manifest of no carrier: got %v, want ErrInvalid", err)
	}
}

// BenchmarkCreateBatch measures CreateBatch of 100,000 orders (the most a batch request takes)
// with its job: the time between a client's request and the 202 it gets, less the HTTP part.
func BenchmarkCreateBatch(b *testing.B, s store.Store) {
	ctx := context.Background()
	shop := model.Shop{ID: "shop_bench", Name: "b", Market: "US", TimeZone: "America/Los_Angeles", CreatedAt: t0}
	if err := s.CreateShop(ctx, shop); err != nil {
		b.Fatal(err)
	}
	const n = 100_000
	gen := ident.NewGenerator()
	orderIDs := make([]string, n)
	for i := range orderIDs {
		orderIDs[i] = gen.New("ord", t0)
	}
	job := shipJob("dispatch")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bt := model.Batch{ID: fmt.Sprintf("bat_%d", i), ShopID: shop.ID, Kind: "ship", Options: json.RawMessage(`{"policy":"cheapest"}`), CreatedAt: t0}
		if err := s.CreateBatch(ctx, bt, orderIDs, []store.Job{job}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/100k")
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "items/s")
}

// BenchmarkGetBatch measures GetBatch of a 100,000-order batch: what a client polling a big
// batch costs. Its counts are the batch row's (kept with the item writes), so it does not grow
// with the batch.
func BenchmarkGetBatch(b *testing.B, s store.Store) {
	ctx := context.Background()
	shop := model.Shop{ID: "shop_bench", Name: "b", Market: "US", TimeZone: "America/Los_Angeles", CreatedAt: t0}
	if err := s.CreateShop(ctx, shop); err != nil {
		b.Fatal(err)
	}
	ids := syntheticIDs(100_000)
	if err := s.CreateBatch(ctx, model.Batch{ID: "bat_1", ShopID: shop.ID, Kind: "ship", CreatedAt: t0}, ids, nil); err != nil {
		b.Fatal(err)
	}
	// Some items have outcomes, as in a batch under way.
	for i := 0; i < len(ids); i += 100 {
		it := model.BatchItem{BatchID: "bat_1", Seq: i, OrderID: ids[i], Outcome: model.ItemShipped, UpdatedAt: t0,
			ShipmentIDs: []string{"shp_" + ids[i]}, TrackingNumbers: []string{"TRK" + strconv.Itoa(i)}}
		if err := s.RecordBatchItem(ctx, it); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bt, err := s.GetBatch(ctx, []string{shop.ID}, "bat_1")
		if err != nil || bt.Total != len(ids) || bt.Shipped != len(ids)/100 {
			b.Fatalf("%+v, %v", bt, err)
		}
	}
}
