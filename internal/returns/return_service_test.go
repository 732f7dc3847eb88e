package returns_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image/png"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/config"
	"lastmile/internal/inventory"
	"lastmile/internal/label/labeltest"
	"lastmile/internal/model"
	"lastmile/internal/rating"
	"lastmile/internal/returns"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

func one(sku string, q int64) returns.LineRequest { return returns.LineRequest{SKU: sku, Quantity: q} }

// TestCreateDecidesByDefaultRules: a shop without rules of its own gets the default rules
// (R-RET-2): a cheap return is refunded without return at once, a dear one comes back with a
// return label to buy, and a buyer with three other returns in 90 days is reviewed. Every
// return's creation enqueues its return.updated event in the same transaction.
func TestCreateDecidesByDefaultRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		e.warehouse(t, "LAX1", 0)
		cheap := e.delivered(t, "R-1", line("MUG", 1, 999))
		r := e.create(t, cheap, returns.ReasonDamaged, one("MUG", 1))
		if r.Status != model.ReturnRefunded || r.Decision == nil || r.Decision.Kind != model.DecideRefundOnly || r.Decision.Rule != "low-value" ||
			!strings.Contains(r.Decision.Reason, "9.99 USD is below 15.00 USD") || r.Decision.By != "rules" {
			t.Fatalf("a 9.99 USD return: status %s, decision %+v", r.Status, r.Decision)
		}
		if r.Value != (model.Money{Amount: 999, Currency: "USD"}) || r.Lines[0].UnitPrice.Amount != 999 || r.OrderExternalID != "R-1" {
			t.Errorf("value %v, lines %+v", r.Value, r.Lines)
		}
		if len(r.Shipments) != 0 {
			t.Errorf("a refund without return bought a label: %+v", r.Shipments)
		}
		evs := e.events(t, r.ID)
		var data model.Return
		if len(evs) != 1 || evs[0].Type != "return.updated" || evs[0].ShopID != e.shop.ID || evs[0].OrderID != cheap.ID ||
			json.Unmarshal(evs[0].Data, &data) != nil || data.Status != model.ReturnRefunded || data.ID != r.ID || data.Decision == nil {
			t.Errorf("events %+v", evs)
		}

		dear := e.delivered(t, "R-2", line("LAMP", 1, 8900))
		r = e.create(t, dear, returns.ReasonNotAsDescribed, one("LAMP", 1))
		if r.Status != model.ReturnAwaitingBuyerShip || r.Decision.Kind != model.DecideReturn || r.Decision.Rule != "" ||
			!strings.Contains(r.Decision.Reason, "no rule matched") {
			t.Fatalf("an 89.00 USD return: status %s, decision %+v", r.Status, r.Decision)
		}
		if r.Estimate == nil || r.Estimate.Cost == nil || r.Estimate.Cost.Amount*2 > 8900 {
			t.Fatalf("estimate %+v: the way back should cost less than half the lamp", r.Estimate)
		}
		if len(r.Shipments) != 1 || r.Shipments[0].Status != model.ShipmentCreated || len(e.jobsOf(t, returns.KindBuyLabel)) != 1 {
			t.Fatalf("shipments %+v, buy jobs %v", r.Shipments, e.jobsOf(t, returns.KindBuyLabel))
		}
		// A return made in lastmile is not pushed to any marketplace.
		if got := e.jobsOf(t, returns.KindPush); len(got) != 0 {
			t.Errorf("push jobs for API returns: %v", got)
		}

		// A third return of the same buyer; the fourth sees three others in 90 days.
		for i, ext := range []string{"R-3"} {
			e.clock.Add(time.Hour)
			o := e.delivered(t, ext, line("MUG", 1, 999))
			if r := e.create(t, o, returns.ReasonChangedMind, one("MUG", 1)); r.Decision.Kind == model.DecideReview {
				t.Fatalf("return %d of the buyer already reviewed: %s", i+3, r.Decision.Reason)
			}
		}
		e.clock.Add(time.Hour)
		o := e.delivered(t, "R-4", line("MUG", 1, 999))
		r = e.create(t, o, returns.ReasonChangedMind, one("MUG", 1))
		if r.Status != model.ReturnPending || r.Decision.Kind != model.DecideReview || r.Decision.Rule != "repeat-returner" ||
			!strings.Contains(r.Decision.Reason, "3 other returns in the last 90 days") {
			t.Fatalf("the buyer's fourth return: status %s, decision %+v", r.Status, r.Decision)
		}
	})
}

