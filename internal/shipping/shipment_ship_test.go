package shipping_test

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"testing"
	"time"

	"lastmile/internal/label/labeltest"
	"lastmile/internal/model"
	"lastmile/internal/shipping"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
	"lastmile/internal/trackno"
)

// TestShipOneOrder is the whole way for a single-package order: allocated, packed, rated, one
// label bought and checked (R-SHIP-4), rendered, the order AWAITING_COLLECTION and its stock
// settled; shipping it again buys nothing.
func TestShipOneOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)
		wh := e.warehouse(t, "LAX1", 10, "TS-RED-M")
		o := e.put(t, true, e.usOrder("A-1", line("TS-RED-M", 2)))[0]

		res, err := e.ship.Ship(ctx, e.scope, o.ID, shipping.Options{Policy: "cheapest"})
		if err != nil {
			t.Fatalf("ship: %v", err)
		}
		if len(res.Shipments) != 1 {
			t.Fatalf("%d shipments, want 1", len(res.Shipments))
		}
		sh := res.Shipments[0]
		if sh.Status != model.ShipmentLabelPurchased || sh.OrderID != o.ID || sh.Carrier == "" || sh.Service == "" {
			t.Fatalf("shipment %+v", sh)
		}
		if chk := trackno.Check(sh.TrackingNumber); !chk.Valid {
			t.Fatalf("tracking number %q fails the check: %s", sh.TrackingNumber, chk.Message)
		}
		if sh.Cost == nil || sh.Cost.Total.Amount <= 0 || sh.Quote == nil || sh.Quote.Total != sh.Cost.Total {
			t.Fatalf("cost %+v, quote %+v: the sim charges what the cards quote", sh.Cost, sh.Quote)
		}
		got, err := e.orders.Get(ctx, e.scope, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != model.StatusAwaitingCollection {
			t.Fatalf("order status %s, want AWAITING_COLLECTION", got.Status)
		}
		pkg, err := st.GetPackage(ctx, e.scope.ShopIDs, sh.PackageID)
		if err != nil {
			t.Fatal(err)
		}
		if pkg.WarehouseID != wh.ID || pkg.Box == "" || pkg.WeightG <= 360 {
			t.Fatalf("package %+v: want the warehouse, a box (R-RATE-8) and the goods' weight plus the box", pkg)
		}
		// The stock left the shelf.
		a, err := e.inv.GetAllocation(ctx, e.scope, o.ID)
		if err != nil || a.Status != store.AllocationShipped {
			t.Fatalf("allocation %+v, %v: want shipped", a.Status, err)
		}

		// The label scans back to the tracking number, and a reprint is the same bytes (R-LBL-6).
		for _, f := range []string{"pdf", "zpl", "png"} {
			d1, err := e.ship.Label(ctx, e.scope, sh.ID, f, 203)
			if err != nil {
				t.Fatalf("label %s: %v", f, err)
			}
			d2, err := e.ship.Label(ctx, e.scope, sh.ID, f, 203)
			if err != nil || !bytes.Equal(d1.Content, d2.Content) {
				t.Fatalf("reprint %s differs (%v)", f, err)
			}
			if f == "png" {
				img, err := png.Decode(bytes.NewReader(d1.Content))
				if err != nil {
					t.Fatal(err)
				}
				code, err := labeltest.DecodeCode128(img)
				if err != nil || code != sh.TrackingNumber {
					t.Fatalf("the PNG label scans %q (%v), want %s", code, err, sh.TrackingNumber)
				}
			}
		}

		again, err := e.ship.Ship(ctx, e.scope, o.ID, shipping.Options{})
		if err != nil {
			t.Fatalf("ship again: %v", err)
		}
		if !again.Already || len(again.Shipments) != 1 || again.Shipments[0].ID != sh.ID {
			t.Fatalf("shipping again gave %+v, want the same shipment", again)
		}
		if labels, repeats := e.labels(); labels != 1 || repeats != 0 {
			t.Fatalf("the sim sold %d labels with %d repeat purchases, want 1 and 0", labels, repeats)
		}
	})
}

