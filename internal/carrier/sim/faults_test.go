package sim_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/carrier/sim"
)

// buy purchases with retries the way the shipping layer's job engine does: the same key on
// every attempt, transient errors retried after the carrier's Retry-After or a short backoff.
func buy(ctx context.Context, c carrier.Carrier, req carrier.PurchaseRequest) (carrier.Label, int, error) {
	for attempt := 1; ; attempt++ {
		l, err := c.Purchase(ctx, req)
		if err == nil || !carrier.IsTransient(err) || attempt == 100 {
			return l, attempt, err
		}
		wait := max(carrier.RetryAfter(err), time.Duration(attempt)*time.Millisecond)
		select {
		case <-time.After(min(wait, 50*time.Millisecond)):
		case <-ctx.Done():
			return l, attempt, ctx.Err()
		}
	}
}

// With faults on (5xx, hangs past the client's deadline, connections dropped after the label
// was bought), a client that retries with the same key ends with exactly one label per
// package: the sim sold as many labels as there are packages and no package twice.
func TestFaultsRetriedIdempotently(t *testing.T) {
	t.Parallel()
	n := start(t, sim.Options{Now: fixedNow, FaultRate: 0.3, Seed: 3, HangFor: 10 * time.Second})
	clients, err := n.Clients(150 * time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	const perCarrier = 4
	type result struct {
		ref, number string
		attempts    int
		err         error
	}
	results := make(chan result, len(clients)*perCarrier)
	var wg sync.WaitGroup
	for _, c := range clients {
		for range perCarrier {
			wg.Add(1)
			go func() {
				defer wg.Done()
				req := purchase(t, c)
				l, attempts, err := buy(context.Background(), c, req)
				results <- result{req.Reference, l.TrackingNumber, attempts, err}
			}()
		}
	}
	wg.Wait()
	close(results)
	numbers := map[string]string{}
	retried := 0
	for r := range results {
		if r.err != nil {
			t.Fatalf("%s: %v after %d attempts", r.ref, r.err, r.attempts)
		}
		if r.attempts > 1 {
			retried++
		}
		if prev, dup := numbers[r.number]; dup {
			t.Errorf("%s and %s got the same label %s", prev, r.ref, r.number)
		}
		numbers[r.number] = r.ref
	}

	// The counts, read the way a check reads them: GET /sim/stats.
	resp, err := http.Get(n.URL() + "/sim/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st sim.Stats
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	var faults, replays int64
	for _, c := range clients {
		s := st.Carriers[c.Code()]
		if s.Labels != perCarrier || s.RepeatPurchases != 0 {
			t.Errorf("%s: %d labels (want %d), %d repeat purchases (want 0)", c.Code(), s.Labels, perCarrier, s.RepeatPurchases)
		}
		faults += s.Faults
		replays += s.Replays
	}
	if faults == 0 || replays == 0 || retried == 0 {
		t.Errorf("faults %d, replays %d, retried purchases %d: the faults should have been met and survived", faults, replays, retried)
	}
	t.Logf("%d packages, %d retried, %d faults injected, %d answered again by key", len(numbers), retried, faults, replays)
}

// Each fault alone, as the client reports it.
func TestEachFault(t *testing.T) {
	t.Parallel()
	cases := []struct {
		fault sim.Fault
		code  string
	}{
		{sim.FaultServerError, "server_error"},
		{sim.FaultTimeout, "timeout"},
		{sim.FaultDrop, "connection"},
	}
	for _, tc := range cases {
		t.Run(string(tc.fault), func(t *testing.T) {
			t.Parallel()
			n := start(t, sim.Options{Now: fixedNow, FaultRate: 1, Faults: []sim.Fault{tc.fault}, HangFor: 10 * time.Second})
			c := client(t, n, "usps", 200*time.Millisecond)
			_, err := c.Purchase(context.Background(), purchase(t, c))
			var e *carrier.Error
			if !errors.As(err, &e) || e.Kind != carrier.Transient || e.Code != tc.code || !carrier.IsTransient(err) {
				t.Fatalf("%v, want a transient %s", err, tc.code)
			}
			labels := n.Stats().Carriers["usps"].Labels
			if want := map[bool]int64{true: 1, false: 0}[tc.fault == sim.FaultDrop]; labels != want {
				t.Errorf("%d labels sold, want %d: only a dropped answer follows a purchase", labels, want)
			}
		})
	}
}

// A dropped answer leaves a label the client does not know of; the retry with the same key,
// even to a restarted sim, returns it.
func TestDroppedPurchaseRetriedAfterRestart(t *testing.T) {
	t.Parallel()
	state := t.TempDir() + "/sim.jsonl"
	flaky := start(t, sim.Options{Now: fixedNow, FaultRate: 1, Faults: []sim.Fault{sim.FaultDrop}, StatePath: state})
	c := client(t, flaky, "royal-mail", time.Second)
	req := purchase(t, c)
	if _, err := c.Purchase(context.Background(), req); !carrier.IsTransient(err) {
		t.Fatalf("dropped: %v", err)
	}
	if err := flaky.Close(); err != nil {
		t.Fatal(err)
	}

	good := start(t, sim.Options{Now: fixedNow, StatePath: state})
	c = client(t, good, "royal-mail", time.Second)
	l, err := c.Purchase(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	st := good.Stats().Carriers["royal-mail"]
	if st.Labels != 1 || st.Replays != 1 || st.RepeatPurchases != 0 || l.Reference != req.Reference {
		t.Errorf("after the retry: %+v, label %s", st, l.TrackingNumber)
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	n := start(t, sim.Options{RateLimit: 2, RateLimits: map[string]float64{"ups": 0}})
	c := client(t, n, "usps", 0)
	req := carrier.RateRequest{To: purchase(t, c).To, Parcel: carrier.Parcel{WeightG: 300}}
	var limited error
	for range 10 {
		if _, err := c.Rate(context.Background(), req); err != nil {
			limited = err
			break
		}
	}
	var e *carrier.Error
	if !errors.As(limited, &e) || e.Kind != carrier.RateLimited || !carrier.IsTransient(limited) ||
		carrier.RetryAfter(limited) <= 0 || carrier.RetryAfter(limited) > time.Second {
		t.Fatalf("the third request in a burst: %v", limited)
	}
	time.Sleep(carrier.RetryAfter(limited))
	if _, err := c.Rate(context.Background(), req); err != nil {
		t.Errorf("after Retry-After: %v", err)
	}
	if n.Stats().Carriers["usps"].RateLimited == 0 {
		t.Error("rate-limited requests are not counted")
	}
	ups := client(t, n, "ups", 0)
	for i := range 10 {
		if _, err := ups.Rate(context.Background(), req); err != nil {
			t.Fatalf("ups has no limit, request %d: %v", i, err)
		}
	}

	// On the wire: 429 with Retry-After in whole seconds.
	for range 5 {
		hreq, _ := http.NewRequest(http.MethodGet, n.URL()+"/v1/usps/tracking?numbers=X", nil)
		hreq.Header.Set("Authorization", "Bearer "+n.APIKey())
		resp, err := http.DefaultClient.Do(hreq)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests {
			if ra := resp.Header.Get("Retry-After"); ra != "1" {
				t.Errorf("Retry-After %q", ra)
			}
			return
		}
	}
	t.Error("no 429 in a burst of 5 at 2 requests a second")
}

func TestCancelAndTimeout(t *testing.T) {
	t.Parallel()
	n := start(t, sim.Options{Now: fixedNow, Latency: 5 * time.Second})
	c := client(t, n, "fedex", 0)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	_, err := c.Purchase(ctx, purchase(t, c))
	if !errors.Is(err, context.Canceled) || carrier.IsTransient(err) || carrier.KindOf(err) != 0 {
		t.Errorf("cancelled during the call: %v", err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := c.Rate(ctx, carrier.RateRequest{}); !errors.Is(err, context.DeadlineExceeded) || carrier.IsTransient(err) {
		t.Errorf("the caller's deadline: %v", err)
	}
	short := client(t, n, "fedex", 20*time.Millisecond)
	var e *carrier.Error
	if _, err := short.Rate(context.Background(), carrier.RateRequest{}); !errors.As(err, &e) || e.Kind != carrier.Transient || e.Code != "timeout" {
		t.Errorf("the client's own timeout: %v", err)
	}
}

func TestRepeatPurchases(t *testing.T) {
	t.Parallel()
	n := start(t, sim.Options{Now: fixedNow})
	ctx := context.Background()
	usps, fedex := client(t, n, "usps", 0), client(t, n, "fedex", 0)
	req := purchase(t, usps)
	first, err := usps.Purchase(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := usps.Purchase(ctx, req); err != nil { // a retry: not a repeat
		t.Fatal(err)
	}
	again := req
	again.IdempotencyKey = "another attempt"
	if _, err := usps.Purchase(ctx, again); err != nil { // the same package bought twice
		t.Fatal(err)
	}
	elsewhere := purchase(t, fedex)
	elsewhere.Reference = req.Reference // and a third time, at another carrier
	if _, err := fedex.Purchase(ctx, elsewhere); err != nil {
		t.Fatal(err)
	}
	st := n.Stats().Carriers
	if st["usps"].Labels != 2 || st["usps"].RepeatPurchases != 1 || st["usps"].Replays != 1 || st["fedex"].RepeatPurchases != 1 {
		t.Fatalf("usps %+v fedex %+v", st["usps"], st["fedex"])
	}

	// Void and re-label: a package whose labels are all void may be bought again.
	other := purchase(t, usps)
	l, err := usps.Purchase(ctx, other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := usps.Void(ctx, carrier.VoidRequest{TrackingNumber: l.TrackingNumber, CarrierShipmentID: l.CarrierShipmentID}); err != nil {
		t.Fatal(err)
	}
	other.IdempotencyKey = "relabel"
	if _, err := usps.Purchase(ctx, other); err != nil {
		t.Fatal(err)
	}
	if got := n.Stats().Carriers["usps"]; got.RepeatPurchases != 1 || got.Voided != 1 {
		t.Errorf("after void and re-label: %+v", got)
	}
	_ = first
}

func TestStateSurvivesRestart(t *testing.T) {
	t.Parallel()
	path := t.TempDir() + "/state.jsonl"
	ctx := context.Background()
	n1 := start(t, sim.Options{Now: fixedNow, StatePath: path, Seed: 9})
	usps := client(t, n1, "usps", 0)
	var labels []carrier.Label
	var reqs []carrier.PurchaseRequest
	for range 3 {
		req := purchase(t, usps)
		l, err := usps.Purchase(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		labels, reqs = append(labels, l), append(reqs, req)
	}
	if _, err := usps.Void(ctx, carrier.VoidRequest{TrackingNumber: labels[0].TrackingNumber, CarrierShipmentID: labels[0].CarrierShipmentID}); err != nil {
		t.Fatal(err)
	}
	m, err := usps.Manifest(ctx, carrier.ManifestRequest{ShipDate: clock, From: reqs[1].From, TrackingNumbers: []string{labels[1].TrackingNumber}})
	if err != nil {
		t.Fatal(err)
	}
	before := n1.Stats()
	if err := n1.Close(); err != nil {
		t.Fatal(err)
	}

	// A restart with another seed keeps the journal's, so numbers continue without a clash.
	n2 := start(t, sim.Options{Now: fixedNow, StatePath: path, Seed: 1})
	usps = client(t, n2, "usps", 0)
	after := n2.Stats()
	for code, s := range before.Carriers {
		a := after.Carriers[code]
		if a.Labels != s.Labels || a.RepeatPurchases != s.RepeatPurchases || a.Voided != s.Voided || a.Manifests != s.Manifests {
			t.Errorf("%s: %+v before, %+v after", code, s, a)
		}
	}
	again, err := usps.Purchase(ctx, reqs[2])
	if err != nil || again.TrackingNumber != labels[2].TrackingNumber || !again.PurchasedAt.Equal(labels[2].PurchasedAt) {
		t.Errorf("a retry after the restart: %+v %v", again, err)
	}
	if _, err := usps.Void(ctx, carrier.VoidRequest{CarrierShipmentID: labels[1].CarrierShipmentID}); carrier.KindOf(err) != carrier.Refused {
		t.Errorf("the manifest survives: voiding its label %v", err)
	}
	m2, err := usps.Manifest(ctx, carrier.ManifestRequest{ShipDate: clock, From: reqs[1].From, TrackingNumbers: []string{labels[1].TrackingNumber}})
	if err != nil || m2.ID != m.ID {
		t.Errorf("the manifest again: %v %v", m2.ID, err)
	}
	next, err := usps.Purchase(ctx, purchase(t, usps))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range labels {
		if l.TrackingNumber == next.TrackingNumber || l.CarrierShipmentID == next.CarrierShipmentID {
			t.Errorf("a new label after the restart reuses %s", l.TrackingNumber)
		}
	}
	if err := n2.Close(); err != nil {
		t.Fatal(err)
	}

	// A record cut short by a crash is dropped; the rest is kept.
	appendTo(t, path, `{"type":"label","label":{"carr`)
	n3 := start(t, sim.Options{Now: fixedNow, StatePath: path})
	if got := n3.Stats().Carriers["usps"].Labels; got != 4 {
		t.Errorf("after a torn last line: %d labels, want 4", got)
	}
	if err := n3.Close(); err != nil {
		t.Fatal(err)
	}
	appendTo(t, path, "not json\n")
	if _, err := sim.Start(ctx, sim.Options{StatePath: path}); err == nil {
		t.Error("a corrupt state file should not start")
	}
}

func appendTo(t *testing.T, path, s string) {
	t.Helper()
	f, err := openAppend(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := fmt.Fprint(f, s); err != nil {
		t.Fatal(err)
	}
}
