package sim

import (
	"encoding/base64"
	"strconv"
	"strings"

	"lastmile/internal/marketplace/tiktok"
)

// orderSearchBody is orders/search's body.
type orderSearchBody struct {
	OrderStatus  string `json:"order_status"`
	CreateTimeGE int64  `json:"create_time_ge"`
	CreateTimeLT int64  `json:"create_time_lt"`
	UpdateTimeGE int64  `json:"update_time_ge"`
	UpdateTimeLT int64  `json:"update_time_lt"`
	ShippingType string `json:"shipping_type"`
}

var orderStatuses = []string{tiktok.OrderUnpaid, tiktok.OrderOnHold, tiktok.OrderAwaitingShipment, tiktok.OrderPartiallyShipping,
	tiktok.OrderAwaitingCollection, tiktok.OrderInTransit, tiktok.OrderDelivered, tiktok.OrderCompleted, tiktok.OrderCancelled}

func knownStatus(s string) bool {
	for _, v := range orderStatuses {
		if v == s {
			return true
		}
	}
	return false
}

// pageToken is a keyset position: the sort key and id of the last order of a page.
func pageToken(key int64, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(key, 10) + "." + id))
}

func parsePageToken(t string) (int64, string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(t)
	if err != nil {
		return 0, "", false
	}
	k, id, ok := strings.Cut(string(b), ".")
	if !ok || id == "" {
		return 0, "", false
	}
	n, err := strconv.ParseInt(k, 10, 64)
	return n, id, err == nil
}

// handleOrderSearch is POST /order/202309/orders/search: keyset paging over the shop's orders
// sorted by create_time or update_time (default create_time, DESC), page_size 1 to 100.
func (s *Sim) handleOrderSearch(c *call) (any, *apiErr) {
	size, token, field, desc, e := c.pageParams(tiktok.MaxOrderPageSize, "create_time", "update_time")
	if e != nil {
		return nil, e
	}
	var b orderSearchBody
	if e := c.decode(&b); e != nil {
		return nil, e
	}
	if b.OrderStatus != "" && !knownStatus(b.OrderStatus) {
		return nil, errParam("order_status %q: want one of %s", b.OrderStatus, strings.Join(orderStatuses, ", "))
	}
	if b.ShippingType != "" && b.ShippingType != tiktok.ShippingTypeTikTok && b.ShippingType != tiktok.ShippingTypeSeller {
		return nil, errParam("shipping_type %q: want TIKTOK or SELLER", b.ShippingType)
	}
	sh := c.shop
	idx, key := sh.byCreate, keyed(byCreateKey)
	ge, lt := b.CreateTimeGE, b.CreateTimeLT
	otherGE, otherLT, other := b.UpdateTimeGE, b.UpdateTimeLT, keyed(byUpdateKey)
	if field == "update_time" {
		idx, key = sh.byUpdate, byUpdateKey
		ge, lt, otherGE, otherLT, other = b.UpdateTimeGE, b.UpdateTimeLT, b.CreateTimeGE, b.CreateTimeLT, byCreateKey
	}
	lo, hi := 0, len(idx)
	if ge > 0 {
		lo = searchIndex(idx, key, ge, "")
	}
	if lt > 0 {
		hi = max(lo, searchIndex(idx, key, lt, ""))
	}
	match := func(o *order) bool {
		if b.OrderStatus != "" && o.w.Status != b.OrderStatus {
			return false
		}
		if b.ShippingType != "" && o.w.ShippingType != b.ShippingType {
			return false
		}
		k := other(o)
		return (otherGE <= 0 || k >= otherGE) && (otherLT <= 0 || k < otherLT)
	}
	filtered := b.OrderStatus != "" || b.ShippingType != "" || otherGE > 0 || otherLT > 0
	total := hi - lo
	if filtered {
		total = 0
		for _, o := range idx[lo:hi] {
			if match(o) {
				total++
			}
		}
	}
	from, to := lo, hi
	if token != "" {
		k, id, ok := parsePageToken(token)
		if !ok {
			return nil, errParam("page_token %q is not one this API gave", token)
		}
		if desc {
			to = max(from, min(to, searchIndex(idx, key, k, id)))
		} else {
			from = min(to, max(from, searchIndex(idx, key, k, id+"\x00")))
		}
	}
	out := struct {
		Orders        []*wireOrder `json:"orders"`
		NextPageToken string       `json:"next_page_token"`
		TotalCount    int          `json:"total_count"`
	}{Orders: make([]*wireOrder, 0, size), TotalCount: total}
	var last *order
	more := false
	visit := func(o *order) bool {
		if !match(o) {
			return true
		}
		if len(out.Orders) == size {
			more = true
			return false
		}
		out.Orders = append(out.Orders, &o.w)
		last = o
		return true
	}
	if desc {
		for i := to - 1; i >= from && visit(idx[i]); i-- {
		}
	} else {
		for i := from; i < to && visit(idx[i]); i++ {
		}
	}
	if more {
		out.NextPageToken = pageToken(key(last), last.w.ID)
	}
	return out, nil
}

// handleOrderDetail is GET /order/202309/orders?ids=…: at most 50 ids; unknown ones are left
// out of the answer.
func (s *Sim) handleOrderDetail(c *call) (any, *apiErr) {
	raw := c.q.Get("ids")
	if raw == "" {
		return nil, errParam("ids is required: up to %d order ids separated by commas", tiktok.MaxOrderIDs)
	}
	ids := strings.Split(raw, ",")
	if len(ids) > tiktok.MaxOrderIDs {
		return nil, errParam("ids has %d order ids: at most %d", len(ids), tiktok.MaxOrderIDs)
	}
	out := struct {
		Orders []*wireOrder `json:"orders"`
	}{Orders: []*wireOrder{}}
	for _, id := range ids {
		if o := s.orders[strings.TrimSpace(id)]; o != nil && o.shop == c.shop {
			out.Orders = append(out.Orders, &o.w)
		}
	}
	return out, nil
}
