package rating

import (
	"strconv"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/model"
)

// TestPromise: the delivery promise (R-SLA-1) against hand-over and transit. The US promise is
// 7 calendar days from payment in Los Angeles time (R-SLA-1, config default). acme/ground
// counts transit in US working days (weekends and federal holidays off: 2026-01-19 is Martin
// Luther King Jr. Day); acme/express in calendar days. The default cut-off is noon
// (DefaultCutOff, the configuration's default).
func TestPromise(t *testing.T) {
	t.Parallel()
	cards := loadTestCards(t)
	la := tz(t, "America/Los_Angeles")
	us := market(t, "US")
	if us.PromiseDays != 7 {
		t.Fatalf("US promise %d days, want 7 (R-SLA-1)", us.PromiseDays)
	}
	weekendsOff := Handover{Closed: [7]bool{time.Saturday: true, time.Sunday: true}}
	type check struct {
		service string
		by      string // DeliveryBy
		meets   bool
	}
	for _, tc := range []struct {
		name               string
		paid, now          time.Time // now zero: now is paid
		dest               Destination
		handover           Handover
		wantHand, wantDead string
		checks             []check
	}{
		{name: "wednesday_before_cut_off",
			paid: at(la, 2026, time.January, 7, 10, 0), wantHand: "2026-01-07", wantDead: "2026-01-14",
			checks: []check{{"ground", "2026-01-12", true}, {"express", "2026-01-14", true}}}, // Thu, Fri, Mon; 7 days: on the deadline
		{name: "one_second_before_cut_off",
			paid: at(la, 2026, time.January, 7, 11, 59).Add(59 * time.Second), wantHand: "2026-01-07", wantDead: "2026-01-14",
			checks: []check{{"express", "2026-01-14", true}}},
		{name: "at_the_cut_off_ships_next_day",
			paid: at(la, 2026, time.January, 7, 12, 0), wantHand: "2026-01-08", wantDead: "2026-01-14",
			checks: []check{{"ground", "2026-01-13", true}, {"express", "2026-01-15", false}}},
		{name: "working_days_across_a_weekend_miss",
			paid: at(la, 2026, time.January, 7, 10, 0), dest: anchorage, wantHand: "2026-01-07", wantDead: "2026-01-14",
			// 6 working days from Wednesday end on the next Thursday; 6 calendar days on Tuesday.
			checks: []check{{"ground", "2026-01-15", false}, {"express", "2026-01-13", true}}},
		{name: "friday_after_cut_off_hands_over_saturday",
			paid: at(la, 2026, time.January, 9, 16, 0), wantHand: "2026-01-10", wantDead: "2026-01-16",
			checks: []check{{"ground", "2026-01-14", true}, {"express", "2026-01-17", false}}},
		{name: "friday_before_cut_off_same_working_days",
			paid: at(la, 2026, time.January, 9, 10, 0), wantHand: "2026-01-09", wantDead: "2026-01-16",
			checks: []check{{"ground", "2026-01-14", true}, {"express", "2026-01-16", true}}},
		{name: "warehouse_closed_at_weekends",
			paid: at(la, 2026, time.January, 9, 16, 0), handover: weekendsOff, wantHand: "2026-01-12", wantDead: "2026-01-16",
			checks: []check{{"ground", "2026-01-15", true}, {"express", "2026-01-19", false}}},
		{name: "federal_holiday_is_not_a_working_day",
			paid: at(la, 2026, time.January, 15, 10, 0), wantHand: "2026-01-15", wantDead: "2026-01-22",
			checks: []check{{"ground", "2026-01-21", true}}}, // Fri 16, (Mon 19 MLK) Tue 20, Wed 21
		{name: "paid_day_in_the_market_time_zone",
			paid:     time.Date(2026, time.January, 8, 7, 30, 0, 0, time.UTC), // Wednesday 23:30 in Los Angeles
			wantHand: "2026-01-08", wantDead: "2026-01-14",
			checks: []check{{"ground", "2026-01-13", true}, {"express", "2026-01-15", false}}},
		{name: "late_confirmation_hands_over_later",
			paid: at(la, 2026, time.January, 5, 10, 0), now: at(la, 2026, time.January, 7, 10, 0),
			wantHand: "2026-01-07", wantDead: "2026-01-12",
			checks: []check{{"ground", "2026-01-12", true}, {"express", "2026-01-14", false}}},
		{name: "later_cut_off",
			paid: at(la, 2026, time.January, 7, 16, 0), handover: Handover{CutOff: 17 * time.Hour}, wantHand: "2026-01-07", wantDead: "2026-01-14",
			checks: []check{{"express", "2026-01-14", true}}},
		{name: "warehouse_in_another_zone",
			// 10:00 in Los Angeles is 02:00 next day in Shenzhen, before its cut-off.
			paid: at(la, 2026, time.January, 7, 10, 0), handover: Handover{Location: tz(t, "Asia/Shanghai")},
			wantHand: "2026-01-08", wantDead: "2026-01-14", checks: []check{{"express", "2026-01-15", false}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			now := tc.now
			if now.IsZero() {
				now = tc.paid
			}
			dest := mountainView
			if tc.dest.Country != "" {
				dest = tc.dest
			}
			req := &Request{Market: us, Dest: dest, Parcel: Parcel{WeightG: 400}, PaidAt: tc.paid, Now: now,
				Handover: tc.handover, Currency: "USD"}
			var res Result
			cards.Rate(req, &res)
			if res.Handover.String() != tc.wantHand || res.Deadline.String() != tc.wantDead {
				t.Errorf("hand-over %s deadline %s; want %s and %s", res.Handover, res.Deadline, tc.wantHand, tc.wantDead)
			}
			for _, c := range tc.checks {
				q := quoteOf(t, &res, "acme", c.service)
				if q.DeliveryBy.String() != c.by || q.MeetsPromise != c.meets || q.Reasons.Has(ReasonPromise) == c.meets {
					t.Errorf("%s: delivery by %s meets %v (%v); want %s meets %v", c.service, q.DeliveryBy, q.MeetsPromise,
						q.Reasons.List(), c.by, c.meets)
				}
			}
		})
	}
}

