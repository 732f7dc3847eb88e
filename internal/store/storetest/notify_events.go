package storetest

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// NotifyEvents are the events of the notify.event and notify.events jobs enqueued in s, in the
// order of their jobs and, within a notify.events job, of the batch.
func NotifyEvents(t testing.TB, s store.Store) []model.NotifyEvent {
	t.Helper()
	var out []model.NotifyEvent
	for _, j := range ListJobs(t, s) {
		switch j.Kind {
		case model.KindNotifyEvent:
			var ev model.NotifyEvent
			if err := json.Unmarshal(j.EncodedArgs, &ev); err != nil {
				t.Fatal(err)
			}
			out = append(out, ev)
		case model.KindNotifyEvents:
			var b model.NotifyEventBatch
			if err := json.Unmarshal(j.EncodedArgs, &b); err != nil {
				t.Fatal(err)
			}
			out = append(out, b.Events...)
		}
	}
	return out
}

// Subscribe stores an enabled subscription of shopID to events, as the notify service would.
func Subscribe(t testing.TB, s store.Store, shopID string, events ...string) model.WebhookSubscription {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Microsecond)
	sub := model.WebhookSubscription{ID: "whs_" + shopID + "_" + strconv.Itoa(len(events)) + "_" + strconv.FormatInt(now.UnixNano(), 36),
		ShopID: shopID, URL: "https://erp.example.com/hooks", Events: events,
		Secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Enabled: true, CreatedAt: now, UpdatedAt: now}
	if err := s.CreateWebhookSubscription(context.Background(), sub); err != nil {
		t.Fatal(err)
	}
	return sub
}
