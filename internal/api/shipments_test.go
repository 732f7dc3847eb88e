package api

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/carrier/sim"
	"lastmile/internal/config"
	"lastmile/internal/inventory"
	"lastmile/internal/model"
	"lastmile/internal/rating"
	"lastmile/internal/shipping"
	"lastmile/internal/store"
	"lastmile/internal/worker"

	"log/slog"
)

// newShipping is the shipping service of the test server: the simulated carrier network in
// this process, perfect (no latency, no faults), on the test's clock.
func newShipping(t testing.TB, st store.Store, cfg config.Config, inv *inventory.Service, now func() time.Time) *shipping.Service {
	t.Helper()
	net, err := sim.Start(context.Background(), sim.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { net.Close() })
	cs, err := net.Carriers(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	set, err := carrier.NewSet(cs...)
	if err != nil {
		t.Fatal(err)
	}
	cards, err := rating.DefaultCards()
	if err != nil {
		t.Fatal(err)
	}
	svc, err := shipping.NewService(shipping.Deps{Store: st, Shipping: st, Inventory: inv, Cards: func() *rating.Cards { return cards },
		Carriers: set, Markets: cfg.Markets, Now: now, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// readyToShip makes a warehouse with stock of MUG-WHITE in the key's shop and a confirmed order
// of one mug to ship.
func (e *env) readyToShip(t *testing.T, key, ext, warehouse string) model.Order {
	t.Helper()
	return e.readyToShipSKU(t, key, ext, warehouse, "MUG-WHITE")
}

func (e *env) readyToShipSKU(t *testing.T, key, ext, warehouse, sku string) model.Order {
	t.Helper()
	r := e.do("POST", "/v1/warehouses", key, warehouseJSON(warehouse))
	var wh model.Warehouse
	r.decode(t, &wh)
	if r.status != http.StatusCreated {
		t.Fatalf("warehouse: %d %s", r.status, r.body)
	}
	if r = e.do("PUT", "/v1/warehouses/"+wh.ID+"/stock/"+sku, key, `{"on_hand":50,"reason":"count"}`); r.status != http.StatusOK {
		t.Fatalf("stock: %d %s", r.status, r.body)
	}
	return e.confirmedOrderOf(t, key, ext, sku)
}

// confirmedOrderOf stores and confirms the example order with its line's SKU set to sku.
func (e *env) confirmedOrderOf(t *testing.T, key, ext, sku string) model.Order {
	t.Helper()
	body := orderJSON(ext, tPaid, model.StatusAwaitingShipment)
	body["lines"].([]any)[0].(map[string]any)["sku"] = sku
	r := e.do("POST", "/v1/orders", key, body)
	var o model.Order
	r.decode(t, &o)
	if r.status != http.StatusCreated {
		t.Fatalf("create order %s: %d %s", ext, r.status, r.body)
	}
	if r = e.do("POST", "/v1/orders/"+o.ID+"/confirm", key, nil); r.status != http.StatusOK {
		t.Fatalf("confirm %s: %d %s", ext, r.status, r.body)
	}
	return o
}

// TestShipOrderAPI is the HTTP contract of POST /v1/orders/{id}/ship, the shipment routes and
// their errors.
func TestShipOrderAPI(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		o := e.readyToShip(t, key, "ship-1", "LAX1")

		r := e.do("POST", "/v1/orders/"+o.ID+"/ship", key, `{"policy":"cheapest"}`)
		var res struct{ Shipments []model.Shipment }
		r.decode(t, &res)
		if r.status != http.StatusOK || len(res.Shipments) != 1 {
			t.Fatalf("ship: %d %s", r.status, r.body)
		}
		sh := res.Shipments[0]
		if sh.ID == "" || sh.OrderID != o.ID || sh.Carrier == "" || sh.Service == "" || sh.TrackingNumber == "" || sh.Status != model.ShipmentLabelPurchased {
			t.Fatalf("shipment %s", r.body)
		}
		if r = e.do("POST", "/v1/orders/"+o.ID+"/ship", key, nil); r.status != http.StatusOK || !strings.Contains(string(r.body), sh.ID) {
			t.Fatalf("ship again: %d %s", r.status, r.body)
		}
		if r = e.do("GET", "/v1/shipments/"+sh.ID, key, nil); r.status != http.StatusOK || !strings.Contains(string(r.body), sh.TrackingNumber) {
			t.Fatalf("get shipment: %d %s", r.status, r.body)
		}
		if r = e.do("GET", "/v1/shipments?order_id="+o.ID, key, nil); r.status != http.StatusOK || !strings.Contains(string(r.body), sh.ID) {
			t.Fatalf("list shipments: %d %s", r.status, r.body)
		}
		// The label: the same bytes on every call (R-LBL-6), in each format.
		for _, f := range []string{"zpl", "pdf", "png"} {
			a := e.do("GET", "/v1/shipments/"+sh.ID+"/label?format="+f+"&dpi=300", key, nil)
			b := e.do("GET", "/v1/shipments/"+sh.ID+"/label?format="+f+"&dpi=300", key, nil)
			if a.status != http.StatusOK || !bytes.Equal(a.body, b.body) || len(a.body) == 0 {
				t.Fatalf("label %s: %d, same bytes %v", f, a.status, bytes.Equal(a.body, b.body))
			}
		}
		if r = e.do("GET", "/v1/shipments/"+sh.ID+"/label?dpi=150", key, nil); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("label at 150 dpi: %d %s", r.status, r.body)
		}

		// Refusals carry the usual error body, naming the reason.
		held := orderJSON("ship-held", tPaid, model.StatusAwaitingShipment)
		held["shipping_address"].(map[string]any)["postal_code"] = ""
		r = e.do("POST", "/v1/orders", key, held)
		var ho model.Order
		r.decode(t, &ho)
		r = e.do("POST", "/v1/orders/"+ho.ID+"/ship", key, `{}`)
		if code, field := r.apiErr(t); r.status != http.StatusConflict || code != shipping.RefusedHeld || field != "needs_attention" {
			t.Fatalf("ship a held order: %d %s", r.status, r.body)
		}
		o2 := e.confirmedOrderOf(t, key, "ship-2", "MUG-WHITE")
		r = e.do("POST", "/v1/orders/"+o2.ID+"/ship", key, `{"carrier":"royal-mail"}`)
		if code, field := r.apiErr(t); r.status != http.StatusUnprocessableEntity || code != shipping.RefusedUncertified || field != "carrier" ||
			!strings.Contains(string(r.body), "royal-mail") {
			t.Fatalf("an uncertified carrier: %d %s", r.status, r.body)
		}
		r = e.do("POST", "/v1/orders/"+o2.ID+"/ship", key, `{"policy":"slowest"}`)
		if code, field := r.apiErr(t); r.status != http.StatusUnprocessableEntity || code != "invalid_policy" || field != "policy" {
			t.Fatalf("a bad policy: %d %s", r.status, r.body)
		}

		// Void before hand-over, then ship again: a new label.
		if r = e.do("POST", "/v1/shipments/"+sh.ID+"/void", key, nil); r.status != http.StatusOK || !strings.Contains(string(r.body), `"voided"`) {
			t.Fatalf("void: %d %s", r.status, r.body)
		}
		r = e.do("POST", "/v1/orders/"+o.ID+"/ship", key, nil)
		r.decode(t, &res)
		if r.status != http.StatusOK || res.Shipments[0].ID == sh.ID {
			t.Fatalf("ship after void: %d %s", r.status, r.body)
		}
	})
}

// TestShipmentsBatchAPI is the HTTP contract of a batch: 202 with its id, its status, results
// as JSON lines and its labels in one document; then a manifest of them.
func TestShipmentsBatchAPI(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		shop, key := e.shop("A", "US")
		o1 := e.readyToShip(t, key, "batch-1", "LAX1")
		o2 := e.confirmedOrderOf(t, key, "batch-2", "MUG-WHITE")
		eng, err := worker.New(worker.Config{Queues: map[string]int{shipping.QueueShipping: 10}}, e.store, slog.New(slog.DiscardHandler), time.Now)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range e.shipping.Jobs() {
			eng.Handle(h.Kind, func(ctx context.Context, j worker.Job) error { return h.Run(ctx, j.Attempt, j.MaxAttempts, j.Args) })
		}
		eng.Start(context.Background())
		t.Cleanup(func() { eng.Stop(context.Background()) })

		r := e.do("POST", "/v1/shipments:batch", key, map[string]any{"order_ids": []string{o1.ID, o2.ID, "ord_nope"}})
		var b model.Batch
		r.decode(t, &b)
		if r.status != http.StatusAccepted || !strings.HasPrefix(b.ID, "bat_") {
			t.Fatalf("batch: %d %s", r.status, r.body)
		}
		deadline := time.Now().Add(time.Minute)
		for b.Status != model.BatchDone {
			if time.Now().After(deadline) {
				t.Fatalf("batch not done: %+v", b)
			}
			time.Sleep(50 * time.Millisecond)
			r = e.do("GET", "/v1/batches/"+b.ID, key, nil)
			r.decode(t, &b)
		}
		if b.Total != 3 || b.Shipped != 2 || b.Failed != 1 {
			t.Fatalf("batch %s", r.body)
		}
		r = e.do("GET", "/v1/batches/"+b.ID+"/results", key, nil)
		if ct := r.header.Get("Content-Type"); r.status != http.StatusOK || ct != "application/x-ndjson" {
			t.Fatalf("results: %d %s", r.status, ct)
		}
		var lines []batchResultLine
		sc := bufio.NewScanner(bytes.NewReader(r.body))
		for sc.Scan() {
			var l batchResultLine
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				t.Fatalf("result line %q: %v", sc.Text(), err)
			}
			lines = append(lines, l)
		}
		if len(lines) != 3 || lines[0].OrderID != o1.ID || lines[0].Outcome != "shipped" || lines[0].TrackingNumber == "" ||
			lines[0].ShipmentID == "" || lines[2].Outcome != "failed" || lines[2].Error == nil {
			t.Fatalf("results: %s", r.body)
		}
		zpl := e.do("GET", "/v1/batches/"+b.ID+"/labels?format=zpl", key, nil)
		if zpl.status != http.StatusOK || strings.Count(string(zpl.body), "^XA") != 2 || !strings.Contains(string(zpl.body), lines[1].TrackingNumber) {
			t.Fatalf("batch labels: %d %d labels", zpl.status, strings.Count(string(zpl.body), "^XA"))
		}
		if pdf := e.do("GET", "/v1/batches/"+b.ID+"/labels", key, nil); pdf.status != http.StatusOK || !bytes.HasPrefix(pdf.body, []byte("%PDF")) {
			t.Fatalf("batch labels as PDF: %d", pdf.status)
		}

		var sh model.Shipment
		e.do("GET", "/v1/shipments/"+lines[0].ShipmentID, key, nil).decode(t, &sh)
		whs := e.do("GET", "/v1/warehouses", key, nil)
		var wl struct{ Warehouses []model.Warehouse }
		whs.decode(t, &wl)
		r = e.do("POST", "/v1/manifests", key, map[string]any{"carrier": sh.Carrier, "warehouse_id": wl.Warehouses[0].ID})
		var m model.Manifest
		r.decode(t, &m)
		if r.status != http.StatusCreated || len(m.ShipmentIDs) == 0 || m.ShopID != shop.ID {
			t.Fatalf("manifest: %d %s", r.status, r.body)
		}
		if r = e.do("GET", "/v1/manifests/"+m.ID+"/document?format=csv", key, nil); r.status != http.StatusOK || !strings.Contains(string(r.body), sh.TrackingNumber) {
			t.Fatalf("manifest CSV: %d %s", r.status, r.body)
		}
		if r = e.do("GET", "/v1/manifests/"+m.ID+"/document", key, nil); r.status != http.StatusOK || !bytes.HasPrefix(r.body, []byte("%PDF")) {
			t.Fatalf("manifest PDF: %d", r.status)
		}
		if r = e.do("POST", "/v1/manifests/"+m.ID+"/handover", key, nil); r.status != http.StatusOK || !strings.Contains(string(r.body), "handed_over_at") {
			t.Fatalf("hand-over: %d %s", r.status, r.body)
		}
	})
}

