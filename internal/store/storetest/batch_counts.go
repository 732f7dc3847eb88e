package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// batchItemDropper is a store whose tests can delete a batch's items behind its back
// (export_test.go of each driver): GetBatch must answer from the counts it keeps.
type batchItemDropper interface {
	DropBatchItems(ctx context.Context, batchID string) error
}

// testBatchCounts: GetBatch's counts follow every item write exactly, a retried item (failed,
// then shipped) counted once under its last outcome, an outcome written twice counted once,
// items recorded concurrently all counted; and they are kept with the batch (one row read),
// not counted from its items at every call.
func testBatchCounts(t *testing.T, s store.Store) {
	ctx := context.Background()
	shop := mustShop(t, s, "counts")
	const n = 40
	ids := syntheticIDs(n)
	if err := s.CreateBatch(ctx, model.Batch{ID: "bat_counts", ShopID: shop.ID, Kind: "ship", CreatedAt: at(1)}, ids, nil); err != nil {
		t.Fatal(err)
	}
	record := func(seq int, outcome model.ItemOutcome, h int) {
		t.Helper()
		it := model.BatchItem{BatchID: "bat_counts", Seq: seq, OrderID: ids[seq], Outcome: outcome, UpdatedAt: at(h)}
		switch outcome {
		case model.ItemShipped:
			it.ShipmentIDs, it.TrackingNumbers = []string{fmt.Sprintf("shp_%d", seq)}, []string{fmt.Sprintf("TRK%d", seq)}
		case model.ItemFailed:
			it.Error = &model.FieldError{Code: "carrier_error", Field: "order_id", Message: "the carrier refused"}
		}
		if err := s.RecordBatchItem(ctx, it); err != nil {
			t.Fatalf("record item %d %s: %v", seq, outcome, err)
		}
	}
	check := func(what string, pending, shipped, failed, skipped int, status model.BatchStatus) {
		t.Helper()
		b, err := s.GetBatch(ctx, []string{shop.ID}, "bat_counts")
		if err != nil {
			t.Fatal(err)
		}
		if b.Total != n || b.Pending != pending || b.Shipped != shipped || b.Failed != failed || b.Skipped != skipped || b.Status != status {
			t.Errorf("%s: total %d pending %d shipped %d failed %d skipped %d %s; want %d %d %d %d %d %s", what,
				b.Total, b.Pending, b.Shipped, b.Failed, b.Skipped, b.Status, n, pending, shipped, failed, skipped, status)
		}
		// The counts agree with the items.
		var per = map[model.ItemOutcome]int{}
		for _, it := range listItems(t, s, "bat_counts") {
			per[it.Outcome]++
		}
		if per[model.ItemPending] != b.Pending || per[model.ItemShipped] != b.Shipped || per[model.ItemFailed] != b.Failed || per[model.ItemSkipped] != b.Skipped {
			t.Errorf("%s: the batch counts %+v, its items %v", what, b, per)
		}
	}
	check("new", n, 0, 0, 0, model.BatchQueued)
	record(0, model.ItemShipped, 2)
	record(0, model.ItemShipped, 2) // a retried job writes the same outcome again
	record(1, model.ItemFailed, 2)
	record(1, model.ItemFailed, 3)  // failed again
	record(1, model.ItemShipped, 4) // and a retry shipped it
	record(2, model.ItemSkipped, 2)
	check("after retries", n-3, 2, 0, 1, model.BatchRunning)

	// The rest, concurrently: a third fail, the others ship.
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for seq := 3; seq < n; seq++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			it := model.BatchItem{BatchID: "bat_counts", Seq: seq, OrderID: ids[seq], Outcome: model.ItemShipped, UpdatedAt: at(5),
				ShipmentIDs: []string{fmt.Sprintf("shp_%d", seq)}, TrackingNumbers: []string{fmt.Sprintf("TRK%d", seq)}}
			if seq%3 == 0 {
				it = model.BatchItem{BatchID: "bat_counts", Seq: seq, OrderID: ids[seq], Outcome: model.ItemFailed, UpdatedAt: at(5),
					Error: &model.FieldError{Code: "carrier_error", Field: "order_id", Message: "the carrier refused"}}
			}
			errs <- s.RecordBatchItem(ctx, it)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	failed := 0
	for seq := 3; seq < n; seq++ {
		if seq%3 == 0 {
			failed++
		}
	}
	check("done", 0, n-3-failed+2, failed, 1, model.BatchDone)
	b, err := s.GetBatch(ctx, []string{shop.ID}, "bat_counts")
	if err != nil {
		t.Fatal(err)
	}
	if b.FinishedAt == nil || !b.FinishedAt.Equal(at(5)) {
		t.Errorf("finished at %v, want the last item's update %v", b.FinishedAt, at(5))
	}

	// The counts are the batch's own: with its items gone, GetBatch still has them.
	d, ok := s.(batchItemDropper)
	if !ok {
		return
	}
	if err := d.DropBatchItems(ctx, "bat_counts"); err != nil {
		t.Fatal(err)
	}
	again, err := s.GetBatch(ctx, []string{shop.ID}, "bat_counts")
	if err != nil {
		t.Fatal(err)
	}
	if again.Total != b.Total || again.Shipped != b.Shipped || again.Failed != b.Failed || again.Skipped != b.Skipped {
		t.Errorf("GetBatch counts the items at every call: with them gone it says %+v, kept %+v", again, b)
	}
}
