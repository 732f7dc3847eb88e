package storetest

// The conformance tests of store.Returns: upserts by (shop, external id) and their idempotency
// under concurrency, changes with their stock movements and jobs in one transaction, scope,
// listings and lookups, buyer history, label documents, the rules, and the bases of the return
// rates.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// RunReturns exercises store.Returns on the stores newStore returns. Each subtest gets its own
// store.
func RunReturns(t *testing.T, newStore func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"ReturnRoundTrip", testReturnRoundTrip},
		{"ReturnUpsertConcurrent", testReturnUpsertConcurrent},
		{"ReturnMovements", testReturnMovements},
		{"ReturnOutbox", testReturnOutbox},
		{"ReturnRefusals", testReturnRefusals},
		{"ReturnScope", testReturnScope},
		{"ListReturns", testListReturns},
		{"CountBuyerReturns", testCountBuyerReturns},
		{"ReturnLabelDocuments", testReturnLabelDocuments},
		{"ReturnRules", testReturnRules},
		{"ReturnRateBases", testReturnRateBases},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newStore(t))
		})
	}
}

// returnFix is the world of the return tests: shops A and B, warehouse wh_r of A and wh_rb of B,
// a delivered order of each.
type returnFix struct {
	s      store.Store
	a, b   model.Shop
	oa, ob model.Order
}

func newReturnFix(t *testing.T, s store.Store) *returnFix {
	t.Helper()
	f := &returnFix{s: s, a: mustShop(t, s, "A"), b: mustShop(t, s, "B")}
	mustWarehouse(t, s, f.a.ID, "wh_r", "LAX")
	mustWarehouse(t, s, f.b.ID, "wh_rb", "LAX")
	f.oa = upsertOne(t, s, sample(f.a.ID, "ret-a", t0, model.StatusDelivered), t0).Order
	f.ob = upsertOne(t, s, sample(f.b.ID, "ret-b", t0, model.StatusDelivered), t0).Order
	return f
}

// newReturn is a complete return of o with every field set.
func newReturn(o model.Order, id, ext string, requested time.Time) model.Return {
	return model.Return{
		ID: id, ShopID: o.ShopID, ExternalID: ext, Source: "tiktok", Connection: "conn-1", OrderID: o.ID, OrderExternalID: o.ExternalID, Market: o.Market,
		Status: model.ReturnPending, Type: "RETURN_AND_REFUND", Reason: "damaged_in_transit", ReasonText: "box crushed, 杯子碎了",
		Lines:  []model.ReturnLine{{SKU: "TSHIRT-RED-M", Name: "T-shirt red M", Quantity: 1, UnitPrice: model.Money{Amount: 1299, Currency: "USD"}}},
		Photos: []string{"https://img.example.com/1.jpg"}, Buyer: o.Buyer, BuyerKey: "jane@example.com",
		Value:       model.Money{Amount: 1299, Currency: "USD"},
		Decision:    &model.ReturnDecision{Kind: model.DecideReturn, Reason: "no rule matched", By: "rules", At: requested},
		Estimate:    &model.ReturnEstimate{Carrier: "ups", Service: "ground", Cost: &model.Money{Amount: 1420, Currency: "USD"}, Designated: true},
		Liability:   &model.ReturnLiability{Platform: false, Reason: "requested 3 days after delivery"},
		History:     []model.ReturnEvent{{At: requested, Kind: "created", To: model.ReturnPending, Cause: "api"}},
		RequestedAt: requested, CreatedAt: requested, UpdatedAt: requested, Version: 1,
	}
}

// put creates r with UpsertReturn.
func (f *returnFix) put(t *testing.T, r model.Return, jobs ...store.Job) model.Return {
	t.Helper()
	got, err := f.s.UpsertReturn(context.Background(), r.ShopID, r.ExternalID, func(existing *model.Return) (store.ReturnChange, error) {
		if existing != nil {
			return store.ReturnChange{}, nil
		}
		return store.ReturnChange{Return: r, Changed: true, Jobs: jobs}, nil
	})
	if err != nil {
		t.Fatalf("upsert return %s: %v", r.ID, err)
	}
	return got
}