// TestCreateRefusals: what POST /v1/returns refuses, each naming its field.
func TestCreateRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)
		o := e.delivered(t, "F-1", line("MUG", 2, 999))
		unshipped := e.put(t, e.usOrder("F-2", model.StatusAwaitingShipment, line("MUG", 1, 999)))
		field := func(err error) string {
			var ve *model.ValidationError
			var re *returns.RefusalError
			switch {
			case errors.As(err, &ve):
				return ve.Problems[0].Field
			case errors.As(err, &re):
				return re.Field
			}
			return "?" + err.Error()
		}
		for name, c := range map[string]struct {
			req  returns.CreateRequest
			want string
		}{
			"no lines":         {returns.CreateRequest{OrderID: o.ID, Reason: "other"}, "lines"},
			"unknown reason":   {returns.CreateRequest{OrderID: o.ID, Lines: []returns.LineRequest{one("MUG", 1)}, Reason: "meh"}, "reason"},
			"zero quantity":    {returns.CreateRequest{OrderID: o.ID, Lines: []returns.LineRequest{one("MUG", 0)}, Reason: "other"}, "lines[0].quantity"},
			"SKU not ordered":  {returns.CreateRequest{OrderID: o.ID, Lines: []returns.LineRequest{one("HAT", 1)}, Reason: "other"}, "lines[0].sku"},
			"more than bought": {returns.CreateRequest{OrderID: o.ID, Lines: []returns.LineRequest{one("MUG", 3)}, Reason: "other"}, "lines[0].quantity"},
			"not shipped":      {returns.CreateRequest{OrderID: unshipped.ID, Lines: []returns.LineRequest{one("MUG", 1)}, Reason: "other"}, "order_id"},
			"bad photo":        {returns.CreateRequest{OrderID: o.ID, Lines: []returns.LineRequest{one("MUG", 1)}, Reason: "other", Photos: []string{"ftp://x"}}, "photos[0]"},
		} {
			if _, _, err := e.ret.Create(ctx, e.scope, c.req); err == nil || field(err) != c.want {
				t.Errorf("%s: %v, want an error on %s", name, err, c.want)
			}
		}
		// One of two mugs comes back; then at most one more.
		e.create(t, o, returns.ReasonDamaged, one("MUG", 1))
		if _, _, err := e.ret.Create(ctx, e.scope, returns.CreateRequest{OrderID: o.ID, Lines: []returns.LineRequest{one("MUG", 2)}, Reason: "other"}); field(err) != "lines[0].quantity" {
			t.Errorf("a second return of both mugs: %v", err)
		}
		// Another shop's key finds no order.
		other := model.Scope{ShopIDs: []string{"shop_other"}}
		if _, _, err := e.ret.Create(ctx, other, returns.CreateRequest{OrderID: o.ID, Lines: []returns.LineRequest{one("MUG", 1)}, Reason: "other"}); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("another shop: %v", err)
		}
		// An external id makes the request idempotent.
		req := returns.CreateRequest{OrderID: o.ID, Lines: []returns.LineRequest{one("MUG", 1)}, Reason: "other", ExternalID: "ERP-RMA-7"}
		a, created, err := e.ret.Create(ctx, e.scope, req)
		if err != nil || !created {
			t.Fatal(err)
		}
		b, created, err := e.ret.Create(ctx, e.scope, req)
		if err != nil || created || b.ID != a.ID {
			t.Fatalf("the same external id again: %s (created %v), %v; want %s", b.ID, created, err, a.ID)
		}
	})
}

