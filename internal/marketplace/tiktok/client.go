package tiktok

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The platform's hosts.
const (
	DefaultAPIBase  = "https://open-api.tiktokglobalshop.com"
	DefaultAuthBase = "https://auth.tiktok-shops.com"
)

// Defaults of Config.
const (
	DefaultTimeout       = 30 * time.Second
	DefaultMaxAttempts   = 4
	DefaultRetryBase     = 500 * time.Millisecond
	DefaultMaxRetryWait  = 30 * time.Second
	DefaultRefreshBefore = 30 * time.Minute
	// maxAnswer bounds an answer's body: a page of 100 orders is a few hundred kilobytes.
	maxAnswer = 32 << 20
)

// Config configures a Client: one TikTok Shop app, serving every shop that authorised it.
type Config struct {
	// AppKey and AppSecret are the app's credentials from the partner centre. The secret signs
	// every request and is never sent, except to the token endpoints as the platform requires.
	AppKey, AppSecret string
	// APIBase is the API host's URL; "" is DefaultAPIBase. lastmile reads it from
	// LASTMILE_TIKTOK_API_BASE, which tests and the demo point at the simulator. Requests are
	// signed over the API path alone, so a base with a path prefix signs what the platform sees
	// only when the prefix is stripped before it.
	APIBase string
	// AuthBase is the auth host's URL (token get and refresh). "" is DefaultAuthBase when
	// APIBase is "" too, and APIBase otherwise: the simulator serves both hosts at one address.
	AuthBase string
	// HTTPClient sends the requests; nil is a client of its own.
	HTTPClient *http.Client
	// Timeout bounds one attempt of a call; zero is DefaultTimeout (30 s).
	Timeout time.Duration
	// MaxAttempts bounds the attempts of one call, the first included; zero is
	// DefaultMaxAttempts (4), 1 never retries. Rate-limited calls are retried whatever the call
	// (the platform did not do them); calls that failed with Retry only when they are safe to
	// repeat (reads, and writes that carry an idempotency key).
	MaxAttempts int
	// RetryBase is the first wait before a retry when the platform gave no Retry-After; it
	// doubles on every further attempt. Zero is DefaultRetryBase (500 ms).
	RetryBase time.Duration
	// MaxRetryWait is the longest the client waits before one retry; an answer asking for more
	// (Retry-After) is returned to the caller at once. Zero is DefaultMaxRetryWait (30 s).
	MaxRetryWait time.Duration
	// RateLimit is the most requests per second the client sends for the app (a token bucket
	// with a burst of one second's worth); zero sends as fast as asked.
	RateLimit float64
	// RefreshBefore is how long before its expiry Tokens refreshes an access token; zero is
	// DefaultRefreshBefore (30 min).
	RefreshBefore time.Duration
	// Now is the clock that stamps requests (their timestamp must be within 30 s of the
	// platform's); nil is time.Now.
	Now func() time.Time
	// Sleep waits d or until ctx is done; nil is a timer. Tests pass one that moves their clock.
	Sleep func(ctx context.Context, d time.Duration) error
	// Logger receives a line per retry; nil discards.
	Logger *slog.Logger
}

// Client calls the TikTok Shop Partner API for one app. It is safe for concurrent use.
type Client struct {
	cfg     Config
	api     string
	auth    string
	hc      *http.Client
	limiter *bucket
}

