package storetest

// The conformance tests of store.Shipping: shipping steps (ChangeShipping) with their locking,
// refusals, the two-live-shipments guard and the outbox; label documents; lookups and listings
// by shop; batches and their dispatch; manifests. Times carry microseconds, which both
// databases keep.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// RunShipping exercises store.Shipping on the stores newStore returns. Each subtest gets its own
// store.
func RunShipping(t *testing.T, newStore func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"ChangeShippingRoundTrip", testShippingRoundTrip},
		{"ChangeShippingScope", testShippingScope},
		{"ChangeShippingRefusals", testShippingRefusals},
		{"LiveShipmentGuard", testLiveShipmentGuard},
		{"LiveShipmentGuardConcurrent", testLiveShipmentGuardConcurrent},
		{"ChangeShippingSerialises", testShippingSerialises},
		{"ShippingOutbox", testShippingOutbox},
		{"LabelDocuments", testLabelDocuments},
		{"LabelDocumentsConcurrent", testLabelDocumentsConcurrent},
		{"ShipmentByTracking", testShipmentByTracking},
		{"ListShipments", testListShipments},
		{"ShippingText", testShippingText},
		{"Batches", testBatches},
		{"BatchRefusals", testBatchRefusals},
		{"DispatchBatch", testDispatchBatch},
		{"DispatchBatchConcurrent", testDispatchBatchConcurrent},
		{"BatchCounts", testBatchCounts},
		{"Manifests", testManifests},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newStore(t))
		})
	}
}

// shipFix is the world of the shipping tests: shops A and B, warehouses wh_1 and wh_2 of A and
// wh_b of B, an order of A allocated across both of A's warehouses (so it ships as two packages,
// R-MODE-6) and an order of B without an allocation.
type shipFix struct {
	s     store.Store
	a, b  model.Shop
	both  []string // both shops: a scope that reaches every order
	o     model.Order
	alloc store.Allocation
	ob    model.Order
}

func newShipFix(t *testing.T, s store.Store) *shipFix {
	t.Helper()
	f := &shipFix{s: s, a: mustShop(t, s, "A"), b: mustShop(t, s, "B")}
	f.both = []string{f.a.ID, f.b.ID}
	mustWarehouse(t, s, f.a.ID, "wh_1", "LAX")
	mustWarehouse(t, s, f.a.ID, "wh_2", "NYC")
	mustWarehouse(t, s, f.b.ID, "wh_b", "LAX")
	mustMove(t, s, f.a.ID, movement(model.MoveReceive, "wh_1", "SKU-X", 10, t0), movement(model.MoveReceive, "wh_2", "SKU-Y", 10, t0))
	o := sample(f.a.ID, "ship-1", t0, model.StatusAwaitingShipment)
	o.Lines = []model.Line{o.Lines[0], o.Lines[0]}
	o.Lines[0].SKU, o.Lines[0].Quantity = "SKU-X", 3
	o.Lines[1].SKU, o.Lines[1].Quantity = "SKU-Y", 1
	f.o = upsertOne(t, s, o, t0).Order
	f.alloc = mustReserve(t, s, f.o, map[string]string{"SKU-X": "wh_1", "SKU-Y": "wh_2"}, t0.Add(time.Minute))
	f.ob = upsertOne(t, s, sample(f.b.ID, "ship-b", t0, model.StatusAwaitingShipment), t0).Order
	return f
}

// order stores another order of shop.
func (f *shipFix) order(t *testing.T, shop model.Shop, ext string) model.Order {
	t.Helper()
	return upsertOne(t, f.s, sample(shop.ID, ext, t0, model.StatusAwaitingShipment), t0).Order
}

// at is t0 plus h hours and some microseconds.
func at(h int) time.Time { return t0.Add(time.Duration(h)*time.Hour + 123456*time.Microsecond) }

func newPackage(o model.Order, id, wh string, created time.Time) model.Package {
	return model.Package{ID: id, ShopID: o.ShopID, OrderID: o.ID, WarehouseID: wh,
		Lines: []model.PackageLine{{SKU: "SKU-X", Quantity: 3}, {SKU: "SKU-Z", Quantity: 1}},
		Box:   "BOX-S2", WeightG: 640, LengthMM: 300, WidthMM: 200, HeightMM: 100, Mode: model.ModeSeller, CreatedAt: created}
}

