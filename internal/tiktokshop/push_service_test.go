package tiktokshop

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/marketplace/tiktok/sim"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// syncedUS connects shop_us, creates n orders on the sim and pulls them; it returns the
// connection and the stored orders in the sim's order.
func (e *env) syncedUS(n int) (model.Connection, []model.Order) {
	e.t.Helper()
	ctx := context.Background()
	c := e.connect("shop_us", "")
	ids, err := e.sim.CreateOrders(simUS, n)
	if err != nil {
		e.t.Fatal(err)
	}
	e.clock.Advance(time.Minute)
	if _, err := e.svc.Sync(ctx, c.ID); err != nil {
		e.t.Fatal(err)
	}
	out := make([]model.Order, n)
	for i, id := range ids {
		page, err := e.st.ListOrders(ctx, store.OrderQuery{ShopIDs: []string{"shop_us"}, ExternalID: id, Limit: 1})
		if err != nil || len(page) != 1 {
			e.t.Fatalf("order %s not stored: %v", id, err)
		}
		out[i] = page[0]
	}
	return c, out
}

// labelled stores a package of the whole order and a labelled seller-shipped shipment of it, as
// shipping would, and returns the push job's arguments.
func (e *env) labelled(o model.Order, id, carrier, number string) PushArgs {
	e.t.Helper()
	now := e.clock.Now()
	pk := model.Package{ID: "pkg_" + id, ShopID: o.ShopID, OrderID: o.ID, WarehouseID: "wh_1", Mode: model.ModeSeller, CreatedAt: now}
	for _, l := range o.Lines {
		pk.Lines = append(pk.Lines, model.PackageLine{SKU: l.SKU, Quantity: l.Quantity})
	}
	sh := model.Shipment{ID: id, ShopID: o.ShopID, OrderID: o.ID, PackageID: pk.ID, Status: model.ShipmentLabelPurchased, Mode: model.ModeSeller,
		Carrier: carrier, Service: "ground", TrackingNumber: number, CreatedAt: now, PurchasedAt: &now, UpdatedAt: now}
	_, err := e.st.ChangeShipping(context.Background(), []string{o.ShopID}, o.ID, func(store.ShippingState) (store.ShippingChange, error) {
		return store.ShippingChange{NewPackages: []model.Package{pk}, Shipments: []model.Shipment{sh}}, nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return PushArgs{ShopID: o.ShopID, OrderID: o.ID, ShipmentID: id}
}

func (e *env) problem(o model.Order) (model.Problem, bool) {
	e.t.Helper()
	got, err := e.st.GetOrder(context.Background(), []string{o.ShopID}, o.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, p := range got.Problems {
		if p.Code == ProblemPush {
			return p, true
		}
	}
	return model.Problem{}, false
}

// TestPushBatch: the shipments due together go in one packages/ship call. One with an illegal
// tracking number is caught before the call (R-SHIP-4), one whose order the platform cancelled
// is not sent, and one comes back as a per-item error inside the code-0 answer; each fails
// alone, with its problem on its order, and the others ship. Pushing again sends nothing.
func TestPushBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, sim.Options{ShippingDueAfter: 80 * time.Hour})
		ctx := context.Background()
		c := e.connect("shop_us", "")
		// The first order is placed 79 h before the others: it passes its shipping_due_time
		// (80 h) unshipped and the platform cancels it after lastmile stored it.
		first, _ := e.sim.CreateOrders(simUS, 1)
		e.clock.Advance(79 * time.Hour)
		rest, _ := e.sim.CreateOrders(simUS, 4)
		e.clock.Advance(time.Minute)
		if _, err := e.svc.Sync(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		var orders []model.Order
		for _, id := range append(first, rest...) {
			page, _ := st.ListOrders(ctx, store.OrderQuery{ShopIDs: []string{"shop_us"}, ExternalID: id, Limit: 1})
			if len(page) != 1 {
				t.Fatalf("order %s not stored", id)
			}
			orders = append(orders, page[0])
		}
		e.clock.Advance(2 * time.Hour)
		e.sim.Step()
		if s := e.sim.OrderStatus(first[0]); s != tiktok.OrderCancelled {
			t.Fatalf("the first order is %s on the platform, want CANCELLED", s)
		}
		args := []PushArgs{
			e.labelled(orders[0], "shp_cancelled", "usps", "9400100000000000000010"),
			e.labelled(orders[1], "shp_1", "usps", "9400100000000000000011"),
			e.labelled(orders[2], "shp_bad", "usps", "9400 1000（0000）12"), // R-SHIP-4
			e.labelled(orders[3], "shp_3", "usps", "9400100000000000000013"),
			e.labelled(orders[4], "shp_4", "usps", "9400100000000000000014"),
		}
		// The platform fails the fourth order's package inside the batch's code-0 answer.
		pkg3 := e.sim.OrderPackages(orders[3].ExternalID)[0]
		if err := e.sim.InjectFault(sim.Fault{PackageID: pkg3, Code: sim.CodeConflict, Count: 1, Message: "package is being split"}); err != nil {
			t.Fatal(err)
		}
		before := e.sim.Stats()
		errs := e.svc.PushMany(ctx, "shop_us", args)
		for i, err := range errs {
			if err != nil {
				t.Fatalf("push %d: %v (a refusal is recorded, not retried)", i, err)
			}
		}
		after := e.sim.Stats()
		if after.BatchShipCalls-before.BatchShipCalls != 1 {
			t.Fatalf("%d packages/ship calls, want 1", after.BatchShipCalls-before.BatchShipCalls)
		}
		if after.TrackingDropped != before.TrackingDropped {
			t.Fatal("the illegal number reached the platform")
		}
		for _, i := range []int{1, 4} {
			if s := e.sim.OrderStatus(orders[i].ExternalID); s != tiktok.OrderAwaitingCollection {
				t.Errorf("order %d is %s on the platform, want AWAITING_COLLECTION", i, s)
			}
			if p, ok := e.problem(orders[i]); ok {
				t.Errorf("order %d has a push problem: %s", i, p.Message)
			}
		}
		for _, i := range []int{2, 3} {
			if s := e.sim.OrderStatus(orders[i].ExternalID); s != tiktok.OrderAwaitingShipment {
				t.Errorf("order %d is %s, want AWAITING_SHIPMENT", i, s)
			}
		}
		for _, c := range []struct {
			i    int
			want string
		}{{0, "cancelled"}, {2, "R-SHIP-4"}, {3, "package is being split"}} {
			p, ok := e.problem(orders[c.i])
			if !ok || !strings.Contains(p.Message, c.want) || p.Source != CauseTikTok {
				t.Errorf("order %d: push problem %+v, want one naming %q", c.i, p, c.want)
			}
		}
		// Again (a job that ran twice): the platform has the numbers, nothing is sent.
		ships := e.sim.Stats().Ships
		again := []PushArgs{args[0], args[1], args[2], args[4]}
		for i, err := range e.svc.PushMany(ctx, "shop_us", again) {
			if err != nil {
				t.Fatalf("second push %d: %v", i, err)
			}
		}
		if got := e.sim.Stats(); got.Ships != ships || got.BatchShipCalls != after.BatchShipCalls {
			t.Fatalf("a second push sent again: ships %d → %d", ships, got.Ships)
		}
		// A new number for a shipped package replaces the old one (shipping_info/update).
		args[1] = e.labelled(orders[1], "shp_1b", "usps", "9400100000000000000099")
		if err := e.svc.PushMany(ctx, "shop_us", args[1:2])[0]; err != nil {
			t.Fatal(err)
		}
		if n, _ := e.sim.OrderTracking(orders[1].ExternalID); e.sim.Stats().ShippingInfoUpdates != 1 || n != "9400100000000000000099" {
			t.Fatalf("update: %d updates, tracking %s", e.sim.Stats().ShippingInfoUpdates, n)
		}
	})
}

