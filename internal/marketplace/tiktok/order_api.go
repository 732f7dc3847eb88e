package tiktok

import (
	"context"
	"fmt"
	"net/url"
	"strings"
)

// The platform's limits on order calls.
const (
	// MaxOrderIDs is the most ids one GET /order/202309/orders takes.
	MaxOrderIDs = 50
	// MaxOrderPageSize is the largest page of orders/search.
	MaxOrderPageSize = 100
)

// OrderQuery filters orders/search. Times are Unix seconds; zero leaves a bound out.
type OrderQuery struct {
	OrderStatus  string `json:"order_status,omitempty"`
	CreateTimeGE int64  `json:"create_time_ge,omitempty"`
	CreateTimeLT int64  `json:"create_time_lt,omitempty"`
	UpdateTimeGE int64  `json:"update_time_ge,omitempty"`
	UpdateTimeLT int64  `json:"update_time_lt,omitempty"`
	ShippingType string `json:"shipping_type,omitempty"`
}

// OrderPage is one page of orders/search.
type OrderPage struct {
	Orders        []Order `json:"orders"`
	NextPageToken string  `json:"next_page_token"`
	TotalCount    int     `json:"total_count"`
}

// SearchOrders returns one page of the shop's orders matching q
// (POST /order/202309/orders/search; page size 1 to 100).
func (s *ShopClient) SearchOrders(ctx context.Context, q OrderQuery, p Page) (OrderPage, error) {
	const op = "search orders"
	qv, err := p.query(op, MaxOrderPageSize)
	if err != nil {
		return OrderPage{}, err
	}
	var out OrderPage
	_, err = s.call(ctx, Request{Op: op, Method: "POST", Path: "/order/202309/orders/search", Query: qv, Body: q, Repeatable: true}, &out)
	return out, err
}

// EachOrderPage pages through every order matching q, calling fn with each page in turn until
// the platform gives no next_page_token, fn fails or ctx ends. A page that fails is retried as
// Config says and, when the access token expired in the middle, asked again with the refreshed
// token: no page is skipped. p.Token, when set, resumes where a previous run stopped; the
// token of the page after each one is in its NextPageToken.
func (s *ShopClient) EachOrderPage(ctx context.Context, q OrderQuery, p Page, fn func(OrderPage) error) error {
	seen := map[string]bool{}
	for {
		page, err := s.SearchOrders(ctx, q, p)
		if err != nil {
			return err
		}
		if err := fn(page); err != nil {
			return err
		}
		if page.NextPageToken == "" {
			return nil
		}
		if seen[page.NextPageToken] {
			return &Error{Kind: Retry, Op: "search orders", Message: fmt.Sprintf("the platform gave page token %q twice; stopping to avoid a loop", page.NextPageToken)}
		}
		seen[page.NextPageToken] = true
		p.Token = page.NextPageToken
	}
}

// GetOrders returns the orders with ids, at most MaxOrderIDs (50) of them
// (GET /order/202309/orders?ids=…). Ids the platform does not know are missing from the answer.
func (s *ShopClient) GetOrders(ctx context.Context, ids []string) ([]Order, error) {
	const op = "get orders"
	switch {
	case len(ids) == 0:
		return nil, refusal(op, "ids", "give at least one order id")
	case len(ids) > MaxOrderIDs:
		return nil, refusal(op, "ids", fmt.Sprintf("%d order ids: the platform takes at most %d a call; split them", len(ids), MaxOrderIDs))
	}
	for i, id := range ids {
		if id == "" || strings.Contains(id, ",") {
			return nil, refusal(op, fmt.Sprintf("ids[%d]", i), fmt.Sprintf("order id %q: want the platform's order id, without commas", id))
		}
	}
	var out struct {
		Orders []Order `json:"orders"`
	}
	_, err := s.call(ctx, Request{Op: op, Method: "GET", Path: "/order/202309/orders",
		Query: url.Values{"ids": {strings.Join(ids, ",")}}, Repeatable: true}, &out)
	return out.Orders, err
}
