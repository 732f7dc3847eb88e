package inventory_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/inventory"
	"lastmile/internal/model"
)

// The fixtures: a US order paid on Monday 9 June 2025 at 08:00 Los Angeles time, decided at
// 09:00. With a 3-day promise the deadline is the end of Thursday 12 June; a warehouse with a
// 15:00 cut-off hands over on Monday, so 2 transit days deliver Wednesday, 3 Thursday (on
// time), 4 Friday (late).
var (
	la      = loadZone("America/Los_Angeles")
	paidMon = time.Date(2025, 6, 9, 8, 0, 0, 0, la)
	nowMon  = time.Date(2025, 6, 9, 9, 0, 0, 0, la)
)

func loadZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func market(code model.Market, promiseDays int) config.Market {
	m := config.DefaultMarkets()[code]
	m.PromiseDays = promiseDays
	return m
}

func line(sku string, q int64) model.Line { return model.Line{SKU: sku, Quantity: q} }

func usOrder(lines ...model.Line) *model.Order {
	paid := paidMon
	return &model.Order{
		ID: "O-1", Market: "US", CreatedAt: paidMon.Add(-10 * time.Minute), PaidAt: &paid,
		ShippingAddress: model.Address{Country: "US", Region: "CA", PostalCode: "94105"},
		Lines:           lines,
	}
}

// usWH is an overseas warehouse in California with a 15:00 cut-off, Monday to Friday, and a
// country-wide transit rule of transitDays; transitDays < 0 gives it no transit table.
func usWH(id string, transitDays int) model.Warehouse {
	w := model.Warehouse{
		ID: id, Name: id, Type: model.WarehouseOverseas, Market: "US",
		Address:  model.Address{Country: "US", Region: "CA", PostalCode: "91761"},
		TimeZone: "America/Los_Angeles", CutOff: "15:00",
	}
	if transitDays >= 0 {
		w.Transit = []model.TransitRule{{Country: "US", Service: "ground", MinDays: 1, MaxDays: transitDays}}
	}
	return w
}

// cnWH is a warehouse in Shenzhen shipping cross-border direct to country in transitDays.
func cnWH(id, country string, transitDays int) model.Warehouse {
	return model.Warehouse{
		ID: id, Name: id, Type: model.WarehouseDomesticCN,
		Address:  model.Address{Country: "CN", City: "Shenzhen"},
		TimeZone: "Asia/Shanghai", CutOff: "15:00",
		Transit: []model.TransitRule{{Country: country, Service: "air", MinDays: 7, MaxDays: transitDays}},
	}
}

// cand pairs a warehouse with stock given as SKU, units available, SKU, units…
func cand(w model.Warehouse, stock ...any) model.Candidate {
	m := map[string]model.Balance{}
	for i := 0; i+1 < len(stock); i += 2 {
		switch q := stock[i+1].(type) {
		case int:
			m[stock[i].(string)] = model.NewBalance(int64(q), 0, 0)
		case model.Balance:
			m[stock[i].(string)] = q
		}
	}
	return model.Candidate{Warehouse: w, Stock: m}
}

// costs is a cost estimate by warehouse id; a warehouse not listed cannot be rated.
func costs(byID map[string]int64) inventory.CostFunc {
	return func(w *model.Warehouse, _ []model.StockLine) (int64, bool) {
		c, ok := byID[w.ID]
		return c, ok
	}
}

func endOfDay(loc *time.Location, y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 23, 59, 59, 0, loc)
}

// reasonCodes maps every considered warehouse to its reason codes.
func reasonCodes(d model.Decision) map[string][]string {
	out := map[string][]string{}
	for _, c := range d.Considered {
		codes := []string{}
		for _, r := range c.Reasons {
			codes = append(codes, r.Code)
		}
		out[c.WarehouseID] = codes
	}
	return out
}

func allocIDs(d model.Decision) []string {
	ids := []string{}
	for _, a := range d.Allocations {
		ids = append(ids, a.WarehouseID)
	}
	return ids
}

type decideCase struct {
	name     string
	req      inventory.Request
	allocs   []string            // warehouse ids of the packages, in order
	lateRisk bool                //
	reasons  map[string][]string // reason codes of every considered warehouse
	reason   string              // the decision's reason when nothing is allocated
	short    []model.Shortage
	check    func(t *testing.T, d model.Decision)
}

func runDecideCases(t *testing.T, cases []decideCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := inventory.Decide(tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if got := allocIDs(d); !slices.Equal(got, tt.allocs) {
				t.Errorf("allocations = %v, want %v", got, tt.allocs)
			}
			if d.LateRisk != tt.lateRisk {
				t.Errorf("late risk = %v, want %v", d.LateRisk, tt.lateRisk)
			}
			if got := reasonCodes(d); !reflect.DeepEqual(got, tt.reasons) {
				t.Errorf("reasons = %v, want %v", got, tt.reasons)
			}
			if d.Reason != tt.reason {
				t.Errorf("decision reason = %q, want %q", d.Reason, tt.reason)
			}
			if !reflect.DeepEqual(d.Short, tt.short) {
				t.Errorf("short = %+v, want %+v", d.Short, tt.short)
			}
			for _, c := range d.Considered {
				for _, r := range c.Reasons {
					if r.Message == "" {
						t.Errorf("%s: reason %s has no message", c.WarehouseID, r.Code)
					}
				}
			}
			if tt.check != nil {
				tt.check(t, d)
			}
		})
	}
}

func usRequest(o *model.Order, cost inventory.CostFunc, cands ...model.Candidate) inventory.Request {
	return inventory.Request{Order: o, Market: market("US", 3), Now: nowMon, Candidates: cands, Cost: cost}
}

