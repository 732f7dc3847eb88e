package sim

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"time"

	"lastmile/internal/rating"
)

// DefaultAPIKey is the sim's API key unless Options.APIKey says otherwise. The sim is a test
// fixture, so its default key is public: `lastmile serve --carriers http://HOST:PORT` reaches
// a standalone sim without being told a key.
const DefaultAPIKey = "sim_test_key"

// Fault is a kind of transient failure the sim injects.
type Fault string

// The faults. Each is what a real carrier API does on a bad day; a client must survive all
// three by retrying with the same idempotency key.
const (
	// FaultServerError answers 503 without doing anything.
	FaultServerError Fault = "server_error"
	// FaultTimeout holds the request without answering until the client gives up (or
	// Options.HangFor passes, then 504), without doing anything.
	FaultTimeout Fault = "timeout"
	// FaultDrop does the work (buys the label) and then drops the connection without an
	// answer: the client cannot know the label exists until it retries with the same key.
	FaultDrop Fault = "drop"
)

// AllFaults lists the faults.
func AllFaults() []Fault { return []Fault{FaultServerError, FaultTimeout, FaultDrop} }

// Options configure a simulated network. The zero value is a perfect network (no latency, no
// faults, no rate limit) on a random loopback port, which deterministic tests want;
// DefaultOptions is the realistic one the demo and `lastmile sim carriers` use.
type Options struct {
	// Addr is the listen address, host:port; "" is 127.0.0.1 on a free port.
	Addr string
	// APIKey is the key clients must send as "Authorization: Bearer KEY"; "" is DefaultAPIKey.
	APIKey string
	// Latency is added to every /v1 answer (default in DefaultOptions: 300 ms).
	Latency time.Duration
	// FaultRate is the share of /v1 requests, 0 to 1, that fail with one of Faults (default in
	// DefaultOptions: 0.02, that is 2%).
	FaultRate float64
	// Faults are the faults to inject, chosen with equal odds; empty means AllFaults.
	Faults []Fault
	// HangFor is the longest a FaultTimeout holds a request (it ends sooner when the client
	// gives up); zero is 60 s.
	HangFor time.Duration
	// RateLimit is the requests per second each carrier answers; more get 429 with
	// Retry-After. Zero is no limit.
	RateLimit float64
	// RateLimits overrides RateLimit per carrier code.
	RateLimits map[string]float64
	// Seed seeds the random choices (which requests fail, and how), for reproducible runs.
	Seed uint64
	// StatePath, when set, is a journal file the network appends every label, void, manifest
	// and pickup to, and replays at start: a standalone sim keeps its labels and counts across
	// its own restarts.
	StatePath string
	// Cards price the labels; nil is the example cards embedded in lastmile
	// (rating.DefaultCards), which the clients' service descriptions come from too.
	Cards *rating.Cards
	// Now is the clock: label and event times, the hand-over day of requests without one and
	// the rate limiter count by it. Nil is time.Now.
	Now func() time.Time
	// Logger receives one line per injected fault and refused request; nil discards.
	Logger *slog.Logger
}

// Defaults of DefaultOptions.
const (
	DefaultLatency   = 300 * time.Millisecond
	DefaultFaultRate = 0.02
	defaultHangFor   = 60 * time.Second
)

// DefaultOptions are the sim's documented defaults: 300 ms latency, 2% transient faults of
// every kind, no rate limit, seed 1.
func DefaultOptions() Options {
	return Options{Latency: DefaultLatency, FaultRate: DefaultFaultRate, Seed: 1}
}

// withDefaults fills the fields whose zero value stands for a default.
func (o Options) withDefaults() (Options, error) {
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	if o.APIKey == "" {
		o.APIKey = DefaultAPIKey
	}
	if len(o.Faults) == 0 {
		o.Faults = AllFaults()
	}
	if o.HangFor == 0 {
		o.HangFor = defaultHangFor
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Cards == nil {
		cards, err := rating.DefaultCards()
		if err != nil {
			return o, err
		}
		o.Cards = cards
	}
	return o, o.validate()
}

// validate reports every option out of range.
func (o Options) validate() error {
	var errs []error
	if o.Latency < 0 {
		errs = append(errs, fmt.Errorf("latency %s: want zero or more", o.Latency))
	}
	if !(o.FaultRate >= 0 && o.FaultRate <= 1) {
		errs = append(errs, fmt.Errorf("fault rate %v: want a share from 0 to 1 (0.02 is 2%%)", o.FaultRate))
	}
	for _, f := range o.Faults {
		if !slices.Contains(AllFaults(), f) {
			errs = append(errs, fmt.Errorf("fault %q: want one of %v", f, AllFaults()))
		}
	}
	if o.HangFor < 0 {
		errs = append(errs, fmt.Errorf("hang for %s: want zero or more", o.HangFor))
	}
	if !(o.RateLimit >= 0) {
		errs = append(errs, fmt.Errorf("rate limit %v: want requests per second, 0 for none", o.RateLimit))
	}
	for code, r := range o.RateLimits {
		if _, ok := lookup(code); !ok {
			errs = append(errs, fmt.Errorf("rate limit for %q: no such simulated carrier (%v)", code, Codes()))
		}
		if !(r >= 0) {
			errs = append(errs, fmt.Errorf("rate limit for %s %v: want requests per second, 0 for none", code, r))
		}
	}
	return errors.Join(errs...)
}

// rateLimit is the limit of carrier code, 0 for none.
func (o *Options) rateLimit(code string) float64 {
	if r, ok := o.RateLimits[code]; ok {
		return r
	}
	return o.RateLimit
}
