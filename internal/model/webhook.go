package model

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// KindNotifyEvent is the job kind of one domain event for the notify package: whatever changed
// enqueues a NotifyEvent job in the transaction of its change, and the notify package fans it
// out to the shops' webhook subscriptions (and buyer messages).
const KindNotifyEvent = "notify.event"

// KindNotifyEvents is the job kind of several domain events of one shop from one transaction
// (NotifyEventBatch): a bulk write enqueues its events as a few jobs rather than one per event.
const KindNotifyEvents = "notify.events"

// Event types a webhook subscription may name; "*" names them all.
const (
	EventOrderCreated      = "order.created"
	EventOrderUpdated      = "order.updated"
	EventShipmentPurchased = "shipment.purchased"
	EventShipmentVoided    = "shipment.voided"
	EventTrackingUpdated   = "tracking.updated"
	EventDeadlineAtRisk    = "deadline.at_risk"
	EventDeadlineBreached  = "deadline.breached"
	EventExceptionOpened   = "exception.opened"
	EventReturnUpdated     = "return.updated"
	EventStockLow          = "stock.low"
	// EventAll subscribes to every event type, present and future.
	EventAll = "*"
)

// EventTypes are the event types lastmile emits, in documentation order.
var EventTypes = []string{EventOrderCreated, EventOrderUpdated, EventShipmentPurchased, EventShipmentVoided,
	EventTrackingUpdated, EventDeadlineAtRisk, EventDeadlineBreached, EventExceptionOpened, EventReturnUpdated, EventStockLow}

// NotifyEvent is a notify.event job's arguments: {"type","shop_id","order_id","id","data"}. ID is
// the id of the thing that changed (a return's, a shipment's, …), OrderID its order's (empty
// when it has none: deliveries of one order are made in order), Data the thing as the API shows
// it.
type NotifyEvent struct {
	Type    string          `json:"type"`
	ShopID  string          `json:"shop_id"`
	OrderID string          `json:"order_id"`
	ID      string          `json:"id"`
	Data    json.RawMessage `json:"data"`
}

// Kind implements store.JobArgs.
func (NotifyEvent) Kind() string { return KindNotifyEvent }

// NotifyEventBatch is a notify.events job's arguments: events of one shop, in the order they
// happened, and the distinct order ids they name (so that a later event of one of those orders
// can find the batch and wait for its fan-out). The events travel packed (PackEvents): a bulk
// write's events are mostly its orders as JSON, and the job engine parses and copies its jobs'
// arguments a few times on the way in, so the packed form, a fraction of the size, is what
// makes a batch's events cheap to enqueue.
type NotifyEventBatch struct {
	ShopID   string   `json:"shop_id"`
	OrderIDs []string `json:"order_ids"`
	// Packed is the events as a gzip-compressed JSON array (base64 in the job's JSON).
	Packed []byte `json:"packed"`
}

// PackEvents sets b.Packed to evs.
func (b *NotifyEventBatch) PackEvents(evs []NotifyEvent) error {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err != nil {
		return err
	}
	if err := json.NewEncoder(zw).Encode(evs); err != nil {
		return fmt.Errorf("pack %d events: %w", len(evs), err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("pack %d events: %w", len(evs), err)
	}
	b.Packed = buf.Bytes()
	return nil
}

// Events unpacks b.Packed.
func (b NotifyEventBatch) Events() ([]NotifyEvent, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b.Packed))
	if err != nil {
		return nil, fmt.Errorf("unpack the events of shop %s: %w", b.ShopID, err)
	}
	defer zr.Close()
	var evs []NotifyEvent
	if err := json.NewDecoder(zr).Decode(&evs); err != nil {
		return nil, fmt.Errorf("unpack the events of shop %s: %w", b.ShopID, err)
	}
	return evs, nil
}

// Kind implements store.JobArgs.
func (NotifyEventBatch) Kind() string { return KindNotifyEvents }

// WebhookSubscription is an ERP's endpoint that receives a shop's events of the types it names.
type WebhookSubscription struct {
	ID     string `json:"id"`
	ShopID string `json:"shop_id"`
	URL    string `json:"url"`
	// Events are event types (EventTypes) or "*".
	Events []string `json:"events"`
	// Secret signs the deliveries ("whsec_" and base64); shown only when created.
	Secret string `json:"secret,omitempty"`
	// Enabled subscriptions receive deliveries; a disabled one keeps its deliveries queued
	// until it is enabled again.
	Enabled bool `json:"enabled"`
	// DisabledReason says why it is disabled: by request, or after a delivery failed for days.
	DisabledReason string     `json:"disabled_reason,omitempty"`
	DisabledAt     *time.Time `json:"disabled_at,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

// Wants reports whether the subscription takes events of type typ.
func (s *WebhookSubscription) Wants(typ string) bool {
	return slices.Contains(s.Events, EventAll) || slices.Contains(s.Events, typ)
}

// WebhookDeliveryStatus is where a delivery stands.
type WebhookDeliveryStatus string

// Delivery statuses.
const (
	// DeliveryQueued waits for an earlier delivery of the same order to the same subscription,
	// or for its disabled subscription to be enabled.
	DeliveryQueued WebhookDeliveryStatus = "queued"
	// DeliveryPending is due, being sent, or waiting for its next retry (NextAttemptAt).
	DeliveryPending WebhookDeliveryStatus = "pending"
	// DeliveryDelivered: the endpoint answered 2xx.
	DeliveryDelivered WebhookDeliveryStatus = "delivered"
	// DeliveryFailed: every attempt of the retry schedule failed (the subscription was disabled).
	DeliveryFailed WebhookDeliveryStatus = "failed"
)

// DeliveryStatuses are the valid statuses.
var DeliveryStatuses = []WebhookDeliveryStatus{DeliveryQueued, DeliveryPending, DeliveryDelivered, DeliveryFailed}

// Valid reports whether s is one of DeliveryStatuses.
func (s WebhookDeliveryStatus) Valid() bool { return slices.Contains(DeliveryStatuses, s) }

// Done reports whether the delivery has finished (delivered or failed).
func (s WebhookDeliveryStatus) Done() bool { return s == DeliveryDelivered || s == DeliveryFailed }

// WebhookDelivery is one event for one subscription, with its attempts so far.
type WebhookDelivery struct {
	ID             string `json:"id"`
	ShopID         string `json:"shop_id"`
	SubscriptionID string `json:"subscription_id"`
	// EventID is the event's id: the body's "id" and the webhook-id header, the same on every
	// attempt and replay, so that a receiver can drop repeats.
	EventID   string `json:"event_id"`
	EventType string `json:"event_type"`
	// OrderID orders deliveries: one waits for the earlier ones of its order (empty: none).
	OrderID  string                `json:"order_id,omitempty"`
	Status   WebhookDeliveryStatus `json:"status"`
	Attempts int                   `json:"attempts"`
	// Body is the JSON sent: {"type","id","created_at","data"}.
	Body          json.RawMessage `json:"body"`
	CreatedAt     time.Time       `json:"created_at"`
	NextAttemptAt *time.Time      `json:"next_attempt_at,omitempty"`
	LastAttemptAt *time.Time      `json:"last_attempt_at,omitempty"`
	// LastStatusCode is the endpoint's last HTTP status, 0 when it did not answer.
	LastStatusCode int        `json:"last_status_code,omitempty"`
	LastError      string     `json:"last_error,omitempty"`
	DeliveredAt    *time.Time `json:"delivered_at,omitempty"`
}
