package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"lastmile/internal/model"
)

// deliveredOrder stores a delivered order of two T-shirts.
func (c *console) deliveredOrder(ext string) model.Order {
	c.t.Helper()
	body := map[string]any{
		"external_id": ext, "market": "US", "currency": "USD", "status": "DELIVERED",
		"created_at": "2026-11-20T10:00:00Z", "paid_at": "2026-11-20T10:01:00Z", "updated_at": "2026-11-25T10:02:00Z",
		"buyer":            map[string]any{"name": "Jane Doe", "email": "jane@example.com", "phone": "+12065550100"},
		"shipping_address": map[string]any{"name": "Jane Doe", "line1": "1600 Amphitheatre Pkwy", "line2": "", "city": "Mountain View", "region": "CA", "postal_code": "94043", "country": "US", "phone": "+16505550100"},
		"lines": []any{map[string]any{"sku": "TSHIRT-RED-M", "name": "T-shirt red M", "quantity": 2,
			"unit_price": map[string]any{"amount": 1299, "currency": "USD"}, "weight_g": 180, "length_mm": 250, "width_mm": 200, "height_mm": 20,
			"declared_name": "Cotton T-shirt", "has_battery": false}},
		"cod": nil,
	}
	var o model.Order
	c.api("POST", "/v1/orders", body, &o)
	return o
}

// TestReceiveAndInspectReturn: a return the buyer sends back shows a receive form per line;
// a viewer sees none and is refused with 403; an owner receives the parcel and restocks one
// T-shirt, then writes the other off, through internal/returns (the return is completed, its
// inspections stored, the stock moved); inspecting more than came back is refused with 422.
func TestReceiveAndInspectReturn(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, db string) {
		c := newConsole(t, db)
		o := c.deliveredOrder("ret-web-1")
		var ret model.Return
		c.api("POST", "/v1/returns", map[string]any{"order_id": o.ID, "lines": []any{map[string]any{"sku": "TSHIRT-RED-M", "quantity": 2}},
			"reason": "not_as_described"}, &ret)
		if ret.Status != model.ReturnAwaitingBuyerShip {
			t.Fatalf("the return is %s, want it sent back", ret.Status)
		}
		form := `action="/returns/` + ret.ID + `/receive"`

		vb := c.browser()
		vtok := vb.login(viewerEmail)
		if p := vb.get("/returns"); strings.Contains(p.body, form) {
			t.Error("a viewer is shown the receive form")
		}
		if p := vb.post("/returns/"+ret.ID+"/receive", url.Values{"csrf_token": {vtok}, "sku_0": {"TSHIRT-RED-M"}, "qty_0": {"1"}, "outcome_0": {"restock"}}); p.status != http.StatusForbidden {
			t.Fatalf("a viewer received a return: %d", p.status)
		}

		b := c.browser()
		tok := b.login(ownerEmail)
		p := b.get("/returns")
		if !strings.Contains(p.body, form) || !strings.Contains(p.body, `name="outcome_0"`) || !strings.Contains(p.body, `value="write_off"`) {
			t.Fatalf("the receive form is missing:\n%.4000s", p.body)
		}
		if p = b.post("/returns/"+ret.ID+"/receive", url.Values{"csrf_token": {tok}, "sku_0": {"TSHIRT-RED-M"}, "qty_0": {"one"}, "outcome_0": {"restock"}}); p.status != http.StatusUnprocessableEntity {
			t.Errorf("a quantity that is not a number: %d", p.status)
		}
		if p = b.post("/returns/"+ret.ID+"/receive", url.Values{"csrf_token": {tok}, "sku_0": {"TSHIRT-RED-M"}, "qty_0": {"1"}, "outcome_0": {"restock"}, "note_0": {"as new"}}); p.status != http.StatusSeeOther {
			t.Fatalf("receive: %d %s", p.status, msg(p.body))
		}
		if p = b.post("/returns/"+ret.ID+"/receive", url.Values{"csrf_token": {tok}, "sku_0": {"TSHIRT-RED-M"}, "qty_0": {"1"}, "outcome_0": {"write_off"}}); p.status != http.StatusSeeOther {
			t.Fatalf("inspect the second: %d %s", p.status, msg(p.body))
		}
		if p = b.post("/returns/"+ret.ID+"/receive", url.Values{"csrf_token": {tok}, "sku_0": {"TSHIRT-RED-M"}, "qty_0": {"1"}, "outcome_0": {"restock"}}); p.status != http.StatusUnprocessableEntity {
			t.Errorf("a third T-shirt of two inspected: %d", p.status)
		}
		if p = b.post("/returns/ret_elsewhere/receive", url.Values{"csrf_token": {tok}}); p.status != http.StatusNotFound {
			t.Errorf("receive a return that is not the shop's: %d", p.status)
		}
		var got model.Return
		c.api("GET", "/v1/returns/"+ret.ID, nil, &got)
		if got.Status != model.ReturnCompleted || got.ReceivedAt == nil || len(got.Inspections) != 2 ||
			got.Inspections[0].Outcome != model.InspectRestock || got.Inspections[0].Note != "as new" || got.Inspections[1].Outcome != model.InspectWriteOff {
			t.Fatalf("stored return: %s received %v, inspections %+v", got.Status, got.ReceivedAt, got.Inspections)
		}
		var moves struct{ Movements []model.Movement }
		c.api("GET", "/v1/inventory/movements", nil, &moves)
		var restocked, writtenOff bool
		for _, m := range moves.Movements {
			restocked = restocked || (m.Kind == model.MoveReturnRestock && strings.Contains(m.Reason, ret.ID+" inspected: restocked"))
			writtenOff = writtenOff || (m.Kind == model.MoveWriteOff && strings.Contains(m.Reason, ret.ID))
		}
		if !restocked || !writtenOff {
			t.Errorf("the stock did not move: restocked %v, written off %v: %+v", restocked, writtenOff, moves.Movements)
		}
		if p = b.get("/returns?lang=zh-CN"); !strings.Contains(p.body, "重新上架") || !strings.Contains(p.body, "报废") {
			t.Errorf("the inspections in Chinese:\n%.3000s", p.body)
		}
	})
}
