package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// warehouseJSON is a US warehouse in Los Angeles with a transit table: 2 days to California,
// 5 to the rest of the US.
func warehouseJSON(code string) map[string]any {
	addr := map[string]any{"name": "LA Fulfilment", "line1": "1 Warehouse Way", "city": "Los Angeles", "region": "CA",
		"postal_code": "90001", "country": "US", "phone": "+13105550100"}
	return map[string]any{
		"code": code, "name": "Los Angeles " + code, "type": "overseas", "address": addr, "ship_from": addr, "return_address": addr,
		"time_zone": "America/Los_Angeles", "cut_off": "14:00", "working_days": []string{"mon", "tue", "wed", "thu", "fri"},
		"transit": []any{
			map[string]any{"country": "US", "region": "CA", "min_days": 1, "max_days": 2, "service": "ground"},
			map[string]any{"country": "US", "min_days": 3, "max_days": 5, "service": "ground"},
		},
	}
}

// confirmedOrder stores and confirms the example order (2 × TSHIRT-RED-M) under ext.
func (e *env) confirmedOrder(t *testing.T, key, ext string) model.Order {
	t.Helper()
	r := e.do("POST", "/v1/orders", key, orderJSON(ext, tPaid, model.StatusAwaitingShipment))
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

func (e *env) level(t *testing.T, key, sku string) store.StockLevel {
	t.Helper()
	r := e.do("GET", "/v1/inventory?sku="+url.QueryEscape(sku), key, nil)
	var l struct{ Levels []store.StockLevel }
	r.decode(t, &l)
	if r.status != http.StatusOK || len(l.Levels) != 1 {
		t.Fatalf("inventory of %s: %d %s", sku, r.status, r.body)
	}
	return l.Levels[0]
}

func TestInventoryFlow(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")

		// A warehouse, read back whole.
		r := e.do("POST", "/v1/warehouses", key, warehouseJSON("LAX1"))
		var wh model.Warehouse
		r.decode(t, &wh)
		if r.status != http.StatusCreated || !strings.HasPrefix(wh.ID, "wh_") || wh.Code != "LAX1" || len(wh.Transit) != 2 || wh.CutOff != "14:00" {
			t.Fatalf("create warehouse: %d %s", r.status, r.body)
		}
		r = e.do("GET", "/v1/warehouses/"+wh.ID, key, nil)
		var got model.Warehouse
		r.decode(t, &got)
		if r.status != http.StatusOK || got.ID != wh.ID || got.Address.City != "Los Angeles" || got.Transit[0].Region != "CA" {
			t.Fatalf("get warehouse: %d %s", r.status, r.body)
		}
		if r = e.do("POST", "/v1/warehouses", key, warehouseJSON("LAX1")); r.status != http.StatusConflict {
			t.Fatalf("duplicate code: %d %s, want 409", r.status, r.body)
		}
		bad := warehouseJSON("")
		bad["time_zone"] = "Mars/Olympus"
		bad["type"] = "cave"
		r = e.do("POST", "/v1/warehouses", key, bad)
		var ve struct{ Errors []model.FieldError }
		r.decode(t, &ve)
		if r.status != http.StatusUnprocessableEntity || len(ve.Errors) != 3 {
			t.Fatalf("bad warehouse: %d %s, want 422 naming code, type and time_zone", r.status, r.body)
		}

		// A stock count goes through the ledger; changing on hand needs a reason.
		path := "/v1/warehouses/" + wh.ID + "/stock/TSHIRT-RED-M"
		if r = e.do("PUT", path, key, `{"on_hand":3}`); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("count without a reason: %d %s, want 422", r.status, r.body)
		} else if _, field := r.apiErr(t); field != "reason" {
			t.Fatalf("count without a reason names %q, want reason", field)
		}
		if r = e.do("PUT", path, key, `{"on_hand":-1,"reason":"x"}`); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("negative count: %d %s, want 422", r.status, r.body)
		}
		r = e.do("PUT", path, key, `{"on_hand":3,"safety_stock":1,"reason":"cycle count"}`)
		var lvl store.StockLevel
		r.decode(t, &lvl)
		if r.status != http.StatusOK || lvl.OnHand != 3 || lvl.SafetyStock != 1 || lvl.Available != 2 || lvl.LowStock {
			t.Fatalf("count: %d %s", r.status, r.body)
		}

		// Allocation: reserved once, the same on repeat.
		o1 := e.confirmedOrder(t, key, "inv-1")
		r = e.do("POST", "/v1/orders/"+o1.ID+"/allocate", key, nil)
		var a1 store.Allocation
		r.decode(t, &a1)
		if r.status != http.StatusOK || a1.Status != store.AllocationReserved || len(a1.Decision.Allocations) != 1 ||
			a1.Decision.Allocations[0].WarehouseID != wh.ID || !a1.Decision.TransitKnown || a1.Decision.LateRisk {
			t.Fatalf("allocate: %d %s", r.status, r.body)
		}
		r2 := e.do("POST", "/v1/orders/"+o1.ID+"/allocate", key, `{}`)
		if r2.status != http.StatusOK || string(r2.body) != string(r.body) {
			t.Fatalf("allocate again: %d %s\nwant the same allocation %s", r2.status, r2.body, r.body)
		}
		if r2 = e.do("GET", "/v1/orders/"+o1.ID+"/allocation", key, nil); string(r2.body) != string(r.body) {
			t.Fatalf("get allocation: %d %s", r2.status, r2.body)
		}
		if l := e.level(t, key, "TSHIRT-RED-M"); l.Reserved != 2 || l.Available != 0 || !l.LowStock {
			t.Fatalf("after allocating 2 of 3 with safety stock 1: %+v", l)
		}

		// Nothing left: 409 insufficient_stock saying what is short; nothing reserved.
		o2 := e.confirmedOrder(t, key, "inv-2")
		r = e.do("POST", "/v1/orders/"+o2.ID+"/allocate", key, nil)
		var eb struct {
			Error struct {
				Code     string
				Decision model.Decision
			}
		}
		r.decode(t, &eb)
		if r.status != http.StatusConflict || eb.Error.Code != "insufficient_stock" || len(eb.Error.Decision.Short) != 1 ||
			eb.Error.Decision.Short[0].SKU != "TSHIRT-RED-M" || eb.Error.Decision.Short[0].Needed != 2 || len(eb.Error.Decision.Considered) != 1 {
			t.Fatalf("allocate without stock: %d %s", r.status, r.body)
		}
		if r = e.do("GET", "/v1/orders/"+o2.ID+"/allocation", key, nil); r.status != http.StatusNotFound {
			t.Fatalf("a refused allocation was stored: %d %s", r.status, r.body)
		}
		if r = e.do("GET", "/v1/inventory?low_stock=true", key, nil); !strings.Contains(string(r.body), `"sku":"TSHIRT-RED-M"`) {
			t.Fatalf("low_stock=true does not list the low SKU: %s", r.body)
		}

		// Goods received, then the second order fits.
		r = e.do("POST", "/v1/inventory/movements", key, map[string]any{"warehouse_id": wh.ID, "sku": "TSHIRT-RED-M", "kind": "receive", "quantity": 5})
		if r.decode(t, &lvl); r.status != http.StatusCreated || lvl.OnHand != 8 || lvl.Available != 5 {
			t.Fatalf("receive: %d %s", r.status, r.body)
		}
		if r = e.do("POST", "/v1/inventory/movements", key, map[string]any{"warehouse_id": wh.ID, "sku": "TSHIRT-RED-M", "kind": "reserve", "quantity": 1}); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("a reserve outside an order: %d %s, want 422", r.status, r.body)
		}
		if r = e.do("POST", "/v1/orders/"+o2.ID+"/allocate", key, nil); r.status != http.StatusOK {
			t.Fatalf("allocate after receiving: %d %s", r.status, r.body)
		}

		// Cancelling releases; releasing again is not an error; an order without allocation is 409.
		if r = e.do("POST", "/v1/orders/"+o1.ID+"/cancel", key, `{"reason":"buyer_request"}`); r.status != http.StatusOK {
			t.Fatalf("cancel: %d %s", r.status, r.body)
		}
		if l := e.level(t, key, "TSHIRT-RED-M"); l.Reserved != 2 || l.OnHand != 8 {
			t.Fatalf("after cancelling one of two allocated orders: %+v, want 2 reserved", l)
		}
		r = e.do("POST", "/v1/orders/"+o1.ID+"/release", key, nil)
		var rel store.Allocation
		if r.decode(t, &rel); r.status != http.StatusOK || rel.Status != store.AllocationReleased {
			t.Fatalf("release a released allocation: %d %s", r.status, r.body)
		}
		o3 := e.confirmedOrder(t, key, "inv-3")
		if r = e.do("POST", "/v1/orders/"+o3.ID+"/release", key, nil); r.status != http.StatusConflict {
			t.Fatalf("release without an allocation: %d %s, want 409", r.status, r.body)
		}
		if r = e.do("POST", "/v1/orders/"+o2.ID+"/release", key, `{"reason":"moving to another warehouse"}`); r.status != http.StatusOK {
			t.Fatalf("release: %d %s", r.status, r.body)
		}
		if l := e.level(t, key, "TSHIRT-RED-M"); l.Reserved != 0 || l.Available != 7 {
			t.Fatalf("after releasing everything: %+v", l)
		}

		// The ledger, paged, sums to the level.
		var all []store.MovementRecord
		for cursor := ""; ; {
			r = e.do("GET", "/v1/inventory/movements?sku=TSHIRT-RED-M&limit=2&cursor="+cursor, key, nil)
			var page struct {
				Movements  []store.MovementRecord
				NextCursor *string `json:"next_cursor"`
			}
			r.decode(t, &page)
			if r.status != http.StatusOK {
				t.Fatalf("movements: %d %s", r.status, r.body)
			}
			all = append(all, page.Movements...)
			if page.NextCursor == nil {
				break
			}
			cursor = *page.NextCursor
		}
		var kinds []string
		moves := make([]model.Movement, len(all))
		for i, m := range all {
			kinds = append(kinds, string(m.Kind))
			moves[i] = m.Movement
		}
		want := "adjust set_safety_stock reserve receive reserve release release"
		if strings.Join(kinds, " ") != want {
			t.Fatalf("ledger kinds %v, want %s", kinds, want)
		}
		if b, l := model.Replay(moves), e.level(t, key, "TSHIRT-RED-M"); b != l.Balance {
			t.Fatalf("ledger sums to %+v, level is %+v", b, l.Balance)
		}
		if all[2].OrderID != o1.ID || all[2].Actor == "" || all[5].Reason != "order cancelled: buyer_request" {
			t.Fatalf("ledger entries lack who and why: %+v", all)
		}

		// Safety stock: 4 units reserved yesterday is the whole history of 1 day.
		e.clock.advance(24 * time.Hour)
		r = e.do("GET", "/v1/inventory/safety-stock?warehouse="+wh.ID+"&sku=TSHIRT-RED-M&lead_time_days=10&days=1", key, nil)
		var adv struct {
			SafetyStock  int64   `json:"safety_stock"`
			ReorderPoint int64   `json:"reorder_point"`
			DailyDemand  []int64 `json:"daily_demand"`
			Current      int64   `json:"current_safety_stock"`
		}
		if r.decode(t, &adv); r.status != http.StatusOK || len(adv.DailyDemand) != 1 || adv.DailyDemand[0] != 4 || adv.ReorderPoint != 40 || adv.Current != 1 {
			t.Fatalf("safety stock: %d %s", r.status, r.body)
		}
		if r = e.do("GET", "/v1/inventory/safety-stock?warehouse="+wh.ID+"&sku=TSHIRT-RED-M", key, nil); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("safety stock without a lead time: %d %s, want 422", r.status, r.body)
		}
	})
}

