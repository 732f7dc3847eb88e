// Package sim is a simulated TikTok Shop platform, faithful enough to test lastmile's
// marketplace client against and to run the demo on: one HTTP server that answers on the API
// host's paths (/order/202309/…, /fulfillment/202309/…, /return_refund/202309/…,
// /authorization/202309/shops, /event/202309/webhooks, /logistics/202309/…) and the auth host's
// (/api/v2/token/get, /api/v2/token/refresh), with the platform's envelope and error codes.
//
// Like the platform it checks every request's sign (106001), refuses a timestamp more than
// 30 s off its clock (36009004), expires access tokens (105002) and lets them be refreshed,
// rate-limits (HTTP 429, 36009002), wants the shop_cipher on shop-scoped calls (106013), and
// fails now and then (HTTP 500, 36009003). Its shops, in several markets and under two
// sellers, receive orders at a configurable rate (ten times more in peak mode) with realistic
// content (internal/demo's generator); the platform's deadlines are set on each order. It
// sends signed webhooks of the types each shop subscribed (PUT /event/202309/webhooks) to the
// subscribed address, or to a configured URL (ORDER_STATUS_CHANGE with the CANCEL spelling,
// sometimes duplicated, late or dropped; the other types on demand), moves orders along when
// they are shipped (AWAITING_COLLECTION, then IN_TRANSIT, DELIVERED and COMPLETED on its
// clock), silently drops a tracking number with illegal characters the way the platform
// does (R-SHIP-4: the order stays AWAITING_SHIPMENT), cancels orders not shipped by their
// shipping_due_time, answers batch ships (at most MaxShipBatch packages) with per-item errors
// under code 0, and serves
// platform labels as A6 PDFs that scan.
//
// What the platform leaves to its partners' consent pages is replaced by sim-only endpoints
// under /sim/: POST /sim/authorize issues an authorisation code for a shop; /sim/stats counts
// what happened; others create orders, trigger webhooks, inject faults (docs/tiktok.md).
//
// Start runs a sim in-process (tests, `lastmile demo`); `lastmile sim tiktok` runs one alone.
// Every random choice comes from Options.Seed and every time from Options.Now.
package sim

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"time"

	"lastmile/internal/demo"
	"lastmile/internal/marketplace/tiktok"
)

// Sim is a running simulated platform.
type Sim struct {
	opts    Options
	url     string
	srv     *http.Server
	ln      net.Listener
	closing chan struct{}
	done    chan struct{}
	loop    chan struct{}
	stop    sync.Once
	out     *outbox

	mu       sync.Mutex // guards everything below
	rng      *rand.Rand
	gen      *demo.Generator
	idBase   uint64
	seq      uint64
	sellers  map[string]*seller
	shops    []*shopState
	shopByID map[string]*shopState
	access   map[string]*accessToken
	refresh  map[string]*refreshToken
	codes    map[string]*authCode
	orders   map[string]*order
	pkgs     map[string]*pkg
	cancels  map[string]*cancellation
	returns  map[string]*returnReq
	docs     map[string]*document
	idem     map[string]string
	timers   timerHeap
	late     lateHeap
	faults   []*Fault
	limiter  *bucket
	peak     bool
	rate     float64
	lastStep time.Time
	carry    float64
	stats    Stats
}

// Start starts a sim listening on opts.Addr and returns once it accepts connections. It stops
// when ctx is done or Close is called.
func Start(ctx context.Context, opts Options) (*Sim, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("tiktok sim: %w", err)
	}
	s := newSim(opts)
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return nil, fmt.Errorf("tiktok sim: listen %s: %w", opts.Addr, err)
	}
	s.ln = ln
	s.url = "http://" + ln.Addr().String()
	s.srv = &http.Server{Handler: s.routes(), ReadHeaderTimeout: 10 * time.Second}
	s.out.start(s)
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(ln)
	}()
	if opts.Tick > 0 {
		go s.run(opts.Tick)
	} else {
		close(s.loop)
	}
	context.AfterFunc(ctx, func() { _ = s.Close() })
	return s, nil
}