func TestDecidePromise(t *testing.T) {
	t.Parallel()
	o := usOrder(line("SKU-1", 2))
	runDecideCases(t, []decideCase{
		{
			name: "R-SLA-1 promise met: an on-time warehouse beats a cheaper late one",
			req: usRequest(o, costs(map[string]int64{"W-A": 500, "W-B": 300}),
				cand(usWH("W-A", 2), "SKU-1", 5), cand(usWH("W-B", 5), "SKU-1", 5)),
			allocs:  []string{"W-A"},
			reasons: map[string][]string{"W-A": {}, "W-B": {"misses_promise"}},
			check: func(t *testing.T, d model.Decision) {
				if want := endOfDay(la, 2025, 6, 11); !d.EstimatedDelivery.Equal(want) || !d.TransitKnown {
					t.Errorf("estimated delivery %s (known %v), want %s", d.EstimatedDelivery, d.TransitKnown, want)
				}
				if want := endOfDay(la, 2025, 6, 12); !d.PromiseDeadline.Equal(want) {
					t.Errorf("promise deadline %s, want %s", d.PromiseDeadline, want)
				}
				if a, b := considered(t, d, "W-A"), considered(t, d, "W-B"); !a.MeetsPromise || b.MeetsPromise || !a.Eligible || !b.Eligible {
					t.Errorf("meets promise / eligible: W-A %v/%v, W-B %v/%v", a.MeetsPromise, a.Eligible, b.MeetsPromise, b.Eligible)
				}
			},
		},
		{
			name: "R-SLA-1 delivery on the deadline day meets it; then the cheapest wins",
			req: usRequest(o, costs(map[string]int64{"W-A": 700, "W-B": 400}),
				cand(usWH("W-A", 1), "SKU-1", 5), cand(usWH("W-B", 3), "SKU-1", 5)),
			allocs:  []string{"W-B"},
			reasons: map[string][]string{"W-A": {"costlier"}, "W-B": {}},
		},
		{
			name: "R-SLA-1 promise missed by all: the soonest wins, flagged late risk, never refused",
			req: usRequest(o, costs(map[string]int64{"W-A": 300, "W-B": 900}),
				cand(usWH("W-A", 6), "SKU-1", 5), cand(usWH("W-B", 4), "SKU-1", 5)),
			allocs:   []string{"W-B"},
			lateRisk: true,
			reasons:  map[string][]string{"W-A": {"misses_promise", "later"}, "W-B": {"misses_promise"}},
			check: func(t *testing.T, d model.Decision) {
				if want := endOfDay(la, 2025, 6, 13); !d.EstimatedDelivery.Equal(want) {
					t.Errorf("estimated delivery %s, want %s", d.EstimatedDelivery, want)
				}
			},
		},
		{
			name: "R-SLA-1 all late and delivering the same day: the cheaper wins",
			req: usRequest(o, costs(map[string]int64{"W-A": 300, "W-B": 900}),
				cand(usWH("W-A", 5), "SKU-1", 5), cand(usWH("W-B", 5), "SKU-1", 5)),
			allocs:   []string{"W-A"},
			lateRisk: true,
			reasons:  map[string][]string{"W-A": {"misses_promise"}, "W-B": {"misses_promise", "costlier"}},
		},
	})
}

func TestDecideCutOff(t *testing.T) {
	t.Parallel()
	late := func(w model.Warehouse, cutOff string, days ...string) model.Warehouse {
		w.CutOff, w.WorkingDays = cutOff, days
		return w
	}
	afterHours := usRequest(usOrder(line("SKU-1", 1)), costs(map[string]int64{"W-A": 100, "W-B": 900}),
		cand(late(usWH("W-A", 3), "15:00"), "SKU-1", 5), cand(late(usWH("W-B", 3), "17:00"), "SKU-1", 5))
	afterHours.Now = time.Date(2025, 6, 9, 16, 0, 0, 0, la)

	// Paid and decided on Friday 13 June after a 15:00 cut-off, 3-day promise: deadline Monday 16.
	friday := usOrder(line("SKU-1", 1))
	paidFri := time.Date(2025, 6, 13, 10, 0, 0, 0, la)
	friday.PaidAt, friday.CreatedAt = &paidFri, paidFri
	weekend := usRequest(friday, costs(map[string]int64{"W-A": 100, "W-B": 900}),
		cand(late(usWH("W-A", 1), "15:00", "mon", "tue", "wed", "thu", "fri"), "SKU-1", 5),
		cand(late(usWH("W-B", 2), "15:00", "mon", "tue", "wed", "thu", "fri", "sat", "sun"), "SKU-1", 5))
	weekend.Now = time.Date(2025, 6, 13, 16, 0, 0, 0, la)

	// Paid and decided on Thursday 3 July after the cut-off; Friday 4 July is Independence Day,
	// so the hand-over is Monday 7 and 1 transit day misses the 3-day promise (end of Sunday 6).
	july := usOrder(line("SKU-1", 1))
	paidJuly := time.Date(2025, 7, 3, 10, 0, 0, 0, la)
	july.PaidAt, july.CreatedAt = &paidJuly, paidJuly
	holiday := usRequest(july, nil, cand(usWH("W-A", 1), "SKU-1", 5))
	holiday.Now, holiday.Holidays = time.Date(2025, 7, 3, 16, 0, 0, 0, la), usHolidays()

	runDecideCases(t, []decideCase{
		{
			name:     "cut-off before a public holiday: the hand-over skips it (rickar/cal US holidays)",
			req:      holiday,
			allocs:   []string{"W-A"},
			lateRisk: true,
			reasons:  map[string][]string{"W-A": {"misses_promise"}},
			check: func(t *testing.T, d model.Decision) {
				if got := d.Allocations[0].Handover; !got.Equal(time.Date(2025, 7, 7, 0, 0, 0, 0, la)) {
					t.Errorf("handover %s, want Monday 7 July", got)
				}
			},
		},
		{
			name:    "cut-off before hours: hands over today and meets the promise",
			req:     usRequest(usOrder(line("SKU-1", 1)), nil, cand(usWH("W-A", 3), "SKU-1", 5)),
			allocs:  []string{"W-A"},
			reasons: map[string][]string{"W-A": {}},
			check: func(t *testing.T, d model.Decision) {
				if got := d.Allocations[0].Handover; !got.Equal(time.Date(2025, 6, 9, 0, 0, 0, 0, la)) {
					t.Errorf("handover %s, want Monday 9 June", got)
				}
			},
		},
		{
			name:    "cut-off after hours: tomorrow's hand-over misses; a later cut-off wins",
			req:     afterHours,
			allocs:  []string{"W-B"},
			reasons: map[string][]string{"W-A": {"misses_promise"}, "W-B": {}},
			check: func(t *testing.T, d model.Decision) {
				if got := considered(t, d, "W-A").Handover; !got.Equal(time.Date(2025, 6, 10, 0, 0, 0, 0, la)) {
					t.Errorf("W-A handover %s, want Tuesday 10 June", got)
				}
			},
		},
		{
			name:    "cut-off on a non-working day: Friday 16:00 hands over Monday; a weekend warehouse wins",
			req:     weekend,
			allocs:  []string{"W-B"},
			reasons: map[string][]string{"W-A": {"misses_promise"}, "W-B": {}},
			check: func(t *testing.T, d model.Decision) {
				if got := considered(t, d, "W-A").Handover; !got.Equal(time.Date(2025, 6, 16, 0, 0, 0, 0, la)) {
					t.Errorf("W-A handover %s, want Monday 16 June", got)
				}
				if got := considered(t, d, "W-B").Handover; !got.Equal(time.Date(2025, 6, 14, 0, 0, 0, 0, la)) {
					t.Errorf("W-B handover %s, want Saturday 14 June", got)
				}
			},
		},
	})
}

