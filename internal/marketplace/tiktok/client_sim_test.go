package tiktok_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/marketplace/tiktok/sim"
	"lastmile/internal/order"
)

// The tests in this file and the other client_*_test.go files run the client against the
// simulator over loopback HTTP: two independent readings of the platform's documentation
// checked against each other.

// testClock is the clock the client and the sim share; tests move it by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is a sim and a client of it on one clock. The client's Sleep records the wait and moves
// the clock instead of sleeping.
type env struct {
	t      *testing.T
	sim    *sim.Sim
	clock  *testClock
	client *tiktok.Client
	mu     sync.Mutex
	waits  []time.Duration
}

// Shops of sim.DefaultShops the tests use.
var (
	shopUS = sim.DefaultShops()[0] // seller shipping
	shopGB = sim.DefaultShops()[1] // platform logistics
	shopID = sim.DefaultShops()[3] // another seller, platform logistics
)

func newEnv(t *testing.T, opts sim.Options, cfg tiktok.Config) *env {
	t.Helper()
	e := &env{t: t, clock: &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}}
	opts.Now = e.clock.Now
	opts.Tick = -1
	s, err := sim.Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	e.sim = s
	cfg.AppKey, cfg.AppSecret, cfg.APIBase = s.AppKey(), s.AppSecret(), s.URL()
	cfg.Now = e.clock.Now
	cfg.Sleep = func(ctx context.Context, d time.Duration) error {
		e.mu.Lock()
		e.waits = append(e.waits, d)
		e.mu.Unlock()
		e.clock.Advance(d)
		return ctx.Err()
	}
	c, err := tiktok.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.client = c
	return e
}

func (e *env) recordedWaits() []time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.waits)
}

// connect authorises the app for shop's seller and returns the shop's client and its tokens.
func (e *env) connect(shop sim.Shop) (*tiktok.ShopClient, *tiktok.Tokens) {
	e.t.Helper()
	ctx := context.Background()
	code, err := e.sim.Authorize(shop.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	tok, err := e.client.GetToken(ctx, code)
	if err != nil {
		e.t.Fatal(err)
	}
	tokens := e.client.Tokens(tok, nil)
	shops, err := e.client.AuthorizedShops(ctx, tokens)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, s := range shops {
		if s.ID == shop.ID {
			return e.client.Shop(tokens, s.Cipher), tokens
		}
	}
	e.t.Fatalf("shop %s not among the authorised shops %+v", shop.ID, shops)
	return nil, nil
}

// createOrders makes n paid orders in shop.
func (e *env) createOrders(shop sim.Shop, n int) []string {
	e.t.Helper()
	ids, err := e.sim.CreateOrders(shop.ID, n)
	if err != nil {
		e.t.Fatal(err)
	}
	return ids
}

// getOrder fetches one order.
func getOrder(t *testing.T, sc *tiktok.ShopClient, id string) tiktok.Order {
	t.Helper()
	os, err := sc.GetOrders(context.Background(), []string{id})
	if err != nil {
		t.Fatal(err)
	}
	if len(os) != 1 || os[0].ID != id {
		t.Fatalf("order %s: got %d orders", id, len(os))
	}
	return os[0]
}

func kindIs(t *testing.T, err error, k tiktok.Kind) *tiktok.Error {
	t.Helper()
	var e *tiktok.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not a *tiktok.Error", err)
	}
	if e.Kind != k {
		t.Fatalf("error %v: kind %s, want %s", err, e.Kind, k)
	}
	return e
}