func newShipment(p model.Package, id string, created time.Time) model.Shipment {
	return model.Shipment{ID: id, ShopID: p.ShopID, OrderID: p.OrderID, PackageID: p.ID, Status: model.ShipmentCreated,
		Mode: p.Mode, Carrier: "usps", Service: "ground_advantage",
		Quote: &model.Cost{Total: model.Money{Amount: 612, Currency: "USD"}, Lines: []model.CostLine{
			{Kind: "base", Amount: 560}, {Kind: "fuel", Name: "Fuel surcharge", Amount: 37}, {Kind: "fee", Name: "Tracking", Amount: 15}}},
		CreatedAt: created, UpdatedAt: created}
}

func purchased(sh model.Shipment, tracking string, when time.Time) model.Shipment {
	sh.Status, sh.TrackingNumber, sh.CarrierShipmentID, sh.LabelFormat = model.ShipmentLabelPurchased, tracking, "cs-"+tracking, "pdf"
	sh.Cost = &model.Cost{Total: model.Money{Amount: 640, Currency: "USD"}, Lines: []model.CostLine{{Kind: "base", Amount: 640}}}
	sh.PurchasedAt, sh.UpdatedAt = &when, when
	return sh
}

func voided(sh model.Shipment, when time.Time) model.Shipment {
	sh.Status, sh.VoidedAt, sh.UpdatedAt = model.ShipmentVoided, &when, when
	return sh
}

func failed(sh model.Shipment, when time.Time) model.Shipment {
	sh.Status, sh.UpdatedAt = model.ShipmentFailed, when
	sh.Failure = &model.FieldError{Code: "tracking_number_check", Field: "tracking_number",
		Message: "the carrier's number 1Z999 fails its check digit (R-SHIP-4): void and buy again"}
	return sh
}

// shipJob is a job a shipping step enqueues; id tells jobs apart.
func shipJob(id string) store.Job {
	return store.Job{Kind: "storetest.ship", Args: json.RawMessage(fmt.Sprintf(`{"id":%q}`, id))}
}