func TestDecideMarket(t *testing.T) {
	t.Parallel()
	virtual := usWH("W-V", 2)
	virtual.Address = model.Address{Country: "CN", City: "Shenzhen"} // claims the US market, stock in China

	gbOrder := usOrder(line("SKU-1", 1))
	gbOrder.Market, gbOrder.ShippingAddress = "GB", model.Address{Country: "GB", PostalCode: "SW1A 1AA"}
	gbRequest := func(cands ...model.Candidate) inventory.Request {
		return inventory.Request{Order: gbOrder, Market: market("GB", 5), Now: nowMon, Candidates: cands}
	}
	gbWH := model.Warehouse{ID: "W-GB", Type: model.WarehouseOverseas, Address: model.Address{Country: "GB"}, TimeZone: "Europe/London"}
	deWH := model.Warehouse{ID: "W-DE", Type: model.WarehouseOverseas, Address: model.Address{Country: "DE"}, TimeZone: "Europe/Berlin"}

	runDecideCases(t, []decideCase{
		{
			name: "R-MODE-5: a CN warehouse with stock loses a US order with wrong_market",
			req: usRequest(usOrder(line("SKU-1", 2)), costs(map[string]int64{"W-CN": 100, "W-US": 900}),
				cand(cnWH("W-CN", "US", 10), "SKU-1", 50), cand(usWH("W-US", 2), "SKU-1", 5)),
			allocs:  []string{"W-US"},
			reasons: map[string][]string{"W-CN": {"wrong_market"}, "W-US": {}},
		},
		{
			name: "R-MODE-5: a virtual overseas warehouse (US market, stock in China) loses",
			req: usRequest(usOrder(line("SKU-1", 2)), costs(map[string]int64{"W-V": 1, "W-US": 900}),
				cand(virtual, "SKU-1", 50), cand(usWH("W-US", 2), "SKU-1", 5)),
			allocs:  []string{"W-US"},
			reasons: map[string][]string{"W-V": {"wrong_market"}, "W-US": {}},
		},
		{
			name: "R-MODE-5: only China has stock: nothing allocated, and China's stock does not count",
			req: usRequest(usOrder(line("SKU-1", 2)), nil,
				cand(cnWH("W-CN", "US", 10), "SKU-1", 50), cand(usWH("W-US", 2), "SKU-1", 1)),
			reasons: map[string][]string{"W-CN": {"wrong_market"}, "W-US": {"insufficient_stock"}},
			reason:  "insufficient_stock",
			short:   []model.Shortage{{SKU: "SKU-1", Needed: 2, Available: 1, MaxSingle: 1}},
		},
		{
			name:    "R-MODE-5: no warehouse in the US at all",
			req:     usRequest(usOrder(line("SKU-1", 2)), nil, cand(cnWH("W-CN", "US", 10), "SKU-1", 50)),
			reasons: map[string][]string{"W-CN": {"wrong_market"}},
			reason:  "no_warehouse",
			short:   []model.Shortage{{SKU: "SKU-1", Needed: 2, Available: 0, MaxSingle: 0}},
		},
		{
			name:     "R-MODE-5 is a US rule: China ships a GB order direct, late (8 days against 5) but allocated",
			req:      gbRequest(cand(cnWH("W-CN", "GB", 8), "SKU-1", 5)),
			allocs:   []string{"W-CN"},
			lateRisk: true,
			reasons:  map[string][]string{"W-CN": {"misses_promise"}},
		},
		{
			name:    "wrong_market: a DE warehouse without a rule for GB; a GB one without a table serves its market",
			req:     gbRequest(cand(deWH, "SKU-1", 5), cand(gbWH, "SKU-1", 5)),
			allocs:  []string{"W-GB"},
			reasons: map[string][]string{"W-DE": {"wrong_market"}, "W-GB": {}},
		},
		{
			name: "R-MODE-5 markets are policy: with none, the CN warehouse may ship a US order",
			req: func() inventory.Request {
				r := usRequest(usOrder(line("SKU-1", 2)), costs(map[string]int64{"W-CN": 100}), cand(cnWH("W-CN", "US", 10), "SKU-1", 50))
				r.Policy.LocalOnlyMarkets = []model.Market{}
				return r
			}(),
			allocs:   []string{"W-CN"},
			lateRisk: true,
			reasons:  map[string][]string{"W-CN": {"misses_promise"}},
		},
	})
}

