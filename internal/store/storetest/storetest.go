// Package storetest is the conformance suite every store.Store driver must pass. A driver's
// test calls Run with a function that returns a fresh, migrated, empty store.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"lastmile/internal/ident"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/store"
)

// Run exercises every method of the store returned by newStore. Each subtest gets its own store.
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"ShopCreateGet", testShops},
		{"APIKeys", testAPIKeys},
		{"UpsertRoundTrip", testUpsertRoundTrip},
		{"UpsertReplayNewerOlder", testUpsertReplayNewerOlder},
		{"UpsertBatchDuplicatesAndBadItem", testUpsertBatch},
		{"UpsertConcurrentSameKeys", testUpsertConcurrent},
		{"ShopIsolation", testShopIsolation},
		{"UpdateOrder", testUpdateOrder},
		{"UpdateOrderConcurrent", testUpdateOrderConcurrent},
		{"UpdateVersusUpsert", testUpdateVersusUpsert},
		{"ListPagination", testListPagination},
		{"ListFilters", testListFilters},
		{"NeedsAttentionProblemsCorrections", testNeedsAttention},
		{"Idempotency", testIdempotency},
		{"IdempotencyConcurrentClaim", testIdempotencyConcurrent},
		{"IdempotencyResponseNotKept", testIdempotencyNotKept},
		{"UnavailableWhenClosed", testUnavailable},
		{"Warehouses", testWarehouses},
		{"StockLedgerProperty", testStockLedgerProperty},
		{"ChangeStockRefusals", testChangeStockRefusals},
		{"ChangeStockLevels", testChangeStockLevels},
		{"ChangeStockConcurrent", testChangeStockConcurrent},
		{"ListStock", testListStock},
		{"ListMovements", testListMovements},
		{"Allocation", testAllocation},
		{"UnsettledAllocations", testUnsettledAllocations},
		{"AllocationNoOversell", testAllocationNoOversell},
		{"ChangeAllocations", testChangeAllocations},
		{"ShopSettings", testShopSettings},
		{"Console", testConsole},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newStore(t))
		})
	}
}

var t0 = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)

func mustShop(t *testing.T, s store.Store, name string) model.Shop {
	t.Helper()
	sh := model.Shop{ID: ident.New("shop", t0), Name: name, Market: "US", TimeZone: "America/Los_Angeles", CreatedAt: t0}
	if err := s.CreateShop(context.Background(), sh); err != nil {
		t.Fatalf("create shop: %v", err)
	}
	return sh
}

// sample returns a complete order of shop with every field set, at version updated.
func sample(shopID, ext string, updated time.Time, status model.Status) model.Order {
	paid := t0.Add(time.Minute)
	return model.Order{
		ID: ident.New("ord", t0), ShopID: shopID, ExternalID: ext, Market: "US", Currency: "USD", Status: status,
		CreatedAt: t0, PaidAt: &paid, UpdatedAt: updated,
		Buyer: model.Buyer{Name: "Jane Doe", Email: "jane@example.com", Phone: "+12065550100"},
		ShippingAddress: model.Address{Name: "Jane Doe", Line1: "1600 Amphitheatre Pkwy", City: "Mountain View",
			Region: "CA", PostalCode: "94043", Country: "US", Phone: "+16505550100"},
		Lines: []model.Line{{SKU: "TSHIRT-RED-M", Name: "T-shirt red M", Quantity: 2,
			UnitPrice: model.Money{Amount: 1299, Currency: "USD"}, WeightG: 180, LengthMM: 250, WidthMM: 200, HeightMM: 20,
			DeclaredName: "Cotton T-shirt"}},
	}
}

// merger is the domain's real merge rule with a fixed clock.
func merger(now time.Time) store.MergeFunc {
	return func(existing *model.Order, in model.Order) (model.Order, model.WriteOutcome, error) {
		return order.Merge(existing, in, now, "test")
	}
}

func upsertOne(t *testing.T, s store.Store, o model.Order, now time.Time) store.UpsertResult {
	t.Helper()
	res, err := s.UpsertOrders(context.Background(), o.ShopID, []model.Order{o}, merger(now))
	if err != nil {
		t.Fatalf("upsert %s: %v", o.ExternalID, err)
	}
	if len(res) != 1 {
		t.Fatalf("upsert returned %d results for 1 order", len(res))
	}
	return res[0]
}

