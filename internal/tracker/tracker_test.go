package tracker_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/config"
	"lastmile/internal/ident"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
	"lastmile/internal/tracker"
	"lastmile/internal/tracking"
)

var t0 = time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC) // a Monday

// fix is a shop with one labelled order in a store, and a service on a clock the test moves.
type fix struct {
	s     store.Store
	svc   *tracker.Service
	now   time.Time
	shop  model.Shop
	order model.Order
	ship  model.Shipment
}

func newFix(t *testing.T, s store.Store, market model.Market, deadlines map[string]time.Time) *fix {
	t.Helper()
	ctx := context.Background()
	f := &fix{s: s, now: t0}
	f.shop = model.Shop{ID: ident.New("shop", t0), Name: "S", Market: market, TimeZone: "UTC", CreatedAt: t0}
	if err := s.CreateShop(ctx, f.shop); err != nil {
		t.Fatal(err)
	}
	codes, err := tracking.DefaultCodes()
	if err != nil {
		t.Fatal(err)
	}
	f.svc = tracker.New(s, codes, config.DefaultMarkets(), func() time.Time { return f.now }, slog.New(slog.DiscardHandler))
	f.order = f.newOrder(t, "ext-1", deadlines)
	f.ship = f.label(t, f.order, "9400"+ident.Random(16))
	return f
}