// TestReturnLabelWarehouseAndCarrier (R-RET-3, R-RET-4): a return goes to the shop's warehouse
// with a return address in the buyer's country, never to China, preferring the warehouse that
// shipped the order; under platform logistics in the US the label is UPS's (the designated
// carrier); a seller-shipped order's return takes the cheapest certified service. The label is
// bought once, however often its job runs, and a reprint is the same bytes.
func TestReturnLabelWarehouseAndCarrier(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)
		cn := model.Address{Name: "SZ Factory", Line1: "88 Keyuan Rd", City: "Shenzhen", Region: "GD", PostalCode: "518057", Country: "CN", Phone: "+8675512345678"}
		e.warehouseAt(t, "AAA-CN", model.WarehouseDomesticCN, cn, cn, 0)
		lax := e.warehouse(t, "LAX1", 0)
		nyDesk := model.Address{Name: "NJ returns", Line1: "5 Harbor Dr", City: "Newark", Region: "NJ", PostalCode: "07114", Country: "US", Phone: "+19735550100"}
		nyc := e.warehouseAt(t, "NYC1", model.WarehouseOverseas, model.Address{Name: "NJ DC", Line1: "1 Port St", City: "Newark", Region: "NJ",
			PostalCode: "07114", Country: "US", Phone: "+19735550101"}, nyDesk, 10, "LAMP")

		// Platform logistics (R-RET-4): the designated UPS Ground, to the first local warehouse
		// by code, as nothing of the order shipped through lastmile.
		e.modes.mode[e.shop.ID] = model.ModePlatform
		o := e.delivered(t, "L-1", line("LAMP", 1, 8900))
		r := e.create(t, o, returns.ReasonDefective, one("LAMP", 1))
		if r.WarehouseID != lax.ID || r.Estimate == nil || r.Estimate.Carrier != "ups" || r.Estimate.Service != "ground" || !r.Estimate.Designated {
			t.Fatalf("platform-mode return: warehouse %s (want %s), estimate %+v", r.WarehouseID, lax.ID, r.Estimate)
		}
		for range 2 { // the job may run twice: one label
			e.runJobs(t, returns.KindBuyLabel)
		}
		r, err := e.ret.Get(ctx, e.scope, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		sh := r.Shipments[0]
		if sh.Status != model.ShipmentLabelPurchased || sh.Carrier != "ups" || !strings.HasPrefix(sh.TrackingNumber, "1Z") ||
			sh.To.Line1 != returnsDesk.Line1 || sh.To.Country != "US" || sh.WarehouseID != lax.ID || sh.Cost == nil || sh.LabelFormat != "pdf" {
			t.Fatalf("the UPS return label: %+v", sh)
		}
		if got := e.net.Stats().Carriers["ups"].Labels; got != 1 {
			t.Fatalf("UPS sold %d labels, want 1", got)
		}
		d1, err := e.ret.Label(ctx, e.scope, r.ID, "pdf", 203)
		if err != nil || !bytes.HasPrefix(d1.Content, []byte("%PDF")) {
			t.Fatalf("label: %v", err)
		}
		if d2, _ := e.ret.Label(ctx, e.scope, r.ID, "pdf", 203); !bytes.Equal(d1.Content, d2.Content) {
			t.Fatal("a reprint differs (R-LBL-6)")
		}
		// The warehouse finds the return by the label's number, spaced as people type it.
		found, _, err := e.ret.List(ctx, e.scope, returns.ListQuery{TrackingNumber: strings.ToLower(sh.TrackingNumber[:6]) + " " + sh.TrackingNumber[6:]})
		if err != nil || len(found) != 1 || found[0].ID != r.ID {
			t.Fatalf("lookup by tracking number: %v, %v", found, err)
		}

		// Seller shipping: the order shipped from NYC1, so it goes back there, with the cheapest
		// certified service of the way back.
		e.modes.mode[e.shop.ID] = model.ModeSeller
		o2, out := e.shipped(t, "L-2", line("LAMP", 1, 8900))
		r2 := e.create(t, o2, returns.ReasonDefective, one("LAMP", 1))
		if r2.WarehouseID != nyc.ID || r2.Estimate == nil || r2.Estimate.Designated || r2.OutboundCarrier != out.Carrier {
			t.Fatalf("seller-mode return: warehouse %s (want %s), estimate %+v, outbound %s", r2.WarehouseID, nyc.ID, r2.Estimate, r2.OutboundCarrier)
		}
		if want := cheapestBack(t, e, o2, nyDesk); r2.Estimate.Carrier+"/"+r2.Estimate.Service != want {
			t.Fatalf("seller-mode carrier %s/%s, want the cheapest certified %s", r2.Estimate.Carrier, r2.Estimate.Service, want)
		}
		if err := carrier.DefaultCertification().Check("US", r2.Estimate.Carrier); err != nil {
			t.Fatal(err)
		}
		e.runJobs(t, returns.KindBuyLabel)
		r2, _ = e.ret.Get(ctx, e.scope, r2.ID)
		sh2 := r2.Shipments[0]
		if sh2.Status != model.ShipmentLabelPurchased || sh2.To.Line1 != nyDesk.Line1 || sh2.Carrier != r2.Estimate.Carrier {
			t.Fatalf("the seller-mode label: %+v", sh2)
		}
		if sh2.LabelFormat == "data" { // lastmile's own label: it scans back to the number
			doc, err := e.ret.Label(ctx, e.scope, r2.ID, "png", 203)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(doc.Content))
			if err != nil {
				t.Fatal(err)
			}
			if code, err := labeltest.DecodeCode128(img); err != nil || code != sh2.TrackingNumber {
				t.Fatalf("the return label scans %q (%v), want %s", code, err, sh2.TrackingNumber)
			}
		}
	})
}

