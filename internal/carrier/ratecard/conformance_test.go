package ratecard_test

import (
	"testing"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/carrier/carriertest"
	"lastmile/internal/carrier/ratecard"
	"lastmile/internal/model"
)

// Every carrier of the example cards, as a rate-only carrier, passes the conformance suite:
// rates for each service, every other call ErrUnsupported.
func TestConformance(t *testing.T) {
	t.Parallel()
	cards := defaultCards(t)
	now := func() time.Time { return time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) }
	shenzhen := model.Address{Name: "Shenzhen Seller Ltd", Line1: "1 Keji Road", City: "Shenzhen", Region: "GD", PostalCode: "518057", Country: "CN"}
	us, _ := carriertest.SampleAddresses("US")
	extra := map[string]carriertest.Addresses{
		// Cross-border direct services ship from China (R-MODE-1).
		"DE": {From: shenzhen, To: model.Address{Name: "Max Mustermann", Line1: "Unter den Linden 1", City: "Berlin", PostalCode: "10117", Country: "DE"}},
	}
	seen := map[string]bool{}
	for _, c := range cards.Versions() {
		if seen[c.Carrier] {
			continue
		}
		seen[c.Carrier] = true
		opts := carriertest.Options{Now: now, Addresses: extra}
		if c.Carrier == "4px" { // ships from China to the US
			opts.Addresses = map[string]carriertest.Addresses{"US": {From: shenzhen, To: us.To}}
		}
		t.Run(c.Carrier, func(t *testing.T) {
			t.Parallel()
			carriertest.Exercise(t, func(t *testing.T) carrier.Carrier {
				rc, err := ratecard.New(cards, c.Carrier, now)
				if err != nil {
					t.Fatal(err)
				}
				return rc
			}, opts)
		})
	}
	if len(seen) < 20 {
		t.Errorf("only %d carriers in the example cards", len(seen))
	}
}
