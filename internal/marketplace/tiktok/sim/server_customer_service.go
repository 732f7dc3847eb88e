package sim

// The Customer Service API's buyer conversations, as TikTok Shop's public API reference (version
// 202309) shapes them: a shop opens (or finds) its conversation with a buyer of one of its
// orders, sends TEXT messages and lists them, newest first. The sim records every message;
// GET /sim/messages shows them, for tests and the demo.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"lastmile/internal/marketplace/tiktok"
)

// SimMessage is a message a shop sent, as GET /sim/messages lists it.
type SimMessage struct {
	ID             string `json:"id"`
	ShopID         string `json:"shop_id"`
	ConversationID string `json:"conversation_id"`
	BuyerUserID    string `json:"buyer_user_id"`
	Text           string `json:"text"`
	CreateTime     int64  `json:"create_time"`
}

// conversations are the shops' buyer conversations; the handlers run with s.mu held.
type conversations struct {
	byKey map[string]string       // shop id + buyer user id → conversation id
	buyer map[string]string       // conversation id → buyer user id
	shop  map[string]string       // conversation id → shop id
	msgs  map[string][]SimMessage // conversation id → messages, oldest first
	all   []SimMessage
}

// customerServiceRoutes registers the Customer Service API and GET /sim/messages.
func (s *Sim) customerServiceRoutes(mux *http.ServeMux, api func(pattern string, scoped bool, h handler)) {
	cs := &conversations{byKey: map[string]string{}, buyer: map[string]string{}, shop: map[string]string{}, msgs: map[string][]SimMessage{}}
	api("POST /customer_service/202309/conversations", true, func(c *call) (any, *apiErr) {
		var b struct {
			BuyerUserID string `json:"buyer_user_id"`
		}
		if e := c.decode(&b); e != nil {
			return nil, e
		}
		if strings.TrimSpace(b.BuyerUserID) == "" {
			return nil, errParam("buyer_user_id is required: the user_id of one of the shop's orders")
		}
		known := false
		for _, o := range c.shop.byCreate {
			if o.w.UserID == b.BuyerUserID {
				known = true
				break
			}
		}
		if !known {
			return nil, errNotFound("no buyer %s among the shop's orders", b.BuyerUserID)
		}
		key := c.shop.ID + "\x00" + b.BuyerUserID
		id, ok := cs.byKey[key]
		if !ok {
			id = stableID("conversation/"+key, 19)
			cs.byKey[key], cs.buyer[id], cs.shop[id] = id, b.BuyerUserID, c.shop.ID
		}
		return map[string]string{"conversation_id": id}, nil
	})
	conversation := func(c *call) (string, *apiErr) {
		id := c.r.PathValue("id")
		if cs.shop[id] != c.shop.ID {
			return "", errNotFound("no conversation %s in this shop", id)
		}
		return id, nil
	}
	api("GET /customer_service/202309/conversations/{id}/messages", true, func(c *call) (any, *apiErr) {
		id, e := conversation(c)
		if e != nil {
			return nil, e
		}
		size := tiktok.MaxMessagePageSize
		if v := c.q.Get("page_size"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > tiktok.MaxMessagePageSize {
				return nil, errParam("page_size %q: want 1 to %d", v, tiktok.MaxMessagePageSize)
			}
			size = n
		}
		list := slices.Clone(cs.msgs[id])
		slices.Reverse(list) // newest first
		list = list[:min(size, len(list))]
		out := make([]map[string]any, len(list))
		for i, m := range list {
			content, _ := json.Marshal(map[string]string{"content": m.Text})
			out[i] = map[string]any{"id": m.ID, "type": tiktok.MessageTypeText, "content": string(content),
				"sender": map[string]string{"role": "SHOP"}, "create_time": m.CreateTime}
		}
		return map[string]any{"messages": out}, nil
	})
	api("POST /customer_service/202309/conversations/{id}/messages", true, func(c *call) (any, *apiErr) {
		id, e := conversation(c)
		if e != nil {
			return nil, e
		}
		var b struct {
			Type    string `json:"type"`
			Content string `json:"content"`
		}
		if e := c.decode(&b); e != nil {
			return nil, e
		}
		if b.Type != tiktok.MessageTypeText {
			return nil, errParam("type %q: the sim takes TEXT messages", b.Type)
		}
		var content struct {
			Content string `json:"content"`
		}
		if err := json.Unmarshal([]byte(b.Content), &content); err != nil || strings.TrimSpace(content.Content) == "" {
			return nil, errParam(`content: want a JSON string {"content": "the text"}`)
		}
		if n := len([]rune(content.Content)); n > tiktok.MaxMessageText {
			return nil, errParam("content has %d characters: at most %d", n, tiktok.MaxMessageText)
		}
		m := SimMessage{ID: fmt.Sprintf("%s-%d", id, len(cs.msgs[id])+1), ShopID: c.shop.ID, ConversationID: id,
			BuyerUserID: cs.buyer[id], Text: content.Content, CreateTime: c.now.Unix()}
		cs.msgs[id] = append(cs.msgs[id], m)
		cs.all = append(cs.all, m)
		return map[string]string{"message_id": m.ID}, nil
	})
	mux.HandleFunc("GET /sim/messages", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		list := slices.Clone(cs.all)
		s.mu.Unlock()
		if list == nil {
			list = []SimMessage{}
		}
		writeSimJSON(w, http.StatusOK, map[string]any{"messages": list})
	})
}