// cheapestBack is the cheapest priced, certified service from o's buyer to the return address,
// worked out with the rate cards directly.
func cheapestBack(t *testing.T, e *env, o model.Order, to model.Address) string {
	t.Helper()
	cards, err := rating.DefaultCards()
	if err != nil {
		t.Fatal(err)
	}
	qr := &rating.QuoteRequest{Order: o, Handover: &rating.HandoverSpec{Origin: "US"}}
	qr.Order.ShippingAddress = to
	resp, err := rating.QuoteOrder(cards, qr, config.DefaultMarkets(), rating.QuoteOptions{Now: e.clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	best, bestCost := "", int64(-1)
	for _, q := range resp.Quotes {
		if q.Total == nil || carrier.DefaultCertification().Check("US", q.Carrier) != nil {
			continue
		}
		if _, ok := e.carrier.Get(q.Carrier); !ok {
			continue
		}
		if bestCost < 0 || q.Total.Amount < bestCost {
			best, bestCost = q.Carrier+"/"+q.Service, q.Total.Amount
		}
	}
	return best
}

// TestReturnLabelBoughtOnce: a label whose purchase went through while its answer was lost is
// not bought again: the retry carries the shipment's id as the idempotency key, and the carrier
// answers with the label it sold.
func TestReturnLabelBoughtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		lost := &lossy{}
		e := newEnv(t, st, envOptions{wrap: lost.wrap})
		e.warehouse(t, "LAX1", 0)
		e.modes.mode[e.shop.ID] = model.ModePlatform
		o := e.delivered(t, "B-1", line("LAMP", 1, 8900))
		r := e.create(t, o, returns.ReasonDefective, one("LAMP", 1))
		if err := e.runJob(t, returns.KindBuyLabel); err == nil || lost.sold == "" {
			t.Fatalf("the first attempt: %v, sold %q; want the answer lost after the sale", err, lost.sold)
		}
		if r, _ = e.ret.Get(ctx, e.scope, r.ID); r.Shipments[0].Status != model.ShipmentCreated {
			t.Fatalf("after a lost answer the label is %s, want still created", r.Shipments[0].Status)
		}
		if err := e.runJob(t, returns.KindBuyLabel); err != nil {
			t.Fatalf("the retry: %v", err)
		}
		r, _ = e.ret.Get(ctx, e.scope, r.ID)
		if r.Shipments[0].TrackingNumber != lost.sold {
			t.Fatalf("the retry's label %s, want the one sold first, %s", r.Shipments[0].TrackingNumber, lost.sold)
		}
		if st := e.net.Stats().Carriers["ups"]; st.Labels != 1 || st.Replays != 1 || st.RepeatPurchases != 0 {
			t.Fatalf("UPS stats %+v: want one label, replayed once", st)
		}
	})
}

