package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"lastmile/internal/marketplace/tiktok"
)

// The sim's own codes, for failures the platform's documentation names without a number that
// lastmile relies on. The client treats them, like every code it does not know, as Refuse.
const (
	// CodeInvalidParameter: a parameter is missing, malformed or out of range; the message
	// names it.
	CodeInvalidParameter = 98000400
	// CodeNotFound: no such order, package, cancellation, return or authorisation code.
	CodeNotFound = 98000404
	// CodeConflict: the object's state does not allow the call (a package already shipped, a
	// document before shipping, self_shipment on a platform-logistics package).
	CodeConflict = 98000409
)

// maxBody bounds a request body.
const maxBody = 4 << 20

// apiErr is an error answer: code, HTTP status and message.
type apiErr struct {
	code   int
	status int
	msg    string
}

func errParam(format string, a ...any) *apiErr {
	return &apiErr{code: CodeInvalidParameter, status: http.StatusOK, msg: fmt.Sprintf(format, a...)}
}

func errNotFound(format string, a ...any) *apiErr {
	return &apiErr{code: CodeNotFound, status: http.StatusOK, msg: fmt.Sprintf(format, a...)}
}

func errConflict(format string, a ...any) *apiErr {
	return &apiErr{code: CodeConflict, status: http.StatusOK, msg: fmt.Sprintf(format, a...)}
}

// call is one verified API request.
type call struct {
	r      *http.Request
	q      url.Values
	body   []byte
	seller *seller
	shop   *shopState
	now    time.Time
}

// handler answers a verified call with the data or an error. It runs with s.mu held.
type handler func(c *call) (any, *apiErr)

// envelope is every answer's outer shape, fields in the documented order.
type envelope struct {
	Code      int    `json:"code"`
	Message   string `json:"message"`
	Data      any    `json:"data,omitempty"`
	RequestID string `json:"request_id"`
}

func (s *Sim) routes() http.Handler {
	mux := http.NewServeMux()
	api := func(pattern string, scoped bool, h handler) { mux.Handle(pattern, s.api(scoped, h)) }
	// Auth host.
	mux.HandleFunc("GET /api/v2/token/get", s.handleTokenGet)
	mux.HandleFunc("GET /api/v2/token/refresh", s.handleTokenRefresh)
	// API host.
	api("GET /authorization/202309/shops", false, s.handleShops)
	api("POST /order/202309/orders/search", true, s.handleOrderSearch)
	api("GET /order/202309/orders", true, s.handleOrderDetail)
	api("POST /fulfillment/202309/packages/search", true, s.handlePackageSearch)
	api("POST /fulfillment/202309/packages/ship", true, s.handleBatchShip)
	api("GET /fulfillment/202309/packages/{id}", true, s.handlePackageDetail)
	api("POST /fulfillment/202309/packages/{id}/ship", true, s.handleShip)
	api("POST /fulfillment/202309/packages/{id}/shipping_info/update", true, s.handleShippingInfoUpdate)
	api("GET /fulfillment/202309/packages/{id}/shipping_documents", true, s.handleShippingDocuments)
	api("GET /logistics/202309/delivery_options/{id}/shipping_providers", true, s.handleProviders)
	api("POST /return_refund/202309/cancellations/search", true, s.handleCancellationSearch)
	api("POST /return_refund/202309/cancellations/{id}/approve", true, s.handleCancellationApprove)
	api("POST /return_refund/202309/cancellations/{id}/reject", true, s.handleCancellationReject)
	api("POST /return_refund/202309/returns/search", true, s.handleReturnSearch)
	api("POST /return_refund/202309/returns/{id}/approve", true, s.handleReturnApprove)
	api("POST /return_refund/202309/returns/{id}/reject", true, s.handleReturnReject)
	api("PUT /event/202309/webhooks", true, s.handleSubscribe)
	api("GET /event/202309/webhooks", true, s.handleSubscriptions)
	s.customerServiceRoutes(mux, api)
	// Sim-only.
	mux.HandleFunc("POST /sim/authorize", s.handleSimAuthorize)
	mux.HandleFunc("GET /sim/stats", s.handleSimStats)
	mux.HandleFunc("GET /sim/shops", s.handleSimShops)
	mux.HandleFunc("POST /sim/orders", s.handleSimOrders)
	mux.HandleFunc("POST /sim/peak", s.handleSimPeak)
	mux.HandleFunc("POST /sim/rate", s.handleSimRate)
	mux.HandleFunc("POST /sim/webhooks", s.handleSimWebhook)
	mux.HandleFunc("POST /sim/faults", s.handleSimFaults)
	mux.HandleFunc("POST /sim/tokens/expire", s.handleSimExpireTokens)
	mux.HandleFunc("GET /sim/documents/{token}", s.handleDocument)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.writeEnvelope(w, &apiErr{code: CodeNotFound, status: http.StatusNotFound,
			msg: fmt.Sprintf("no such API: %s %s (docs/tiktok.md lists what the sim serves)", r.Method, r.URL.Path)}, nil)
	})
	return mux
}

