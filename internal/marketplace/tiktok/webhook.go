package tiktok

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
)

// Webhook types. The numbering is sparse (no 8 to 10) and grows: acknowledge and log a type
// you do not know, never refuse it.
const (
	WebhookOrderStatusChange          = 1
	WebhookReverseStatusUpdate        = 2 // legacy
	WebhookRecipientAddressUpdate     = 3
	WebhookPackageUpdate              = 4
	WebhookProductStatusChange        = 5
	WebhookSellerDeauthorization      = 6
	WebhookUpcomingAuthorizationEnd   = 7
	WebhookCancellationStatusChange   = 11
	WebhookReturnStatusChange         = 12
	maxWebhookBody                    = 1 << 20
	webhookEventOrderStatusChangeName = "ORDER_STATUS_CHANGE"
)

// eventNames are the subscription names of the webhook types.
var eventNames = map[int]string{
	WebhookOrderStatusChange:        webhookEventOrderStatusChangeName,
	WebhookReverseStatusUpdate:      "REVERSE_STATUS_UPDATE",
	WebhookRecipientAddressUpdate:   "RECIPIENT_ADDRESS_UPDATE",
	WebhookPackageUpdate:            "PACKAGE_UPDATE",
	WebhookProductStatusChange:      "PRODUCT_STATUS_CHANGE",
	WebhookSellerDeauthorization:    "SELLER_DEAUTHORIZATION",
	WebhookUpcomingAuthorizationEnd: "UPCOMING_AUTHORIZATION_EXPIRATION",
	WebhookCancellationStatusChange: "CANCELLATION_STATUS_CHANGE",
	WebhookReturnStatusChange:       "RETURN_STATUS_CHANGE",
}

// EventName is the subscription name of webhook type t ("ORDER_STATUS_CHANGE"), "" for a type
// lastmile does not know.
func EventName(t int) string { return eventNames[t] }

// EventNames lists the subscription names of every webhook type the client knows, by type.
func EventNames() []string {
	types := make([]int, 0, len(eventNames))
	for t := range eventNames {
		types = append(types, t)
	}
	slices.Sort(types)
	out := make([]string, len(types))
	for i, t := range types {
		out[i] = eventNames[t]
	}
	return out
}

// EventType is the webhook type of a subscription name, 0 when unknown.
func EventType(name string) int {
	for t, n := range eventNames {
		if n == name {
			return t
		}
	}
	return 0
}

// Webhook is the envelope of every webhook the platform sends.
type Webhook struct {
	Type           int             `json:"type"`
	NotificationID string          `json:"tts_notification_id"`
	ShopID         string          `json:"shop_id"`
	Timestamp      int64           `json:"timestamp"`
	Data           json.RawMessage `json:"data"`
}

// ParseWebhook reads a webhook body (verify its signature first: VerifyWebhook). It refuses
// what is not a JSON object with a type and a shop_id; the data is read by the typed accessors.
// A notification id written as a number is accepted.
func ParseWebhook(body []byte) (Webhook, error) {
	if len(body) > maxWebhookBody {
		return Webhook{}, fmt.Errorf("webhook: the body is larger than %d bytes", maxWebhookBody)
	}
	var raw struct {
		Type           *int            `json:"type"`
		NotificationID json.RawMessage `json:"tts_notification_id"`
		ShopID         string          `json:"shop_id"`
		Timestamp      int64           `json:"timestamp"`
		Data           json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return Webhook{}, fmt.Errorf("webhook: not the platform's JSON envelope: %w", err)
	}
	if raw.Type == nil {
		return Webhook{}, fmt.Errorf("webhook: no type")
	}
	w := Webhook{Type: *raw.Type, ShopID: raw.ShopID, Timestamp: raw.Timestamp, Data: raw.Data}
	if len(raw.NotificationID) > 0 && string(raw.NotificationID) != "null" {
		var s string
		if err := json.Unmarshal(raw.NotificationID, &s); err != nil {
			var n json.Number
			if err := json.Unmarshal(raw.NotificationID, &n); err != nil {
				return Webhook{}, fmt.Errorf("webhook: tts_notification_id %s: want a string", raw.NotificationID)
			}
			s = n.String()
		}
		w.NotificationID = s
	}
	if w.ShopID == "" && w.Type != WebhookSellerDeauthorization && w.Type != WebhookUpcomingAuthorizationEnd {
		return Webhook{}, fmt.Errorf("webhook type %d: no shop_id", w.Type)
	}
	return w, nil
}

