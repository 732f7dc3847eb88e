package app

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/demo"
	"lastmile/internal/marketplace/tiktok"
	tiktoksim "lastmile/internal/marketplace/tiktok/sim"
	"lastmile/internal/model"
)

// TestTikTokOrderShipsAndComesBackShipped is the integration end to end on a whole App: a shop
// connected to the simulated platform, an order pulled in, shipped through lastmile's shipping
// with a carrier label, the tracking number pushed back by the FollowUp job, the platform's
// order then AWAITING_COLLECTION, and the pull bringing that status back.
func TestTikTokOrderShipsAndComesBackShipped(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sm, err := tiktoksim.Start(ctx, tiktoksim.Options{Tick: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer sm.Close()
	cfg := config.Config{DB: "sqlite:" + filepath.Join(t.TempDir(), "tt.db"), Addr: "127.0.0.1:0", CarrierNetwork: "sim",
		TikTok: config.TikTok{AppKey: sm.AppKey(), AppSecret: sm.AppSecret(), APIBase: sm.URL(), TokenKey: "app test token key 0123"}}
	a, err := New(ctx, cfg, true, slog.New(slog.DiscardHandler), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if a.TikTok == nil {
		t.Fatal("the TikTok integration is off although an app is configured")
	}
	a.TikTok.UseCatalogue(func(_ string, l *model.Line) { demo.FillLine(l) })
	if err := a.StartJobs(ctx); err != nil {
		t.Fatal(err)
	}
	defer a.StopJobs()
	hs := httptest.NewServer(a.API)
	defer hs.Close()

	shop, err := a.Tenants.CreateShop(ctx, "Sunrise US", "US", "")
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := a.Tenants.CreateKey(ctx, "test", []string{shop.ID})
	if err != nil {
		t.Fatal(err)
	}
	do := func(method, path string, body any, want int) []byte {
		t.Helper()
		b, _ := json.Marshal(body)
		if body == nil {
			b = nil
		}
		req, _ := http.NewRequest(method, hs.URL+path, bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+key)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out bytes.Buffer
		out.ReadFrom(res.Body)
		if res.StatusCode != want {
			t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, out.Bytes())
		}
		return out.Bytes()
	}
	code, _ := sm.Authorize(tiktoksim.DefaultShops()[0].ID)
	var conn model.Connection
	json.Unmarshal(do("POST", "/v1/connections/tiktok", map[string]any{"auth_code": code}, http.StatusCreated), &conn)
	if _, err := sm.CreateOrders(tiktoksim.DefaultShops()[0].ID, 10); err != nil {
		t.Fatal(err)
	}
	if _, err := a.TikTok.Sync(ctx, conn.ID); err != nil {
		t.Fatal(err)
	}
	var page struct{ Orders []model.Order }
	json.Unmarshal(do("GET", "/v1/orders", nil, http.StatusOK), &page)
	if len(page.Orders) != 10 {
		t.Fatalf("%d orders pulled, want 10", len(page.Orders))
	}
	// One whose goods fit the box catalogue (the yoga mat fits none).
	var o model.Order
	for _, c := range page.Orders {
		if !c.NeedsAttention && !slices.ContainsFunc(c.Lines, func(l model.Line) bool { return l.SKU == "YOGA-MAT-6MM" }) {
			o = c
			break
		}
	}
	if o.ID == "" {
		t.Fatal("no pulled order to ship")
	}
	ids := []string{o.ExternalID}
	addr := map[string]any{"name": "LA Fulfilment", "line1": "1 Warehouse Way", "city": "Los Angeles", "region": "CA",
		"postal_code": "90001", "country": "US", "phone": "+13105550100"}
	var wh model.Warehouse
	json.Unmarshal(do("POST", "/v1/warehouses", map[string]any{"code": "LAX1", "name": "Los Angeles", "type": "overseas", "address": addr,
		"ship_from": addr, "return_address": addr, "time_zone": "America/Los_Angeles", "cut_off": "14:00",
		"working_days": []string{"mon", "tue", "wed", "thu", "fri"},
		"transit":      []any{map[string]any{"country": "US", "min_days": 3, "max_days": 5, "service": "ground"}}}, http.StatusCreated), &wh)
	for _, l := range o.Lines {
		do("PUT", "/v1/warehouses/"+wh.ID+"/stock/"+l.SKU, map[string]any{"on_hand": 50, "reason": "count"}, http.StatusOK)
	}
	do("POST", "/v1/orders/"+o.ID+"/confirm", nil, http.StatusOK)
	var shipped struct{ Shipments []model.Shipment }
	json.Unmarshal(do("POST", "/v1/orders/"+o.ID+"/ship", map[string]any{"policy": "cheapest"}, http.StatusOK), &shipped)
	if len(shipped.Shipments) != 1 || shipped.Shipments[0].TrackingNumber == "" {
		t.Fatalf("shipments %+v", shipped.Shipments)
	}
	// The push job tells the platform; its order leaves Pending Shipment.
	for deadline := time.Now().Add(20 * time.Second); sm.OrderStatus(ids[0]) != tiktok.OrderAwaitingCollection; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the platform's order is still %s: the tracking number was not pushed", sm.OrderStatus(ids[0]))
		}
	}
	// The next pull brings the platform's status back.
	if _, err := a.TikTok.Sync(ctx, conn.ID); err != nil {
		t.Fatal(err)
	}
	var after model.Order
	json.Unmarshal(do("GET", "/v1/orders/"+o.ID, nil, http.StatusOK), &after)
	if after.Status != model.StatusAwaitingCollection {
		t.Fatalf("lastmile's order is %s after the pull, want AWAITING_COLLECTION", after.Status)
	}
}