func TestDecideSplit(t *testing.T) {
	t.Parallel()
	o := usOrder(line("SKU-1", 2), line("SKU-2", 1), line("SKU-3", 1))
	// No warehouse holds all three: W-A and W-B cover two lines each, W-C one.
	stock := []model.Candidate{
		cand(usWH("W-A", 2), "SKU-1", 5, "SKU-2", 5),
		cand(usWH("W-B", 2), "SKU-1", 5, "SKU-3", 5),
		cand(usWH("W-C", 2), "SKU-2", 5),
	}
	price := costs(map[string]int64{"W-A": 500, "W-B": 400, "W-C": 300, "W-D": 900})
	allowed := usRequest(o, price, stock...)
	allowed.AllowSplit = true
	oneHasAll := usRequest(o, price, append(slices.Clone(stock), cand(usWH("W-D", 2), "SKU-1", 2, "SKU-2", 1, "SKU-3", 1))...)
	oneHasAll.AllowSplit = true
	lineTooBig := usRequest(usOrder(line("SKU-1", 5)), nil, cand(usWH("W-A", 2), "SKU-1", 3), cand(usWH("W-B", 2), "SKU-1", 3))
	lineTooBig.AllowSplit = true

	runDecideCases(t, []decideCase{
		{
			name:   "R-MODE-6 split allowed: the warehouse covering most lines first, each line whole",
			req:    allowed,
			allocs: []string{"W-B", "W-C"}, // W-B beats W-A on cost for two lines; W-C beats W-A for the last
			reasons: map[string][]string{
				"W-A": {"insufficient_stock", "covered_elsewhere"},
				"W-B": {"insufficient_stock"},
				"W-C": {"insufficient_stock"},
			},
			check: func(t *testing.T, d model.Decision) {
				want := []model.Allocation{
					{WarehouseID: "W-B", Lines: []model.StockLine{{SKU: "SKU-1", Quantity: 2}, {SKU: "SKU-3", Quantity: 1}}, Cost: 400},
					{WarehouseID: "W-C", Lines: []model.StockLine{{SKU: "SKU-2", Quantity: 1}}, Cost: 300},
				}
				for i, a := range d.Allocations {
					if a.WarehouseID != want[i].WarehouseID || !slices.Equal(a.Lines, want[i].Lines) || a.Cost != want[i].Cost {
						t.Errorf("allocation %d = %+v, want %+v", i, a, want[i])
					}
				}
				if b := considered(t, d, "W-B"); !b.Chosen || b.Eligible {
					t.Errorf("W-B chosen %v eligible %v: want chosen, not eligible alone", b.Chosen, b.Eligible)
				}
				if !d.TransitKnown || !d.EstimatedDelivery.Equal(endOfDay(la, 2025, 6, 11)) {
					t.Errorf("estimated delivery %s known %v", d.EstimatedDelivery, d.TransitKnown)
				}
			},
		},
		{
			name: "split forbidden: nothing allocated, every line in stock somewhere",
			req:  usRequest(o, price, stock...),
			reasons: map[string][]string{
				"W-A": {"insufficient_stock"},
				"W-B": {"insufficient_stock"},
				"W-C": {"insufficient_stock"},
			},
			reason: "split_forbidden",
		},
		{
			name:   "split allowed but one warehouse holds everything: one package, even if dearer",
			req:    oneHasAll,
			allocs: []string{"W-D"},
			reasons: map[string][]string{
				"W-A": {"insufficient_stock"},
				"W-B": {"insufficient_stock"},
				"W-C": {"insufficient_stock"},
				"W-D": {},
			},
		},
		{
			name: "R-MODE-6 a line is never split across warehouses: 5 units, 3 + 3 in stock",
			req:  lineTooBig,
			reasons: map[string][]string{
				"W-A": {"insufficient_stock"},
				"W-B": {"insufficient_stock"},
			},
			reason: "insufficient_stock",
			short:  []model.Shortage{{SKU: "SKU-1", Needed: 5, Available: 6, MaxSingle: 3}},
		},
	})
}

func TestDecideTransitUnknown(t *testing.T) {
	t.Parallel()
	o := usOrder(line("SKU-1", 1))
	runDecideCases(t, []decideCase{
		{
			name:    "no transit table: serves its own market, transit unknown, not late",
			req:     usRequest(o, nil, cand(usWH("W-N", -1), "SKU-1", 5)),
			allocs:  []string{"W-N"},
			reasons: map[string][]string{"W-N": {}},
			check: func(t *testing.T, d model.Decision) {
				if d.TransitKnown || !d.EstimatedDelivery.IsZero() {
					t.Errorf("transit known %v, estimate %s: want unknown, no estimate", d.TransitKnown, d.EstimatedDelivery)
				}
				if c := considered(t, d, "W-N"); c.TransitKnown || c.MeetsPromise || c.Handover.IsZero() {
					t.Errorf("considered %+v: want transit unknown, promise unverified, a hand-over day", c)
				}
			},
		},
		{
			name: "a warehouse known to meet the promise beats one with unknown transit, even a cheaper one",
			req: usRequest(o, costs(map[string]int64{"W-N": 100, "W-K": 500}),
				cand(usWH("W-N", -1), "SKU-1", 5), cand(usWH("W-K", 2), "SKU-1", 5)),
			allocs:  []string{"W-K"},
			reasons: map[string][]string{"W-K": {}, "W-N": {"transit_unknown"}},
		},
		{
			name: "unknown transit beats a warehouse known to be late",
			req: usRequest(o, costs(map[string]int64{"W-N": 900, "W-L": 100}),
				cand(usWH("W-N", -1), "SKU-1", 5), cand(usWH("W-L", 6), "SKU-1", 5)),
			allocs:  []string{"W-N"},
			reasons: map[string][]string{"W-L": {"misses_promise"}, "W-N": {}},
		},
	})
}

