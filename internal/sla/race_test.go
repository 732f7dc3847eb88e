//go:build race

package sla_test

// raceEnabled: the race detector slows the simulated weeks some tenfold, so under it the
// Monday forecast measures its low volume only; make test's second pass, without the detector,
// runs this package again with every volume.
const raceEnabled = true
