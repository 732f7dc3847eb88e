// Package sim is a simulated carrier network, faithful enough to test lastmile against and to
// run the demo on: an HTTP service (net/http) with its own JSON protocol (docs/carriers.md)
// and API-key auth, in which USPS, UPS, FedEx, DHL eCommerce, J&T Express (US, ID, TH, MY, PH,
// VN), Royal Mail, Evri, Ninja Van (TH, MY, SG, PH, VN) and Flash Express sell labels priced
// from the rate cards, with tracking numbers in each carrier's real format and check digit.
//
// Like a real carrier API it is slow, rate-limited and sometimes fails: Options set the
// latency, the share of requests that fail transiently (a 503, a request that hangs past the
// client's deadline, a connection dropped after the label was bought) and the requests per
// second per carrier (429 with Retry-After). A retried purchase with the same Idempotency-Key
// gets the same label, so a client that retries survives every fault without buying twice;
// GET /sim/stats counts labels and purchases for a package that already had one.
//
// Start runs a network in-process (tests, `lastmile demo`); `lastmile sim carriers` runs one
// alone. Client (adapter type "sim") is the carrier.Carrier that speaks the protocol.
//
// The network keeps every label with its purchase time and reads time from an injected clock,
// so that it can later emit tracking events over simulated time (see events).
package sim

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"lastmile/internal/carrier"
)

// Network is a running simulated carrier network.
type Network struct {
	opts     Options
	profiles map[string]*profile
	url      string
	srv      *http.Server
	ln       net.Listener
	closing  chan struct{}
	done     chan struct{}
	stop     sync.Once
	// gate is held for reading by every running handler; Close takes it for writing, so the
	// journal closes after the last handler wrote its record, and later handlers see shut.
	gate sync.RWMutex
	shut bool

	rngMu sync.Mutex
	rng   *rand.Rand

	limits map[string]*bucket

	mu       sync.Mutex // guards st, journal and inflight
	st       *state
	journal  *journal
	inflight map[idemKey]chan struct{}
}

// Start starts a network listening on opts.Addr and returns once it accepts connections. It
// stops when ctx is done or Close is called.
func Start(ctx context.Context, opts Options) (*Network, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("sim: %w", err)
	}
	n := &Network{
		opts: opts, profiles: map[string]*profile{}, closing: make(chan struct{}), done: make(chan struct{}),
		rng: rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)), limits: map[string]*bucket{},
		inflight: map[idemKey]chan struct{}{},
	}
	for i := range defs {
		p, err := newProfile(&defs[i], opts.Cards)
		if err != nil {
			return nil, fmt.Errorf("sim: %w", err)
		}
		n.profiles[p.code] = p
		n.limits[p.code] = newBucket(opts.rateLimit(p.code), opts.Now())
	}
	n.st = newState(opts.Seed)
	if opts.StatePath != "" {
		j, err := openJournal(opts.StatePath, n.st)
		if err != nil {
			return nil, fmt.Errorf("sim: state %s: %w", opts.StatePath, err)
		}
		n.journal = j
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		n.closeJournal()
		return nil, fmt.Errorf("sim: listen %s: %w", opts.Addr, err)
	}
	n.ln = ln
	n.url = "http://" + ln.Addr().String()
	n.srv = &http.Server{Handler: n.routes(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(n.done)
		_ = n.srv.Serve(ln)
	}()
	context.AfterFunc(ctx, func() { _ = n.Close() })
	return n, nil
}

// URL is the network's base URL, http://HOST:PORT.
func (n *Network) URL() string { return n.url }

// APIKey is the key clients must send.
func (n *Network) APIKey() string { return n.opts.APIKey }

// Codes are the codes of the simulated carriers.
func (n *Network) Codes() []string { return Codes() }

// Clients returns a client for every simulated carrier of the network, sorted by code, with
// a per-call timeout (zero is DefaultTimeout). They share one HTTP connection pool.
func (n *Network) Clients(timeout time.Duration) ([]*Client, error) {
	return Clients(ClientConfig{URL: n.url, APIKey: n.opts.APIKey, Timeout: timeout})
}

// Carriers is Clients as carrier.Carrier values, ready for carrier.NewSet.
func (n *Network) Carriers(timeout time.Duration) ([]carrier.Carrier, error) {
	cs, err := n.Clients(timeout)
	if err != nil {
		return nil, err
	}
	out := make([]carrier.Carrier, len(cs))
	for i, c := range cs {
		out[i] = c
	}
	return out, nil
}

