package rating

import (
	"testing"
	"time"

	"lastmile/internal/config"
)

// TestQuoteHandoverFromMarket: a quote counts its hand-over day from the market's configured
// cut-off and working days (config cut_off, working_days), the figures allocation uses for a
// warehouse that sets none; the request's handover replaces them.
func TestQuoteHandoverFromMarket(t *testing.T) {
	t.Parallel()
	cards := loadTestCards(t)
	london := tz(t, "Europe/London")
	tweaked := config.DefaultMarkets()
	gb := tweaked["GB"]
	gb.CutOff, gb.WorkingDays = "16:00", config.DefaultWorkingDays|1<<time.Saturday
	tweaked["GB"] = gb
	for _, tc := range []struct {
		name     string
		tweaked  bool // GB with a 16:00 cut-off and Saturday hand-overs
		local    time.Time
		handover *HandoverSpec
		want     string
	}{
		{"before the noon default, a Friday", false, at(london, 2026, time.March, 6, 11, 59), nil, "2026-03-06"},
		{"at the noon default", false, at(london, 2026, time.March, 6, 12, 0), nil, "2026-03-09"}, // Monday: no weekend hand-over
		{"a Saturday", false, at(london, 2026, time.March, 7, 9, 0), nil, "2026-03-09"},
		{"the request's cut-off", false, at(london, 2026, time.March, 6, 14, 0), &HandoverSpec{CutOff: "15:00"}, "2026-03-06"},
		{"the request's days replace the market's", false, at(london, 2026, time.March, 7, 9, 0), &HandoverSpec{Closed: []string{}}, "2026-03-07"},
		{"the request closes Monday", false, at(london, 2026, time.March, 7, 9, 0), &HandoverSpec{Closed: []string{"sun", "mon"}}, "2026-03-07"},
		{"the market's own cut-off", true, at(london, 2026, time.March, 6, 15, 0), nil, "2026-03-06"},
		{"the market's own working days", true, at(london, 2026, time.March, 7, 9, 0), nil, "2026-03-07"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			markets := config.DefaultMarkets()
			if tc.tweaked {
				markets = tweaked
			}
			qr := decodeQuoteRequest(t, `{"external_id":"H1","market":"GB","currency":"GBP",
 "shipping_address":{"name":"Ann","line1":"1 High St","city":"London","postal_code":"SW1A 2AA","country":"GB"},
 "lines":[{"sku":"MUG","quantity":1,"weight_g":450,"unit_price":{"amount":999,"currency":"GBP"}}]}`)
			qr.PaidAt = &tc.local
			qr.Handover = tc.handover
			resp, err := QuoteOrder(cards, qr, markets, QuoteOptions{Now: tc.local})
			if err != nil {
				t.Fatal(err)
			}
			if got := resp.Promise.Handover.String(); got != tc.want {
				t.Errorf("hand-over %s, want %s", got, tc.want)
			}
		})
	}
}
