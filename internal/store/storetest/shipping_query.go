package storetest

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

func testLabelDocuments(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newShipFix(t, s)
	p := newPackage(f.o, "pkg_1", "wh_1", at(1))
	sh := purchased(newShipment(p, "shp_1", at(1)), "TRK1", at(1))
	zpl := model.LabelDocument{ShipmentID: sh.ID, Format: "zpl", DPI: 203, ContentType: "x-application/zpl",
		Content: []byte("^XA^FO50,50^BCN,100^FDTRK1^FS^XZ"), CreatedAt: at(1)}
	f.step(t, f.o.ID, store.ShippingChange{NewPackages: []model.Package{p}, Shipments: []model.Shipment{sh}, Documents: []model.LabelDocument{zpl}})

	// The first rendering of a (shipment, format, dpi) stays, through a step or a put (R-LBL-6).
	again := zpl
	again.Content, again.CreatedAt = []byte("^XA^XZ different"), at(2)
	f.step(t, f.o.ID, store.ShippingChange{Documents: []model.LabelDocument{again}})
	if got, err := s.PutLabelDocument(ctx, again); err != nil || !reflect.DeepEqual(got, zpl) {
		t.Errorf("a second put of zpl/203: %+v, %v; want the first, %+v", got, err, zpl)
	}
	if got, err := s.GetLabelDocument(ctx, []string{f.a.ID}, sh.ID, "zpl", 203); err != nil || !reflect.DeepEqual(got, zpl) {
		t.Errorf("zpl/203 after two more renderings: %+v, %v; want the first", got, err)
	}
	// Another resolution, and the carrier's own document (dpi 0), are other documents; the bytes
	// are kept as they are, NULs included.
	z300 := zpl
	z300.DPI, z300.Content = 300, []byte("^XA 300 ^XZ")
	own := model.LabelDocument{ShipmentID: sh.ID, Format: "pdf", ContentType: "application/pdf",
		Content: []byte("%PDF-1.4\n\x00\x01\xfe\xff%%EOF"), CreatedAt: at(2)}
	for _, d := range []model.LabelDocument{z300, own} {
		if got, err := s.PutLabelDocument(ctx, d); err != nil || !reflect.DeepEqual(got, d) {
			t.Errorf("put %s/%d: %+v, %v; want it stored", d.Format, d.DPI, got, err)
		}
		if got, err := s.GetLabelDocument(ctx, []string{f.a.ID}, sh.ID, d.Format, d.DPI); err != nil || !reflect.DeepEqual(got, d) {
			t.Errorf("get %s/%d: %+v, %v", d.Format, d.DPI, got, err)
		}
	}
	if got, _ := s.GetLabelDocument(ctx, []string{f.a.ID}, sh.ID, "zpl", 203); !bytes.Equal(got.Content, zpl.Content) {
		t.Errorf("storing zpl/300 changed zpl/203 to %q", got.Content)
	}
	for _, tc := range []struct {
		name, shipment, format string
		dpi                    int
	}{{"another dpi", sh.ID, "pdf", 203}, {"another format", sh.ID, "png", 203}, {"another shipment", "shp_missing", "zpl", 203}} {
		if _, err := s.GetLabelDocument(ctx, []string{f.a.ID}, tc.shipment, tc.format, tc.dpi); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("get a document of %s: got %v, want ErrNotFound", tc.name, err)
		}
	}
	missing := zpl
	missing.ShipmentID = "shp_missing"
	if _, err := s.PutLabelDocument(ctx, missing); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("put a document of no shipment: got %v, want ErrNotFound", err)
	}
	for _, d := range []model.LabelDocument{{ShipmentID: sh.ID, Content: []byte("x")}, {ShipmentID: sh.ID, Format: "pdf", DPI: -1}} {
		if _, err := s.PutLabelDocument(ctx, d); !errors.Is(err, model.ErrInvalid) {
			t.Errorf("put %+v: got %v, want ErrInvalid", d, err)
		}
	}
}

// testLabelDocumentsConcurrent renders one label in many requests at once: every request gets
// the same bytes, those stored.
func testLabelDocumentsConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newShipFix(t, s)
	p := newPackage(f.o, "pkg_1", "wh_1", at(1))
	sh := purchased(newShipment(p, "shp_1", at(1)), "TRK1", at(1))
	f.step(t, f.o.ID, store.ShippingChange{NewPackages: []model.Package{p}, Shipments: []model.Shipment{sh}})
	for round, format := range []string{"pdf", "png", "zpl"} {
		const n = 8
		got := make([]model.LabelDocument, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i], errs[i] = s.PutLabelDocument(ctx, model.LabelDocument{ShipmentID: sh.ID, Format: format, DPI: 203,
					ContentType: "application/octet-stream", Content: fmt.Appendf(nil, "rendering %d of round %d", i, round), CreatedAt: at(2)})
			}()
		}
		wg.Wait()
		stored, err := s.GetLabelDocument(ctx, []string{f.a.ID}, sh.ID, format, 203)
		if err != nil {
			t.Fatal(err)
		}
		for i := range n {
			if errs[i] != nil || !reflect.DeepEqual(got[i], stored) {
				t.Errorf("%s: concurrent put %d returned %q, %v; stored is %q", format, i, got[i].Content, errs[i], stored.Content)
			}
		}
	}
}

