package shipping_test

import (
	"context"
	"fmt"
	"log/slog"
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
