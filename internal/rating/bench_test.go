package rating

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// twentyServices are 20 US services built from one template, each with two zones, eight
// brackets, twelve monthly fuel steps, a remote list, two fees, three options, two rebate
// tiers and a subsidy; half count transit in working days with US holidays.
func twentyServices(tb testing.TB) *Cards {
	tb.Helper()
	var all []*Card
	for i := range 20 {
		var b strings.Builder
		fmt.Fprintf(&b, "carrier: carrier-%02d\nservice: standard\nillustrative: true\neffective_from: 2026-01-01\n", i)
		b.WriteString("markets: [US]\ncertified: [US]\ncurrency: USD\nvolumetric_divisor: 6000\nmax_weight_g: 30000\n")
		b.WriteString("max_size: {length_mm: 1200, length_plus_girth_mm: 3000}\n")
		if i%2 == 0 {
			b.WriteString("transit: {basis: business, holidays: US}\n")
		}
		b.WriteString("zones:\n")
		for _, z := range []struct{ name, filter string }{{"noncontiguous", "    regions: [AK, HI, PR]\n"}, {"main", ""}} {
			fmt.Fprintf(&b, "  - name: %s\n    country: US\n%s    transit_days: {min: 2, max: %d}\n    brackets:\n", z.name, z.filter, 3+i%4)
			for j, g := range []int{250, 500, 1000, 2000, 3000, 5000, 10000, 20000} {
				fmt.Fprintf(&b, "      - {max_g: %d, price: %d.%02d}\n", g, 3+j, (i*7+j)%100)
			}
			b.WriteString("    above_last: {step_g: 1000, price: 1.20}\n")
		}
		b.WriteString("fuel:\n")
		for m := 1; m <= 12; m++ {
			if i%3 == 0 {
				fmt.Fprintf(&b, "  - {from: 2026-%02d-01, percent_of_base: %d.5}\n", m, 10+m)
			} else {
				fmt.Fprintf(&b, "  - {from: 2026-%02d-01, per_kg: 0.%02d}\n", m, 20+m)
			}
		}
		b.WriteString("remote:\n  amount: 2.50\n  address_flag: true\n  regions: [AK, HI, PR]\n  postal_prefixes: [\"995\", \"996\", \"967\", \"968\"]\n")
		b.WriteString("fees:\n  - {name: tracking, amount: 0.15}\n  - {name: label, amount: 0.05}\n")
		b.WriteString("options:\n  - {name: priority, amount: 0.80}\n  - {name: signature, amount: 1.50}\n  - {name: insurance, percent_of_declared: 1.5, min: 0.50}\n")
		b.WriteString("rebates:\n  - {above_parcels: 10000, percent_of_base: 3.5}\n  - {above_parcels: 50000, percent_of_base: 5}\n")
		b.WriteString("subsidies:\n  - {name: promo, amount_off: 0.25, min_monthly_parcels: 1000, max_weight_g: 2000}\n")
		cards, err := ParseCard(fmt.Sprintf("carrier-%02d.yaml", i), []byte(b.String()))
		if err != nil {
			tb.Fatal(err)
		}
		all = append(all, cards...)
	}
	set, err := NewCards(all)
	if err != nil {
		tb.Fatal(err)
	}
	if set.Len() != 20 {
		tb.Fatalf("%d services", set.Len())
	}
	return set
}

func benchRequest(tb testing.TB) *Request {
	paid := time.Date(2026, time.March, 6, 18, 0, 0, 0, time.UTC) // Friday 10:00 in Los Angeles
	return &Request{
		Market:   market(tb, "US"),
		Dest:     Destination{Country: "US", Region: "AK", Postal: "99501", Remote: true},
		Parcel:   Parcel{WeightG: 1450, LengthMM: 300, WidthMM: 200, HeightMM: 150},
		PaidAt:   paid,
		Now:      paid.Add(2 * time.Hour),
		Currency: "USD",
		Declared: 4999,
		Options:  []string{"priority", "insurance"},
		MonthlyParcels: map[string]int64{
			"carrier-00": 12_000, "carrier-07": 60_000, "carrier-13": 2_000,
		},
	}
}

// BenchmarkRate20Services rates one order against 20 services and selects one, reusing the
// result: the hot loop of rate shopping. Run: go test -run '^$' -bench . -benchmem -cpu 1 ./internal/rating/
func BenchmarkRate20Services(b *testing.B) {
	cards := twentyServices(b)
	req := benchRequest(b)
	var res Result
	cards.Rate(req, &res) // grow the result once
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		cards.Rate(req, &res)
		res.Select(Cheapest, DefaultBestValuePct)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "orders/s")
}

// BenchmarkRateExampleCards: the same against the 14 shipped services (most not serving the
// market, as in real use).
func BenchmarkRateExampleCards(b *testing.B) {
	cards, err := DefaultCards()
	if err != nil {
		b.Fatal(err)
	}
	req := benchRequest(b)
	var res Result
	cards.Rate(req, &res)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		cards.Rate(req, &res)
		res.Select(Cheapest, DefaultBestValuePct)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "orders/s")
}

// TestRateAllocatesNothing: once the result has grown, rating and selecting allocate nothing.
func TestRateAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	cards := twentyServices(t)
	req := benchRequest(t)
	var res Result
	cards.Rate(req, &res)
	if n := testing.AllocsPerRun(100, func() {
		cards.Rate(req, &res)
		res.Select(BestValue, 50)
	}); n != 0 {
		t.Errorf("%v allocations per order", n)
	}
	eligible := 0
	for _, q := range res.Quotes {
		if q.Eligible {
			eligible++
		}
	}
	if eligible == 0 || res.Selected < 0 {
		t.Errorf("the benchmark order should have eligible services: %d eligible, selected %d", eligible, res.Selected)
	}
}
