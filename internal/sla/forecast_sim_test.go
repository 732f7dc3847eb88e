package sla_test

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/carrier/carriertest"
	"lastmile/internal/carrier/sim"
	"lastmile/internal/sla"
	"lastmile/internal/tracking"
)

// simOrder is one order of the simulated weeks: when it was paid and confirmed, and its parcel.
type simOrder struct {
	paid, confirmed time.Time
	client          *sim.Client
	lane            tracking.Lane
	card            tracking.RateCardTransit
	number          string
}

// TestMondayForecastOnSimulatedWeeks measures the forecast as a seller would read it: on
// Monday 09:00 of each simulated week, the forecast of that week's LTS from what is known then
// (parcels tracked up to that moment, the delivery estimate learnt from the deliveries before
// it), against the week's final LTS once every deadline of the week has passed. Orders are
// paid every day, confirmed 1–30 h later (some past R-ORD-3's 24 h), labelled 0–3 days after
// confirmation (some past R-SHIP-1's 72 h) and carried by the simulated carriers' realistic
// journey; the promise is 7 days plus R-SLA-2's 24 h. Three simulated networks (seeds) of 9
// weeks each, 5 measured weeks each. The goal is within 3 points; the figures are reported
// (docs/tracking.md, "Forecast"): go test ./internal/sla/ -run MondayForecast -v
func TestMondayForecastOnSimulatedWeeks(t *testing.T) {
	if testing.Short() {
		t.Skip("ships thousands of simulated parcels")
	}
	type volume struct {
		perDay int
		seeds  []uint64
		// maxMean is what the test asserts of the mean absolute error.
		maxMean float64
	}
	volumes := []volume{
		// At 40 orders a day the outcomes still open on Monday alone spread the week's LTS by
		// more than the 3-point goal (the floor the test logs, 3.39): the goal cannot be
		// met, and this guards the figure reached against regressions.
		{perDay: 40, seeds: []uint64{21, 22, 23}, maxMean: 4.5},
		// The goal, within 3 points, at 200 orders a day: the chance-only floor is 1.5 there
		// (2.56 measured). 1,000 a day (floor 0.66, 0.57 measured) takes minutes:
		// LASTMILE_FORECAST_VOLUMES=40,200,1000.
		{perDay: 200, seeds: []uint64{21, 22, 23}, maxMean: 3.0},
	}
	if raceEnabled {
		volumes = volumes[:1] // the rest run in make test's pass without the race detector
	}
	if v := os.Getenv("LASTMILE_FORECAST_VOLUMES"); v != "" {
		volumes = volumes[:0]
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil {
				t.Fatalf("LASTMILE_FORECAST_VOLUMES: %q is not a number of orders a day", f)
			}
			volumes = append(volumes, volume{perDay: n, seeds: []uint64{21, 22, 23}, maxMean: 100})
		}
	}
	for _, v := range volumes {
		var weeks []simWeek
		for _, seed := range v.seeds {
			weeks = append(weeks, simulatedWeeks(t, seed, v.perDay)...)
		}
		worst, sum, floor := 0.0, 0.0, 0.0
		for _, w := range weeks {
			worst, sum, floor = math.Max(worst, math.Abs(w.diff)), sum+math.Abs(w.diff), floor+w.floor
		}
		mean := sum / float64(len(weeks))
		floor /= float64(len(weeks))
		t.Logf("%d orders a day, %d weeks (%d simulated networks): mean absolute error %.2f points, worst %.2f; chance-only floor %.2f",
			v.perDay, len(weeks), len(v.seeds), mean, worst, floor)
		if mean > v.maxMean {
			t.Errorf("%d orders a day: Monday's forecast misses the week's LTS by %.2f points on average, more than %.1f (chance-only floor %.2f)",
				v.perDay, mean, v.maxMean, floor)
		}
	}
}

// simWeek is one measured week: Monday's forecast LTS minus the final one, and the chance-only
// floor: the mean absolute error a forecast with exactly right odds would have, from the
// spread of the outcomes still open on Monday morning (independent cases; the delivery
// outlook's odds for the parcels in flight, the week's realised shares for the dispatches of
// orders confirmed, or not yet, and for exceptions), through the LTS's slope in each.
type simWeek struct{ diff, floor float64 }

