package shipping_test

import (
	"bytes"
	"context"
	"fmt"
	"lastmile/internal/label/labeltest"
	"lastmile/internal/testtool"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/shipping"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
	"lastmile/internal/worker"
)

// startEngine runs the shipping jobs on the store's job engine until the test ends.
func startEngine(t *testing.T, st store.Store, svc *shipping.Service) {
	t.Helper()
	eng, err := worker.New(worker.Config{Queues: map[string]int{shipping.QueueShipping: 20}, RetryBase: 50 * time.Millisecond,
		RetryCap: time.Second}, st, slog.New(slog.DiscardHandler), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range svc.Jobs() {
		if err := eng.Handle(h.Kind, func(ctx context.Context, j worker.Job) error {
			return h.Run(ctx, j.Attempt, j.MaxAttempts, j.Args)
		}); err != nil {
			t.Fatal(err)
		}
	}
	if err := eng.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		eng.Stop(ctx)
	})
}

// waitBatch polls the batch until it is done.
func waitBatch(t *testing.T, e *env, id string) model.Batch {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		b, err := e.ship.Batch(context.Background(), e.scope, id)
		if err != nil {
			t.Fatal(err)
		}
		if b.Status == model.BatchDone {
			return b
		}
		if time.Now().After(deadline) {
			t.Fatalf("batch %s not done: %+v", id, b)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestBatchShip ships a batch through a faulty network on the job engine: every order ends with
// an outcome, the shippable ones with exactly one label each (0 lost, 0 bought twice), the
// unshippable one failed with its reason, an unknown id failed as not found.
func TestBatchShip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		opt := envOptions{config: shipping.Config{PurchaseTimeout: 2 * time.Second, DispatchChunk: 7}}
		opt.sim.FaultRate, opt.sim.Seed, opt.sim.HangFor = 0.1, 3, 3*time.Second
		e := newEnv(t, st, opt)
		e.warehouse(t, "LAX1", 1000, "TS-RED-M")
		var orders []model.Order
		for i := range 25 {
			orders = append(orders, e.usOrder(fmt.Sprintf("B-%02d", i), line("TS-RED-M", 1)))
		}
		stored := e.put(t, true, orders...)
		held := e.usOrder("B-HELD", line("TS-RED-M", 1))
		held.ShippingAddress.PostalCode = ""
		heldOrder := e.put(t, false, held)[0]
		ids := []string{heldOrder.ID, "ord_missing"}
		for _, o := range stored {
			ids = append(ids, o.ID)
		}
		ids = append(ids, stored[0].ID) // a repeat counts once
		startEngine(t, st, e.ship)

		b, err := e.ship.CreateBatch(ctx, e.scope, shipping.BatchRequest{OrderIDs: ids})
		if err != nil {
			t.Fatal(err)
		}
		if b.Total != 27 || b.Status != model.BatchQueued {
			t.Fatalf("batch %+v: want 27 queued orders", b)
		}
		b = waitBatch(t, e, b.ID)
		if b.Shipped != 25 || b.Failed != 2 || b.Skipped != 0 || b.Pending != 0 {
			t.Fatalf("batch %+v: want 25 shipped, 2 failed", b)
		}
		items, err := e.ship.BatchItems(ctx, e.scope, b.ID, -1, 100)
		if err != nil || len(items) != 27 {
			t.Fatalf("%d items (%v)", len(items), err)
		}
		if it := items[0]; it.Outcome != model.ItemFailed || it.Error == nil || it.Error.Code != shipping.RefusedHeld {
			t.Fatalf("held order's item %+v", it)
		}
		if it := items[1]; it.Outcome != model.ItemFailed || it.Error == nil || it.Error.Code != "not_found" {
			t.Fatalf("missing order's item %+v", it)
		}
		for _, it := range items[2:] {
			if it.Outcome != model.ItemShipped || len(it.TrackingNumbers) != 1 || len(it.ShipmentIDs) != 1 {
				t.Fatalf("item %+v", it)
			}
		}
		if labels, repeats := e.labels(); labels != 25 || repeats != 0 {
			t.Fatalf("sim: %d labels, %d repeat purchases; want 25 and 0", labels, repeats)
		}

		// Ship the ready orders: none is left (every confirmed one shipped), so the batch is done
		// at once with nothing in it.
		ready, err := e.ship.CreateBatch(ctx, e.scope, shipping.BatchRequest{Filter: &shipping.BatchFilter{Ready: true}})
		if err != nil || ready.Total != 0 || ready.Status != model.BatchDone {
			t.Fatalf("ready batch %+v (%v)", ready, err)
		}
	})
}

