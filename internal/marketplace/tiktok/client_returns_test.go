package tiktok_test

import (
	"context"
	"testing"
	"time"

	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/marketplace/tiktok/sim"
)

// TestCancellations (R-ORD-4): a buyer's cancellation request is listed, with its 48 h answer
// deadline on the order; approving cancels the order (once, however often the approval is
// retried with its key); rejecting leaves the order to ship.
func TestCancellations(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sim.Options{}, tiktok.Config{})
	sc, _ := e.connect(shopUS)
	ctx := context.Background()
	ids := e.createOrders(shopUS, 2)
	var cancelIDs []string
	for _, id := range ids {
		res, err := e.sim.TriggerWebhook(sim.WebhookRequest{Type: tiktok.WebhookCancellationStatusChange, ShopID: shopUS.ID, OrderID: id})
		if err != nil {
			t.Fatal(err)
		}
		cancelIDs = append(cancelIDs, res.CancelID)
	}
	o := getOrder(t, sc, ids[0])
	m, err := tiktok.ToOrder(o, "s")
	if err != nil {
		t.Fatal(err)
	}
	if d := m.Deadlines[tiktok.DeadlineCancelOrder].Sub(e.clock.Now()); d != 48*time.Hour {
		t.Fatalf("cancel_order_sla_time %s ahead, want 48h", d)
	}
	page, err := sc.SearchCancellations(ctx, tiktok.CancellationQuery{CancelStatus: []string{tiktok.CancellationPending}}, tiktok.Page{Size: 1})
	if err != nil || len(page.Cancellations) != 1 || page.TotalCount != 2 || page.NextPageToken == "" {
		t.Fatalf("search: %+v %v", page, err)
	}
	page2, err := sc.SearchCancellations(ctx, tiktok.CancellationQuery{CancelStatus: []string{tiktok.CancellationPending}}, tiktok.Page{Size: 1, Token: page.NextPageToken})
	if err != nil || len(page2.Cancellations) != 1 || page2.Cancellations[0].CancelID == page.Cancellations[0].CancelID || page2.NextPageToken != "" {
		t.Fatalf("second page: %+v %v", page2, err)
	}
	// Approve twice with one key: one decision.
	for i := 0; i < 2; i++ {
		if err := sc.ApproveCancellation(ctx, cancelIDs[0], "approve-1"); err != nil {
			t.Fatalf("approve %d: %v", i, err)
		}
	}
	if err := sc.ApproveCancellation(ctx, cancelIDs[0], ""); err == nil {
		t.Fatal("a second decision with another key was accepted")
	}
	if s := getOrder(t, sc, ids[0]).Status; s != tiktok.OrderCancelled {
		t.Fatalf("after approval: %s", s)
	}
	if err := sc.RejectCancellation(ctx, cancelIDs[1], "", tiktok.Reject{}); err == nil {
		t.Fatal("a rejection without a reason was sent")
	}
	if err := sc.RejectCancellation(ctx, cancelIDs[1], "", tiktok.Reject{RejectReason: "Package already packed"}); err != nil {
		t.Fatal(err)
	}
	if s := getOrder(t, sc, ids[1]).Status; s != tiktok.OrderAwaitingShipment {
		t.Fatalf("after rejection: %s", s)
	}
	page, err = sc.SearchCancellations(ctx, tiktok.CancellationQuery{OrderIDs: ids}, tiktok.Page{})
	if err != nil || len(page.Cancellations) != 2 || page.Cancellations[0].CancelStatus == tiktok.CancellationPending || page.Cancellations[1].CancelStatus == tiktok.CancellationPending {
		t.Fatalf("after the decisions: %+v %v", page, err)
	}
	if st := e.sim.Stats(); st.CancellationsAnswered != 2 {
		t.Fatalf("answered %d", st.CancellationsAnswered)
	}
	// An unknown id.
	if err := sc.ApproveCancellation(ctx, "5800000000000000009", ""); err == nil {
		t.Fatal("an unknown cancellation was approved")
	}
}

// TestReturns: a return on a delivered order is listed and approved as a refund without
// return (R-RET-2); another is rejected.
func TestReturns(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sim.Options{}, tiktok.Config{})
	sc, _ := e.connect(shopUS)
	ctx := context.Background()
	ids := e.createOrders(shopUS, 2)
	for _, id := range ids {
		o := getOrder(t, sc, id)
		if err := sc.ShipPackage(ctx, o.Packages[0].ID, tiktok.ShipRequest{SelfShipment: &tiktok.SelfShipment{ShippingProviderID: providerOf(t, sc, o).ID, TrackingNumber: "9400111000000000000017"}}); err != nil {
			t.Fatal(err)
		}
	}
	// A return needs an order in transit or delivered: awaiting collection is too early.
	if _, err := e.sim.TriggerWebhook(sim.WebhookRequest{Type: tiktok.WebhookReturnStatusChange, ShopID: shopUS.ID, OrderID: ids[0]}); err == nil {
		t.Fatal("a return on an order not yet in transit")
	}
	e.clock.Advance(sim.DefaultCollectAfter)
	e.sim.Step()
	e.clock.Advance(sim.DefaultDeliverAfter)
	e.sim.Step()
	var returnIDs []string
	for i, id := range ids {
		rt := []string{"REFUND", "RETURN_AND_REFUND"}[i]
		res, err := e.sim.TriggerWebhook(sim.WebhookRequest{Type: tiktok.WebhookReturnStatusChange, ShopID: shopUS.ID, OrderID: id, ReturnType: rt})
		if err != nil {
			t.Fatal(err)
		}
		returnIDs = append(returnIDs, res.ReturnID)
	}
	page, err := sc.SearchReturns(ctx, tiktok.ReturnQuery{ReturnTypes: []string{"REFUND"}}, tiktok.Page{})
	if err != nil || len(page.ReturnOrders) != 1 || page.ReturnOrders[0].ReturnID != returnIDs[0] || page.ReturnOrders[0].ReturnStatus != tiktok.ReturnPending {
		t.Fatalf("search: %+v %v", page, err)
	}
	if err := sc.ApproveReturnRequest(ctx, returnIDs[0], "", tiktok.ApproveReturn{Decision: "MAYBE"}); err == nil {
		t.Fatal("an unknown decision was sent")
	}
	if err := sc.ApproveReturnRequest(ctx, returnIDs[0], "", tiktok.ApproveReturn{Decision: tiktok.DecisionRefund, BuyerKeepItem: true}); err != nil {
		t.Fatal(err)
	}
	if err := sc.RejectReturnRequest(ctx, returnIDs[1], "", tiktok.Reject{RejectReason: "Outside the return window"}); err != nil {
		t.Fatal(err)
	}
	page, err = sc.SearchReturns(ctx, tiktok.ReturnQuery{OrderIDs: ids}, tiktok.Page{SortField: "update_time", SortOrder: "ASC"})
	if err != nil || len(page.ReturnOrders) != 2 {
		t.Fatalf("search: %+v %v", page, err)
	}
	got := map[string]string{}
	for _, r := range page.ReturnOrders {
		got[r.ReturnID] = r.ReturnStatus
	}
	if got[returnIDs[0]] != tiktok.ReturnSuccess || got[returnIDs[1]] != tiktok.ReturnRejected {
		t.Fatalf("return statuses %v", got)
	}
}
