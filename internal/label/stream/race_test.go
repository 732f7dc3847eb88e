//go:build race

package stream_test

// raceEnabled: the race detector slows the tests' barcode decoder and the writers' deflate
// some ten times, so the tests that run them by the thousand do less under it.
const raceEnabled = true
