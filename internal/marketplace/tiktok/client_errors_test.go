package tiktok_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/marketplace/tiktok/sim"
)

// TestTokenExpiresMidPaging: the access token expires between two pages; the next page is
// answered 105002, the token refreshed (and handed to the caller to store), and the same page
// asked again: every order arrives once.
func TestTokenExpiresMidPaging(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sim.Options{}, tiktok.Config{})
	ctx := context.Background()
	code, _ := e.sim.Authorize(shopUS.ID)
	tok, err := e.client.GetToken(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	var stored []tiktok.Token
	tokens := e.client.Tokens(tok, func(_ context.Context, nt tiktok.Token) error {
		stored = append(stored, nt)
		return nil
	})
	shops, err := e.client.AuthorizedShops(ctx, tokens)
	if err != nil {
		t.Fatal(err)
	}
	sc := e.client.Shop(tokens, shops[0].Cipher)
	e.createOrders(shopUS, 350)

	seen := map[string]int{}
	pages := 0
	err = sc.EachOrderPage(ctx, tiktok.OrderQuery{}, tiktok.Page{Size: 100, SortField: "update_time", SortOrder: "ASC"}, func(p tiktok.OrderPage) error {
		pages++
		for _, o := range p.Orders {
			seen[o.ID]++
		}
		if pages == 2 {
			// The platform ends the token early (the client still thinks it has days left).
			if err := e.sim.ExpireTokens(shopUS.ID); err != nil {
				t.Fatal(err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pages != 4 || len(seen) != 350 {
		t.Fatalf("%d pages, %d orders; want 4 and 350", pages, len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("order %s seen %d times", id, n)
		}
	}
	st := e.sim.Stats()
	if st.ExpiredToken != 1 || st.TokensRefreshed != 1 || len(stored) != 1 || stored[0].AccessToken == tok.AccessToken {
		t.Fatalf("expired %d, refreshed %d, stored %d; want 1, 1, 1 new token", st.ExpiredToken, st.TokensRefreshed, len(stored))
	}
	if tokens.Current().AccessToken != stored[0].AccessToken {
		t.Fatal("the token source does not use the refreshed token")
	}

	// Ahead of expiry (Config.RefreshBefore, 30 min) the token is refreshed before the call:
	// no 105002 at all.
	e.clock.Advance(sim.DefaultAccessTokenTTL - 10*time.Minute)
	if _, err := sc.SearchOrders(ctx, tiktok.OrderQuery{}, tiktok.Page{Size: 1}); err != nil {
		t.Fatal(err)
	}
	st = e.sim.Stats()
	if st.ExpiredToken != 1 || st.TokensRefreshed != 2 || len(stored) != 2 {
		t.Fatalf("after the proactive refresh: expired %d, refreshed %d, stored %d; want 1, 2, 2", st.ExpiredToken, st.TokensRefreshed, len(stored))
	}

	// A caller that cannot store the new token does not use it.
	failing := e.client.Tokens(tokens.Current(), func(context.Context, tiktok.Token) error { return errors.New("disk full") })
	if err := e.sim.ExpireTokens(shopUS.ID); err != nil {
		t.Fatal(err)
	}
	_, err = e.client.Shop(failing, shops[0].Cipher).SearchOrders(ctx, tiktok.OrderQuery{}, tiktok.Page{Size: 1})
	kindIs(t, err, tiktok.Reauth)
	// A static token cannot be refreshed: the 105002 reaches the caller as Reauth.
	_, err = e.client.Shop(tiktok.StaticToken(tok.AccessToken), shops[0].Cipher).SearchOrders(ctx, tiktok.OrderQuery{}, tiktok.Page{Size: 1})
	if k := kindIs(t, err, tiktok.Reauth); !tiktok.IsExpiredToken(err) || k.Code != tiktok.CodeTokenExpired {
		t.Fatalf("static token: %v", err)
	}
}

// TestRateLimitBackoff: the sim answers 429 / 36009002 with Retry-After beyond 5 requests a
// second; the client waits as told and every call succeeds.
func TestRateLimitBackoff(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sim.Options{RateLimit: 5}, tiktok.Config{})
	sc, _ := e.connect(shopUS)
	ctx := context.Background()
	e.createOrders(shopUS, 3)
	for i := 0; i < 20; i++ {
		if _, err := sc.SearchOrders(ctx, tiktok.OrderQuery{}, tiktok.Page{Size: 10}); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	st := e.sim.Stats()
	waits := e.recordedWaits()
	if st.RateLimited == 0 || int64(len(waits)) != st.RateLimited {
		t.Fatalf("rate limited %d times, the client waited %d times", st.RateLimited, len(waits))
	}
	for _, w := range waits {
		if w != time.Second {
			t.Fatalf("waited %s, want the Retry-After of 1s", w)
		}
	}

	// Without retries the caller sees RateLimited with the wait and the request id.
	c1, err := tiktok.New(tiktok.Config{AppKey: e.sim.AppKey(), AppSecret: e.sim.AppSecret(), APIBase: e.sim.URL(), Now: e.clock.Now, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, tokens := e.connect(shopUS)
	cipher := e.sim.Shops()[0].Cipher
	var last error
	for i := 0; i < 10 && last == nil; i++ {
		_, last = c1.Shop(tokens, cipher).SearchOrders(ctx, tiktok.OrderQuery{}, tiktok.Page{Size: 10})
	}
	k := kindIs(t, last, tiktok.RateLimited)
	if k.Code != tiktok.CodeRateLimited || k.HTTPStatus != http.StatusTooManyRequests || k.RetryAfter != time.Second || k.RequestID == "" || !tiktok.IsRetryable(last) {
		t.Fatalf("rate limited: %+v", k)
	}

	// A client-side limit keeps under the sim's: no 429 at all.
	e2 := newEnv(t, sim.Options{RateLimit: 5}, tiktok.Config{RateLimit: 5})
	sc2, _ := e2.connect(shopUS)
	before := e2.sim.Stats().RateLimited
	for i := 0; i < 20; i++ {
		if _, err := sc2.SearchOrders(ctx, tiktok.OrderQuery{}, tiktok.Page{Size: 10}); err != nil {
			t.Fatal(err)
		}
	}
	if got := e2.sim.Stats().RateLimited - before; got != 0 {
		t.Fatalf("with the client's own limit the sim still limited %d calls", got)
	}
}

// TestErrorCodes: every documented code, injected by the sim, is classified as documented;
// retryable failures of reads are retried, of writes returned.
func TestErrorCodes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sim.Options{}, tiktok.Config{})
	sc, _ := e.connect(shopUS)
	ctx := context.Background()
	ids := e.createOrders(shopUS, 1)
	search := func() error {
		_, err := sc.SearchOrders(ctx, tiktok.OrderQuery{}, tiktok.Page{Size: 10})
		return err
	}
	inject := func(f sim.Fault) {
		if err := e.sim.InjectFault(f); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		code int
		kind tiktok.Kind
	}{
		{tiktok.CodeScopeMissing, tiktok.Refuse},
		{tiktok.CodeIPNotAllowed, tiktok.Refuse},
		{tiktok.CodeCipherMissing, tiktok.Refuse},
		{tiktok.CodeBadSign, tiktok.Refuse},
		{tiktok.CodeInvalidCredentials, tiktok.Reauth},
		{12345678, tiktok.Refuse}, // a code lastmile does not know
	} {
		inject(sim.Fault{Code: c.code, Count: 1})
		err := search()
		if k := kindIs(t, err, c.kind); k.Code != c.code || k.RequestID == "" || k.Message == "" {
			t.Errorf("code %d: %+v", c.code, k)
		}
	}

	// 36009003 (HTTP 500): a read is retried after a backoff and succeeds.
	inject(sim.Fault{Code: tiktok.CodeInternal, Count: 2})
	before := len(e.recordedWaits())
	if err := search(); err != nil {
		t.Fatalf("a read after two internal errors: %v", err)
	}
	if w := e.recordedWaits()[before:]; len(w) != 2 || w[0] != tiktok.DefaultRetryBase || w[1] != 2*tiktok.DefaultRetryBase {
		t.Fatalf("backoff waits %v, want 500ms then 1s", w)
	}
	// More failures than attempts: the error comes back, retryable.
	inject(sim.Fault{Code: tiktok.CodeInternal, Count: tiktok.DefaultMaxAttempts})
	err := search()
	if k := kindIs(t, err, tiktok.Retry); k.HTTPStatus != http.StatusInternalServerError || !tiktok.IsRetryable(err) {
		t.Fatalf("%+v", k)
	}
	// A write is not repeated after 36009003: it may have happened.
	pkgID := getOrder(t, sc, ids[0]).Packages[0].ID
	provs, err := sc.ShippingProviders(ctx, getOrder(t, sc, ids[0]).DeliveryOptionID)
	if err != nil {
		t.Fatal(err)
	}
	inject(sim.Fault{Code: tiktok.CodeInternal, Count: 1, Path: "/fulfillment/202309/packages/" + pkgID + "/ship"})
	err = sc.ShipPackage(ctx, pkgID, tiktok.ShipRequest{SelfShipment: &tiktok.SelfShipment{ShippingProviderID: provs[0].ID, TrackingNumber: "9400111000000000000017"}})
	kindIs(t, err, tiktok.Retry)
	// 36009002 is retried for a write too: the platform did not do it.
	inject(sim.Fault{Code: tiktok.CodeRateLimited, Count: 1, RetryAfter: 2})
	if err := sc.ShipPackage(ctx, pkgID, tiktok.ShipRequest{SelfShipment: &tiktok.SelfShipment{ShippingProviderID: provs[0].ID, TrackingNumber: "9400111000000000000017"}}); err != nil {
		t.Fatalf("ship after a rate limit: %v", err)
	}
	if w := e.recordedWaits(); w[len(w)-1] != 2*time.Second {
		t.Fatalf("waited %s, want the Retry-After of 2s", w[len(w)-1])
	}
	// A Retry-After beyond MaxRetryWait goes back to the caller at once.
	inject(sim.Fault{Code: tiktok.CodeRateLimited, Count: 1, RetryAfter: 3600})
	if k := kindIs(t, search(), tiktok.RateLimited); k.RetryAfter != time.Hour {
		t.Fatalf("%+v", k)
	}
	// A 105002 injected on a shop call is refreshed and repeated.
	inject(sim.Fault{Code: tiktok.CodeTokenExpired, Count: 1})
	if err := search(); err != nil {
		t.Fatalf("after 105002: %v", err)
	}
	// The network: a closed port is Retry.
	dead, err := tiktok.New(tiktok.Config{AppKey: "k", AppSecret: "s", APIBase: "http://127.0.0.1:1", MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = dead.AuthorizedShops(ctx, tiktok.StaticToken("t"))
	kindIs(t, err, tiktok.Retry)
	// A cancelled context is the caller's, not the platform's.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := sc.SearchOrders(cctx, tiktok.OrderQuery{}, tiktok.Page{}); !errors.Is(err, context.Canceled) || tiktok.IsRetryable(err) {
		t.Fatalf("cancelled: %v", err)
	}
}

// TestDeauthorization: after webhook type 6 the seller's tokens stop working (Reauth) until the
// seller authorises again.
func TestDeauthorization(t *testing.T) {
	t.Parallel()
	e := newEnv(t, sim.Options{}, tiktok.Config{})
	sc, _ := e.connect(shopUS)
	ctx := context.Background()
	if _, err := e.sim.TriggerWebhook(sim.WebhookRequest{Type: tiktok.WebhookSellerDeauthorization, ShopID: shopUS.ID}); err != nil {
		t.Fatal(err)
	}
	_, err := sc.SearchOrders(ctx, tiktok.OrderQuery{}, tiktok.Page{})
	if k := kindIs(t, err, tiktok.Reauth); k.Code != tiktok.CodeInvalidCredentials {
		t.Fatalf("%+v", k)
	}
	sc2, _ := e.connect(shopUS)
	if _, err := sc2.SearchOrders(ctx, tiktok.OrderQuery{}, tiktok.Page{}); err != nil {
		t.Fatalf("after authorising again: %v", err)
	}
}
