package tiktok

import (
	"encoding/json"
	"testing"
)

func TestParseWebhook(t *testing.T) {
	t.Parallel()
	w, err := ParseWebhook([]byte(webhookBody))
	if err != nil {
		t.Fatal(err)
	}
	if w.Type != WebhookOrderStatusChange || w.NotificationID != "7380066284010030890" || w.ShopID != "7495540735365777507" || w.Timestamp != 1718305585 {
		t.Fatalf("%+v", w)
	}
	var d OrderStatusChange
	if err := w.DecodeData(&d); err != nil {
		t.Fatal(err)
	}
	if d != (OrderStatusChange{OrderID: "576653688135258178", OrderStatus: "UNPAID", IsOnHoldOrder: true, UpdateTime: 1718305585}) {
		t.Fatalf("%+v", d)
	}
	// A numeric notification id and an unknown type are accepted.
	w, err = ParseWebhook([]byte(`{"type":61,"tts_notification_id":7380066284010030890,"shop_id":"1","timestamp":1,"data":{}}`))
	if err != nil || w.Type != 61 || w.NotificationID != "7380066284010030890" || EventName(61) != "" {
		t.Fatalf("%+v %v", w, err)
	}
	// Deauthorisation may come without a shop.
	if _, err := ParseWebhook([]byte(`{"type":6,"data":{"message":"bye"}}`)); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{``, `[]`, `{"shop_id":"1"}`, `{"type":"1","shop_id":"1"}`, `{"type":1}`, `{"type":1,"shop_id":"1","tts_notification_id":{}}`} {
		if _, err := ParseWebhook([]byte(bad)); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
	for typ := range eventNames {
		if EventType(EventName(typ)) != typ {
			t.Errorf("event type %d does not round-trip", typ)
		}
	}
}

// FuzzParseWebhook: ParseWebhook reads what anyone can post to the webhook endpoint (after
// the signature check, but a signed body is still outside input). Property: it never panics;
// a success has a type, a shop unless the type is seller-wide (6, 7), and data that is
// either absent or valid JSON.
func FuzzParseWebhook(f *testing.F) {
	f.Add([]byte(webhookBody))
	f.Add([]byte(`{"type":4,"tts_notification_id":"1","shop_id":"2","timestamp":3,"data":{"sc_type":"SPLIT","package_list":[{"package_id":"p","order_id_list":["o"]}]}}`))
	f.Add([]byte(`{"type":6,"data":null}`))
	f.Add([]byte(`{"type":1,"shop_id":"1","tts_notification_id":1e99}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		w, err := ParseWebhook(body)
		if err != nil {
			return
		}
		if w.ShopID == "" && w.Type != WebhookSellerDeauthorization && w.Type != WebhookUpcomingAuthorizationEnd {
			t.Fatalf("no shop: %+v", w)
		}
		if len(w.Data) > 0 && !json.Valid(w.Data) {
			t.Fatalf("data %q is not JSON", w.Data)
		}
		var d OrderStatusChange
		_ = w.DecodeData(&d)
	})
}