func TestDecideTieBreaks(t *testing.T) {
	t.Parallel()
	o := usOrder(line("SKU-1", 1))
	runDecideCases(t, []decideCase{
		{
			name: "equal on promise, cost and delivery: the lower id wins, whatever the input order",
			req: usRequest(o, costs(map[string]int64{"W-A": 500, "W-B": 500}),
				cand(usWH("W-B", 2), "SKU-1", 5), cand(usWH("W-A", 2), "SKU-1", 5)),
			allocs:  []string{"W-A"},
			reasons: map[string][]string{"W-A": {}, "W-B": {"not_chosen_tie_break"}},
		},
		{
			name: "equal cost: the earlier delivery wins",
			req: usRequest(o, costs(map[string]int64{"W-A": 500, "W-B": 500}),
				cand(usWH("W-A", 3), "SKU-1", 5), cand(usWH("W-B", 1), "SKU-1", 5)),
			allocs:  []string{"W-B"},
			reasons: map[string][]string{"W-A": {"later"}, "W-B": {}},
		},
		{
			name:    "no cost estimate: delivery, then id decide",
			req:     usRequest(o, nil, cand(usWH("W-A", 3), "SKU-1", 5), cand(usWH("W-B", 1), "SKU-1", 5), cand(usWH("W-C", 1), "SKU-1", 5)),
			allocs:  []string{"W-B"},
			reasons: map[string][]string{"W-A": {"later"}, "W-B": {}, "W-C": {"not_chosen_tie_break"}},
		},
	})
}

func TestDecideStock(t *testing.T) {
	t.Parallel()
	runDecideCases(t, []decideCase{
		{
			name: "R-ORD-8 insufficient stock: reserved and safety stock are not for sale; short SKUs and quantities",
			req: usRequest(usOrder(line("SKU-1", 2), line("SKU-2", 3)), nil,
				cand(usWH("W-A", 2), "SKU-1", model.NewBalance(10, 8, 1), "SKU-2", 3),
				cand(usWH("W-B", 2), "SKU-1", 1, "SKU-2", model.NewBalance(4, 0, 2))),
			reasons: map[string][]string{"W-A": {"insufficient_stock"}, "W-B": {"insufficient_stock"}},
			reason:  "insufficient_stock",
			short:   []model.Shortage{{SKU: "SKU-1", Needed: 2, Available: 2, MaxSingle: 1}},
			check: func(t *testing.T, d model.Decision) {
				want := map[string][]model.Shortage{
					"W-A": {{SKU: "SKU-1", Needed: 2, Available: 1}},
					"W-B": {{SKU: "SKU-1", Needed: 2, Available: 1}, {SKU: "SKU-2", Needed: 3, Available: 2}},
				}
				for id, w := range want {
					if got := considered(t, d, id).Reasons[0].Short; !slices.Equal(got, w) {
						t.Errorf("%s short = %+v, want %+v", id, got, w)
					}
				}
			},
		},
		{
			name:    "lines of one SKU are served together: 1 + 2 units need 3",
			req:     usRequest(usOrder(line("SKU-1", 1), line("SKU-1", 2)), nil, cand(usWH("W-A", 2), "SKU-1", 2), cand(usWH("W-B", 2), "SKU-1", 3)),
			allocs:  []string{"W-B"},
			reasons: map[string][]string{"W-A": {"insufficient_stock"}, "W-B": {}},
			check: func(t *testing.T, d model.Decision) {
				if got := d.Allocations[0].Lines; !slices.Equal(got, []model.StockLine{{SKU: "SKU-1", Quantity: 3}}) {
					t.Errorf("lines = %+v, want SKU-1 × 3", got)
				}
			},
		},
		{
			name:    "a SKU missing from a warehouse's stock has nothing available",
			req:     usRequest(usOrder(line("SKU-9", 1)), nil, cand(usWH("W-A", 2))),
			reasons: map[string][]string{"W-A": {"insufficient_stock"}},
			reason:  "insufficient_stock",
			short:   []model.Shortage{{SKU: "SKU-9", Needed: 1, Available: 0, MaxSingle: 0}},
		},
	})
}

func TestDecideRatingAndConfiguration(t *testing.T) {
	t.Parallel()
	broken := usWH("W-X", 2)
	broken.TimeZone = "Nowhere/Land"
	o := usOrder(line("SKU-1", 1))
	runDecideCases(t, []decideCase{
		{
			name: "no_rate: a warehouse the cost estimate cannot rate is not eligible",
			req: usRequest(o, costs(map[string]int64{"W-B": 900}),
				cand(usWH("W-A", 2), "SKU-1", 5), cand(usWH("W-B", 2), "SKU-1", 5)),
			allocs:  []string{"W-B"},
			reasons: map[string][]string{"W-A": {"no_rate"}, "W-B": {}},
		},
		{
			name:    "no_rate everywhere: nothing allocated",
			req:     usRequest(o, costs(nil), cand(usWH("W-A", 2), "SKU-1", 5)),
			reasons: map[string][]string{"W-A": {"no_rate"}},
			reason:  "no_rate",
		},
		{
			name:    "invalid_warehouse: a misconfigured warehouse is ruled out, the others still decide",
			req:     usRequest(o, nil, cand(broken, "SKU-1", 5), cand(usWH("W-A", 2), "SKU-1", 5)),
			allocs:  []string{"W-A"},
			reasons: map[string][]string{"W-A": {}, "W-X": {"invalid_warehouse"}},
		},
	})
}