// TestBatchLabelsAndManifest downloads a batch's labels as one PDF and one ZPL document (one
// label each, scanning back to its tracking number), then closes the day: a manifest of the
// carrier's parcels at the warehouse (R-SHIP-5), its scan form and CSV, and the hand-over.
func TestBatchLabelsAndManifest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)
		wh := e.warehouse(t, "LAX1", 100, "TS-RED-M")
		var orders []model.Order
		for i := range 6 {
			orders = append(orders, e.usOrder(fmt.Sprintf("L-%d", i), line("TS-RED-M", 1)))
		}
		var ids []string
		for _, o := range e.put(t, true, orders...) {
			ids = append(ids, o.ID)
		}
		startEngine(t, st, e.ship)
		b, err := e.ship.CreateBatch(ctx, e.scope, shipping.BatchRequest{OrderIDs: ids, Options: shipping.Options{Carrier: "fedex"}})
		if err != nil {
			t.Fatal(err)
		}
		b = waitBatch(t, e, b.ID)
		items, _ := e.ship.BatchItems(ctx, e.scope, b.ID, -1, 100)
		if b.Shipped != 6 {
			t.Fatalf("batch %+v: first item %+v", b, items[0].Error)
		}

		var pdf, zpl bytes.Buffer
		if err := e.ship.WriteBatchLabels(ctx, e.scope, b.ID, "pdf", 203, &pdf); err != nil {
			t.Fatal(err)
		}
		testtool.Command(t, "pdftoppm", "apt-get install poppler-utils")
		testtool.Command(t, "zbarimg", "apt-get install zbar-tools")
		pages, err := labeltest.Pdftoppm(t.TempDir(), pdf.Bytes(), 203)
		if err != nil || len(pages) != 6 {
			t.Fatalf("%d PDF pages (%v), want 6", len(pages), err)
		}
		for i, page := range pages {
			codes, err := labeltest.Zbarimg(page)
			if err != nil || !slices.Contains(codes, "CODE-128:"+items[i].TrackingNumbers[0]) {
				t.Fatalf("page %d scans %q (%v), want %s", i+1, codes, err, items[i].TrackingNumbers[0])
			}
		}
		if err := e.ship.WriteBatchLabels(ctx, e.scope, b.ID, "zpl", 203, &zpl); err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(zpl.String(), "^XA"); n != 6 {
			t.Fatalf("%d ZPL labels, want 6", n)
		}
		for _, it := range items {
			if !strings.Contains(zpl.String(), it.TrackingNumbers[0]) {
				t.Fatalf("the ZPL lacks %s", it.TrackingNumbers[0])
			}
		}

		// Void one label before the manifest: it stays off it.
		if _, err := e.ship.Void(ctx, e.scope, items[5].ShipmentIDs[0]); err != nil {
			t.Fatal(err)
		}
		pickup := &shipping.PickupWindow{Start: tue0900.Add(6 * time.Hour), End: tue0900.Add(9 * time.Hour)}
		m, err := e.ship.CreateManifest(ctx, e.scope, shipping.ManifestRequest{Carrier: "fedex", WarehouseID: wh.ID, Pickup: pickup})
		if err != nil {
			t.Fatal(err)
		}
		if len(m.ShipmentIDs) != 5 || m.ShipDate != "2026-11-24" || m.CarrierRef == "" || m.Pickup == "" {
			t.Fatalf("manifest %+v: want the 5 live labels of 24 November, the carrier's scan form and a pickup", m)
		}
		fx := e.net.Stats().Carriers["fedex"]
		if fx.Manifests != 1 || fx.Pickups != 1 {
			t.Fatalf("the sim saw %d manifests and %d pickups, want 1 and 1", fx.Manifests, fx.Pickups)
		}
		if _, err := e.ship.CreateManifest(ctx, e.scope, shipping.ManifestRequest{Carrier: "fedex", WarehouseID: wh.ID}); !isCode(err, "nothing_to_manifest") {
			t.Fatalf("a second manifest: %v, want nothing_to_manifest", err)
		}
		var csvDoc, pdfDoc bytes.Buffer
		if err := e.ship.WriteManifest(ctx, e.scope, m.ID, "csv", &csvDoc); err != nil {
			t.Fatal(err)
		}
		if err := e.ship.WriteManifest(ctx, e.scope, m.ID, "pdf", &pdfDoc); err != nil || !bytes.HasPrefix(pdfDoc.Bytes(), []byte("%PDF")) {
			t.Fatalf("manifest PDF: %v", err)
		}
		for _, it := range items[:5] {
			if !strings.Contains(csvDoc.String(), it.TrackingNumbers[0]) {
				t.Fatalf("the manifest CSV lacks %s:\n%s", it.TrackingNumbers[0], csvDoc.String())
			}
		}
		if strings.Contains(csvDoc.String(), items[5].TrackingNumbers[0]) {
			t.Fatal("the voided label is on the manifest")
		}
		if _, err := e.ship.Void(ctx, e.scope, items[0].ShipmentIDs[0]); !isCode(err, "void_too_late") {
			t.Fatalf("voiding a manifested label: %v, want void_too_late", err)
		}
		if m, err = e.ship.HandOver(ctx, e.scope, m.ID); err != nil || m.HandedOverAt == nil {
			t.Fatalf("hand-over: %+v %v", m, err)
		}
		sh, err := e.ship.Shipment(ctx, e.scope, items[0].ShipmentIDs[0])
		if err != nil || sh.Status != model.ShipmentHandedOver {
			t.Fatalf("shipment after hand-over: %s %v", sh.Status, err)
		}
	})
}

