package api

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"lastmile/internal/address"
	"lastmile/internal/model"
)

func problemCodes(o model.Order) map[string]string {
	out := map[string]string{}
	for _, p := range o.Problems {
		out[p.Field] = p.Code
	}
	return out
}

// TestInvalidOrderIsHeldNotDropped: R-ORD-6. An order that cannot ship as it is is stored, held
// with every problem named, found by the needs_attention filter, and released by a correction
// that later marketplace versions do not undo.
func TestInvalidOrderIsHeldNotDropped(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		bad := orderJSON("hold-1", tPaid, model.StatusAwaitingShipment)
		addr := bad["shipping_address"].(map[string]any)
		addr["postal_code"] = "9404" // too short for a ZIP (R-LBL-4)
		addr["line1"] = "深圳市南山区科技园"  // not Latin (R-LBL-4)
		line := bad["lines"].([]any)[0].(map[string]any)
		line["name"] = "Power bank 10000mAh" // battery word, has_battery false: a warning only (R-SHIP-6)
		r := e.do("POST", "/v1/orders", key, bad)
		if r.status != http.StatusCreated {
			t.Fatalf("a held order must still be stored: %d %s", r.status, r.body)
		}
		var o model.Order
		r.decode(t, &o)
		codes := problemCodes(o)
		if !o.NeedsAttention || codes["shipping_address.postal_code"] != "postal_code_format" ||
			codes["shipping_address.line1"] != "non_latin_script" || codes["lines[0].has_battery"] != "battery_flag_missing" {
			t.Fatalf("held order: needs_attention=%v problems %+v", o.NeedsAttention, o.Problems)
		}

		good := orderJSON("hold-2", tPaid, model.StatusAwaitingShipment)
		good["lines"].([]any)[0].(map[string]any)["name"] = "Power bank"
		good["lines"].([]any)[0].(map[string]any)["has_battery"] = true
		var g model.Order
		e.do("POST", "/v1/orders", key, good).decode(t, &g)
		if g.NeedsAttention || len(g.Problems) != 0 {
			t.Fatalf("a valid order is held: %+v", g.Problems)
		}

		var l struct{ Orders []model.Order }
		e.do("GET", "/v1/orders?needs_attention=true", key, nil).decode(t, &l)
		if len(l.Orders) != 1 || l.Orders[0].ID != o.ID {
			t.Fatalf("needs_attention=true lists %d orders", len(l.Orders))
		}

		// The seller fixes the address in lastmile; full-width digits are normalised on the way.
		r = e.do("PATCH", "/v1/orders/"+o.ID, key, `{"shipping_address":{"name":"Jane Doe","line1":"1600 Amphitheatre Pkwy",
			"city":"Mountain View","region":"California","postal_code":"９４０４３","country":"US","phone":"(650) 555-0100"},
			"lines":[{"sku":"TSHIRT-RED-M","has_battery":true}]}`)
		var fixed model.Order
		r.decode(t, &fixed)
		if r.status != 200 || fixed.NeedsAttention || len(fixed.Problems) != 0 || fixed.ShippingAddress.PostalCode != "94043" ||
			fixed.ShippingAddress.Region != "CA" || fixed.ShippingAddress.Phone != "+16505550100" || !fixed.Lines[0].HasBattery {
			t.Fatalf("after the correction: %d %s", r.status, r.body)
		}
		if last := fixed.History[len(fixed.History)-1]; last.Kind != model.EventCorrected {
			t.Fatalf("the correction is not in the history: %+v", last)
		}

		// The marketplace sends a newer version, still with its uncorrected address: the seller's
		// correction stays and the order stays released.
		bad["updated_at"] = tPaid.Add(time.Hour).Format(time.RFC3339)
		bad["status"] = "AWAITING_COLLECTION"
		r = e.do("POST", "/v1/orders", key, bad)
		var synced model.Order
		r.decode(t, &synced)
		if synced.Status != model.StatusAwaitingCollection || synced.NeedsAttention || synced.ShippingAddress.PostalCode != "94043" ||
			synced.Corrections == nil || !synced.Lines[0].HasBattery {
			t.Fatalf("a marketplace update undid the correction: %s", r.body)
		}

		// Corrections name the fields they get wrong.
		for body, field := range map[string]string{
			`{"lines":[{"sku":"NOPE","has_battery":true}]}`:                                                    "lines[0].sku",
			`{"lines":[{"sku":"TSHIRT-RED-M","weight_g":0}]}`:                                                  "lines[0].weight_g",
			`{"lines":[{"sku":"TSHIRT-RED-M","has_battery":true},{"sku":"TSHIRT-RED-M","has_battery":false}]}`: "lines[1].sku",
		} {
			r := e.do("PATCH", "/v1/orders/"+o.ID, key, body)
			if _, f := r.apiErr(t); r.status != 422 || f != field {
				t.Errorf("PATCH %s: %d %s, want 422 on %s", body, r.status, r.body, field)
			}
		}
	})
}

