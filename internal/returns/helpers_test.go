package returns_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"testing"
	"time"

	"lastmile/internal/carrier"
	"lastmile/internal/carrier/sim"
	"lastmile/internal/config"
	"lastmile/internal/ident"
	"lastmile/internal/inventory"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/rating"
	"lastmile/internal/returns"
	"lastmile/internal/settings"
	"lastmile/internal/shipping"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

var la = mustZone("America/Los_Angeles")

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// tue0900 is the default clock: Tuesday 24 November 2026, 09:00 in Los Angeles.
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

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// modes is a ModeSource with one mode per shop.
type modes struct {
	mu   sync.Mutex
	mode map[string]model.ShippingMode
}

func (m *modes) ModeAt(_ context.Context, shopID string, _ time.Time) (model.ShippingMode, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if md, ok := m.mode[shopID]; ok {
		return md, nil
	}
	return model.ModeSeller, nil
}

// env is one US shop in a store with the order, inventory, shipping and returns services over
// it, against an in-process simulated carrier network.
type env struct {
	st      store.Store
	orders  *order.Service
	inv     *inventory.Service
	ship    *shipping.Service
	ret     *returns.Service
	net     *sim.Network
	carrier *carrier.Set
	clock   *clock
	modes   *modes
	shop    model.Shop
	scope   model.Scope
	// settings is the shops' settings: returns read each shop's own figures (its carriers
	// setting) from it.
	settings *settings.Service
}

type envOptions struct {
	market returns.Marketplace
	config returns.Config
	// wrap, when set, stands between the services and each simulated carrier.
	wrap func(carrier.Carrier) carrier.Carrier
}

