package app

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"lastmile/internal/marketplace/tiktok"
	tiktoksim "lastmile/internal/marketplace/tiktok/sim"
	"lastmile/internal/model"
	"lastmile/internal/tracker"
)

// TestTikTokCancelRequestRunsTheAnswerClock: R-ORD-4 end to end on the simulated platform. A
// buyer's cancellation request reaches lastmile with the order (one order by the pull, one by
// the webhook's fetch); GET /v1/orders/{id}/deadlines then shows the R-ORD-4 clock running
// from the request to the platform's cancel_order_sla_time; rejecting one request and
// approving the other meets their clocks.
func TestTikTokCancelRequestRunsTheAnswerClock(t *testing.T) {
	eachDB(t, func(t *testing.T, db string) {
		e := newTTEnv(t, db, Options{})
		orders := e.pull(6)
		if len(orders) < 2 {
			t.Skipf("only %d shippable orders pulled", len(orders))
		}
		clock := func(id string) (tracker.DeadlineView, bool) {
			var out struct{ Deadlines []tracker.DeadlineView }
			json.Unmarshal(e.do("GET", "/v1/orders/"+id+"/deadlines", nil, http.StatusOK), &out)
			for _, d := range out.Deadlines {
				if d.Rule == "R-ORD-4" {
					return d, true
				}
			}
			return tracker.DeadlineView{}, false
		}
		byPull, byWebhook := orders[0], orders[1]
		if _, ok := clock(byPull.ID); ok {
			t.Fatal("an R-ORD-4 clock before any cancellation request")
		}
		time.Sleep(1100 * time.Millisecond) // update_time is in whole seconds: the request is a newer version
		cancelOf := map[string]string{}
		for _, o := range []model.Order{byPull, byWebhook} {
			res, err := e.sm.TriggerWebhook(tiktoksim.WebhookRequest{Type: tiktok.WebhookCancellationStatusChange, ShopID: e.gbID, OrderID: o.ExternalID})
			if err != nil {
				t.Fatal(err)
			}
			cancelOf[o.ID] = e.conn.ID + ":" + res.CancelID
		}
		if _, err := e.a.TikTok.Sync(e.ctx, e.conn.ID); err != nil {
			t.Fatal(err)
		}
		// What the CANCELLATION_STATUS_CHANGE webhook's job does.
		if err := e.a.TikTok.FetchOrders(e.ctx, e.gbID, []string{byWebhook.ExternalID}); err != nil {
			t.Fatal(err)
		}
		for _, o := range []model.Order{byPull, byWebhook} {
			var got model.Order
			json.Unmarshal(e.do("GET", "/v1/orders/"+o.ID, nil, http.StatusOK), &got)
			sla, ok := got.Deadlines[tiktok.DeadlineCancelOrder]
			if !ok {
				t.Fatalf("order %s carries no %s", o.ID, tiktok.DeadlineCancelOrder)
			}
			d, ok := clock(o.ID)
			if !ok {
				t.Fatalf("order %s: no R-ORD-4 clock after the buyer's request", o.ID)
			}
			if !d.DueAt.Equal(sla) || d.Source != "platform:cancel_order_sla_time" || d.MetAt != nil || d.State != "pending" {
				t.Fatalf("order %s: R-ORD-4 %+v, want pending, due at the platform's %v", o.ID, d, sla)
			}
			if got := d.DueAt.Sub(d.StartAt); got != 48*time.Hour {
				t.Fatalf("order %s: the clock runs %v from the request, want 48h", o.ID, got)
			}
		}
		// A second pull records nothing twice.
		if _, err := e.a.TikTok.Sync(e.ctx, e.conn.ID); err != nil {
			t.Fatal(err)
		}
		var again model.Order
		json.Unmarshal(e.do("GET", "/v1/orders/"+byPull.ID, nil, http.StatusOK), &again)
		n := 0
		for _, h := range again.History {
			if h.Kind == model.EventCancelRequested {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%d cancel_requested events after two pulls, want 1", n)
		}

		e.do("POST", "/v1/cancellations/"+cancelOf[byPull.ID]+"/reject", map[string]any{"reason": "already packed"}, http.StatusOK)
		e.do("POST", "/v1/cancellations/"+cancelOf[byWebhook.ID]+"/approve", nil, http.StatusOK)
		for _, o := range []model.Order{byPull, byWebhook} {
			d, ok := clock(o.ID)
			if !ok || d.State != "met" || d.MetAt == nil {
				t.Fatalf("order %s: R-ORD-4 %+v (shown %v) after the answer, want met", o.ID, d, ok)
			}
		}
		var cancelled model.Order
		json.Unmarshal(e.do("GET", "/v1/orders/"+byWebhook.ID, nil, http.StatusOK), &cancelled)
		if cancelled.Status != model.StatusCancelled {
			t.Fatalf("the approved order is %s", cancelled.Status)
		}
	})
}
