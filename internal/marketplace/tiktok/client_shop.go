package tiktok

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
)

// AuthorizedShop is one shop a seller authorised the app for, with the cipher that shop-scoped
// calls carry.
type AuthorizedShop struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Region     string `json:"region"`
	SellerType string `json:"seller_type"`
	Cipher     string `json:"cipher"`
	Code       string `json:"code"`
}

// AuthorizedShops lists the shops the seller behind tokens authorised, with their ciphers
// (GET /authorization/202309/shops; not shop-scoped).
func (c *Client) AuthorizedShops(ctx context.Context, tokens TokenSource) ([]AuthorizedShop, error) {
	var out struct {
		Shops []AuthorizedShop `json:"shops"`
	}
	_, err := c.Call(ctx, Request{Op: "authorized shops", Method: "GET", Path: "/authorization/202309/shops", Tokens: tokens, Repeatable: true}, &out)
	return out.Shops, err
}

// ShopClient makes the shop-scoped calls of one shop: each carries the shop's cipher and the
// seller's access token. Safe for concurrent use.
type ShopClient struct {
	c      *Client
	tokens TokenSource
	cipher string
}

// Shop returns the client of the shop with cipher, authorised by the seller behind tokens.
func (c *Client) Shop(tokens TokenSource, cipher string) *ShopClient {
	return &ShopClient{c: c, tokens: tokens, cipher: cipher}
}

// Client is the app's client the shop's calls go through.
func (s *ShopClient) Client() *Client { return s.c }

// call sends a shop-scoped request.
func (s *ShopClient) call(ctx context.Context, r Request, out any) (string, error) {
	if s.cipher == "" {
		return "", refusal(r.Op, "shop_cipher", "a shop-scoped call needs the shop's cipher: list them with AuthorizedShops")
	}
	r.Tokens = s.tokens
	r.ShopCipher = s.cipher
	return s.c.Call(ctx, r, out)
}

// Call sends a shop-scoped request that has no typed method (see Client.Call).
func (s *ShopClient) Call(ctx context.Context, r Request, out any) (string, error) {
	return s.call(ctx, r, out)
}

// Page is how one page of a search is asked for.
type Page struct {
	// Size is the number of results a page holds: 1 to 100 for orders, 1 to 50 for packages,
	// cancellations and returns. Zero is the largest.
	Size int
	// Token is the previous page's next_page_token; "" is the first page.
	Token string
	// SortField is create_time or update_time ("" leaves the platform's default).
	SortField string
	// SortOrder is ASC or DESC ("" leaves the platform's default).
	SortOrder string
}

// query checks p against the call's page-size limit and writes it as query parameters.
func (p Page) query(op string, maxSize int) (url.Values, error) {
	size := p.Size
	if size == 0 {
		size = maxSize
	}
	if size < 1 || size > maxSize {
		return nil, refusal(op, "page_size", fmt.Sprintf("page size %d: the platform takes 1 to %d", p.Size, maxSize))
	}
	q := url.Values{"page_size": {strconv.Itoa(size)}}
	if p.Token != "" {
		q.Set("page_token", p.Token)
	}
	switch p.SortField {
	case "", "create_time", "update_time":
	default:
		return nil, refusal(op, "sort_field", fmt.Sprintf("sort field %q: want create_time or update_time", p.SortField))
	}
	if p.SortField != "" {
		q.Set("sort_field", p.SortField)
	}
	switch p.SortOrder {
	case "", "ASC", "DESC":
	default:
		return nil, refusal(op, "sort_order", fmt.Sprintf("sort order %q: want ASC or DESC", p.SortOrder))
	}
	if p.SortOrder != "" {
		q.Set("sort_order", p.SortOrder)
	}
	return q, nil
}
