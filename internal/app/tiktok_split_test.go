package app

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/demo"
	"lastmile/internal/marketplace/tiktok"
	tiktoksim "lastmile/internal/marketplace/tiktok/sim"
	"lastmile/internal/model"
	"lastmile/internal/store/storetest"
)

// TestTikTokSplitOrderShipsAsThePlatformPacked (webhook type 4): TikTok splits an order into two
// packages before it ships; lastmile reads the order again, packs it the same way (one parcel
// per platform package) and pushes each parcel's tracking number to its platform package, so the
// platform's order leaves Pending Shipment whole. A split after lastmile labelled the order is
// refused with what to do instead of shipping the goods twice.
func TestTikTokSplitOrderShipsAsThePlatformPacked(t *testing.T) {
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
	us := tiktoksim.DefaultShops()[0].ID
	code, _ := sm.Authorize(us)
	var conn model.Connection
	json.Unmarshal(do("POST", "/v1/connections/tiktok", map[string]any{"auth_code": code}, http.StatusCreated), &conn)
	if _, err := sm.CreateOrders(us, 40); err != nil {
		t.Fatal(err)
	}
	if _, err := a.TikTok.Sync(ctx, conn.ID); err != nil {
		t.Fatal(err)
	}
	var page struct{ Orders []model.Order }
	json.Unmarshal(do("GET", "/v1/orders?limit=100", nil, http.StatusOK), &page)
	// Two orders of two units or more whose goods fit the box catalogue (the yoga mat fits none).
	var picked []model.Order
	for _, o := range page.Orders {
		units := int64(0)
		for _, l := range o.Lines {
			units += l.Quantity
		}
		if units >= 2 && !o.NeedsAttention && !slices.ContainsFunc(o.Lines, func(l model.Line) bool { return l.SKU == "YOGA-MAT-6MM" }) {
			picked = append(picked, o)
		}
	}
	if len(picked) < 2 {
		t.Fatalf("%d orders of two units or more among %d pulled", len(picked), len(page.Orders))
	}
	split, late := picked[0], picked[1]
	addr := map[string]any{"name": "LA Fulfilment", "line1": "1 Warehouse Way", "city": "Los Angeles", "region": "CA",
		"postal_code": "90001", "country": "US", "phone": "+13105550100"}
	var wh model.Warehouse
	json.Unmarshal(do("POST", "/v1/warehouses", map[string]any{"code": "LAX1", "name": "Los Angeles", "type": "overseas", "address": addr,
		"ship_from": addr, "return_address": addr, "time_zone": "America/Los_Angeles", "cut_off": "14:00",
		"working_days": []string{"mon", "tue", "wed", "thu", "fri"},
		"transit":      []any{map[string]any{"country": "US", "min_days": 3, "max_days": 5, "service": "ground"}}}, http.StatusCreated), &wh)
	for _, o := range picked[:2] {
		for _, l := range o.Lines {
			do("PUT", "/v1/warehouses/"+wh.ID+"/stock/"+l.SKU, map[string]any{"on_hand": 50, "reason": "count"}, http.StatusOK)
		}
	}

	// TikTok splits the first order before it ships (its update_time moves to a later second).
	time.Sleep(1100 * time.Millisecond)
	res, err := sm.TriggerWebhook(tiktoksim.WebhookRequest{Type: tiktok.WebhookPackageUpdate, ShopID: us, OrderID: split.ExternalID})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.TikTok.FetchOrders(ctx, us, []string{split.ExternalID}); err != nil {
		t.Fatal(err)
	}
	var got model.Order
	json.Unmarshal(do("GET", "/v1/orders/"+split.ID, nil, http.StatusOK), &got)
	if len(got.Packing) != 2 || got.Packing[0].ExternalID != res.PackageIDs[0] || got.Packing[1].ExternalID != res.PackageIDs[1] {
		t.Fatalf("lastmile's order has packing %+v, want TikTok's packages %v", got.Packing, res.PackageIDs)
	}
	do("POST", "/v1/orders/"+split.ID+"/confirm", nil, http.StatusOK)
	var shipped struct{ Shipments []model.Shipment }
	json.Unmarshal(do("POST", "/v1/orders/"+split.ID+"/ship", map[string]any{"policy": "cheapest"}, http.StatusOK), &shipped)
	if len(shipped.Shipments) != 2 {
		t.Fatalf("%d shipments for an order TikTok packed in two, want 2: %+v", len(shipped.Shipments), shipped.Shipments)
	}
	for deadline := time.Now().Add(30 * time.Second); sm.OrderStatus(split.ExternalID) != tiktok.OrderAwaitingCollection; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			json.Unmarshal(do("GET", "/v1/orders/"+split.ID, nil, http.StatusOK), &got)
			t.Fatalf("the platform's order is still %s: problems %+v", sm.OrderStatus(split.ExternalID), got.Problems)
		}
	}
	numbers := map[string]bool{}
	for _, id := range res.PackageIDs {
		numbers[sm.PackageTracking(id)] = true
	}
	for _, sh := range shipped.Shipments {
		if !numbers[sh.TrackingNumber] {
			t.Fatalf("shipment %s's number %s is on no platform package (%v)", sh.ID, sh.TrackingNumber, numbers)
		}
	}

	// The second order is labelled first, then split: shipping it again is refused, naming the
	// label to void.
	do("POST", "/v1/orders/"+late.ID+"/confirm", nil, http.StatusOK)
	json.Unmarshal(do("POST", "/v1/orders/"+late.ID+"/ship", map[string]any{"policy": "cheapest"}, http.StatusOK), &shipped)
	if len(shipped.Shipments) != 1 {
		t.Fatalf("shipments %+v", shipped.Shipments)
	}
	// Before the push job runs (2 s), TikTok splits it.
	if _, err := sm.TriggerWebhook(tiktoksim.WebhookRequest{Type: tiktok.WebhookPackageUpdate, ShopID: us, OrderID: late.ExternalID}); err != nil {
		t.Fatalf("split after labelling: %v", err)
	}
	time.Sleep(1100 * time.Millisecond)
	if _, err := sm.TriggerWebhook(tiktoksim.WebhookRequest{Type: tiktok.WebhookOrderStatusChange, ShopID: us, OrderID: late.ExternalID}); err != nil {
		t.Fatal(err)
	}
	if err := a.TikTok.FetchOrders(ctx, us, []string{late.ExternalID}); err != nil {
		t.Fatal(err)
	}
	body := do("POST", "/v1/orders/"+late.ID+"/ship", map[string]any{"policy": "cheapest"}, http.StatusConflict)
	if !strings.Contains(string(body), "marketplace_repacked") || !strings.Contains(string(body), shipped.Shipments[0].ID) {
		t.Fatalf("shipping a repacked order with a live label: %s", body)
	}
	// The push of the old label is refused with a problem on the order, not sent to a package.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		json.Unmarshal(do("GET", "/v1/orders/"+late.ID, nil, http.StatusOK), &got)
		if slices.ContainsFunc(got.Problems, func(p model.Problem) bool { return strings.Contains(p.Message, "type 4") }) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no push problem about the split: %+v", got.Problems)
		}
	}
}
