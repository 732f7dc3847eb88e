package tiktokshop

import (
	"bytes"
	"context"
	"testing"
	"time"

	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/marketplace/tiktok/sim"
	"lastmile/internal/model"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

func TestPlatformLabelShipsWithHandoverAndFetchesTheA6PDF(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, sim.Options{})
		ctx := context.Background()
		c := e.connect("shop_gb", "")
		ids, _ := e.sim.CreateOrders(simGB, 1)
		e.clock.Advance(time.Minute)
		if _, err := e.svc.Sync(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		page, _ := st.ListOrders(ctx, store.OrderQuery{ShopIDs: []string{"shop_gb"}, Limit: 1})
		if len(page) != 1 {
			t.Fatal("the order was not synced")
		}
		o := page[0]
		l, err := e.svc.PlatformLabel(ctx, "shp_1", o, model.Package{ID: "pkg_1", OrderID: o.ID})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(l.Document.Content, []byte("%PDF")) || l.TrackingNumber == "" || l.Carrier != PlatformCarrier {
			t.Fatalf("label %+v (%d bytes): want a PDF with the platform's tracking number", l.TrackingNumber, len(l.Document.Content))
		}
		if got := e.sim.OrderStatus(ids[0]); got != tiktok.OrderAwaitingCollection {
			t.Fatalf("platform order %s after the label, want AWAITING_COLLECTION", got)
		}
		// A retry gets the same label: the package is not shipped twice.
		ships := e.sim.Stats().Ships
		again, err := e.svc.PlatformLabel(ctx, "shp_1", o, model.Package{ID: "pkg_1", OrderID: o.ID})
		if err != nil || again.TrackingNumber != l.TrackingNumber || e.sim.Stats().Ships != ships {
			t.Fatalf("retry: %v, number %s (want %s), ships %d → %d", err, again.TrackingNumber, l.TrackingNumber, ships, e.sim.Stats().Ships)
		}
		// A shop with no connection is refused with a reason.
		if _, err := e.svc.PlatformLabel(ctx, "shp_2", model.Order{ShopID: "shop_us", ExternalID: "x"}, model.Package{}); err == nil {
			t.Fatal("a shop without a connection got a platform label")
		}
	})
}