// writeEnvelope writes a success (e nil, data) or an error answer.
func (s *Sim) writeEnvelope(w http.ResponseWriter, e *apiErr, data any) {
	s.mu.Lock()
	id := s.requestID()
	s.mu.Unlock()
	writeAnswer(w, id, e, data)
}

// writeAnswer writes the envelope with request id.
func writeAnswer(w http.ResponseWriter, id string, e *apiErr, data any) {
	env := envelope{Message: "Success", RequestID: id}
	status := http.StatusOK
	if e != nil {
		env.Code, env.Message, status = e.code, e.msg, e.status
	} else {
		env.Data = data
		if data == nil {
			env.Data = struct{}{}
		}
	}
	b, err := marshal(env)
	if err != nil {
		env = envelope{Code: tiktok.CodeInternal, Message: "encoding the answer: " + err.Error(), RequestID: id}
		b, _ = marshal(env)
		status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// marshal is JSON without HTML escaping and without a trailing newline.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// requestID is a request_id in the platform's shape: the time, then 18 hex digits.
func (s *Sim) requestID() string {
	return s.Now().Format("20060102150405") + strings.ToUpper(fmt.Sprintf("%016x%02x", s.rng.Uint64(), s.rng.IntN(256)))
}

// api wraps an API-host handler with the platform's checks, in its order: app key, timestamp
// (30 s), sign, rate limit, access token, shop cipher, then injected faults.
func (s *Sim) api(scoped bool, h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now() // measurement only (Stats.HandlerNanos), not the sim's clock
		defer func() {
			d := time.Since(start).Nanoseconds()
			s.mu.Lock()
			s.stats.HandlerNanos += d
			s.mu.Unlock()
		}()
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			s.writeEnvelope(w, errParam("the body is unreadable or larger than %d bytes", maxBody), nil)
			return
		}
		q := r.URL.Query()
		s.mu.Lock()
		c := &call{r: r, q: q, body: body, now: s.Now()}
		var data any
		e, retryAfter := s.verify(c, scoped)
		if e == nil {
			data, e = h(c)
		}
		var out []byte
		id := s.requestID()
		if e == nil {
			// Encode while the state cannot change under the data.
			out, err = marshal(envelope{Message: "Success", Data: orEmpty(data), RequestID: id})
			if err != nil {
				e = &apiErr{code: tiktok.CodeInternal, status: http.StatusInternalServerError, msg: err.Error()}
			}
		}
		s.mu.Unlock()
		if e != nil {
			if e.code != tiktok.CodeInternal && e.code != tiktok.CodeRateLimited {
				s.opts.Logger.Debug("tiktok sim: refused", "path", r.URL.Path, "code", e.code, "message", e.msg)
			}
			if retryAfter > 0 {
				w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
			}
			writeAnswer(w, id, e, nil)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(out)
	})
}

func orEmpty(v any) any {
	if v == nil {
		return struct{}{}
	}
	return v
}

