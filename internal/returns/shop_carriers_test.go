package returns_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/returns"
	"lastmile/internal/settings"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// TestReturnLabelHonoursShopCarriers: a return label, like an outbound one, is bought only from
// a carrier the shop's carriers setting enables (R-SHIP-3), though a disabled one is cheaper;
// where the market designates the return carrier (R-RET-4: UPS in the US under platform
// logistics) the designation wins over the setting, and the estimate says so.
func TestReturnLabelHonoursShopCarriers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)
		nyDesk := model.Address{Name: "NJ returns", Line1: "5 Harbor Dr", City: "Newark", Region: "NJ", PostalCode: "07114", Country: "US", Phone: "+19735550100"}
		e.warehouseAt(t, "NYC1", model.WarehouseOverseas, model.Address{Name: "NJ DC", Line1: "1 Port St", City: "Newark", Region: "NJ",
			PostalCode: "07114", Country: "US", Phone: "+19735550101"}, nyDesk, 10, "LAMP")

		// Every certified carrier: the cheapest way back.
		o1, _ := e.shipped(t, "C-1", line("LAMP", 1, 8900))
		r1 := e.create(t, o1, returns.ReasonDefective, one("LAMP", 1))
		if r1.Estimate == nil || r1.Estimate.Designated {
			t.Fatalf("seller-mode return: estimate %+v", r1.Estimate)
		}
		cheapest := r1.Estimate.Carrier

		// The shop disables it: the return goes with another enabled carrier.
		certified := settings.Certification(config.Config{}.WithDefaults()).Certified("US")
		enabled := slices.DeleteFunc(slices.Clone(certified), func(c string) bool { return c == cheapest || c == "ups" })
		if len(enabled) == 0 {
			t.Fatalf("no certified US carrier besides %s and ups (%v)", cheapest, certified)
		}
		if _, err := e.settings.Patch(ctx, e.scope, e.shop.ID, settings.Patch{Set: config.Overrides{"carriers": strings.Join(enabled, ",")}}); err != nil {
			t.Fatalf("disable %s: %v", cheapest, err)
		}
		o2, _ := e.shipped(t, "C-2", line("LAMP", 1, 8900))
		r2 := e.create(t, o2, returns.ReasonDefective, one("LAMP", 1))
		if r2.Estimate == nil || !slices.Contains(enabled, r2.Estimate.Carrier) || r2.Estimate.Note != "" {
			t.Fatalf("return with %s disabled: estimate %+v, want a carrier of %v", cheapest, r2.Estimate, enabled)
		}
		e.runJobs(t, returns.KindBuyLabel)
		r2, err := e.ret.Get(ctx, e.scope, r2.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(r2.Shipments) != 1 || r2.Shipments[0].Status != model.ShipmentLabelPurchased || !slices.Contains(enabled, r2.Shipments[0].Carrier) {
			t.Fatalf("the return label: %+v, want one bought from %v", r2.Shipments, enabled)
		}

		// Platform logistics: UPS is designated (R-RET-4), though the shop left it out; the
		// estimate says why.
		e.modes.mode[e.shop.ID] = model.ModePlatform
		o3 := e.delivered(t, "C-3", line("LAMP", 1, 8900))
		r3 := e.create(t, o3, returns.ReasonDefective, one("LAMP", 1))
		if r3.Estimate == nil || r3.Estimate.Carrier != "ups" || !r3.Estimate.Designated ||
			!strings.Contains(r3.Estimate.Note, "R-RET-4") || !strings.Contains(r3.Estimate.Note, enabled[0]) {
			t.Fatalf("platform-mode return: estimate %+v, want the designated ups with a note naming R-RET-4 and the enabled carriers", r3.Estimate)
		}
	})
}
