package rating

import (
	"testing"
	"time"

	"lastmile/internal/model"
)

// Destinations of the tests.
var (
	mountainView = Destination{Country: "US", Region: "CA", Postal: "94043"}
	honolulu     = Destination{Country: "US", Region: "HI", Postal: "96815"}
	anchorage    = Destination{Country: "US", Region: "AK", Postal: "99501"}
	noRegion995  = Destination{Country: "US", Postal: "99501"}
	sanJuan      = Destination{Country: "US", Region: "PR", Postal: "00725"}
	zip00800     = Destination{Country: "US", Region: "VI", Postal: "00800"}
)

// TestRateSurcharges checks every line kind of the acme/ground test card against figures
// computed by hand (R-RATE-1…6). The card: brackets ≤500 g 3.00, ≤1000 g 4.00, ≤2000 g 5.00,
// then 1.00 per started kg; divisor 5000; fuel 0.21/kg in January, 0.25/kg in February, 10.5 %
// of base from March; remote 2.50 (HI, postal prefix 995, 00600–00799); fees tracking 0.15 and
// label 0.05; options priority 0.80, insurance 1.5 % (min 0.50), cod 2 % (min 1.00); rebates
// 3.5 % above 10,000 and 5 % above 50,000 parcels. Every line is rounded half-up once.
func TestRateSurcharges(t *testing.T) {
	t.Parallel()
	cards := loadTestCards(t)
	la := tz(t, "America/Los_Angeles")
	jan15 := at(la, 2026, time.January, 15, 10, 0) // a Thursday, before the 15:00 cut-off
	us := market(t, "US")
	usCOD := us
	usCOD.CODAllowed = true
	fees := []Line{{LineFee, "tracking", 15}, {LineFee, "label", 5}}
	lines := func(ls ...Line) []Line { return append(ls, fees...) }
	base := func(v int64) Line { return Line{Kind: LineBase, Amount: v} }
	fuel := func(v int64) Line { return Line{Kind: LineFuel, Amount: v} }
	remote := Line{Kind: LineRemote, Amount: 250}

	for _, tc := range []struct {
		name       string
		g          int64
		dims       [3]int64
		dest       Destination
		now        time.Time
		mk         *Market
		mod        func(*Request)
		version    string
		late       bool // misses the promise: the Alaska zone takes 6 working days
		chargeable int64
		want       []Line
		total      int64
	}{
		// Bracket edges (R-RATE-1). 0.21 × 0.5 kg = 0.105, a half cent: half-up gives 0.11.
		{name: "exactly_500g", g: 500, chargeable: 500, want: lines(base(300), fuel(11)), total: 331},
		{name: "501g_next_bracket", g: 501, chargeable: 501, want: lines(base(400), fuel(11)), total: 431}, // 0.10521
		{name: "exactly_1000g", g: 1000, chargeable: 1000, want: lines(base(400), fuel(21)), total: 441},
		{name: "2001g_one_started_kg", g: 2001, chargeable: 2001, want: lines(base(600), fuel(42)), total: 662}, // 0.42021
		{name: "2500g_fuel_x.xx5_up", g: 2500, chargeable: 2500, want: lines(base(600), fuel(53)), total: 673},  // 0.525
		{name: "3000g_edge_of_step", g: 3000, chargeable: 3000, want: lines(base(600), fuel(63)), total: 683},
		{name: "3001g_second_step", g: 3001, chargeable: 3001, want: lines(base(700), fuel(63)), total: 783}, // 0.63021
		// Volumetric weight (R-RATE-2): 300×200×100 mm / 5000 = 1200 g.
		{name: "volumetric_beats_actual", g: 300, dims: [3]int64{300, 200, 100}, chargeable: 1200,
			want: lines(base(500), fuel(25)), total: 545}, // 0.252
		{name: "actual_beats_volumetric", g: 900, dims: [3]int64{200, 150, 50}, chargeable: 900,
			want: lines(base(400), fuel(19)), total: 439}, // 0.189
		{name: "volumetric_rounds_up_to_the_gram", g: 10, dims: [3]int64{99, 51, 100}, chargeable: 101, // 100.98 g
			want: lines(base(300), fuel(2)), total: 322},
		{name: "sides_in_any_order", g: 300, dims: [3]int64{100, 300, 200}, chargeable: 1200,
			want: lines(base(500), fuel(25)), total: 545},
		// Remote areas (R-RATE-3): by region, postal prefix and postal range.
		{name: "remote_region_HI", g: 500, dest: honolulu, chargeable: 500, want: lines(base(300), fuel(11), remote), total: 581},
		{name: "remote_postal_prefix_995", g: 500, dest: noRegion995, chargeable: 500, want: lines(base(300), fuel(11), remote), total: 581},
		{name: "remote_postal_range_PR", g: 500, dest: sanJuan, chargeable: 500, want: lines(base(300), fuel(11), remote), total: 581},
		{name: "outside_the_range", g: 500, dest: zip00800, chargeable: 500, want: lines(base(300), fuel(11)), total: 331},
		{name: "zone_by_region_AK", g: 500, dest: anchorage, late: true, chargeable: 500, want: lines(base(500), fuel(11), remote), total: 781},
		// Options.
		{name: "priority", g: 500, mod: func(r *Request) { r.Options = []string{"priority"} }, chargeable: 500,
			want: append(lines(base(300), fuel(11)), Line{LineOption, "priority", 80}), total: 411},
		{name: "insurance_minimum", g: 500, mod: func(r *Request) { r.Options, r.Declared = []string{"insurance"}, 1999 }, chargeable: 500,
			want: append(lines(base(300), fuel(11)), Line{LineOption, "insurance", 50}), total: 381}, // 0.29985 < 0.50
		{name: "insurance_x.xx5_up", g: 500, mod: func(r *Request) { r.Options, r.Declared = []string{"insurance"}, 4300 }, chargeable: 500,
			want: append(lines(base(300), fuel(11)), Line{LineOption, "insurance", 65}), total: 396}, // 0.645
		{name: "cod_x.xx5_up", g: 500, mk: &usCOD, mod: func(r *Request) { r.COD = 7525 }, chargeable: 500,
			want: append(lines(base(300), fuel(11)), Line{LineOption, "cod", 151}), total: 482}, // 2 % of 75.25 = 1.505
		// Rebates (R-RATE-4): above the threshold, not at it; percent of the base rate.
		{name: "rebate_at_10000_none", g: 500, mod: func(r *Request) { r.MonthlyParcels = map[string]int64{"acme": 10000} }, chargeable: 500,
			want: lines(base(300), fuel(11)), total: 331},
		{name: "rebate_above_10000", g: 500, mod: func(r *Request) { r.MonthlyParcels = map[string]int64{"acme": 10001} }, chargeable: 500,
			want: append(lines(base(300), fuel(11)), Line{Kind: LineRebate, Amount: -11}), total: 320}, // 3.5 % of 3.00 = 0.105
		{name: "rebate_above_50000", g: 1000, mod: func(r *Request) { r.MonthlyParcels = map[string]int64{"acme": 60000} }, chargeable: 1000,
			want: append(lines(base(400), fuel(21)), Line{Kind: LineRebate, Amount: -20}), total: 421},
		{name: "rebate_other_carrier", g: 500, mod: func(r *Request) { r.MonthlyParcels = map[string]int64{"jt-us": 60000} }, chargeable: 500,
			want: lines(base(300), fuel(11)), total: 331},
		// Dated fuel, and card versions in force on the hand-over day.
		{name: "fuel_february", g: 500, now: at(la, 2026, time.February, 10, 10, 0), chargeable: 500,
			want: lines(base(300), fuel(13)), total: 333}, // 0.25 × 0.5 = 0.125
		{name: "fuel_march_percent", g: 500, now: at(la, 2026, time.March, 10, 10, 0), chargeable: 500,
			want: lines(base(300), fuel(32)), total: 352}, // 10.5 % of 3.00 = 0.315
		{name: "last_day_of_v1", g: 1000, now: at(la, 2026, time.June, 30, 10, 0), chargeable: 1000,
			want: lines(base(400), fuel(42)), total: 462},
		{name: "v1_after_cut_off_ships_on_v2", g: 1000, now: at(la, 2026, time.June, 30, 15, 0), version: "v2", chargeable: 1000,
			want: []Line{base(430), {LineFee, "tracking", 15}}, total: 445},
		{name: "first_day_of_v2", g: 500, now: at(la, 2026, time.July, 1, 9, 0), version: "v2", chargeable: 500,
			want: []Line{base(320), {LineFee, "tracking", 15}}, total: 335},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := &Request{Market: us, Dest: mountainView, Parcel: Parcel{WeightG: tc.g, LengthMM: tc.dims[0], WidthMM: tc.dims[1], HeightMM: tc.dims[2]},
				Now: jan15, Currency: "USD"}
			if tc.mk != nil {
				req.Market = *tc.mk
			}
			if tc.dest.Country != "" {
				req.Dest = tc.dest
			}
			if !tc.now.IsZero() {
				req.Now = tc.now
			}
			if tc.mod != nil {
				tc.mod(req)
			}
			req.PaidAt = req.Now
			var res Result
			cards.Rate(req, &res)
			q := quoteOf(t, &res, "acme", "ground")
			if tc.late && q.Reasons != ReasonPromise.bit() || !tc.late && !q.Eligible {
				t.Errorf("eligible %v: %v", q.Eligible, q.Reasons.List())
			}
			if want := tc.version; q.Card == nil || want == "" && q.Card.Version != "v1" || want != "" && q.Card.Version != want {
				t.Errorf("card version %v, want %q", q.Card, tc.version)
			}
			if q.ChargeableG != tc.chargeable {
				t.Errorf("chargeable %d g, want %d g", q.ChargeableG, tc.chargeable)
			}
			if !equalLines(q.Lines, tc.want) || q.Total != tc.total {
				t.Errorf("lines %v total %d\nwant  %v total %d", q.Lines, q.Total, tc.want, tc.total)
			}
			var sum int64
			for _, l := range q.Lines {
				sum += l.Amount
			}
			if sum != q.Total {
				t.Errorf("lines add up to %d, total is %d", sum, q.Total)
			}
		})
	}
}

