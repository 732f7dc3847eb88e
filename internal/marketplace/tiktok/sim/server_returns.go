package sim

import (
	"cmp"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"time"

	"lastmile/internal/marketplace/tiktok"
)

// cancelAnswerWithin is how long a seller has to answer a buyer's cancellation request
// (R-ORD-4), written on the order as cancel_order_sla_time.
const cancelAnswerWithin = 48 * time.Hour

// stringList reads a JSON string or array of strings.
type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		if one != "" {
			*l = stringList{one}
		}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*l = many
	return nil
}

func (l stringList) allows(v string) bool { return len(l) == 0 || slices.Contains(l, v) }

// searchFilter is what cancellations/search and returns/search share.
type searchFilter struct {
	CancelIDs    stringList `json:"cancel_ids"`
	ReturnIDs    stringList `json:"return_ids"`
	OrderIDs     stringList `json:"order_ids"`
	CancelStatus stringList `json:"cancel_status"`
	ReturnStatus stringList `json:"return_status"`
	ReturnTypes  stringList `json:"return_types"`
	CreateTimeGE int64      `json:"create_time_ge"`
	CreateTimeLT int64      `json:"create_time_lt"`
	UpdateTimeGE int64      `json:"update_time_ge"`
	UpdateTimeLT int64      `json:"update_time_lt"`
}

func (f searchFilter) times(create, update int64) bool {
	in := func(v, ge, lt int64) bool { return (ge <= 0 || v >= ge) && (lt <= 0 || v < lt) }
	return in(create, f.CreateTimeGE, f.CreateTimeLT) && in(update, f.UpdateTimeGE, f.UpdateTimeLT)
}

// keyedItem is a search result with its sort key.
type keyedItem struct {
	key int64
	id  string
	v   any
}

