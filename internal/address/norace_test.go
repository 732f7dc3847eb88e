//go:build !race

package address

// raceEnabled: see race_test.go.
const raceEnabled = false