func newEnv(t testing.TB, st store.Store, opts ...envOptions) *env {
	t.Helper()
	var opt envOptions
	if len(opts) > 0 {
		opt = opts[0]
	}
	ctx := context.Background()
	c := &clock{t: tue0900}
	log := slog.New(slog.DiscardHandler)
	markets := config.DefaultMarkets()
	net, err := sim.Start(ctx, sim.Options{Now: c.Now})
	if err != nil {
		t.Fatalf("start the carrier sim: %v", err)
	}
	t.Cleanup(func() { net.Close() })
	carriers, err := net.Carriers(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if opt.wrap != nil {
		for i, c := range carriers {
			carriers[i] = opt.wrap(c)
		}
	}
	set, err := carrier.NewSet(carriers...)
	if err != nil {
		t.Fatal(err)
	}
	cards, err := rating.DefaultCards()
	if err != nil {
		t.Fatal(err)
	}
	e := &env{st: st, net: net, carrier: set, clock: c, modes: &modes{mode: map[string]model.ShippingMode{}}}
	e.orders = order.NewService(st, markets, c.Now, log)
	e.inv = inventory.NewService(st, markets, c.Now, log, inventory.Options{})
	if e.ship, err = shipping.NewService(shipping.Deps{Store: st, Shipping: st, Inventory: e.inv, Cards: func() *rating.Cards { return cards },
		Carriers: set, Markets: markets, Modes: e.modes, Now: c.Now, Log: log}); err != nil {
		t.Fatal(err)
	}
	e.settings = settings.NewService(st, config.Config{}.WithDefaults(), c.Now)
	if e.ret, err = returns.NewService(returns.Deps{Store: st, Cards: func() *rating.Cards { return cards }, Carriers: set,
		Markets: markets, Figures: e.settings, Modes: e.modes, Marketplace: opt.market, Config: opt.config, Now: c.Now, Log: log}); err != nil {
		t.Fatal(err)
	}
	e.shop = model.Shop{ID: ident.New("shop", tue0900), Name: "Shop", Market: "US", TimeZone: "America/Los_Angeles", CreatedAt: tue0900.UTC()}
	if err := st.CreateShop(ctx, e.shop); err != nil {
		t.Fatalf("create shop: %v", err)
	}
	e.scope = model.Scope{KeyID: "key_test", ShopIDs: []string{e.shop.ID}}
	return e
}

var ontario = model.Address{Name: "Shenzhen Seller Ltd", Line1: "1 Commerce Way", City: "Ontario", Region: "CA",
	PostalCode: "91761", Country: "US", Phone: "+19095550100"}

var returnsDesk = model.Address{Name: "Returns desk", Line1: "9 Return Rd", City: "Ontario", Region: "CA",
	PostalCode: "91761", Country: "US", Phone: "+19095550199"}

// warehouse creates a warehouse in Ontario, California, with a local return address and qty
// units of each sku.
func (e *env) warehouse(t testing.TB, code string, qty int64, skus ...string) model.Warehouse {
	t.Helper()
	return e.warehouseAt(t, code, model.WarehouseOverseas, ontario, returnsDesk, qty, skus...)
}

func (e *env) warehouseAt(t testing.TB, code string, typ model.WarehouseType, addr, ret model.Address, qty int64, skus ...string) model.Warehouse {
	t.Helper()
	ctx := context.Background()
	tz := "America/Los_Angeles"
	if addr.Country == "CN" {
		tz = "Asia/Shanghai"
	}
	w, err := e.inv.CreateWarehouse(ctx, e.scope, model.Warehouse{
		Code: code, Name: "Warehouse " + code, Type: typ, Address: addr, ReturnAddress: ret,
		TimeZone: tz, CutOff: "15:00", WorkingDays: []string{"mon", "tue", "wed", "thu", "fri"},
		Transit: []model.TransitRule{{Country: "US", Service: "ground", MinDays: 1, MaxDays: 4}},
	})
	if err != nil {
		t.Fatalf("create warehouse %s: %v", code, err)
	}
	for _, sku := range skus {
		if _, err := e.inv.SetStock(ctx, e.scope, w.ID, sku, inventory.Target{OnHand: &qty, Reason: "test stock"}); err != nil {
			t.Fatalf("stock %s in %s: %v", sku, code, err)
		}
	}
	return w
}

func line(sku string, q int64, price int64) model.Line {
	return model.Line{SKU: sku, Name: "Item " + sku, Quantity: q, UnitPrice: model.Money{Amount: price, Currency: "USD"},
		WeightG: 400, LengthMM: 250, WidthMM: 200, HeightMM: 40, DeclaredName: "Cotton T-shirt"}
}

// usOrder is a paid US order to California in status st.
func (e *env) usOrder(ext string, st model.Status, lines ...model.Line) model.Order {
	p := tue0900.Add(-72 * time.Hour).UTC()
	return model.Order{
		ExternalID: ext, Market: "US", Currency: "USD", Status: st,
		CreatedAt: p.Add(-10 * time.Minute), PaidAt: &p, UpdatedAt: p,
		Buyer: model.Buyer{Name: "Jane Doe", Email: "jane@example.com", Phone: "+12065550100"},
		ShippingAddress: model.Address{Name: "Jane Doe", Line1: "1600 Amphitheatre Pkwy", City: "Mountain View",
			Region: "CA", PostalCode: "94043", Country: "US", Phone: "+16505550100"},
		Lines: lines,
	}
}

// put stores o as it is.
func (e *env) put(t testing.TB, o model.Order) model.Order {
	t.Helper()
	res, err := e.orders.Upsert(context.Background(), e.scope, []model.Order{o}, order.CauseAPI)
	if err != nil || res[0].Err != nil {
		t.Fatalf("upsert %s: %v %v", o.ExternalID, err, res[0].Err)
	}
	return res[0].Order
}

// delivered stores a new order of lines, in transit, and then delivered at the clock's time.
func (e *env) delivered(t testing.TB, ext string, lines ...model.Line) model.Order {
	t.Helper()
	o := e.usOrder(ext, model.StatusInTransit, lines...)
	e.put(t, o)
	o.Status, o.UpdatedAt = model.StatusDelivered, o.UpdatedAt.Add(time.Hour)
	return e.put(t, o)
}

// shipped ships a new order of lines from the stocked warehouse, then marks it delivered at
// the clock's time: a real outbound shipment, from the real carrier sim.
func (e *env) shipped(t testing.TB, ext string, lines ...model.Line) (model.Order, model.Shipment) {
	t.Helper()
	ctx := context.Background()
	o := e.put(t, e.usOrder(ext, model.StatusAwaitingShipment, lines...))
	if _, err := e.orders.Confirm(ctx, e.scope, o.ID, order.CauseAPI); err != nil {
		t.Fatal(err)
	}
	res, err := e.ship.Ship(ctx, e.scope, o.ID, shipping.Options{})
	if err != nil {
		t.Fatalf("ship %s: %v", ext, err)
	}
	o, err = e.orders.Get(ctx, e.scope, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []model.Status{model.StatusInTransit, model.StatusDelivered} {
		o.Status, o.UpdatedAt = st, o.UpdatedAt.Add(time.Hour)
		o = e.put(t, o)
	}
	return o, res.Shipments[0]
}

// create makes an API return of o.
func (e *env) create(t testing.TB, o model.Order, reason string, lines ...returns.LineRequest) model.Return {
	t.Helper()
	r, created, err := e.ret.Create(context.Background(), e.scope, returns.CreateRequest{OrderID: o.ID, Lines: lines, Reason: reason})
	if err != nil || !created {
		t.Fatalf("create a return of %s: %v (created %v)", o.ExternalID, err, created)
	}
	return r
}

// runJob runs the first waiting job of kind once and returns its error.
func (e *env) runJob(t testing.TB, kind string) error {
	t.Helper()
	for _, h := range e.ret.Jobs() {
		if h.Kind != kind {
			continue
		}
		for _, j := range storetest.ListJobs(t, e.st) {
			if j.Kind == kind {
				return h.Run(context.Background(), json.RawMessage(j.EncodedArgs))
			}
		}
	}
	t.Fatalf("no %s job", kind)
	return nil
}

// runJobs runs the waiting returns jobs of kinds (buy label, push) until none is left, as the
// job engine would; it returns how many ran.
func (e *env) runJobs(t testing.TB, kinds ...string) int {
	t.Helper()
	handlers := map[string]returns.JobHandler{}
	for _, h := range e.ret.Jobs() {
		handlers[h.Kind] = h
	}
	ran := 0
	seen := map[int64]bool{}
	for _, j := range storetest.ListJobs(t, e.st) {
		h, ok := handlers[j.Kind]
		if !ok || seen[j.ID] || (len(kinds) > 0 && !contains(kinds, j.Kind)) {
			continue
		}
		seen[j.ID] = true
		if err := h.Run(context.Background(), json.RawMessage(j.EncodedArgs)); err != nil {
			t.Fatalf("job %s %s: %v", j.Kind, j.EncodedArgs, err)
		}
		ran++
	}
	return ran
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// events returns the return.updated events enqueued for the return id, oldest first.
func (e *env) events(t testing.TB, id string) []returns.NotifyEvent {
	t.Helper()
	var out []returns.NotifyEvent
	for _, j := range storetest.ListJobs(t, e.st) {
		if j.Kind != returns.KindNotify {
			continue
		}
		var ev returns.NotifyEvent
		if err := json.Unmarshal(j.EncodedArgs, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.ID == id {
			out = append(out, ev)
		}
	}
	return out
}

// jobsOf returns the args of the jobs of kind, oldest first.
func (e *env) jobsOf(t testing.TB, kind string) []string {
	t.Helper()
	var out []string
	for _, j := range storetest.ListJobs(t, e.st) {
		if j.Kind == kind {
			out = append(out, string(j.EncodedArgs))
		}
	}
	return out
}
