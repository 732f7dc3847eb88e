package sim

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"lastmile/internal/marketplace/tiktok"
)

// TestBatchShipPerItemErrors: POST packages/ship answers code 0 and lists the packages it could
// not ship in data.errors[] with their package_id; the others ship. A tracking number with
// illegal characters is no error: the platform drops it silently and the order stays
// AWAITING_SHIPMENT (R-SHIP-4). More than MaxShipBatch packages are refused whole.
func TestBatchShipPerItemErrors(t *testing.T) {
	t.Parallel()
	s, _ := startSim(t, Options{})
	us := DefaultShops()[0].ID
	token := connectShop(t, s, us)
	cipher := shopInfo(t, s, us).Cipher
	ids, err := s.CreateOrders(us, 3)
	if err != nil {
		t.Fatal(err)
	}
	pkg := func(i int) string { return s.orders[ids[i]].pkgs[0].id }
	provider := s.shopByID[us].providers[0].ID
	item := func(id, number string) map[string]any {
		return map[string]any{"id": id, "self_shipment": map[string]any{"shipping_provider_id": provider, "tracking_number": number}}
	}
	body, _ := json.Marshal(map[string]any{"packages": []any{
		item(pkg(0), "9400111000000000000017"),
		item("1100000000000000999", "9400111000000000000024"), // no such package
		item(pkg(1), "9400 1110（0000）31"),                     // R-SHIP-4: dropped silently
		item(pkg(2), "9400111000000000000048"),
	}})
	a := newSigned(s, "POST", "/fulfillment/202309/packages/ship", nil, body, token, cipher).send(t, s)
	if a.Code != 0 {
		t.Fatalf("batch ship: code %d %s, want 0 with per-item errors", a.Code, a.Message)
	}
	var data struct {
		Errors []struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
			Detail  struct {
				PackageID string `json:"package_id"`
			} `json:"detail"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(a.Data, &data); err != nil {
		t.Fatal(err)
	}
	if len(data.Errors) != 1 || data.Errors[0].Detail.PackageID != "1100000000000000999" || data.Errors[0].Code != CodeNotFound || data.Errors[0].Message == "" {
		t.Fatalf("errors %+v, want the unknown package alone", data.Errors)
	}
	want := []string{tiktok.OrderAwaitingCollection, tiktok.OrderAwaitingShipment, tiktok.OrderAwaitingCollection}
	for i, id := range ids {
		if got := s.OrderStatus(id); got != want[i] {
			t.Errorf("order %d: %s, want %s", i, got, want[i])
		}
	}
	if st := s.Stats(); st.TrackingDropped != 1 || st.BatchShipCalls != 1 {
		t.Fatalf("stats: dropped %d, batch calls %d; want 1 and 1", st.TrackingDropped, st.BatchShipCalls)
	}
	// Over the limit: refused whole, nothing shipped.
	var many []string
	for i := 0; i <= MaxShipBatch; i++ {
		many = append(many, fmt.Sprintf(`{"id":"11%017d","self_shipment":{"shipping_provider_id":%q,"tracking_number":"A%d"}}`, i, provider, i))
	}
	big := []byte(`{"packages":[` + strings.Join(many, ",") + `]}`)
	a = newSigned(s, "POST", "/fulfillment/202309/packages/ship", nil, big, token, cipher).send(t, s)
	if a.Code != CodeInvalidParameter || !strings.Contains(a.Message, "at most 50") {
		t.Fatalf("%d packages: code %d %q, want a refusal naming the limit", MaxShipBatch+1, a.Code, a.Message)
	}
}

// TestWebhooksOnlyForSubscribedTypes: with no app callback, a shop gets only the event types it
// subscribed, at the address it subscribed.
func TestWebhooksOnlyForSubscribedTypes(t *testing.T) {
	t.Parallel()
	s, _ := startSim(t, Options{})
	us := DefaultShops()[0].ID
	token := connectShop(t, s, us)
	cipher := shopInfo(t, s, us).Cipher
	ids, err := s.CreateOrders(us, 1)
	if err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.WebhooksQueued != 0 || st.WebhooksNoAddress == 0 {
		t.Fatalf("before any subscription: queued %d, no address %d", st.WebhooksQueued, st.WebhooksNoAddress)
	}
	body := []byte(`{"address":"http://127.0.0.1:1/webhooks/tiktok","event_type":"RECIPIENT_ADDRESS_UPDATE"}`)
	if a := newSigned(s, "PUT", "/event/202309/webhooks", nil, body, token, cipher).send(t, s); a.Code != 0 {
		t.Fatalf("subscribe: %d %s", a.Code, a.Message)
	}
	if _, err := s.TriggerWebhook(WebhookRequest{Type: tiktok.WebhookOrderStatusChange, ShopID: us, OrderID: ids[0]}); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.WebhooksQueued != 0 {
		t.Fatalf("an unsubscribed ORDER_STATUS_CHANGE was sent: %+v", st.WebhooksByType)
	}
	if _, err := s.TriggerWebhook(WebhookRequest{Type: tiktok.WebhookRecipientAddressUpdate, ShopID: us, OrderID: ids[0]}); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.WebhooksQueued != 1 || st.WebhooksByType["3"] != 1 {
		t.Fatalf("the subscribed type: %+v", st.WebhooksByType)
	}
}