func TestConnect(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sim.Options{}, tiktok.Config{})
	ctx := context.Background()
	code, err := e.sim.Authorize(shopUS.ID)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := e.client.GetToken(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	now := e.clock.Now()
	// The *_expire_in fields are absolute Unix times: about 7 days and a year ahead.
	if got := tok.AccessExpiresAt(); !got.Equal(now.Add(sim.DefaultAccessTokenTTL)) {
		t.Errorf("access token expires %s, want %s", got, now.Add(sim.DefaultAccessTokenTTL))
	}
	if got := tok.RefreshExpiresAt(); !got.Equal(now.Add(sim.DefaultRefreshTokenTTL)) {
		t.Errorf("refresh token expires %s, want %s", got, now.Add(sim.DefaultRefreshTokenTTL))
	}
	if tok.OpenID != shopUS.SellerID || tok.RefreshToken == "" || len(tok.GrantedScopes) == 0 {
		t.Errorf("token %+v", tok)
	}
	// An authorisation code works once.
	if _, err := e.client.GetToken(ctx, code); err == nil {
		t.Fatal("a used authorisation code was accepted again")
	} else {
		kindIs(t, err, tiktok.Reauth)
	}
	shops, err := e.client.AuthorizedShops(ctx, tiktok.StaticToken(tok.AccessToken))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range shops {
		if s.Cipher == "" || s.Region == "" {
			t.Errorf("shop %+v without cipher or region", s)
		}
		ids = append(ids, s.ID)
	}
	want := []string{sim.DefaultShops()[0].ID, sim.DefaultShops()[1].ID, sim.DefaultShops()[2].ID}
	if !slices.Equal(ids, want) {
		t.Errorf("authorised shops %v, want the seller's %v", ids, want)
	}
	// A refresh gives a new access token; the refresh token goes on.
	nt, err := e.client.RefreshToken(ctx, tok.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if nt.AccessToken == tok.AccessToken || nt.RefreshToken != tok.RefreshToken {
		t.Errorf("refresh: %+v from %+v", nt, tok)
	}
	// Wrong app secret on the auth host.
	bad, err := tiktok.New(tiktok.Config{AppKey: e.sim.AppKey(), AppSecret: "wrong", APIBase: e.sim.URL(), Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	_, err = bad.RefreshToken(ctx, tok.RefreshToken)
	kindIs(t, err, tiktok.Reauth)
	// The same wrong secret signs API requests wrongly.
	_, err = bad.AuthorizedShops(ctx, tiktok.StaticToken(nt.AccessToken))
	if e := kindIs(t, err, tiktok.Refuse); e.Code != tiktok.CodeBadSign || e.RequestID == "" {
		t.Errorf("bad sign: %+v", e)
	}
}

// TestOrdersPagingAndMapping pages every order of a shop by update_time and maps each onto a
// lastmile order that order.Validate accepts.
func TestOrdersPagingAndMapping(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sim.Options{}, tiktok.Config{})
	sc, _ := e.connect(shopUS)
	ctx := context.Background()
	created := e.createOrders(shopUS, 250)
	e.createOrders(sim.DefaultShops()[2], 30) // the same seller's other shop: not in this shop's pages

	seen := map[string]bool{}
	pages := 0
	p := tiktok.Page{Size: 100, SortField: "update_time", SortOrder: "ASC"}
	var last int64
	err := sc.EachOrderPage(ctx, tiktok.OrderQuery{UpdateTimeGE: e.clock.Now().Add(-time.Hour).Unix(), UpdateTimeLT: e.clock.Now().Add(time.Second).Unix()}, p,
		func(pg tiktok.OrderPage) error {
			pages++
			if pg.TotalCount != 250 {
				t.Errorf("total_count %d, want 250", pg.TotalCount)
			}
			for _, o := range pg.Orders {
				if seen[o.ID] {
					t.Errorf("order %s twice", o.ID)
				}
				seen[o.ID] = true
				if o.UpdateTime < last {
					t.Errorf("not sorted by update_time")
				}
				last = o.UpdateTime
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if pages != 3 || len(seen) != 250 {
		t.Fatalf("%d pages, %d orders; want 3 and 250", pages, len(seen))
	}
	for _, id := range created {
		if !seen[id] {
			t.Fatalf("order %s missing from the pages", id)
		}
	}

	markets := config.DefaultMarkets()
	for start := 0; start < len(created); start += tiktok.MaxOrderIDs {
		ids := created[start:min(len(created), start+tiktok.MaxOrderIDs)]
		orders, err := sc.GetOrders(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		if len(orders) != len(ids) {
			t.Fatalf("asked %d orders, got %d", len(ids), len(orders))
		}
		for _, po := range orders {
			m, err := tiktok.ToOrder(po, "shop_1")
			if err != nil {
				t.Fatalf("order %s: %v", po.ID, err)
			}
			o := m.Order
			order.Normalize(&o)
			if probs := order.Validate(&o, markets); len(probs) > 0 {
				t.Fatalf("order %s maps to an invalid lastmile order: %v", po.ID, probs)
			}
			var units int64
			for _, l := range o.Lines {
				units += l.Quantity
			}
			if units != int64(len(po.LineItems)) {
				t.Fatalf("order %s: %d units in lines, %d line items", po.ID, units, len(po.LineItems))
			}
			if m.Deadlines[tiktok.DeadlineRTSSLA].IsZero() || m.Deadlines[tiktok.DeadlineShippingDue].IsZero() || len(m.PackageIDs) != 1 ||
				m.ShippingType != tiktok.ShippingTypeSeller || m.FulfillmentType != tiktok.FulfillmentBySeller {
				t.Fatalf("order %s: mapped %+v", po.ID, m)
			}
			// R-SHIP-1: the US ships within 72 h of payment.
			if d := m.Deadlines[tiktok.DeadlineRTSSLA].Sub(*o.PaidAt); d != 72*time.Hour {
				t.Fatalf("order %s: rts_sla_time %s after payment, want 72h", po.ID, d)
			}
		}
	}
}

// TestLimits: the client refuses, without sending, what the platform's limits forbid; the sim
// refuses the same when it is sent anyway.
func TestLimits(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sim.Options{}, tiktok.Config{})
	sc, _ := e.connect(shopUS)
	ctx := context.Background()
	ids := e.createOrders(shopUS, 51)
	before := e.sim.Stats().Requests

	_, err := sc.GetOrders(ctx, ids)
	if k := kindIs(t, err, tiktok.Refuse); k.Field != "ids" {
		t.Errorf("51 ids: field %q", k.Field)
	}
	for _, size := range []int{-1, 101} {
		_, err := sc.SearchOrders(ctx, tiktok.OrderQuery{}, tiktok.Page{Size: size})
		if k := kindIs(t, err, tiktok.Refuse); k.Field != "page_size" {
			t.Errorf("orders page size %d: field %q", size, k.Field)
		}
	}
	_, err = sc.SearchPackages(ctx, tiktok.PackageQuery{}, tiktok.Page{Size: 51})
	kindIs(t, err, tiktok.Refuse)
	_, err = sc.SearchCancellations(ctx, tiktok.CancellationQuery{}, tiktok.Page{Size: 51})
	kindIs(t, err, tiktok.Refuse)
	if got := e.sim.Stats().Requests; got != before {
		t.Fatalf("the client sent %d requests it should have refused", got-before)
	}

	// The limits' edges are accepted.
	if os, err := sc.GetOrders(ctx, ids[:50]); err != nil || len(os) != 50 {
		t.Fatalf("50 ids: %d orders, %v", len(os), err)
	}
	if pg, err := sc.SearchOrders(ctx, tiktok.OrderQuery{}, tiktok.Page{Size: 100}); err != nil || len(pg.Orders) != 51 {
		t.Fatalf("page size 100: %d orders, %v", len(pg.Orders), err)
	}
	if pg, err := sc.SearchPackages(ctx, tiktok.PackageQuery{}, tiktok.Page{Size: 50}); err != nil || len(pg.Packages) != 50 || pg.NextPageToken == "" {
		t.Fatalf("packages page size 50: %d packages, next %q, %v", len(pg.Packages), pg.NextPageToken, err)
	}

	// Sent anyway, the sim refuses them too.
	join := ""
	for i, id := range ids {
		if i > 0 {
			join += ","
		}
		join += id
	}
	_, err = sc.Call(ctx, tiktok.Request{Op: "raw", Method: "GET", Path: "/order/202309/orders", Query: map[string][]string{"ids": {join}}}, nil)
	if k := kindIs(t, err, tiktok.Refuse); k.Code != sim.CodeInvalidParameter {
		t.Errorf("51 ids sent: %+v", k)
	}
	_, err = sc.Call(ctx, tiktok.Request{Op: "raw", Method: "POST", Path: "/order/202309/orders/search", Query: map[string][]string{"page_size": {"101"}}, Body: struct{}{}}, nil)
	if k := kindIs(t, err, tiktok.Refuse); k.Code != sim.CodeInvalidParameter {
		t.Errorf("page size 101 sent: %+v", k)
	}
	_, err = sc.Call(ctx, tiktok.Request{Op: "raw", Method: "POST", Path: "/fulfillment/202309/packages/search", Query: map[string][]string{"page_size": {"51"}}, Body: struct{}{}}, nil)
	if k := kindIs(t, err, tiktok.Refuse); k.Code != sim.CodeInvalidParameter {
		t.Errorf("packages page size 51 sent: %+v", k)
	}
}

// receiver is lastmile's side of the webhooks in these tests: a loopback HTTP server that
// verifies each one with the client and keeps the verified ones.
type receiver struct {
	url    string
	client *tiktok.Client
	mu     sync.Mutex
	got    []tiktok.Webhook
	forged int
}

func newReceiver(t *testing.T, c *tiktok.Client) *receiver {
	r := &receiver{client: c}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		if !c.VerifyWebhook(req.Header.Get("Authorization"), body) {
			r.mu.Lock()
			r.forged++
			r.mu.Unlock()
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		wh, err := tiktok.ParseWebhook(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		r.got = append(r.got, wh)
		r.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	r.url = srv.URL + "/webhooks/tiktok"
	return r
}

func (r *receiver) webhooks() []tiktok.Webhook {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

// statuses are the ORDER_STATUS_CHANGE statuses received for order id, in order.
func (r *receiver) statuses(t *testing.T, id string) []string {
	t.Helper()
	var out []string
	for _, w := range r.webhooks() {
		if w.Type != tiktok.WebhookOrderStatusChange {
			continue
		}
		var d tiktok.OrderStatusChange
		if err := w.DecodeData(&d); err != nil {
			t.Fatal(err)
		}
		if d.OrderID == id {
			out = append(out, d.OrderStatus)
		}
	}
	return out
}