// labelled is r with a bought return label.
func labelled(r model.Return, shipmentID, tracking string, at time.Time) model.Return {
	r.Shipments = append(r.Shipments, model.ReturnShipment{ID: shipmentID, Status: model.ShipmentLabelPurchased, Carrier: "ups",
		Service: "ground", TrackingNumber: tracking, WarehouseID: "wh_r", To: model.Address{Name: "Returns", Line1: "1 Return Rd",
			City: "Ontario", Region: "CA", PostalCode: "91761", Country: "US"}, Cost: &model.Money{Amount: 1420, Currency: "USD"},
		LabelFormat: "pdf", CreatedAt: at, PurchasedAt: &at, UpdatedAt: at})
	r.UpdatedAt = at
	return r
}

func testReturnRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newReturnFix(t, s)
	want := newReturn(f.oa, "ret_1", "tt-100", at(1))
	got := f.put(t, want)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("upsert returned\n %+v\nwant %+v", got, want)
	}
	for name, read := range map[string]func() (model.Return, error){
		"get":         func() (model.Return, error) { return s.GetReturn(ctx, []string{f.a.ID}, "ret_1") },
		"by external": func() (model.Return, error) { return s.GetReturnByExternalID(ctx, f.a.ID, "tt-100") },
	} {
		r, err := read()
		if err != nil || !reflect.DeepEqual(r, want) {
			t.Errorf("%s: got %+v, %v\nwant %+v", name, r, err, want)
		}
	}
	// A replay finds the stored return and writes nothing.
	var seen *model.Return
	again, err := s.UpsertReturn(ctx, f.a.ID, "tt-100", func(existing *model.Return) (store.ReturnChange, error) {
		seen = existing
		return store.ReturnChange{}, nil
	})
	if err != nil || seen == nil || !reflect.DeepEqual(*seen, want) || !reflect.DeepEqual(again, want) {
		t.Fatalf("replay: saw %+v, got %+v, %v", seen, again, err)
	}
	// A change keeps what it is given; the return's identity stays.
	next := labelled(want, "rsh_1", "1Z999AA10123456784", at(2))
	next.Status, next.Version = model.ReturnAwaitingBuyerShip, 2
	changed, err := s.ChangeReturn(ctx, []string{f.a.ID}, "ret_1", func(r model.Return) (store.ReturnChange, error) {
		if !reflect.DeepEqual(r, want) {
			t.Errorf("the step got %+v", r)
		}
		return store.ReturnChange{Return: next, Changed: true}, nil
	})
	if err != nil || !reflect.DeepEqual(changed, next) {
		t.Fatalf("change: got %+v, %v", changed, err)
	}
	if r, _ := s.GetReturn(ctx, []string{f.a.ID}, "ret_1"); !reflect.DeepEqual(r, next) {
		t.Errorf("after the change: %+v", r)
	}
	// A return made in lastmile without an external id is new every time.
	api := newReturn(f.oa, "ret_2", "", at(3))
	if got := f.put(t, api); got.ID != "ret_2" {
		t.Fatalf("api return: %+v", got)
	}
	if _, err := s.GetReturnByExternalID(ctx, f.a.ID, ""); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("by an empty external id: %v", err)
	}
}

func testReturnUpsertConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newReturnFix(t, s)
	const n = 8
	var wg sync.WaitGroup
	ids := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := s.UpsertReturn(ctx, f.a.ID, "tt-same", func(existing *model.Return) (store.ReturnChange, error) {
				if existing != nil {
					return store.ReturnChange{}, nil
				}
				return store.ReturnChange{Return: newReturn(f.oa, fmt.Sprintf("ret_c%d", i), "tt-same", at(1)), Changed: true}, nil
			})
			ids[i], errs[i] = r.ID, err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("upsert %d: %v", i, err)
		}
		if ids[i] != ids[0] {
			t.Fatalf("two deliveries of one event made two returns: %v", ids)
		}
	}
	all, err := s.ListReturns(ctx, store.ReturnQuery{ShopIDs: []string{f.a.ID}})
	if err != nil || len(all) != 1 {
		t.Fatalf("returns: %d, %v; want 1", len(all), err)
	}
}

