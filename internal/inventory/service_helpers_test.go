package inventory_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"lastmile/internal/inventory"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/ident"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/store"
)

// la (America/Los_Angeles, allocation_decide_test.go) is the US market's zone and the zone of
// the test warehouses.

// tue0900 is the default clock: Tuesday 24 November 2026, 09:00 in Los Angeles. An order paid
// an hour earlier has a US promise (R-SLA-1, 7 days) ending Tuesday 1 December, 23:59:59; a
// warehouse with a 15:00 cut-off hands it over the same day, so 5 transit days deliver on
// Sunday 29 November (on time) and 10 on Friday 4 December (late).
var tue0900 = time.Date(2026, 11, 24, 9, 0, 0, 0, la)

// clock is a settable clock shared by the services under test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// alerts records every low-stock alert.
type alerts struct {
	mu   sync.Mutex
	list []store.StockLevel
}

func (a *alerts) record(l store.StockLevel) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.list = append(a.list, l)
}

// of returns the alerts for one key, in the order they came.
func (a *alerts) of(key store.StockKey) []store.StockLevel {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []store.StockLevel
	for _, l := range a.list {
		if l.WarehouseID == key.WarehouseID && l.SKU == key.SKU {
			out = append(out, l)
		}
	}
	return out
}

// env is one shop in a store, with the stock and order services over it on one clock.
type env struct {
	st     store.Store
	svc    *inventory.Service
	orders *order.Service
	clock  *clock
	alerts *alerts
	shop   model.Shop
	scope  model.Scope
}

// newEnv creates a shop in st and services over it, the clock at tue0900.
func newEnv(t testing.TB, st store.Store) *env {
	t.Helper()
	c := &clock{t: tue0900}
	al := &alerts{}
	log := slog.New(slog.DiscardHandler)
	markets := config.DefaultMarkets()
	e := &env{
		st:     st,
		svc:    inventory.NewService(st, markets, c.Now, log, inventory.Options{Alert: al.record}),
		orders: order.NewService(st, markets, c.Now, log),
		clock:  c,
		alerts: al,
	}
	e.shop = model.Shop{ID: ident.New("shop", tue0900), Name: "Shop", Market: "US", TimeZone: "America/Los_Angeles", CreatedAt: tue0900.UTC()}
	if err := st.CreateShop(context.Background(), e.shop); err != nil {
		t.Fatalf("create shop: %v", err)
	}
	e.scope = model.Scope{KeyID: "key_" + e.shop.ID, ShopIDs: []string{e.shop.ID}}
	return e
}

// usWarehouse is an overseas warehouse in Ontario, California: 15:00 cut-off, Monday to Friday, and a
// country-wide US transit rule of transitDays (none when transitDays < 0).
func usWarehouse(code string, transitDays int) model.Warehouse {
	w := model.Warehouse{
		Code: code, Name: "Warehouse " + code, Type: model.WarehouseOverseas,
		Address:  model.Address{Name: "WH " + code, Line1: "1 Commerce Way", City: "Ontario", Region: "CA", PostalCode: "91761", Country: "US"},
		TimeZone: "America/Los_Angeles", CutOff: "15:00", WorkingDays: []string{"mon", "tue", "wed", "thu", "fri"},
	}
	if transitDays >= 0 {
		w.Transit = []model.TransitRule{{Country: "US", Service: "ground", MinDays: 1, MaxDays: transitDays}}
	}
	return w
}

// cnWarehouse is a warehouse in Shenzhen (domestic_cn) shipping cross-border direct to the countries
// given, in transitDays.
func cnWarehouse(code string, transitDays int, countries ...string) model.Warehouse {
	w := model.Warehouse{
		Code: code, Name: "Warehouse " + code, Type: model.WarehouseDomesticCN,
		Address:  model.Address{Name: "WH " + code, Line1: "1 Bao'an Rd", City: "Shenzhen", PostalCode: "518000", Country: "CN"},
		TimeZone: "Asia/Shanghai", CutOff: "15:00",
	}
	for _, c := range countries {
		w.Transit = append(w.Transit, model.TransitRule{Country: c, Service: "air", MinDays: 1, MaxDays: transitDays})
	}
	return w
}

// orderLine is a line that passes the order checks (R-ORD-6): a held order is not allocated.
func orderLine(sku string, q int64) model.Line {
	return model.Line{SKU: sku, Name: "Item " + sku, Quantity: q, UnitPrice: model.Money{Amount: 1299, Currency: "USD"}, WeightG: 200,
		LengthMM: 200, WidthMM: 150, HeightMM: 50, DeclaredName: "Cotton T-shirt"}
}