// shipJobs returns the ids of the storetest.ship jobs of s, in insertion order.
func shipJobs(t *testing.T, s store.Store) []string {
	t.Helper()
	var ids []string
	for _, r := range ListJobs(t, s) {
		if r.Kind != "storetest.ship" {
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

// try runs one shipping step of orderID that returns ch, in the scope of both shops.
func (f *shipFix) try(orderID string, ch store.ShippingChange) (store.ShippingState, error) {
	return f.s.ChangeShipping(context.Background(), f.both, orderID, func(store.ShippingState) (store.ShippingChange, error) {
		return ch, nil
	})
}

func (f *shipFix) step(t *testing.T, orderID string, ch store.ShippingChange) store.ShippingState {
	t.Helper()
	st, err := f.try(orderID, ch)
	if err != nil {
		t.Fatalf("shipping step of %s: %v", orderID, err)
	}
	return st
}

// state reads the shipping state of orderID with a step that changes nothing.
func (f *shipFix) state(t *testing.T, orderID string) store.ShippingState {
	t.Helper()
	return f.step(t, orderID, store.ShippingChange{})
}

// unchanged fails unless the state of orderID and the jobs are as before.
func (f *shipFix) unchanged(t *testing.T, orderID string, before store.ShippingState, jobs []string, what string) {
	t.Helper()
	if got := f.state(t, orderID); !reflect.DeepEqual(got, before) {
		t.Errorf("%s changed the shipping state:\n got %+v\nwant %+v", what, got, before)
	}
	if got := shipJobs(t, f.s); !reflect.DeepEqual(got, jobs) {
		t.Errorf("%s left jobs %v, want %v", what, got, jobs)
	}
}

func testShippingRoundTrip(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newShipFix(t, s)

	// The first step sees the order as stored, its allocation and nothing else; a step that
	// changes nothing writes nothing and gets the same state back.
	var seen store.ShippingState
	got, err := s.ChangeShipping(ctx, []string{f.a.ID}, f.o.ID, func(st store.ShippingState) (store.ShippingChange, error) {
		seen = st
		return store.ShippingChange{}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(seen.Order, mustGet(t, s, []string{f.a.ID}, f.o.ID)) {
		t.Errorf("the step got order %+v, want the stored order", seen.Order)
	}
	if seen.Allocation == nil || !reflect.DeepEqual(*seen.Allocation, f.alloc) {
		t.Errorf("the step got allocation %+v, want %+v", seen.Allocation, f.alloc)
	}
	if len(seen.Packages) != 0 || len(seen.Shipments) != 0 {
		t.Errorf("a new order has packages %v and shipments %v", seen.Packages, seen.Shipments)
	}
	if !reflect.DeepEqual(got, seen) {
		t.Errorf("a step that changed nothing returned\n%+v\nnot what it saw\n%+v", got, seen)
	}
	if st := f.state(t, f.ob.ID); st.Allocation != nil {
		t.Errorf("an order without an allocation got %+v", st.Allocation)
	}

	// One step: the order changes, two packages (one per warehouse), a shipment of each, one
	// of which failed.
	o := seen.Order
	o.Version++
	o.ModifiedAt = at(1)
	o.History = append(o.History, model.Event{At: at(1), Kind: "packed", Cause: "storetest"})
	p1, p2 := newPackage(o, "pkg_1", "wh_1", at(1)), newPackage(o, "pkg_2", "wh_2", at(1))
	p2.Lines, p2.Box, p2.Mode = []model.PackageLine{{SKU: "SKU-Y", Quantity: 1}}, "", model.ModePlatform
	s1 := newShipment(p1, "shp_1", at(1))
	s1.BatchID = "bat_x"
	s2 := failed(newShipment(p2, "shp_2", at(1)), at(1))
	st := f.step(t, o.ID, store.ShippingChange{Order: o, OrderChanged: true, NewPackages: []model.Package{p1, p2},
		Shipments: []model.Shipment{s1, s2}})
	if stored := mustGet(t, s, f.both, o.ID); !reflect.DeepEqual(stored, o) || !reflect.DeepEqual(st.Order, o) {
		t.Errorf("order after the step:\nstored   %+v\nreturned %+v\nwant     %+v", stored, st.Order, o)
	}
	if want := []model.Package{p1, p2}; !reflect.DeepEqual(st.Packages, want) {
		t.Errorf("packages:\n got %+v\nwant %+v", st.Packages, want)
	}
	if want := []model.Shipment{s1, s2}; !reflect.DeepEqual(st.Shipments, want) {
		t.Errorf("shipments:\n got %+v\nwant %+v", st.Shipments, want)
	}
	for _, p := range []model.Package{p1, p2} {
		if got, err := s.GetPackage(ctx, []string{f.a.ID}, p.ID); err != nil || !reflect.DeepEqual(got, p) {
			t.Errorf("GetPackage %s: %+v, %v; want %+v", p.ID, got, err, p)
		}
	}

	// The next step buys s1's label (its creation time stays as stored, whatever the step
	// says), adds a third shipment for p2 and a document, and leaves the order alone.
	b1 := purchased(s1, "9400111899223197428490", at(2))
	moved := b1
	moved.CreatedAt = at(9)
	s3 := newShipment(p2, "shp_0", at(2)) // an id before the others: creation order is not id order
	doc := model.LabelDocument{ShipmentID: s1.ID, Format: "pdf", ContentType: "application/pdf",
		Content: []byte("%PDF-1.7\x00\xff label"), CreatedAt: at(2)}
	st = f.step(t, o.ID, store.ShippingChange{Shipments: []model.Shipment{moved, s3}, Documents: []model.LabelDocument{doc}})
	if want := []model.Shipment{b1, s2, s3}; !reflect.DeepEqual(st.Shipments, want) {
		t.Errorf("shipments after the second step:\n got %+v\nwant %+v", st.Shipments, want)
	}
	if st.Order.Version != o.Version || !reflect.DeepEqual(st.Order, o) {
		t.Errorf("a step that did not change the order left it at version %d, want %d", st.Order.Version, o.Version)
	}
	if !reflect.DeepEqual(st, f.state(t, o.ID)) {
		t.Errorf("the state returned is not the state stored")
	}
	for _, sh := range []model.Shipment{b1, s2, s3} {
		if got, err := s.GetShipment(ctx, []string{f.a.ID}, sh.ID); err != nil || !reflect.DeepEqual(got, sh) {
			t.Errorf("GetShipment %s:\n got %+v, %v\nwant %+v", sh.ID, got, err, sh)
		}
	}
	if got, err := s.GetLabelDocument(ctx, []string{f.a.ID}, s1.ID, "pdf", 0); err != nil || !reflect.DeepEqual(got, doc) {
		t.Errorf("GetLabelDocument: %+v, %v; want %+v", got, err, doc)
	}
}

func testShippingScope(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newShipFix(t, s)
	p := newPackage(f.o, "pkg_1", "wh_1", at(1))
	sh := purchased(newShipment(p, "shp_1", at(1)), "TRK1", at(1))
	doc := model.LabelDocument{ShipmentID: sh.ID, Format: "zpl", DPI: 203, ContentType: "x-application/zpl", Content: []byte("^XA^XZ"), CreatedAt: at(1)}
	f.step(t, f.o.ID, store.ShippingChange{NewPackages: []model.Package{p}, Shipments: []model.Shipment{sh}, Documents: []model.LabelDocument{doc}})
	pb := newPackage(f.ob, "pkg_b", "wh_b", at(1))
	shb := purchased(newShipment(pb, "shp_b", at(1)), "TRK1", at(1)) // the same number in another shop
	f.step(t, f.ob.ID, store.ShippingChange{NewPackages: []model.Package{pb}, Shipments: []model.Shipment{shb}})

	called := false
	never := func(store.ShippingState) (store.ShippingChange, error) {
		called = true
		return store.ShippingChange{}, nil
	}
	onlyB, onlyA := []string{f.b.ID}, []string{f.a.ID}
	for _, tc := range []struct {
		name  string
		scope []string
		id    string
	}{{"another shop's order", onlyB, f.o.ID}, {"no scope", nil, f.o.ID}, {"a missing order", f.both, "ord_missing"}} {
		_, err := s.ChangeShipping(ctx, tc.scope, tc.id, never)
		if !errors.Is(err, model.ErrNotFound) {
			t.Errorf("ChangeShipping of %s: got %v, want ErrNotFound", tc.name, err)
		}
	}
	if called {
		t.Error("a shipping step ran on an order outside its scope")
	}
	notFound := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, model.ErrNotFound) {
			t.Errorf("%s from shop B: got %v, want ErrNotFound", what, err)
		}
	}
	_, err := s.GetShipment(ctx, onlyB, sh.ID)
	notFound("GetShipment", err)
	_, err = s.GetPackage(ctx, onlyB, p.ID)
	notFound("GetPackage", err)
	_, err = s.GetLabelDocument(ctx, onlyB, sh.ID, "zpl", 203)
	notFound("GetLabelDocument", err)
	_, err = s.GetShipment(ctx, nil, sh.ID)
	notFound("GetShipment with no scope", err)
	if got, err := s.GetShipmentByTracking(ctx, onlyB, "", "TRK1"); err != nil || got.ID != shb.ID {
		t.Errorf("GetShipmentByTracking in shop B: %s, %v; want B's own %s", got.ID, err, shb.ID)
	}
	if got, err := s.GetShipmentByTracking(ctx, onlyA, "", "TRK1"); err != nil || got.ID != sh.ID {
		t.Errorf("GetShipmentByTracking in shop A: %s, %v; want A's own %s", got.ID, err, sh.ID)
	}
	for _, tc := range []struct {
		scope []string
		want  []string
	}{{onlyA, []string{sh.ID}}, {onlyB, []string{shb.ID}}, {f.both, []string{sh.ID, shb.ID}}, {nil, nil}} {
		list, err := s.ListShipments(ctx, store.ShipmentQuery{ShopIDs: tc.scope})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, x := range list {
			ids = append(ids, x.ID)
		}
		slices.Sort(ids)
		if !reflect.DeepEqual(ids, tc.want) {
			t.Errorf("ListShipments in %v: got %v, want %v", tc.scope, ids, tc.want)
		}
	}
}

func testShippingRefusals(t *testing.T, s store.Store) {
	f := newShipFix(t, s)
	o := f.o
	p := newPackage(o, "pkg_1", "wh_1", at(1))
	sh := newShipment(p, "shp_1", at(1))
	f.step(t, o.ID, store.ShippingChange{NewPackages: []model.Package{p}, Shipments: []model.Shipment{sh}})
	pb := newPackage(f.ob, "pkg_b", "wh_b", at(1))
	shb := newShipment(pb, "shp_b", at(1))
	f.step(t, f.ob.ID, store.ShippingChange{NewPackages: []model.Package{pb}, Shipments: []model.Shipment{shb}})
	batch := model.Batch{ID: "bat_1", ShopID: f.a.ID, Kind: "ship", CreatedAt: at(1)}
	if err := s.CreateBatch(context.Background(), batch, []string{o.ID, f.ob.ID}, nil); err != nil {
		t.Fatal(err)
	}
	before, items := f.state(t, o.ID), listItems(t, s, batch.ID)

	errStep := errors.New("no service meets the promise")
	changed := o
	changed.Version++
	p2 := newPackage(o, "pkg_2", "wh_2", at(2))
	sh2 := newShipment(p2, "shp_2", at(2))
	item := &model.BatchItem{BatchID: batch.ID, Seq: 0, OrderID: o.ID, Outcome: model.ItemShipped, UpdatedAt: at(2)}
	// Every case also carries a whole, valid change, which must not be written either.
	whole := func(ch store.ShippingChange) store.ShippingChange {
		ch.Order, ch.OrderChanged = changed, true
		ch.NewPackages = append([]model.Package{p2}, ch.NewPackages...)
		ch.Shipments = append([]model.Shipment{sh2}, ch.Shipments...)
		ch.Jobs = []store.Job{shipJob("refused")}
		if ch.BatchItem == nil {
			ch.BatchItem = item
		}
		return ch
	}
	otherOrder := changed
	otherOrder.ID = f.ob.ID
	otherShop := changed
	otherShop.ShopID = f.b.ID
	foreignPkg := newPackage(o, "pkg_3", "wh_1", at(2))
	foreignPkg.OrderID = f.ob.ID
	movedShipment := sh
	movedShipment.PackageID = p2.ID
	badStatus := sh2
	badStatus.Status = "lost"
	for _, tc := range []struct {
		name string
		fn   store.ShippingFunc
		want error
	}{
		{"the step fails", func(st store.ShippingState) (store.ShippingChange, error) {
			return whole(store.ShippingChange{}), errStep
		}, errStep},
		{"the order changes its id", fixed(whole(store.ShippingChange{}), func(ch *store.ShippingChange) { ch.Order = otherOrder }), model.ErrInvalid},
		{"the order changes its shop", fixed(whole(store.ShippingChange{}), func(ch *store.ShippingChange) { ch.Order = otherShop }), model.ErrInvalid},
		{"a package of another order", fixed(whole(store.ShippingChange{NewPackages: []model.Package{foreignPkg}}), nil), model.ErrInvalid},
		{"a package that exists", fixed(whole(store.ShippingChange{NewPackages: []model.Package{p}}), nil), model.ErrInvalid},
		{"a package id another order took", fixed(whole(store.ShippingChange{NewPackages: []model.Package{newPackage(o, pb.ID, "wh_1", at(2))}}), nil), model.ErrConflict},
		{"a shipment of another order's package", fixed(whole(store.ShippingChange{Shipments: []model.Shipment{newShipment(pb, "shp_x", at(2))}}), nil), model.ErrInvalid},
		{"a shipment id another order took", fixed(whole(store.ShippingChange{Shipments: []model.Shipment{newShipment(p2, shb.ID, at(2))}}), nil), model.ErrConflict},
		{"a shipment moving to another package", fixed(whole(store.ShippingChange{Shipments: []model.Shipment{movedShipment}}), nil), model.ErrInvalid},
		{"a shipment twice", fixed(whole(store.ShippingChange{Shipments: []model.Shipment{sh2}}), nil), model.ErrInvalid},
		{"an unknown status", fixed(whole(store.ShippingChange{}), func(ch *store.ShippingChange) { ch.Shipments[0] = badStatus }), model.ErrInvalid},
		{"a document of another order's shipment", fixed(whole(store.ShippingChange{Documents: []model.LabelDocument{{ShipmentID: shb.ID, Format: "pdf", Content: []byte("x")}}}), nil), model.ErrInvalid},
		{"a document without a format", fixed(whole(store.ShippingChange{Documents: []model.LabelDocument{{ShipmentID: sh.ID, Content: []byte("x")}}}), nil), model.ErrInvalid},
		{"the batch item of another order", fixed(whole(store.ShippingChange{BatchItem: &model.BatchItem{BatchID: batch.ID, Seq: 1, OrderID: f.ob.ID, Outcome: model.ItemShipped}}), nil), model.ErrInvalid},
		{"a batch item at another order's seq", fixed(whole(store.ShippingChange{BatchItem: &model.BatchItem{BatchID: batch.ID, Seq: 1, OrderID: o.ID, Outcome: model.ItemShipped}}), nil), model.ErrNotFound},
		{"a batch item of no batch", fixed(whole(store.ShippingChange{BatchItem: &model.BatchItem{BatchID: "bat_missing", Seq: 0, OrderID: o.ID, Outcome: model.ItemShipped}}), nil), model.ErrNotFound},
		{"an unknown outcome", fixed(whole(store.ShippingChange{BatchItem: &model.BatchItem{BatchID: batch.ID, Seq: 0, OrderID: o.ID, Outcome: "lost"}}), nil), model.ErrInvalid},
		{"a bad job", fixed(whole(store.ShippingChange{}), func(ch *store.ShippingChange) { ch.Jobs = append(ch.Jobs, store.Job{Kind: "bad kind"}) }), model.ErrInvalid},
	} {
		_, err := s.ChangeShipping(context.Background(), f.both, o.ID, tc.fn)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
			continue
		}
		f.unchanged(t, o.ID, before, nil, tc.name)
		if got := listItems(t, s, batch.ID); !reflect.DeepEqual(got, items) {
			t.Errorf("%s changed the batch items: %+v", tc.name, got)
		}
	}
	// The same change, whole, goes through.
	st := f.step(t, o.ID, whole(store.ShippingChange{}))
	if st.Order.Version != changed.Version || len(st.Packages) != 2 || len(st.Shipments) != 2 {
		t.Errorf("the valid change wrote order version %d, %d packages, %d shipments", st.Order.Version, len(st.Packages), len(st.Shipments))
	}
	if got := listItems(t, s, batch.ID); got[0].Outcome != model.ItemShipped || got[1].Outcome != model.ItemPending {
		t.Errorf("batch items after the valid change: %+v", got)
	}
}

// fixed returns a step that returns ch after edit (when not nil) changes it.
func fixed(ch store.ShippingChange, edit func(*store.ShippingChange)) store.ShippingFunc {
	return func(store.ShippingState) (store.ShippingChange, error) {
		ch.NewPackages, ch.Shipments = slices.Clone(ch.NewPackages), slices.Clone(ch.Shipments)
		if edit != nil {
			edit(&ch)
		}
		return ch, nil
	}
}

func testLiveShipmentGuard(t *testing.T, s store.Store) {
	f := newShipFix(t, s)
	o := f.o
	p := newPackage(o, "pkg_1", "wh_1", at(1))
	s1 := purchased(newShipment(p, "shp_1", at(1)), "TRK1", at(1))
	f.step(t, o.ID, store.ShippingChange{NewPackages: []model.Package{p}, Shipments: []model.Shipment{s1}})
	before := f.state(t, o.ID)

	// A second live shipment of the package, whatever the step thought, is a conflict and
	// writes nothing: not the shipment, not its document, not its job.
	for _, status := range []model.ShipmentStatus{model.ShipmentCreated, model.ShipmentLabelPurchased, model.ShipmentDelivered} {
		s2 := newShipment(p, "shp_2", at(2))
		s2.Status = status
		_, err := f.try(o.ID, store.ShippingChange{Shipments: []model.Shipment{s2}, Jobs: []store.Job{shipJob("second")},
			Documents: []model.LabelDocument{{ShipmentID: s2.ID, Format: "pdf", Content: []byte("x"), CreatedAt: at(2)}}})
		if !errors.Is(err, model.ErrConflict) {
			t.Fatalf("a second live (%s) shipment of a package: got %v, want ErrConflict", status, err)
		}
		f.unchanged(t, o.ID, before, nil, "a second live shipment")
	}

	// Voiding the first and creating its successor is one change, in either order.
	v1 := voided(s1, at(3))
	s2 := newShipment(p, "shp_2", at(3))
	st := f.step(t, o.ID, store.ShippingChange{Shipments: []model.Shipment{s2, v1}})
	if want := []model.Shipment{v1, s2}; !reflect.DeepEqual(st.Shipments, want) {
		t.Fatalf("after void and re-create:\n got %+v\nwant %+v", st.Shipments, want)
	}
	// A failed successor and a third attempt, in one change.
	f2 := failed(s2, at(4))
	s3 := newShipment(p, "shp_3", at(4))
	f.step(t, o.ID, store.ShippingChange{Shipments: []model.Shipment{s3, f2}})
	before = f.state(t, o.ID)
	// Bringing a voided shipment back to life beside the live one is a conflict.
	back := v1
	back.Status = model.ShipmentLabelPurchased
	if _, err := f.try(o.ID, store.ShippingChange{Shipments: []model.Shipment{back}}); !errors.Is(err, model.ErrConflict) {
		t.Fatalf("reviving a voided shipment beside a live one: got %v, want ErrConflict", err)
	}
	f.unchanged(t, o.ID, before, nil, "reviving a voided shipment")
	// Two live shipments of one package in one change.
	p2 := newPackage(o, "pkg_2", "wh_2", at(5))
	if _, err := f.try(o.ID, store.ShippingChange{NewPackages: []model.Package{p2},
		Shipments: []model.Shipment{newShipment(p2, "shp_4", at(5)), newShipment(p2, "shp_5", at(5))}}); !errors.Is(err, model.ErrConflict) {
		t.Fatalf("two live shipments of a new package: got %v, want ErrConflict", err)
	}
	f.unchanged(t, o.ID, before, nil, "two live shipments of a new package")
}

// testLiveShipmentGuardConcurrent runs steps that each, naively, create a live shipment for the
// same package at once: the order's lock runs them one after the other and the schema lets one
// through.
func testLiveShipmentGuardConcurrent(t *testing.T, s store.Store) {
	f := newShipFix(t, s)
	p := newPackage(f.o, "pkg_1", "wh_1", at(1))
	f.step(t, f.o.ID, store.ShippingChange{NewPackages: []model.Package{p}})
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("shp_%d", i)
			_, errs[i] = f.try(f.o.ID, store.ShippingChange{Shipments: []model.Shipment{purchased(newShipment(p, id, at(2)), "TRK"+id, at(2))},
				Jobs: []store.Job{shipJob(id)}})
		}()
	}
	wg.Wait()
	var won []string
	for i, err := range errs {
		switch {
		case err == nil:
			won = append(won, fmt.Sprintf("shp_%d", i))
		case !errors.Is(err, model.ErrConflict):
			t.Errorf("step %d: got %v, want nil or ErrConflict", i, err)
		}
	}
	st := f.state(t, f.o.ID)
	if len(won) != 1 || len(st.Shipments) != 1 || st.Shipments[0].ID != won[0] {
		t.Fatalf("%d concurrent steps buying a label for one package: %v succeeded, stored %+v; want exactly one", n, won, st.Shipments)
	}
	if jobs := shipJobs(t, s); !reflect.DeepEqual(jobs, won) {
		t.Errorf("jobs %v, want only the winner's %v", jobs, won)
	}
}

