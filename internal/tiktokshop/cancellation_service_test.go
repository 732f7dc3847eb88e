package tiktokshop

import (
	"context"
	"errors"
	"testing"
	"time"

	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/marketplace/tiktok/sim"
	"lastmile/internal/model"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

func TestCancellationRequestsListedWithDeadlineApprovedAndRejected(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, sim.Options{})
		ctx := context.Background()
		c := e.connect("shop_us", "")
		ids, _ := e.sim.CreateOrders(simUS, 2)
		var cancelIDs []string
		for _, id := range ids {
			res, err := e.sim.TriggerWebhook(sim.WebhookRequest{Type: tiktok.WebhookCancellationStatusChange, ShopID: simUS, OrderID: id})
			if err != nil {
				t.Fatal(err)
			}
			cancelIDs = append(cancelIDs, res.CancelID)
		}
		e.clock.Advance(time.Minute)
		if _, err := e.svc.Sync(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		list, err := e.svc.Cancellations(ctx, model.Scope{ShopIDs: []string{"shop_us"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 {
			t.Fatalf("%d pending cancellation requests, want 2", len(list))
		}
		want := e.clock.Now().Add(-time.Minute).Add(DefaultCancelAnswerWithin)
		for _, cn := range list {
			if cn.OrderID == "" || !cn.Deadline.Equal(want) || cn.Overdue {
				t.Fatalf("cancellation %+v: want lastmile's order and the 48 h deadline %v", cn, want)
			}
		}
		if other, _ := e.svc.Cancellations(ctx, model.Scope{ShopIDs: []string{"shop_gb"}}); len(other) != 0 {
			t.Fatalf("shop_gb sees shop_us's requests: %+v", other)
		}
		byCancel := map[string]Cancellation{}
		for _, cn := range list {
			byCancel[cn.CancelID] = cn
		}
		first, second := byCancel[cancelIDs[0]], byCancel[cancelIDs[1]]
		if _, err := e.svc.ApproveCancellation(ctx, model.Scope{ShopIDs: []string{"shop_gb"}}, first.ID); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("approve from another shop: %v, want ErrNotFound", err)
		}
		got, err := e.svc.ApproveCancellation(ctx, allShops, first.ID)
		if err != nil || got.Status != tiktok.CancellationSuccess {
			t.Fatalf("approve: %+v, %v", got, err)
		}
		if s := e.sim.OrderStatus(ids[0]); s != tiktok.OrderCancelled {
			t.Fatalf("the platform's order is %s after the approval", s)
		}
		o, _ := st.GetOrder(ctx, []string{"shop_us"}, first.OrderID)
		if o.Status != model.StatusCancelled {
			t.Fatalf("lastmile's order is %s after the approval, want CANCELLED (its stock released by the settler)", o.Status)
		}
		if _, err := e.svc.ApproveCancellation(ctx, allShops, first.ID); err != nil {
			t.Fatalf("approving again: %v", err)
		}
		var ve *model.ValidationError
		if _, err := e.svc.RejectCancellation(ctx, allShops, second.ID, " "); !errors.As(err, &ve) {
			t.Fatalf("reject without a reason: %v", err)
		}
		got, err = e.svc.RejectCancellation(ctx, allShops, second.ID, "already handed to the carrier")
		if err != nil || got.Status != tiktok.CancellationCancel {
			t.Fatalf("reject: %+v, %v", got, err)
		}
		if s := e.sim.OrderStatus(ids[1]); s == tiktok.OrderCancelled {
			t.Fatal("a rejected request cancelled the order")
		}
		if left, _ := e.svc.Cancellations(ctx, allShops); len(left) != 0 {
			t.Fatalf("%d requests still pending", len(left))
		}
	})
}