// usPaidOrder is a paid AWAITING_SHIPMENT US order to California, paid an hour before paid's clock.
func usPaidOrder(ext string, paid time.Time, lines ...model.Line) model.Order {
	p := paid.UTC()
	return model.Order{
		ExternalID: ext, Market: "US", Currency: "USD", Status: model.StatusAwaitingShipment,
		CreatedAt: p.Add(-10 * time.Minute), PaidAt: &p, UpdatedAt: p,
		Buyer: model.Buyer{Name: "Jane Doe", Email: "jane@example.com", Phone: "+12065550100"},
		ShippingAddress: model.Address{Name: "Jane Doe", Line1: "1600 Amphitheatre Pkwy", City: "Mountain View",
			Region: "CA", PostalCode: "94043", Country: "US", Phone: "+16505550100"},
		Lines: lines,
	}
}

// gbOrder is a paid AWAITING_SHIPMENT order in the UK market.
func gbOrder(ext string, paid time.Time, lines ...model.Line) model.Order {
	o := usPaidOrder(ext, paid, lines...)
	o.Market, o.Currency = "GB", "GBP"
	o.ShippingAddress = model.Address{Name: "John Smith", Line1: "10 Downing St", City: "London", PostalCode: "SW1A 2AA", Country: "GB", Phone: "+442079460000"}
	for i := range o.Lines {
		o.Lines[i].UnitPrice.Currency = "GBP"
	}
	return o
}

// order is a US order paid an hour before the clock.
func (e *env) order(ext string, lines ...model.Line) model.Order {
	return usPaidOrder(ext, e.clock.Now().Add(-time.Hour), lines...)
}

// confirmed stores orders (in batches) and confirms them, and returns their ids in input order.
func (e *env) confirmed(t testing.TB, orders ...model.Order) []string {
	t.Helper()
	ctx := context.Background()
	ids := make([]string, 0, len(orders))
	const batch = 1000
	for lo := 0; lo < len(orders); lo += batch {
		chunk := orders[lo:min(lo+batch, len(orders))]
		res, err := e.orders.Upsert(ctx, e.scope, chunk, order.CauseAPI)
		if err != nil {
			t.Fatalf("upsert: %v", err)
		}
		for i, r := range res {
			if r.Err != nil || r.Outcome != model.OutcomeCreated {
				t.Fatalf("upsert %s: outcome %q, err %v", chunk[i].ExternalID, r.Outcome, r.Err)
			}
			ids = append(ids, r.Order.ID)
		}
	}
	for _, id := range ids {
		if _, err := e.orders.Confirm(ctx, e.scope, id, order.CauseAPI); err != nil {
			t.Fatalf("confirm %s: %v", id, err)
		}
	}
	return ids
}

// confirm stores and confirms one order and returns its id.
func (e *env) confirm(t testing.TB, o model.Order) string {
	t.Helper()
	return e.confirmed(t, o)[0]
}

// warehouse stores w for the env's shop.
func (e *env) warehouse(t testing.TB, w model.Warehouse) model.Warehouse {
	t.Helper()
	got, err := e.svc.CreateWarehouse(context.Background(), e.scope, w)
	if err != nil {
		t.Fatalf("create warehouse %s: %v", w.Code, err)
	}
	return got
}

// setOnHand counts onHand units of sku in warehouse wh.
func (e *env) setOnHand(t testing.TB, wh, sku string, onHand int64) store.StockLevel {
	t.Helper()
	l, err := e.svc.SetStock(context.Background(), e.scope, wh, sku, inventory.Target{OnHand: &onHand, Reason: "initial count"})
	if err != nil {
		t.Fatalf("set stock of %s in %s: %v", sku, wh, err)
	}
	return l
}

// level returns the stored level of sku in wh; a zero balance when there is no row.
func (e *env) level(t testing.TB, wh, sku string) model.Balance {
	t.Helper()
	ls, err := e.svc.Levels(context.Background(), e.scope, inventory.LevelQuery{WarehouseID: wh, SKU: sku})
	if err != nil {
		t.Fatalf("levels: %v", err)
	}
	switch len(ls) {
	case 0:
		return model.Balance{}
	case 1:
		return ls[0].Balance
	}
	t.Fatalf("%d levels for %s in %s", len(ls), sku, wh)
	return model.Balance{}
}

// ledgerPage is deliberately small and odd, so that reading a ledger crosses pages.
const ledgerPage = 37

// ledger reads every entry f selects, page by page.
func (e *env) ledger(t testing.TB, f inventory.MovementFilter) []store.MovementRecord {
	t.Helper()
	f.Limit = ledgerPage
	var out []store.MovementRecord
	for {
		page, err := e.svc.Movements(context.Background(), e.scope, f)
		if err != nil {
			t.Fatalf("movements: %v", err)
		}
		if len(page) > ledgerPage {
			t.Fatalf("a page of %d movements, limit %d", len(page), ledgerPage)
		}
		out = append(out, page...)
		if len(page) < ledgerPage {
			return out
		}
		f.AfterSeq = page[len(page)-1].Seq
	}
}

