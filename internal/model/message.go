package model

import "time"

// Buyer message kinds (R-MKT-3, R-TRK-7): the moments a buyer is told about.
const (
	MessageShipped        = "shipped"
	MessageDelayed        = "delayed"
	MessageException      = "exception"
	MessageOutForDelivery = "out_for_delivery"
	MessageDelivered      = "delivered"
	MessageReturnReceived = "return_received"
	MessageRefundIssued   = "refund_issued"
)

// MessageKinds lists every kind, in the order of an order's life.
var MessageKinds = []string{MessageShipped, MessageDelayed, MessageException, MessageOutForDelivery, MessageDelivered,
	MessageReturnReceived, MessageRefundIssued}

// MessageLanguages are the languages buyer messages are written in (BCP 47 tags).
var MessageLanguages = []string{"en", "zh-CN", "id", "th", "vi", "ms", "de", "fr"}

// MessageTemplate is a shop's own wording of one kind of message in one language; text/template
// over the message's data (docs/returns.md lists the fields).
type MessageTemplate struct {
	ShopID    string    `json:"shop_id"`
	Kind      string    `json:"kind"`
	Language  string    `json:"language"`
	Subject   string    `json:"subject"`
	Body      string    `json:"body"`
	UpdatedAt time.Time `json:"updated_at"`
	// Default marks lastmile's built-in wording (in a listing; never stored).
	Default bool `json:"default,omitempty"`
}

// BuyerMessageStatus is where a buyer message stands.
type BuyerMessageStatus string

// Buyer message statuses.
const (
	// BuyerMessageScheduled waits for its time (quiet hours) or is being sent.
	BuyerMessageScheduled BuyerMessageStatus = "scheduled"
	BuyerMessageSent      BuyerMessageStatus = "sent"
	// BuyerMessageFailed: the channel refused it for good, or every retry failed.
	BuyerMessageFailed BuyerMessageStatus = "failed"
	// BuyerMessageSkipped: the channel cannot reach this buyer (no e-mail address, …).
	BuyerMessageSkipped BuyerMessageStatus = "skipped"
)

// BuyerMessage is one message to one buyer through one channel, sent at most once per event
// and channel.
type BuyerMessage struct {
	ID          string             `json:"id"`
	ShopID      string             `json:"shop_id"`
	OrderID     string             `json:"order_id"`
	EventID     string             `json:"event_id"`
	Kind        string             `json:"kind"`
	Channel     string             `json:"channel"`
	Language    string             `json:"language"`
	To          string             `json:"to"`
	Subject     string             `json:"subject"`
	Body        string             `json:"body"`
	Status      BuyerMessageStatus `json:"status"`
	ScheduledAt time.Time          `json:"scheduled_at"`
	SentAt      *time.Time         `json:"sent_at,omitempty"`
	Error       string             `json:"error,omitempty"`
	CreatedAt   time.Time          `json:"created_at"`
}
