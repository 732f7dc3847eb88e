package tiktok_test

import (
	"bytes"
	"context"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"lastmile/internal/label"
	"lastmile/internal/label/labeltest"
	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/marketplace/tiktok/sim"
)

// providerOf returns the first shipping provider of the order's delivery option.
func providerOf(t *testing.T, sc *tiktok.ShopClient, o tiktok.Order) tiktok.ShippingProvider {
	t.Helper()
	ps, err := sc.ShippingProviders(context.Background(), o.DeliveryOptionID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) == 0 {
		t.Fatal("no shipping providers")
	}
	return ps[0]
}

// TestShipSellerShipping: a seller-shipped package moves along on the sim's clock after it
// ships, and each move is a webhook.
func TestShipSellerShipping(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sim.Options{}, tiktok.Config{})
	r := newReceiver(t, e.client)
	sc, _ := e.connect(shopUS)
	ctx := context.Background()
	if err := sc.Subscribe(ctx, "ORDER_STATUS_CHANGE", r.url); err != nil {
		t.Fatal(err)
	}
	subs, err := sc.Subscriptions(ctx)
	if err != nil || len(subs) != 1 || subs[0].Address != r.url {
		t.Fatalf("subscriptions %+v, %v", subs, err)
	}
	id := e.createOrders(shopUS, 1)[0]
	o := getOrder(t, sc, id)
	prov := providerOf(t, sc, o)
	pkgID := o.Packages[0].ID
	const number = "9400111000000000000017"
	if err := sc.ShipPackage(ctx, pkgID, tiktok.ShipRequest{SelfShipment: &tiktok.SelfShipment{ShippingProviderID: prov.ID, TrackingNumber: number}}); err != nil {
		t.Fatal(err)
	}
	o = getOrder(t, sc, id)
	if o.Status != tiktok.OrderAwaitingCollection || o.RTSTime == 0 || o.TrackingNumber != number || o.LineItems[0].PackageStatus != tiktok.LineProcessing {
		t.Fatalf("after ship: %s rts %d tracking %q line %s", o.Status, o.RTSTime, o.TrackingNumber, o.LineItems[0].PackageStatus)
	}
	pk, err := sc.GetPackage(ctx, pkgID)
	if err != nil || pk.TrackingNumber != number || pk.ShippingProviderID != prov.ID || pk.ShippingType != tiktok.ShippingTypeSeller {
		t.Fatalf("package %+v, %v", pk, err)
	}
	// Shipping twice is refused; a seller-shipped package has no platform label.
	err = sc.ShipPackage(ctx, pkgID, tiktok.ShipRequest{SelfShipment: &tiktok.SelfShipment{ShippingProviderID: prov.ID, TrackingNumber: number}})
	if k := kindIs(t, err, tiktok.Refuse); k.Code != sim.CodeConflict {
		t.Fatalf("second ship: %+v", k)
	}
	_, err = sc.ShippingDocument(ctx, pkgID, tiktok.DocumentRequest{})
	kindIs(t, err, tiktok.Refuse)

	// Within 72 h the tracking number can be replaced.
	if err := sc.UpdateShippingInfo(ctx, pkgID, tiktok.SelfShipment{ShippingProviderID: prov.ID, TrackingNumber: "9400111000000000000024"}); err != nil {
		t.Fatal(err)
	}
	if got := e.sim.PackageTracking(pkgID); got != "9400111000000000000024" {
		t.Fatalf("tracking after update %q", got)
	}

	step := func(d time.Duration) {
		e.clock.Advance(d)
		e.sim.Step()
	}
	step(sim.DefaultCollectAfter)
	if s := getOrder(t, sc, id).Status; s != tiktok.OrderInTransit {
		t.Fatalf("after collection: %s", s)
	}
	step(sim.DefaultDeliverAfter)
	o = getOrder(t, sc, id)
	if o.Status != tiktok.OrderDelivered || o.DeliveryTime == 0 || o.CollectionTime == 0 {
		t.Fatalf("after delivery: %+v", o)
	}
	step(sim.DefaultCompleteAfter)
	if s := getOrder(t, sc, id).Status; s != tiktok.OrderCompleted {
		t.Fatalf("after completion: %s", s)
	}
	// Past 72 h after shipping the tracking number is fixed.
	err = sc.UpdateShippingInfo(ctx, pkgID, tiktok.SelfShipment{ShippingProviderID: prov.ID, TrackingNumber: "9400111000000000000031"})
	kindIs(t, err, tiktok.Refuse)

	e.sim.Flush()
	// Webhooks are sent concurrently and may arrive in any order, as the platform's do.
	want := []string{"AWAITING_COLLECTION", "AWAITING_SHIPMENT", "COMPLETED", "DELIVERED", "IN_TRANSIT"}
	got := r.statuses(t, id)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("webhook statuses %v, want %v", got, want)
	}
}

