package inventory_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"lastmile/internal/inventory"
	"lastmile/internal/model"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// The decision rules of the issue, through the service: real warehouses stored with
// CreateWarehouse, stock counted with SetStock and Record, orders confirmed through the order
// service. Each subtest is a shop of its own in the shared store.
func TestAllocateRules(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st store.Store) {
		for _, tc := range []struct {
			name string
			fn   func(t *testing.T, e *env)
		}{
			{"R-SLA-1 a warehouse meeting the promise beats one missing it", testPromiseMet},
			{"R-SLA-1 late risk: the soonest late warehouse, never refused", testLateRisk},
			{"cut-off and working days decide the hand-over", testCutOff},
			{"R-MODE-5 US orders ship only from the US", testUSOnly},
			{"R-MODE-6 split only when allowed, each SKU whole", testSplit},
			{"tie-break by lowest warehouse id", testTieBreak},
			{"no transit table: own market only, transit unknown", testNoTransitTable},
		} {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				tc.fn(t, newEnv(t, st))
			})
		}
	})
}

func allocate(t *testing.T, e *env, id string, opt inventory.AllocateOptions) store.Allocation {
	t.Helper()
	a, err := e.svc.Allocate(context.Background(), e.scope, id, opt)
	if err != nil {
		t.Fatalf("allocate %s: %v", id, err)
	}
	return a
}

// endOfDayLA is the last second of a day in Los Angeles: how estimates and deadlines are stated.
func endOfDayLA(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 23, 59, 59, 0, la) }

func testPromiseMet(t *testing.T, e *env) {
	late := e.warehouse(t, usWarehouse("LATE", 10)) // created first: the lower id, which would win a tie
	ok := e.warehouse(t, usWarehouse("FAST", 5))
	e.setOnHand(t, late.ID, "SKU-1", 5)
	e.setOnHand(t, ok.ID, "SKU-1", 5)
	id := e.confirm(t, e.order("P-1", orderLine("SKU-1", 2)))

	d := allocate(t, e, id, inventory.AllocateOptions{}).Decision
	if got := packages(d); !slices.Equal(got, []string{ok.ID + ":SKU-1×2"}) {
		t.Fatalf("packages = %v, want the on-time warehouse %s", got, ok.ID)
	}
	if d.LateRisk || !d.TransitKnown {
		t.Errorf("late risk %v, transit known %v; want false, true", d.LateRisk, d.TransitKnown)
	}
	if want := endOfDayLA(2026, 11, 29); !d.EstimatedDelivery.Equal(want) {
		t.Errorf("estimated delivery %s, want %s", d.EstimatedDelivery, want)
	}
	if want := endOfDayLA(2026, 12, 1); !d.PromiseDeadline.Equal(want) {
		t.Errorf("promise deadline %s, want %s (paid Tuesday + 7 days, R-SLA-1)", d.PromiseDeadline, want)
	}
	if c := considered(t, d, late.ID); !slices.Equal(codes(c), []string{inventory.ReasonMissesPromise}) || c.MeetsPromise {
		t.Errorf("late warehouse: reasons %v, meets %v", codes(c), c.MeetsPromise)
	}
	if late, ok := e.level(t, late.ID, "SKU-1"), e.level(t, ok.ID, "SKU-1"); late.Reserved != 0 || ok.Reserved != 2 {
		t.Errorf("reserved: late %d, on time %d; want 0 and 2", late.Reserved, ok.Reserved)
	}
}