func TestAllocateUnconfirmedAndBadInput(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		r := e.do("POST", "/v1/orders", key, orderJSON("unconf", tPaid, model.StatusAwaitingShipment))
		var o model.Order
		r.decode(t, &o)
		if r = e.do("POST", "/v1/orders/"+o.ID+"/allocate", key, nil); r.status != http.StatusConflict {
			t.Fatalf("allocate an unconfirmed order: %d %s, want 409", r.status, r.body)
		} else if code, _ := r.apiErr(t); code != "action_not_allowed" {
			t.Fatalf("allocate an unconfirmed order: code %s", code)
		}
		if r = e.do("POST", "/v1/orders/"+o.ID+"/allocate", key, `{"allow_splitt":true}`); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("unknown field: %d %s, want 422", r.status, r.body)
		}
		if r = e.do("GET", "/v1/inventory?limit=0", key, nil); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("limit=0: %d %s", r.status, r.body)
		}
		if r = e.do("GET", "/v1/inventory?cursor=bm9wZQ", key, nil); r.status != http.StatusUnprocessableEntity { // base64 of "nope"
			t.Fatalf("bad cursor: %d %s", r.status, r.body)
		}
		if r = e.do("GET", "/v1/inventory/movements?cursor=abc", key, nil); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad movement cursor: %d %s", r.status, r.body)
		}
		if r = e.do("PUT", "/v1/warehouses/wh_nope/stock/X", key, `{"on_hand":1,"reason":"x"}`); r.status != http.StatusNotFound {
			t.Fatalf("unknown warehouse: %d %s", r.status, r.body)
		}
	})
}