// TestPromiseDefaults: the published promise days (R-SLA-1: UK 5, TH 3, US 7) with a service
// whose transit is exactly the promise: it meets it when paid before the cut-off and misses it
// after.
func TestPromiseDefaults(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		market string
		days   int
	}{{"GB", 5}, {"TH", 3}, {"US", 7}} {
		t.Run(tc.market, func(t *testing.T) {
			t.Parallel()
			m := market(t, model.Market(tc.market))
			if m.PromiseDays != tc.days {
				t.Fatalf("%s promise %d days, want %d (R-SLA-1)", tc.market, m.PromiseDays, tc.days)
			}
			card, err := ParseCard("exact.yaml", []byte(`carrier: exact
service: promise
effective_from: 2026-01-01
markets: [`+tc.market+`]
currency: USD
zones:
  - country: `+tc.market+`
    transit_days: {min: 1, max: `+strconv.Itoa(tc.days)+`}
    brackets: [{max_g: 1000, price: 1.00}]
`))
			if err != nil {
				t.Fatal(err)
			}
			cards, err := NewCards(card)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				hour  int
				meets bool
			}{{11, true}, {12, false}} {
				paid := at(m.Location, 2026, time.March, 6, c.hour, 30) // a Friday: weekends count (R-SLA-1)
				req := &Request{Market: m, Dest: Destination{Country: tc.market}, Parcel: Parcel{WeightG: 100}, PaidAt: paid, Now: paid, Currency: "USD"}
				var res Result
				cards.Rate(req, &res)
				if q := &res.Quotes[0]; q.MeetsPromise != c.meets {
					t.Errorf("paid %s: meets %v, want %v (hand-over %s, by %s, deadline %s)", paid, q.MeetsPromise, c.meets,
						res.Handover, q.DeliveryBy, res.Deadline)
				}
			}
		})
	}
}

// TestWorkCalendar: working days from rickar/cal/v2 flattened at load time.
func TestWorkCalendar(t *testing.T) {
	t.Parallel()
	us := newWorkCalendar("US")
	for _, tc := range []struct {
		day  string
		work bool
	}{
		{"2026-01-01", false}, // New Year's Day
		{"2026-01-02", true},
		{"2026-01-03", false}, // Saturday
		{"2026-01-19", false}, // Martin Luther King Jr. Day
		{"2026-07-03", false}, // Independence Day observed (the 4th is a Saturday)
		{"2026-11-26", false}, // Thanksgiving
		{"2026-12-25", false},
		{"2026-12-24", true},
	} {
		if got := us.workday(date(t, tc.day)); got != tc.work {
			t.Errorf("US %s working day %v, want %v", tc.day, got, tc.work)
		}
	}
	gb := newWorkCalendar("GB")
	if gb.workday(date(t, "2026-12-28")) { // Boxing Day observed: the 26th is a Saturday
		t.Error("GB 2026-12-28 should be a bank holiday")
	}
	none := newWorkCalendar("")
	if got := none.addWorkdays(date(t, "2026-01-02"), 1); got.String() != "2026-01-05" {
		t.Errorf("Friday + 1 working day = %s, want Monday 2026-01-05", got)
	}
	if got := none.addWorkdays(date(t, "2026-01-03"), 0); got.String() != "2026-01-03" {
		t.Errorf("+0 working days = %s, want the same day", got)
	}
}

// One cut-off: the engine's fallback is the configuration's default, which allocation uses too.
func TestDefaultCutOffIsTheConfigs(t *testing.T) {
	m, err := config.ParseClock(config.DefaultCutOff)
	if err != nil || DefaultCutOff != time.Duration(m)*time.Minute {
		t.Errorf("rating.DefaultCutOff %v, config.DefaultCutOff %s (%v)", DefaultCutOff, config.DefaultCutOff, err)
	}
}