// verify runs the platform's checks on c; it returns the refusal, if any, and the seconds a
// rate-limited caller should wait.
func (s *Sim) verify(c *call, scoped bool) (*apiErr, int) {
	s.stats.Requests++
	q := c.q
	if q.Get("app_key") != s.opts.AppKey {
		s.stats.BadCredentials++
		return &apiErr{code: tiktok.CodeInvalidCredentials, status: http.StatusOK, msg: "invalid app_key"}, 0
	}
	ts, err := strconv.ParseInt(q.Get("timestamp"), 10, 64)
	if err != nil || math.Abs(float64(c.now.Unix()-ts)) > MaxClockSkew.Seconds() {
		s.stats.BadTimestamp++
		return &apiErr{code: tiktok.CodeInvalidCredentials, status: http.StatusOK,
			msg: fmt.Sprintf("invalid timestamp %q: it must be the Unix time in seconds, within %s of the platform's clock (%d)", q.Get("timestamp"), MaxClockSkew, c.now.Unix())}, 0
	}
	multipart := strings.HasPrefix(c.r.Header.Get("Content-Type"), "multipart/")
	want := tiktok.Sign(s.opts.AppSecret, c.r.Method, c.r.URL.Path, q, c.body, multipart)
	if got := q.Get("sign"); !hmacEqualHex(got, want) {
		s.stats.BadSign++
		return &apiErr{code: tiktok.CodeBadSign, status: http.StatusOK, msg: "invalid sign: sign the path, the sorted query parameters and the body as documented"}, 0
	}
	if s.limiter != nil {
		if wait := s.limiter.take(c.now); wait > 0 {
			s.stats.RateLimited++
			return &apiErr{code: tiktok.CodeRateLimited, status: http.StatusTooManyRequests, msg: "too many requests: slow down"}, int(math.Ceil(wait.Seconds()))
		}
	}
	tok := c.r.Header.Get("x-tts-access-token")
	at := s.access[tok]
	switch {
	case tok == "":
		s.stats.BadCredentials++
		return &apiErr{code: tiktok.CodeInvalidCredentials, status: http.StatusOK, msg: "the access token is missing: send it in the x-tts-access-token header"}, 0
	case at == nil:
		s.stats.BadCredentials++
		return &apiErr{code: tiktok.CodeInvalidCredentials, status: http.StatusOK, msg: "invalid access token"}, 0
	case at.seller.deauthorized:
		s.stats.BadCredentials++
		return &apiErr{code: tiktok.CodeInvalidCredentials, status: http.StatusOK, msg: "the seller revoked the app's authorisation: authorise again"}, 0
	case !c.now.Before(at.expires):
		s.stats.ExpiredToken++
		return &apiErr{code: tiktok.CodeTokenExpired, status: http.StatusOK, msg: "the access token has expired: refresh it"}, 0
	}
	c.seller = at.seller
	cipher := q.Get("shop_cipher")
	if scoped {
		for _, sh := range at.seller.shops {
			if sh.cipher == cipher {
				c.shop = sh
			}
		}
		if c.shop == nil {
			return &apiErr{code: tiktok.CodeCipherMissing, status: http.StatusOK,
				msg: fmt.Sprintf("shop_cipher %q is missing or not one of this seller's shops: GET /authorization/202309/shops lists them", cipher)}, 0
		}
	}
	if e, retryAfter := s.fault(c); e != nil {
		s.stats.Faults++
		return e, retryAfter
	}
	return nil, 0
}

// hmacEqualHex compares two hex signatures in constant time (case-insensitively).
func hmacEqualHex(got, want string) bool {
	if len(got) != len(want) {
		return false
	}
	var d byte
	for i := 0; i < len(got); i++ {
		c := got[i]
		if c >= 'A' && c <= 'F' {
			c += 'a' - 'A'
		}
		d |= c ^ want[i]
	}
	return d == 0
}

// Fault is an injected failure: the next Count API requests whose path starts with Path (""
// for any) are answered with Code at HTTPStatus (zero: 500 for 36009003, 429 for 36009002,
// else 200) instead of being served.
type Fault struct {
	Code       int    `json:"code"`
	HTTPStatus int    `json:"http_status"`
	Count      int    `json:"count"`
	Path       string `json:"path"`
	// Message is the answer's message; "" is a standard one.
	Message string `json:"message"`
	// RetryAfter, in seconds, is sent as Retry-After when positive.
	RetryAfter int `json:"retry_after"`
	// PackageID, when set, makes the fault a per-item one: the next Count batch ships
	// (POST packages/ship) that carry this package answer code 0 and list it in data.errors[]
	// with Code and Message, unshipped; the request itself is served.
	PackageID string `json:"package_id"`
}