func mustGet(t *testing.T, s store.Store, shops []string, id string) model.Order {
	t.Helper()
	o, err := s.GetOrder(context.Background(), shops, id)
	if err != nil {
		t.Fatalf("get order %s: %v", id, err)
	}
	return o
}

func wantErr(t *testing.T, err, target error, what string) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("%s: got error %v, want %v", what, err, target)
	}
}

func testShops(t *testing.T, s store.Store) {
	ctx := context.Background()
	sh := mustShop(t, s, "Shenzhen Seller Ltd")
	got, err := s.GetShop(ctx, sh.ID)
	if err != nil || !reflect.DeepEqual(got, sh) {
		t.Fatalf("get shop = %+v, %v; want %+v", got, err, sh)
	}
	wantErr(t, s.CreateShop(ctx, sh), model.ErrConflict, "duplicate shop")
	_, err = s.GetShop(ctx, "shop_missing")
	wantErr(t, err, model.ErrNotFound, "missing shop")
}

func testAPIKeys(t *testing.T, s store.Store) {
	ctx := context.Background()
	a, b := mustShop(t, s, "A"), mustShop(t, s, "B")
	k := model.APIKey{ID: "key1", Name: "ops", Hash: []byte{1, 2, 3}, ShopIDs: []string{a.ID, b.ID}, CreatedAt: t0}
	if err := s.CreateAPIKey(ctx, k); err != nil {
		t.Fatalf("create key: %v", err)
	}
	got, err := s.GetAPIKey(ctx, "key1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "ops" || string(got.Hash) != "\x01\x02\x03" || len(got.ShopIDs) != 2 || got.RevokedAt != nil || !got.CreatedAt.Equal(t0) {
		t.Fatalf("get key = %+v", got)
	}

	// A key naming a shop that does not exist is refused whole: no key without its grants.
	bad := model.APIKey{ID: "key2", Name: "bad", Hash: []byte{9}, ShopIDs: []string{a.ID, "shop_missing"}, CreatedAt: t0}
	wantErr(t, s.CreateAPIKey(ctx, bad), model.ErrNotFound, "key for a missing shop")
	_, err = s.GetAPIKey(ctx, "key2")
	wantErr(t, err, model.ErrNotFound, "half-written key")

	wantErr(t, s.CreateAPIKey(ctx, k), model.ErrConflict, "duplicate key id")

	if err := s.RevokeAPIKey(ctx, "key1", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeAPIKey(ctx, "key1", t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, _ = s.GetAPIKey(ctx, "key1")
	if got.RevokedAt == nil || !got.RevokedAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("revoked_at = %v, want the first revocation %v", got.RevokedAt, t0.Add(time.Hour))
	}
	wantErr(t, s.RevokeAPIKey(ctx, "nokey", t0), model.ErrNotFound, "revoke missing key")
}

func testUpsertRoundTrip(t *testing.T, s store.Store) {
	sh := mustShop(t, s, "A")
	in := sample(sh.ID, "576461413038785752", t0.Add(time.Minute), model.StatusAwaitingShipment)
	in.COD = &model.Money{Amount: 2598, Currency: "USD"}
	in.Lines = append(in.Lines, model.Line{SKU: "POWERBANK-10K", Name: "充电宝 10000mAh", Quantity: 1,
		UnitPrice: model.Money{Amount: 1999, Currency: "USD"}, WeightG: 220, HasBattery: true, DeclaredName: "Power bank"})
	now := t0.Add(2 * time.Minute)
	r := upsertOne(t, s, in, now)
	if r.Err != nil || r.Outcome != model.OutcomeCreated {
		t.Fatalf("first upsert = %v, %v; want created", r.Outcome, r.Err)
	}
	got := mustGet(t, s, []string{sh.ID}, in.ID)
	if !reflect.DeepEqual(got, r.Order) {
		t.Fatalf("stored order differs from the upsert result:\n got %+v\nwant %+v", got, r.Order)
	}
	if got.Version != 1 || !got.ReceivedAt.Equal(now) || len(got.History) != 1 || got.History[0].Kind != model.EventCreated {
		t.Fatalf("stored bookkeeping = version %d received %v history %+v", got.Version, got.ReceivedAt, got.History)
	}
	if got.Lines[1].Name != "充电宝 10000mAh" || !got.Lines[1].HasBattery || got.COD.Amount != 2598 || got.PaidAt == nil {
		t.Fatalf("fields lost in the round trip: %+v", got)
	}
}

func testUpsertReplayNewerOlder(t *testing.T, s store.Store) {
	sh := mustShop(t, s, "A")
	shops := []string{sh.ID}
	v1 := sample(sh.ID, "1001", t0.Add(time.Minute), model.StatusAwaitingShipment)
	created := upsertOne(t, s, v1, t0.Add(2*time.Minute)).Order

	// A replay of the same version changes nothing, not even the bookkeeping.
	replay := v1
	replay.ID = ident.New("ord", t0)
	r := upsertOne(t, s, replay, t0.Add(3*time.Minute))
	if r.Outcome != model.OutcomeUnchanged || r.Order.ID != created.ID {
		t.Fatalf("replay = %v (id %s); want unchanged, id %s", r.Outcome, r.Order.ID, created.ID)
	}
	if got := mustGet(t, s, shops, created.ID); !reflect.DeepEqual(got, created) {
		t.Fatalf("replay changed the stored order:\n got %+v\nwant %+v", got, created)
	}

	// A newer version wins.
	v3 := v1
	v3.UpdatedAt = t0.Add(30 * time.Minute)
	v3.Status = model.StatusInTransit
	v3.ShippingAddress.Line2 = "Building 43"
	r = upsertOne(t, s, v3, t0.Add(31*time.Minute))
	if r.Outcome != model.OutcomeUpdated {
		t.Fatalf("newer = %v, %v; want updated", r.Outcome, r.Err)
	}
	newest := mustGet(t, s, shops, created.ID)
	if newest.Status != model.StatusInTransit || newest.ShippingAddress.Line2 != "Building 43" || newest.Version != 2 {
		t.Fatalf("newer version not stored: %+v", newest)
	}

	// An older version arriving late is ignored and never overwrites newer state.
	v2 := v1
	v2.UpdatedAt = t0.Add(10 * time.Minute)
	v2.Status = model.StatusAwaitingCollection
	v2.ShippingAddress.Line2 = "stale"
	r = upsertOne(t, s, v2, t0.Add(32*time.Minute))
	if r.Outcome != model.OutcomeStale {
		t.Fatalf("older = %v, %v; want stale", r.Outcome, r.Err)
	}
	if got := mustGet(t, s, shops, created.ID); !reflect.DeepEqual(got, newest) {
		t.Fatalf("older version changed the stored order:\n got %+v\nwant %+v", got, newest)
	}
}

func testUpsertBatch(t *testing.T, s store.Store) {
	sh := mustShop(t, s, "A")
	ctx := context.Background()
	existing := upsertOne(t, s, sample(sh.ID, "done", t0, model.StatusDelivered), t0).Order

	batch := []model.Order{
		sample(sh.ID, "b1", t0, model.StatusAwaitingShipment),
		sample(sh.ID, "b1", t0.Add(time.Minute), model.StatusInTransit), // same key later in the batch
		sample(sh.ID, "done", t0.Add(time.Hour), model.StatusCancelled), // cancel after delivery: illegal
		sample(sh.ID, "b2", t0, model.StatusUnpaid),
		sample(sh.ID, "b1", t0, model.StatusAwaitingShipment), // older than the batch's own update
	}
	res, err := s.UpsertOrders(ctx, sh.ID, batch, merger(t0.Add(2*time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	want := []model.WriteOutcome{model.OutcomeCreated, model.OutcomeUpdated, "", model.OutcomeCreated, model.OutcomeStale}
	for i, r := range res {
		if r.Outcome != want[i] {
			t.Errorf("item %d: outcome %q (err %v), want %q", i, r.Outcome, r.Err, want[i])
		}
	}
	var te *order.TransitionError
	if !errors.As(res[2].Err, &te) || te.From != model.StatusDelivered {
		t.Fatalf("item 2: err %v, want a transition error from DELIVERED", res[2].Err)
	}
	if res[0].Order.ID != res[1].Order.ID {
		t.Fatalf("one key got two ids in one batch: %s, %s", res[0].Order.ID, res[1].Order.ID)
	}
	b1 := mustGet(t, s, []string{sh.ID}, res[0].Order.ID)
	if b1.Status != model.StatusInTransit || b1.Version != 2 {
		t.Fatalf("b1 = %s v%d; want IN_TRANSIT v2", b1.Status, b1.Version)
	}
	mustGet(t, s, []string{sh.ID}, res[3].Order.ID)
	if got := mustGet(t, s, []string{sh.ID}, existing.ID); !reflect.DeepEqual(got, existing) {
		t.Fatalf("refused item changed the stored order")
	}
}

func testUpsertConcurrent(t *testing.T, s store.Store) {
	sh := mustShop(t, s, "A")
	const workers, orders = 8, 40
	var mu sync.Mutex
	created := map[string]int{}
	ids := map[string]map[string]bool{}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			batch := make([]model.Order, orders)
			for i := range batch {
				// Every worker sends every order, in a different order, at the same version.
				batch[i] = sample(sh.ID, fmt.Sprintf("c%02d", (i+w*7)%orders), t0, model.StatusAwaitingShipment)
			}
			res, err := s.UpsertOrders(context.Background(), sh.ID, batch, merger(t0))
			if err != nil {
				errs <- err
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for i, r := range res {
				ext := batch[i].ExternalID
				if r.Outcome == model.OutcomeCreated {
					created[ext]++
				}
				if ids[ext] == nil {
					ids[ext] = map[string]bool{}
				}
				ids[ext][r.Order.ID] = true
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent upsert: %v", err)
	}
	for i := range orders {
		ext := fmt.Sprintf("c%02d", i)
		if created[ext] != 1 || len(ids[ext]) != 1 {
			t.Errorf("%s: created %d times with ids %v; want exactly once, one id", ext, created[ext], ids[ext])
		}
	}
	list, err := s.ListOrders(context.Background(), store.OrderQuery{ShopIDs: []string{sh.ID}, Limit: 1000})
	if err != nil || len(list) != orders {
		t.Fatalf("stored %d orders (%v); want %d", len(list), err, orders)
	}
}

func testShopIsolation(t *testing.T, s store.Store) {
	ctx := context.Background()
	a, b := mustShop(t, s, "A"), mustShop(t, s, "B")
	oa := upsertOne(t, s, sample(a.ID, "same-ext", t0, model.StatusAwaitingShipment), t0).Order
	ob := upsertOne(t, s, sample(b.ID, "same-ext", t0, model.StatusAwaitingShipment), t0).Order
	if oa.ID == ob.ID {
		t.Fatal("two shops' orders with the same external id share an id")
	}
	_, err := s.GetOrder(ctx, []string{b.ID}, oa.ID)
	wantErr(t, err, model.ErrNotFound, "shop B reads shop A's order")
	_, err = s.GetOrder(ctx, nil, oa.ID)
	wantErr(t, err, model.ErrNotFound, "empty scope reads an order")
	called := false
	_, err = s.UpdateOrder(ctx, []string{b.ID}, oa.ID, func(*model.Order) (bool, error) { called = true; return true, nil })
	wantErr(t, err, model.ErrNotFound, "shop B updates shop A's order")
	if called {
		t.Fatal("update callback ran on another shop's order")
	}
	list, err := s.ListOrders(ctx, store.OrderQuery{ShopIDs: []string{b.ID}, Limit: 100})
	if err != nil || len(list) != 1 || list[0].ID != ob.ID {
		t.Fatalf("shop B lists %+v, %v; want only its own order", list, err)
	}
	both, _ := s.ListOrders(ctx, store.OrderQuery{ShopIDs: []string{a.ID, b.ID}, Limit: 100})
	if len(both) != 2 {
		t.Fatalf("operator scope lists %d orders, want 2", len(both))
	}
}

func testUpdateOrder(t *testing.T, s store.Store) {
	ctx := context.Background()
	sh := mustShop(t, s, "A")
	shops := []string{sh.ID}
	o := upsertOne(t, s, sample(sh.ID, "u1", t0, model.StatusAwaitingShipment), t0).Order
	now := t0.Add(time.Hour)
	got, err := s.UpdateOrder(ctx, shops, o.ID, func(o *model.Order) (bool, error) { return order.Confirm(o, now, "test") })
	if err != nil || got.ConfirmedAt == nil || got.Version != 2 {
		t.Fatalf("confirm = %+v, %v", got, err)
	}
	if stored := mustGet(t, s, shops, o.ID); !reflect.DeepEqual(stored, got) {
		t.Fatalf("confirmed order not stored as returned")
	}
	// An error from the callback writes nothing.
	_, err = s.UpdateOrder(ctx, shops, o.ID, func(o *model.Order) (bool, error) {
		o.Status = model.StatusCompleted
		return true, errors.New("refused")
	})
	if err == nil {
		t.Fatal("callback error was swallowed")
	}
	if stored := mustGet(t, s, shops, o.ID); stored.Status != model.StatusAwaitingShipment || stored.Version != 2 {
		t.Fatalf("failed update was written: %+v", stored)
	}
	// No change writes nothing.
	_, err = s.UpdateOrder(ctx, shops, o.ID, func(o *model.Order) (bool, error) { o.CancelReason = "x"; return false, nil })
	if err != nil {
		t.Fatal(err)
	}
	if stored := mustGet(t, s, shops, o.ID); stored.CancelReason != "" {
		t.Fatal("an update that reported no change was written")
	}
	_, err = s.UpdateOrder(ctx, shops, "ord_missing", func(*model.Order) (bool, error) { return true, nil })
	wantErr(t, err, model.ErrNotFound, "update missing order")
}

func testUpdateOrderConcurrent(t *testing.T, s store.Store) {
	sh := mustShop(t, s, "A")
	shops := []string{sh.ID}
	o := upsertOne(t, s, sample(sh.ID, "c1", t0, model.StatusAwaitingShipment), t0).Order
	const n = 16
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.UpdateOrder(context.Background(), shops, o.ID, func(o *model.Order) (bool, error) {
				o.History = append(o.History, model.Event{At: t0, Kind: "note", Cause: fmt.Sprint(i)})
				o.Version++
				return true, nil
			})
			if err != nil {
				t.Errorf("update %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	got := mustGet(t, s, shops, o.ID)
	if len(got.History) != 1+n || got.Version != 1+n {
		t.Fatalf("after %d concurrent updates: %d history entries, version %d; updates were lost", n, len(got.History), got.Version)
	}
}

// testUpdateVersusUpsert races a local change (confirm) against marketplace upserts of the same
// order: neither may lose the other's write.
func testUpdateVersusUpsert(t *testing.T, s store.Store) {
	sh := mustShop(t, s, "A")
	shops := []string{sh.ID}
	o := upsertOne(t, s, sample(sh.ID, "race", t0, model.StatusAwaitingShipment), t0).Order
	var wg sync.WaitGroup
	const n = 10
	for i := range n {
		wg.Add(2)
		go func() {
			defer wg.Done()
			v := sample(sh.ID, "race", t0.Add(time.Duration(i+1)*time.Minute), model.StatusAwaitingShipment)
			if _, err := s.UpsertOrders(context.Background(), sh.ID, []model.Order{v}, merger(t0)); err != nil {
				t.Errorf("upsert: %v", err)
			}
		}()
		go func() {
			defer wg.Done()
			_, err := s.UpdateOrder(context.Background(), shops, o.ID, func(o *model.Order) (bool, error) {
				o.History = append(o.History, model.Event{At: t0, Kind: "note", Cause: "local"})
				o.Version++
				return true, nil
			})
			if err != nil {
				t.Errorf("update: %v", err)
			}
		}()
	}
	wg.Wait()
	got := mustGet(t, s, shops, o.ID)
	notes := 0
	for _, e := range got.History {
		if e.Kind == "note" {
			notes++
		}
	}
	if notes != n {
		t.Fatalf("%d of %d local updates survived the concurrent upserts", notes, n)
	}
	if !got.UpdatedAt.Equal(t0.Add(n * time.Minute)) {
		t.Fatalf("updated_at = %v; the newest upsert (%v) was lost", got.UpdatedAt, t0.Add(n*time.Minute))
	}
}

func testListPagination(t *testing.T, s store.Store) {
	ctx := context.Background()
	sh := mustShop(t, s, "A")
	const total = 103
	want := map[string]bool{}
	batch := make([]model.Order, total)
	for i := range batch {
		batch[i] = sample(sh.ID, fmt.Sprintf("p%03d", i), t0, model.StatusAwaitingShipment)
	}
	// Several batches at different times, so modified_at has both ties and steps.
	for i := 0; i < total; i += 25 {
		res, err := s.UpsertOrders(ctx, sh.ID, batch[i:min(i+25, total)], merger(t0.Add(time.Duration(i)*time.Second)))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			want[r.Order.ID] = true
		}
	}
	var after *store.Cursor
	var prev *model.Order
	seen := map[string]bool{}
	for page := 0; ; page++ {
		list, err := s.ListOrders(ctx, store.OrderQuery{ShopIDs: []string{sh.ID}, After: after, Limit: 7})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) == 0 {
			break
		}
		if page > total {
			t.Fatal("pagination does not end")
		}
		for i := range list {
			o := list[i]
			if seen[o.ID] {
				t.Fatalf("order %s listed twice", o.ID)
			}
			seen[o.ID] = true
			if prev != nil && (o.ModifiedAt.Before(prev.ModifiedAt) || (o.ModifiedAt.Equal(prev.ModifiedAt) && o.ID <= prev.ID)) {
				t.Fatalf("listing out of order: %s@%v after %s@%v", o.ID, o.ModifiedAt, prev.ID, prev.ModifiedAt)
			}
			prev = &o
		}
		last := list[len(list)-1]
		after = &store.Cursor{ModifiedAt: last.ModifiedAt, ID: last.ID}
	}
	if !reflect.DeepEqual(seen, want) {
		t.Fatalf("paged through %d orders, want %d", len(seen), len(want))
	}
}

func testListFilters(t *testing.T, s store.Store) {
	ctx := context.Background()
	sh := mustShop(t, s, "A")
	upsertOne(t, s, sample(sh.ID, "f1", t0, model.StatusUnpaid), t0)
	upsertOne(t, s, sample(sh.ID, "f2", t0, model.StatusAwaitingShipment), t0.Add(time.Hour))
	upsertOne(t, s, sample(sh.ID, "f3", t0, model.StatusCancelled), t0.Add(2*time.Hour))
	cases := []struct {
		name string
		q    store.OrderQuery
		want []string
	}{
		{"status", store.OrderQuery{Statuses: []model.Status{model.StatusAwaitingShipment}}, []string{"f2"}},
		{"two statuses", store.OrderQuery{Statuses: []model.Status{model.StatusUnpaid, model.StatusCancelled}}, []string{"f1", "f3"}},
		{"external id", store.OrderQuery{ExternalID: "f3"}, []string{"f3"}},
		{"modified since is inclusive", store.OrderQuery{ModifiedSince: t0.Add(time.Hour)}, []string{"f2", "f3"}},
		{"limit", store.OrderQuery{Limit: 1}, []string{"f1"}},
	}
	for _, tc := range cases {
		tc.q.ShopIDs = []string{sh.ID}
		if tc.q.Limit == 0 {
			tc.q.Limit = 100
		}
		list, err := s.ListOrders(ctx, tc.q)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var got []string
		for _, o := range list {
			got = append(got, o.ExternalID)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func testIdempotency(t *testing.T, s store.Store) {
	ctx := context.Background()
	claim := func(now time.Time) store.IdempotencyClaim {
		return store.IdempotencyClaim{KeyID: "key1", Key: "req-1", RequestHash: "h1", Now: now,
			LeaseUntil: now.Add(time.Minute), ExpiredBefore: now.Add(-24 * time.Hour)}
	}
	rec, err := s.ClaimIdempotencyKey(ctx, claim(t0))
	if err != nil || rec != nil {
		t.Fatalf("first claim = %+v, %v; want it taken", rec, err)
	}
	rec, err = s.ClaimIdempotencyKey(ctx, claim(t0.Add(time.Second)))
	if err != nil || rec == nil || rec.Done || rec.RequestHash != "h1" {
		t.Fatalf("claim while in flight = %+v, %v; want the unfinished record", rec, err)
	}
	resp := store.IdempotentResponse{Status: 201, ContentType: "text/csv", Body: []byte("row\r\n"),
		Header: map[string]string{"Lastmile-Outcome": "created"}, Trailer: map[string]string{"Lastmile-Import-Summary": `{"rows":1}`}}
	if err := s.CompleteIdempotencyKey(ctx, "key1", "req-1", resp); err != nil {
		t.Fatal(err)
	}
	rec, err = s.ClaimIdempotencyKey(ctx, claim(t0.Add(2*time.Hour)))
	if err != nil || rec == nil || !rec.Done || !reflect.DeepEqual(rec.Response, resp) {
		t.Fatalf("claim after completion = %+v, %v; want the stored response %+v", rec, err, resp)
	}
	// Another API key's identical Idempotency-Key is a different key.
	other := claim(t0)
	other.KeyID = "key2"
	if rec, err := s.ClaimIdempotencyKey(ctx, other); err != nil || rec != nil {
		t.Fatalf("other key's claim = %+v, %v; want it taken", rec, err)
	}
	// After the TTL the key is free again.
	if rec, err := s.ClaimIdempotencyKey(ctx, claim(t0.Add(25*time.Hour))); err != nil || rec != nil {
		t.Fatalf("claim after expiry = %+v, %v; want it taken", rec, err)
	}
	// An unfinished claim whose lease ran out (its request crashed) can be taken over.
	later := t0.Add(25*time.Hour + 2*time.Minute)
	if rec, err := s.ClaimIdempotencyKey(ctx, claim(later)); err != nil || rec != nil {
		t.Fatalf("claim after lease = %+v, %v; want it taken", rec, err)
	}
	if err := s.ReleaseIdempotencyKey(ctx, "key1", "req-1"); err != nil {
		t.Fatal(err)
	}
	if rec, err := s.ClaimIdempotencyKey(ctx, claim(later)); err != nil || rec != nil {
		t.Fatalf("claim after release = %+v, %v; want it taken", rec, err)
	}
	n, err := s.DeleteIdempotencyKeysBefore(ctx, t0.Add(time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("delete before = %d, %v; want the one old record (key2)", n, err)
	}
}

// testIdempotencyNotKept: a response too large to keep is recorded by its status, type and
// size, without its bytes; a claim after the TTL clears the record for a new request.
func testIdempotencyNotKept(t *testing.T, s store.Store) {
	ctx := context.Background()
	claim := func(now time.Time) store.IdempotencyClaim {
		return store.IdempotencyClaim{KeyID: "key1", Key: "big", RequestHash: "h1", Now: now,
			LeaseUntil: now.Add(time.Minute), ExpiredBefore: now.Add(-24 * time.Hour)}
	}
	if rec, err := s.ClaimIdempotencyKey(ctx, claim(t0)); err != nil || rec != nil {
		t.Fatalf("first claim = %+v, %v; want it taken", rec, err)
	}
	if err := s.CompleteIdempotencyKey(ctx, "key1", "big", store.IdempotentResponse{Status: 200, ContentType: "application/pdf", Size: 6_000_000}); err != nil {
		t.Fatal(err)
	}
	rec, err := s.ClaimIdempotencyKey(ctx, claim(t0.Add(time.Hour)))
	if err != nil || rec == nil || !rec.Done || rec.Response.Status != 200 || rec.Response.ContentType != "application/pdf" ||
		rec.Response.Size != 6_000_000 || len(rec.Response.Body) != 0 || rec.Response.Kept() {
		t.Fatalf("claim after completion = %+v, %v; want the record of a response not kept", rec, err)
	}
	// Expired: taken again, and the new request's record starts empty.
	if rec, err := s.ClaimIdempotencyKey(ctx, claim(t0.Add(25*time.Hour))); err != nil || rec != nil {
		t.Fatalf("claim after expiry = %+v, %v; want it taken", rec, err)
	}
	rec, err = s.ClaimIdempotencyKey(ctx, claim(t0.Add(25*time.Hour+time.Second)))
	if err != nil || rec == nil || rec.Done || rec.Response.Size != 0 {
		t.Fatalf("claim while in flight = %+v, %v; want an unfinished record with no size", rec, err)
	}
	// A kept response (the usual case) says so, an empty body included.
	if err := s.CompleteIdempotencyKey(ctx, "key1", "big", store.IdempotentResponse{Status: 204, ContentType: "application/json"}); err != nil {
		t.Fatal(err)
	}
	rec, err = s.ClaimIdempotencyKey(ctx, claim(t0.Add(26*time.Hour)))
	if err != nil || rec == nil || !rec.Done || rec.Response.Status != 204 || !rec.Response.Kept() {
		t.Fatalf("claim after an empty response = %+v, %v; want it kept", rec, err)
	}
}

func testIdempotencyConcurrent(t *testing.T, s store.Store) {
	const n = 16
	var taken sync.WaitGroup
	var mu sync.Mutex
	winners := 0
	for range n {
		taken.Add(1)
		go func() {
			defer taken.Done()
			rec, err := s.ClaimIdempotencyKey(context.Background(), store.IdempotencyClaim{KeyID: "k", Key: "same",
				RequestHash: "h", Now: t0, LeaseUntil: t0.Add(time.Minute), ExpiredBefore: t0.Add(-time.Hour)})
			if err != nil {
				t.Errorf("claim: %v", err)
				return
			}
			if rec == nil {
				mu.Lock()
				winners++
				mu.Unlock()
			}
		}()
	}
	taken.Wait()
	if winners != 1 {
		t.Fatalf("%d concurrent claims took the same key; want exactly 1", winners)
	}
}

// testNeedsAttention: the hold flag, the problems and the corrections are stored, read back and
// filtered on, and an update clears the flag.
func testNeedsAttention(t *testing.T, s store.Store) {
	ctx := context.Background()
	sh := mustShop(t, s, "A")
	shops := []string{sh.ID}
	held := sample(sh.ID, "held", t0, model.StatusAwaitingShipment)
	held.NeedsAttention = true
	held.Problems = []model.Problem{{Code: "postal_code_format", Field: "shipping_address.postal_code",
		Message: "bad", Suggestion: "fix", Severity: model.SeverityError}}
	name, line1, was := "Cotton T-shirt", "1 Main St", "1 Mian St"
	held.Corrections = &model.Corrections{ShippingAddress: &model.AddressCorrection{Line1: &line1},
		Lines:    map[string]model.LineCorrection{"TSHIRT-RED-M": {DeclaredName: &name}},
		Replaced: &model.Replaced{ShippingAddress: &model.AddressCorrection{Line1: &was}}, At: t0}
	ok := sample(sh.ID, "ok", t0, model.StatusAwaitingShipment)
	res, err := s.UpsertOrders(ctx, sh.ID, []model.Order{held, ok}, func(existing *model.Order, in model.Order) (model.Order, model.WriteOutcome, error) {
		out, outcome, err := order.Merge(existing, in, t0, "test")
		out.NeedsAttention, out.Problems, out.Corrections = in.NeedsAttention, in.Problems, in.Corrections
		return out, outcome, err
	})
	if err != nil {
		t.Fatal(err)
	}
	got := mustGet(t, s, shops, res[0].Order.ID)
	if !got.NeedsAttention || !reflect.DeepEqual(got.Problems, held.Problems) || !reflect.DeepEqual(got.Corrections, held.Corrections) {
		t.Fatalf("held order read back as %+v", got)
	}
	yes, no := true, false
	for _, tc := range []struct {
		filter *bool
		want   []string
	}{{&yes, []string{"held"}}, {&no, []string{"ok"}}, {nil, []string{"held", "ok"}}} {
		list, err := s.ListOrders(ctx, store.OrderQuery{ShopIDs: shops, NeedsAttention: tc.filter, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var ext []string
		for _, o := range list {
			ext = append(ext, o.ExternalID)
		}
		slices.Sort(ext) // both share modified_at; their ids decide, and sample's are random
		if !reflect.DeepEqual(ext, tc.want) {
			t.Errorf("needs_attention=%v lists %v, want %v", tc.filter, ext, tc.want)
		}
	}
	_, err = s.UpdateOrder(ctx, shops, got.ID, func(o *model.Order) (bool, error) {
		o.NeedsAttention, o.Problems = false, nil
		return true, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := mustGet(t, s, shops, got.ID); got.NeedsAttention || got.Problems != nil {
		t.Fatalf("cleared hold read back as %v %+v", got.NeedsAttention, got.Problems)
	}
}
