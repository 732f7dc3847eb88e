package sim

import (
	"testing"
	"time"
)

// TestDeadlines: the deadlines the sim writes on a paid order follow the market's figures.
func TestDeadlines(t *testing.T) {
	t.Parallel()
	s, clock := startSim(t, Options{})
	paid := clock.Now().Unix()
	h := int64(time.Hour / time.Second)
	cases := []struct {
		shop              string
		shipWithin, promo int64 // hours
	}{
		{DefaultShops()[0].ID, 72, 7 * 24}, // US: R-SHIP-1 72 h, R-SLA-1 7 days
		{DefaultShops()[1].ID, 48, 5 * 24}, // GB: R-SHIP-1 48 h, R-SLA-1 5 days
		{DefaultShops()[4].ID, 72, 3 * 24}, // TH: R-SLA-1 3 days
	}
	for _, c := range cases {
		ids, err := s.CreateOrders(c.shop, 1)
		if err != nil {
			t.Fatal(err)
		}
		w := s.orders[ids[0]].w
		want := map[string][2]int64{
			"paid_time":           {w.PaidTime, paid},
			"rts_sla_time":        {w.RTSSLATime, paid + c.shipWithin*h},      // R-SHIP-1
			"tts_sla_time":        {w.TTSSLATime, paid + (c.shipWithin+24)*h}, // R-TRK-2
			"collection_due_time": {w.CollectionDueTime, paid + (c.shipWithin+24)*h},
			"shipping_due_time":   {w.ShippingDueTime, paid + 72*h},           // R-SHIP-1: auto-cancel
			"delivery_sla_time":   {w.DeliverySLATime, paid + c.promo*h},      // R-SLA-1
			"delivery_due_time":   {w.DeliveryDueTime, paid + (c.promo+24)*h}, // R-SLA-2
		}
		for k, v := range want {
			if v[0] != v[1] {
				t.Errorf("shop %s: %s %d, want %d", c.shop, k, v[0]-paid, v[1]-paid)
			}
		}
	}
}