// InjectFault adds f.
func (s *Sim) InjectFault(f Fault) error {
	if f.Count < 1 {
		return errors.New("fault count: want 1 or more")
	}
	if f.Code == 0 && f.HTTPStatus == 0 {
		return errors.New("fault: give a code or an HTTP status")
	}
	if f.HTTPStatus == 0 {
		switch f.Code {
		case tiktok.CodeInternal:
			f.HTTPStatus = http.StatusInternalServerError
		case tiktok.CodeRateLimited:
			f.HTTPStatus = http.StatusTooManyRequests
		default:
			f.HTTPStatus = http.StatusOK
		}
	}
	if f.HTTPStatus < 200 || f.HTTPStatus > 599 {
		return fmt.Errorf("fault http_status %d: want 200 to 599", f.HTTPStatus)
	}
	if f.Message == "" {
		f.Message = fmt.Sprintf("injected fault %d", f.Code)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
	return nil
}

// itemFault returns the injected per-item failure of package id in a batch ship, if any.
func (s *Sim) itemFault(id string) *apiErr {
	for i, f := range s.faults {
		if f.PackageID == id {
			f.Count--
			if f.Count <= 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			s.stats.Faults++
			return &apiErr{code: f.Code, status: f.HTTPStatus, msg: f.Message}
		}
	}
	return nil
}

// fault returns the injected or random failure of c, if any, and the Retry-After to send.
func (s *Sim) fault(c *call) (*apiErr, int) {
	for i, f := range s.faults {
		if f.PackageID == "" && strings.HasPrefix(c.r.URL.Path, f.Path) {
			f.Count--
			if f.Count <= 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			return &apiErr{code: f.Code, status: f.HTTPStatus, msg: f.Message}, f.RetryAfter
		}
	}
	if s.opts.FaultRate > 0 && s.rng.Float64() < s.opts.FaultRate {
		return &apiErr{code: tiktok.CodeInternal, status: http.StatusInternalServerError, msg: "internal error: try again"}, 0
	}
	return nil, 0
}

// decode reads the call's JSON body into v, naming the field of a type error. An empty body
// is an empty object.
func (c *call) decode(v any) *apiErr {
	if len(bytes.TrimSpace(c.body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(c.body))
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return errParam("%s: want %s, got %s", te.Field, te.Type, te.Value)
		}
		return errParam("the body is not valid JSON: %v", err)
	}
	return nil
}

// pageParams reads page_size (1 to max), page_token, sort_field and sort_order.
func (c *call) pageParams(max int, sortFields ...string) (size int, token, field string, desc bool, e *apiErr) {
	size, err := strconv.Atoi(c.q.Get("page_size"))
	if err != nil || size < 1 || size > max {
		return 0, "", "", false, errParam("page_size %q: want 1 to %d", c.q.Get("page_size"), max)
	}
	field = c.q.Get("sort_field")
	if field == "" {
		field = sortFields[0]
	}
	ok := false
	for _, f := range sortFields {
		ok = ok || f == field
	}
	if !ok {
		return 0, "", "", false, errParam("sort_field %q: want one of %s", field, strings.Join(sortFields, ", "))
	}
	switch c.q.Get("sort_order") {
	case "", "DESC":
		desc = true
	case "ASC":
	default:
		return 0, "", "", false, errParam("sort_order %q: want ASC or DESC", c.q.Get("sort_order"))
	}
	return size, c.q.Get("page_token"), field, desc, nil
}

// bucket is a token bucket on the sim's clock: rate tokens a second, at most one second's
// worth (and at least one) saved.
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

// take takes a token if there is one (zero) or says how long until there is.
func (b *bucket) take(now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = math.Min(b.burst, b.tokens+el*b.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return 0
	}
	return time.Duration((1 - b.tokens) / b.rate * float64(time.Second))
}