// stockIsolationProbes are the cross-shop probes of the inventory routes: shop A has a
// warehouse, stock and an allocated order; shop B's key must find none of it.
func stockIsolationProbes(t *testing.T, e *env, keyA, keyB, _ string) map[string]func() response {
	r := e.do("POST", "/v1/warehouses", keyA, warehouseJSON("ISO1"))
	var wh model.Warehouse
	r.decode(t, &wh)
	if r = e.do("PUT", "/v1/warehouses/"+wh.ID+"/stock/TSHIRT-RED-M", keyA, `{"on_hand":10,"reason":"count"}`); r.status != http.StatusOK {
		t.Fatalf("stock: %d %s", r.status, r.body)
	}
	o := e.confirmedOrder(t, keyA, "iso-stock")
	if r = e.do("POST", "/v1/orders/"+o.ID+"/allocate", keyA, nil); r.status != http.StatusOK {
		t.Fatalf("allocate: %d %s", r.status, r.body)
	}
	before := e.level(t, keyA, "TSHIRT-RED-M")
	t.Cleanup(func() {
		if after := e.level(t, keyA, "TSHIRT-RED-M"); after.Balance != before.Balance {
			t.Errorf("shop B's requests changed shop A's stock: %+v, was %+v", after, before)
		}
	})
	empty := func(path, field string) func() response {
		return func() response {
			r := e.do("GET", path, keyB, nil)
			if r.status != http.StatusOK || !strings.Contains(string(r.body), `"`+field+`":[]`) {
				t.Fatalf("shop B's %s shows shop A's data: %d %s", path, r.status, r.body)
			}
			return response{status: http.StatusNotFound} // absent, as required
		}
	}
	return map[string]func() response{
		"POST /v1/orders/{id}/allocate": func() response { return e.do("POST", "/v1/orders/"+o.ID+"/allocate", keyB, nil) },
		"POST /v1/orders/{id}/release":  func() response { return e.do("POST", "/v1/orders/"+o.ID+"/release", keyB, nil) },
		"POST /v1/orders:allocate": func() response {
			r := e.do("POST", "/v1/orders:allocate", keyB, map[string]any{"order_ids": []string{o.ID}})
			var b struct{ Results []allocateResult }
			r.decode(t, &b)
			if r.status != http.StatusOK || len(b.Results) != 1 || b.Results[0].Error == nil || b.Results[0].Error.Code != "not_found" {
				t.Fatalf("batch allocation of another shop's order: %d %s", r.status, r.body)
			}
			return response{status: http.StatusNotFound} // the item is refused as not found
		},
		"GET /v1/orders/{id}/allocation": func() response { return e.do("GET", "/v1/orders/"+o.ID+"/allocation", keyB, nil) },
		"POST /v1/warehouses": func() response {
			w := warehouseJSON("ISO2")
			w["shop_id"] = wh.ShopID
			return e.do("POST", "/v1/warehouses", keyB, w)
		},
		"GET /v1/warehouses":      empty("/v1/warehouses", "warehouses"),
		"GET /v1/warehouses/{id}": func() response { return e.do("GET", "/v1/warehouses/"+wh.ID, keyB, nil) },
		"PUT /v1/warehouses/{id}": func() response { return e.do("PUT", "/v1/warehouses/"+wh.ID, keyB, warehouseJSON("EVIL")) },
		"PUT /v1/warehouses/{id}/stock/{sku}": func() response {
			return e.do("PUT", "/v1/warehouses/"+wh.ID+"/stock/TSHIRT-RED-M", keyB, `{"on_hand":0,"reason":"sabotage"}`)
		},
		"GET /v1/inventory":           empty("/v1/inventory", "levels"),
		"GET /v1/inventory/movements": empty("/v1/inventory/movements", "movements"),
		"POST /v1/inventory/movements": func() response {
			return e.do("POST", "/v1/inventory/movements", keyB, map[string]any{"warehouse_id": wh.ID, "sku": "TSHIRT-RED-M", "kind": "write_off", "quantity": 10, "reason": "sabotage"})
		},
		"POST /v1/inventory:import": func() response {
			return e.do("POST", "/v1/inventory:import?shop_id="+wh.ShopID, keyB, "warehouse,sku,on_hand,reason\r\nISO1,TSHIRT-RED-M,0,sabotage\r\n")
		},
		"GET /v1/inventory:export": func() response {
			r := e.do("GET", "/v1/inventory:export", keyB, nil)
			if r.status != http.StatusOK || strings.Contains(string(r.body), "TSHIRT") {
				t.Fatalf("shop B's stock export holds shop A's stock: %d %s", r.status, r.body)
			}
			return response{status: http.StatusNotFound} // absent, as required
		},
		"GET /v1/inventory/safety-stock": func() response {
			return e.do("GET", "/v1/inventory/safety-stock?warehouse="+wh.ID+"&sku=TSHIRT-RED-M&lead_time_days=5", keyB, nil)
		},
	}
}