func newSim(opts Options) *Sim {
	s := &Sim{
		opts: opts, closing: make(chan struct{}), done: make(chan struct{}), loop: make(chan struct{}),
		rng:     rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)),
		gen:     demo.NewGenerator(opts.Seed),
		idBase:  splitmix(opts.Seed) % 1_000_000_000_000,
		sellers: map[string]*seller{}, shopByID: map[string]*shopState{},
		access: map[string]*accessToken{}, refresh: map[string]*refreshToken{}, codes: map[string]*authCode{},
		orders: map[string]*order{}, pkgs: map[string]*pkg{}, cancels: map[string]*cancellation{},
		returns: map[string]*returnReq{}, docs: map[string]*document{}, idem: map[string]string{},
		peak:     opts.Peak,
		lastStep: opts.Now(),
		rate:     opts.OrderRate,
		stats:    Stats{OrdersCreated: map[string]int64{}, WebhooksByType: map[string]int64{}},
	}
	s.out = newOutbox(opts.HTTPClient)
	if opts.RateLimit > 0 {
		s.limiter = newBucket(opts.RateLimit, opts.Now())
	}
	for _, sh := range opts.Shops {
		sl := s.sellers[sh.SellerID]
		if sl == nil {
			sl = &seller{openID: sh.SellerID, name: sh.Name, region: "CN"}
			s.sellers[sh.SellerID] = sl
		}
		mk := opts.Markets[sh.Market]
		st := &shopState{
			Shop: sh, seller: sl, market: mk, subs: map[string]string{},
			cipher:           "ROW_" + stableID("cipher/"+sh.ID, 24),
			code:             "CN" + stableID("code/"+sh.ID, 8)[1:],
			deliveryOptionID: stableID("delivery-option/"+sh.ID, 19),
			warehouseID:      stableID("warehouse/"+sh.ID, 19),
			providers:        providersOf(string(sh.Market)),
		}
		if opts.WebhookURL != "" {
			// The app's callback, as if the shop had subscribed it for every type before the sim
			// started; a subscription of the shop's own replaces it type by type.
			for _, ev := range tiktok.EventNames() {
				st.subs[ev] = opts.WebhookURL
			}
		}
		sl.shops = append(sl.shops, st)
		s.shops = append(s.shops, st)
		s.shopByID[sh.ID] = st
		s.stats.OrdersCreated[sh.ID] = 0
	}
	return s
}

func splitmix(seed uint64) uint64 {
	z := seed + 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// run steps the world every tick until the sim closes.
func (s *Sim) run(tick time.Duration) {
	defer close(s.loop)
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-s.closing:
			return
		case <-t.C:
			s.Step()
		}
	}
}

// URL is the sim's base URL, http://HOST:PORT: the API base and the auth base of a client.
func (s *Sim) URL() string { return s.url }

// AppKey and AppSecret are the app the sim knows.
func (s *Sim) AppKey() string    { return s.opts.AppKey }
func (s *Sim) AppSecret() string { return s.opts.AppSecret }

// Now is the sim's clock.
func (s *Sim) Now() time.Time { return s.opts.Now().UTC() }

// Close stops the sim: the listener, the world's loop and the webhook senders (webhooks still
// queued are not sent). It is safe to call more than once.
func (s *Sim) Close() error {
	s.stop.Do(func() {
		close(s.closing)
		if s.srv != nil {
			_ = s.srv.Close()
			<-s.done
		}
		<-s.loop
		s.out.close()
	})
	return nil
}

// ShopInfo describes a shop for callers that connect to it: what GET /sim/shops answers.
type ShopInfo struct {
	Shop
	Cipher           string `json:"cipher"`
	DeliveryOptionID string `json:"delivery_option_id"`
}

// Shops lists the sim's shops with their ciphers.
func (s *Sim) Shops() []ShopInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ShopInfo, len(s.shops))
	for i, sh := range s.shops {
		out[i] = ShopInfo{Shop: sh.Shop, Cipher: sh.cipher, DeliveryOptionID: sh.deliveryOptionID}
	}
	return out
}

