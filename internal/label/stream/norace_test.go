//go:build !race

package stream_test

// raceEnabled: see race_test.go.
const raceEnabled = false