// TestMinimumWeight: Ninja Van Thailand-style minimum billable weight (R-RATE-6) and COD
// (R-MKT-2) on the minimum/standard test card (≤1 kg 30, ≤3 kg 45, ≤5 kg 60 THB; min 3 kg;
// cod 2.5 %, min 10 THB).
func TestMinimumWeight(t *testing.T) {
	t.Parallel()
	cards := loadTestCards(t)
	th := market(t, "TH")
	bkk := tz(t, "Asia/Bangkok")
	for _, tc := range []struct {
		name              string
		g, cod            int64
		chargeable, total int64
		want              []Line
	}{
		{"500g_billed_as_3kg", 500, 0, 3000, 4500, []Line{{Kind: LineBase, Amount: 4500}}},
		{"3000g", 3000, 0, 3000, 4500, []Line{{Kind: LineBase, Amount: 4500}}},
		{"3001g", 3001, 0, 3001, 6000, []Line{{Kind: LineBase, Amount: 6000}}},
		// 2.5 % of 590 THB = 14.75 THB.
		{"cod_percent", 500, 59000, 3000, 5975, []Line{{Kind: LineBase, Amount: 4500}, {LineOption, "cod", 1475}}},
		// 2.5 % of 100 THB = 2.50 THB, below the 10 THB minimum.
		{"cod_minimum", 500, 10000, 3000, 5500, []Line{{Kind: LineBase, Amount: 4500}, {LineOption, "cod", 1000}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			paid := at(bkk, 2026, time.March, 4, 10, 0)
			req := &Request{Market: th, Dest: Destination{Country: "TH", Region: "10", Postal: "10110"},
				Parcel: Parcel{WeightG: tc.g}, PaidAt: paid, Now: paid, Currency: "THB", COD: tc.cod}
			var res Result
			cards.Rate(req, &res)
			q := quoteOf(t, &res, "minimum", "standard")
			if !q.Eligible || q.ChargeableG != tc.chargeable || q.Total != tc.total || !equalLines(q.Lines, tc.want) {
				t.Errorf("eligible %v %v, chargeable %d, lines %v total %d; want chargeable %d, %v total %d",
					q.Eligible, q.Reasons.List(), q.ChargeableG, q.Lines, q.Total, tc.chargeable, tc.want, tc.total)
			}
		})
	}
}