// lossy loses the answer of the first label a carrier sells: the sale happens at the real
// simulated carrier, lastmile hears a timeout.
type lossy struct {
	mu   sync.Mutex
	sold string
}

func (l *lossy) wrap(c carrier.Carrier) carrier.Carrier { return lossyCarrier{Carrier: c, l: l} }

type lossyCarrier struct {
	carrier.Carrier
	l *lossy
}

func (c lossyCarrier) Purchase(ctx context.Context, req carrier.PurchaseRequest) (carrier.Label, error) {
	lab, err := c.Carrier.Purchase(ctx, req)
	c.l.mu.Lock()
	defer c.l.mu.Unlock()
	if err == nil && c.l.sold == "" {
		c.l.sold = lab.TrackingNumber
		return carrier.Label{}, &carrier.Error{Kind: carrier.Transient, Carrier: c.Code(), Op: "purchase", Code: "timeout", Message: "the answer was lost"}
	}
	return lab, err
}

// TestReturnLabelNotNeeded: a label still waiting to be bought when the parcel is received
// anyway (the buyer used a label of their own) is not bought.
func TestReturnLabelNotNeeded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)
		e.warehouse(t, "LAX1", 0)
		o := e.delivered(t, "NN-1", line("LAMP", 1, 8900))
		r := e.create(t, o, returns.ReasonDefective, one("LAMP", 1))
		if _, err := e.ret.Receive(ctx, e.scope, r.ID, returns.ReceiveRequest{}); err != nil {
			t.Fatal(err)
		}
		if err := e.runJob(t, returns.KindBuyLabel); err == nil {
			t.Fatal("a label for a received return was bought")
		}
		r, _ = e.ret.Get(ctx, e.scope, r.ID)
		if sh := r.Shipments[0]; sh.Status != model.ShipmentFailed || sh.Failure.Code != "label_not_needed" || sh.TrackingNumber != "" {
			t.Fatalf("the label: %+v", sh)
		}
		for code, c := range e.net.Stats().Carriers {
			if c.Labels != 0 {
				t.Fatalf("%s sold %d labels", code, c.Labels)
			}
		}
	})
}

// TestReturnLabelRefusedWithoutLocalWarehouse (R-RET-3): with no return address in the buyer's
// country the return is still asked back, but no label is bought, and the shipment says why.
func TestReturnLabelRefusedWithoutLocalWarehouse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		cn := model.Address{Name: "SZ Factory", Line1: "88 Keyuan Rd", City: "Shenzhen", Region: "GD", PostalCode: "518057", Country: "CN"}
		e.warehouseAt(t, "CN1", model.WarehouseDomesticCN, cn, cn, 0)
		o := e.delivered(t, "N-1", line("LAMP", 1, 8900))
		r := e.create(t, o, returns.ReasonDefective, one("LAMP", 1))
		if r.WarehouseID != "" || r.Estimate != nil || len(r.Shipments) != 1 || r.Shipments[0].Status != model.ShipmentFailed ||
			r.Shipments[0].Failure.Code != "no_return_warehouse" || !strings.Contains(r.Shipments[0].Failure.Message, "R-RET-3") {
			t.Fatalf("return without a local warehouse: %+v", r)
		}
		if _, err := e.ret.Label(context.Background(), e.scope, r.ID, "pdf", 203); err == nil || !strings.Contains(err.Error(), "R-RET-3") {
			t.Fatalf("label: %v", err)
		}
	})
}