// New returns a client for cfg.
func New(cfg Config) (*Client, error) {
	if cfg.AppKey == "" || cfg.AppSecret == "" {
		return nil, errors.New("tiktok: the app key and app secret are required (LASTMILE_TIKTOK_APP_KEY, LASTMILE_TIKTOK_APP_SECRET)")
	}
	api := cfg.APIBase
	if api == "" {
		api = DefaultAPIBase
	}
	auth := cfg.AuthBase
	if auth == "" {
		auth = DefaultAuthBase
		if cfg.APIBase != "" {
			auth = cfg.APIBase
		}
	}
	for _, b := range []struct{ name, v string }{{"API base", api}, {"auth base", auth}} {
		u, err := url.Parse(b.v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("tiktok: %s %q: want an http:// or https:// URL such as %s", b.name, b.v, DefaultAPIBase)
		}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.RetryBase <= 0 {
		cfg.RetryBase = DefaultRetryBase
	}
	if cfg.MaxRetryWait <= 0 {
		cfg.MaxRetryWait = DefaultMaxRetryWait
	}
	if cfg.RefreshBefore <= 0 {
		cfg.RefreshBefore = DefaultRefreshBefore
	}
	if cfg.RateLimit < 0 || math.IsNaN(cfg.RateLimit) {
		return nil, fmt.Errorf("tiktok: rate limit %v: want requests per second, 0 for none", cfg.RateLimit)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 64
		hc = &http.Client{Transport: t}
	}
	c := &Client{cfg: cfg, api: strings.TrimRight(api, "/"), auth: strings.TrimRight(auth, "/"), hc: hc}
	if cfg.RateLimit > 0 {
		c.limiter = newBucket(cfg.RateLimit, cfg.Now())
	}
	return c, nil
}

// AppKey is the app's key.
func (c *Client) AppKey() string { return c.cfg.AppKey }

// VerifyWebhook reports whether authorization is the platform's signature of a webhook body
// sent to this app (see the package function VerifyWebhook).
func (c *Client) VerifyWebhook(authorization string, body []byte) bool {
	return VerifyWebhook(c.cfg.AppKey, c.cfg.AppSecret, authorization, body)
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Request is one call of the API. The typed methods build it; Call sends any other.
type Request struct {
	// Op names the call in errors and logs ("search orders").
	Op string
	// Method is GET, POST or PUT.
	Method string
	// Path is the API path, "/order/202309/orders/search".
	Path string
	// Query holds the call's own parameters; Call adds app_key, timestamp, shop_cipher and sign.
	// One value per key.
	Query url.Values
	// Body is sent as JSON unless nil; RawBody, when set, is sent (and signed) as it is instead.
	Body    any
	RawBody []byte
	// Tokens gives the seller's access token, sent as x-tts-access-token; an answer that it has
	// expired (105002) makes Call refresh it once and repeat the call.
	Tokens TokenSource
	// ShopCipher is the shop's cipher, required by shop-scoped calls.
	ShopCipher string
	// Repeatable says the call may be repeated after it failed with Retry: a read, or a write
	// that carries an idempotency key.
	Repeatable bool
}

// Call sends r, signed, and decodes the answer's data into out (nil discards it). It returns
// the answer's request_id. It retries as Config says and refreshes an expired token once; every
// failure is an *Error (or the caller's context error).
func (c *Client) Call(ctx context.Context, r Request, out any) (string, error) {
	body := r.RawBody
	if body == nil && r.Body != nil {
		b, err := json.Marshal(r.Body)
		if err != nil {
			return "", &Error{Kind: Refuse, Op: r.Op, Message: "encoding the request body", Err: err}
		}
		body = b
	}
	refreshed := false
	for attempt := 1; ; attempt++ {
		token := ""
		if r.Tokens != nil {
			t, err := r.Tokens.AccessToken(ctx)
			if err != nil {
				return "", tokenError(r.Op, err)
			}
			token = t
		}
		if err := c.waitTurn(ctx); err != nil {
			return "", err
		}
		id, err := c.once(ctx, &r, body, token, out)
		if err == nil {
			return id, nil
		}
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		if IsExpiredToken(err) && r.Tokens != nil && !refreshed {
			refreshed = true
			if _, rerr := r.Tokens.Refresh(ctx, token); rerr != nil {
				return "", tokenError(r.Op, rerr)
			}
			attempt--
			continue
		}
		kind := KindOf(err)
		if attempt >= c.cfg.MaxAttempts || !(kind == RateLimited || (kind == Retry && r.Repeatable)) {
			return "", err
		}
		wait := RetryAfter(err)
		if wait == 0 {
			wait = c.cfg.RetryBase << min(attempt-1, 16)
		}
		if wait > c.cfg.MaxRetryWait {
			return "", err
		}
		c.cfg.Logger.Debug("tiktok: retrying", "op", r.Op, "attempt", attempt, "wait", wait, "err", err)
		if err := c.cfg.Sleep(ctx, wait); err != nil {
			return "", err
		}
	}
}

// tokenError is the error of a token source that failed: a platform *Error as it is,
// anything else a Reauth failure.
func tokenError(op string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &Error{Kind: Reauth, Op: op, Message: "no access token", Err: err}
}

// once sends one attempt.
func (c *Client) once(ctx context.Context, r *Request, body []byte, token string, out any) (string, error) {
	q := url.Values{}
	for k, v := range r.Query {
		if len(v) > 0 {
			q.Set(k, v[0])
		}
	}
	q.Set("app_key", c.cfg.AppKey)
	q.Set("timestamp", strconv.FormatInt(c.cfg.Now().Unix(), 10))
	if r.ShopCipher != "" {
		q.Set("shop_cipher", r.ShopCipher)
	}
	q.Set("sign", Sign(c.cfg.AppSecret, r.Method, r.Path, q, body, false))
	return c.send(ctx, r.Op, r.Method, c.api+r.Path+"?"+q.Encode(), body, token, out)
}

// send makes one HTTP request and decodes its answer.
func (c *Client) send(ctx context.Context, op, method, u string, body []byte, token string, out any) (string, error) {
	actx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(actx, method, u, rd)
	if err != nil {
		return "", &Error{Kind: Refuse, Op: op, Message: "building the request", Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("x-tts-access-token", token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", &Error{Kind: Retry, Op: op, Message: "no answer", Err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", &Error{Kind: Retry, Op: op, HTTPStatus: resp.StatusCode, Message: "reading the answer", Err: err}
	}
	if len(raw) > maxAnswer {
		return "", &Error{Kind: Refuse, Op: op, HTTPStatus: resp.StatusCode, Message: fmt.Sprintf("the answer is larger than %d bytes", maxAnswer)}
	}
	id, err := DecodeResponse(resp.StatusCode, resp.Header.Get("Retry-After"), raw, c.cfg.Now(), out)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.Op = op
		}
	}
	return id, err
}

// envelope is every answer's outer shape; Data holds a pointer to decode the data into.
type envelope struct {
	Code      *int   `json:"code"`
	Message   string `json:"message"`
	Data      any    `json:"data"`
	RequestID string `json:"request_id"`
}

// DecodeResponse reads one answer of the platform: HTTP status, Retry-After header, body. A
// code-0 envelope with a 2xx status decodes its data into out (nil discards) and returns the
// request_id; anything else is an *Error classified by ClassifyCode, keeping the request_id, the
// message and the wait the platform asked for (Retry-After in seconds or as an HTTP date,
// relative to now). It never panics, whatever the input.
func DecodeResponse(status int, retryAfter string, body []byte, now time.Time, out any) (string, error) {
	// One pass: the data is decoded straight into out while the envelope is read, which
	// halves the decoding cost of a page of orders compared with keeping it raw first.
	env := envelope{Data: out}
	if out == nil {
		env.Data = &json.RawMessage{}
	}
	err := json.Unmarshal(body, &env)
	if err != nil {
		// Slow path: was it the data that did not fit, or is there no envelope at all?
		env = envelope{Data: &json.RawMessage{}}
		if json.Unmarshal(body, &env) != nil {
			env.Code = nil
		}
	}
	if env.Code == nil {
		e := &Error{Kind: ClassifyCode(0, status), HTTPStatus: status, RetryAfter: parseRetryAfter(retryAfter, now)}
		if status >= 200 && status <= 399 {
			// A success status without the platform's envelope: something between lastmile and
			// the platform answered instead. Try again later.
			e.Kind = Retry
		}
		e.Message = fmt.Sprintf("answer without the platform's envelope (HTTP %d): %s", status, snippet(body))
		return "", e
	}
	code := *env.Code
	if code != CodeOK || status < 200 || status > 299 {
		msg := env.Message
		if msg == "" {
			msg = strings.TrimSpace(fmt.Sprintf("code %d, HTTP %d %s", code, status, http.StatusText(status)))
		}
		return env.RequestID, &Error{Kind: ClassifyCode(code, status), Code: code, HTTPStatus: status, Message: msg,
			RequestID: env.RequestID, RetryAfter: parseRetryAfter(retryAfter, now)}
	}
	if err != nil {
		return env.RequestID, &Error{Kind: Refuse, HTTPStatus: status, RequestID: env.RequestID,
			Message: "the answer's data does not have the documented shape", Err: err}
	}
	return env.RequestID, nil
}

// parseRetryAfter reads a Retry-After header: delay seconds or an HTTP date. Unreadable,
// negative or past values are zero; very long ones are capped at a day.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	const maxWait = 24 * time.Hour
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		if n > int64(maxWait/time.Second) {
			return maxWait
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d <= 0 {
			return 0
		}
		return min(d, maxWait)
	}
	return 0
}

// snippet is the start of an answer body, for error messages.
func snippet(b []byte) string {
	const n = 120
	s := strings.ToValidUTF8(string(b[:min(len(b), n)]), "?")
	if len(b) > n {
		s += "…"
	}
	if s == "" {
		s = "(empty)"
	}
	return s
}

// waitTurn waits for the rate limiter, if any.
func (c *Client) waitTurn(ctx context.Context) error {
	if c.limiter == nil {
		return ctx.Err()
	}
	d := c.limiter.take(c.cfg.Now())
	if d <= 0 {
		return ctx.Err()
	}
	return c.cfg.Sleep(ctx, d)
}

// bucket is a token bucket: rate tokens a second, at most one second's worth saved.
type bucket struct {
	mu     sync.Mutex
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

func newBucket(rate float64, now time.Time) *bucket {
	burst := math.Max(1, math.Ceil(rate))
	return &bucket{rate: rate, burst: burst, tokens: burst, last: now}
}

// take takes a token and returns how long to wait before using it (zero: now).
func (b *bucket) take(now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = math.Min(b.burst, b.tokens+el*b.rate)
		b.last = now
	}
	b.tokens--
	if b.tokens >= 0 {
		return 0
	}
	return time.Duration(-b.tokens / b.rate * float64(time.Second))
}

// APIBase is the API host's URL the client calls.
func (c *Client) APIBase() string { return c.api }