// OrderStatusChange is the data of type 1. OrderStatus spells a cancellation CANCEL (MapStatus
// reads it).
type OrderStatusChange struct {
	OrderID       string `json:"order_id"`
	OrderStatus   string `json:"order_status"`
	IsOnHoldOrder bool   `json:"is_on_hold_order"`
	UpdateTime    int64  `json:"update_time"`
}

// AddressUpdate is the data of type 3.
type AddressUpdate struct {
	OrderID    string `json:"order_id"`
	UpdateTime int64  `json:"update_time"`
}

// PackageUpdate is the data of type 4: packages split or combined.
type PackageUpdate struct {
	SCType      string `json:"sc_type"`
	PackageList []struct {
		PackageID   string   `json:"package_id"`
		OrderIDList []string `json:"order_id_list"`
	} `json:"package_list"`
	UpdateTime int64 `json:"update_time"`
}

// Deauthorization is the data of type 6: the seller revoked the app; the shop is disconnected.
type Deauthorization struct {
	Message string `json:"message"`
}

// AuthorizationExpiring is the data of type 7, sent 30 days before the authorisation ends
// (R-API-2).
type AuthorizationExpiring struct {
	Message        string `json:"message"`
	ExpirationTime int64  `json:"expiration_time"`
}

// CancellationChange is the data of type 11.
type CancellationChange struct {
	OrderID      string `json:"order_id"`
	CancelID     string `json:"cancel_id"`
	CancelStatus string `json:"cancel_status"`
	CancelRole   string `json:"cancellations_role"`
	UpdateTime   int64  `json:"update_time"`
}

// ReturnChange is the data of type 12.
type ReturnChange struct {
	OrderID      string `json:"order_id"`
	ReturnID     string `json:"return_id"`
	ReturnType   string `json:"return_type"`
	ReturnStatus string `json:"return_status"`
	ReturnRole   string `json:"return_role"`
	UpdateTime   int64  `json:"update_time"`
}

// DecodeData reads the webhook's data into v (one of the types above).
func (w Webhook) DecodeData(v any) error {
	if len(w.Data) == 0 {
		return fmt.Errorf("webhook type %d: no data", w.Type)
	}
	if err := json.Unmarshal(w.Data, v); err != nil {
		return fmt.Errorf("webhook type %d: data: %w", w.Type, err)
	}
	return nil
}

// Subscription is a webhook address for one event type.
type Subscription struct {
	Address   string `json:"address"`
	EventType string `json:"event_type"`
}

// Subscribe points the shop's webhooks of eventType ("ORDER_STATUS_CHANGE", see EventName) at
// address (PUT /event/202309/webhooks).
func (s *ShopClient) Subscribe(ctx context.Context, eventType, address string) error {
	const op = "subscribe webhook"
	if EventType(eventType) == 0 {
		return refusal(op, "event_type", "unknown event type "+strconv.Quote(eventType)+"; see EventName")
	}
	if address == "" {
		return refusal(op, "address", "the webhook address is required: lastmile's POST /webhooks/tiktok URL")
	}
	_, err := s.call(ctx, Request{Op: op, Method: "PUT", Path: "/event/202309/webhooks", Body: Subscription{Address: address, EventType: eventType}, Repeatable: true}, nil)
	return err
}

// Subscriptions lists the shop's webhook addresses (GET /event/202309/webhooks).
func (s *ShopClient) Subscriptions(ctx context.Context) ([]Subscription, error) {
	var out struct {
		Webhooks []Subscription `json:"webhooks"`
	}
	_, err := s.call(ctx, Request{Op: "list webhooks", Method: "GET", Path: "/event/202309/webhooks", Repeatable: true}, &out)
	return out.Webhooks, err
}