// TestPushGroup: pushes of one shop that run at the same time (the jobs of a batch run) share
// one packages/ship call, and each gets its own outcome.
func TestPushGroup(t *testing.T) {
	e := newEnv(t, storetest.OpenSQLite(t), sim.Options{})
	e.svc.cfg.PushGather = 200 * time.Millisecond
	_, orders := e.syncedUS(6)
	var args []PushArgs
	for i, o := range orders {
		args = append(args, e.labelled(o, "shp_"+string(rune('a'+i)), "usps", "94001000000000000001"+string(rune('0'+i))))
	}
	errs := make([]error, len(args))
	var wg sync.WaitGroup
	for i, a := range args {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = e.svc.Push(context.Background(), a)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("push %d: %v", i, err)
		}
	}
	if n := e.sim.Stats().BatchShipCalls; n != 1 {
		t.Fatalf("%d packages/ship calls for 6 pushes at once, want 1", n)
	}
	for _, o := range orders {
		if s := e.sim.OrderStatus(o.ExternalID); s != tiktok.OrderAwaitingCollection {
			t.Fatalf("order %s: %s", o.ExternalID, s)
		}
	}
}

// TestPushFailedItemRetried: a per-item error the platform marks as its own failure
// (36009003) fails only that shipment's job, which succeeds when it runs again; a failed call
// fails them all, none refused.
func TestPushFailedItemRetried(t *testing.T) {
	e := newEnv(t, storetest.OpenSQLite(t), sim.Options{})
	ctx := context.Background()
	_, orders := e.syncedUS(2)
	a := e.labelled(orders[0], "shp_a", "usps", "9400100000000000000021")
	b := e.labelled(orders[1], "shp_b", "usps", "9400100000000000000022")
	// The whole call fails (the platform's internal error): both are retried, neither refused.
	if err := e.sim.InjectFault(sim.Fault{Code: tiktok.CodeInternal, Count: 1, Path: "/fulfillment/202309/packages/ship"}); err != nil {
		t.Fatal(err)
	}
	errs := e.svc.PushMany(ctx, "shop_us", []PushArgs{a, b})
	if errs[0] == nil || errs[1] == nil {
		t.Fatalf("after a failed call: %v, want both to retry", errs)
	}
	if _, ok := e.problem(orders[0]); ok {
		t.Fatal("a transient failure was recorded as a refusal")
	}
	pkgB := e.sim.OrderPackages(orders[1].ExternalID)[0]
	if err := e.sim.InjectFault(sim.Fault{PackageID: pkgB, Code: tiktok.CodeInternal, Count: 1}); err != nil {
		t.Fatal(err)
	}
	errs = e.svc.PushMany(ctx, "shop_us", []PushArgs{a, b})
	if errs[0] != nil || errs[1] == nil {
		t.Fatalf("a per-item internal error: %v, want only the second to retry", errs)
	}
	if _, ok := e.problem(orders[1]); ok {
		t.Fatal("a per-item internal error was recorded as a refusal")
	}
	calls := e.sim.Stats().BatchShipCalls
	errs = e.svc.PushMany(ctx, "shop_us", []PushArgs{a, b})
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("the retry: %v", errs)
	}
	if got := e.sim.Stats(); got.BatchShipCalls != calls+1 || got.Ships != 2 {
		t.Fatalf("the retry: %d calls, %d ships; want one call shipping the failed package alone", got.BatchShipCalls-calls, got.Ships)
	}
	for _, o := range orders {
		if s := e.sim.OrderStatus(o.ExternalID); s != tiktok.OrderAwaitingCollection {
			t.Fatalf("order %s: %s", o.ExternalID, s)
		}
	}
}