// TestShipSplitOrder ships an order allocated to two warehouses as two packages, each with its
// own label "1 of 2" and "2 of 2" (R-MODE-6).
func TestShipSplitOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)
		e.warehouse(t, "LAX1", 5, "TS-RED-M")
		e.warehouse(t, "LAX2", 5, "TS-BLUE-L")
		o := e.put(t, true, e.usOrder("A-2", line("TS-RED-M", 1), line("TS-BLUE-L", 1)))[0]

		if _, err := e.ship.Ship(ctx, e.scope, o.ID, shipping.Options{}); !isCode(err, shipping.RefusedNoStock) {
			t.Fatalf("without allow_split: %v, want %s", err, shipping.RefusedNoStock)
		}
		res, err := e.ship.Ship(ctx, e.scope, o.ID, shipping.Options{AllowSplit: true})
		if err != nil {
			t.Fatalf("ship: %v", err)
		}
		if len(res.Shipments) != 2 || res.Shipments[0].PackageID == res.Shipments[1].PackageID {
			t.Fatalf("shipments %+v, want two packages", res.Shipments)
		}
		for _, sh := range res.Shipments {
			if sh.Status != model.ShipmentLabelPurchased {
				t.Fatalf("shipment %s is %s", sh.ID, sh.Status)
			}
		}
		if labels, _ := e.labels(); labels != 2 {
			t.Fatalf("%d labels sold, want 2", labels)
		}
	})
}

func isCode(err error, code string) bool {
	var re *shipping.RefusalError
	return errors.As(err, &re) && re.Code == code
}

// TestShipRefusals: every reason an order cannot ship is a refusal naming it, and buys nothing.
func TestShipRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)
		e.warehouse(t, "LAX1", 1, "TS-RED-M")

		held := e.usOrder("H-1", line("TS-RED-M", 1))
		held.ShippingAddress.PostalCode = "" // R-ORD-6: held until fixed
		heldOrder := e.put(t, false, held)[0]
		if !heldOrder.NeedsAttention {
			t.Fatal("the order without a postal code is not held")
		}
		unconfirmed := e.put(t, false, e.usOrder("U-1", line("TS-RED-M", 1)))[0]
		noStock := e.put(t, true, e.usOrder("S-1", line("TS-RED-M", 5)))[0]
		ok := e.put(t, true, e.usOrder("OK-1", line("TS-RED-M", 1)))[0]
		cancelled := e.put(t, true, e.usOrder("C-1", line("TS-RED-M", 1)))[0]
		if _, err := e.orders.Cancel(ctx, e.scope, cancelled.ID, "buyer asked", "test"); err != nil {
			t.Fatal(err)
		}

		for _, c := range []struct {
			name string
			id   string
			opt  shipping.Options
			code string
			// state: the refusal is the order's state (409), not the request (422).
			state bool
		}{
			{"held", heldOrder.ID, shipping.Options{}, shipping.RefusedHeld, true},
			{"not confirmed", unconfirmed.ID, shipping.Options{}, shipping.RefusedNotConfirmed, true},
			{"cancelled", cancelled.ID, shipping.Options{}, shipping.RefusedStatus, true},
			{"no stock", noStock.ID, shipping.Options{}, shipping.RefusedNoStock, true},
			{"uncertified", ok.ID, shipping.Options{Carrier: "ninja-van-th"}, shipping.RefusedUncertified, false},
			{"no such carrier", ok.ID, shipping.Options{Carrier: "pony-express"}, shipping.RefusedNoCarrier, false},
			{"no such service", ok.ID, shipping.Options{Carrier: "usps", Service: "teleport"}, shipping.RefusedNoService, false},
		} {
			_, err := e.ship.Ship(ctx, e.scope, c.id, c.opt)
			var re *shipping.RefusalError
			if !errors.As(err, &re) || re.Code != c.code || re.State != c.state || re.Message == "" {
				t.Errorf("%s: %v, want refusal %s (state %v)", c.name, err, c.code, c.state)
				continue
			}
			if c.state && !errors.Is(err, model.ErrConflict) || !c.state && !errors.Is(err, model.ErrInvalid) {
				t.Errorf("%s: %v does not classify as 409/422", c.name, err)
			}
		}
		if _, err := e.ship.Ship(ctx, e.scope, "ord_nope", shipping.Options{}); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("unknown order: %v, want not found", err)
		}
		if labels, _ := e.labels(); labels != 0 {
			t.Fatalf("refusals bought %d labels", labels)
		}
		// Confirming while shipping ships the unconfirmed order (R-ORD-3).
		if _, err := e.ship.Ship(ctx, e.scope, unconfirmed.ID, shipping.Options{Confirm: true}); err != nil {
			t.Fatalf("ship with confirm: %v", err)
		}
	})
}