func (f *fix) newOrder(t *testing.T, ext string, deadlines map[string]time.Time) model.Order {
	t.Helper()
	paid := t0
	confirmed := t0.Add(time.Hour)
	o := model.Order{ID: ident.New("ord", t0), ShopID: f.shop.ID, ExternalID: ext, Market: f.shop.Market, Currency: "USD",
		Status: model.StatusAwaitingShipment, CreatedAt: t0.Add(-time.Hour), PaidAt: &paid, UpdatedAt: t0, ConfirmedAt: &confirmed,
		Buyer:           model.Buyer{Name: "Jane"},
		ShippingAddress: model.Address{Name: "Jane", Line1: "1 Main St", City: "Reno", Region: "NV", PostalCode: "89501", Country: string(f.shop.Market)},
		Lines: []model.Line{{SKU: "SKU-1", Name: "Thing", Quantity: 1, UnitPrice: model.Money{Amount: 1000, Currency: "USD"},
			WeightG: 100, LengthMM: 100, WidthMM: 100, HeightMM: 10, DeclaredName: "Thing"}},
		Deadlines: deadlines,
	}
	res, err := f.s.UpsertOrders(context.Background(), f.shop.ID, []model.Order{o}, func(existing *model.Order, in model.Order) (model.Order, model.WriteOutcome, error) {
		return order.Merge(existing, in, t0, "test")
	})
	if err != nil || res[0].Err != nil {
		t.Fatalf("upsert order: %v %v", err, res[0].Err)
	}
	// The seller confirms an hour after payment (R-ORD-3).
	got, err := f.s.UpdateOrder(context.Background(), []string{f.shop.ID}, res[0].Order.ID, func(o *model.Order) (bool, error) {
		o.ConfirmedAt = &confirmed
		return true, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// label gives the order a package and a shipment with a label bought at t0+2h.
func (f *fix) label(t *testing.T, o model.Order, number string) model.Shipment {
	t.Helper()
	bought := t0.Add(2 * time.Hour)
	p := model.Package{ID: ident.New("pkg", t0), ShopID: o.ShopID, OrderID: o.ID, WarehouseID: "wh_1",
		Lines: []model.PackageLine{{SKU: "SKU-1", Quantity: 1}}, WeightG: 100, Mode: model.ModeSeller, CreatedAt: bought}
	sh := model.Shipment{ID: ident.New("shp", t0), ShopID: o.ShopID, OrderID: o.ID, PackageID: p.ID, Status: model.ShipmentLabelPurchased,
		Mode: model.ModeSeller, Carrier: "usps", Service: "ground_advantage", TrackingNumber: number, LabelFormat: "pdf",
		CreatedAt: bought, PurchasedAt: &bought, UpdatedAt: bought}
	_, err := f.s.ChangeShipping(context.Background(), []string{o.ShopID}, o.ID, func(store.ShippingState) (store.ShippingChange, error) {
		return store.ShippingChange{NewPackages: []model.Package{p}, Shipments: []model.Shipment{sh}}, nil
	})
	if err != nil {
		t.Fatalf("label: %v", err)
	}
	return sh
}

func (f *fix) ev(code string, at time.Time) tracking.Event {
	return tracking.Event{TrackingNumber: f.ship.TrackingNumber, Carrier: "usps", RawCode: code, OccurredAt: at,
		Description: "event " + code, Location: tracking.Location{City: "Reno", Country: "US"}}
}

func (f *fix) ingest(t *testing.T, events ...tracking.Event) []tracker.ItemResult {
	t.Helper()
	res, err := f.svc.Ingest(context.Background(), []string{f.shop.ID}, events)
	if err != nil {
		t.Fatalf("ingest: %v", err)
	}
	return res
}

func (f *fix) deadlines(t *testing.T) map[string]tracker.DeadlineView {
	t.Helper()
	ds, err := f.svc.Deadlines(context.Background(), []string{f.shop.ID}, f.order.ID)
	if err != nil {
		t.Fatalf("deadlines: %v", err)
	}
	out := map[string]tracker.DeadlineView{}
	for _, d := range ds {
		if d.Subject == "order" || out[d.Rule].Rule == "" {
			out[d.Rule] = d
		}
	}
	return out
}

func (f *fix) orderStatus(t *testing.T) model.Status {
	t.Helper()
	o, err := f.s.GetOrder(context.Background(), []string{f.shop.ID}, f.order.ID)
	if err != nil {
		t.Fatal(err)
	}
	return o.Status
}

func notifyTypes(t *testing.T, s store.Store) []string {
	t.Helper()
	var out []string
	for _, r := range storetest.ListJobs(t, s) {
		if r.Kind != tracker.KindNotify {
			continue
		}
		var e tracker.NotifyEvent
		if err := json.Unmarshal(r.EncodedArgs, &e); err != nil {
			t.Fatal(err)
		}
		out = append(out, e.Type)
	}
	slices.Sort(out)
	return out
}

// journey is a domestic USPS parcel: accepted, moved, out for delivery, delivered.
func (f *fix) journey() []tracking.Event {
	return []tracking.Event{
		f.ev("GX", t0.Add(2*time.Hour)), f.ev("OA", t0.Add(3*time.Hour)), f.ev("L1", t0.Add(20*time.Hour)),
		f.ev("10", t0.Add(40*time.Hour)), f.ev("OF", t0.Add(60*time.Hour)), f.ev("01", t0.Add(66*time.Hour)),
	}
}

func TestIngestDuplicatesAndOutOfOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s store.Store) {
		// The same journey in order, and shuffled with duplicates, ends in the same state.
		a := newFix(t, s, "US", nil)
		a.now = t0.Add(70 * time.Hour)
		res := a.ingest(t, a.journey()...)
		for i, r := range res {
			if r.Outcome != store.TrackingCreated {
				t.Fatalf("event %d: %s %v", i, r.Outcome, r.Err)
			}
		}
		want, err := a.svc.Tracking(context.Background(), []string{a.shop.ID}, a.ship.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want.Status != tracking.StatusDelivered || len(want.Events) != 6 || want.Milestones["delivered"].IsZero() {
			t.Fatalf("tracking %+v", want)
		}
		if got := a.orderStatus(t); got != model.StatusDelivered {
			t.Errorf("order status %s, want DELIVERED", got)
		}
		again := a.ingest(t, a.journey()...)
		for i, r := range again {
			if r.Outcome != store.TrackingDuplicate {
				t.Errorf("replayed event %d: %s, want duplicate", i, r.Outcome)
			}
		}

		b := newFix(t, s, "US", nil)
		b.now = a.now
		evs := b.journey()
		rng := rand.New(rand.NewPCG(1, 2))
		rng.Shuffle(len(evs), func(i, j int) { evs[i], evs[j] = evs[j], evs[i] })
		half := append(slices.Clone(evs[:3]), evs[0])
		b.ingest(t, half...)
		if got := b.orderStatus(t); got != model.StatusInTransit && got != model.StatusDelivered {
			t.Errorf("after a first scan the order is %s", got)
		}
		b.ingest(t, evs...)
		got, err := b.svc.Tracking(context.Background(), []string{b.shop.ID}, b.ship.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != want.Status || len(got.Events) != len(want.Events) || !got.DeliveredAt.Equal(*want.DeliveredAt) {
			t.Errorf("out of order: %s %d events, want %s %d", got.Status, len(got.Events), want.Status, len(want.Events))
		}
		for i := range got.Events {
			if got.Events[i].RawCode != want.Events[i].RawCode || !got.Events[i].OccurredAt.Equal(want.Events[i].OccurredAt) {
				t.Errorf("event %d: %+v, want %+v", i, got.Events[i], want.Events[i])
			}
		}
		if st := b.orderStatus(t); st != model.StatusDelivered {
			t.Errorf("order status %s, want DELIVERED", st)
		}
	})
}

func TestIngestRefusesAndReportsPerItem(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s store.Store) {
		f := newFix(t, s, "US", nil)
		bad := f.ev("OA", time.Time{})
		other := f.ev("OA", t0.Add(3*time.Hour))
		other.TrackingNumber = "NOPE"
		unknown := f.ev("ZZ", t0.Add(4*time.Hour))
		res := f.ingest(t, f.ev("OA", t0.Add(3*time.Hour)), bad, other, unknown)
		if res[0].Outcome != store.TrackingCreated || res[0].Status != tracking.StatusInTransit {
			t.Errorf("item 0: %+v", res[0])
		}
		if res[1].Outcome != tracker.OutcomeInvalid || res[1].Err == nil {
			t.Errorf("item 1: %+v", res[1])
		}
		if res[2].Outcome != store.TrackingNoShipment {
			t.Errorf("item 2: %+v", res[2])
		}
		if res[3].Outcome != store.TrackingCreated || res[3].Reason != tracking.ReasonUnknownCode {
			t.Errorf("item 3: %+v", res[3])
		}
		// Another shop's key reaches no shipment.
		other2 := model.Shop{ID: ident.New("shop", t0), Name: "B", Market: "US", TimeZone: "UTC", CreatedAt: t0}
		if err := s.CreateShop(context.Background(), other2); err != nil {
			t.Fatal(err)
		}
		res, err := f.svc.Ingest(context.Background(), []string{other2.ID}, []tracking.Event{f.ev("L1", t0.Add(5*time.Hour))})
		if err != nil || res[0].Outcome != store.TrackingNoShipment {
			t.Errorf("other shop: %+v %v", res, err)
		}
	})
}