func testReturnMovements(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newReturnFix(t, s)
	f.put(t, newReturn(f.oa, "ret_1", "", at(1)))
	mustMove(t, s, f.a.ID, movement(model.MoveReceive, "wh_r", "SKU-A", 2, at(1)))
	restock := model.Movement{Kind: model.MoveReturnRestock, WarehouseID: "wh_r", SKU: "SKU-A", Quantity: 1, Reason: "return ret_1: restock",
		Actor: actor, At: at(2), OrderID: f.oa.ID}
	back := model.Movement{Kind: model.MoveReturnRestock, WarehouseID: "wh_r", SKU: "SKU-B", Quantity: 1, Reason: "return ret_1 received",
		Actor: actor, At: at(2), OrderID: f.oa.ID}
	scrap := model.Movement{Kind: model.MoveWriteOff, WarehouseID: "wh_r", SKU: "SKU-B", Quantity: 1, Reason: "return ret_1: write off",
		Actor: actor, At: at(2), OrderID: f.oa.ID}
	change := func(moves ...model.Movement) (model.Return, error) {
		return s.ChangeReturn(ctx, []string{f.a.ID}, "ret_1", func(r model.Return) (store.ReturnChange, error) {
			r.Inspections = append(r.Inspections, model.ReturnInspection{SKU: "SKU-A", Quantity: 1, Outcome: model.InspectRestock,
				WarehouseID: "wh_r", StockSKU: "SKU-A", By: actor, At: at(2)})
			r.Version++
			return store.ReturnChange{Return: r, Changed: true, Movements: moves}, nil
		})
	}
	// A movement the ledger refuses (writing off more than is on hand) fails the whole change.
	tooMuch := scrap
	tooMuch.Quantity = 5
	if _, err := change(restock, tooMuch); !errors.Is(err, model.ErrConflict) {
		t.Fatalf("write-off beyond on hand: %v, want ErrConflict", err)
	}
	// Another shop's warehouse is not found.
	foreign := restock
	foreign.WarehouseID = "wh_rb"
	if _, err := change(foreign); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("another shop's warehouse: %v, want ErrNotFound", err)
	}
	if r, _ := s.GetReturn(ctx, []string{f.a.ID}, "ret_1"); len(r.Inspections) != 0 || r.Version != 1 {
		t.Fatalf("a refused change left the return changed: %+v", r)
	}
	if got := allMovements(t, s, store.MovementQuery{ShopIDs: []string{f.a.ID}, OrderID: f.oa.ID}); len(got) != 0 {
		t.Fatalf("a refused change left movements: %+v", got)
	}
	r, err := change(restock, back, scrap)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Inspections) != 1 || r.Version != 2 {
		t.Fatalf("return after the change: %+v", r)
	}
	got := allMovements(t, s, store.MovementQuery{ShopIDs: []string{f.a.ID}, OrderID: f.oa.ID})
	if len(got) != 3 || got[0].Kind != model.MoveReturnRestock || got[0].After.OnHand != 3 ||
		got[1].SKU != "SKU-B" || got[1].After.OnHand != 1 || got[2].Kind != model.MoveWriteOff || got[2].After.OnHand != 0 {
		t.Fatalf("ledger: %+v", got)
	}
	levels, err := s.ListStock(ctx, store.StockQuery{ShopIDs: []string{f.a.ID}, SKU: "SKU-A"})
	if err != nil || len(levels) != 1 || levels[0].OnHand != 3 {
		t.Fatalf("SKU-A level: %+v, %v", levels, err)
	}
}

// returnJob is a job a return step enqueues; id tells jobs apart.
func returnJob(id string) store.Job {
	return store.Job{Kind: "storetest.return", Args: json.RawMessage(fmt.Sprintf(`{"id":%q}`, id))}
}