func TestStockImportExport(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		var wh model.Warehouse
		e.do("POST", "/v1/warehouses", key, warehouseJSON("LAX1")).decode(t, &wh)
		// Chinese headers, a semicolon file, one bad row among good ones, a warehouse by id.
		file := "仓库编码;SKU;在库数量;安全库存;备注\r\n" +
			"lax1;MUG-1;40;5;opening count\r\n" +
			"LAX1;=1+1;3;;\r\n" +
			"NOPE;MUG-2;1;;\r\n" +
			wh.ID + ";MUG-3;-2;;\r\n" +
			"LAX1;MUG-4;;7;\r\n"
		r := e.do("POST", "/v1/inventory:import", key, file)
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
			t.Fatalf("import: %d %s", r.status, r.body)
		}
		var sum struct{ Rows, Changed, Unchanged, Refused int }
		if err := json.Unmarshal([]byte(r.trailer.Get("Lastmile-Import-Summary")), &sum); err != nil || sum.Rows != 5 || sum.Changed != 3 || sum.Refused != 2 {
			t.Fatalf("import summary %q: %v", r.trailer.Get("Lastmile-Import-Summary"), err)
		}
		res := string(r.body)
		for _, want := range []string{`4,NOPE,MUG-2,refused,"unknown_warehouse 仓库编码:` /* the file's own column */, "5," + wh.ID + ",MUG-3,refused", "2,lax1,MUG-1,changed,\r\n"} {
			if !strings.Contains(res, want) {
				t.Errorf("results lack %q:\n%s", want, res)
			}
		}
		if l := e.level(t, key, "MUG-1"); l.OnHand != 40 || l.SafetyStock != 5 || l.Available != 35 {
			t.Fatalf("MUG-1 after import: %+v", l)
		}
		var moves struct{ Movements []store.MovementRecord }
		e.do("GET", "/v1/inventory/movements?sku=MUG-1", key, nil).decode(t, &moves)
		if len(moves.Movements) != 2 || moves.Movements[0].Reason != "opening count" {
			t.Fatalf("MUG-1 ledger: %+v", moves.Movements)
		}

		// The export re-imports as no change at all.
		r = e.do("GET", "/v1/inventory:export", key, nil)
		if r.status != http.StatusOK || !strings.HasPrefix(string(r.body), "\ufeffwarehouse,sku,on_hand,safety_stock") ||
			!strings.Contains(string(r.body), "LAX1,'=1+1,3,0") {
			t.Fatalf("export: %d %s", r.status, r.body)
		}
		r = e.do("POST", "/v1/inventory:import", key, r.body)
		if err := json.Unmarshal([]byte(r.trailer.Get("Lastmile-Import-Summary")), &sum); err != nil || sum.Rows != 3 || sum.Unchanged != 3 {
			t.Fatalf("re-import of the export: %q %s", r.trailer.Get("Lastmile-Import-Summary"), r.body)
		}
		e.do("GET", "/v1/inventory/movements?sku=MUG-1", key, nil).decode(t, &moves)
		if len(moves.Movements) != 2 {
			t.Fatalf("re-importing the export wrote to the ledger: %+v", moves.Movements)
		}

		// A file without the required columns is refused whole.
		if r = e.do("POST", "/v1/inventory:import", key, "foo,bar\r\n1,2\r\n"); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("headerless file: %d %s", r.status, r.body)
		}
	})
}

