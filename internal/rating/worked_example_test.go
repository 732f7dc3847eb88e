package rating

import (
	"testing"
	"time"

	"lastmile/internal/model"
)

// TestWorkedExampleJTUS is issue 5's worked example on the shipped J&T US card (R-RATE-1,
// R-RATE-2, R-RATE-3): 0.45 kg, 20×15×5 cm, to Anchorage AK 99501.
func TestWorkedExampleJTUS(t *testing.T) {
	t.Parallel()
	cards, err := DefaultCards()
	if err != nil {
		t.Fatal(err)
	}
	paid := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) // Monday 01:00 in Los Angeles
	for _, tc := range []struct {
		name    string
		options []string
		want    []Line
		total   int64
	}{
		{"plain", nil, []Line{{LineBase, "", 328}, {LineFuel, "", 9}, {LineRemote, "", 250}, {LineFee, "tracking", 15}}, 602},
		{"priority", []string{"priority"}, []Line{{LineBase, "", 328}, {LineFuel, "", 9}, {LineRemote, "", 250},
			{LineFee, "tracking", 15}, {LineOption, "priority", 80}}, 682},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := &Request{
				Market:   market(t, "US"),
				Dest:     NewDestination(model.Address{City: "Anchorage", Region: "AK", PostalCode: "99501", Country: "US"}),
				Parcel:   Parcel{WeightG: 450, LengthMM: 200, WidthMM: 150, HeightMM: 50},
				PaidAt:   paid,
				Now:      paid,
				Currency: "USD",
				Options:  tc.options,
			}
			var res Result
			cards.Rate(req, &res)
			q := quoteOf(t, &res, "jt-us", "standard")
			if q.VolumetricG != 250 || q.ChargeableG != 450 {
				t.Errorf("volumetric %d g, chargeable %d g; want 250 g and 450 g", q.VolumetricG, q.ChargeableG)
			}
			if !equalLines(q.Lines, tc.want) || q.Total != tc.total {
				t.Errorf("breakdown %v total %d; want %v total %d", q.Lines, q.Total, tc.want, tc.total)
			}
			if !q.Eligible || q.Card.Version != "2026-01-01" {
				t.Errorf("eligible %v (reasons %v), version %q", q.Eligible, q.Reasons.List(), q.Card.Version)
			}
			t.Logf("jt-us/standard %s: chargeable %d g, %v = %s USD", tc.name, q.ChargeableG, q.Lines, formatMinor(q.Total, 2))
		})
	}
}
