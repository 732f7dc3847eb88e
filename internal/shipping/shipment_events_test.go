package shipping_test

import (
	"context"
	"encoding/json"
	"testing"

	"lastmile/internal/model"
	"lastmile/internal/shipping"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// TestShipmentEvents: a bought label and a voided one each enqueue a notify.event (for the ERPs'
// webhooks) with the change, carrying the shipment and its order.
func TestShipmentEvents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)
		e.warehouse(t, "LAX1", 5, "TS-RED-M")
		o := e.put(t, true, e.usOrder("EV-1", line("TS-RED-M", 1)))[0]
		res, err := e.ship.Ship(ctx, e.scope, o.ID, shipping.Options{})
		if err != nil {
			t.Fatal(err)
		}
		sh := res.Shipments[0]
		if _, err := e.ship.Void(ctx, e.scope, sh.ID); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, j := range storetest.ListJobs(t, st) {
			if j.Kind != model.KindNotifyEvent {
				continue
			}
			var ev model.NotifyEvent
			if err := json.Unmarshal(j.EncodedArgs, &ev); err != nil {
				t.Fatal(err)
			}
			var data model.Shipment
			if err := json.Unmarshal(ev.Data, &data); err != nil || data.ID != sh.ID {
				t.Fatalf("event data %s: want the shipment", ev.Data)
			}
			if ev.ShopID != o.ShopID || ev.OrderID != o.ID || ev.ID != sh.ID {
				t.Fatalf("event %+v: want shop %s, order %s, shipment %s", ev, o.ShopID, o.ID, sh.ID)
			}
			got = append(got, ev.Type+":"+string(data.Status))
		}
		want := []string{"shipment.purchased:label_purchased", "shipment.voided:voided"}
		if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
			t.Fatalf("events %v, want %v", got, want)
		}
	})
}

// TestOrderUpdatedOnShippingMoves: for a shop listening to order.updated, shipping's move of a
// confirmed order to AWAITING_COLLECTION with its label enqueues one order.updated carrying the
// order as it became; shipping it again and voiding the label, which leave its status, add none.
func TestOrderUpdatedOnShippingMoves(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)
		e.warehouse(t, "LAX1", 5, "TS-RED-M")
		o := e.put(t, true, e.usOrder("EV-2", line("TS-RED-M", 1)))[0]
		storetest.Subscribe(t, st, o.ShopID, model.EventOrderUpdated)
		res, err := e.ship.Ship(ctx, e.scope, o.ID, shipping.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.ship.Ship(ctx, e.scope, o.ID, shipping.Options{}); err != nil { // again: already shipped
			t.Fatal(err)
		}
		if _, err := e.ship.Void(ctx, e.scope, res.Shipments[0].ID); err != nil {
			t.Fatal(err)
		}
		var statuses []model.Status
		for _, ev := range storetest.NotifyEvents(t, st) {
			if ev.Type != model.EventOrderUpdated {
				continue
			}
			var data model.Order
			if err := json.Unmarshal(ev.Data, &data); err != nil || data.ID != o.ID || ev.OrderID != o.ID {
				t.Fatalf("event %+v: want order %s", ev, o.ID)
			}
			statuses = append(statuses, data.Status)
		}
		// The order was confirmed when put; a second Ship finds it shipped and a void leaves
		// its status: one move, one event.
		if len(statuses) != 1 || statuses[0] != model.StatusAwaitingCollection {
			t.Fatalf("order.updated events carry %v, want [AWAITING_COLLECTION]", statuses)
		}
	})
}