func TestDeadlinesPerRuleAndMarket(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s store.Store) {
		confirmed := t0.Add(time.Hour)
		cases := []struct {
			market model.Market
			rule   string
			due    time.Time
			source string
		}{
			{"US", "R-ORD-3", t0.Add(24 * time.Hour), "default"},
			{"US", "R-ORD-5", t0.Add(48 * time.Hour), "default"},
			{"US", "R-SHIP-1", confirmed.Add(72 * time.Hour), "default"},
			{"GB", "R-SHIP-1", confirmed.Add(48 * time.Hour), "default"},
			{"TH", "R-ORD-5", t0.Add(72 * time.Hour), "default"},
			{"US", "R-TRK-1", t0.Add(2*time.Hour + 4*time.Hour), "default"},
			{"US", "R-ORD-2", t0.Add(-time.Hour + 48*time.Hour), "default"},
		}
		byMarket := map[model.Market]map[string]tracker.DeadlineView{}
		for _, c := range cases {
			if byMarket[c.market] == nil {
				f := newFix(t, s, c.market, nil)
				byMarket[c.market] = f.deadlines(t)
			}
			d, ok := byMarket[c.market][c.rule]
			if !ok {
				t.Errorf("%s %s: no deadline", c.market, c.rule)
				continue
			}
			if !d.DueAt.Equal(c.due) || d.Source != c.source {
				t.Errorf("%s %s: due %s (%s), want %s (%s)", c.market, c.rule, d.DueAt, d.Source, c.due, c.source)
			}
		}
		// A marketplace-given deadline wins.
		rts := t0.Add(30 * time.Hour)
		f := newFix(t, s, "US", map[string]time.Time{"rts_sla_time": rts})
		d := f.deadlines(t)["R-SHIP-1"]
		if !d.DueAt.Equal(rts) || d.Source != "platform:rts_sla_time" {
			t.Errorf("platform R-SHIP-1: %+v", d)
		}
		// The promise (R-SLA-1) and late (R-SLA-2) clocks run from the market's promise days.
		ds := byMarket["US"]
		if p, l := ds["R-SLA-1"], ds["R-SLA-2"]; p.DueAt.IsZero() || !l.DueAt.Equal(p.DueAt.Add(24*time.Hour)) {
			t.Errorf("promise %s, late %s: want late 24 h after the promise", p.DueAt, l.DueAt)
		}
	})
}