func TestDecideTransitRuleSpecificity(t *testing.T) {
	t.Parallel()
	w := usWH("W-A", 0)
	w.Transit = []model.TransitRule{
		{Country: "US", Service: "ground", MaxDays: 5},
		{Country: "US", Service: "express", MaxDays: 4},
		{Country: "US", Region: "CA", Service: "ground", MaxDays: 2},
		{Country: "US", PostalFrom: "900", PostalTo: "935", Service: "ground", MaxDays: 1},
		{Country: "us", Region: "ak", Service: "ground", MaxDays: 6},
	}
	tests := []struct {
		name           string
		dest           model.Address
		days           int
		service        string
		knownInMarket  bool
		wrongMarketWhy bool
	}{
		{"a postal range beats the region", model.Address{Country: "US", Region: "CA", PostalCode: "90001"}, 1, "ground", true, false},
		{"ZIP+4 is matched on its prefix", model.Address{Country: "US", Region: "CA", PostalCode: "93501-1234"}, 1, "ground", true, false},
		{"the region beats the country", model.Address{Country: "US", Region: "CA", PostalCode: "94105"}, 2, "ground", true, false},
		{"codes compare case-insensitively", model.Address{Country: "US", Region: "AK", PostalCode: "99501"}, 6, "ground", true, false},
		{"country-only: the fastest service", model.Address{Country: "US", Region: "NV", PostalCode: "89501"}, 4, "express", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := usOrder(line("SKU-1", 1))
			o.ShippingAddress = tt.dest
			r := usRequest(o, nil, cand(w, "SKU-1", 5))
			r.Market.PromiseDays = 30
			d, err := inventory.Decide(r)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Allocations) != 1 {
				t.Fatalf("no allocation: %+v", d)
			}
			a := d.Allocations[0]
			want := endOfDay(la, 2025, 6, 9+tt.days) // handed over Monday 9 June
			if !a.EstimatedDelivery.Equal(want) || a.Service != tt.service || !a.TransitKnown {
				t.Fatalf("estimate %s by %q (known %v), want %s by %q", a.EstimatedDelivery, a.Service, a.TransitKnown, want, tt.service)
			}
		})
	}
}

func TestDecideTimeZones(t *testing.T) {
	t.Parallel()
	bkk := loadZone("Asia/Bangkok")
	thWH := model.Warehouse{
		ID: "W-BKK", Type: model.WarehouseOverseas, Address: model.Address{Country: "TH", City: "Bangkok"},
		TimeZone: "Asia/Bangkok", CutOff: "15:00",
		Transit: []model.TransitRule{{Country: "TH", Service: "standard", MaxDays: 2}},
	}
	tests := []struct {
		name     string
		paid     time.Time
		now      time.Time
		deadline time.Time
		late     bool
	}{
		{
			// Paid 23:30 Bangkok on Monday 10 March (16:30 UTC). Handed over Tuesday morning,
			// delivered Thursday 13: the 3-day promise (R-SLA-1 TH) ends Thursday 13.
			name:     "R-SLA-1 TH paid 23:30 Bangkok: the promise counts from the Bangkok day",
			paid:     time.Date(2025, 3, 10, 23, 30, 0, 0, bkk),
			now:      time.Date(2025, 3, 11, 8, 0, 0, 0, bkk),
			deadline: endOfDay(bkk, 2025, 3, 13),
		},
		{
			// Paid at 17:30 UTC on Monday 10 March, already 00:30 on Tuesday 11 in Bangkok: the
			// deadline is Friday 14 Bangkok time, not Thursday 13 as a UTC calendar would say.
			name:     "R-SLA-1 TH paid late evening UTC is already the next day in Bangkok",
			paid:     time.Date(2025, 3, 10, 17, 30, 0, 0, time.UTC),
			now:      time.Date(2025, 3, 11, 16, 0, 0, 0, bkk), // after the cut-off: Wednesday + 2 = Friday
			deadline: endOfDay(bkk, 2025, 3, 14),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			paid := tt.paid
			o := &model.Order{ID: "O-TH", Market: "TH", CreatedAt: paid, PaidAt: &paid,
				ShippingAddress: model.Address{Country: "TH", PostalCode: "10110"}, Lines: []model.Line{line("SKU-1", 1)}}
			d, err := inventory.Decide(inventory.Request{Order: o, Market: market("TH", 3), Now: tt.now, Candidates: []model.Candidate{cand(thWH, "SKU-1", 5)}})
			if err != nil {
				t.Fatal(err)
			}
			if !d.PromiseDeadline.Equal(tt.deadline) || d.LateRisk != tt.late {
				t.Fatalf("deadline %s late %v, want %s late %v", d.PromiseDeadline, d.LateRisk, tt.deadline, tt.late)
			}
			if d.EstimatedDelivery.After(d.PromiseDeadline) {
				t.Fatalf("estimated %s after deadline %s", d.EstimatedDelivery, d.PromiseDeadline)
			}
		})
	}
}