// TestVoidAndRelabel: a voided label is refunded, the package gets a new label on the next ship,
// and the sim counts no repeat purchase (the voided label is no longer live).
func TestVoidAndRelabel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)
		e.warehouse(t, "LAX1", 5, "TS-RED-M")
		o := e.put(t, true, e.usOrder("V-1", line("TS-RED-M", 1)))[0]
		res, err := e.ship.Ship(ctx, e.scope, o.ID, shipping.Options{})
		if err != nil {
			t.Fatal(err)
		}
		first := res.Shipments[0]
		v, err := e.ship.Void(ctx, e.scope, first.ID)
		if err != nil {
			t.Fatalf("void: %v", err)
		}
		if v.Status != model.ShipmentVoided || v.VoidedAt == nil {
			t.Fatalf("voided shipment %+v", v)
		}
		if again, err := e.ship.Void(ctx, e.scope, first.ID); err != nil || again.Status != model.ShipmentVoided {
			t.Fatalf("void twice: %+v %v", again.Status, err)
		}
		res2, err := e.ship.Ship(ctx, e.scope, o.ID, shipping.Options{})
		if err != nil {
			t.Fatalf("ship after void: %v", err)
		}
		second := res2.Shipments[0]
		if second.ID == first.ID || second.PackageID != first.PackageID || second.TrackingNumber == first.TrackingNumber {
			t.Fatalf("relabel %+v after %+v: want a new shipment and number for the same package", second, first)
		}
		if labels, repeats := e.labels(); labels != 2 || repeats != 0 {
			t.Fatalf("sim: %d labels, %d repeats; want 2 and 0", labels, repeats)
		}
	})
}

// TestShipThroughFaults: with a network that fails often (5xx, timeouts, connections dropped
// after the purchase), retrying the ship with the same idempotency keys ends with exactly one
// label per package.
func TestShipThroughFaults(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		opt := envOptions{config: shipping.Config{PurchaseTimeout: 2 * time.Second, SyncAttempts: 1}}
		opt.sim.FaultRate = 0.4
		opt.sim.Seed = 7
		opt.sim.HangFor = 3 * time.Second
		e := newEnv(t, st, opt)
		e.warehouse(t, "LAX1", 100, "TS-RED-M")
		var ids []string
		for _, o := range e.put(t, true, e.usOrder("F-1", line("TS-RED-M", 1)), e.usOrder("F-2", line("TS-RED-M", 1)),
			e.usOrder("F-3", line("TS-RED-M", 1)), e.usOrder("F-4", line("TS-RED-M", 1))) {
			ids = append(ids, o.ID)
		}
		for _, id := range ids {
			for attempt := 0; ; attempt++ {
				_, err := e.ship.Ship(ctx, e.scope, id, shipping.Options{})
				if err == nil {
					break
				}
				if attempt > 40 {
					t.Fatalf("order %s still failing: %v", id, err)
				}
			}
		}
		if labels, repeats := e.labels(); labels != len(ids) || repeats != 0 {
			t.Fatalf("sim: %d labels, %d repeats; want %d and 0", labels, repeats, len(ids))
		}
	})
}