// TestInspectionMovements (R-RET-5, R-INV-6): receiving completes the return; each inspected
// line's outcome is its stock movements, written with the inspection: restock puts the unit
// back, refurbish stocks it under the refurbished SKU, write_off records it back and scrapped.
// Nothing is inspected beyond what came back.
func TestInspectionMovements(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)
		wh := e.warehouse(t, "LAX1", 5, "LAMP", "VASE", "BOWL")
		o := e.delivered(t, "I-1", line("LAMP", 1, 8900), line("VASE", 2, 6000), line("BOWL", 1, 4000))
		r := e.create(t, o, returns.ReasonDamaged, one("LAMP", 1), one("VASE", 2), one("BOWL", 1))
		if r.Status != model.ReturnAwaitingBuyerShip {
			t.Fatalf("status %s", r.Status)
		}
		// Scanned in first, inspected line by line afterwards.
		r, err := e.ret.Receive(ctx, e.scope, r.ID, returns.ReceiveRequest{})
		if err != nil || r.Status != model.ReturnCompleted || r.ReceivedAt == nil {
			t.Fatalf("receive: %+v, %v", r, err)
		}
		r, err = e.ret.Receive(ctx, e.scope, r.ID, returns.ReceiveRequest{Lines: []returns.Inspected{
			{SKU: "LAMP", Quantity: 1, Outcome: model.InspectRestock},
			{SKU: "VASE", Quantity: 1, Outcome: model.InspectRefurbish, Note: "chipped base"},
			{SKU: "VASE", Quantity: 1, Outcome: model.InspectWriteOff, Note: "shattered"},
		}})
		if err != nil || len(r.Inspections) != 3 || r.Inspections[1].StockSKU != "VASE-REFURB" {
			t.Fatalf("inspect: %+v, %v", r.Inspections, err)
		}
		moves, err := e.inv.Movements(ctx, e.scope, inventoryFilter(o.ID))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, m := range moves {
			if m.Kind == model.MoveReturnRestock || m.Kind == model.MoveWriteOff {
				got = append(got, string(m.Kind)+" "+m.SKU+" "+itoa(m.Quantity)+" → "+itoa(m.After.OnHand))
			}
		}
		want := []string{
			"return_restock LAMP 1 → 6",
			"return_restock VASE-REFURB 1 → 1",
			"return_restock VASE 1 → 6",
			"write_off VASE 1 → 5",
		}
		if !slices.Equal(got, want) {
			t.Fatalf("ledger:\n got %q\nwant %q", got, want)
		}
		for _, m := range moves {
			if m.WarehouseID != wh.ID || !strings.Contains(m.Reason, r.ID) || m.OrderID != o.ID {
				t.Errorf("movement %+v: want warehouse %s, the return in its reason and the order", m, wh.ID)
			}
		}
		// The third vase line and beyond: refused, nothing written.
		if _, err := e.ret.Receive(ctx, e.scope, r.ID, returns.ReceiveRequest{Lines: []returns.Inspected{
			{SKU: "BOWL", Quantity: 1, Outcome: model.InspectRestock}, {SKU: "VASE", Quantity: 1, Outcome: model.InspectRestock},
		}}); !errors.Is(err, model.ErrInvalid) || !strings.Contains(err.Error(), "2 came back") {
			t.Fatalf("inspecting a third vase: %v", err)
		}
		if after, _ := e.inv.Movements(ctx, e.scope, inventoryFilter(o.ID)); len(after) != len(moves) {
			t.Fatalf("a refused inspection wrote %d movements", len(after)-len(moves))
		}
		// A refund without return expects no parcel.
		cheap := e.delivered(t, "I-2", line("MUG", 1, 500))
		rc := e.create(t, cheap, returns.ReasonDamaged, one("MUG", 1))
		var re *returns.RefusalError
		if _, err := e.ret.Receive(ctx, e.scope, rc.ID, returns.ReceiveRequest{}); !errors.As(err, &re) || re.Code != "return_not_expected" {
			t.Fatalf("receiving a refund without return: %v", err)
		}
	})
}

