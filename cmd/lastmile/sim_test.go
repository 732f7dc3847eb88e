package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/carrier/carriertest"
	"lastmile/internal/carrier/sim"
)

// syncBuffer is a bytes.Buffer safe to read while the command writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var listeningRE = regexp.MustCompile(`listening on (http://\S+)`)

// startSimCLI runs "lastmile sim carriers" until the returned stop is called, which returns
// the exit code and the output.
func startSimCLI(t *testing.T, args ...string) (url string, stop func() (int, string, string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() { done <- runSimCarriers(ctx, args, stdio{in: strings.NewReader(""), out: &out, err: &errOut}) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if m := listeningRE.FindStringSubmatch(out.String()); m != nil {
			url = m[1]
			break
		}
		select {
		case code := <-done:
			cancel()
			t.Fatalf("sim carriers exited with %d: %s%s", code, out.String(), errOut.String())
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("sim carriers did not start: %s%s", out.String(), errOut.String())
		}
	}
	return url, func() (int, string, string) {
		cancel()
		return <-done, out.String(), errOut.String()
	}
}

func TestSimCarriersCLI(t *testing.T) {
	t.Parallel()
	state := t.TempDir() + "/sim.jsonl"
	url, stop := startSimCLI(t, "--addr", "127.0.0.1:0", "--latency", "0s", "--fault-rate", "0", "--api-key", "k1", "--state", state)

	c, err := sim.NewClient(sim.ClientConfig{URL: url, APIKey: "k1", Carrier: "usps"})
	if err != nil {
		t.Fatal(err)
	}
	to, _ := carriertest.SampleAddresses("US")
	l, err := c.Purchase(context.Background(), carrier.PurchaseRequest{IdempotencyKey: "k", Reference: "pkg_1", Service: "ground-advantage",
		From: to.From, To: to.To, Parcel: carrier.Parcel{WeightG: 300}})
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := stop()
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"api key:    k1", "usps, ups, fedex", "faults 0%", "state:      " + state, url + "/sim/stats"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	// Restarted on the same state file, it still knows the label and its counts.
	url, stop = startSimCLI(t, "--addr", "127.0.0.1:0", "--latency", "0s", "--fault-rate", "0", "--api-key", "k1", "--state", state)
	defer stop()
	resp, err := http.Get(url + "/sim/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st sim.Stats
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	if st.Carriers["usps"].Labels != 1 {
		t.Errorf("after a restart: %+v", st.Carriers["usps"])
	}
	c, _ = sim.NewClient(sim.ClientConfig{URL: url, APIKey: "k1", Carrier: "usps"})
	ts, err := c.Track(context.Background(), []string{l.TrackingNumber})
	if err != nil || !ts[0].Found {
		t.Errorf("tracking after a restart: %+v %v", ts, err)
	}
}

func TestSimCarriersCLIBadFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"--fault-rate", "2"},
		{"--faults", "meteor"},
		{"--latency", "soon"},
		{"--addr", "127.0.0.1:0", "extra"},
	} {
		var out, errOut bytes.Buffer
		code := runSimCarriers(context.Background(), args, stdio{in: strings.NewReader(""), out: &out, err: &errOut})
		if code != exitUsage || errOut.Len() == 0 {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut.String())
		}
	}
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"sim", "carriers", "--help"}, stdio{in: strings.NewReader(""), out: &out, err: &errOut}); code != exitOK ||
		!strings.Contains(errOut.String(), "--rate-limit") {
		t.Errorf("--help: %d %s", code, errOut.String())
	}
}