func TestAlertsRaisedOnceAtRiskThenBreach(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s store.Store) {
		f := newFix(t, s, "US", nil)
		ctx := context.Background()
		// The first-scan clock (R-TRK-1): label at +2h, due +6h, at risk at 75% (+5h).
		f.now = t0.Add(2*time.Hour + time.Minute)
		if _, err := f.svc.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		count := func(kind string) int {
			as, err := f.svc.Alerts(ctx, store.AlertQuery{ShopIDs: []string{f.shop.ID}, Kind: kind})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, a := range as {
				if a.Rule == "R-TRK-1" {
					n++
				}
			}
			return n
		}
		if n := count("at_risk"); n != 0 {
			t.Fatalf("at risk before 75%% of the window: %d", n)
		}
		f.now = t0.Add(5*time.Hour + time.Minute)
		for range 2 {
			if _, err := f.svc.Sweep(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if n := count("at_risk"); n != 1 {
			t.Errorf("at risk alerts %d, want 1", n)
		}
		f.now = t0.Add(7 * time.Hour)
		for range 2 {
			if _, err := f.svc.Sweep(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if n, m := count("at_risk"), count("breached"); n != 1 || m != 1 {
			t.Errorf("alerts at risk %d, breached %d; want 1 and 1", n, m)
		}
		if d := f.deadlines(t)["R-TRK-1"]; d.State != "breached" {
			t.Errorf("R-TRK-1 state %s", d.State)
		}
		// A late first scan does not raise anything again.
		f.ingest(t, f.ev("OA", t0.Add(8*time.Hour)))
		if n, m := count("at_risk"), count("breached"); n != 1 || m != 1 {
			t.Errorf("after the scan: at risk %d, breached %d", n, m)
		}
		types := notifyTypes(t, s)
		if !slices.Contains(types, tracker.EventDeadlineAtRisk) || !slices.Contains(types, tracker.EventDeadlineBreached) ||
			!slices.Contains(types, tracker.EventTrackingUpdated) {
			t.Errorf("notify events %v", types)
		}
		// The sweep reads only due rows: nothing is due right after it ran.
		if n, err := s.CountDue(ctx, f.now); err != nil || n != 0 {
			t.Errorf("due after the sweep: %d %v", n, err)
		}
	})
}

func TestStaleParcelBecomesAnException(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s store.Store) {
		f := newFix(t, s, "US", nil)
		ctx := context.Background()
		f.now = t0.Add(4 * time.Hour)
		f.ingest(t, f.ev("OA", t0.Add(3*time.Hour)))
		// 72 h after the last event (R-TRK-5) the parcel is stale.
		f.now = t0.Add(3*time.Hour + 72*time.Hour + time.Minute)
		if _, err := f.svc.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		xs, err := f.svc.Exceptions(ctx, store.ExceptionQuery{ShopIDs: []string{f.shop.ID}, Type: "stale"})
		if err != nil {
			t.Fatal(err)
		}
		if len(xs) != 1 || xs[0].ShipmentID != f.ship.ID || xs[0].SuggestedAction == "" || xs[0].ClosedAt != nil {
			t.Fatalf("stale exceptions %+v", xs)
		}
		// Sweeping again opens nothing more; a new event closes it.
		if _, err := f.svc.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		f.ingest(t, f.ev("L1", f.now))
		xs, _ = f.svc.Exceptions(ctx, store.ExceptionQuery{ShopIDs: []string{f.shop.ID}, Type: "stale"})
		if len(xs) != 1 || xs[0].ClosedAt == nil {
			t.Fatalf("after a new event: %+v", xs)
		}
		// A carrier exception opens one, and resolving it keeps the note; another shop sees none.
		f.ingest(t, f.ev("LS", f.now.Add(time.Hour)))
		xs, _ = f.svc.Exceptions(ctx, store.ExceptionQuery{ShopIDs: []string{f.shop.ID}, Type: "lost", Carrier: "usps"})
		if len(xs) != 1 {
			t.Fatalf("lost: %+v", xs)
		}
		got, err := f.svc.Resolve(ctx, []string{f.shop.ID}, xs[0].ID, "claim filed")
		if err != nil || got.Note != "claim filed" || got.ResolvedAt == nil {
			t.Fatalf("resolve: %+v %v", got, err)
		}
		if _, err := f.svc.Resolve(ctx, []string{"shop_other"}, xs[0].ID, "x"); err == nil {
			t.Error("another shop resolved the exception")
		}
		if types := notifyTypes(t, s); !slices.Contains(types, tracker.EventExceptionOpened) {
			t.Errorf("notify events %v", types)
		}
	})
}