// TestOverlappingBatchesFinish ships the same orders in two batches at once (the demo's own
// batch and a `lastmile ship --ready` made while it runs): both batches finish, every order
// has one label (none bought twice), and each order is shipped in one batch and shipped or
// skipped in the other. A batch whose job found the label recorded by the other batch between
// its purchase and its record once left that order pending for ever.
func TestOverlappingBatchesFinish(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		opt := envOptions{config: shipping.Config{PurchaseTimeout: 2 * time.Second}}
		opt.sim.Latency, opt.sim.Seed = 30*time.Millisecond, 5
		e := newEnv(t, st, opt)
		e.warehouse(t, "LAX1", 1000, "TS-RED-M")
		var orders []model.Order
		for i := range 30 {
			orders = append(orders, e.usOrder(fmt.Sprintf("O-%02d", i), line("TS-RED-M", 1)))
		}
		var ids []string
		for _, o := range e.put(t, true, orders...) {
			ids = append(ids, o.ID)
		}
		a, err := e.ship.CreateBatch(ctx, e.scope, shipping.BatchRequest{OrderIDs: ids})
		if err != nil {
			t.Fatal(err)
		}
		b, err := e.ship.CreateBatch(ctx, e.scope, shipping.BatchRequest{Filter: &shipping.BatchFilter{Ready: true}})
		if err != nil || b.Total != 30 {
			t.Fatalf("ready batch %+v (%v)", b, err)
		}
		startEngine(t, st, e.ship)
		a, b = waitBatch(t, e, a.ID), waitBatch(t, e, b.ID)
		if a.Failed+b.Failed != 0 || a.Shipped+b.Shipped < 30 || a.Shipped+a.Skipped != 30 || b.Shipped+b.Skipped != 30 {
			t.Fatalf("batches %+v and %+v: want every order shipped in one, shipped or skipped in the other", a, b)
		}
		if labels, repeats := e.labels(); labels != 30 || repeats != 0 {
			t.Fatalf("sim: %d labels, %d repeat purchases; want 30 and 0", labels, repeats)
		}
	})
}