func TestDecideIsIndependentOfCandidateOrder(t *testing.T) {
	t.Parallel()
	req := benchRequest()
	req.AllowSplit = true
	want, err := inventory.Decide(req)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(req.Candidates); i++ {
		r := req
		r.Candidates = slices.Clone(req.Candidates)
		// Rotate by i and reverse every other rotation.
		r.Candidates = append(r.Candidates[i:], r.Candidates[:i]...)
		if i%2 == 1 {
			slices.Reverse(r.Candidates)
		}
		got, err := inventory.Decide(r)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("candidate order %d changed the decision:\n got %+v\nwant %+v", i, got, want)
		}
	}
	if !slices.IsSortedFunc(want.Considered, func(a, b model.Considered) int { return strings.Compare(a.WarehouseID, b.WarehouseID) }) {
		t.Error("considered is not sorted by warehouse id")
	}
}

func TestDecideManyWarehouses(t *testing.T) {
	t.Parallel()
	// More candidates than a decision keeps on the stack; the cheapest of the on-time ones wins.
	var cands []model.Candidate
	price := map[string]int64{}
	for i := 0; i < 40; i++ {
		id := "W-" + string(rune('A'+i%26)) + string(rune('a'+i/26))
		cands = append(cands, cand(usWH(id, 1+i%5), "SKU-1", 5))
		price[id] = int64(1000 - i*7%300)
	}
	d, err := inventory.Decide(usRequest(usOrder(line("SKU-1", 1)), costs(price), cands...))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Considered) != 40 || len(d.Allocations) != 1 || d.LateRisk {
		t.Fatalf("considered %d, allocations %+v, late %v", len(d.Considered), d.Allocations, d.LateRisk)
	}
	best := ""
	for _, c := range d.Considered {
		if c.MeetsPromise && (best == "" || c.Cost < price[best] || (c.Cost == price[best] && c.WarehouseID < best)) {
			best = c.WarehouseID
		}
	}
	if d.Allocations[0].WarehouseID != best {
		t.Fatalf("chose %s, want %s", d.Allocations[0].WarehouseID, best)
	}
}

func TestDecideRefusesUnreadableRequests(t *testing.T) {
	t.Parallel()
	ok := func() inventory.Request {
		return usRequest(usOrder(line("SKU-1", 1)), nil, cand(usWH("W-A", 2), "SKU-1", 5))
	}
	tests := []struct {
		name string
		edit func(*inventory.Request)
	}{
		{"no order", func(r *inventory.Request) { r.Order = nil }},
		{"no decision time", func(r *inventory.Request) { r.Now = time.Time{} }},
		{"rules of another market", func(r *inventory.Request) { r.Market = market("GB", 5) }},
		{"a market without a zone", func(r *inventory.Request) { r.Market.TimeZone = "" }},
		{"no lines", func(r *inventory.Request) { r.Order.Lines = nil }},
		{"a zero quantity", func(r *inventory.Request) { r.Order.Lines[0].Quantity = 0 }},
		{"a line without a SKU", func(r *inventory.Request) { r.Order.Lines[0].SKU = " " }},
		{"no paid or created time", func(r *inventory.Request) { r.Order.PaidAt, r.Order.CreatedAt = nil, time.Time{} }},
		{"a bad policy cut-off", func(r *inventory.Request) { r.Policy.DefaultCutOff = "noon" }},
		{"a warehouse twice", func(r *inventory.Request) { r.Candidates = append(r.Candidates, r.Candidates[0]) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := ok()
			tt.edit(&r)
			if _, err := inventory.Decide(r); !errors.Is(err, model.ErrInvalid) {
				t.Fatalf("Decide error = %v, want model.ErrInvalid", err)
			}
		})
	}
}

func TestDecisionJSONContract(t *testing.T) {
	t.Parallel()
	req := usRequest(usOrder(line("SKU-1", 2)), costs(map[string]int64{"W-A": 500, "W-B": 300}),
		cand(usWH("W-A", 2), "SKU-1", 5), cand(usWH("W-B", 5), "SKU-1", 1))
	d, err := inventory.Decide(req)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"order_id", "allocations", "late_risk", "estimated_delivery", "transit_known", "promise_deadline", "considered"} {
		if _, ok := got[k]; !ok {
			t.Errorf("decision JSON lacks %q: %s", k, b)
		}
	}
	alloc := got["allocations"].([]any)[0].(map[string]any)
	if alloc["warehouse_id"] != "W-A" || alloc["lines"].([]any)[0].(map[string]any)["sku"] != "SKU-1" {
		t.Errorf("allocation JSON = %v", alloc)
	}
	cons := got["considered"].([]any)[1].(map[string]any)
	for _, k := range []string{"warehouse_id", "eligible", "chosen", "reasons", "estimated_delivery", "transit_known", "meets_promise", "cost"} {
		if _, ok := cons[k]; !ok {
			t.Errorf("considered JSON lacks %q: %v", k, cons)
		}
	}
	reason := cons["reasons"].([]any)[0].(map[string]any)
	if reason["code"] != "insufficient_stock" || reason["short"] == nil {
		t.Errorf("reason JSON = %v", reason)
	}
	if got["promise_deadline"] != "2025-06-12T23:59:59-07:00" {
		t.Errorf("promise_deadline = %v", got["promise_deadline"])
	}

	none, err := inventory.Decide(usRequest(usOrder(line("SKU-1", 9)), nil, cand(usWH("W-A", 2), "SKU-1", 1)))
	if err != nil {
		t.Fatal(err)
	}
	b, _ = json.Marshal(none)
	for _, k := range []string{`"allocations":[]`, `"reason":"insufficient_stock"`, `"short":[{"sku":"SKU-1","needed":9,"available":1,"max_single":1}]`} {
		if !strings.Contains(string(b), k) {
			t.Errorf("unallocated decision JSON lacks %s: %s", k, b)
		}
	}

	w, err := json.Marshal(usWH("W-A", 2))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{`"id"`, `"type":"overseas"`, `"market":"US"`, `"time_zone"`, `"cut_off":"15:00"`, `"ship_from"`, `"return_address"`, `"transit":[{"country":"US"`, `"max_days":2`} {
		if !strings.Contains(string(w), k) {
			t.Errorf("warehouse JSON lacks %s: %s", k, w)
		}
	}
}

