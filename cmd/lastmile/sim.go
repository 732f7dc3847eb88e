package main

import (
	"context"
	"fmt"
	"strings"

	"lastmile/internal/carrier/sim"
)

const simCarriersSynopsis = `sim carriers [--addr HOST:PORT] [--api-key KEY] [--latency 300ms] [--fault-rate 0.02]
       [--faults server_error,timeout,drop] [--rate-limit N] [--seed S] [--state FILE]

Runs the simulated carrier network alone (docs/carriers.md): USPS, UPS, FedEx, DHL eCommerce,
J&T Express, Royal Mail, Evri, Ninja Van and Flash Express selling labels over HTTP, with
latency, transient faults and rate limits. Point lastmile at it with
'lastmile serve --carriers http://HOST:PORT'. It prints its URL and API key, and serves its
counts at GET /sim/stats. With --state it keeps its labels and counts across its own restarts.`

// runSimCarriers is "lastmile sim carriers".
func runSimCarriers(ctx context.Context, args []string, s stdio) int {
	def := sim.DefaultOptions()
	fs := newFlags("sim carriers", simCarriersSynopsis, s)
	addr := fs.String("addr", "127.0.0.1:8081", "listen address")
	key := fs.String("api-key", sim.DefaultAPIKey, "the API key clients send as 'Authorization: Bearer KEY'")
	latency := fs.Duration("latency", def.Latency, "added to every answer")
	faultRate := fs.Float64("fault-rate", def.FaultRate, "share of requests that fail transiently, 0 to 1")
	var faults listFlag
	fs.Var(&faults, "faults", "the faults to inject: server_error, timeout, drop (default all)")
	rateLimit := fs.Float64("rate-limit", 0, "requests per second each carrier answers, 0 for no limit")
	seed := fs.Uint64("seed", def.Seed, "seed of the fault draws")
	state := fs.String("state", "", "journal file that keeps labels and counts across restarts")
	level := fs.String("log-level", "warn", "debug, info, warn or error")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	log, err := newLogger(s.err, *level)
	if err != nil {
		return fail(s, "sim carriers", err)
	}
	opts := sim.Options{Addr: *addr, APIKey: *key, Latency: *latency, FaultRate: *faultRate, RateLimit: *rateLimit,
		Seed: *seed, StatePath: *state, Logger: log}
	for _, f := range faults {
		opts.Faults = append(opts.Faults, sim.Fault(f))
	}
	n, err := sim.Start(ctx, opts)
	if err != nil {
		fmt.Fprintf(s.err, "lastmile sim carriers: %v\n", err)
		return exitUsage
	}
	defer n.Close()
	limit := "none"
	if *rateLimit > 0 {
		limit = fmt.Sprintf("%g requests/s per carrier", *rateLimit)
	}
	kinds := strings.Join(faults, ", ")
	if kinds == "" {
		kinds = "server_error, timeout, drop"
	}
	stateNote := "in memory"
	if *state != "" {
		stateNote = *state
	}
	fmt.Fprintf(s.out, "lastmile sim carriers: listening on %s\n", n.URL())
	fmt.Fprintf(s.out, "api key:    %s\n", n.APIKey())
	fmt.Fprintf(s.out, "carriers:   %s\n", strings.Join(n.Codes(), ", "))
	fmt.Fprintf(s.out, "latency:    %s; faults %g%% (%s); rate limit %s; seed %d\n", *latency, *faultRate*100, kinds, limit, *seed)
	fmt.Fprintf(s.out, "state:      %s\n", stateNote)
	fmt.Fprintf(s.out, "stats:      %s/sim/stats\n", n.URL())
	<-ctx.Done()
	if err := n.Close(); err != nil {
		return fail(s, "sim carriers", err)
	}
	return exitOK
}
