package sim

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"lastmile/internal/marketplace/tiktok"
)

// TestSignRefused flips each input of the signature after signing; the sim must refuse every
// one, and accept the request as signed.
func TestSignRefused(t *testing.T) {
	t.Parallel()
	s, clock := startSim(t, Options{})
	shop := DefaultShops()[0].ID
	tok := connectShop(t, s, shop)
	cipher := shopInfo(t, s, shop).Cipher
	const path = "/order/202309/orders/search"
	body := []byte(`{"order_status":"AWAITING_SHIPMENT"}`)
	q := url.Values{"page_size": {"10"}, "sort_field": {"update_time"}}
	fresh := func() *signed { return newSigned(s, "POST", path, q, body, tok, cipher) }

	if a := fresh().send(t, s); a.Code != 0 || a.RequestID == "" {
		t.Fatalf("a correctly signed request was refused: %d %s", a.Code, a.Message)
	}
	cases := []struct {
		name   string
		change func(r *signed)
		code   int
	}{
		{"path", func(r *signed) { r.Path = "/fulfillment/202309/packages/search" }, tiktok.CodeBadSign},
		{"path signed differently", func(r *signed) {
			r.Query.Set("sign", tiktok.Sign(s.AppSecret(), "POST", "/order/202309/orders/Search", without(r.Query, "sign"), r.Body, false))
		}, tiktok.CodeBadSign},
		{"query param value", func(r *signed) { r.Query.Set("page_size", "11") }, tiktok.CodeBadSign},
		{"query param added", func(r *signed) { r.Query.Set("sort_order", "ASC") }, tiktok.CodeBadSign},
		{"query param removed", func(r *signed) { r.Query.Del("sort_field") }, tiktok.CodeBadSign},
		{"shop cipher", func(r *signed) { r.Query.Set("shop_cipher", r.Query.Get("shop_cipher")+"x") }, tiktok.CodeBadSign},
		{"body", func(r *signed) { r.Body = []byte(`{"order_status":"AWAITING_COLLECTION"}`) }, tiktok.CodeBadSign},
		{"body whitespace", func(r *signed) { r.Body = append(r.Body, ' ') }, tiktok.CodeBadSign},
		{"secret", func(r *signed) {
			r.Query.Set("sign", tiktok.Sign("not-the-secret", "POST", path, without(r.Query, "sign"), r.Body, false))
		}, tiktok.CodeBadSign},
		{"sign missing", func(r *signed) { r.Query.Del("sign") }, tiktok.CodeBadSign},
		{"sign truncated", func(r *signed) { r.Query.Set("sign", r.Query.Get("sign")[:63]) }, tiktok.CodeBadSign},
		{"timestamp changed after signing", func(r *signed) {
			ts, _ := strconv.ParseInt(r.Query.Get("timestamp"), 10, 64)
			r.Query.Set("timestamp", strconv.FormatInt(ts+1, 10))
		}, tiktok.CodeBadSign},
		{"app key", func(r *signed) { r.Query.Set("app_key", "other") }, tiktok.CodeInvalidCredentials},
	}
	for _, c := range cases {
		r := fresh()
		c.change(r)
		a := r.send(t, s)
		if a.Code != c.code {
			t.Errorf("%s: code %d (%s), want %d", c.name, a.Code, a.Message, c.code)
		}
	}

	// A correctly signed request with a timestamp more than 30 s off the sim's clock, either
	// way, is refused with 36009004; 30 s exactly is accepted.
	for _, skew := range []time.Duration{-31 * time.Second, 31 * time.Second, 30 * time.Second, -30 * time.Second} {
		clock.Advance(-skew) // sign at now+skew, as a client whose clock is off
		r := fresh()
		clock.Advance(skew)
		a := r.send(t, s)
		want := 0
		if skew > MaxClockSkew || skew < -MaxClockSkew {
			want = tiktok.CodeInvalidCredentials
		}
		if a.Code != want {
			t.Errorf("timestamp off by %s: code %d (%s), want %d", skew, a.Code, a.Message, want)
		}
	}
	st := s.Stats()
	if st.BadSign != 12 || st.BadTimestamp != 2 {
		t.Errorf("stats bad_sign %d, bad_timestamp %d; want 12 and 2", st.BadSign, st.BadTimestamp)
	}
}

func without(q interface{ Encode() string }, key string) url.Values {
	v, _ := url.ParseQuery(q.Encode())
	v.Del(key)
	return v
}

// TestSignGET checks a GET is signed without its (absent) body and an upper-case sign passes.
func TestSignGET(t *testing.T) {
	t.Parallel()
	s, _ := startSim(t, Options{})
	shop := DefaultShops()[0].ID
	tok := connectShop(t, s, shop)
	r := newSigned(s, "GET", "/authorization/202309/shops", nil, nil, tok, "")
	r.Query.Set("sign", strings.ToUpper(r.Query.Get("sign")))
	a := r.send(t, s)
	if a.Code != 0 || !strings.Contains(string(a.Data), `"cipher":"ROW_`) {
		t.Fatalf("shops: %d %s %s", a.Code, a.Message, a.Data)
	}
	// The access token is required, and travels in the header only.
	r = newSigned(s, "GET", "/authorization/202309/shops", url.Values{"access_token": {tok}}, nil, "", "")
	if a := r.send(t, s); a.Code != tiktok.CodeInvalidCredentials {
		t.Fatalf("token in the query: code %d, want %d", a.Code, tiktok.CodeInvalidCredentials)
	}
	// A shop-scoped call without the cipher.
	r = newSigned(s, "GET", "/order/202309/orders", url.Values{"ids": {"1"}}, nil, tok, "")
	if a := r.send(t, s); a.Code != tiktok.CodeCipherMissing {
		t.Fatalf("no cipher: code %d, want %d", a.Code, tiktok.CodeCipherMissing)
	}
	// Another seller's cipher.
	other := shopInfo(t, s, DefaultShops()[3].ID).Cipher
	r = newSigned(s, "GET", "/order/202309/orders", url.Values{"ids": {"1"}}, nil, tok, other)
	if a := r.send(t, s); a.Code != tiktok.CodeCipherMissing {
		t.Fatalf("another seller's cipher: code %d, want %d", a.Code, tiktok.CodeCipherMissing)
	}
}