// TestHoldRules covers the order-level checks beyond the address.
func TestHoldRules(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		cases := []struct {
			name  string
			edit  func(o map[string]any)
			field string
			code  string
		}{
			{"COD where it is not offered (R-MKT-2)", func(o map[string]any) { o["cod"] = map[string]any{"amount": 2598, "currency": "USD"} }, "cod", "cod_not_offered"},
			{"no weight (R-RATE-2)", func(o map[string]any) { o["lines"].([]any)[0].(map[string]any)["weight_g"] = 0 }, "lines[0].weight_g", "missing_weight"},
			{"no customs name (R-SHIP-6)", func(o map[string]any) { o["lines"].([]any)[0].(map[string]any)["declared_name"] = "" }, "lines[0].declared_name", "missing_field"},
			{"customs name in Chinese (R-LBL-4)", func(o map[string]any) { o["lines"].([]any)[0].(map[string]any)["declared_name"] = "棉T恤" }, "lines[0].declared_name", "non_latin_script"},
			{"ships abroad from a US shop", func(o map[string]any) {
				o["shipping_address"] = map[string]any{"name": "A B", "line1": "1 High St", "city": "London", "postal_code": "SW1A 1AA", "country": "GB", "phone": "+442079460018"}
			}, "shipping_address.country", "country_market_mismatch"},
			{"no phone (R-ORD-6)", func(o map[string]any) { delete(o["shipping_address"].(map[string]any), "phone") }, "shipping_address.phone", "missing_field"},
		}
		for i, tc := range cases {
			o := orderJSON("rule-"+string(rune('a'+i)), tPaid, model.StatusAwaitingShipment)
			tc.edit(o)
			r := e.do("POST", "/v1/orders", key, o)
			var got model.Order
			r.decode(t, &got)
			if r.status != 201 || !got.NeedsAttention || problemCodes(got)[tc.field] != tc.code {
				t.Errorf("%s: %d needs_attention=%v problems %+v; want %s on %s", tc.name, r.status, got.NeedsAttention, got.Problems, tc.code, tc.field)
			}
		}
	})
}

func TestValidateAddresses(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		r := e.do("POST", "/v1/addresses/validate", key, `{"name":"Jane Doe","line1":"1 Main St","city":"Anchorage","region":"Alaska",
			"postal_code":"99501","country":"us","phone":"907 555 0100"}`)
		var one address.Result
		r.decode(t, &one)
		if r.status != 200 || !one.Valid || one.Normalized.Region != "AK" || one.Normalized.Country != "US" || !one.RemoteArea {
			t.Fatalf("one address: %d %s", r.status, r.body)
		}
		r = e.do("POST", "/v1/addresses/validate", key, `{"addresses":[{"name":"A","line1":"1 High St","city":"London","postal_code":"sw1a1aa","country":"GB","phone":"020 7946 0018"},
			{"name":"王小明","line1":"1 Main St","city":"Austin","region":"TX","postal_code":"1234","country":"US","phone":"+15125550100"}]}`)
		var many struct{ Results []address.Result }
		r.decode(t, &many)
		if r.status != 200 || len(many.Results) != 2 || !many.Results[0].Valid || many.Results[0].Normalized.PostalCode != "SW1A 1AA" || many.Results[1].Valid {
			t.Fatalf("two addresses: %d %s", r.status, r.body)
		}
		fields := map[string]bool{}
		for _, p := range many.Results[1].Problems {
			fields[p.Field] = true
		}
		if !fields["name"] || !fields["postal_code"] {
			t.Fatalf("every problem must be reported at once: %+v", many.Results[1].Problems)
		}
		if r := e.do("POST", "/v1/addresses/validate", key, `{"line1":5}`); r.status != 422 {
			t.Fatalf("wrong type: %d %s", r.status, r.body)
		}
	})
}

// heldBody is the 409 of an action refused because the order is held.
type heldBody struct {
	Error struct {
		Code, Field, Message string
	}
	Errors []model.FieldError
}

func (h heldBody) fields() map[string]bool {
	out := map[string]bool{}
	for _, p := range h.Errors {
		out[p.Field] = true
	}
	return out
}