func TestAllocateBatch(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		var wh model.Warehouse
		e.do("POST", "/v1/warehouses", key, warehouseJSON("LAX1")).decode(t, &wh)
		e.do("PUT", "/v1/warehouses/"+wh.ID+"/stock/TSHIRT-RED-M", key, `{"on_hand":3,"reason":"count"}`)
		o1, o2 := e.confirmedOrder(t, key, "b-1"), e.confirmedOrder(t, key, "b-2")
		r := e.do("POST", "/v1/orders:allocate", key, map[string]any{"order_ids": []string{o1.ID, o2.ID, "ord_nope", o1.ID}})
		var b struct{ Results []allocateResult }
		r.decode(t, &b)
		if r.status != http.StatusOK || len(b.Results) != 4 {
			t.Fatalf("batch: %d %s", r.status, r.body)
		}
		got := []string{}
		for _, x := range b.Results {
			switch {
			case x.Error != nil:
				got = append(got, x.Error.Code)
			default:
				got = append(got, string(x.Allocation.Status))
			}
		}
		// 3 units: the first order takes 2, the second finds 1; the repeat of the first is the same allocation.
		if strings.Join(got, " ") != "reserved insufficient_stock not_found reserved" || b.Results[0].Allocation.CreatedAt != b.Results[3].Allocation.CreatedAt {
			t.Fatalf("batch results %v: %s", got, r.body)
		}
		if l := e.level(t, key, "TSHIRT-RED-M"); l.Reserved != 2 {
			t.Fatalf("after the batch: %+v, want 2 reserved", l)
		}
		if r = e.do("POST", "/v1/orders:allocate", key, `{"order_ids":[]}`); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("empty batch: %d %s", r.status, r.body)
		}
	})
}