// testShippingSerialises runs shipping steps and order updates of one order at once. Each reads
// what it changes (the order's version, its packages) from what it was given: only if every
// step and update holds the order exclusively, the same lock for both, does none of them lose
// another's write.
func testShippingSerialises(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newShipFix(t, s)
	const steps, updates = 8, 8
	var wg sync.WaitGroup
	errs := make(chan error, steps+updates)
	for i := range steps + updates {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if i%2 == 0 {
				_, err = s.ChangeShipping(ctx, f.both, f.o.ID, func(st store.ShippingState) (store.ShippingChange, error) {
					o := st.Order
					o.Version++
					p := newPackage(o, fmt.Sprintf("pkg_%d", len(st.Packages)), "wh_1", at(1))
					return store.ShippingChange{Order: o, OrderChanged: true, NewPackages: []model.Package{p},
						Jobs: []store.Job{shipJob(fmt.Sprintf("step-%d", i))}}, nil
				})
			} else {
				_, err = s.UpdateOrder(ctx, f.both, f.o.ID, func(o *model.Order) (bool, error) {
					o.Version++
					return true, nil
				})
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	st := f.state(t, f.o.ID)
	if st.Order.Version != f.o.Version+steps+updates || len(st.Packages) != steps {
		t.Errorf("after %d steps and %d updates at once: version %d (want %d), %d packages (want %d)",
			steps, updates, st.Order.Version, f.o.Version+steps+updates, len(st.Packages), steps)
	}
	if jobs := shipJobs(t, s); len(jobs) != steps {
		t.Errorf("%d jobs, want %d", len(jobs), steps)
	}
}

func testShippingOutbox(t *testing.T, s store.Store) {
	f := newShipFix(t, s)
	o := f.o
	p := newPackage(o, "pkg_1", "wh_1", at(1))
	sh := newShipment(p, "shp_1", at(1))
	st := f.step(t, o.ID, store.ShippingChange{NewPackages: []model.Package{p}, Shipments: []model.Shipment{sh},
		Jobs: []store.Job{shipJob("buy-1"), shipJob("notify-1")}})
	if got := shipJobs(t, s); !reflect.DeepEqual(got, []string{"buy-1", "notify-1"}) {
		t.Fatalf("jobs of a committed step: %v", got)
	}
	// A step that fails after deciding writes neither its change nor its jobs.
	_, err := s.ChangeShipping(context.Background(), f.both, o.ID, func(store.ShippingState) (store.ShippingChange, error) {
		return store.ShippingChange{Shipments: []model.Shipment{purchased(sh, "TRK", at(2))}, Jobs: []store.Job{shipJob("lost")}},
			errors.New("carrier down")
	})
	if err == nil {
		t.Fatal("a failing step returned no error")
	}
	f.unchanged(t, o.ID, st, []string{"buy-1", "notify-1"}, "a failing step")
	// Nor does one the store refuses after inserting part of it.
	_, err = f.try(o.ID, store.ShippingChange{NewPackages: []model.Package{newPackage(o, "pkg_2", "wh_2", at(2))},
		Shipments: []model.Shipment{newShipment(p, "shp_2", at(2))}, Jobs: []store.Job{shipJob("conflict")}})
	if !errors.Is(err, model.ErrConflict) {
		t.Fatalf("second live shipment: %v", err)
	}
	f.unchanged(t, o.ID, st, []string{"buy-1", "notify-1"}, "a refused step")
	// An order without a step's jobs: a step with no jobs adds none.
	f.step(t, o.ID, store.ShippingChange{Shipments: []model.Shipment{purchased(sh, "TRK", at(3))}})
	if got := shipJobs(t, s); !reflect.DeepEqual(got, []string{"buy-1", "notify-1"}) {
		t.Errorf("jobs after a step without jobs: %v", got)
	}
}