// TestHeldOrderIsNotConfirmedOrAllocated: R-ORD-6. A held order is not confirmed, not allocated
// alone or in a batch, and reserves nothing; the refusal names every problem to fix and how.
// Fixed, it goes through; held again by a newer marketplace version after its allocation, it
// keeps the stock it holds but is refused again.
func TestHeldOrderIsNotConfirmedOrAllocated(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		var wh model.Warehouse
		e.do("POST", "/v1/warehouses", key, warehouseJSON("LAX1")).decode(t, &wh)
		if r := e.do("PUT", "/v1/warehouses/"+wh.ID+"/stock/TSHIRT-RED-M", key, `{"on_hand":10,"reason":"count"}`); r.status != http.StatusOK {
			t.Fatalf("stock: %d %s", r.status, r.body)
		}
		in := orderJSON("held-1", tPaid, model.StatusAwaitingShipment)
		in["shipping_address"].(map[string]any)["postal_code"] = "9404"  // R-LBL-4
		in["lines"].([]any)[0].(map[string]any)["declared_name"] = "棉T恤" // R-LBL-4
		var o model.Order
		e.do("POST", "/v1/orders", key, in).decode(t, &o)
		if !o.NeedsAttention {
			t.Fatalf("the order is not held: %+v", o.Problems)
		}
		refused := func(what string, r response) {
			t.Helper()
			var b heldBody
			r.decode(t, &b)
			f := b.fields()
			if r.status != http.StatusConflict || b.Error.Code != "order_held" || b.Error.Field != "needs_attention" ||
				!strings.Contains(b.Error.Message, "shipping_address.postal_code") || !strings.Contains(b.Error.Message, "lines[0].declared_name") ||
				!strings.Contains(b.Error.Message, "PATCH") || !f["shipping_address.postal_code"] || !f["lines[0].declared_name"] {
				t.Fatalf("%s a held order: %d %s; want 409 order_held naming both problems and PATCH", what, r.status, r.body)
			}
		}
		refused("confirm", e.do("POST", "/v1/orders/"+o.ID+"/confirm", key, nil))
		refused("allocate", e.do("POST", "/v1/orders/"+o.ID+"/allocate", key, nil))
		r := e.do("POST", "/v1/orders:allocate", key, map[string]any{"order_ids": []string{o.ID}})
		var batch struct{ Results []allocateResult }
		r.decode(t, &batch)
		if r.status != http.StatusOK || len(batch.Results) != 1 || batch.Results[0].Error == nil || batch.Results[0].Error.Code != "order_held" {
			t.Fatalf("batch allocation of a held order: %d %s", r.status, r.body)
		}
		var got model.Order
		e.do("GET", "/v1/orders/"+o.ID, key, nil).decode(t, &got)
		if got.ConfirmedAt != nil {
			t.Fatalf("the held order was confirmed: %+v", got.History)
		}
		if l := e.level(t, key, "TSHIRT-RED-M"); l.Reserved != 0 {
			t.Fatalf("a held order reserved stock: %+v", l)
		}

		// Fixed, it is confirmed and allocated.
		r = e.do("PATCH", "/v1/orders/"+o.ID, key, `{"shipping_address":{"name":"Jane Doe","line1":"1600 Amphitheatre Pkwy",
			"city":"Mountain View","region":"CA","postal_code":"94043","country":"US","phone":"+16505550100"},
			"lines":[{"sku":"TSHIRT-RED-M","declared_name":"Cotton T-shirt"}]}`)
		if r.status != http.StatusOK {
			t.Fatalf("correct: %d %s", r.status, r.body)
		}
		if r = e.do("POST", "/v1/orders/"+o.ID+"/confirm", key, nil); r.status != http.StatusOK {
			t.Fatalf("confirm the fixed order: %d %s", r.status, r.body)
		}
		if r = e.do("POST", "/v1/orders/"+o.ID+"/allocate", key, nil); r.status != http.StatusOK {
			t.Fatalf("allocate the fixed order: %d %s", r.status, r.body)
		}

		// A newer marketplace version drops the weight: held again. The stock stays reserved
		// (the fix is usually minutes away, and released stock could be sold to another order),
		// but the order is refused everything until it is fixed.
		in["updated_at"] = tPaid.Add(time.Hour).Format(time.RFC3339)
		in["lines"].([]any)[0].(map[string]any)["weight_g"] = 0
		e.do("POST", "/v1/orders", key, in).decode(t, &got)
		if !got.NeedsAttention || problemCodes(got)["lines[0].weight_g"] != "missing_weight" {
			t.Fatalf("the newer version is not held: %+v", got.Problems)
		}
		r = e.do("POST", "/v1/orders/"+o.ID+"/allocate", key, nil)
		if code, field := r.apiErr(t); r.status != http.StatusConflict || code != "order_held" || field != "needs_attention" {
			t.Fatalf("allocate an allocated order held again: %d %s", r.status, r.body)
		}
		if l := e.level(t, key, "TSHIRT-RED-M"); l.Reserved != 2 {
			t.Fatalf("the reservation of an order held after allocation: %+v, want 2 reserved", l)
		}
	})
}