func testShipmentByTracking(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newShipFix(t, s)
	o := f.o
	scope := []string{f.a.ID}
	p1, p2 := newPackage(o, "pkg_1", "wh_1", at(1)), newPackage(o, "pkg_2", "wh_2", at(1))
	// TRK1: a live shipment, and a voided one created after it with the same number (a carrier
	// reusing a number): the live one is the answer.
	live := purchased(newShipment(p1, "shp_live", at(1)), "TRK1", at(1))
	later := voided(purchased(newShipment(p2, "shp_later", at(2)), "TRK1", at(2)), at(3))
	// TRK2: only dead shipments: the one created last is the answer.
	first := voided(purchased(newShipment(p2, "shp_first", at(1)), "TRK2", at(1)), at(1))
	f.step(t, o.ID, store.ShippingChange{NewPackages: []model.Package{p1, p2}, Shipments: []model.Shipment{live, first}})
	f.step(t, o.ID, store.ShippingChange{Shipments: []model.Shipment{later}})
	last := failed(purchased(newShipment(p2, "shp_a_last", at(4)), "TRK2", at(4)), at(4))
	f.step(t, o.ID, store.ShippingChange{Shipments: []model.Shipment{last}})
	ups := purchased(newShipment(p2, "shp_ups", at(5)), "TRK3", at(5))
	ups.Carrier = "ups"
	f.step(t, o.ID, store.ShippingChange{Shipments: []model.Shipment{ups}})

	for _, tc := range []struct {
		carrier, number, want string
	}{
		{"", "TRK1", live.ID}, {"usps", "TRK1", live.ID}, {"", "TRK2", last.ID}, {"usps", "TRK2", last.ID},
		{"", "TRK3", ups.ID}, {"ups", "TRK3", ups.ID}, {"usps", "TRK3", ""}, {"ups", "TRK1", ""}, {"", "TRK9", ""}, {"", "", ""},
	} {
		got, err := s.GetShipmentByTracking(ctx, scope, tc.carrier, tc.number)
		switch {
		case tc.want == "" && !errors.Is(err, model.ErrNotFound):
			t.Errorf("carrier %q number %q: got %s, %v; want ErrNotFound", tc.carrier, tc.number, got.ID, err)
		case tc.want != "" && (err != nil || got.ID != tc.want):
			t.Errorf("carrier %q number %q: got %s, %v; want %s", tc.carrier, tc.number, got.ID, err, tc.want)
		}
	}
	if got, _ := s.GetShipmentByTracking(ctx, scope, "", "TRK1"); !reflect.DeepEqual(got, live) {
		t.Errorf("by tracking number: got %+v, want %+v", got, live)
	}
}

