package tiktokshop

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/marketplace/tiktok/sim"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/store"
	"lastmile/internal/worker"
)

// clock is a clock the tests move by hand, shared by the sim, the client and the service.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// The sim's US shop (seller shipping) and GB shop (platform logistics), both of one seller.
const (
	simUS = "7495540735365770001"
	simGB = "7495540735365770002"
)

// env is one test's world: a sim, a store with shops shop_us and shop_gb, the service.
type env struct {
	t     testing.TB
	clock *clock
	sim   *sim.Sim
	st    store.Store
	svc   *Service
	hooks *httptest.Server // receives the sim's webhooks into svc.Receive
	// received counts webhooks answered, by status.
	mu       sync.Mutex
	received map[int]int
}

func newEnv(t testing.TB, st store.Store, opts sim.Options) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{t: t, clock: &clock{t: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)}, st: st, received: map[int]int{}}
	e.hooks = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		_, err := e.svc.Receive(r.Context(), r.Header.Get("Authorization"), body)
		status := http.StatusOK
		if err != nil {
			status = http.StatusUnauthorized
		}
		e.mu.Lock()
		e.received[status]++
		e.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(e.hooks.Close)
	opts.Now, opts.Tick = e.clock.Now, -1
	switch opts.WebhookURL {
	case "":
		opts.WebhookURL = e.hooks.URL
	case noWebhooks:
		opts.WebhookURL = ""
	}
	sm, err := sim.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sm.Close() })
	e.sim = sm
	for _, sh := range []model.Shop{
		{ID: "shop_us", Name: "US", Market: "US", TimeZone: "America/Los_Angeles", CreatedAt: e.clock.Now()},
		{ID: "shop_gb", Name: "GB", Market: "GB", TimeZone: "Europe/London", CreatedAt: e.clock.Now()},
	} {
		if err := st.CreateShop(ctx, sh); err != nil {
			t.Fatal(err)
		}
	}
	client, err := tiktok.New(tiktok.Config{AppKey: sm.AppKey(), AppSecret: sm.AppSecret(), APIBase: sm.URL(), Now: e.clock.Now,
		RetryBase: time.Millisecond, Sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() }})
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := NewSealer("test token key 0123456789")
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	orders := order.NewService(st, config.DefaultMarkets(), e.clock.Now, log)
	e.svc, err = NewService(Deps{Store: st, Orders: orders, Client: client, Sealer: sealer, Now: e.clock.Now, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// noWebhooks as Options.WebhookURL makes newEnv's sim send no webhooks.
const noWebhooks = "none"

var allShops = model.Scope{ShopIDs: []string{"shop_us", "shop_gb"}}

// connect connects lastmile's shop to the sim's shop ext ("": the one of its market), with an
// authorisation of the sim's first seller.
func (e *env) connect(shop, ext string) model.Connection {
	e.t.Helper()
	code, err := e.sim.Authorize(simUS)
	if err != nil {
		e.t.Fatal(err)
	}
	c, err := e.svc.Connect(context.Background(), allShops, ConnectRequest{AuthCode: code, ShopID: shop, TikTokShopID: ext})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// runJobs starts a job engine working the service's jobs until the test ends.
func (e *env) runJobs() {
	e.t.Helper()
	eng, err := worker.New(worker.Config{FetchPollInterval: 20 * time.Millisecond, FetchCooldown: 5 * time.Millisecond,
		RetryBase: 10 * time.Millisecond, RetryCap: 50 * time.Millisecond}, e.st, slog.New(slog.DiscardHandler), time.Now)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, j := range e.svc.Jobs() {
		if err := eng.Handle(j.Kind, func(ctx context.Context, job worker.Job) error { return j.Run(ctx, job.Args) }); err != nil {
			e.t.Fatal(err)
		}
	}
	if err := eng.Start(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = eng.Stop(ctx)
	})
}

// orderIDs lists the external ids of the shop's stored orders, each as often as stored.
func (e *env) orderIDs(shop string) map[string]int {
	e.t.Helper()
	out := map[string]int{}
	q := store.OrderQuery{ShopIDs: []string{shop}, Limit: store.MaxListLimit}
	for {
		page, err := e.st.ListOrders(context.Background(), q)
		if err != nil {
			e.t.Fatal(err)
		}
		for _, o := range page {
			out[o.ExternalID]++
		}
		if len(page) < q.Limit {
			return out
		}
		last := page[len(page)-1]
		q.After = &store.Cursor{ModifiedAt: last.ModifiedAt, ID: last.ID}
	}
}

// waitFor polls cond until it holds or 20 s pass (the jobs run in the background).
func (e *env) waitFor(what string, cond func() bool) {
	e.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			e.t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