// TestPushProviderMatching: a carrier is matched to the platform's provider of the order's
// market by name and alias, or by the configured mapping; a carrier that matches none fails
// its push with a problem naming the carrier and the fix, and nothing is pushed.
func TestPushProviderMatching(t *testing.T) {
	e := newEnv(t, storetest.OpenSQLite(t), sim.Options{})
	ctx := context.Background()
	_, orders := e.syncedUS(3)
	unknown := e.labelled(orders[0], "shp_x", "acme-couriers", "ACME000000000001")
	before := e.sim.Stats().Ships
	err := e.svc.PushMany(ctx, "shop_us", []PushArgs{unknown})[0]
	if err == nil {
		t.Fatal("a carrier TikTok does not list: no error, want the job to retry while the problem shows")
	}
	p, ok := e.problem(orders[0])
	if !ok || !strings.Contains(p.Message, `"acme-couriers"`) || !strings.Contains(p.Message, "tiktok_providers") || !strings.Contains(p.Message, "USPS") {
		t.Fatalf("problem %+v: want the carrier, what TikTok lists and the fix", p)
	}
	if e.sim.Stats().Ships != before {
		t.Fatal("a push named some provider for an unknown carrier")
	}
	// Mapped in the configuration: the retry pushes it, and the problem is cleared.
	e.svc.cfg.Providers = map[string]string{"acme-couriers": "DHL eCommerce"}
	if err := e.svc.PushMany(ctx, "shop_us", []PushArgs{unknown})[0]; err != nil {
		t.Fatal(err)
	}
	if _, ok := e.problem(orders[0]); ok {
		t.Fatal("the problem stayed after the push succeeded")
	}
	if _, got := e.sim.OrderTracking(orders[0].ExternalID); got != "DHL eCommerce" {
		t.Fatalf("pushed provider %q, want DHL eCommerce", got)
	}
	// Matched by name: ups → UPS, not the delivery option's first (USPS).
	ups := e.labelled(orders[1], "shp_ups", "ups", "1Z999AA10123456784")
	if err := e.svc.PushMany(ctx, "shop_us", []PushArgs{ups})[0]; err != nil {
		t.Fatal(err)
	}
	if _, got := e.sim.OrderTracking(orders[1].ExternalID); got != "UPS" {
		t.Fatalf("ups pushed as %q", got)
	}
}