// Stats is the answer of GET /sim/stats: what the sim did and was asked.
type Stats struct {
	// OrdersCreated counts new orders by shop id; Orders is their total.
	OrdersCreated map[string]int64 `json:"orders_created"`
	Orders        int64            `json:"orders"`
	// Webhooks: queued to be sent (duplicates included), delivered with a 2xx answer, failed
	// (no answer or not 2xx), dropped on purpose, duplicated on purpose, delayed on purpose,
	// and not sent because no address was subscribed. WebhooksByType counts the queued ones by
	// type number.
	WebhooksQueued     int64            `json:"webhooks_queued"`
	WebhooksDelivered  int64            `json:"webhooks_delivered"`
	WebhooksFailed     int64            `json:"webhooks_failed"`
	WebhooksDropped    int64            `json:"webhooks_dropped"`
	WebhooksDuplicated int64            `json:"webhooks_duplicated"`
	WebhooksLate       int64            `json:"webhooks_late"`
	WebhooksNoAddress  int64            `json:"webhooks_no_address"`
	WebhooksByType     map[string]int64 `json:"webhooks_by_type"`
	// Ships counts packages shipped (one per package of a batch); TrackingDropped the
	// tracking numbers silently dropped for illegal characters (R-SHIP-4); ShippingInfoUpdates
	// the tracking numbers replaced.
	Ships int64 `json:"ships"`
	// BatchShipCalls counts POST packages/ship calls answered (their packages count in Ships).
	BatchShipCalls      int64 `json:"batch_ship_calls"`
	TrackingDropped     int64 `json:"tracking_dropped"`
	ShippingInfoUpdates int64 `json:"shipping_info_updates"`
	// Documents counts shipping documents issued; DocumentDownloads the files served.
	Documents         int64 `json:"documents"`
	DocumentDownloads int64 `json:"document_downloads"`
	// AutoCancels counts orders cancelled for passing shipping_due_time unshipped;
	// Cancellations and Returns the requests answered.
	AutoCancels           int64 `json:"auto_cancels"`
	CancellationsAnswered int64 `json:"cancellations_answered"`
	ReturnsAnswered       int64 `json:"returns_answered"`
	// Requests counts API and auth requests; the others those refused for a bad sign, a
	// timestamp off the clock, an expired token, another credential problem, the rate limit,
	// and those failed on purpose (FaultRate and injected faults).
	Requests       int64 `json:"requests"`
	BadSign        int64 `json:"bad_sign"`
	BadTimestamp   int64 `json:"bad_timestamp"`
	ExpiredToken   int64 `json:"expired_token"`
	BadCredentials int64 `json:"bad_credentials"`
	RateLimited    int64 `json:"rate_limited"`
	Faults         int64 `json:"faults"`
	// HandlerNanos is the wall time the API host spent reading, answering and writing
	// requests, for benchmarks that split the time between the sim and its client.
	HandlerNanos int64 `json:"handler_ns"`
	// TokensIssued and TokensRefreshed count the auth host's answers.
	TokensIssued    int64 `json:"tokens_issued"`
	TokensRefreshed int64 `json:"tokens_refreshed"`
}

// Stats returns the counts so far.
func (s *Sim) Stats() Stats {
	s.mu.Lock()
	st := s.stats
	st.OrdersCreated = make(map[string]int64, len(s.stats.OrdersCreated))
	for k, v := range s.stats.OrdersCreated {
		st.OrdersCreated[k] = v
	}
	st.WebhooksByType = make(map[string]int64, len(s.stats.WebhooksByType))
	for k, v := range s.stats.WebhooksByType {
		st.WebhooksByType[k] = v
	}
	s.mu.Unlock()
	st.WebhooksDelivered, st.WebhooksFailed = s.out.counts()
	return st
}

// SetPeak switches peak mode: OrderRate times PeakFactor.
func (s *Sim) SetPeak(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.peak = on
}

// SetOrderRate changes Options.OrderRate at run time (POST /sim/rate); negative is zero.
func (s *Sim) SetOrderRate(perSecond float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rate = max(0, perSecond)
}

// OrderStatus is the platform status of order id, "" when there is none.
func (s *Sim) OrderStatus(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.orders[id]; o != nil {
		return o.w.Status
	}
	return ""
}

// PackageTracking is the tracking number the platform holds for package id ("" when none).
func (s *Sim) PackageTracking(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.pkgs[id]; p != nil {
		return p.tracking
	}
	return ""
}

// OrderTracking is the tracking number and shipping provider name the platform has for order
// id ("" when it has none), as GET orders shows them.
func (s *Sim) OrderTracking(id string) (number, provider string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.orders[id]; o != nil {
		return o.w.TrackingNumber, o.w.ShippingProvider
	}
	return "", ""
}

// OrderPackages lists the ids of order id's packages.
func (s *Sim) OrderPackages(id string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	if o := s.orders[id]; o != nil {
		for _, p := range o.pkgs {
			out = append(out, p.id)
		}
	}
	return out
}