func returnJobs(t *testing.T, s store.Store) []string {
	t.Helper()
	var ids []string
	for _, r := range ListJobs(t, s) {
		if r.Kind != "storetest.return" {
			continue
		}
		var a struct{ ID string }
		if err := json.Unmarshal(r.EncodedArgs, &a); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	return ids
}

func testReturnOutbox(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newReturnFix(t, s)
	f.put(t, newReturn(f.oa, "ret_1", "tt-1", at(1)), returnJob("created"))
	// A step that fails enqueues nothing; one that succeeds enqueues with its change.
	if _, err := s.ChangeReturn(ctx, []string{f.a.ID}, "ret_1", func(r model.Return) (store.ReturnChange, error) {
		return store.ReturnChange{}, errors.New("the step refused")
	}); err == nil {
		t.Fatal("a failing step succeeded")
	}
	bad := model.Movement{Kind: model.MoveWriteOff, WarehouseID: "wh_r", SKU: "NONE", Quantity: 1, Reason: "x", Actor: actor, At: at(2)}
	if _, err := s.ChangeReturn(ctx, []string{f.a.ID}, "ret_1", func(r model.Return) (store.ReturnChange, error) {
		r.Status = model.ReturnAwaitingBuyerShip
		return store.ReturnChange{Return: r, Changed: true, Movements: []model.Movement{bad}, Jobs: []store.Job{returnJob("refused")}}, nil
	}); !errors.Is(err, model.ErrConflict) {
		t.Fatalf("a refused movement: %v", err)
	}
	if _, err := s.ChangeReturn(ctx, []string{f.a.ID}, "ret_1", func(r model.Return) (store.ReturnChange, error) {
		r.Status = model.ReturnAwaitingBuyerShip
		return store.ReturnChange{Return: r, Changed: true, Jobs: []store.Job{returnJob("approved")}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	// Jobs alone, without a change of the return.
	if _, err := s.ChangeReturn(ctx, []string{f.a.ID}, "ret_1", func(r model.Return) (store.ReturnChange, error) {
		return store.ReturnChange{Jobs: []store.Job{returnJob("retry")}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if got, want := returnJobs(t, s), []string{"created", "approved", "retry"}; !reflect.DeepEqual(got, want) {
		t.Errorf("jobs %v, want %v", got, want)
	}
	if r, _ := s.GetReturn(ctx, []string{f.a.ID}, "ret_1"); r.Status != model.ReturnAwaitingBuyerShip {
		t.Errorf("status %s", r.Status)
	}
}

func testReturnRefusals(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newReturnFix(t, s)
	f.put(t, newReturn(f.oa, "ret_1", "tt-1", at(1)))
	try := func(what string, target error, fn store.ReturnFunc) {
		t.Helper()
		if _, err := s.ChangeReturn(ctx, []string{f.a.ID}, "ret_1", fn); !errors.Is(err, target) {
			t.Errorf("%s: %v, want %v", what, err, target)
		}
	}
	try("another order", model.ErrInvalid, func(r model.Return) (store.ReturnChange, error) {
		r.OrderID = f.ob.ID
		return store.ReturnChange{Return: r, Changed: true}, nil
	})
	try("another external id", model.ErrInvalid, func(r model.Return) (store.ReturnChange, error) {
		r.ExternalID = "tt-2"
		return store.ReturnChange{Return: r, Changed: true}, nil
	})
	try("a bad status", model.ErrInvalid, func(r model.Return) (store.ReturnChange, error) {
		r.Status = "SHIPPED"
		return store.ReturnChange{Return: r, Changed: true}, nil
	})
	try("a document of no label", model.ErrInvalid, func(r model.Return) (store.ReturnChange, error) {
		return store.ReturnChange{Documents: []model.LabelDocument{{ShipmentID: "rsh_none", Format: "pdf", ContentType: "application/pdf",
			Content: []byte("%PDF"), CreatedAt: at(2)}}}, nil
	})
	try("a NUL byte", model.ErrInvalid, func(r model.Return) (store.ReturnChange, error) {
		r.ReasonText = "bad\x00text"
		return store.ReturnChange{Return: r, Changed: true}, nil
	})
	// A new return must be of the shop and external id it is upserted under; its order must exist.
	for name, r := range map[string]model.Return{
		"another shop":        newReturn(f.ob, "ret_x", "tt-9", at(1)),
		"another external id": newReturn(f.oa, "ret_x", "tt-8", at(1)),
	} {
		if _, err := s.UpsertReturn(ctx, f.a.ID, "tt-9", func(*model.Return) (store.ReturnChange, error) {
			return store.ReturnChange{Return: r, Changed: true}, nil
		}); !errors.Is(err, model.ErrInvalid) {
			t.Errorf("new return of %s: %v", name, err)
		}
	}
	orphan := newReturn(f.oa, "ret_y", "tt-7", at(1))
	orphan.OrderID = "ord_missing"
	if _, err := s.UpsertReturn(ctx, f.a.ID, "tt-7", func(*model.Return) (store.ReturnChange, error) {
		return store.ReturnChange{Return: orphan, Changed: true}, nil
	}); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("a return of no order: %v", err)
	}
	dup := newReturn(f.oa, "ret_1", "", at(1))
	if _, err := s.UpsertReturn(ctx, f.a.ID, "", func(*model.Return) (store.ReturnChange, error) {
		return store.ReturnChange{Return: dup, Changed: true}, nil
	}); !errors.Is(err, model.ErrConflict) {
		t.Errorf("a taken id: %v", err)
	}
	if r, _ := s.GetReturn(ctx, []string{f.a.ID}, "ret_1"); r.ExternalID != "tt-1" || r.OrderID != f.oa.ID || r.ReasonText != newReturn(f.oa, "", "", at(1)).ReasonText {
		t.Errorf("refusals changed the return: %+v", r)
	}
}

func testReturnScope(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newReturnFix(t, s)
	f.put(t, labelled(newReturn(f.oa, "ret_1", "tt-1", at(1)), "rsh_1", "1ZAAA", at(1)))
	if _, err := s.GetReturn(ctx, []string{f.b.ID}, "ret_1"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("get from another shop: %v", err)
	}
	if _, err := s.GetReturn(ctx, nil, "ret_1"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("get with no shop: %v", err)
	}
	called := false
	if _, err := s.ChangeReturn(ctx, []string{f.b.ID}, "ret_1", func(r model.Return) (store.ReturnChange, error) {
		called = true
		return store.ReturnChange{}, nil
	}); !errors.Is(err, model.ErrNotFound) || called {
		t.Errorf("change from another shop: %v (step called %v)", err, called)
	}
	if l, err := s.ListReturns(ctx, store.ReturnQuery{ShopIDs: []string{f.b.ID}, TrackingNumber: "1ZAAA"}); err != nil || len(l) != 0 {
		t.Errorf("another shop finds the label: %v, %v", l, err)
	}
	if _, err := s.GetReturnByExternalID(ctx, f.b.ID, "tt-1"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("external id in another shop: %v", err)
	}
}

func testListReturns(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newReturnFix(t, s)
	o2 := upsertOne(t, s, sample(f.a.ID, "ret-a2", t0, model.StatusDelivered), t0).Order
	var want []string
	for i := range 7 {
		r := newReturn(f.oa, fmt.Sprintf("ret_%d", i), fmt.Sprintf("tt-%d", i), at(i))
		if i%2 == 1 {
			r.OrderID, r.Status = o2.ID, model.ReturnAwaitingBuyerShip
		}
		if i == 3 {
			// An older label voided and a new one bought: both numbers find the return.
			r = labelled(r, "rsh_old", "1ZOLD", at(i))
			r.Shipments[0].Status = model.ShipmentVoided
			r = labelled(r, "rsh_new", "1ZNEW", at(i))
		}
		f.put(t, r)
		want = append(want, r.ID)
	}
	f.put(t, newReturn(f.ob, "ret_b", "tt-b", at(1)))
	ids := func(q store.ReturnQuery) []string {
		t.Helper()
		q.ShopIDs = []string{f.a.ID}
		var out []string
		for {
			q.Limit = 3
			page, err := s.ListReturns(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range page {
				out = append(out, r.ID)
			}
			if len(page) < 3 {
				return out
			}
			last := page[len(page)-1]
			q.After = &store.Cursor{ModifiedAt: last.CreatedAt, ID: last.ID}
		}
	}
	for name, c := range map[string]struct {
		q    store.ReturnQuery
		want []string
	}{
		"all":          {store.ReturnQuery{}, want},
		"status":       {store.ReturnQuery{Statuses: []model.ReturnStatus{model.ReturnAwaitingBuyerShip}}, []string{"ret_1", "ret_3", "ret_5"}},
		"order":        {store.ReturnQuery{OrderID: f.oa.ID}, []string{"ret_0", "ret_2", "ret_4", "ret_6"}},
		"live label":   {store.ReturnQuery{TrackingNumber: "1ZNEW"}, []string{"ret_3"}},
		"older label":  {store.ReturnQuery{TrackingNumber: "1ZOLD"}, []string{"ret_3"}},
		"no label":     {store.ReturnQuery{TrackingNumber: "1ZNONE"}, nil},
		"requested in": {store.ReturnQuery{RequestedFrom: at(2), RequestedTo: at(5)}, []string{"ret_2", "ret_3", "ret_4"}},
	} {
		if got := ids(c.q); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %v, want %v", name, got, c.want)
		}
	}
}

func testCountBuyerReturns(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newReturnFix(t, s)
	for i := range 4 {
		f.put(t, newReturn(f.oa, fmt.Sprintf("ret_%d", i), "", at(24*i)))
	}
	other := newReturn(f.oa, "ret_other", "", at(24))
	other.BuyerKey = "someone@example.com"
	f.put(t, other)
	b := newReturn(f.ob, "ret_b", "", at(24))
	f.put(t, b)
	for _, c := range []struct {
		from, to time.Time
		except   string
		want     int
	}{
		{at(0), at(100), "", 4},
		{at(0), at(100), "ret_3", 3},
		{at(24), at(72), "", 2}, // [from, to)
		{at(200), at(300), "", 0},
	} {
		n, err := s.CountBuyerReturns(ctx, f.a.ID, "jane@example.com", c.from, c.to, c.except)
		if err != nil || n != c.want {
			t.Errorf("count [%v, %v) except %q: %d, %v; want %d", c.from, c.to, c.except, n, err, c.want)
		}
	}
}

func testReturnLabelDocuments(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newReturnFix(t, s)
	f.put(t, labelled(newReturn(f.oa, "ret_1", "", at(1)), "rsh_1", "1ZAAA", at(1)))
	d := model.LabelDocument{ShipmentID: "rsh_1", Format: "zpl", DPI: 203, ContentType: "application/zpl", Content: []byte("^XA^XZ"), CreatedAt: at(2)}
	first, err := s.PutReturnLabelDocument(ctx, "ret_1", d)
	if err != nil || string(first.Content) != "^XA^XZ" {
		t.Fatalf("put: %+v, %v", first, err)
	}
	d2 := d
	d2.Content, d2.CreatedAt = []byte("^XA^FDother^XZ"), at(3)
	again, err := s.PutReturnLabelDocument(ctx, "ret_1", d2)
	if err != nil || !reflect.DeepEqual(again, first) {
		t.Fatalf("the second put: %+v, %v; the first stays (R-LBL-6)", again, err)
	}
	got, err := s.GetReturnLabelDocument(ctx, []string{f.a.ID}, "ret_1", "rsh_1", "zpl", 203)
	if err != nil || !reflect.DeepEqual(got, first) {
		t.Fatalf("get: %+v, %v", got, err)
	}
	if _, err := s.GetReturnLabelDocument(ctx, []string{f.b.ID}, "ret_1", "rsh_1", "zpl", 203); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("get from another shop: %v", err)
	}
	if _, err := s.GetReturnLabelDocument(ctx, []string{f.a.ID}, "ret_1", "rsh_1", "pdf", 0); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("a format never stored: %v", err)
	}
	if _, err := s.PutReturnLabelDocument(ctx, "ret_missing", d); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("put for no return: %v", err)
	}
	// Documents stored with a change.
	pdf := model.LabelDocument{ShipmentID: "rsh_1", Format: "pdf", ContentType: "application/pdf", Content: []byte("%PDF-1.4"), CreatedAt: at(2)}
	if _, err := s.ChangeReturn(ctx, []string{f.a.ID}, "ret_1", func(model.Return) (store.ReturnChange, error) {
		return store.ReturnChange{Documents: []model.LabelDocument{pdf}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.GetReturnLabelDocument(ctx, []string{f.a.ID}, "ret_1", "rsh_1", "pdf", 0); err != nil || string(got.Content) != "%PDF-1.4" {
		t.Errorf("document of a change: %+v, %v", got, err)
	}
}

func testReturnRules(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newReturnFix(t, s)
	if _, err := s.GetReturnRules(ctx, f.a.ID); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("rules never set: %v", err)
	}
	three, fifty := 3, 50
	r := model.ReturnRules{ShopID: f.a.ID, Default: model.DecideReturn, AutoApply: true, UpdatedAt: at(1),
		Categories: []model.SKUCategory{{Name: "apparel", Prefixes: []string{"TS-"}, SKUs: []string{"HAT-1"}}},
		Rules: []model.ReturnRule{
			{Name: "serial", Decision: model.DecideReview, BuyerReturnsAtLeast: &three, BuyerWindowDays: 90},
			{Name: "cheap", Decision: model.DecideRefundOnly, ValueBelow: &model.Money{Amount: 1500, Currency: "USD"},
				Reasons: []string{"damaged_in_transit"}, Categories: []string{"apparel"}, LabelCostPctAtLeast: &fifty},
		}}
	if err := s.PutReturnRules(ctx, r); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetReturnRules(ctx, f.a.ID)
	if err != nil || !reflect.DeepEqual(got, r) {
		t.Fatalf("rules: got %+v, %v\nwant %+v", got, err, r)
	}
	r.Rules, r.UpdatedAt = r.Rules[:1], at(2)
	if err := s.PutReturnRules(ctx, r); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetReturnRules(ctx, f.a.ID); !reflect.DeepEqual(got, r) {
		t.Errorf("replaced rules: %+v", got)
	}
	if _, err := s.GetReturnRules(ctx, f.b.ID); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("shop B has A's rules: %v", err)
	}
	if err := s.PutReturnRules(ctx, model.ReturnRules{ShopID: "shop_missing", Default: model.DecideReturn, UpdatedAt: at(1)}); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("rules of no shop: %v", err)
	}
}

func testReturnRateBases(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newShipFix(t, s)
	// Units shipped per SKU: ship movements in the period only.
	mustMove(t, s, f.a.ID, movement(model.MoveReceive, "wh_1", "SKU-R", 10, at(1)), movement(model.MoveReserve, "wh_1", "SKU-R", 6, at(1)),
		movement(model.MoveShip, "wh_1", "SKU-R", 2, at(2)), movement(model.MoveShip, "wh_1", "SKU-R", 3, at(5)),
		movement(model.MoveShip, "wh_1", "SKU-R", 1, at(30)))
	units, err := s.ShippedUnits(ctx, []string{f.a.ID}, at(0), at(10))
	if err != nil || !reflect.DeepEqual(units, map[string]int64{"SKU-R": 5}) {
		t.Errorf("shipped units: %v, %v", units, err)
	}
	if units, err := s.ShippedUnits(ctx, []string{f.b.ID}, at(0), at(10)); err != nil || len(units) != 0 {
		t.Errorf("shop B's shipped units: %v, %v", units, err)
	}
	// Labelled shipments per carrier: bought in the period, not voided or failed.
	p1, p2 := newPackage(f.o, "pkg_1", "wh_1", at(1)), newPackage(f.o, "pkg_2", "wh_2", at(1))
	s1 := purchased(newShipment(p1, "shp_1", at(1)), "9400100000000000000001", at(2))
	s2 := newShipment(p2, "shp_2", at(1))
	s2.Carrier = "ups"
	s2 = purchased(s2, "1Z0000000000000001", at(3))
	f.step(t, f.o.ID, store.ShippingChange{NewPackages: []model.Package{p1, p2}, Shipments: []model.Shipment{s1, s2}})
	f.step(t, f.o.ID, store.ShippingChange{Shipments: []model.Shipment{voided(s2, at(4))}})
	got, err := s.LabelledShipments(ctx, []string{f.a.ID}, at(0), at(10))
	if err != nil || !reflect.DeepEqual(got, map[string]int64{"usps": 1}) {
		t.Errorf("labelled shipments: %v, %v", got, err)
	}
	if got, err := s.LabelledShipments(ctx, []string{f.a.ID}, at(5), at(10)); err != nil || len(got) != 0 {
		t.Errorf("labelled shipments outside the period: %v, %v", got, err)
	}
}