// shippingIsolationProbes ships an order of shop A (key A) and probes every shipping route
// with shop B's key: all 404, and nothing of A's changes.
func shippingIsolationProbes(t *testing.T, e *env, keyA, keyB string) map[string]func() response {
	o := e.readyToShip(t, keyA, "iso-ship", "ISOSHIP")
	r := e.do("POST", "/v1/orders/"+o.ID+"/ship", keyA, nil)
	var res struct{ Shipments []model.Shipment }
	r.decode(t, &res)
	if r.status != http.StatusOK {
		t.Fatalf("ship in shop A: %d %s", r.status, r.body)
	}
	sh := res.Shipments[0]
	var b model.Batch
	e.do("POST", "/v1/shipments:batch", keyA, map[string]any{"order_ids": []string{o.ID}}).decode(t, &b)
	var pkg model.Package
	pkg, _ = e.store.GetPackage(context.Background(), []string{sh.ShopID}, sh.PackageID)
	var m model.Manifest
	if r = e.do("POST", "/v1/manifests", keyA, map[string]any{"carrier": sh.Carrier, "warehouse_id": pkg.WarehouseID}); r.status != http.StatusCreated {
		t.Fatalf("manifest in shop A: %d %s", r.status, r.body)
	}
	r.decode(t, &m)
	get := func(path string) func() response { return func() response { return e.do("GET", path, keyB, nil) } }
	return map[string]func() response{
		"POST /v1/orders/{id}/ship": func() response { return e.do("POST", "/v1/orders/"+o.ID+"/ship", keyB, nil) },
		"POST /v1/shipments:batch": func() response {
			// Shop B may make a batch of any ids; its jobs ship in shop B's scope only, where shop
			// A's order is not found (TestBatchShip runs such an item to its not_found outcome).
			var bb model.Batch
			r := e.do("POST", "/v1/shipments:batch", keyB, map[string]any{"order_ids": []string{o.ID}})
			r.decode(t, &bb)
			if r.status != http.StatusAccepted || bb.ShopID == sh.ShopID {
				t.Fatalf("shop B's batch: %d %s", r.status, r.body)
			}
			if got := e.do("GET", "/v1/batches/"+bb.ID, keyA, nil); got.status != http.StatusNotFound {
				t.Fatalf("shop A sees shop B's batch: %d %s", got.status, got.body)
			}
			return response{status: http.StatusNotFound}
		},
		"GET /v1/batches/{id}":             get("/v1/batches/" + b.ID),
		"GET /v1/batches/{id}/results":     get("/v1/batches/" + b.ID + "/results"),
		"GET /v1/batches/{id}/labels":      get("/v1/batches/" + b.ID + "/labels"),
		"GET /v1/shipments/{id}":           get("/v1/shipments/" + sh.ID),
		"GET /v1/shipments/{id}/label":     get("/v1/shipments/" + sh.ID + "/label"),
		"GET /v1/manifests/{id}":           get("/v1/manifests/" + m.ID),
		"GET /v1/manifests/{id}/document":  get("/v1/manifests/" + m.ID + "/document"),
		"POST /v1/shipments/{id}/void":     func() response { return e.do("POST", "/v1/shipments/"+sh.ID+"/void", keyB, nil) },
		"POST /v1/manifests/{id}/handover": func() response { return e.do("POST", "/v1/manifests/"+m.ID+"/handover", keyB, nil) },
		"POST /v1/manifests": func() response {
			return e.do("POST", "/v1/manifests", keyB, map[string]any{"carrier": sh.Carrier, "warehouse_id": pkg.WarehouseID})
		},
		"GET /v1/shipments": func() response {
			r := e.do("GET", "/v1/shipments?order_id="+o.ID, keyB, nil)
			if r.status != http.StatusOK || strings.Contains(string(r.body), sh.ID) {
				t.Fatalf("shop B lists shop A's shipment: %d %s", r.status, r.body)
			}
			return response{status: http.StatusNotFound} // absent, as required
		},
	}
}