func TestEveryNormalisedStatusOfTheSimCarriers(t *testing.T) {
	codes, err := tracking.DefaultCodes()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[tracking.Status]bool{}
	for _, c := range codes.Carriers() {
		for _, m := range codes.Table(c) {
			seen[m.Status] = true
		}
	}
	for _, st := range tracking.Statuses() {
		if st != tracking.StatusPending && !seen[st] {
			t.Errorf("no carrier code maps to %s", st)
		}
	}
}

func TestPollIntervalBacksOffForQuietParcels(t *testing.T) {
	cases := []struct{ quiet, want time.Duration }{
		{0, 4 * time.Hour}, {23 * time.Hour, 4 * time.Hour}, {24 * time.Hour, 8 * time.Hour},
		{48 * time.Hour, 16 * time.Hour}, {10 * 24 * time.Hour, 24 * time.Hour},
	}
	for _, c := range cases {
		if got := tracker.PollInterval(4*time.Hour, c.quiet); got != c.want {
			t.Errorf("quiet %s: %s, want %s", c.quiet, got, c.want)
		}
	}
}

func TestPollIngestsUntilDelivered(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s store.Store) {
		f := newFix(t, s, "US", nil)
		ctx := context.Background()
		var served []carrier.TrackingEvent
		f.svc.SetPoller("usps", tracker.Poller{Every: time.Hour, Track: func(_ context.Context, numbers []string) ([]carrier.Tracking, error) {
			return []carrier.Tracking{{TrackingNumber: numbers[0], Found: true, Events: served}}, nil
		}})
		args, _ := json.Marshal(tracker.PollArgs{ShopID: f.shop.ID, ShipmentID: f.ship.ID})
		f.now = t0.Add(4 * time.Hour)
		served = []carrier.TrackingEvent{{Code: "OA", OccurredAt: t0.Add(3 * time.Hour)}}
		next, err := f.svc.Poll(ctx, args)
		if err != nil || next != time.Hour {
			t.Fatalf("first poll: %s %v", next, err)
		}
		f.now = t0.Add(80 * time.Hour)
		served = append(served, carrier.TrackingEvent{Code: "01", OccurredAt: t0.Add(70 * time.Hour)})
		if _, err := f.svc.Poll(ctx, args); !errors.Is(err, tracker.ErrPollDone) {
			t.Fatalf("after delivery: %v, want ErrPollDone", err)
		}
		if st := f.orderStatus(t); st != model.StatusDelivered {
			t.Errorf("order %s", st)
		}
		// The ingest enqueued the parcel's poll job once (one live job per shipment).
		n := 0
		for _, r := range storetest.ListJobs(t, s) {
			if r.Kind == tracker.KindPoll {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d poll jobs, want 1", n)
		}
	})
}

func evFor(number, code string, at time.Time) tracking.Event {
	return tracking.Event{TrackingNumber: number, Carrier: "usps", RawCode: code, OccurredAt: at}
}