// TestAllocateAllowSplit: the documented allow_split of POST /v1/orders/{id}/allocate splits an
// order over two warehouses when neither holds it whole (R-MODE-6: each line from one
// warehouse); the Go field name is not part of the contract.
func TestAllocateAllowSplit(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		for code, sku := range map[string]string{"LAX1": "TSHIRT-RED-M", "LAX2": "MUG-1"} {
			r := e.do("POST", "/v1/warehouses", key, warehouseJSON(code))
			var wh model.Warehouse
			r.decode(t, &wh)
			if r.status != http.StatusCreated {
				t.Fatalf("warehouse %s: %d %s", code, r.status, r.body)
			}
			if r := e.do("PUT", "/v1/warehouses/"+wh.ID+"/stock/"+sku, key, `{"on_hand":2,"reason":"count"}`); r.status != http.StatusOK {
				t.Fatalf("stock: %d %s", r.status, r.body)
			}
		}
		in := orderJSON("split-1", tPaid, model.StatusAwaitingShipment)
		mug := map[string]any{}
		for k, v := range in["lines"].([]any)[0].(map[string]any) {
			mug[k] = v
		}
		mug["sku"], mug["name"], mug["quantity"], mug["declared_name"] = "MUG-1", "Mug", 1, "Ceramic mug"
		in["lines"] = append(in["lines"].([]any), mug)
		r := e.do("POST", "/v1/orders", key, in)
		var o model.Order
		r.decode(t, &o)
		if r = e.do("POST", "/v1/orders/"+o.ID+"/confirm", key, nil); r.status != http.StatusOK {
			t.Fatalf("confirm: %d %s", r.status, r.body)
		}

		r = e.do("POST", "/v1/orders/"+o.ID+"/allocate", key, `{"allow_split":false}`)
		if code, _ := r.apiErr(t); r.status != http.StatusConflict || code != "split_forbidden" {
			t.Fatalf("allow_split false: %d %s, want 409 split_forbidden", r.status, r.body)
		}
		if r = e.do("POST", "/v1/orders/"+o.ID+"/allocate", key, `{"AllowSplit":true}`); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("the Go field name: %d %s, want 422 unknown_field", r.status, r.body)
		}
		r = e.do("POST", "/v1/orders/"+o.ID+"/allocate", key, `{"allow_split":true}`)
		var a store.Allocation
		r.decode(t, &a)
		if r.status != http.StatusOK || len(a.Decision.Allocations) != 2 {
			t.Fatalf("allow_split true: %d %s, want two packages", r.status, r.body)
		}
	})
}