// TestSubsidies: platform subsidies (R-RATE-5) on the platform test cards. Economy: the
// seller pays a fixed 3.00 (never more than the price without it); options are paid on top.
// Standard: 1.00 off with at least 100 parcels a month, up to 2 kg, from February to December.
func TestSubsidies(t *testing.T) {
	t.Parallel()
	cards := loadTestCards(t)
	uk := market(t, "GB")
	london := tz(t, "Europe/London")
	westminster := NewDestination(model.Address{City: "London", PostalCode: "SW1A 1AA", Country: "UK"})
	lerwick := NewDestination(model.Address{City: "Lerwick", PostalCode: "ZE1 0AA", Country: "GB"})
	if westminster.Remote || !lerwick.Remote {
		t.Fatalf("the address package's remote flag: London %v, Lerwick %v", westminster.Remote, lerwick.Remote)
	}
	mar10 := at(london, 2026, time.March, 10, 10, 0)
	for _, tc := range []struct {
		name, service string
		g             int64
		dest          Destination
		parcels       int64
		now           time.Time
		options       []string
		want          []Line
		total         int64
	}{
		{"fixed_price", "economy", 800, westminster, 0, mar10, nil,
			[]Line{{Kind: LineBase, Amount: 340}, {LineSubsidy, "economy-fixed", -40}}, 300},
		{"fixed_price_above_the_price", "economy", 400, westminster, 0, mar10, nil,
			[]Line{{Kind: LineBase, Amount: 280}}, 280},
		{"fixed_price_covers_remote", "economy", 800, lerwick, 0, mar10, nil,
			[]Line{{Kind: LineBase, Amount: 340}, {Kind: LineRemote, Amount: 125}, {LineSubsidy, "economy-fixed", -165}}, 300},
		{"options_on_top", "economy", 800, lerwick, 0, mar10, []string{"signature"},
			[]Line{{Kind: LineBase, Amount: 340}, {Kind: LineRemote, Amount: 125}, {LineOption, "signature", 100}, {LineSubsidy, "economy-fixed", -165}}, 400},
		{"amount_off_volume_met", "standard", 800, westminster, 100, mar10, nil,
			[]Line{{Kind: LineBase, Amount: 480}, {LineSubsidy, "standard-off", -100}}, 380},
		{"amount_off_volume_short", "standard", 800, westminster, 99, mar10, nil,
			[]Line{{Kind: LineBase, Amount: 480}}, 480},
		{"amount_off_too_heavy", "standard", 2500, westminster, 100, mar10, nil,
			[]Line{{Kind: LineBase, Amount: 560}}, 560},
		{"amount_off_not_yet", "standard", 800, westminster, 100, at(london, 2026, time.January, 15, 10, 0), nil,
			[]Line{{Kind: LineBase, Amount: 480}}, 480},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := &Request{Market: uk, Dest: tc.dest, Parcel: Parcel{WeightG: tc.g}, PaidAt: tc.now, Now: tc.now, Currency: "GBP",
				Options: tc.options, MonthlyParcels: map[string]int64{"platform": tc.parcels}}
			var res Result
			cards.Rate(req, &res)
			q := quoteOf(t, &res, "platform", tc.service)
			if !q.Eligible || !equalLines(q.Lines, tc.want) || q.Total != tc.total {
				t.Errorf("eligible %v %v, lines %v total %d\nwant %v total %d", q.Eligible, q.Reasons.List(), q.Lines, q.Total, tc.want, tc.total)
			}
		})
	}
}

