package notify

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"lastmile/internal/model"
)

// Which events call for which buyer message.
func TestMessageKind(t *testing.T) {
	cases := []struct {
		typ    string
		status string
		kind   string
		once   bool
	}{
		{model.EventDeadlineBreached, "R-SLA-2", model.MessageDelayed, false},
		{model.EventDeadlineAtRisk, "R-ORD-3", "", false}, // confirming is the seller's business
		{model.EventTrackingUpdated, "in_transit", model.MessageShipped, true},
		{model.EventTrackingUpdated, "OUT_FOR_DELIVERY", model.MessageOutForDelivery, true},
		{model.EventTrackingUpdated, "delivered", model.MessageDelivered, true},
		{model.EventTrackingUpdated, "info_received", "", false},
		{model.EventDeadlineAtRisk, "", model.MessageDelayed, false},
		{model.EventDeadlineBreached, "", model.MessageDelayed, false},
		{model.EventExceptionOpened, "lost", model.MessageException, false},
		{model.EventReturnUpdated, string(model.ReturnCompleted), model.MessageReturnReceived, true},
		{model.EventReturnUpdated, string(model.ReturnRefunded), model.MessageRefundIssued, true},
		{model.EventReturnUpdated, string(model.ReturnPending), "", false},
		{model.EventShipmentPurchased, "label_purchased", "", false},
		{model.EventStockLow, "", "", false},
	}
	for _, c := range cases {
		f := eventFields{Status: c.status}
		if strings.HasPrefix(c.status, "R-") {
			f = eventFields{Rule: c.status}
		}
		kind, once := messageKind(c.typ, f)
		if kind != c.kind || once != c.once {
			t.Errorf("%s %q: %q once=%v, want %q once=%v", c.typ, c.status, kind, once, c.kind, c.once)
		}
	}
}

// The webhook channel posts the message as JSON, signed with its secret.
func TestWebhookChannel(t *testing.T) {
	secret := NewSecret()
	var got model.BuyerMessage
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ts, _ := strconv.ParseInt(r.Header.Get("webhook-timestamp"), 10, 64)
		want, _ := Sign(secret, r.Header.Get("webhook-id"), ts, body)
		if r.Header.Get("webhook-signature") != want {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		json.Unmarshal(body, &got)
	}))
	defer srv.Close()
	m := model.BuyerMessage{ID: "msg_1", OrderID: "ord_1", Kind: model.MessageDelayed, Subject: "late", Body: "sorry"}
	ch := WebhookChannel{URL: srv.URL, Secret: secret, Now: func() time.Time { return time.Unix(1764765600, 0) }}
	if err := ch.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if got.ID != "msg_1" || got.Body != "sorry" {
		t.Fatalf("received %+v", got)
	}
	if err := (WebhookChannel{URL: srv.URL, Secret: NewSecret(), Now: ch.Now}).Send(context.Background(), m); err == nil {
		t.Fatal("a wrongly signed message was taken")
	}
}