func testLateRisk(t *testing.T, e *env) {
	slower := e.warehouse(t, usWarehouse("SLOW", 12))
	slow := e.warehouse(t, usWarehouse("LESS", 10))
	e.setOnHand(t, slower.ID, "SKU-1", 5)
	e.setOnHand(t, slow.ID, "SKU-1", 5)
	id := e.confirm(t, e.order("L-1", orderLine("SKU-1", 1)))

	a := allocate(t, e, id, inventory.AllocateOptions{})
	d := a.Decision
	if got := packages(d); !slices.Equal(got, []string{slow.ID + ":SKU-1×1"}) {
		t.Fatalf("packages = %v, want the sooner of the late warehouses %s", got, slow.ID)
	}
	if !d.LateRisk || d.Reason != "" || a.Status != store.AllocationReserved {
		t.Errorf("late risk %v, reason %q, status %s; want an allocation at late risk", d.LateRisk, d.Reason, a.Status)
	}
	if want := endOfDayLA(2026, 12, 4); !d.EstimatedDelivery.Equal(want) {
		t.Errorf("estimated delivery %s, want %s", d.EstimatedDelivery, want)
	}
	if c := considered(t, d, slow.ID); !c.Chosen || !slices.Contains(codes(c), inventory.ReasonMissesPromise) {
		t.Errorf("chosen warehouse: chosen %v, reasons %v; want it chosen and flagged misses_promise", c.Chosen, codes(c))
	}
	if c := considered(t, d, slower.ID); !slices.Contains(codes(c), inventory.ReasonLater) {
		t.Errorf("slower warehouse: reasons %v, want later", codes(c))
	}
	if got := e.level(t, slow.ID, "SKU-1"); got.Reserved != 1 {
		t.Errorf("reserved = %d, want 1", got.Reserved)
	}
}

func testCutOff(t *testing.T, e *env) {
	w := e.warehouse(t, usWarehouse("LAX1", 2)) // cut-off 15:00, Monday to Friday
	e.setOnHand(t, w.ID, "SKU-1", 100)
	for _, tc := range []struct {
		name     string
		now      time.Time
		handover time.Time
	}{
		{"Tuesday before the cut-off: today", time.Date(2026, 11, 24, 14, 59, 0, 0, la), time.Date(2026, 11, 24, 0, 0, 0, 0, la)},
		{"Tuesday at the cut-off: tomorrow", time.Date(2026, 11, 24, 15, 0, 0, 0, la), time.Date(2026, 11, 25, 0, 0, 0, 0, la)},
		{"Tuesday late evening: tomorrow", time.Date(2026, 11, 24, 23, 30, 0, 0, la), time.Date(2026, 11, 25, 0, 0, 0, 0, la)},
		{"Friday after hours: Monday", time.Date(2026, 11, 27, 16, 0, 0, 0, la), time.Date(2026, 11, 30, 0, 0, 0, 0, la)},
		{"Saturday morning: Monday", time.Date(2026, 11, 28, 10, 0, 0, 0, la), time.Date(2026, 11, 30, 0, 0, 0, 0, la)},
	} {
		e.clock.Set(tc.now)
		id := e.confirm(t, e.order("CUT-"+tc.now.Format("0102-1504"), orderLine("SKU-1", 1)))
		a := allocate(t, e, id, inventory.AllocateOptions{})
		if len(a.Decision.Allocations) != 1 {
			t.Fatalf("%s: packages %v", tc.name, packages(a.Decision))
		}
		p := a.Decision.Allocations[0]
		if !p.Handover.Equal(tc.handover) {
			t.Errorf("%s: hand-over %s, want %s", tc.name, p.Handover.In(la), tc.handover)
		}
		y, m, d := tc.handover.Date()
		if want := endOfDayLA(y, m, d+2); !p.EstimatedDelivery.Equal(want) {
			t.Errorf("%s: estimated delivery %s, want %s (hand-over + 2 days)", tc.name, p.EstimatedDelivery, want)
		}
		if !a.CreatedAt.Equal(tc.now) {
			t.Errorf("%s: allocation created at %s, want the clock %s", tc.name, a.CreatedAt, tc.now)
		}
	}
}

