package sim

import (
	"testing"

	"lastmile/internal/label"
)

// TestWarehousesPrint: every market's warehouse prints as the sender of a platform label, and
// every market the sim serves has one.
func TestWarehousesPrint(t *testing.T) {
	t.Parallel()
	for m, from := range warehouses {
		to := from
		to.Name = "Test Buyer"
		var qr *string
		if m == "GB" || m == "DE" || m == "FR" {
			s := "https://sim.tiktok-shops.invalid/ac/x"
			qr = &s
		}
		l := label.Label{TrackingNumber: "TT00000000000001", Carrier: platformCarrier, Service: "Standard", OrderExternalID: "57",
			From: from, To: to, AntiCounterfeitQR: qr}
		if _, err := renderA6(l); err != nil {
			t.Errorf("%s: %v", m, err)
		}
	}
	for _, s := range DefaultShops() {
		if _, ok := warehouses[s.Market]; !ok {
			t.Errorf("default shop market %s has no warehouse", s.Market)
		}
	}
}
