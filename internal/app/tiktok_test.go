package app

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/demo"
	"lastmile/internal/marketplace/tiktok"
	tiktoksim "lastmile/internal/marketplace/tiktok/sim"
	"lastmile/internal/model"
	"lastmile/internal/store/storetest"
	"lastmile/internal/tiktokshop"
)

const tiktokshopCarrier = tiktokshop.PlatformCarrier

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
	cfg := config.Config{DB: "sqlite:" + storetest.SQLitePath(t), Addr: "127.0.0.1:0", CarrierNetwork: "sim",
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
			var now model.Order
			json.Unmarshal(do("GET", "/v1/orders/"+o.ID, nil, http.StatusOK), &now)
			t.Fatalf("the platform's order is still %s: the tracking number (carrier %s) was not pushed; problems %+v", sm.OrderStatus(ids[0]), shipped.Shipments[0].Carrier, now.Problems)
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

// TestTikTokPlatformLogisticsLabel: a shop under platform logistics (R-MODE-2, switched on with
// shipping_mode: platform for orders created after the change, R-MODE-3) ships through the
// platform, whose A6 PDF is the shipment's label and whose number is its tracking number.
func TestTikTokPlatformLogisticsLabel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sm, err := tiktoksim.Start(ctx, tiktoksim.Options{Tick: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer sm.Close()
	cfg := config.Config{DB: "sqlite:" + storetest.SQLitePath(t), Addr: "127.0.0.1:0", CarrierNetwork: "sim",
		TikTok: config.TikTok{AppKey: sm.AppKey(), AppSecret: sm.AppSecret(), APIBase: sm.URL(), TokenKey: "app test token key 0123"}}
	a, err := New(ctx, cfg, true, slog.New(slog.DiscardHandler), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	a.TikTok.UseCatalogue(func(_ string, l *model.Line) { demo.FillLine(l) })
	hs := httptest.NewServer(a.API)
	defer hs.Close()
	shop, _ := a.Tenants.CreateShop(ctx, "Sunrise UK", "GB", "")
	key, _, _ := a.Tenants.CreateKey(ctx, "test", []string{shop.ID})
	do := func(method, path string, body any, want int) []byte {
		t.Helper()
		var rd *bytes.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		} else {
			rd = bytes.NewReader(nil)
		}
		req, _ := http.NewRequest(method, hs.URL+path, rd)
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
	gb := tiktoksim.DefaultShops()[1] // Sunrise Gadgets UK, platform logistics
	code, _ := sm.Authorize(gb.ID)
	var conn model.Connection
	json.Unmarshal(do("POST", "/v1/connections/tiktok", map[string]any{"auth_code": code}, http.StatusCreated), &conn)
	do("PATCH", "/v1/shops/"+shop.ID+"/settings", map[string]any{"shipping_mode": "platform"}, http.StatusOK)
	time.Sleep(1100 * time.Millisecond) // the platform's create_time is in whole seconds: orders strictly after the change
	if _, err := sm.CreateOrders(gb.ID, 10); err != nil {
		t.Fatal(err)
	}
	if _, err := a.TikTok.Sync(ctx, conn.ID); err != nil {
		t.Fatal(err)
	}
	var page struct{ Orders []model.Order }
	json.Unmarshal(do("GET", "/v1/orders", nil, http.StatusOK), &page)
	var o model.Order
	for _, c := range page.Orders {
		if !c.NeedsAttention && !slices.ContainsFunc(c.Lines, func(l model.Line) bool { return l.SKU == "YOGA-MAT-6MM" }) {
			o = c
			break
		}
	}
	if o.ID == "" {
		t.Fatalf("no pulled order to ship among %d", len(page.Orders))
	}
	addr := map[string]any{"name": "Sunrise UK", "line1": "Unit 4 Trident Park", "city": "Basildon", "postal_code": "SS13 1SY",
		"country": "GB", "phone": "+441268555010"}
	var wh model.Warehouse
	json.Unmarshal(do("POST", "/v1/warehouses", map[string]any{"code": "UK1", "name": "Basildon", "type": "overseas", "address": addr,
		"ship_from": addr, "return_address": addr, "time_zone": "Europe/London", "cut_off": "14:00",
		"working_days": []string{"mon", "tue", "wed", "thu", "fri"},
		"transit":      []any{map[string]any{"country": "GB", "min_days": 1, "max_days": 3, "service": "standard"}}}, http.StatusCreated), &wh)
	for _, l := range o.Lines {
		do("PUT", "/v1/warehouses/"+wh.ID+"/stock/"+l.SKU, map[string]any{"on_hand": 50, "reason": "count"}, http.StatusOK)
	}
	do("POST", "/v1/orders/"+o.ID+"/confirm", nil, http.StatusOK)
	var shipped struct{ Shipments []model.Shipment }
	json.Unmarshal(do("POST", "/v1/orders/"+o.ID+"/ship", map[string]any{"policy": "cheapest"}, http.StatusOK), &shipped)
	if len(shipped.Shipments) != 1 {
		t.Fatalf("shipments %+v", shipped.Shipments)
	}
	sh := shipped.Shipments[0]
	if sh.Mode != model.ModePlatform || sh.Carrier != tiktokshopCarrier || sh.TrackingNumber == "" || sh.Status != model.ShipmentLabelPurchased {
		t.Fatalf("shipment %+v: want a platform label", sh)
	}
	if st := sm.OrderStatus(o.ExternalID); st != tiktok.OrderAwaitingCollection {
		t.Fatalf("the platform's order is %s", st)
	}
	label := do("GET", "/v1/shipments/"+sh.ID+"/label", nil, http.StatusOK)
	if !bytes.HasPrefix(label, []byte("%PDF")) {
		t.Fatalf("the label is not the platform's PDF: %.40q", label)
	}
}
