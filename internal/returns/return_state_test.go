package returns_test

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/returns"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// TestMergeStatus: the platform's statuses move a return forward, never back (an event
// delivered late is ignored), and the platform's final word replaces lastmile's own.
func TestMergeStatus(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		from, platform model.ReturnStatus
		changed        bool
	}{
		{model.ReturnPending, model.ReturnAwaitingBuyerShip, true},
		{model.ReturnAwaitingBuyerShip, model.ReturnBuyerShipped, true},
		{model.ReturnBuyerShipped, model.ReturnAwaitingBuyerShip, false}, // late
		{model.ReturnAwaitingBuyerShip, model.ReturnPending, false},      // late
		{model.ReturnRefunded, model.ReturnPending, false},
		{model.ReturnCompleted, model.ReturnRefunded, true}, // the platform closes the request
		{model.ReturnPending, model.ReturnCancelled, true},
		{model.ReturnPending, model.ReturnPending, false},
		{model.ReturnPending, "SOMETHING_NEW", false},
	} {
		r := model.Return{Status: c.from}
		if got := returns.MergeStatus(&r, c.platform, at, "tiktok"); got != c.changed {
			t.Errorf("%s then %s: changed %v, want %v", c.from, c.platform, got, c.changed)
		}
		if c.changed && (r.Status != c.platform || len(r.History) != 1 || r.History[0].From != c.from) {
			t.Errorf("%s then %s: %+v", c.from, c.platform, r)
		}
		if !c.changed && r.Status != c.from {
			t.Errorf("%s then %s moved to %s", c.from, c.platform, r.Status)
		}
	}
}

func TestReturnWarehouse(t *testing.T) {
	t.Parallel()
	us := func(id, code string) model.Warehouse {
		return model.Warehouse{ID: id, Code: code, Type: model.WarehouseOverseas, ReturnAddress: model.Address{Line1: "1 Rd", Country: "US"}}
	}
	cn := model.Warehouse{ID: "wh_cn", Code: "A-CN", Type: model.WarehouseDomesticCN, ReturnAddress: model.Address{Line1: "1 Rd", Country: "US"}}
	noReturn := model.Warehouse{ID: "wh_none", Code: "A0", Type: model.WarehouseOverseas}
	whs := []model.Warehouse{cn, noReturn, us("wh_2", "NYC"), us("wh_1", "LAX")}
	if w, err := returns.ReturnWarehouse(whs, "US", nil); err != nil || w.ID != "wh_1" {
		t.Errorf("no shipping warehouse: %s, %v; want the first local by code", w.ID, err)
	}
	if w, err := returns.ReturnWarehouse(whs, "US", []string{"wh_cn", "wh_2"}); err != nil || w.ID != "wh_2" {
		t.Errorf("shipped from NYC: %s, %v", w.ID, err)
	}
	if _, err := returns.ReturnWarehouse(whs, "GB", nil); err == nil || !strings.Contains(err.Error(), "R-RET-3") {
		t.Errorf("no local warehouse: %v", err)
	}
}

// TestLiability (R-RET-6) at the edges of its window.
func TestLiability(t *testing.T) {
	t.Parallel()
	delivered := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	certified := []string{"ups", "usps"}
	for _, c := range []struct {
		after    time.Duration
		carrier  string
		known    bool
		platform bool
	}{
		{time.Hour, "ups", true, true},
		{24 * time.Hour, "ups", true, true},
		{24*time.Hour + time.Second, "ups", true, false},
		{time.Hour, "4px", true, false},
		{time.Hour, "", true, false},
		{time.Hour, "ups", false, false},
		{-time.Hour, "ups", true, true}, // asked before delivery was recorded
	} {
		var d *time.Time
		if c.known {
			d = &delivered
		}
		l := returns.Liability(delivered.Add(c.after), d, c.carrier, certified, 24*time.Hour)
		if l.Platform != c.platform || !strings.Contains(l.Reason, "R-RET-6") {
			t.Errorf("%v after delivery by %q (known %v): %+v", c.after, c.carrier, c.known, l)
		}
	}
}

// TestInspectionOutcomes: each outcome's movements, pure.
func TestInspectionOutcomes(t *testing.T) {
	t.Parallel()
	r := &model.Return{ID: "ret_1", OrderID: "ord_1", Lines: []model.ReturnLine{{SKU: "VASE", Quantity: 2}}}
	at := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	for outcome, want := range map[model.InspectionOutcome][]string{
		model.InspectRestock:   {"return_restock VASE"},
		model.InspectRefurbish: {"return_restock VASE-REFURB"},
		model.InspectWriteOff:  {"return_restock VASE", "write_off VASE"},
	} {
		moves, _ := returns.InspectionMovements(r, returns.Inspected{SKU: "VASE", Quantity: 2, Outcome: outcome}, "wh_1", "-REFURB", "key:k", at)
		var got []string
		for _, m := range moves {
			got = append(got, string(m.Kind)+" "+m.SKU)
			if m.Quantity != 2 || m.WarehouseID != "wh_1" || m.OrderID != "ord_1" || !strings.Contains(m.Reason, "ret_1") {
				t.Errorf("%s: movement %+v", outcome, m)
			}
			if _, err := (model.Balance{OnHand: 0}).Apply(m); err != nil && m.Kind != model.MoveWriteOff {
				t.Errorf("%s: %v", outcome, err)
			}
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s: %v, want %v", outcome, got, want)
		}
	}
	if err := returns.CheckInspection(r, []returns.Inspected{{SKU: "VASE", Quantity: 1, Outcome: "burn"}}); err == nil {
		t.Error("an unknown outcome passed")
	}
}