func testUSOnly(t *testing.T, e *env) {
	ctx := context.Background()
	cn := e.warehouse(t, cnWarehouse("SZX1", 5, "US", "GB"))
	// A "virtual overseas warehouse": it claims the US market, but the stock is in China.
	virtual := cnWarehouse("SZX-US", 3, "US")
	virtual.Type, virtual.Market = model.WarehouseOverseas, "US"
	virtual = e.warehouse(t, virtual)
	e.setOnHand(t, cn.ID, "SKU-1", 50)
	e.setOnHand(t, virtual.ID, "SKU-1", 50)
	id := e.confirm(t, e.order("US-1", orderLine("SKU-1", 1)))

	_, err := e.svc.Allocate(ctx, e.scope, id, inventory.AllocateOptions{AllowSplit: true})
	d := unallocatable(t, err)
	if d.Reason != inventory.ReasonNoWarehouse {
		t.Errorf("reason %q, want no_warehouse", d.Reason)
	}
	for _, w := range []string{cn.ID, virtual.ID} {
		if c := considered(t, d, w); !slices.Equal(codes(c), []string{inventory.ReasonWrongMarket}) {
			t.Errorf("%s: reasons %v, want wrong_market", w, codes(c))
		}
	}
	if recs := e.orderLedger(t, id); len(recs) != 0 {
		t.Errorf("a refused allocation wrote %d movements", len(recs))
	}
	if _, err := e.svc.GetAllocation(ctx, e.scope, id); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("allocation of a refused order: err = %v, want ErrNotFound", err)
	}

	// The same Chinese stock serves a UK order: the refusal above is R-MODE-5, not the warehouse.
	gb := e.confirm(t, gbOrder("GB-1", e.clock.Now().Add(-time.Hour), orderLine("SKU-1", 1)))
	if got := packages(allocate(t, e, gb, inventory.AllocateOptions{}).Decision); !slices.Equal(got, []string{cn.ID + ":SKU-1×1"}) {
		t.Errorf("UK order: packages %v, want %s", got, cn.ID)
	}

	us := e.warehouse(t, usWarehouse("LAX1", 6))
	if _, err := e.svc.Record(ctx, e.scope, inventory.Entry{WarehouseID: us.ID, SKU: "SKU-1", Kind: model.MoveReceive, Quantity: 2, Reason: "PO-1"}); err != nil {
		t.Fatal(err)
	}
	d = allocate(t, e, id, inventory.AllocateOptions{}).Decision
	if got := packages(d); !slices.Equal(got, []string{us.ID + ":SKU-1×1"}) {
		t.Errorf("packages %v, want the US warehouse %s", got, us.ID)
	}
	if c := considered(t, d, cn.ID); !slices.Equal(codes(c), []string{inventory.ReasonWrongMarket}) {
		t.Errorf("CN warehouse: reasons %v, want wrong_market", codes(c))
	}
	if b := e.level(t, cn.ID, "SKU-1"); b.Reserved != 1 { // the UK order's unit only
		t.Errorf("CN warehouse reserved %d, want 1", b.Reserved)
	}
}

func testSplit(t *testing.T, e *env) {
	ctx := context.Background()
	w1 := e.warehouse(t, usWarehouse("LAX1", 3))
	w2 := e.warehouse(t, usWarehouse("ONT2", 3))
	e.setOnHand(t, w1.ID, "SKU-A", 5)
	e.setOnHand(t, w2.ID, "SKU-B", 5)
	e.setOnHand(t, w2.ID, "SKU-A", 3)
	id := e.confirm(t, e.order("S-1", orderLine("SKU-A", 4), orderLine("SKU-B", 1)))

	_, err := e.svc.Allocate(ctx, e.scope, id, inventory.AllocateOptions{})
	if d := unallocatable(t, err); d.Reason != inventory.ReasonSplitForbidden || len(d.Allocations) != 0 {
		t.Errorf("reason %q, packages %v; want split_forbidden and none", d.Reason, packages(d))
	}
	if recs := e.orderLedger(t, id); len(recs) != 0 {
		t.Errorf("a refused split wrote %d movements", len(recs))
	}
	for _, k := range []store.StockKey{{WarehouseID: w1.ID, SKU: "SKU-A"}, {WarehouseID: w2.ID, SKU: "SKU-A"}, {WarehouseID: w2.ID, SKU: "SKU-B"}} {
		if b := e.level(t, k.WarehouseID, k.SKU); b.Reserved != 0 {
			t.Errorf("%v reserved %d after a refused split", k, b.Reserved)
		}
	}

	a := allocate(t, e, id, inventory.AllocateOptions{AllowSplit: true})
	want := []string{w1.ID + ":SKU-A×4", w2.ID + ":SKU-B×1"}
	if got := packages(a.Decision); !slices.Equal(got, want) {
		t.Fatalf("packages %v, want %v", got, want)
	}
	if a1, b2 := e.level(t, w1.ID, "SKU-A"), e.level(t, w2.ID, "SKU-B"); a1.Reserved != 4 || b2.Reserved != 1 {
		t.Errorf("reserved %d of A in %s and %d of B in %s; want 4 and 1", a1.Reserved, w1.ID, b2.Reserved, w2.ID)
	}

	// 1 of A is left in w1 and 3 in w2: 4 in all, but a line never splits across warehouses.
	id2 := e.confirm(t, e.order("S-2", orderLine("SKU-A", 4)))
	_, err = e.svc.Allocate(ctx, e.scope, id2, inventory.AllocateOptions{AllowSplit: true})
	d := unallocatable(t, err)
	wantShort := []model.Shortage{{SKU: "SKU-A", Needed: 4, Available: 4, MaxSingle: 3}}
	if d.Reason != inventory.ReasonInsufficientStock || !slices.Equal(d.Short, wantShort) {
		t.Errorf("reason %q short %+v; want insufficient_stock %+v", d.Reason, d.Short, wantShort)
	}
}