// TestWarehouseErrorsNameTheField: a duplicate code names the field, the code and the
// warehouse that has it; every address of a warehouse is checked like an order's, every
// problem reported at once.
func TestWarehouseErrorsNameTheField(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		var first, second model.Warehouse
		e.do("POST", "/v1/warehouses", key, warehouseJSON("LAX1")).decode(t, &first)
		e.do("POST", "/v1/warehouses", key, warehouseJSON("LAX2")).decode(t, &second)
		dup := func(what string, r response) {
			t.Helper()
			var b struct {
				Error struct{ Code, Field, Message string }
			}
			r.decode(t, &b)
			if r.status != http.StatusConflict || b.Error.Code != "duplicate_code" || b.Error.Field != "code" ||
				!strings.Contains(b.Error.Message, `"LAX1"`) || !strings.Contains(b.Error.Message, first.ID) {
				t.Fatalf("%s: %d %s; want 409 duplicate_code on code, naming LAX1 and %s", what, r.status, r.body, first.ID)
			}
		}
		dup("create", e.do("POST", "/v1/warehouses", key, warehouseJSON("LAX1")))
		dup("replace", e.do("PUT", "/v1/warehouses/"+second.ID, key, warehouseJSON("LAX1")))
		if r := e.do("PUT", "/v1/warehouses/"+first.ID, key, warehouseJSON("LAX1")); r.status != http.StatusOK {
			t.Fatalf("a warehouse keeps its own code: %d %s", r.status, r.body)
		}

		bad := warehouseJSON("BAD1")
		bad["address"] = map[string]any{"name": "LA Fulfilment", "line1": "1 Warehouse Way", "city": "Los Angeles", "region": "Narnia",
			"postal_code": "9000", "country": "US"}
		bad["ship_from"] = map[string]any{"line1": "1 Warehouse Way", "city": "洛杉矶", "region": "CA", "postal_code": "90001", "country": "US", "phone": "12"}
		bad["return_address"] = map[string]any{"name": "Returns", "line1": "1 Warehouse Way", "city": "Los Angeles", "postal_code": "90001", "country": "XX"}
		r := e.do("POST", "/v1/warehouses", key, bad)
		var ve struct{ Errors []model.FieldError }
		r.decode(t, &ve)
		got := map[string]string{}
		for _, p := range ve.Errors {
			got[p.Field] = p.Code
			if strings.Contains(p.Message, "buyer") {
				t.Errorf("%s: %q speaks of a buyer", p.Field, p.Message)
			}
		}
		want := map[string]string{
			"address.region": "region_unknown", "address.postal_code": "postal_code_format",
			"ship_from.name": "missing_field", "ship_from.city": "non_latin_script", "ship_from.phone": "phone_invalid",
			"return_address.country": "country_unknown",
		}
		for f, c := range want {
			if got[f] != c {
				t.Errorf("%s: %q, want %s", f, got[f], c)
			}
		}
		if r.status != http.StatusUnprocessableEntity || len(got) != len(want) {
			t.Fatalf("bad addresses: %d %s; want 422 with exactly %v", r.status, r.body, want)
		}

		// A warehouse without a sender or return address yet is fine; its address needs no
		// name (the warehouse has one) and no phone.
		ok := warehouseJSON("MIN1")
		delete(ok, "ship_from")
		delete(ok, "return_address")
		ok["address"] = map[string]any{"line1": "1 Warehouse Way", "city": "Los Angeles", "region": "California", "postal_code": "90001", "country": "us"}
		var w model.Warehouse
		if r := e.do("POST", "/v1/warehouses", key, ok); r.status != http.StatusCreated {
			t.Fatalf("a minimal warehouse: %d %s", r.status, r.body)
		} else if r.decode(t, &w); w.Address.Region != "CA" || w.Address.Country != "US" {
			t.Fatalf("the address is not normalised: %+v", w.Address)
		}
	})
}

