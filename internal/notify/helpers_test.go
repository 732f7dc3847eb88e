package notify_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/notify"
	"lastmile/internal/store"
	"lastmile/internal/worker"
)

// env is one test's world: a store with shops A and B, the notify service and, when started,
// a job engine running its jobs.
type env struct {
	t   *testing.T
	st  store.Store
	svc *notify.Service
	log *logBuffer
	now func() time.Time
	a   model.Scope
	b   model.Scope
}

func newEnv(t *testing.T, st store.Store, cfg notify.Config) *env {
	t.Helper()
	return newEnvWith(t, st, notify.Deps{Config: cfg})
}

// newEnvWith is newEnv with the service's Deps (its Store, Now and Log are the env's).
func newEnvWith(t *testing.T, st store.Store, d notify.Deps) *env {
	t.Helper()
	e := &env{t: t, st: st, log: &logBuffer{}, now: time.Now, a: model.Scope{ShopIDs: []string{"shop_a"}}, b: model.Scope{ShopIDs: []string{"shop_b"}}}
	for _, id := range []string{"shop_a", "shop_b"} {
		if err := st.CreateShop(context.Background(), model.Shop{ID: id, Name: id, Market: "US", TimeZone: "America/Los_Angeles",
			CreatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	d.Store, d.Now, d.Log = st, func() time.Time { return e.now() }, slog.New(slog.NewTextHandler(e.log, nil))
	e.svc, err = notify.NewService(d)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// start runs a job engine with the notify handlers on the env's store until stop (or the test's
// end). Each call is a new engine: a restart.
func (e *env) start() (stop func()) {
	e.t.Helper()
	eng, err := worker.New(worker.Config{FetchPollInterval: 20 * time.Millisecond, FetchCooldown: 5 * time.Millisecond,
		RetryBase: 20 * time.Millisecond, RetryCap: 100 * time.Millisecond}, e.st, slog.New(slog.DiscardHandler), time.Now)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, h := range e.svc.Jobs() {
		if err := eng.Handle(h.Kind, func(ctx context.Context, j worker.Job) error {
			return h.Run(ctx, notify.Job{ID: j.ID, CreatedAt: j.CreatedAt, Args: j.Args})
		}); err != nil {
			e.t.Fatal(err)
		}
	}
	if err := eng.Start(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := eng.Stop(ctx); err != nil {
				e.t.Errorf("stop the engine: %v", err)
			}
		})
	}
	e.t.Cleanup(stop)
	return stop
}

// subscribe makes a subscription of shop A to events at url.
func (e *env) subscribe(url string, events ...string) model.WebhookSubscription {
	e.t.Helper()
	sub, err := e.svc.CreateSubscription(context.Background(), e.a, notify.SubscriptionRequest{URL: url, Events: events})
	if err != nil {
		e.t.Fatal(err)
	}
	return sub
}

// emit enqueues a notify.event job, as the other services do in their transactions.
func (e *env) emit(typ, shop, order, id string, data any) {
	e.t.Helper()
	raw, err := json.Marshal(data)
	if err != nil {
		e.t.Fatal(err)
	}
	j, err := store.NewJob(model.NotifyEvent{Type: typ, ShopID: shop, OrderID: order, ID: id, Data: raw})
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.st.EnqueueJobs(context.Background(), j); err != nil {
		e.t.Fatal(err)
	}
}

// deliveries lists shop A's deliveries.
func (e *env) deliveries(statuses ...model.WebhookDeliveryStatus) []model.WebhookDelivery {
	e.t.Helper()
	ds, _, err := e.svc.ListDeliveries(context.Background(), e.a, notify.DeliveryQuery{Statuses: statuses})
	if err != nil {
		e.t.Fatal(err)
	}
	return ds
}

// dump logs the deliveries and the service's log, for a failure's message.
func (e *env) dump() {
	for _, d := range e.deliveries() {
		e.t.Logf("delivery %s %s order %q %s attempts %d last %d %q", d.ID, d.EventID, d.OrderID, d.Status, d.Attempts, d.LastStatusCode, d.LastError)
	}
	e.t.Logf("log:\n%s", e.log.String())
}

// waitFor polls cond until it holds, for up to 30 seconds.
func waitFor(t *testing.T, what string, cond func() bool, dump ...func()) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			for _, d := range dump {
				d()
			}
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// received is one request the receiver took.
type received struct {
	ID, Timestamp, Signature string
	Body                     []byte
	Payload                  notify.Payload
	Status                   int
}

// receiver is an ERP's endpoint on loopback: it verifies every request with verify (the test's
// own implementation of the Standard Webhooks check) and answers what answer says.
type receiver struct {
	t      *testing.T
	srv    *httptest.Server
	secret func() string
	answer func(p notify.Payload, n int) int

	mu  sync.Mutex
	got []received
}

func newReceiver(t *testing.T, answer func(p notify.Payload, n int) int) *receiver {
	r := &receiver{t: t, answer: answer}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	rc := received{ID: req.Header.Get("webhook-id"), Timestamp: req.Header.Get("webhook-timestamp"),
		Signature: req.Header.Get("webhook-signature"), Body: body}
	if r.secret == nil {
		r.t.Errorf("receiver: no secret to verify with")
	} else if err := verify(r.secret(), req.Header, body, time.Now()); err != nil {
		r.t.Errorf("receiver: signature of %s: %v", rc.ID, err)
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	if err := json.Unmarshal(body, &rc.Payload); err != nil {
		r.t.Errorf("receiver: body %s: %v", body, err)
	}
	r.mu.Lock()
	n := len(r.got)
	rc.Status = r.answer(rc.Payload, n)
	r.got = append(r.got, rc)
	r.mu.Unlock()
	w.WriteHeader(rc.Status)
}

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

// accepted are the requests answered 2xx, in arrival order.
func (r *receiver) accepted() []received {
	var out []received
	for _, rc := range r.requests() {
		if rc.Status/100 == 2 {
			out = append(out, rc)
		}
	}
	return out
}

// verify checks a delivery as the Standard Webhooks specification tells a receiver to,
// written here from the specification and independent of notify.Sign: the signed content is
// "{webhook-id}.{webhook-timestamp}.{body}"; the key is the base64 part of the secret after
// "whsec_"; webhook-signature holds space-separated "v1,{base64 HMAC-SHA256}" entries, any of
// which may match; a timestamp more than 5 minutes from now is refused.
func verify(secret string, h http.Header, body []byte, now time.Time) error {
	id, ts, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	if id == "" || ts == "" || sigs == "" {
		return fmt.Errorf("missing headers: id %q timestamp %q signature %q", id, ts, sigs)
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("timestamp %q: %v", ts, err)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > 5*time.Minute || d < -5*time.Minute {
		return fmt.Errorf("timestamp %s is %v from now", ts, d)
	}
	if !strings.HasPrefix(secret, "whsec_") {
		return fmt.Errorf("secret %q has no whsec_ prefix", secret)
	}
	key, err := base64.StdEncoding.DecodeString(secret[len("whsec_"):])
	if err != nil {
		return fmt.Errorf("secret: %v", err)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "."))
	mac.Write(body)
	want := mac.Sum(nil)
	for _, s := range strings.Fields(sigs) {
		version, enc, ok := strings.Cut(s, ",")
		if !ok || version != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(enc)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return fmt.Errorf("no v1 signature in %q matches", sigs)
}

// logBuffer collects the service's log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