// Close stops the network: the listener and every connection are closed (a test fixture
// needs no graceful drain), waiting and hanging requests released, and the state journal
// closed once the last handler has returned. It is safe to call more than once.
func (n *Network) Close() error {
	var err error
	n.stop.Do(func() {
		close(n.closing)
		_ = n.srv.Close()
		<-n.done
		n.gate.Lock()
		n.shut = true
		n.gate.Unlock()
		err = n.closeJournal()
	})
	return err
}

func (n *Network) closeJournal() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.journal == nil {
		return nil
	}
	err := n.journal.close()
	n.journal = nil
	return err
}

// Stats returns what each carrier sold and how it was asked.
func (n *Network) Stats() Stats {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := Stats{Carriers: make(map[string]CarrierStats, len(defs))}
	for _, d := range defs {
		out.Carriers[d.code] = *n.st.stats(d.code)
	}
	return out
}

// Stats is the answer of GET /sim/stats.
type Stats struct {
	Carriers map[string]CarrierStats `json:"carriers"`
}

// CarrierStats counts one carrier's business. Labels and RepeatPurchases are the figures a
// batch is checked against: every package shipped exactly once means Labels equals the
// packages and RepeatPurchases is zero.
type CarrierStats struct {
	// Labels are the labels sold (voided ones included).
	Labels int64 `json:"labels"`
	// RepeatPurchases are purchases with a new idempotency key for a package reference that
	// already had a live (not voided) label, at this carrier or another of the network.
	// Answering a retry with the same label is not one.
	RepeatPurchases int64 `json:"repeat_purchases"`
	// Replays are purchases answered with an existing label because the key was seen before.
	Replays int64 `json:"replays"`
	// Voided are labels voided; Manifests and Pickups those created.
	Voided    int64 `json:"voided"`
	Manifests int64 `json:"manifests"`
	Pickups   int64 `json:"pickups"`
	// Requests are the /v1 requests that passed authentication; Faults those the sim failed
	// on purpose; RateLimited those answered 429.
	Requests    int64 `json:"requests"`
	Faults      int64 `json:"faults"`
	RateLimited int64 `json:"rate_limited"`
}

// routes is the protocol's HTTP surface.
func (n *Network) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /v1/carriers", n.authOnly(n.handleCarriers))
	mux.Handle("GET /v1/{carrier}", n.api("", n.handleCarrier))
	mux.Handle("POST /v1/{carrier}/rates", n.api("rate", n.handleRates))
	mux.Handle("POST /v1/{carrier}/labels", n.api("purchase", n.handlePurchase))
	mux.Handle("POST /v1/{carrier}/labels/{id}/void", n.api("void", n.handleVoid))
	mux.Handle("GET /v1/{carrier}/tracking", n.api("track", n.handleTracking))
	mux.Handle("POST /v1/{carrier}/manifests", n.api("manifest", n.handleManifest))
	mux.Handle("POST /v1/{carrier}/pickups", n.api("pickup", n.handlePickup))
	mux.HandleFunc("GET /sim/stats", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, n.Stats()) })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "", fmt.Sprintf("no endpoint %s %s; see docs/carriers.md", r.Method, r.URL.Path))
	})
	return mux
}

// opCapability is the capability an operation needs.
var opCapability = map[string]carrier.Capabilities{
	"rate": carrier.CanRate, "purchase": carrier.CanPurchase, "void": carrier.CanVoid, "track": carrier.CanTrack,
	"manifest": carrier.CanManifest, "pickup": carrier.CanPickup,
}

type handler func(w http.ResponseWriter, r *http.Request, p *profile)

// authorized reports whether the request carries the network's key.
func (n *Network) authorized(r *http.Request) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(n.opts.APIKey)) == 1
}