// TestExclusions: every reason a service is not eligible, each alone where possible.
func TestExclusions(t *testing.T) {
	t.Parallel()
	cards := loadTestCards(t)
	la := tz(t, "America/Los_Angeles")
	now := at(la, 2026, time.January, 15, 10, 0)
	us := market(t, "US")
	for _, tc := range []struct {
		name    string
		mod     func(*Request)
		service string
		want    []Reason
		priced  bool
	}{
		{"overweight", func(r *Request) { r.Parcel.WeightG = 30001 }, "ground", []Reason{ReasonOverweight}, true},
		{"max_weight_itself", func(r *Request) { r.Parcel.WeightG = 30000 }, "ground", nil, true},
		{"oversize_length", func(r *Request) { r.Parcel.LengthMM, r.Parcel.WidthMM, r.Parcel.HeightMM = 1001, 100, 100 }, "ground",
			[]Reason{ReasonOversize}, true},
		{"oversize_girth", func(r *Request) { r.Parcel.LengthMM, r.Parcel.WidthMM, r.Parcel.HeightMM = 600, 600, 900 }, "ground",
			[]Reason{ReasonOversize}, true}, // 900 + 2 × (600 + 600) = 3300 > 3000
		{"option_unavailable", func(r *Request) { r.Options = []string{"priority", "signature"} }, "ground", []Reason{ReasonOption}, true},
		{"cod_not_in_the_market", func(r *Request) { r.COD = 1000 }, "ground", []Reason{ReasonCOD}, true},
		{"cod_not_offered", func(r *Request) { r.COD = 1000; r.Market.CODAllowed = true }, "express", []Reason{ReasonCOD}, true},
		{"currency", func(r *Request) { r.Currency = "EUR" }, "ground", []Reason{ReasonCurrency}, true},
		{"market_not_served", func(r *Request) { r.Market = market(t, "GB") }, "ground", []Reason{ReasonMarket}, false},
		{"not_certified", func(r *Request) { r.Market.Code = "US"; r.Market.CertifiedOnly = true }, "ground", nil, true},
		{"destination_not_served", func(r *Request) { r.Dest = Destination{Country: "CA", Postal: "H2X1Y4"} }, "ground",
			[]Reason{ReasonDestination}, false},
		{"origin_not_served_is_ignored_without_card_origin", func(r *Request) { r.Handover.Origin = "CN" }, "ground", nil, true},
		{"no_card_in_force", func(r *Request) { r.Now = at(la, 2025, time.December, 31, 10, 0); r.PaidAt = r.Now }, "ground", []Reason{ReasonNoCard}, false},
		{"beyond_the_brackets", func(r *Request) { r.Parcel.WeightG = 5001 }, "express", []Reason{ReasonOverweight}, false},
		{"misses_promise", func(r *Request) { r.PaidAt = at(la, 2026, time.January, 10, 10, 0) }, "express", []Reason{ReasonPromise}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := &Request{Market: us, Dest: mountainView, Parcel: Parcel{WeightG: 500}, Now: now, PaidAt: now, Currency: "USD"}
			tc.mod(req)
			var res Result
			cards.Rate(req, &res)
			q := quoteOf(t, &res, "acme", tc.service)
			got := q.Reasons.List()
			if len(got) != len(tc.want) || q.Eligible != (len(tc.want) == 0) || q.Priced != tc.priced {
				t.Fatalf("reasons %v eligible %v priced %v; want %v priced %v", got, q.Eligible, q.Priced, tc.want, tc.priced)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("reasons %v, want %v", got, tc.want)
				}
				if msg := res.Message(q, req, got[i]); msg == "" || msg == got[i].Code() {
					t.Errorf("no message for %v", got[i])
				}
			}
		})
	}
}

