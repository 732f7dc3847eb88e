package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"lastmile/internal/marketplace/tiktok"
)

// testClock is a clock tests move by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *testClock { return &testClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)} }

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

// startSim starts a sim on the test's clock, stepped by hand (Tick < 0).
func startSim(t *testing.T, opts Options) (*Sim, *testClock) {
	t.Helper()
	clock := newClock()
	opts.Now = clock.Now
	opts.Tick = -1
	s, err := Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, clock
}

// answer is a decoded envelope.
type answer struct {
	Status    int
	Code      int             `json:"code"`
	Message   string          `json:"message"`
	Data      json.RawMessage `json:"data"`
	RequestID string          `json:"request_id"`
	Header    http.Header
}

// connectShop connects the seller of shopID the way a client would and returns its access token.
func connectShop(t *testing.T, s *Sim, shopID string) string {
	t.Helper()
	code, err := s.Authorize(shopID)
	if err != nil {
		t.Fatal(err)
	}
	q := url.Values{"app_key": {s.AppKey()}, "app_secret": {s.AppSecret()}, "auth_code": {code}, "grant_type": {"authorized_code"}}
	a := send(t, "GET", s.URL()+"/api/v2/token/get?"+q.Encode(), nil, "")
	if a.Code != 0 {
		t.Fatalf("token get: %d %s", a.Code, a.Message)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(a.Data, &tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token get data %s: %v", a.Data, err)
	}
	return tok.AccessToken
}

// signed is one API request before it is sent; tests change it after signing.
type signed struct {
	Method, Path string
	Query        url.Values
	Body         []byte
	Token        string
}

// newSigned returns a request signed as the platform documents it, at the sim's clock.
func newSigned(s *Sim, method, path string, q url.Values, body []byte, token, cipher string) *signed {
	qq := url.Values{}
	for k, v := range q {
		qq[k] = append([]string(nil), v...)
	}
	qq.Set("app_key", s.AppKey())
	qq.Set("timestamp", strconv.FormatInt(s.Now().Unix(), 10))
	if cipher != "" {
		qq.Set("shop_cipher", cipher)
	}
	qq.Set("sign", tiktok.Sign(s.AppSecret(), method, path, qq, body, false))
	return &signed{Method: method, Path: path, Query: qq, Body: body, Token: token}
}

func (r *signed) send(t *testing.T, s *Sim) answer {
	t.Helper()
	return send(t, r.Method, s.URL()+r.Path+"?"+r.Query.Encode(), r.Body, r.Token)
}

func send(t *testing.T, method, u string, body []byte, token string) answer {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("x-tts-access-token", token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var a answer
	if err := json.Unmarshal(raw, &a); err != nil {
		t.Fatalf("%s %s: answer %q is not an envelope: %v", method, u, raw, err)
	}
	a.Status, a.Header = resp.StatusCode, resp.Header
	return a
}

func shopInfo(t *testing.T, s *Sim, id string) ShopInfo {
	t.Helper()
	for _, sh := range s.Shops() {
		if sh.ID == id {
			return sh
		}
	}
	t.Fatalf("no shop %s", id)
	return ShopInfo{}
}
