package notify

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/smtp"
	"strconv"
	"strings"
	"time"

	"lastmile/internal/model"
)

// Channel sends buyer messages one way: e-mail, a webhook, the marketplace's buyer messages.
type Channel interface {
	// Name names the channel in the message log ("email", "webhook", "marketplace").
	Name() string
	// Recipient is the buyer's address on this channel for the order, "" when the channel
	// cannot reach the buyer (the message is logged as skipped).
	Recipient(o model.Order) string
	// Send sends one message. An error whose Permanent() is true will not succeed on a retry.
	Send(ctx context.Context, m model.BuyerMessage) error
}

// SMTPChannel sends messages as plain-text e-mail through an SMTP server.
type SMTPChannel struct {
	// Addr is the server's host:port.
	Addr string
	// From is the sender's address.
	From string
	// Auth authenticates with the server; nil: none (a local relay).
	Auth smtp.Auth
}

// Name implements Channel.
func (SMTPChannel) Name() string { return "email" }

// Recipient implements Channel: the buyer's e-mail address.
func (SMTPChannel) Recipient(o model.Order) string { return strings.TrimSpace(o.Buyer.Email) }

// Send implements Channel.
func (c SMTPChannel) Send(_ context.Context, m model.BuyerMessage) error {
	if strings.ContainsAny(m.To, "\r\n") || strings.ContainsAny(c.From, "\r\n") {
		return permanent{fmt.Errorf("e-mail address %q: line breaks are not allowed", m.To)}
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s@lastmile>\r\nMIME-Version: 1.0\r\n",
		c.From, m.To, mime.QEncoding.Encode("utf-8", m.Subject), m.ID)
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(m.Body))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	if err := smtp.SendMail(c.Addr, c.Auth, c.From, []string{m.To}, b.Bytes()); err != nil {
		return fmt.Errorf("smtp %s: %w", c.Addr, err)
	}
	return nil
}

// WebhookChannel posts each message as JSON to one URL, signed like the outbound webhooks
// (Standard Webhooks, webhook-id = the message's id), for a seller's own messaging service.
type WebhookChannel struct {
	URL    string
	Secret string
	Client *http.Client
	Now    func() time.Time
}

// Name implements Channel.
func (WebhookChannel) Name() string { return "webhook" }

// Recipient implements Channel: the order's id; the receiver knows its buyers.
func (WebhookChannel) Recipient(o model.Order) string { return o.ID }

// Send implements Channel.
func (c WebhookChannel) Send(ctx context.Context, m model.BuyerMessage) error {
	body, err := json.Marshal(m)
	if err != nil {
		return permanent{err}
	}
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	ts := now().Unix()
	sig, err := Sign(c.Secret, m.ID, ts, body)
	if err != nil {
		return permanent{fmt.Errorf("webhook channel secret: %w", err)}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL, bytes.NewReader(body))
	if err != nil {
		return permanent{err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("webhook-id", m.ID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("webhook-signature", sig)
	client := c.Client
	if client == nil {
		client = &http.Client{Timeout: defaultTimeout}
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("webhook channel: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook channel: HTTP %s", resp.Status)
	}
	return nil
}

// BuyerMessenger is a marketplace's buyer-message API (TikTok Shop's customer service
// messages, when the integration provides it): the slot for a marketplace channel.
type BuyerMessenger interface {
	// SendBuyerMessage sends text to the buyer of the marketplace's order orderNumber of shop.
	SendBuyerMessage(ctx context.Context, shopID, orderNumber, text string) error
}

// MarketplaceChannel sends messages through a marketplace's BuyerMessenger.
type MarketplaceChannel struct{ Messenger BuyerMessenger }

// Name implements Channel.
func (MarketplaceChannel) Name() string { return "marketplace" }

// Recipient implements Channel: the marketplace's order number.
func (MarketplaceChannel) Recipient(o model.Order) string { return o.ExternalID }

// Send implements Channel.
func (c MarketplaceChannel) Send(ctx context.Context, m model.BuyerMessage) error {
	if c.Messenger == nil {
		return permanent{errors.New("no marketplace buyer-message API is connected")}
	}
	return c.Messenger.SendBuyerMessage(ctx, m.ShopID, m.To, m.Subject+"\n\n"+m.Body)
}