// TestIllegalTrackingNumberDropped (R-SHIP-4): the platform answers code 0 to a tracking number
// with a space or full-width brackets and drops it: the order stays AWAITING_SHIPMENT. The
// client refuses such a number before sending it.
func TestIllegalTrackingNumberDropped(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sim.Options{}, tiktok.Config{})
	sc, _ := e.connect(shopUS)
	ctx := context.Background()
	ids := e.createOrders(shopUS, 3)
	o := getOrder(t, sc, ids[0])
	prov := providerOf(t, sc, o)
	pkgID := o.Packages[0].ID
	bad := []string{"9400 1110 0000 0000 0000 17", "（9400111000000000000017）", "9400111000000000000017\t", "940011100000000000001７"}

	before := e.sim.Stats().Requests
	for _, n := range bad {
		err := sc.ShipPackage(ctx, pkgID, tiktok.ShipRequest{SelfShipment: &tiktok.SelfShipment{ShippingProviderID: prov.ID, TrackingNumber: n}})
		if k := kindIs(t, err, tiktok.Refuse); k.Field != "self_shipment.tracking_number" {
			t.Fatalf("%q: %+v", n, k)
		}
	}
	if got := e.sim.Stats().Requests; got != before {
		t.Fatal("the client sent a tracking number the platform drops")
	}

	// Sent anyway, as a client without the check would: code 0, nothing shipped.
	for _, n := range bad {
		body := map[string]any{"self_shipment": map[string]string{"shipping_provider_id": prov.ID, "tracking_number": n}}
		if _, err := sc.Call(ctx, tiktok.Request{Op: "raw ship", Method: "POST", Path: "/fulfillment/202309/packages/" + pkgID + "/ship", Body: body}, nil); err != nil {
			t.Fatalf("%q: the platform answers success, got %v", n, err)
		}
	}
	if s := getOrder(t, sc, ids[0]).Status; s != tiktok.OrderAwaitingShipment {
		t.Fatalf("after illegal tracking numbers the order is %s, want AWAITING_SHIPMENT", s)
	}
	if st := e.sim.Stats(); st.TrackingDropped != int64(len(bad)) {
		t.Fatalf("tracking_dropped %d, want %d", st.TrackingDropped, len(bad))
	}
	// In a batch too: no per-item error, nothing shipped.
	o2 := getOrder(t, sc, ids[1])
	body := map[string]any{"packages": []map[string]any{{"id": o2.Packages[0].ID,
		"self_shipment": map[string]string{"shipping_provider_id": prov.ID, "tracking_number": "JT 0001 2345"}}}}
	var out struct {
		Errors []any `json:"errors"`
	}
	if _, err := sc.Call(ctx, tiktok.Request{Op: "raw batch", Method: "POST", Path: "/fulfillment/202309/packages/ship", Body: body}, &out); err != nil || len(out.Errors) != 0 {
		t.Fatalf("batch: %v, errors %v", err, out.Errors)
	}
	if s := getOrder(t, sc, ids[1]).Status; s != tiktok.OrderAwaitingShipment {
		t.Fatalf("batch with an illegal number: order %s", s)
	}
	// The clean number ships.
	if err := sc.ShipPackage(ctx, pkgID, tiktok.ShipRequest{SelfShipment: &tiktok.SelfShipment{ShippingProviderID: prov.ID, TrackingNumber: "9400111000000000000017"}}); err != nil {
		t.Fatal(err)
	}
	if s := getOrder(t, sc, ids[0]).Status; s != tiktok.OrderAwaitingCollection {
		t.Fatalf("clean number: order %s", s)
	}
}

