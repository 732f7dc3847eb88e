//go:build race

package address

// raceEnabled: the race detector slows the phone library's parser some fifteen times, so the
// agreement sweeps sample their cases under it; a plain `go test` runs every case.
const raceEnabled = true