// TestNotCertified: R-SHIP-3 with the shipped cards: 4PX direct from China is not certified in
// the US (R-MODE-5), while the US carriers are.
func TestNotCertified(t *testing.T) {
	t.Parallel()
	cards, err := DefaultCards()
	if err != nil {
		t.Fatal(err)
	}
	now := at(tz(t, "America/Los_Angeles"), 2026, time.March, 2, 9, 0)
	req := &Request{Market: market(t, "US"), Dest: mountainView, Parcel: Parcel{WeightG: 300}, Now: now, PaidAt: now, Currency: "USD"}
	var res Result
	cards.Rate(req, &res)
	q := quoteOf(t, &res, "4px", "direct-us")
	if !q.Reasons.Has(ReasonCertified) || q.Eligible {
		t.Errorf("4px in the US: reasons %v", q.Reasons.List())
	}
	if q := quoteOf(t, &res, "jt-us", "standard"); !q.Eligible {
		t.Errorf("jt-us in the US: reasons %v", q.Reasons.List())
	}
	req.Market.CertifiedOnly = false // a market where R-SHIP-3 does not apply
	cards.Rate(req, &res)
	if q := quoteOf(t, &res, "4px", "direct-us"); q.Reasons.Has(ReasonCertified) {
		t.Errorf("4px without the certification rule: reasons %v", q.Reasons.List())
	}
}