func TestWarehouseValidate(t *testing.T) {
	t.Parallel()
	good := usWH("W-A", 2)
	good.Address.Line1, good.Address.City = "1 Commerce Way", "Ontario"
	good.WorkingDays = []string{"mon", "sat"}
	good.Transit = append(good.Transit, model.TransitRule{Country: "US", PostalFrom: "900", PostalTo: "935", MaxDays: 1})
	if err := inventory.ValidateWarehouse(&good, inventory.Policy{}); err != nil {
		t.Fatalf("a good warehouse: %v", err)
	}
	bad := model.Warehouse{
		Type: "moon", TimeZone: "Local", CutOff: "25:00", WorkingDays: []string{"funday"},
		Transit: []model.TransitRule{
			{Country: "USA", MinDays: 3, MaxDays: 2},
			{Country: "US", PostalTo: "935"},
			{Country: "US", PostalFrom: "90", PostalTo: "935"},
		},
	}
	err := inventory.ValidateWarehouse(&bad, inventory.Policy{})
	var ve *model.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, model.ErrInvalid) {
		t.Fatalf("Validate = %v, want a *model.ValidationError", err)
	}
	var fields []string
	for _, p := range ve.Problems {
		fields = append(fields, p.Field)
	}
	want := []string{"id", "type", "address.country", "address.line1", "address.city", "time_zone", "cut_off", "working_days", "transit[0].country", "transit[0].max_days", "transit[1].postal_from", "transit[2].postal_to"}
	if !slices.Equal(fields, want) {
		t.Fatalf("problem fields = %v, want %v", fields, want)
	}
}

// benchRequest is an order of 3 lines against 8 warehouses: six in the US with transit tables
// of a few rules (one short of a SKU, one late, one after its cut-off), one without a table and
// one in China that R-MODE-5 rules out.
func benchRequest() inventory.Request {
	o := usOrder(line("SKU-1", 2), line("SKU-2", 1), line("SKU-3", 1))
	mk := func(id string, days int, cutOff string) model.Warehouse {
		w := usWH(id, days)
		w.CutOff = cutOff
		if days >= 0 {
			w.Transit = []model.TransitRule{
				{Country: "US", Service: "ground", MinDays: 2, MaxDays: days + 2},
				{Country: "US", Service: "express", MinDays: 1, MaxDays: days + 1},
				{Country: "US", Region: "CA", Service: "ground", MinDays: 1, MaxDays: days},
				{Country: "US", Region: "NY", Service: "ground", MinDays: 3, MaxDays: days + 3},
				{Country: "US", PostalFrom: "995", PostalTo: "999", Service: "ground", MinDays: 5, MaxDays: 9},
			}
		}
		return w
	}
	full := []any{"SKU-1", 50, "SKU-2", 50, "SKU-3", 50}
	cands := []model.Candidate{
		cand(mk("W-LA1", 2, "15:00"), full...),
		cand(mk("W-LA2", 1, "15:00"), full...),
		cand(mk("W-NJ", 3, "14:00"), full...),
		cand(mk("W-TX", 2, "08:00"), full...),
		cand(mk("W-GA", 5, "15:00"), full...),
		cand(mk("W-WA", 2, "15:00"), "SKU-1", 50, "SKU-2", 0, "SKU-3", 50),
		cand(mk("W-NV", -1, "15:00"), full...),
		cand(cnWH("W-CN", "US", 10), full...),
	}
	price := map[string]int64{"W-LA1": 640, "W-LA2": 720, "W-NJ": 580, "W-TX": 600, "W-GA": 450, "W-WA": 500, "W-NV": 610, "W-CN": 300}
	return inventory.Request{
		Order: o, Market: market("US", 3), Now: nowMon, Candidates: cands, AllowSplit: true,
		Cost: func(w *model.Warehouse, _ []model.StockLine) (int64, bool) { return price[w.ID], true },
	}
}

func TestBenchRequestDecision(t *testing.T) {
	t.Parallel()
	d, err := inventory.Decide(benchRequest())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"W-CN": {"wrong_market"}, "W-GA": {"misses_promise"}, "W-LA1": {"costlier"}, "W-LA2": {"costlier"},
		"W-NJ": {}, "W-NV": {"transit_unknown"}, "W-TX": {"costlier"}, "W-WA": {"insufficient_stock"},
	}
	if got := reasonCodes(d); !reflect.DeepEqual(got, want) || !slices.Equal(allocIDs(d), []string{"W-NJ"}) {
		t.Fatalf("allocations %v reasons %v, want W-NJ and %v", allocIDs(d), got, want)
	}
}

func BenchmarkDecide(b *testing.B) {
	req := benchRequest()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := inventory.Decide(req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecideSplit(b *testing.B) {
	req := benchRequest()
	// No warehouse holds SKU-2 and SKU-3 together: the order splits.
	for i := range req.Candidates {
		c := &req.Candidates[i]
		s := map[string]model.Balance{}
		for k, v := range c.Stock {
			s[k] = v
		}
		if i%2 == 0 {
			delete(s, "SKU-2")
		} else {
			delete(s, "SKU-3")
		}
		c.Stock = s
	}
	b.ReportAllocs()
	for b.Loop() {
		d, err := inventory.Decide(req)
		if err != nil || len(d.Allocations) != 2 {
			b.Fatalf("decision %+v, %v", d.Allocations, err)
		}
	}
}