func testListShipments(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newShipFix(t, s)
	// Three orders of A and one of B, each with a package per warehouse; every package has a
	// failed attempt and a live shipment. Creation times come in pairs, so that ties are broken
	// by id, and ids run against creation order.
	var all []model.Shipment
	n := 0
	next := func(p model.Package, status model.ShipmentStatus) model.Shipment {
		n++
		sh := newShipment(p, fmt.Sprintf("shp_%02d", 60-n), at(n/2))
		if n%3 == 0 {
			sh.Carrier = "ups"
		}
		if n%4 == 0 {
			sh.BatchID = "bat_1"
		}
		switch status {
		case model.ShipmentFailed:
			sh = failed(sh, at(n/2))
		case model.ShipmentLabelPurchased:
			sh = purchased(sh, fmt.Sprintf("TRK%d", n), at(n/2))
		}
		return sh
	}
	orders := []model.Order{f.o, f.order(t, f.a, "ship-2"), f.order(t, f.a, "ship-3"), f.ob}
	warehouseOf := map[string]string{}
	for i, o := range orders {
		whs := []string{"wh_1", "wh_2"}
		if o.ShopID == f.b.ID {
			whs = []string{"wh_b", "wh_b"}
		}
		var ch store.ShippingChange
		for j, wh := range whs {
			p := newPackage(o, fmt.Sprintf("pkg_%d_%d", i, j), wh, at(0))
			ch.NewPackages = append(ch.NewPackages, p)
			for _, status := range []model.ShipmentStatus{model.ShipmentFailed, model.ShipmentLabelPurchased} {
				sh := next(p, status)
				ch.Shipments = append(ch.Shipments, sh)
				warehouseOf[sh.ID] = wh
			}
		}
		f.step(t, o.ID, ch)
		all = append(all, ch.Shipments...)
	}
	slices.SortFunc(all, func(a, b model.Shipment) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	// expect filters the model the way the query should.
	expect := func(q store.ShipmentQuery) []model.Shipment {
		var out []model.Shipment
		for _, sh := range all {
			if slices.Contains(q.ShopIDs, sh.ShopID) && (q.OrderID == "" || sh.OrderID == q.OrderID) &&
				(len(q.Statuses) == 0 || slices.Contains(q.Statuses, sh.Status)) && (q.Carrier == "" || sh.Carrier == q.Carrier) &&
				(q.WarehouseID == "" || warehouseOf[sh.ID] == q.WarehouseID) && (q.BatchID == "" || sh.BatchID == q.BatchID) {
				out = append(out, sh)
			}
		}
		return out
	}
	a := []string{f.a.ID}
	for _, q := range []store.ShipmentQuery{
		{ShopIDs: a},
		{ShopIDs: f.both},
		{ShopIDs: []string{f.b.ID}},
		{ShopIDs: a, OrderID: orders[1].ID},
		{ShopIDs: a, OrderID: f.ob.ID},
		{ShopIDs: a, Statuses: []model.ShipmentStatus{model.ShipmentFailed}},
		{ShopIDs: f.both, Statuses: []model.ShipmentStatus{model.ShipmentLabelPurchased, model.ShipmentVoided}},
		{ShopIDs: a, Carrier: "ups"},
		{ShopIDs: f.both, WarehouseID: "wh_2"},
		{ShopIDs: a, BatchID: "bat_1"},
		{ShopIDs: f.both, Carrier: "usps", WarehouseID: "wh_1", Statuses: []model.ShipmentStatus{model.ShipmentLabelPurchased}},
	} {
		want := expect(q)
		if len(want) == 0 && len(q.ShopIDs) == 1 && q.ShopIDs[0] == f.a.ID && q.OrderID == "" {
			t.Fatalf("query %+v selects nothing: the fixture does not test it", q)
		}
		for _, limit := range []int{0, 1, 3, 100} {
			q := q
			q.Limit = limit
			var got []model.Shipment
			for page := 0; ; page++ {
				res, err := s.ListShipments(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				if limit > 0 && len(res) > limit {
					t.Fatalf("limit %d returned %d", limit, len(res))
				}
				got = append(got, res...)
				if len(res) == 0 || limit == 0 || len(res) < limit || page > len(all) {
					break
				}
				last := res[len(res)-1]
				q.After = &store.Cursor{ModifiedAt: last.CreatedAt, ID: last.ID}
			}
			if !reflect.DeepEqual(ids(got), ids(want)) {
				t.Errorf("query %+v by pages of %d:\n got %v\nwant %v", q, limit, ids(got), ids(want))
			} else if !reflect.DeepEqual(got, want) && len(want) > 0 {
				t.Errorf("query %+v: the shipments listed differ from those stored", q)
			}
		}
	}
}

func ids(shs []model.Shipment) []string {
	out := []string{}
	for _, sh := range shs {
		out = append(out, sh.ID)
	}
	return out
}

// testShippingText sends text no store can keep (a NUL byte, bytes that are not UTF-8) through
// every method: each refuses it with a validation error naming the field, on every store, and
// stores nothing.
func testShippingText(t *testing.T, s store.Store) {
	ctx := context.Background()
	f := newShipFix(t, s)
	o := f.o
	p := newPackage(o, "pkg_1", "wh_1", at(1))
	sh := newShipment(p, "shp_1", at(1))
	f.step(t, o.ID, store.ShippingChange{NewPackages: []model.Package{p}, Shipments: []model.Shipment{sh}})
	before := f.state(t, o.ID)
	scope := []string{f.a.ID}
	nul, bad := "TRK\x001", "TRK\xff1"

	check := func(what, field string, err error) {
		t.Helper()
		var ve *model.ValidationError
		if !errors.As(err, &ve) || !errors.Is(err, model.ErrInvalid) {
			t.Errorf("%s: got %v, want a validation error", what, err)
			return
		}
		if !slices.ContainsFunc(ve.Problems, func(p model.FieldError) bool { return p.Field == field }) {
			t.Errorf("%s: the error %v does not name %s", what, err, field)
		}
	}
	bought := purchased(sh, nul, at(2))
	_, err := f.try(o.ID, store.ShippingChange{Shipments: []model.Shipment{bought}})
	check("a NUL in a tracking number", "shipments[0].tracking_number", err)
	bought = purchased(sh, bad, at(2))
	_, err = f.try(o.ID, store.ShippingChange{Shipments: []model.Shipment{bought}})
	check("a tracking number not in UTF-8", "shipments[0].tracking_number", err)
	failure := failed(sh, at(2))
	failure.Failure.Message = "carrier said \x00"
	_, err = f.try(o.ID, store.ShippingChange{Shipments: []model.Shipment{failure}})
	check("a NUL in a failure", "shipments[0].failure.message", err)
	cost := purchased(sh, "TRK", at(2))
	cost.Cost.Lines[0].Name = "fuel\x00"
	_, err = f.try(o.ID, store.ShippingChange{Shipments: []model.Shipment{cost}})
	check("a NUL in a cost line", "shipments[0].cost.lines[0].name", err)
	p2 := newPackage(o, "pkg_2", "wh_2", at(2))
	p2.Lines[1].SKU = "SKU\x00"
	_, err = f.try(o.ID, store.ShippingChange{NewPackages: []model.Package{p2}})
	check("a NUL in a package's SKU", "packages[0].lines[1].sku", err)
	_, err = f.try(o.ID, store.ShippingChange{Documents: []model.LabelDocument{{ShipmentID: sh.ID, Format: "pdf", ContentType: nul}}})
	check("a NUL in a content type", "documents[0].content_type", err)
	f.unchanged(t, o.ID, before, nil, "refused text")

	_, err = s.ChangeShipping(ctx, scope, nul, func(store.ShippingState) (store.ShippingChange, error) { return store.ShippingChange{}, nil })
	check("ChangeShipping of an order id with a NUL", "order_id", err)
	_, err = s.GetShipment(ctx, scope, bad)
	check("GetShipment", "id", err)
	_, err = s.GetPackage(ctx, scope, nul)
	check("GetPackage", "id", err)
	_, err = s.GetShipmentByTracking(ctx, scope, "", nul)
	check("GetShipmentByTracking", "tracking_number", err)
	_, err = s.GetShipmentByTracking(ctx, scope, nul, "TRK")
	check("GetShipmentByTracking by carrier", "carrier", err)
	_, err = s.ListShipments(ctx, store.ShipmentQuery{ShopIDs: scope, Carrier: nul})
	check("ListShipments", "carrier", err)
	_, err = s.ListShipments(ctx, store.ShipmentQuery{ShopIDs: []string{f.a.ID, bad}})
	check("ListShipments in a scope not in UTF-8", "shop_ids[1]", err)
	_, err = s.GetLabelDocument(ctx, scope, sh.ID, nul, 0)
	check("GetLabelDocument", "format", err)
	_, err = s.PutLabelDocument(ctx, model.LabelDocument{ShipmentID: sh.ID, Format: "pdf", ContentType: nul})
	check("PutLabelDocument", "document.content_type", err)
	err = s.CreateBatch(ctx, model.Batch{ID: "bat_1", ShopID: f.a.ID, Kind: "ship", CreatedAt: at(1)}, []string{o.ID, nul, bad}, nil)
	check("CreateBatch", "order_ids[1]", err)
	check("CreateBatch", "order_ids[2]", err)
	err = s.CreateBatch(ctx, model.Batch{ID: "bat_1", ShopID: f.a.ID, Kind: "ship", CreatedAt: at(1),
		Options: json.RawMessage(`{"carrier":"usps","note":["a\u0000"]}`)}, []string{o.ID}, nil)
	check("CreateBatch", "options.note[0]", err)
	if _, err := s.GetBatch(ctx, scope, "bat_1"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("a refused batch was stored: %v", err)
	}
	_, err = s.GetBatch(ctx, scope, nul)
	check("GetBatch", "id", err)
	_, err = s.ListBatchItems(ctx, nul, -1, 10)
	check("ListBatchItems", "batch_id", err)
	_, err = s.DispatchBatch(ctx, nul, 10, func([]model.BatchItem) ([]store.Job, error) { return nil, nil })
	check("DispatchBatch", "batch_id", err)
	err = s.RecordBatchItem(ctx, model.BatchItem{BatchID: "bat_1", OrderID: o.ID, Outcome: model.ItemFailed,
		Error: &model.FieldError{Code: "x", Message: nul}})
	check("RecordBatchItem", "item.error.message", err)
	_, err = s.CreateManifest(ctx, model.Manifest{ID: "man_1", ShopID: f.a.ID, Carrier: "usps", WarehouseID: "wh_1", ShipDate: "2026-11-20",
		CarrierRef: nul, CreatedAt: at(1)})
	check("CreateManifest", "carrier_ref", err)
	_, err = s.GetManifest(ctx, scope, nul)
	check("GetManifest", "id", err)
	_, err = s.HandOverManifest(ctx, scope, nul, at(1))
	check("HandOverManifest", "id", err)
	if _, err := s.GetManifest(ctx, scope, "man_1"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("a refused manifest was stored: %v", err)
	}
}