// simulatedWeeks runs 9 weeks of orders on a simulated network seeded with seed and returns,
// for the 5 weeks with history before them, Monday's forecast LTS minus the final one.
func simulatedWeeks(t *testing.T, seed uint64, perDay int) []simWeek {
	codes, err := tracking.DefaultCodes()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC) // a Monday
	var mu sync.Mutex
	now := start
	setNow := func(t time.Time) { mu.Lock(); now = t; mu.Unlock() }
	n, err := sim.Start(ctx, sim.Options{Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now }, Seed: seed, Journey: sim.DefaultJourney()})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	type service struct {
		c    *sim.Client
		sv   carrier.Service
		addr carriertest.Addresses
	}
	var services []service
	for _, code := range sim.Codes() {
		c, err := sim.NewClient(sim.ClientConfig{URL: n.URL(), APIKey: n.APIKey(), Carrier: code})
		if err != nil {
			t.Fatal(err)
		}
		if !c.Capabilities().Has(carrier.CanTrack) {
			continue
		}
		for _, sv := range c.Services() {
			if len(sv.Markets) == 0 {
				continue
			}
			if a, ok := carriertest.SampleAddresses(sv.Markets[0]); ok {
				services = append(services, service{c, sv, a})
			}
		}
	}
	const weeks = 9
	rng := rand.New(rand.NewPCG(seed, 4))
	// Each day's labels are bought at 10:00 that day: an order is labelled on the day its
	// seller gets to it.
	labelDays := map[int][]*simOrder{}
	var orders []*simOrder
	for day := range weeks * 7 {
		for range perDay {
			paid := start.AddDate(0, 0, day).Add(time.Duration(rng.IntN(24*60)) * time.Minute)
			confirmed := paid.Add(time.Hour + time.Duration(rng.IntN(29*60))*time.Minute)
			sv := services[rng.IntN(len(services))]
			o := &simOrder{paid: paid, confirmed: confirmed, client: sv.c, card: tracking.RateCardTransit{MinDays: sv.sv.TransitDaysMin,
				MaxDays: sv.sv.TransitDaysMax, BusinessDays: sv.sv.BusinessDays},
				lane: tracking.Lane{Carrier: sv.c.Code(), Service: sv.sv.Code, Origin: "wh_" + sv.addr.From.Country, Destination: sv.addr.To.Country}}
			delay := []int{0, 0, 0, 1, 1, 2, 3}[rng.IntN(7)] // days after confirmation
			labelDay := int(confirmed.Sub(start).Hours()/24) + delay
			labelDays[labelDay] = append(labelDays[labelDay], o)
			orders = append(orders, o)
		}
	}
	seq := 0
	for day := range weeks*7 + 7 {
		setNow(start.AddDate(0, 0, day).Add(10 * time.Hour))
		for _, o := range labelDays[day] {
			seq++
			addr := services[0].addr
			for _, sv := range services {
				if sv.c == o.client && sv.sv.Code == o.lane.Service {
					addr = sv.addr
				}
			}
			ref := "pkg_" + strconv.Itoa(seq)
			l, err := o.client.Purchase(ctx, carrier.PurchaseRequest{IdempotencyKey: ref, Reference: ref, Service: o.lane.Service,
				From: addr.From, To: addr.To, Parcel: carrier.Parcel{WeightG: 450}})
			if err != nil {
				t.Fatal(err)
			}
			o.number = l.TrackingNumber
			if o.client.Capabilities().Has(carrier.CanManifest) {
				if _, err := o.client.Manifest(ctx, carrier.ManifestRequest{ShipDate: now, From: addr.From, TrackingNumbers: []string{o.number}}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	// track folds every parcel as its carrier reports it at the moment at.
	track := func(at time.Time) map[string]tracking.ShipmentTracking {
		setNow(at)
		byClient := map[*sim.Client][]string{}
		for _, o := range orders {
			byClient[o.client] = append(byClient[o.client], o.number)
		}
		out := map[string]tracking.ShipmentTracking{}
		for c, ns := range byClient {
			ts, err := c.Track(ctx, ns)
			if err != nil {
				t.Fatal(err)
			}
			for _, tr := range ts {
				out[tr.TrackingNumber] = tracking.Apply(tracking.ShipmentTracking{TrackingNumber: tr.TrackingNumber, Carrier: c.Code()},
					codes.Events(c.Code(), tr))
			}
		}
		return out
	}
	records := func(states map[string]tracking.ShipmentTracking, at time.Time) []sla.Record {
		out := make([]sla.Record, 0, len(orders))
		for i, o := range orders {
			if o.paid.After(at) {
				continue // not paid yet: the forecast estimates it from the run rate
			}
			r := sla.Record{OrderID: strconv.Itoa(i), Shop: "shop", Carrier: o.lane.Carrier, Market: "US", PaidAt: o.paid,
				ConfirmDueAt: o.paid.Add(24 * time.Hour), LateAt: o.paid.Add(8 * 24 * time.Hour), EstimateLane: o.lane, RateCard: o.card}
			if !o.confirmed.After(at) {
				// The ship deadline runs from the confirmation (R-SHIP-1): unknown before it.
				r.ConfirmedAt, r.ShipDueAt = o.confirmed, o.confirmed.Add(72*time.Hour)
			}
			if s, ok := states[o.number]; ok && o.number != "" {
				r.HasTracking = true
				if !s.FirstScanAt.IsZero() {
					r.ValidTracking, r.ShippedAt = true, s.FirstScanAt
				}
				if s.Status == tracking.StatusDelivered {
					r.DeliveredAt = s.DeliveredAt
					r.MilestonesPresent, r.MilestonesExpected = tracking.Completeness(&s, tracking.DefaultFigures())
				}
				r.DeliveryException = s.HadDeliveryException()
			}
			out = append(out, r)
		}
		return out
	}
	cfg := sla.DefaultScoreConfig()
	final := records(track(start.AddDate(0, 0, weeks*7+60)), start.AddDate(0, 0, weeks*7+60))
	var diffs []simWeek
	for w := 3; w < weeks-1; w++ { // weeks with history before them and every order of theirs in the simulation
		monday := start.AddDate(0, 0, 7*w).Add(9 * time.Hour)
		y, wk := monday.ISOWeek()
		p, err := sla.ISOWeek(y, wk, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		states := track(monday)
		var history []tracking.Delivery
		for _, o := range orders {
			if s := states[o.number]; s.Status == tracking.StatusDelivered && !s.FirstScanAt.IsZero() {
				history = append(history, tracking.Delivery{Lane: o.lane, HandedOverAt: s.FirstScanAt, DeliveredAt: s.DeliveredAt})
			}
		}
		est, err := tracking.NewEstimator(history, tracking.EstimatorOptions{})
		if err != nil {
			t.Fatal(err)
		}
		fc := sla.Forecast(records(states, monday), p, sla.GroupAll, monday, cfg, sla.EstimateOutlook{Estimator: est})
		fin := sla.Compute(final, p, sla.GroupAll, start.AddDate(0, 0, weeks*7+60), cfg)
		if len(fc) != 1 || len(fin) != 1 || !fc[0].LTSOK || !fin[0].LTSOK {
			t.Fatalf("week %s: forecast %+v, final %+v", p.Label, fc, fin)
		}
		diff := fc[0].LTS - fin[0].LTS
		t.Logf("seed %d %s: Monday's forecast LTS %.2f, final %.2f, off by %+.2f (%d orders)", seed, p.Label, fc[0].LTS, fin[0].LTS, diff, fin[0].Orders)
		rate := func(r sla.Rate) string { v, _ := r.Value(); return strconv.FormatFloat(100*v, 'f', 1, 64) }
		t.Logf("   on time %s%% → %s%%, late dispatch %s%% → %s%%, valid tracking %s%% → %s%%, exceptions %s%% → %s%%",
			rate(fc[0].OnTimeDelivery), rate(fin[0].OnTimeDelivery), rate(fc[0].LateDispatch), rate(fin[0].LateDispatch),
			rate(fc[0].ValidTracking), rate(fin[0].ValidTracking), rate(fc[0].DeliveryException), rate(fin[0].DeliveryException))
		// Where the miss comes from: the forecast's error with one component replaced by its
		// final figure.
		with := func(f func(fc, fin *sla.Scores)) string {
			c := fc[0]
			f(&c, &fin[0])
			l, _ := sla.ComputeLTS(&c, cfg.LTS)
			return strconv.FormatFloat(l-fin[0].LTS, 'f', 2, 64)
		}
		t.Logf("   off by, with the final late deliveries %s, late dispatch %s, exceptions %s, completeness %s",
			with(func(a, b *sla.Scores) { a.LateDelivery = b.LateDelivery }),
			with(func(a, b *sla.Scores) { a.LateDispatch = b.LateDispatch }),
			with(func(a, b *sla.Scores) { a.DeliveryException = b.DeliveryException }),
			with(func(a, b *sla.Scores) { a.Completeness = b.Completeness }))
		diffs = append(diffs, simWeek{diff: diff, floor: chanceFloor(t, orders, states, final, p, monday, est, &fin[0], cfg.LTS)})
	}
	return diffs
}

// chanceFloor is the week's chance-only floor (simWeek). final holds every order, in the
// order of orders; fin is the week's final scores.
func chanceFloor(t *testing.T, orders []*simOrder, states map[string]tracking.ShipmentTracking, final []sla.Record,
	p sla.Period, monday time.Time, est *tracking.Estimator, fin *sla.Scores, c sla.LTSConfig) float64 {
	t.Helper()
	// slope is the LTS points one bad case of a rate of den cases costs.
	slope := func(weight, zero, den float64) float64 {
		if den == 0 {
			return 0
		}
		return 100 * weight / (zero * den)
	}
	var variance float64
	// Dispatch: the cases not decided on Monday, apart by whether the order was confirmed.
	var n, bad [2]float64
	for i, o := range orders {
		r := &final[i]
		if !p.Contains(r.ShipDueAt) || !r.ShipDueAt.After(monday) {
			continue
		}
		if s := states[o.number]; o.number != "" && !s.FirstScanAt.IsZero() && !s.FirstScanAt.After(monday) {
			continue // scanned by Monday: decided
		}
		k := 0
		if !o.confirmed.After(monday) {
			k = 1
		}
		n[k]++
		if r.ShippedAt.IsZero() || r.ShippedAt.After(r.ShipDueAt) {
			bad[k]++
		}
	}
	sd := slope(c.LateDispatch, c.ZeroLateDispatch, fin.LateDispatch.Den)
	for k := range n {
		if n[k] > 0 {
			q := bad[k] / n[k]
			variance += sd * sd * n[k] * q * (1 - q)
		}
	}
	// Deliveries in flight on Monday: on time with the outlook's odds; exceptions at the
	// realised share of those parcels.
	var inFlight, exc, onTimeVar float64
	outlook := sla.EstimateOutlook{Estimator: est}
	for i, o := range orders {
		r := final[i]
		s := states[o.number]
		if !p.Contains(r.LateAt) || !r.LateAt.After(monday) || o.number == "" || s.FirstScanAt.IsZero() || s.Status == tracking.StatusDelivered {
			continue
		}
		r.ShippedAt, r.DeliveredAt = s.FirstScanAt, time.Time{}
		q := outlook.OnTime(&r, monday)
		onTimeVar += q * (1 - q)
		inFlight++
		if r.DeliveryException {
			exc++
		}
	}
	sl := slope(c.LateDelivery, c.ZeroLateDelivery, fin.LateDelivery.Den)
	variance += sl * sl * onTimeVar
	if inFlight > 0 {
		q := exc / inFlight
		se := slope(c.DeliveryException, c.ZeroDeliveryException, fin.DeliveryException.Den)
		variance += se * se * inFlight * q * (1 - q)
	}
	return math.Sqrt(2/math.Pi) * math.Sqrt(variance)
}