// orderLedger is every entry of one order.
func (e *env) orderLedger(t testing.TB, orderID string) []store.MovementRecord {
	t.Helper()
	return e.ledger(t, inventory.MovementFilter{OrderID: orderID})
}

// checkReplay checks that the ledger of (wh, sku) replays to its stored level, and that every
// entry's recorded balance is the replay of the ledger up to it. It returns the ledger.
func (e *env) checkReplay(t testing.TB, wh, sku string) []store.MovementRecord {
	t.Helper()
	recs := e.ledger(t, inventory.MovementFilter{WarehouseID: wh, SKU: sku})
	moves := make([]model.Movement, len(recs))
	for i, r := range recs {
		if r.WarehouseID != wh || r.SKU != sku {
			t.Fatalf("ledger of %s in %s holds an entry for %s in %s", sku, wh, r.SKU, r.WarehouseID)
		}
		if i > 0 && r.Seq <= recs[i-1].Seq {
			t.Fatalf("ledger out of order: seq %d after %d", r.Seq, recs[i-1].Seq)
		}
		moves[i] = r.Movement
		if got := model.Replay(moves[:i+1]); got != r.After {
			t.Fatalf("entry %d (%s %d): recorded balance %+v, replay %+v", r.Seq, r.Kind, r.Quantity, r.After, got)
		}
	}
	if got, want := model.Replay(moves), e.level(t, wh, sku); got != want {
		t.Errorf("replay of the ledger of %s in %s = %+v, stored level %+v", sku, wh, got, want)
	}
	return recs
}

// kinds counts entries by kind.
func kinds(recs []store.MovementRecord) map[model.MovementKind]int {
	out := map[model.MovementKind]int{}
	for _, r := range recs {
		out[r.Kind]++
	}
	return out
}

// jsonOf is v as the API would send it.
func jsonOf(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// unallocatable returns err's decision, failing unless err is an *UnallocatableError (409).
func unallocatable(t testing.TB, err error) model.Decision {
	t.Helper()
	var ue *inventory.UnallocatableError
	if !errors.As(err, &ue) {
		t.Fatalf("err = %v, want *inventory.UnallocatableError", err)
	}
	if !errors.Is(err, model.ErrConflict) {
		t.Errorf("err = %v: an UnallocatableError must unwrap to ErrConflict", err)
	}
	return ue.Decision
}

// fields lists "code field" of every problem of a *model.ValidationError, sorted; nil otherwise.
func fields(err error) []string {
	var ve *model.ValidationError
	if !errors.As(err, &ve) {
		return nil
	}
	var out []string
	for _, p := range ve.Problems {
		out = append(out, p.Code+" "+p.Field)
	}
	slices.Sort(out)
	return out
}

// wantFields fails unless err is a validation error (422) with exactly the problems want.
func wantFields(t testing.TB, err error, want ...string) {
	t.Helper()
	if !errors.Is(err, model.ErrInvalid) {
		t.Fatalf("err = %v, want a validation error", err)
	}
	slices.Sort(want)
	if got := fields(err); !slices.Equal(got, want) {
		t.Errorf("problems = %v, want %v", got, want)
	}
}

// considered returns how warehouse id fared in d.
func considered(t testing.TB, d model.Decision, id string) model.Considered {
	t.Helper()
	for _, c := range d.Considered {
		if c.WarehouseID == id {
			return c
		}
	}
	t.Fatalf("warehouse %s not considered", id)
	return model.Considered{}
}

func codes(c model.Considered) []string {
	out := []string{}
	for _, r := range c.Reasons {
		out = append(out, r.Code)
	}
	return out
}

// packages renders an allocation's packages as "warehouse:SKU×n,…" strings.
func packages(d model.Decision) []string {
	var out []string
	for _, p := range d.Allocations {
		s := p.WarehouseID + ":"
		for i, l := range p.Lines {
			if i > 0 {
				s += ","
			}
			s += fmt.Sprintf("%s×%d", l.SKU, l.Quantity)
		}
		out = append(out, s)
	}
	return out
}

// Small constructors, so that calls read as what they send.

func stockOptions() inventory.AllocateOptions { return inventory.AllocateOptions{} }

func mf() inventory.MovementFilter { return inventory.MovementFilter{} }

func levelQuery(wh string) inventory.LevelQuery { return inventory.LevelQuery{WarehouseID: wh} }

func target(onHand, safety *int64, reason string) inventory.Target {
	return inventory.Target{OnHand: onHand, SafetyStock: safety, Reason: reason}
}

func entry(wh, sku string, kind model.MovementKind, q int64, reason string) inventory.Entry {
	return inventory.Entry{WarehouseID: wh, SKU: sku, Kind: kind, Quantity: q, Reason: reason}
}

func safetyRequest(wh, sku string, leadTime float64) inventory.SafetyRequest {
	return inventory.SafetyRequest{WarehouseID: wh, SKU: sku, LeadTimeDays: leadTime}
}

func ptr(n int64) *int64 { return &n }