func TestMatchProvider(t *testing.T) {
	list := func(names ...string) []tiktok.ShippingProvider {
		out := make([]tiktok.ShippingProvider, len(names))
		for i, n := range names {
			out[i] = tiktok.ShippingProvider{ID: "p" + string(rune('0'+i)), Name: n}
		}
		return out
	}
	th := list("Flash Express", "Kerry Express", "J&T Express")
	us := list("USPS", "UPS", "FedEx", "DHL eCommerce")
	de := list("DHL", "DPD", "GLS", "Hermes")
	cases := []struct {
		carrier, market, mapped string
		in                      []tiktok.ShippingProvider
		want                    string // provider name, "" for no match
	}{
		{"jt-th", "TH", "", th, "J&T Express"},
		{"flash-th", "TH", "", th, "Flash Express"},
		{"ninja-van-th", "TH", "", th, ""},
		{"usps", "US", "", us, "USPS"},
		{"ups", "US", "", us, "UPS"},
		{"dhl-ecommerce", "US", "", us, "DHL eCommerce"},
		{"dhl-ecommerce", "DE", "", de, ""}, // not DHL: another company's service
		{"dpd", "DE", "", de, "DPD"},
		{"acme", "DE", "Hermes", de, "Hermes"},
		{"acme", "DE", "p1", de, "DPD"},
		{"acme", "DE", "Royal Mail", de, ""},
		{"evri", "DE", "", de, ""}, // Evri is not DE's Hermes
	}
	for _, c := range cases {
		got, err := MatchProvider(c.carrier, c.market, c.mapped, c.in)
		switch {
		case c.want == "" && err == nil:
			t.Errorf("%s in %s: matched %q, want no match", c.carrier, c.market, got.Name)
		case c.want != "" && (err != nil || got.Name != c.want):
			t.Errorf("%s in %s: %q, %v; want %q", c.carrier, c.market, got.Name, err, c.want)
		case err != nil && !strings.Contains(err.Error(), c.carrier):
			t.Errorf("%s: the error does not name the carrier: %v", c.carrier, err)
		}
	}
}