func testTieBreak(t *testing.T, e *env) {
	// Created first, so the lower id, but the later code: neither code order nor the order the
	// store lists warehouses in may decide.
	first := e.warehouse(t, usWarehouse("ZZZ", 3))
	second := e.warehouse(t, usWarehouse("AAA", 3))
	if first.ID >= second.ID {
		t.Fatalf("ids %s, %s: want them increasing", first.ID, second.ID)
	}
	e.setOnHand(t, second.ID, "SKU-1", 5)
	e.setOnHand(t, first.ID, "SKU-1", 5)
	id := e.confirm(t, e.order("T-1", orderLine("SKU-1", 1)))

	d := allocate(t, e, id, inventory.AllocateOptions{}).Decision
	if got := packages(d); !slices.Equal(got, []string{first.ID + ":SKU-1×1"}) {
		t.Errorf("packages %v, want the lowest id %s", got, first.ID)
	}
	if c := considered(t, d, second.ID); !slices.Equal(codes(c), []string{inventory.ReasonTieBreak}) {
		t.Errorf("other warehouse: reasons %v, want not_chosen_tie_break", codes(c))
	}
}

func testNoTransitTable(t *testing.T, e *env) {
	ctx := context.Background()
	w := e.warehouse(t, usWarehouse("LAX1", -1))
	e.setOnHand(t, w.ID, "SKU-1", 5)
	id := e.confirm(t, e.order("N-1", orderLine("SKU-1", 1)))

	d := allocate(t, e, id, inventory.AllocateOptions{}).Decision
	if got := packages(d); !slices.Equal(got, []string{w.ID + ":SKU-1×1"}) {
		t.Fatalf("packages %v, want %s", got, w.ID)
	}
	p := d.Allocations[0]
	if d.TransitKnown || p.TransitKnown || !d.EstimatedDelivery.IsZero() || !p.EstimatedDelivery.IsZero() || d.LateRisk {
		t.Errorf("transit known %v/%v, estimate %v/%v, late risk %v; want unknown, no estimate, no late risk",
			d.TransitKnown, p.TransitKnown, d.EstimatedDelivery, p.EstimatedDelivery, d.LateRisk)
	}
	if want := time.Date(2026, 11, 24, 0, 0, 0, 0, la); !p.Handover.Equal(want) {
		t.Errorf("hand-over %s, want %s", p.Handover, want)
	}

	// Only its own market: a UK order finds no warehouse.
	gb := e.confirm(t, gbOrder("GB-1", e.clock.Now().Add(-time.Hour), orderLine("SKU-1", 1)))
	_, err := e.svc.Allocate(ctx, e.scope, gb, inventory.AllocateOptions{})
	if d := unallocatable(t, err); d.Reason != inventory.ReasonNoWarehouse || !slices.Equal(codes(considered(t, d, w.ID)), []string{inventory.ReasonWrongMarket}) {
		t.Errorf("UK order: reason %q, reasons %v; want no_warehouse, wrong_market", d.Reason, codes(considered(t, d, w.ID)))
	}

	// A warehouse known to meet the promise beats the unverified one.
	known := e.warehouse(t, usWarehouse("ONT2", 3))
	e.setOnHand(t, known.ID, "SKU-1", 5)
	id2 := e.confirm(t, e.order("N-2", orderLine("SKU-1", 1)))
	d = allocate(t, e, id2, inventory.AllocateOptions{}).Decision
	if got := packages(d); !slices.Equal(got, []string{known.ID + ":SKU-1×1"}) {
		t.Errorf("packages %v, want the known warehouse %s", got, known.ID)
	}
	if c := considered(t, d, w.ID); !slices.Equal(codes(c), []string{inventory.ReasonTransitUnknown}) {
		t.Errorf("no-table warehouse: reasons %v, want transit_unknown", codes(c))
	}
}
