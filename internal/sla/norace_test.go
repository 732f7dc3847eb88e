//go:build !race

package sla_test

// raceEnabled: see race_test.go.
const raceEnabled = false
