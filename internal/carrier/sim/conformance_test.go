package sim_test

import (
	"testing"

	"lastmile/internal/carrier"
	"lastmile/internal/carrier/carriertest"
	"lastmile/internal/carrier/sim"
)

// Every simulated carrier passes the conformance suite over loopback HTTP, on a perfect network
// (no latency, no faults) so that the results are deterministic.
func TestConformance(t *testing.T) {
	t.Parallel()
	n := start(t, sim.Options{Now: fixedNow})
	for _, code := range sim.Codes() {
		t.Run(code, func(t *testing.T) {
			t.Parallel()
			carriertest.Exercise(t, func(t *testing.T) carrier.Carrier { return client(t, n, code, 0) },
				carriertest.Options{Now: fixedNow})
		})
	}
}
