package tiktok_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/marketplace/tiktok/sim"
)

// TestWebhooksSignedAndTyped: every webhook the sim sends verifies with the client, a forged
// one does not, and each on-demand type carries its documented data.
func TestWebhooksSignedAndTyped(t *testing.T) {
	t.Parallel()
	r := newReceiver(t, appClient(t))
	e2 := newEnv(t, sim.Options{WebhookURL: r.url}, tiktok.Config{})
	s := e2.sim
	sc, _ := e2.connect(shopUS)
	ctx := context.Background()
	ids := e2.createOrders(shopUS, 3)

	trigger := func(req sim.WebhookRequest) sim.WebhookResult {
		t.Helper()
		req.ShopID = shopUS.ID
		res, err := s.TriggerWebhook(req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	trigger(sim.WebhookRequest{Type: tiktok.WebhookRecipientAddressUpdate, OrderID: ids[0]})
	split := trigger(sim.WebhookRequest{Type: tiktok.WebhookPackageUpdate, OrderID: ids[1], SCType: "SPLIT"})
	cancel := trigger(sim.WebhookRequest{Type: tiktok.WebhookCancellationStatusChange, OrderID: ids[2]})
	trigger(sim.WebhookRequest{Type: tiktok.WebhookUpcomingAuthorizationEnd})
	trigger(sim.WebhookRequest{Type: 99, Data: json.RawMessage(`{"anything":true}`)})
	s.Flush()

	byType := map[int][]tiktok.Webhook{}
	for _, w := range r.webhooks() {
		if w.ShopID != shopUS.ID || w.NotificationID == "" || w.Timestamp != e2.clock.Now().Unix() {
			t.Errorf("webhook envelope %+v", w)
		}
		byType[w.Type] = append(byType[w.Type], w)
	}
	if len(byType[1]) != 3 || len(byType[3]) != 1 || len(byType[4]) != 1 || len(byType[11]) != 1 || len(byType[7]) != 1 || len(byType[99]) != 1 {
		t.Fatalf("webhooks by type: %v", counts(byType))
	}
	var au tiktok.AddressUpdate
	if err := byType[3][0].DecodeData(&au); err != nil || au.OrderID != ids[0] {
		t.Fatalf("type 3: %+v %v", au, err)
	}
	var pu tiktok.PackageUpdate
	if err := byType[4][0].DecodeData(&pu); err != nil || pu.SCType != "SPLIT" || len(pu.PackageList) != 2 || pu.PackageList[1].PackageID != split.PackageIDs[1] {
		t.Fatalf("type 4: %+v %v", pu, err)
	}
	var cc tiktok.CancellationChange
	if err := byType[11][0].DecodeData(&cc); err != nil || cc.CancelID != cancel.CancelID || cc.CancelStatus != tiktok.CancellationPending {
		t.Fatalf("type 11: %+v %v", cc, err)
	}
	var ae tiktok.AuthorizationExpiring
	if err := byType[7][0].DecodeData(&ae); err != nil || ae.ExpirationTime != e2.clock.Now().Add(sim.DefaultRefreshTokenTTL).Unix() {
		t.Fatalf("type 7: %+v %v", ae, err)
	}
	// The split order now has two packages, its line items split between them.
	o := getOrder(t, sc, ids[1])
	if len(o.Packages) != 2 {
		t.Fatalf("split order has %d packages", len(o.Packages))
	}
	m, err := tiktok.ToOrder(o, "s")
	if err != nil || len(m.PackageIDs) != 2 {
		t.Fatalf("mapped split order: %+v %v", m.PackageIDs, err)
	}
	// Shipping one of two packages: PARTIALLY_SHIPPING.
	prov := providerOf(t, sc, o)
	if err := sc.ShipPackage(ctx, o.Packages[0].ID, tiktok.ShipRequest{SelfShipment: &tiktok.SelfShipment{ShippingProviderID: prov.ID, TrackingNumber: "9400111000000000000017"}}); err != nil {
		t.Fatal(err)
	}
	o = getOrder(t, sc, ids[1])
	if m, err := tiktok.ToOrder(o, "s"); err != nil || o.Status != tiktok.OrderPartiallyShipping || m.Order.Status != "PARTIALLY_SHIPPING" {
		t.Fatalf("one of two packages shipped: %s %v", o.Status, err)
	}

	// A forged webhook (a body changed after signing, a signature of another secret) is refused.
	body := []byte(`{"type":1,"tts_notification_id":"1","shop_id":"` + shopUS.ID + `","timestamp":1,"data":{"order_id":"1","order_status":"CANCEL","update_time":1}}`)
	good := tiktok.WebhookSignature(s.AppKey(), s.AppSecret(), body)
	for _, f := range []struct {
		auth string
		body []byte
	}{
		{good, append(bytes.Clone(body[:len(body)-1]), []byte(`,"x":1}`)...)},
		{tiktok.WebhookSignature(s.AppKey(), "other-secret", body), body},
		{"", body},
	} {
		req, _ := http.NewRequest("POST", r.url, bytes.NewReader(f.body))
		req.Header.Set("Authorization", f.auth)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("forged webhook answered %d", resp.StatusCode)
		}
	}
	r.mu.Lock()
	forged := r.forged
	r.mu.Unlock()
	if forged != 3 {
		t.Fatalf("forged %d, want 3 (every sim webhook must verify)", forged)
	}
}

// appClient is a client of the sim's default app, for a receiver made before its sim.
func appClient(t *testing.T) *tiktok.Client {
	c, err := tiktok.New(tiktok.Config{AppKey: sim.DefaultAppKey, AppSecret: sim.DefaultAppSecret})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func counts(m map[int][]tiktok.Webhook) map[int]int {
	out := map[int]int{}
	for k, v := range m {
		out[k] = len(v)
	}
	return out
}

// TestUnreliableWebhooksAndPull: with 20% of webhooks dropped, 10% duplicated and 30% late,
// the webhooks alone miss orders, but the pull by update_time finds every one, once.
func TestUnreliableWebhooksAndPull(t *testing.T) {
	t.Parallel()
	r := newReceiver(t, appClient(t))
	e2 := newEnv(t, sim.Options{WebhookURL: r.url, WebhookDrop: 0.2, WebhookDuplicate: 0.1, WebhookLate: 0.3, Seed: 7, OrderRate: 5}, tiktok.Config{})
	sc, _ := e2.connect(shopUS)
	ctx := context.Background()
	start := e2.clock.Now()
	for i := 0; i < 100; i++ { // 100 s of orders at 5 a second over six shops
		e2.clock.Advance(time.Second)
		e2.sim.Step()
	}
	e2.sim.Flush()
	st := e2.sim.Stats()
	if st.Orders != 500 {
		t.Fatalf("%d orders in 100 s at 5/s", st.Orders)
	}
	if st.WebhooksDropped == 0 || st.WebhooksDuplicated == 0 || st.WebhooksLate == 0 {
		t.Fatalf("no faults: %+v", st)
	}
	onTime := map[string]int{}
	for _, w := range r.webhooks() {
		var d tiktok.OrderStatusChange
		if err := w.DecodeData(&d); err != nil {
			t.Fatal(err)
		}
		onTime[d.OrderID]++
	}
	// The late ones arrive later.
	e2.sim.SetOrderRate(0)
	e2.clock.Advance(sim.DefaultWebhookLateBy)
	e2.sim.Step()
	e2.sim.Flush()
	got := map[string]int{}
	dups := 0
	for _, w := range r.webhooks() {
		var d tiktok.OrderStatusChange
		_ = w.DecodeData(&d)
		got[d.OrderID]++
		if got[d.OrderID] == 2 {
			dups++
		}
	}
	if len(got) <= len(onTime) || dups == 0 {
		t.Fatalf("late or duplicated webhooks did not arrive: %d on time, %d in all, %d duplicated", len(onTime), len(got), dups)
	}
	st = e2.sim.Stats()
	if st.WebhooksDelivered != st.WebhooksQueued || st.WebhooksFailed != 0 || st.WebhooksQueued+st.WebhooksDropped-st.WebhooksDuplicated != st.Orders {
		t.Fatalf("webhook counts do not add up: %+v", st)
	}
	// The pull finds every order of the shop, once.
	pulled := map[string]int{}
	err := sc.EachOrderPage(ctx, tiktok.OrderQuery{UpdateTimeGE: start.Unix(), UpdateTimeLT: e2.clock.Now().Unix() + 1},
		tiktok.Page{SortField: "update_time", SortOrder: "ASC"}, func(p tiktok.OrderPage) error {
			for _, o := range p.Orders {
				pulled[o.ID]++
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(pulled)) != st.OrdersCreated[shopUS.ID] {
		t.Fatalf("pulled %d orders, the shop has %d", len(pulled), st.OrdersCreated[shopUS.ID])
	}
	missed := 0
	for id, n := range pulled {
		if n != 1 {
			t.Fatalf("order %s pulled %d times", id, n)
		}
		if got[id] == 0 {
			missed++
		}
	}
	if missed == 0 {
		t.Fatal("no webhook was dropped for this shop: the test proves nothing")
	}
}

// TestGenerationRate: orders arrive at OrderRate, ten times that in peak mode.
func TestGenerationRate(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sim.Options{OrderRate: 2}, tiktok.Config{})
	e.sim.Step()
	for i := 0; i < 60; i++ {
		e.clock.Advance(time.Second)
		e.sim.Step()
	}
	if n := e.sim.Stats().Orders; n != 120 {
		t.Fatalf("%d orders in 60 s at 2/s", n)
	}
	e.sim.SetPeak(true)
	for i := 0; i < 60; i++ {
		e.clock.Advance(time.Second)
		e.sim.Step()
	}
	st := e.sim.Stats()
	if st.Orders != 120+1200 {
		t.Fatalf("%d orders after a minute of peak, want 1320", st.Orders)
	}
	shops := 0
	for _, n := range st.OrdersCreated {
		if n > 0 {
			shops++
		}
	}
	if shops != len(sim.DefaultShops()) {
		t.Fatalf("orders in %d shops of %d", shops, len(sim.DefaultShops()))
	}
}