// TestComputeStats: the return rate and causes of a hand-counted set.
func TestComputeStats(t *testing.T) {
	t.Parallel()
	p := returns.StatsPeriod{Label: "2026-11"}
	rs := []model.Return{
		{Reason: returns.ReasonDamaged, OutboundCarrier: "usps", Lines: []model.ReturnLine{{SKU: "MUG", Quantity: 2}, {SKU: "VASE", Quantity: 1}},
			Inspections: []model.ReturnInspection{{SKU: "MUG", Quantity: 2, Outcome: model.InspectWriteOff}}},
		{Reason: returns.ReasonNotAsDescribed, OutboundCarrier: "usps", Lines: []model.ReturnLine{{SKU: "MUG", Quantity: 1}}},
		{Reason: returns.ReasonDamaged, OutboundCarrier: "ups", Lines: []model.ReturnLine{{SKU: "VASE", Quantity: 1}},
			Inspections: []model.ReturnInspection{{SKU: "VASE", Quantity: 1, Outcome: model.InspectRestock}}},
		{Reason: returns.ReasonChangedMind, Status: model.ReturnCancelled, Lines: []model.ReturnLine{{SKU: "MUG", Quantity: 5}}},
	}
	units := map[string]int64{"MUG": 30, "VASE": 10, "HAT": 60}
	parcels := map[string]int64{"usps": 20, "ups": 4}
	near := func(a *float64, b float64) bool { return a != nil && math.Abs(*a-b) < 1e-9 }

	bySKU := returns.ComputeStats(p, returns.GroupBySKU, rs, units, parcels)
	if bySKU.Returns != 3 || bySKU.Units != 5 || len(bySKU.Groups) != 2 {
		t.Fatalf("by SKU: %+v", bySKU)
	}
	mug, vase := bySKU.Groups[0], bySKU.Groups[1]
	if mug.Key != "MUG" || mug.Returns != 2 || mug.Units != 3 || mug.Shipped != 30 || !near(mug.Rate, 0.1) ||
		mug.Reasons[returns.ReasonDamaged] != 1 || mug.Reasons[returns.ReasonNotAsDescribed] != 1 || mug.Outcomes["write_off"] != 2 {
		t.Errorf("MUG: %+v", mug)
	}
	if vase.Key != "VASE" || vase.Units != 2 || !near(vase.Rate, 0.2) || vase.Reasons[returns.ReasonDamaged] != 2 || vase.Outcomes["restock"] != 1 {
		t.Errorf("VASE: %+v", vase)
	}
	byCarrier := returns.ComputeStats(p, returns.GroupByCarrier, rs, units, parcels)
	if g := byCarrier.Groups[0]; g.Key != "usps" || g.Returns != 2 || g.Shipped != 20 || !near(g.Rate, 0.1) || math.Abs(g.Share-2.0/3) > 1e-9 {
		t.Errorf("usps: %+v", g)
	}
	if g := byCarrier.Groups[1]; g.Key != "ups" || !near(g.Rate, 0.25) {
		t.Errorf("ups: %+v", g)
	}
	byReason := returns.ComputeStats(p, returns.GroupByReason, rs, units, parcels)
	if g := byReason.Groups[0]; g.Key != returns.ReasonDamaged || g.Returns != 2 || g.Units != 4 || g.Shipped != 100 || !near(g.Rate, 0.04) {
		t.Errorf("damaged: %+v", g)
	}
	if empty := returns.ComputeStats(p, returns.GroupBySKU, nil, nil, nil); empty.Groups == nil || empty.Returns != 0 {
		t.Errorf("no returns: %+v", empty)
	}
}

func TestParsePeriod(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	for in, want := range map[string][2]time.Time{
		"2026-11":  {time.Date(2026, 11, 1, 7, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)}, // PDT to PST
		"30d":      {now.AddDate(0, 0, -30), now},
		"":         {now.AddDate(0, 0, -30), now},
		"2026-W48": {time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC), time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)},
	} {
		p, err := returns.ParsePeriod(in, now, la)
		if err != nil || !p.Start.Equal(want[0]) || !p.End.Equal(want[1]) {
			t.Errorf("%q: %+v, %v", in, p, err)
		}
	}
	for _, bad := range []string{"2026-13", "last month", "0d", "2026-W60"} {
		if _, err := returns.ParsePeriod(bad, now, la); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// TestStatsService: the rates over the store's returns and what shipped (both stores).
func TestStatsService(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)
		e.warehouse(t, "LAX1", 10, "LAMP", "MUG")
		o1, out := e.shipped(t, "S-1", line("LAMP", 2, 8900))
		e.shipped(t, "S-2", line("MUG", 1, 8900))
		e.create(t, o1, returns.ReasonDamaged, one("LAMP", 1))
		e.clock.Add(time.Minute) // a rolling period ends now, exclusive
		got, err := e.ret.Stats(ctx, e.scope, returns.StatsRequest{Period: "7d", GroupBy: "carrier"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Groups) != 1 || got.Groups[0].Key != out.Carrier || got.Groups[0].Shipped < 1 || got.Groups[0].Rate == nil {
			t.Fatalf("by carrier: %+v", got)
		}
		bySKU, err := e.ret.Stats(ctx, e.scope, returns.StatsRequest{Period: "7d"})
		if err != nil || len(bySKU.Groups) != 1 || bySKU.Groups[0].Key != "LAMP" || bySKU.Groups[0].Shipped != 2 || *bySKU.Groups[0].Rate != 0.5 {
			t.Fatalf("by SKU: %+v, %v", bySKU, err)
		}
		if _, err := e.ret.Stats(ctx, e.scope, returns.StatsRequest{GroupBy: "colour"}); !containsField(err, "group_by") {
			t.Errorf("a bad group_by: %v", err)
		}
	})
}