// TestBatchShip: per-package failures come in data.errors[] of a code-0 answer; the others ship.
func TestBatchShip(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sim.Options{}, tiktok.Config{})
	sc, _ := e.connect(shopUS)
	ctx := context.Background()
	ids := e.createOrders(shopUS, 3)
	var pkgs []string
	for _, id := range ids {
		pkgs = append(pkgs, getOrder(t, sc, id).Packages[0].ID)
	}
	prov := providerOf(t, sc, getOrder(t, sc, ids[0]))
	ship := func(id, n string) tiktok.BatchShipItem {
		return tiktok.BatchShipItem{ID: id, ShipRequest: tiktok.ShipRequest{SelfShipment: &tiktok.SelfShipment{ShippingProviderID: prov.ID, TrackingNumber: n}}}
	}
	if err := sc.ShipPackage(ctx, pkgs[2], ship("", "9400111000000000000031").ShipRequest); err != nil {
		t.Fatal(err)
	}
	errs, err := sc.ShipPackages(ctx, []tiktok.BatchShipItem{
		ship(pkgs[0], "9400111000000000000017"),
		ship("1100000000000000001", "9400111000000000000024"), // no such package
		ship(pkgs[2], "9400111000000000000031"),               // shipped already
		ship(pkgs[1], "9400111000000000000048"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(errs) != 2 || errs[0].PackageID != "1100000000000000001" || errs[0].Code != sim.CodeNotFound ||
		errs[1].PackageID != pkgs[2] || errs[1].Code != sim.CodeConflict || errs[1].Message == "" {
		t.Fatalf("batch errors %+v", errs)
	}
	for _, id := range ids {
		if s := getOrder(t, sc, id).Status; s != tiktok.OrderAwaitingCollection {
			t.Fatalf("order %s: %s", id, s)
		}
	}
	// A bad item refuses the batch before it is sent.
	_, err = sc.ShipPackages(ctx, []tiktok.BatchShipItem{ship(pkgs[0], "A B")})
	if k := kindIs(t, err, tiktok.Refuse); k.Field != "packages[0].self_shipment.tracking_number" {
		t.Fatalf("%+v", k)
	}
}

var mediaBox = regexp.MustCompile(`/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]`)

// TestPlatformLabel (R-MODE-2): a platform-logistics package ships with a handover method; its
// shipping document is an A6 PDF whose barcode scans to the tracking number, for 24 h.
func TestPlatformLabel(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sim.Options{}, tiktok.Config{})
	ctx := context.Background()
	for _, shop := range []sim.Shop{shopGB, shopID} {
		sc, _ := e.connect(shop)
		id := e.createOrders(shop, 1)[0]
		o := getOrder(t, sc, id)
		if o.ShippingType != tiktok.ShippingTypeTikTok {
			t.Fatalf("%s: shipping type %s", shop.Market, o.ShippingType)
		}
		pkgID := o.Packages[0].ID
		// Before shipping there is no label; self_shipment is refused under platform logistics.
		_, err := sc.ShippingDocument(ctx, pkgID, tiktok.DocumentRequest{})
		kindIs(t, err, tiktok.Refuse)
		err = sc.ShipPackage(ctx, pkgID, tiktok.ShipRequest{SelfShipment: &tiktok.SelfShipment{ShippingProviderID: "1", TrackingNumber: "A1"}})
		kindIs(t, err, tiktok.Refuse)
		if err := sc.ShipPackage(ctx, pkgID, tiktok.ShipRequest{HandoverMethod: tiktok.HandoverPickup}); err != nil {
			t.Fatal(err)
		}
		doc, err := sc.ShippingDocument(ctx, pkgID, tiktok.DocumentRequest{})
		if err != nil {
			t.Fatal(err)
		}
		o = getOrder(t, sc, id)
		if doc.TrackingNumber == "" || doc.TrackingNumber != o.TrackingNumber || o.Status != tiktok.OrderAwaitingCollection {
			t.Fatalf("document %+v, order %s %q", doc, o.Status, o.TrackingNumber)
		}
		pdf, err := e.client.Download(ctx, doc.DocURL)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
			t.Fatalf("not a PDF: %q", pdf[:min(20, len(pdf))])
		}
		m := mediaBox.FindSubmatch(pdf)
		if m == nil {
			t.Fatal("no MediaBox")
		}
		w, _ := strconv.ParseFloat(string(m[1]), 64)
		h, _ := strconv.ParseFloat(string(m[2]), 64)
		pt := func(mm float64) float64 { return mm / 25.4 * 72 }
		if d := w - pt(label.SizeA6.W); d < -0.5 || d > 0.5 || h-pt(label.SizeA6.H) < -0.5 || h-pt(label.SizeA6.H) > 0.5 {
			t.Fatalf("page %gx%g pt, want A6 %.1fx%.1f", w, h, pt(label.SizeA6.W), pt(label.SizeA6.H))
		}
		pages, err := labeltest.RasterPDF(pdf, label.DPI203)
		if err != nil {
			t.Fatal(err)
		}
		got, err := labeltest.DecodeCode128(pages[0])
		if err != nil || got != doc.TrackingNumber {
			t.Fatalf("the label's barcode reads %q (%v), want %s", got, err, doc.TrackingNumber)
		}
		// The URL works 24 h.
		e.clock.Advance(24 * time.Hour)
		_, err = e.client.Download(ctx, doc.DocURL)
		kindIs(t, err, tiktok.Refuse)
		// Other documents and sizes are refused.
		_, err = sc.ShippingDocument(ctx, pkgID, tiktok.DocumentRequest{DocumentFormat: tiktok.DocumentFormatZPL})
		kindIs(t, err, tiktok.Refuse)
	}
	if st := e.sim.Stats(); st.Documents != 2 || st.DocumentDownloads != 2 {
		t.Fatalf("documents %d, downloads %d", st.Documents, st.DocumentDownloads)
	}
}