// TestPushProblemSticks: the push problem stays on the order when a newer version of it comes
// from the platform (the checks run again on it) or the seller corrects it, until a push
// succeeds.
func TestPushProblemSticks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, sim.Options{WebhookURL: noWebhooks})
		ctx := context.Background()
		c, orders := e.syncedUS(1)
		o := orders[0]
		bad := e.labelled(o, "shp_bad", "usps", "9400 1000（0000）31")
		if err := e.svc.PushMany(ctx, "shop_us", []PushArgs{bad})[0]; err != nil {
			t.Fatal(err)
		}
		if _, ok := e.problem(o); !ok {
			t.Fatal("no push problem after a refusal")
		}
		// The buyer changes the address: a newer version of the order is pulled and checked.
		if _, err := e.sim.TriggerWebhook(sim.WebhookRequest{Type: tiktok.WebhookRecipientAddressUpdate, ShopID: simUS, OrderID: o.ExternalID}); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(time.Minute)
		if _, err := e.svc.Sync(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		got, _ := st.GetOrder(ctx, []string{"shop_us"}, o.ID)
		if got.Version == o.Version {
			t.Fatal("the newer version was not stored: the test proves nothing")
		}
		if _, ok := e.problem(o); !ok {
			t.Fatalf("the push problem was lost when the newer version was checked: %+v", got.Problems)
		}
		// The seller corrects the order: the checks run again and keep it too.
		name := "Jane Q. Buyer"
		if _, err := e.svc.d.Orders.Correct(ctx, allShops, o.ID, order.Patch{ShippingAddress: &order.AddressPatch{Name: order.Field[string]{Set: true, Value: name}}}, "test"); err != nil {
			t.Fatal(err)
		}
		if _, ok := e.problem(o); !ok {
			t.Fatal("the push problem was lost when the seller corrected the order")
		}
		// A good label is pushed: the problem is cleared.
		good := e.labelled(o, "shp_good", "usps", "9400100000000000000031")
		if err := e.svc.PushMany(ctx, "shop_us", []PushArgs{good})[0]; err != nil {
			t.Fatal(err)
		}
		if p, ok := e.problem(o); ok {
			t.Fatalf("the problem stayed after a push succeeded: %s", p.Message)
		}
	})
}

// FollowUp names a push job for a seller-shipped label, none for a platform one.
func TestFollowUp(t *testing.T) {
	e := newEnv(t, storetest.OpenSQLite(t), sim.Options{WebhookURL: noWebhooks})
	o := model.Order{ID: "ord_1", ShopID: "shop_us"}
	sh := model.Shipment{ID: "shp_1", TrackingNumber: "9400100000000000000001", Mode: model.ModeSeller}
	jobs, err := e.svc.FollowUp(o, sh)
	if err != nil || len(jobs) != 1 || jobs[0].Kind != KindPush || !jobs[0].ScheduledAt.Equal(e.clock.Now().Add(DefaultPushDelay)) {
		t.Fatalf("follow-up jobs %+v, %v", jobs, err)
	}
	sh.Mode = model.ModePlatform
	if jobs, _ := e.svc.FollowUp(o, sh); len(jobs) != 0 {
		t.Fatalf("a platform label got push jobs %+v", jobs)
	}
}

// TestCertifiedCarriersMatchAProvider: every carrier lastmile certifies by default in a market
// (R-SHIP-3) is matched to exactly one of the (simulated) platform's providers there, so the
// demo and default setups push the right carrier without a mapping.
func TestCertifiedCarriersMatchAProvider(t *testing.T) {
	for market, codes := range carrier.DefaultCertification() {
		var list []tiktok.ShippingProvider
		for i, n := range sim.ProviderNames(market) {
			list = append(list, tiktok.ShippingProvider{ID: fmt.Sprint(i), Name: n})
		}
		for _, code := range codes {
			if strings.HasPrefix(code, "tiktok-shipping") {
				continue // the platform's own logistics: no push
			}
			if _, err := MatchProvider(code, market, "", list); err != nil {
				t.Errorf("%s in %s: %v", code, market, err)
			}
		}
	}
}