// TestSafetyStockErrorsNameTheirParameter: R-INV-3. Each bad parameter of a safety-stock
// suggestion is named, all at once, not blamed on lead_time_days.
func TestSafetyStockErrorsNameTheirParameter(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		var wh model.Warehouse
		e.do("POST", "/v1/warehouses", key, warehouseJSON("LAX1")).decode(t, &wh)
		base := "/v1/inventory/safety-stock?warehouse=" + wh.ID + "&sku=TSHIRT-RED-M"
		for query, want := range map[string]string{
			"&lead_time_days=5&service_level=2":                                "service_level",
			"&lead_time_days=5&lead_time_std_dev_days=-1":                      "lead_time_std_dev_days",
			"&lead_time_days=5&days=9999":                                      "days",
			"&lead_time_days=400":                                              "lead_time_days",
			"&service_level=0.2&lead_time_std_dev_days=-1":                     "lead_time_days service_level lead_time_std_dev_days",
			"&lead_time_days=5&lead_time_std_dev_days=1000&service_level=0.99": "lead_time_std_dev_days",
		} {
			r := e.do("GET", base+query, key, nil)
			var b struct {
				Error  struct{ Field string }
				Errors []model.FieldError
			}
			r.decode(t, &b)
			got := []string{b.Error.Field}
			if len(b.Errors) > 0 {
				got = got[:0]
				for _, p := range b.Errors {
					got = append(got, p.Field)
				}
			}
			if r.status != http.StatusUnprocessableEntity || strings.Join(got, " ") != want {
				t.Errorf("%s: %d %s; want 422 on %s", query, r.status, r.body, want)
			}
		}
	})
}
