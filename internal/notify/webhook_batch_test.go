package notify_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/notify"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// seqEvent is an event of shop A carrying seqData.
func seqEvent(t *testing.T, typ, order string, n int) model.NotifyEvent {
	t.Helper()
	raw, err := json.Marshal(seqData{Order: order, N: n})
	if err != nil {
		t.Fatal(err)
	}
	return model.NotifyEvent{Type: typ, ShopID: "shop_a", OrderID: order, ID: order, Data: raw}
}

// A batch's events (one notify.events job, as a bulk write enqueues them) are fanned out to
// every subscription that takes them, each event once per subscription, with an id of its own;
// deliveries of one order keep the order of its events across the batch and a later lone
// event, even while the first one is retried; running the batch's job again (a crash after its
// fan-out) adds nothing.
func TestWebhookBatchFanOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, fast(30*time.Millisecond, 30*time.Millisecond, 30*time.Millisecond))
		var failedFirst atomic.Bool
		all := newReceiver(t, func(p notify.Payload, _ int) int {
			var d seqData
			json.Unmarshal(p.Data, &d)
			if d.Order == "ord_a" && d.N == 1 && failedFirst.CompareAndSwap(false, true) {
				return http.StatusServiceUnavailable
			}
			return http.StatusOK
		})
		updates := newReceiver(t, func(notify.Payload, int) int { return http.StatusOK })
		subAll := e.subscribe(all.srv.URL, "*")
		all.secret = func() string { return subAll.Secret }
		subUpd := e.subscribe(updates.srv.URL, model.EventOrderUpdated)
		updates.secret = func() string { return subUpd.Secret }

		batch, err := store.NotifyJobs([]model.NotifyEvent{
			seqEvent(t, model.EventOrderCreated, "ord_a", 1),
			seqEvent(t, model.EventOrderCreated, "ord_b", 1),
			seqEvent(t, model.EventOrderUpdated, "ord_a", 2),
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(batch) != 1 || batch[0].Kind != model.KindNotifyEvents {
			t.Fatalf("jobs %+v, want one %s", batch, model.KindNotifyEvents)
		}
		if err := st.EnqueueJobs(context.Background(), batch...); err != nil {
			t.Fatal(err)
		}
		e.emit(model.EventOrderUpdated, "shop_a", "ord_a", "ord_a", seqData{Order: "ord_a", N: 3})
		e.start()
		waitFor(t, "6 deliveries", func() bool { return len(e.deliveries(model.DeliveryDelivered)) == 6 }, e.dump)

		seq := func(r *receiver) map[string][]int {
			out := map[string][]int{}
			for _, rc := range r.accepted() {
				d := dataOf(t, rc.Payload)
				out[d.Order] = append(out[d.Order], d.N)
			}
			return out
		}
		got := seq(all)
		if !equalInts(got["ord_a"], []int{1, 2, 3}) || !equalInts(got["ord_b"], []int{1}) {
			t.Fatalf("the * endpoint accepted %v, want ord_a [1 2 3] and ord_b [1]", got)
		}
		if got := seq(updates); !equalInts(got["ord_a"], []int{2, 3}) || len(got["ord_b"]) != 0 {
			t.Fatalf("the order.updated endpoint accepted %v, want ord_a [2 3] only", got)
		}
		ids := map[string]bool{}
		for _, rc := range all.accepted() {
			if ids[rc.ID] || rc.ID != rc.Payload.ID {
				t.Fatalf("event id %s repeated or not the body's (%s)", rc.ID, rc.Payload.ID)
			}
			ids[rc.ID] = true
		}

		// The batch's job runs again, as after a crash before its completion was recorded.
		var run func(context.Context, notify.Job) error
		for _, h := range e.svc.Jobs() {
			if h.Kind == notify.KindEvents {
				run = h.Run
			}
		}
		for _, j := range storetest.ListJobs(t, st) {
			if j.Kind == model.KindNotifyEvents {
				if err := run(context.Background(), notify.Job{ID: j.ID, CreatedAt: j.CreatedAt, Args: j.EncodedArgs}); err != nil {
					t.Fatal(err)
				}
			}
		}
		if n := len(e.deliveries()); n != 6 {
			t.Fatalf("%d deliveries after the batch ran again, want 6", n)
		}
	})
}