// TestAutoCancel (R-SHIP-1): an order not shipped by its shipping_due_time is cancelled, and
// the webhook says CANCEL.
func TestAutoCancel(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sim.Options{}, tiktok.Config{})
	r := newReceiver(t, e.client)
	sc, _ := e.connect(shopUS)
	ctx := context.Background()
	if err := sc.Subscribe(ctx, "ORDER_STATUS_CHANGE", r.url); err != nil {
		t.Fatal(err)
	}
	ids := e.createOrders(shopUS, 2)
	o := getOrder(t, sc, ids[1])
	if err := sc.ShipPackage(ctx, o.Packages[0].ID, tiktok.ShipRequest{SelfShipment: &tiktok.SelfShipment{ShippingProviderID: providerOf(t, sc, o).ID, TrackingNumber: "9400111000000000000017"}}); err != nil {
		t.Fatal(err)
	}
	due := time.Unix(getOrder(t, sc, ids[0]).ShippingDueTime, 0)
	e.clock.Advance(due.Sub(e.clock.Now()) - time.Second)
	e.sim.Step()
	if s := getOrder(t, sc, ids[0]).Status; s != tiktok.OrderAwaitingShipment {
		t.Fatalf("a second before the due time: %s", s)
	}
	e.clock.Advance(time.Second)
	e.sim.Step()
	o = getOrder(t, sc, ids[0])
	if o.Status != tiktok.OrderCancelled || o.CancelTime == 0 || o.LineItems[0].PackageStatus != tiktok.LineCancelled {
		t.Fatalf("after the due time: %s cancel_time %d", o.Status, o.CancelTime)
	}
	if s := getOrder(t, sc, ids[1]).Status; s == tiktok.OrderCancelled {
		t.Fatal("a shipped order was auto-cancelled")
	}
	if st := e.sim.Stats(); st.AutoCancels != 1 {
		t.Fatalf("auto_cancels %d", st.AutoCancels)
	}
	e.sim.Flush()
	got := r.statuses(t, ids[0])
	slices.Sort(got)
	if !slices.Equal(got, []string{"AWAITING_SHIPMENT", "CANCEL"}) {
		t.Fatalf("webhooks %v", got)
	}
	m, err := tiktok.ToOrder(o, "s")
	if err != nil || m.Order.Status != "CANCELLED" || m.Milestones[tiktok.MilestoneCancel].IsZero() {
		t.Fatalf("mapped %+v, %v", m.Order.Status, err)
	}
}