// TestPlatformLiability (R-RET-6): a return requested within 24 h of delivery by a certified
// carrier is the platform's; a day later, or without a known delivery, it is not.
func TestPlatformLiability(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st)
		e.warehouse(t, "LAX1", 10, "LAMP")
		o, out := e.shipped(t, "P-1", line("LAMP", 1, 8900))
		e.clock.Add(23 * time.Hour)
		r := e.create(t, o, returns.ReasonDamaged, one("LAMP", 1))
		if r.DeliveredAt == nil || r.Liability == nil || !r.Liability.Platform || !strings.Contains(r.Liability.Reason, out.Carrier) {
			t.Fatalf("23 h after delivery by %s: delivered %v, liability %+v", out.Carrier, r.DeliveredAt, r.Liability)
		}
		o2, _ := e.shipped(t, "P-2", line("LAMP", 1, 8900))
		e.clock.Add(25 * time.Hour)
		r2 := e.create(t, o2, returns.ReasonDamaged, one("LAMP", 1))
		if r2.Liability == nil || r2.Liability.Platform {
			t.Fatalf("25 h after delivery: %+v", r2.Liability)
		}
		o3 := e.put(t, e.usOrder("P-3", model.StatusDelivered, line("LAMP", 1, 8900))) // delivered, no transition seen
		r3 := e.create(t, o3, returns.ReasonDamaged, one("LAMP", 1))
		if r3.DeliveredAt != nil || r3.Liability == nil || r3.Liability.Platform {
			t.Fatalf("unknown delivery: %+v %+v", r3.DeliveredAt, r3.Liability)
		}
	})
}

// TestDecide: a person's decisions on a return the rules left for review, and what they refuse.
func TestDecide(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)
		e.warehouse(t, "LAX1", 0)
		review := model.ReturnRules{Default: model.DecideReview, AutoApply: true}
		if _, err := e.ret.SetRules(ctx, e.scope, "", review); err != nil {
			t.Fatal(err)
		}
		o := e.delivered(t, "D-1", line("LAMP", 2, 8900))
		r := e.create(t, o, returns.ReasonDamaged, one("LAMP", 1))
		if r.Status != model.ReturnPending || r.Decision.Kind != model.DecideReview {
			t.Fatalf("status %s decision %+v", r.Status, r.Decision)
		}
		var re *returns.RefusalError
		if _, err := e.ret.Decide(ctx, e.scope, r.ID, returns.DecideRequest{}); !errors.As(err, &re) || re.Code != "decision_needed" {
			t.Fatalf("confirming a review: %v", err)
		}
		if _, err := e.ret.Decide(ctx, e.scope, r.ID, returns.DecideRequest{Kind: "reject"}); !errors.Is(err, model.ErrInvalid) {
			t.Fatalf("a rejection without a reason: %v", err)
		}
		got, err := e.ret.Decide(ctx, e.scope, r.ID, returns.DecideRequest{Kind: "return", Reason: "photos show a dented shade"})
		if err != nil || got.Status != model.ReturnAwaitingBuyerShip || got.Decision.Kind != model.DecideReturn || got.Decision.By != "key:key_test" ||
			len(got.Shipments) != 1 || got.Version != 2 {
			t.Fatalf("decide return: %+v, %v", got, err)
		}
		again, err := e.ret.Decide(ctx, e.scope, r.ID, returns.DecideRequest{Kind: "return"})
		if err != nil || again.Version != got.Version || len(again.Shipments) != 1 {
			t.Fatalf("the same decision again changed the return: %+v, %v", again, err)
		}
		if _, err := e.ret.Decide(ctx, e.scope, r.ID, returns.DecideRequest{Kind: "refund_only"}); !errors.As(err, &re) || re.Code != "return_decided" {
			t.Fatalf("refund after asking the goods back: %v", err)
		}
		rej, err := e.ret.Decide(ctx, e.scope, r.ID, returns.DecideRequest{Kind: "reject", Reason: "the buyer sent a different lamp"})
		if err != nil || rej.Status != model.ReturnReceiveRejected {
			t.Fatalf("reject on the way back: %+v, %v", rej.Status, err)
		}
		if n := len(e.events(t, r.ID)); n != 3 {
			t.Errorf("%d events, want one per change (created, decided, rejected)", n)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func inventoryFilter(orderID string) inventory.MovementFilter {
	return inventory.MovementFilter{OrderID: orderID}
}