func unauthorized(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="lastmile-sim"`)
	writeError(w, http.StatusUnauthorized, "unauthorized", "Authorization",
		"missing or wrong API key: send the header Authorization: Bearer <key> with the key the sim printed at start")
}

func (n *Network) authOnly(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !n.authorized(r) {
			unauthorized(w)
			return
		}
		h(w, r)
	})
}

// api wraps a carrier endpoint: the carrier must exist, the key be right, the carrier support
// the operation and have capacity (rate limit); then the request may meet an injected fault,
// waits the latency and is handled.
func (n *Network) api(op string, h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.gate.RLock()
		defer n.gate.RUnlock()
		if n.shut {
			writeError(w, http.StatusServiceUnavailable, "closing", "", errClosed.Error())
			return
		}
		p, ok := n.profiles[r.PathValue("carrier")]
		if !ok {
			writeError(w, http.StatusNotFound, "unknown_carrier", "carrier",
				fmt.Sprintf("no simulated carrier %q; the sim has %s", r.PathValue("carrier"), strings.Join(Codes(), ", ")))
			return
		}
		if !n.authorized(r) {
			unauthorized(w)
			return
		}
		n.count(p.code, func(s *CarrierStats) { s.Requests++ })
		if need, ok := opCapability[op]; ok && !p.caps.Has(need) {
			writeError(w, http.StatusNotImplemented, "unsupported", "",
				fmt.Sprintf("%s does not offer %s (it offers %s)", p.code, op, p.caps))
			return
		}
		if ok, wait := n.limits[p.code].take(n.opts.Now()); !ok {
			n.count(p.code, func(s *CarrierStats) { s.RateLimited++ })
			secs := int64((wait + time.Second - 1) / time.Second)
			w.Header().Set("Retry-After", fmt.Sprint(secs))
			writeErrorBody(w, http.StatusTooManyRequests, wireErrorBody{Code: "rate_limited", RetryAfterMS: max(1, int64((wait+time.Millisecond-1)/time.Millisecond)),
				Message: fmt.Sprintf("%s answers %g requests a second; retry after %s", p.code, n.opts.rateLimit(p.code), wait.Round(time.Millisecond))})
			return
		}
		fault := n.pickFault()
		if fault != "" {
			n.count(p.code, func(s *CarrierStats) { s.Faults++ })
			n.opts.Logger.Info("sim: injected fault", "carrier", p.code, "op", op, "fault", string(fault))
		}
		if !n.sleep(r.Context(), n.opts.Latency) {
			return
		}
		switch fault {
		case FaultServerError:
			writeError(w, http.StatusServiceUnavailable, "server_error", "", "the carrier's service is unavailable (simulated); retry with the same Idempotency-Key")
			return
		case FaultTimeout:
			if n.sleep(r.Context(), n.opts.HangFor) {
				writeError(w, http.StatusGatewayTimeout, "timeout", "", "the carrier did not answer in time (simulated); retry with the same Idempotency-Key")
			}
			return
		case FaultDrop:
			// Do the work, lose the answer: the client must retry with the same key to learn
			// what it bought.
			h(&discard{header: http.Header{}}, r, p)
			panic(http.ErrAbortHandler)
		}
		h(w, r, p)
	})
}

// pickFault draws whether this request fails, and how.
func (n *Network) pickFault() Fault {
	if n.opts.FaultRate <= 0 {
		return ""
	}
	n.rngMu.Lock()
	defer n.rngMu.Unlock()
	if n.rng.Float64() >= n.opts.FaultRate {
		return ""
	}
	return n.opts.Faults[n.rng.IntN(len(n.opts.Faults))]
}

// sleep waits d; it returns false when the client went away or the network is closing first.
func (n *Network) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-n.closing:
		return false
	}
}

// count updates a carrier's counters.
func (n *Network) count(code string, f func(*CarrierStats)) {
	n.mu.Lock()
	f(n.st.stats(code))
	n.mu.Unlock()
}

// discard is a ResponseWriter that drops the answer (FaultDrop).
type discard struct{ header http.Header }

func (d *discard) Header() http.Header         { return d.header }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

// bucket is a token bucket: rate tokens a second, at most max(rate, 1) saved up.
type bucket struct {
	mu     sync.Mutex
	rate   float64
	tokens float64
	last   time.Time
}

func newBucket(rate float64, now time.Time) *bucket {
	return &bucket{rate: rate, tokens: max(rate, 1), last: now}
}

// take spends a token; when there is none it says how long until there is.
func (b *bucket) take(now time.Time) (bool, time.Duration) {
	if b.rate <= 0 {
		return true, 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if dt := now.Sub(b.last).Seconds(); dt > 0 {
		b.tokens = min(max(b.rate, 1), b.tokens+dt*b.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / b.rate * float64(time.Second))
}

var errClosed = errors.New("the simulated network is closing")
