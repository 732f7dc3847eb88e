package carrier_test

import (
	"errors"
	"slices"
	"testing"

	"lastmile/internal/carrier"
	"lastmile/internal/rating"
)

// R-SHIP-3: in the US, the UK and the SEA core markets only certified carriers may be used.
func TestCertification(t *testing.T) {
	t.Parallel()
	c := carrier.DefaultCertification()
	for _, m := range []string{"US", "GB", "ID", "TH", "VN", "MY", "PH", "SG"} {
		if !c.Restricted(m) || len(c.Certified(m)) == 0 {
			t.Errorf("R-SHIP-3: %s should be restricted to certified carriers", m)
		}
	}
	if c.Restricted("DE") || c.Check("DE", "anyone") != nil {
		t.Error("DE restricts nothing by default")
	}
	if err := c.Check("US", "usps"); err != nil {
		t.Errorf("usps in the US: %v", err)
	}
	if err := c.Check("uk", "royal-mail"); err != nil {
		t.Errorf("UK is GB: %v", err)
	}
	err := c.Check("TH", "ups")
	var nc *carrier.NotCertifiedError
	if !errors.As(err, &nc) || !errors.Is(err, carrier.ErrNotCertified) {
		t.Fatalf("ups in TH: %v", err)
	}
	want := "carrier ups is not platform-certified in TH (R-SHIP-3); choose one of flash-th, jt-th, ninja-van-th"
	if err.Error() != want {
		t.Errorf("message\n%s\nwant\n%s", err, want)
	}

	m := c.Merge(map[string][]string{"UK": {"evri"}, "TH": nil, "DE": {}})
	if m.Check("GB", "royal-mail") == nil || m.Check("GB", "evri") != nil {
		t.Error("a configured list replaces the default")
	}
	if m.Restricted("TH") || m.Check("TH", "ups") != nil {
		t.Error("a nil list lifts the restriction")
	}
	if err := m.Check("DE", "dhl"); err == nil || err.Error() != "carrier dhl is not platform-certified in DE (R-SHIP-3); no carrier is certified there: add one to the market's certified carriers" {
		t.Errorf("an empty list certifies nobody: %v", err)
	}
	if !c.Restricted("TH") || slices.Contains(c.Certified("GB"), "evri") == false {
		t.Error("Merge changed the original")
	}
	if got := m.Markets(); !slices.IsSorted(got) || slices.Contains(got, "TH") {
		t.Errorf("Markets = %v", got)
	}
}

// The defaults agree with the example rate cards: a card certified in a restricted market is on
// that market's default list.
func TestCertificationAgreesWithCards(t *testing.T) {
	t.Parallel()
	cards, err := rating.DefaultCards()
	if err != nil {
		t.Fatal(err)
	}
	c := carrier.DefaultCertification()
	for _, card := range cards.Versions() {
		for _, m := range card.Certified {
			if err := c.Check(m, card.Carrier); err != nil {
				t.Errorf("%s: certified in %s by its card, but: %v", card.File, m, err)
			}
		}
	}
}