// TestWeekScoresOnAHandComputedFixture: four orders of week 2026-W49, each confirmed at +1h,
// due to ship at +73h (R-SHIP-1) and late after +120h (a marketplace delivery_sla_time at +96h
// plus 24 h, R-SLA-2):
//
//	o1 scanned +3h, delivered +66h with every milestone        on time, complete 3/3
//	o2 scanned +80h (late dispatch), delivered +100h, no OF     on time, complete 2/3
//	o3 scanned +3h, never delivered                              late
//	o4 scanned +3h, lost at +50h                                 late, delivery exception
//
// late dispatch 1/4, valid tracking 4/4, on time 2/4, exceptions 1/4, completeness 5/6 = 83.33,
// confirmation timeouts 0/4, seller-fault cancellations 0/4; LTS = 0.15×100 + 0.10×(83.33/85×100)
// + 0.05×100 = 29.80 (late delivery, late dispatch and exceptions score 0 past their zero points).
func TestWeekScoresOnAHandComputedFixture(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s store.Store) {
		f := newFix(t, s, "US", map[string]time.Time{"delivery_sla_time": t0.Add(96 * time.Hour)})
		f.now = t0.Add(7 * 24 * time.Hour)
		h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
		n1 := f.ship.TrackingNumber
		f.ingest(t, evFor(n1, "GX", h(2)), evFor(n1, "OA", h(3)), evFor(n1, "L1", h(20)), evFor(n1, "10", h(40)), evFor(n1, "OF", h(60)), evFor(n1, "01", h(66)))
		more := func(ext string, events func(n string) []tracking.Event) {
			o := f.newOrder(t, ext, map[string]time.Time{"delivery_sla_time": t0.Add(96 * time.Hour)})
			sh := f.label(t, o, "9400"+ident.Random(16))
			f.ingest(t, events(sh.TrackingNumber)...)
		}
		more("o2", func(n string) []tracking.Event {
			return []tracking.Event{evFor(n, "OA", h(80)), evFor(n, "01", h(100))}
		})
		more("o3", func(n string) []tracking.Event { return []tracking.Event{evFor(n, "OA", h(3))} })
		more("o4", func(n string) []tracking.Event { return []tracking.Event{evFor(n, "OA", h(3)), evFor(n, "LS", h(50))} })

		rep, err := f.svc.Scores(context.Background(), []string{f.shop.ID}, "2026-W49", "carrier")
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Rows) != 1 || rep.Rows[0].Group != "usps" {
			t.Fatalf("rows %+v", rep.Rows)
		}
		r := rep.Rows[0]
		check := func(name string, got *float64, want float64) {
			t.Helper()
			if got == nil || *got < want-0.005 || *got > want+0.005 {
				g := "null"
				if got != nil {
					g = strconv.FormatFloat(*got, 'f', 4, 64)
				}
				t.Errorf("%s = %s, want %.4f", name, g, want)
			}
		}
		if r.Orders != 4 {
			t.Errorf("orders %d, want 4", r.Orders)
		}
		check("late_dispatch_rate", r.LateDispatchRate, 0.25)
		check("valid_tracking_rate", r.ValidTrackingRate, 1)
		check("on_time_delivery_rate", r.OnTimeDeliveryRate, 0.5)
		check("delivery_exception_rate", r.DeliveryExceptionRate, 0.25)
		check("tracking_completeness", r.TrackingCompleteness, 500.0/6)
		check("confirmation_timeout_rate", r.ConfirmationTimeoutRate, 0)
		check("seller_fault_cancel_rate", r.SellerFaultCancelRate, 0)
		check("lts", r.LTS, 15+0.1*(500.0/6)/85*100+5)
		if r.Pending != 0 {
			t.Errorf("pending %d after the week", r.Pending)
		}
		var out strings.Builder
		if err := tracker.WriteTable(&out, rep); err != nil {
			t.Fatal(err)
		}
		if tb := out.String(); !strings.Contains(tb, "usps") || !strings.Contains(tb, "29.8") || !strings.Contains(tb, "25.0%") {
			t.Errorf("table:\n%s", tb)
		}
	})
}
