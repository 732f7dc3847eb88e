package tiktok

// Buyer messages through TikTok Shop's Customer Service API. Its paths and shapes are those of
// TikTok Shop's public API reference (version 202309), outside the rest of this package's facts:
// a conversation with a buyer is opened (or found) by the buyer's user id, and a message is a
// type and a JSON-encoded content.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// MaxMessagePageSize is the largest page of a conversation's messages.
const MaxMessagePageSize = 20

// MaxMessageText bounds a text message's content.
const MaxMessageText = 2000

// MessageTypeText is a plain text message.
const MessageTypeText = "TEXT"

// Message is one message of a conversation, as the platform lists it.
type Message struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Content string `json:"content"` // JSON: {"content": "…"} for TEXT
	Sender  struct {
		Role string `json:"role"` // BUYER, SHOP, CUSTOMER_SERVICE, SYSTEM
	} `json:"sender"`
	CreateTime int64 `json:"create_time"`
}

// Text is a TEXT message's text ("" for other types).
func (m Message) Text() string {
	if m.Type != MessageTypeText {
		return ""
	}
	var c struct {
		Content string `json:"content"`
	}
	if err := json.Unmarshal([]byte(m.Content), &c); err != nil {
		return ""
	}
	return c.Content
}

// CreateConversation opens the shop's conversation with the buyer buyerUserID, or returns the
// one they have (POST /customer_service/202309/conversations).
func (s *ShopClient) CreateConversation(ctx context.Context, buyerUserID string) (string, error) {
	const op = "create conversation"
	if strings.TrimSpace(buyerUserID) == "" {
		return "", refusal(op, "buyer_user_id", "give the buyer's user id (the order's user_id)")
	}
	var out struct {
		ConversationID string `json:"conversation_id"`
	}
	_, err := s.call(ctx, Request{Op: op, Method: "POST", Path: "/customer_service/202309/conversations",
		Body: map[string]string{"buyer_user_id": buyerUserID}, Repeatable: true}, &out)
	if err == nil && out.ConversationID == "" {
		return "", &Error{Kind: Retry, Op: op, Message: "the answer has no conversation_id"}
	}
	return out.ConversationID, err
}

// ConversationMessages returns the latest messages of a conversation, newest first, at most
// size (1 to MaxMessagePageSize) (GET /customer_service/202309/conversations/{id}/messages).
func (s *ShopClient) ConversationMessages(ctx context.Context, conversationID string, size int) ([]Message, error) {
	const op = "get conversation messages"
	if err := checkConversation(op, conversationID); err != nil {
		return nil, err
	}
	if size < 1 || size > MaxMessagePageSize {
		return nil, refusal(op, "page_size", fmt.Sprintf("%d: want 1 to %d", size, MaxMessagePageSize))
	}
	var out struct {
		Messages []Message `json:"messages"`
	}
	_, err := s.call(ctx, Request{Op: op, Method: "GET", Path: "/customer_service/202309/conversations/" + url.PathEscape(conversationID) + "/messages",
		Query: url.Values{"page_size": {strconv.Itoa(size)}, "sort_order": {"DESC"}}, Repeatable: true}, &out)
	return out.Messages, err
}

// SendText sends text to a conversation and returns the message's id
// (POST /customer_service/202309/conversations/{id}/messages, type TEXT). The platform takes
// no idempotency key: a send that failed without an answer is not repeated here (SendBuyerMessage
// looks before it sends again).
func (s *ShopClient) SendText(ctx context.Context, conversationID, text string) (string, error) {
	const op = "send message"
	if err := checkConversation(op, conversationID); err != nil {
		return "", err
	}
	switch {
	case strings.TrimSpace(text) == "":
		return "", refusal(op, "content", "the message is empty")
	case len([]rune(text)) > MaxMessageText:
		return "", refusal(op, "content", fmt.Sprintf("the message has %d characters: at most %d", len([]rune(text)), MaxMessageText))
	}
	content, err := json.Marshal(map[string]string{"content": text})
	if err != nil {
		return "", refusal(op, "content", err.Error())
	}
	var out struct {
		MessageID string `json:"message_id"`
	}
	_, err = s.call(ctx, Request{Op: op, Method: "POST", Path: "/customer_service/202309/conversations/" + url.PathEscape(conversationID) + "/messages",
		Body: map[string]string{"type": MessageTypeText, "content": string(content)}}, &out)
	return out.MessageID, err
}

func checkConversation(op, id string) error {
	if strings.TrimSpace(id) == "" || strings.ContainsAny(id, "/?#") {
		return refusal(op, "conversation_id", fmt.Sprintf("conversation id %q: want the id CreateConversation gave", id))
	}
	return nil
}

// SendBuyerMessage sends text to the buyer of the shop's order orderID: it reads the order for
// the buyer's user id, opens (or finds) their conversation, and sends the text unless the
// conversation's latest messages from the shop already hold it (a send whose answer was lost,
// sent again by a retry, is not sent twice).
func (s *ShopClient) SendBuyerMessage(ctx context.Context, orderID, text string) error {
	const op = "send buyer message"
	orders, err := s.GetOrders(ctx, []string{orderID})
	if err != nil {
		return err
	}
	if len(orders) == 0 {
		return &Error{Kind: Refuse, Op: op, Field: "order_id", Message: fmt.Sprintf("TikTok Shop has no order %s for this shop", orderID)}
	}
	if orders[0].UserID == "" {
		return &Error{Kind: Refuse, Op: op, Field: "user_id", Message: fmt.Sprintf("order %s names no buyer user id", orderID)}
	}
	conv, err := s.CreateConversation(ctx, orders[0].UserID)
	if err != nil {
		return err
	}
	recent, err := s.ConversationMessages(ctx, conv, MaxMessagePageSize)
	if err != nil {
		return err
	}
	for _, m := range recent {
		if m.Sender.Role != "BUYER" && m.Text() == text {
			return nil // sent before
		}
	}
	_, err = s.SendText(ctx, conv, text)
	return err
}