// page sorts items, applies the page token and size, and returns the page and the next token.
func page(items []keyedItem, size int, token string, desc bool) ([]any, string, *apiErr) {
	slices.SortFunc(items, func(a, b keyedItem) int {
		if c := cmp.Compare(a.key, b.key); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	if desc {
		slices.Reverse(items)
	}
	start := 0
	if token != "" {
		k, id, ok := parsePageToken(token)
		if !ok {
			return nil, "", errParam("page_token %q is not one this API gave", token)
		}
		start = len(items)
		for i, it := range items {
			after := it.key > k || (it.key == k && it.id > id)
			if desc {
				after = it.key < k || (it.key == k && it.id < id)
			}
			if after {
				start = i
				break
			}
		}
	}
	end := min(len(items), start+size)
	out := make([]any, 0, end-start)
	for _, it := range items[start:end] {
		out = append(out, it.v)
	}
	next := ""
	if end < len(items) && end > start {
		next = pageToken(items[end-1].key, items[end-1].id)
	}
	return out, next, nil
}

type wireCancellation struct {
	CancelID     string `json:"cancel_id"`
	OrderID      string `json:"order_id"`
	CancelStatus string `json:"cancel_status"`
	CancelReason string `json:"cancel_reason"`
	CancelType   string `json:"cancel_type"`
	Role         string `json:"role"`
	CreateTime   int64  `json:"create_time"`
	UpdateTime   int64  `json:"update_time"`
}

func (c *cancellation) wire() wireCancellation {
	return wireCancellation{CancelID: c.id, OrderID: c.orderID, CancelStatus: c.status, CancelReason: c.reason,
		CancelType: "BUYER_CANCEL", Role: c.role, CreateTime: c.create, UpdateTime: c.update}
}

// handleCancellationSearch is POST /return_refund/202309/cancellations/search.
func (s *Sim) handleCancellationSearch(c *call) (any, *apiErr) {
	size, token, field, desc, e := c.pageParams(tiktok.MaxReturnPageSize, "create_time", "update_time")
	if e != nil {
		return nil, e
	}
	var f searchFilter
	if e := c.decode(&f); e != nil {
		return nil, e
	}
	var items []keyedItem
	for _, id := range c.shop.cancels {
		cn := s.cancels[id]
		if f.CancelIDs.allows(cn.id) && f.OrderIDs.allows(cn.orderID) && f.CancelStatus.allows(cn.status) && f.times(cn.create, cn.update) {
			k := cn.create
			if field == "update_time" {
				k = cn.update
			}
			items = append(items, keyedItem{k, cn.id, cn.wire()})
		}
	}
	list, next, e := page(items, size, token, desc)
	if e != nil {
		return nil, e
	}
	return map[string]any{"cancellations": list, "next_page_token": next, "total_count": len(items)}, nil
}

// idempotent runs do once per (shop, call, idempotency_key): a repeat of a key answers the
// same success without doing it again. Every write of return_refund carries the key.
func (s *Sim) idempotent(c *call, do func() *apiErr) *apiErr {
	key := c.q.Get("idempotency_key")
	if key == "" {
		return errParam("idempotency_key is required on this write: the same on every retry of one decision")
	}
	k := c.shop.ID + "\x00" + c.r.URL.Path + "\x00" + key
	if _, done := s.idem[k]; done {
		return nil
	}
	if e := do(); e != nil {
		return e
	}
	s.idem[k] = c.r.URL.Path
	return nil
}

func (s *Sim) cancellationOf(c *call) (*cancellation, *apiErr) {
	id := c.r.PathValue("id")
	cn := s.cancels[id]
	if cn == nil || cn.shop != c.shop {
		return nil, errNotFound("no cancellation request %q in this shop", id)
	}
	return cn, nil
}

// handleCancellationApprove is POST /return_refund/202309/cancellations/{id}/approve: the
// order is cancelled.
func (s *Sim) handleCancellationApprove(c *call) (any, *apiErr) {
	return nil, s.idempotent(c, func() *apiErr {
		cn, e := s.cancellationOf(c)
		if e != nil {
			return e
		}
		if cn.status != tiktok.CancellationPending {
			return errConflict("cancellation %s is %s, no longer pending", cn.id, cn.status)
		}
		cn.status, cn.update = tiktok.CancellationSuccess, c.now.Unix()
		s.stats.CancellationsAnswered++
		if o := s.orders[cn.orderID]; o != nil && o.w.Status != tiktok.OrderCancelled {
			s.cancel(o, "Cancelled at the buyer's request", c.now)
		}
		s.emitCancellation(cn, c.now, false)
		return nil
	})
}

// handleCancellationReject is POST /return_refund/202309/cancellations/{id}/reject.
func (s *Sim) handleCancellationReject(c *call) (any, *apiErr) {
	var b struct {
		RejectReason string `json:"reject_reason"`
	}
	if e := c.decode(&b); e != nil {
		return nil, e
	}
	if strings.TrimSpace(b.RejectReason) == "" {
		return nil, errParam("reject_reason is required")
	}
	return nil, s.idempotent(c, func() *apiErr {
		cn, e := s.cancellationOf(c)
		if e != nil {
			return e
		}
		if cn.status != tiktok.CancellationPending {
			return errConflict("cancellation %s is %s, no longer pending", cn.id, cn.status)
		}
		cn.status, cn.update = tiktok.CancellationCancel, c.now.Unix()
		s.stats.CancellationsAnswered++
		s.emitCancellation(cn, c.now, false)
		return nil
	})
}

func (s *Sim) emitCancellation(cn *cancellation, now time.Time, reliable bool) string {
	return s.emitWith(cn.shop, tiktok.WebhookCancellationStatusChange, map[string]any{
		"order_id": cn.orderID, "cancel_id": cn.id, "cancel_status": cn.status, "cancellations_role": cn.role, "update_time": now.Unix(),
	}, now, reliable)
}

type wireReturn struct {
	ReturnID     string `json:"return_id"`
	OrderID      string `json:"order_id"`
	ReturnStatus string `json:"return_status"`
	ReturnType   string `json:"return_type"`
	ReturnReason string `json:"return_reason"`
	Role         string `json:"role"`
	CreateTime   int64  `json:"create_time"`
	UpdateTime   int64  `json:"update_time"`
}

func (r *returnReq) wire() wireReturn {
	return wireReturn{ReturnID: r.id, OrderID: r.orderID, ReturnStatus: r.status, ReturnType: r.returnType, ReturnReason: r.reason,
		Role: r.role, CreateTime: r.create, UpdateTime: r.update}
}

// handleReturnSearch is POST /return_refund/202309/returns/search.
func (s *Sim) handleReturnSearch(c *call) (any, *apiErr) {
	size, token, field, desc, e := c.pageParams(tiktok.MaxReturnPageSize, "create_time", "update_time")
	if e != nil {
		return nil, e
	}
	var f searchFilter
	if e := c.decode(&f); e != nil {
		return nil, e
	}
	var items []keyedItem
	for _, id := range c.shop.returns {
		r := s.returns[id]
		if f.ReturnIDs.allows(r.id) && f.OrderIDs.allows(r.orderID) && f.ReturnStatus.allows(r.status) && f.ReturnTypes.allows(r.returnType) && f.times(r.create, r.update) {
			k := r.create
			if field == "update_time" {
				k = r.update
			}
			items = append(items, keyedItem{k, r.id, r.wire()})
		}
	}
	list, next, e := page(items, size, token, desc)
	if e != nil {
		return nil, e
	}
	return map[string]any{"return_orders": list, "next_page_token": next, "total_count": len(items)}, nil
}

func (s *Sim) returnOf(c *call) (*returnReq, *apiErr) {
	id := c.r.PathValue("id")
	r := s.returns[id]
	if r == nil || r.shop != c.shop {
		return nil, errNotFound("no return request %q in this shop", id)
	}
	return r, nil
}

// handleReturnApprove is POST /return_refund/202309/returns/{id}/approve.
func (s *Sim) handleReturnApprove(c *call) (any, *apiErr) {
	var b struct {
		Decision      string `json:"decision"`
		BuyerKeepItem bool   `json:"buyer_keep_item"`
	}
	if e := c.decode(&b); e != nil {
		return nil, e
	}
	var next string
	switch {
	case b.Decision == tiktok.DecisionRefund || b.Decision == tiktok.DecisionPartialRefund || b.BuyerKeepItem:
		next = tiktok.ReturnSuccess // R-RET-2: refund without return
	case b.Decision == tiktok.DecisionReturn || b.Decision == tiktok.DecisionReplacement:
		next = tiktok.ReturnAwaitingBuyer
	case b.Decision == tiktok.DecisionReceived:
		next = tiktok.ReturnComplete
	default:
		return nil, errParam("decision %q: want APPROVE_REFUND, APPROVE_RETURN, APPROVE_RECEIVED_PACKAGE, APPROVE_REPLACEMENT or OFFER_PARTIAL_REFUND", b.Decision)
	}
	return nil, s.idempotent(c, func() *apiErr {
		r, e := s.returnOf(c)
		if e != nil {
			return e
		}
		switch {
		case b.Decision == tiktok.DecisionReceived && r.status != tiktok.ReturnBuyerShipped && r.status != tiktok.ReturnAwaitingBuyer:
			return errConflict("return %s is %s: approve the received package only after the buyer shipped it", r.id, r.status)
		case b.Decision != tiktok.DecisionReceived && r.status != tiktok.ReturnPending:
			return errConflict("return %s is %s, no longer pending", r.id, r.status)
		}
		r.status, r.update = next, c.now.Unix()
		s.stats.ReturnsAnswered++
		s.emitReturn(r, c.now, false)
		return nil
	})
}

// handleReturnReject is POST /return_refund/202309/returns/{id}/reject.
func (s *Sim) handleReturnReject(c *call) (any, *apiErr) {
	var b struct {
		RejectReason string `json:"reject_reason"`
	}
	if e := c.decode(&b); e != nil {
		return nil, e
	}
	if strings.TrimSpace(b.RejectReason) == "" {
		return nil, errParam("reject_reason is required")
	}
	return nil, s.idempotent(c, func() *apiErr {
		r, e := s.returnOf(c)
		if e != nil {
			return e
		}
		switch r.status {
		case tiktok.ReturnPending:
			r.status = tiktok.ReturnRejected
		case tiktok.ReturnBuyerShipped:
			r.status = tiktok.ReturnRejectReceive
		default:
			return errConflict("return %s is %s: nothing to reject", r.id, r.status)
		}
		r.update = c.now.Unix()
		s.stats.ReturnsAnswered++
		s.emitReturn(r, c.now, false)
		return nil
	})
}

func (s *Sim) emitReturn(r *returnReq, now time.Time, reliable bool) string {
	return s.emitWith(r.shop, tiktok.WebhookReturnStatusChange, map[string]any{
		"order_id": r.orderID, "return_id": r.id, "return_type": r.returnType, "return_status": r.status, "return_role": r.role, "update_time": now.Unix(),
	}, now, reliable)
}

// handleSubscribe is PUT /event/202309/webhooks: the shop's address for one event type.
func (s *Sim) handleSubscribe(c *call) (any, *apiErr) {
	var b struct {
		Address   string `json:"address"`
		EventType string `json:"event_type"`
	}
	if e := c.decode(&b); e != nil {
		return nil, e
	}
	if tiktok.EventType(b.EventType) == 0 {
		return nil, errParam("event_type %q is not one of the platform's event types", b.EventType)
	}
	if u, err := url.Parse(b.Address); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errParam("address %q: want an http(s) URL", b.Address)
	}
	c.shop.subs[b.EventType] = b.Address
	return nil, nil
}

// handleSubscriptions is GET /event/202309/webhooks.
func (s *Sim) handleSubscriptions(c *call) (any, *apiErr) {
	type sub struct {
		Address   string `json:"address"`
		EventType string `json:"event_type"`
	}
	out := []sub{}
	for ev, addr := range c.shop.subs {
		out = append(out, sub{addr, ev})
	}
	slices.SortFunc(out, func(a, b sub) int { return cmp.Compare(a.EventType, b.EventType) })
	return map[string]any{"webhooks": out}, nil
}
