package tiktokshop

import (
	"context"
	"errors"
	"testing"
	"time"

	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/marketplace/tiktok/sim"
	"lastmile/internal/model"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

func TestPushShipsTheSellerShippedPackageAndCatchesIllegalNumbers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, sim.Options{})
		ctx := context.Background()
		c := e.connect("shop_us", "")
		ids, _ := e.sim.CreateOrders(simUS, 2)
		e.clock.Advance(time.Minute)
		if _, err := e.svc.Sync(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		stored := map[string]model.Order{}
		page, _ := st.ListOrders(ctx, store.OrderQuery{ShopIDs: []string{"shop_us"}, Limit: 10})
		for _, o := range page {
			stored[o.ExternalID] = o
		}
		// R-SHIP-4: a number with a space and full-width brackets is refused before any call.
		before := e.sim.Stats().Ships
		bad := model.Shipment{ID: "shp_bad", ShopID: "shop_us", OrderID: stored[ids[0]].ID, Carrier: "USPS", TrackingNumber: "9400 1000（0000）"}
		var ref errRefused
		if err := e.svc.push(ctx, c, stored[ids[0]], bad); !errors.As(err, &ref) {
			t.Fatalf("an illegal tracking number: %v, want a refusal", err)
		}
		if e.sim.Stats().Ships != before {
			t.Fatal("the illegal number reached the platform")
		}
		if err := e.svc.setPushProblem(ctx, stored[ids[0]], ref.msg); err != nil {
			t.Fatal(err)
		}
		o, _ := st.GetOrder(ctx, []string{"shop_us"}, stored[ids[0]].ID)
		if !hasProblem(o, ProblemPush) {
			t.Fatalf("the refusal is not visible on the order: %+v", o.Problems)
		}
		// A good number ships the package with self_shipment; the order leaves Pending Shipment.
		good := model.Shipment{ID: "shp_good", ShopID: "shop_us", OrderID: stored[ids[1]].ID, Carrier: "USPS", TrackingNumber: "9400100000000000000001"}
		if err := e.svc.push(ctx, c, stored[ids[1]], good); err != nil {
			t.Fatal(err)
		}
		if st := e.sim.OrderStatus(ids[1]); st != tiktok.OrderAwaitingCollection {
			t.Fatalf("after the push the platform's order is %s, want AWAITING_COLLECTION", st)
		}
		// Idempotent: pushing again sends nothing.
		ships := e.sim.Stats().Ships
		if err := e.svc.push(ctx, c, stored[ids[1]], good); err != nil || e.sim.Stats().Ships != ships {
			t.Fatalf("a second push: %v, ships %d → %d", err, ships, e.sim.Stats().Ships)
		}
		// Another number later replaces it (shipping_info/update).
		good.TrackingNumber = "9400100000000000000002"
		if err := e.svc.push(ctx, c, stored[ids[1]], good); err != nil {
			t.Fatal(err)
		}
		if e.sim.Stats().ShippingInfoUpdates != 1 {
			t.Fatalf("shipping info updates %d, want 1", e.sim.Stats().ShippingInfoUpdates)
		}
		// FollowUp names a push job for a seller-shipped label, none for a platform one.
		jobs, err := e.svc.FollowUp(stored[ids[1]], good)
		if err != nil || len(jobs) != 1 || jobs[0].Kind != KindPush {
			t.Fatalf("follow-up jobs %+v, %v", jobs, err)
		}
		good.Mode = model.ModePlatform
		if jobs, _ := e.svc.FollowUp(stored[ids[1]], good); len(jobs) != 0 {
			t.Fatalf("a platform label got push jobs %+v", jobs)
		}
	})
}

func hasProblem(o model.Order, code string) bool {
	for _, p := range o.Problems {
		if p.Code == code {
			return true
		}
	}
	return false
}
