package sim_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/carrier/sim"
)

const hookSecret = "whsec_test_0123456789abcdef"

// receiver is a webhook endpoint on loopback that checks every delivery's signature against
// the sim's clock and keeps the events, per tracking number.
type receiver struct {
	t      *testing.T
	clock  func() time.Time
	mu     sync.Mutex
	events map[string][]carrier.TrackingEvent
	fail   bool // answer 500
	seen   int  // deliveries
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if err := sim.VerifyWebhook(hookSecret, r.Header.Get(sim.SignatureHeader), body, rc.clock(), 0); err != nil {
		rc.t.Errorf("a delivery from the sim fails verification: %v", err)
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	b, err := sim.ParseWebhook(body)
	if err != nil || b.DeliveryID != r.Header.Get(sim.DeliveryHeader) {
		rc.t.Errorf("parse: %v (id %q, header %q)", err, b.DeliveryID, r.Header.Get(sim.DeliveryHeader))
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.fail {
		http.Error(w, "down", http.StatusInternalServerError)
		return
	}
	rc.seen++
	for _, tr := range b.Tracking {
		rc.events[tr.TrackingNumber] = append(rc.events[tr.TrackingNumber], tr.Events...)
	}
	w.WriteHeader(http.StatusNoContent)
}

func (rc *receiver) got(number string) []carrier.TrackingEvent {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.events[number])
}

// TestWebhookPush: the network pushes each event once, signed, as its clock reaches it; a
// failed delivery is pushed again; the events pushed are the events a poll returns; a carrier
// without a tracking API (Flash Express) is tracked by webhook alone.
func TestWebhookPush(t *testing.T) {
	t.Parallel()
	clk := &movingClock{t: clock}
	rc := &receiver{t: t, clock: clk.Now, events: map[string][]carrier.TrackingEvent{}}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	n := start(t, sim.Options{Now: clk.Now, Seed: 4, WebhookEvery: time.Hour, // the test pushes by hand
		Webhooks: map[string]sim.Webhook{"usps": {URL: srv.URL, Secret: hookSecret}, "flash-th": {URL: srv.URL, Secret: hookSecret}}})
	ctx := context.Background()
	usps, flash := client(t, n, "usps", 10*time.Second), client(t, n, "flash-th", 10*time.Second)
	req := purchase(t, usps)
	l, err := usps.Purchase(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	fl, err := flash.Purchase(ctx, purchase(t, flash))
	if err != nil {
		t.Fatal(err)
	}
	if sent, err := n.PushWebhooks(ctx); err != nil || sent != 2 {
		t.Fatalf("first push: %d events, %v; want the two labels' created events", sent, err)
	}
	if _, err := usps.Manifest(ctx, carrier.ManifestRequest{ShipDate: clk.Now(), From: req.From, TrackingNumbers: []string{l.TrackingNumber}}); err != nil {
		t.Fatal(err)
	}
	for day := range 15 {
		clk.Advance(24 * time.Hour)
		if day == 3 {
			rc.mu.Lock()
			rc.fail = true
			rc.mu.Unlock()
			if _, err := n.PushWebhooks(ctx); err == nil {
				t.Error("a delivery answered 500 must report an error")
			}
			rc.mu.Lock()
			rc.fail = false
			rc.mu.Unlock()
		}
		if _, err := n.PushWebhooks(ctx); err != nil {
			t.Fatal(err)
		}
	}
	ts, err := usps.Track(ctx, []string{l.TrackingNumber})
	if err != nil {
		t.Fatal(err)
	}
	if got := rc.got(l.TrackingNumber); !slices.Equal(got, ts[0].Events) {
		t.Errorf("pushed %v\npolled %v", codes(got), codes(ts[0].Events))
	}
	if got := codes(rc.got(fl.TrackingNumber)); len(got) < 4 || got[0] != "10" || got[1] != "20" || got[len(got)-1] != "60" {
		t.Errorf("Flash Express by webhook: %v", got)
	}
	if _, err := flash.Track(ctx, []string{fl.TrackingNumber}); !errors.Is(err, carrier.ErrUnsupported) {
		t.Errorf("Flash Express has no tracking API: %v", err)
	}
	st := n.Stats().Carriers["usps"]
	if st.WebhookFailures != 1 || st.WebhookEvents != int64(len(ts[0].Events)) {
		t.Errorf("stats %+v", st)
	}
	if sent, err := n.PushWebhooks(ctx); sent != 0 || err != nil {
		t.Errorf("nothing new: %d, %v", sent, err)
	}
}

// TestWebhookPushLoop: with webhooks configured, the network pushes by itself.
func TestWebhookPushLoop(t *testing.T) {
	t.Parallel()
	rc := &receiver{t: t, clock: time.Now, events: map[string][]carrier.TrackingEvent{}}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	n := start(t, sim.Options{WebhookEvery: 10 * time.Millisecond, Webhooks: map[string]sim.Webhook{"ups": {URL: srv.URL, Secret: hookSecret}}})
	ups := client(t, n, "ups", 10*time.Second)
	l, err := ups.Purchase(context.Background(), purchase(t, ups))
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(rc.got(l.TrackingNumber)) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no delivery within 10 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got := codes(rc.got(l.TrackingNumber)); got[0] != "MP" {
		t.Errorf("pushed %v", got)
	}
}

func TestVerifyWebhook(t *testing.T) {
	body := []byte(`{"carrier":"usps","delivery_id":"whk_usps_1","sent_at":"2026-03-02T09:00:00Z","tracking":[]}`)
	now := clock
	good := sim.SignWebhook(hookSecret, now, body)
	if err := sim.VerifyWebhook(hookSecret, good, body, now.Add(4*time.Minute), 0); err != nil {
		t.Fatalf("a good signature 4 min later: %v", err)
	}
	forged := sim.SignWebhook("another_secret_0123456789", now, body)
	cases := []struct {
		name, header string
		body         []byte
		at           time.Time
		want         error
	}{
		{"forged with another secret", forged, body, now, sim.ErrWebhookSignature},
		{"body altered", good, append(slices.Clone(body), ' '), now, sim.ErrWebhookSignature},
		{"no header", "", body, now, sim.ErrWebhookSignature},
		{"no signature", "t=1772442000", body, now, sim.ErrWebhookSignature},
		{"timestamp changed", "t=1772442001," + good[len("t=1772442000,"):], body, now, sim.ErrWebhookSignature},
		{"replayed 6 min later", good, body, now.Add(6 * time.Minute), sim.ErrWebhookReplay},
		{"from the future", good, body, now.Add(-6 * time.Minute), sim.ErrWebhookReplay},
	}
	for _, c := range cases {
		if err := sim.VerifyWebhook(hookSecret, c.header, c.body, c.at, 0); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	// A secret being rotated: two signatures, one matches.
	if err := sim.VerifyWebhook(hookSecret, forged+",v1="+good[len("t=1772442000,v1="):], body, now, 0); err != nil {
		t.Errorf("two signatures, the second right: %v", err)
	}
	if err := sim.VerifyWebhook("", good, body, now, 0); !errors.Is(err, sim.ErrWebhookSignature) {
		t.Errorf("no secret configured: %v", err)
	}
}

func TestWebhookOptionsValidated(t *testing.T) {
	for name, hooks := range map[string]map[string]sim.Webhook{
		"unknown carrier": {"pony-express": {URL: "http://127.0.0.1:1/h", Secret: hookSecret}},
		"bad URL":         {"usps": {URL: "ftp://x/h", Secret: hookSecret}},
		"short secret":    {"usps": {URL: "http://127.0.0.1:1/h", Secret: "short"}},
	} {
		if _, err := sim.Start(context.Background(), sim.Options{Webhooks: hooks}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// FuzzParseWebhook: a webhook body from outside never panics the parser; what parses has a
// known carrier, an id, and events with a code and a time.
func FuzzParseWebhook(f *testing.F) {
	f.Add([]byte(`{"carrier":"usps","delivery_id":"whk_usps_1","sent_at":"2026-03-02T09:00:00Z","tracking":[{"tracking_number":"9400","found":true,"events":[{"code":"OA","description":"Accepted","occurred_at":"2026-03-02T09:00:00Z","location":{"city":"Reno"}}]}]}`))
	f.Add([]byte(`{"carrier":"flash-th","delivery_id":"x","tracking":[{"tracking_number":"","events":[]}]}`))
	f.Add([]byte(`{"carrier":"usps"} {}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		b, err := sim.ParseWebhook(body)
		if err != nil {
			if !errors.Is(err, sim.ErrWebhookBody) {
				t.Fatalf("an error that is not ErrWebhookBody: %v", err)
			}
			return
		}
		if !slices.Contains(sim.Codes(), b.Carrier) || b.DeliveryID == "" {
			t.Fatalf("parsed %+v", b)
		}
		for _, tr := range b.Tracking {
			if tr.TrackingNumber == "" {
				t.Fatal("a tracking entry without a number")
			}
			for _, e := range tr.Events {
				if e.Code == "" || e.OccurredAt.IsZero() {
					t.Fatalf("event %+v", e)
				}
			}
		}
	})
}

// FuzzVerifyWebhook: whatever header arrives, verification does not panic; the sim's own
// signature verifies, and not for another body; a header that passes carries the MAC of the
// body at one of its own timestamps.
func FuzzVerifyWebhook(f *testing.F) {
	f.Add([]byte(`{"a":1}`), "t=1772442000,v1=00", int64(0))
	f.Add([]byte{}, "t=,v1=", int64(-1))
	f.Add([]byte("x"), "garbage", int64(1<<40))
	f.Fuzz(func(t *testing.T, body []byte, header string, skew int64) {
		now := clock
		good := sim.SignWebhook(hookSecret, now, body)
		if err := sim.VerifyWebhook(hookSecret, good, body, now, 0); err != nil {
			t.Fatalf("own signature refused: %v", err)
		}
		if err := sim.VerifyWebhook(hookSecret, good, append(slices.Clone(body), 'x'), now, 0); err == nil {
			t.Fatal("the signature of one body verified another")
		}
		if sim.VerifyWebhook(hookSecret, header, body, now.Add(time.Duration(skew)), 0) != nil {
			return
		}
		for _, part := range strings.Split(header, ",") {
			ts, ok := strings.CutPrefix(strings.TrimSpace(part), "t=")
			sec, err := strconv.ParseInt(ts, 10, 64)
			if !ok || err != nil {
				continue
			}
			mac := sim.SignWebhook(hookSecret, time.Unix(sec, 0), body)
			if strings.Contains(header, mac[strings.Index(mac, "v1="):]) {
				return
			}
		}
		t.Fatalf("header %q accepted without the body's MAC", header)
	})
}
