package shipping_test

import (
	"context"
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
	"lastmile/internal/settings"
	"lastmile/internal/shipping"
	"lastmile/internal/store"
)

var la = mustZone("America/Los_Angeles")

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// tue0900 is the default clock: Tuesday 24 November 2026, 09:00 in Los Angeles, a working day
// before the warehouses' 15:00 cut-off.
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

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is one shop in a store with the order, inventory and shipping services over it, shipping
// against an in-process simulated carrier network.
type env struct {
	st     store.Store
	orders *order.Service
	inv    *inventory.Service
	ship   *shipping.Service
	net    *sim.Network
	clock  *clock
	shop   model.Shop
	scope  model.Scope
	modes  *modes
	// settings is the shops' settings when envOptions.figures asks for them.
	settings *settings.Service
}

// modes is a ModeSource over a list of switches per shop (R-MODE-3).
type modes struct {
	mu      sync.Mutex
	changes map[string][]model.ModeChange
}

func (m *modes) ModeAt(_ context.Context, shopID string, at time.Time) (model.ShippingMode, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	mode := model.ModeSeller
	for _, c := range m.changes[shopID] {
		if !at.Before(c.At) {
			mode = c.Mode
		}
	}
	return mode, nil
}

func (m *modes) set(shopID string, mode model.ShippingMode, at time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.changes[shopID] = append(m.changes[shopID], model.ModeChange{Mode: mode, At: at})
}

type envOptions struct {
	sim      sim.Options
	platform shipping.LabelSource
	config   shipping.Config
	// figures: shipping reads the shop's own figures (its carriers setting) from a settings
	// service over the store, as the app wires it.
	figures bool
}

// newEnv creates a shop in st and the services over it, with a perfect simulated network
// unless opt says otherwise.
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
	if opt.sim.Now == nil {
		opt.sim.Now = c.Now // the sim prices and stamps on lastmile's clock
	}
	net, err := sim.Start(ctx, opt.sim)
	if err != nil {
		t.Fatalf("start the carrier sim: %v", err)
	}
	t.Cleanup(func() { net.Close() })
	carriers, err := net.Carriers(5 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	set, err := carrier.NewSet(carriers...)
	if err != nil {
		t.Fatal(err)
	}
	cards, err := rating.DefaultCards()
	if err != nil {
		t.Fatal(err)
	}
	e := &env{st: st, net: net, clock: c, modes: &modes{changes: map[string][]model.ModeChange{}}}
	var figures config.Figures
	if opt.figures {
		e.settings = settings.NewService(st, config.Config{}.WithDefaults(), c.Now)
		figures = e.settings
	}
	e.orders = order.NewService(st, markets, c.Now, log)
	e.inv = inventory.NewService(st, markets, c.Now, log, inventory.Options{})
	e.ship, err = shipping.NewService(shipping.Deps{
		Store: st, Shipping: st, Inventory: e.inv, Cards: func() *rating.Cards { return cards },
		Carriers: set, Markets: markets, Figures: figures, Modes: e.modes, Platform: opt.platform, Config: opt.config, Now: c.Now, Log: log,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.shop = model.Shop{ID: ident.New("shop", tue0900), Name: "Shop", Market: "US", TimeZone: "America/Los_Angeles", CreatedAt: tue0900.UTC()}
	if err := st.CreateShop(ctx, e.shop); err != nil {
		t.Fatalf("create shop: %v", err)
	}
	e.scope = model.Scope{KeyID: "key_" + e.shop.ID, ShopIDs: []string{e.shop.ID}}
	return e
}

// warehouse creates a warehouse in Ontario, California, with qty units of each sku.
func (e *env) warehouse(t testing.TB, code string, qty int64, skus ...string) model.Warehouse {
	t.Helper()
	ctx := context.Background()
	w, err := e.inv.CreateWarehouse(ctx, e.scope, model.Warehouse{
		Code: code, Name: "Warehouse " + code, Type: model.WarehouseOverseas,
		Address: model.Address{Name: "Shenzhen Seller Ltd", Line1: "1 Commerce Way", City: "Ontario", Region: "CA",
			PostalCode: "91761", Country: "US", Phone: "+19095550100"},
		TimeZone: "America/Los_Angeles", CutOff: "15:00", WorkingDays: []string{"mon", "tue", "wed", "thu", "fri"},
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

func line(sku string, q int64) model.Line {
	return model.Line{SKU: sku, Name: "T-shirt " + sku, Quantity: q, UnitPrice: model.Money{Amount: 1299, Currency: "USD"},
		WeightG: 180, LengthMM: 250, WidthMM: 200, HeightMM: 20, DeclaredName: "Cotton T-shirt"}
}

// usOrder is a paid AWAITING_SHIPMENT US order to California, paid an hour before the clock.
func (e *env) usOrder(ext string, lines ...model.Line) model.Order {
	p := e.clock.Now().Add(-time.Hour).UTC()
	return model.Order{
		ExternalID: ext, Market: "US", Currency: "USD", Status: model.StatusAwaitingShipment,
		CreatedAt: p.Add(-10 * time.Minute), PaidAt: &p, UpdatedAt: p,
		Buyer: model.Buyer{Name: "Jane Doe", Email: "jane@example.com", Phone: "+12065550100"},
		ShippingAddress: model.Address{Name: "Jane Doe", Line1: "1600 Amphitheatre Pkwy", City: "Mountain View",
			Region: "CA", PostalCode: "94043", Country: "US", Phone: "+16505550100"},
		Lines: lines,
	}
}

// put stores orders and returns them as stored; confirm confirms them too (R-ORD-3).
func (e *env) put(t testing.TB, confirm bool, orders ...model.Order) []model.Order {
	t.Helper()
	ctx := context.Background()
	res, err := e.orders.Upsert(ctx, e.scope, orders, order.CauseAPI)
	if err != nil {
		t.Fatalf("upsert: %v", err)
	}
	out := make([]model.Order, len(res))
	for i, r := range res {
		if r.Err != nil {
			t.Fatalf("order %d: %v", i, r.Err)
		}
		out[i] = r.Order
		if confirm {
			if out[i], err = e.orders.Confirm(ctx, e.scope, r.Order.ID, order.CauseAPI); err != nil {
				t.Fatalf("confirm %s: %v", r.Order.ID, err)
			}
		}
	}
	return out
}

// labels returns the sim's count of labels sold and of repeat purchases, over every carrier.
func (e *env) labels() (labels, repeats int) {
	for _, c := range e.net.Stats().Carriers {
		labels += int(c.Labels)
		repeats += int(c.RepeatPurchases)
	}
	return labels, repeats
}
