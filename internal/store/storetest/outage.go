package storetest

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/store"
	"lastmile/internal/store/postgres"
)

// testUnavailable: a store closed under its callers answers as CheckOutage requires.
func testUnavailable(t *testing.T, s store.Store) { CheckOutage(t, s, func() { s.Close() }) }

// CheckOutage stores a shop with an order and a warehouse in s, calls cut to take the database
// away, then calls every method of s: each must fail with model.ErrUnavailable, never a bare
// driver error, so that the API can answer 503 and the client retry.
func CheckOutage(t *testing.T, s store.Store, cut func()) {
	t.Helper()
	sh := mustShop(t, s, "A")
	o := upsertOne(t, s, sample(sh.ID, "gone-1", t0, model.StatusAwaitingShipment), t0).Order
	mustWarehouse(t, s, sh.ID, "wh_gone", "GONE")
	cut()
	expectUnavailable(t, s, sh.ID, o.ID)
}

// expectUnavailable calls every method of s, whose database must be gone, and fails t for each
// error that is not model.ErrUnavailable. shopID and orderID name a shop and one of its orders
// that were stored before the outage.
func expectUnavailable(t *testing.T, s store.Store, shopID, orderID string) {
	t.Helper()
	ctx := context.Background()
	shops := []string{shopID}
	key := store.StockKey{WarehouseID: "wh_gone", SKU: "SKU-1"}
	noMoves := func(map[store.StockKey]model.Balance) ([]model.Movement, error) { return nil, nil }
	noStep := func(store.AllocationInput) (store.AllocationChange, error) { return store.AllocationChange{}, nil }
	claim := store.IdempotencyClaim{KeyID: "k", Key: "gone", RequestHash: "h", Now: t0, LeaseUntil: t0.Add(time.Minute), ExpiredBefore: t0.Add(-time.Hour)}
	calls := []struct {
		name string
		call func() error
	}{
		{"Ping", func() error { return s.Ping(ctx) }},
		{"CreateShop", func() error {
			return s.CreateShop(ctx, model.Shop{ID: "shop_gone", Name: "g", Market: "US", TimeZone: "UTC", CreatedAt: t0})
		}},
		{"GetShop", func() error { _, err := s.GetShop(ctx, shopID); return err }},
		{"CreateAPIKey", func() error {
			return s.CreateAPIKey(ctx, model.APIKey{ID: "key_gone", Name: "g", Hash: []byte("h"), ShopIDs: shops, CreatedAt: t0})
		}},
		{"GetAPIKey", func() error { _, err := s.GetAPIKey(ctx, "key_gone"); return err }},
		{"RevokeAPIKey", func() error { return s.RevokeAPIKey(ctx, "key_gone", t0) }},
		{"UpsertOrders", func() error {
			_, err := s.UpsertOrders(ctx, shopID, []model.Order{sample(shopID, "gone-2", t0, model.StatusAwaitingShipment)}, merger(t0))
			return err
		}},
		{"GetOrder", func() error { _, err := s.GetOrder(ctx, shops, orderID); return err }},
		{"UpdateOrder", func() error {
			_, err := s.UpdateOrder(ctx, shops, orderID, func(*model.Order) (bool, error) { return true, nil })
			return err
		}},
		{"ListOrders", func() error { _, err := s.ListOrders(ctx, store.OrderQuery{ShopIDs: shops, Limit: 10}); return err }},
		{"ClaimIdempotencyKey", func() error { _, err := s.ClaimIdempotencyKey(ctx, claim); return err }},
		{"CompleteIdempotencyKey", func() error {
			return s.CompleteIdempotencyKey(ctx, "k", "gone", store.IdempotentResponse{Status: 200, ContentType: "application/json"})
		}},
		{"ReleaseIdempotencyKey", func() error { return s.ReleaseIdempotencyKey(ctx, "k", "gone") }},
		{"DeleteIdempotencyKeysBefore", func() error { _, err := s.DeleteIdempotencyKeysBefore(ctx, t0); return err }},
		{"CreateWarehouse", func() error {
			return s.CreateWarehouse(ctx, warehouse(shopID, "wh_gone2", "GONE2"))
		}},
		{"UpdateWarehouse", func() error {
			_, err := s.UpdateWarehouse(ctx, shops, "wh_gone", func(*model.Warehouse) error { return nil })
			return err
		}},
		{"GetWarehouse", func() error { _, err := s.GetWarehouse(ctx, shops, "wh_gone"); return err }},
		{"ListWarehouses", func() error { _, err := s.ListWarehouses(ctx, shops); return err }},
		{"ChangeStock", func() error { _, err := s.ChangeStock(ctx, shopID, []store.StockKey{key}, noMoves); return err }},
		{"ChangeStockJobs", func() error {
			_, err := s.ChangeStockJobs(ctx, shopID, []store.StockKey{key}, noMoves, nil)
			return err
		}},
		{"ListStock", func() error { _, err := s.ListStock(ctx, store.StockQuery{ShopIDs: shops, Limit: 10}); return err }},
		{"ListMovements", func() error {
			_, err := s.ListMovements(ctx, store.MovementQuery{ShopIDs: shops, Limit: 10})
			return err
		}},
		{"ChangeAllocation", func() error { _, err := s.ChangeAllocation(ctx, shops, orderID, noStep); return err }},
		{"ChangeAllocations", func() error { _, err := s.ChangeAllocations(ctx, shops, []string{orderID}, noStep); return err }},
		{"GetAllocation", func() error { _, err := s.GetAllocation(ctx, shops, orderID); return err }},
		{"ListUnsettledAllocations", func() error {
			_, err := s.ListUnsettledAllocations(ctx, []model.Status{model.StatusCancelled}, 10)
			return err
		}},
		{"UpsertReturn", func() error {
			_, err := s.UpsertReturn(ctx, shopID, "gone-r", func(*model.Return) (store.ReturnChange, error) { return store.ReturnChange{}, nil })
			return err
		}},
		{"ChangeReturn", func() error {
			_, err := s.ChangeReturn(ctx, shops, "ret_gone", func(model.Return) (store.ReturnChange, error) { return store.ReturnChange{}, nil })
			return err
		}},
		{"GetReturn", func() error { _, err := s.GetReturn(ctx, shops, "ret_gone"); return err }},
		{"GetReturnByExternalID", func() error { _, err := s.GetReturnByExternalID(ctx, shopID, "gone-r"); return err }},
		{"ListReturns", func() error { _, err := s.ListReturns(ctx, store.ReturnQuery{ShopIDs: shops, Limit: 10}); return err }},
		{"CountBuyerReturns", func() error { _, err := s.CountBuyerReturns(ctx, shopID, "b", t0, t0.Add(time.Hour), ""); return err }},
		{"GetReturnLabelDocument", func() error {
			_, err := s.GetReturnLabelDocument(ctx, shops, "ret_gone", "rsh_gone", "pdf", 0)
			return err
		}},
		{"PutReturnLabelDocument", func() error {
			_, err := s.PutReturnLabelDocument(ctx, "ret_gone", model.LabelDocument{ShipmentID: "rsh_gone", Format: "pdf", ContentType: "application/pdf", CreatedAt: t0})
			return err
		}},
		{"GetReturnRules", func() error { _, err := s.GetReturnRules(ctx, shopID); return err }},
		{"PutReturnRules", func() error {
			return s.PutReturnRules(ctx, model.ReturnRules{ShopID: shopID, Default: model.DecideReturn, UpdatedAt: t0})
		}},
		{"ShippedUnits", func() error { _, err := s.ShippedUnits(ctx, shops, t0, t0.Add(time.Hour)); return err }},
		{"LabelledShipments", func() error { _, err := s.LabelledShipments(ctx, shops, t0, t0.Add(time.Hour)); return err }},
	}
	for _, c := range calls {
		if err := c.call(); !errors.Is(err, model.ErrUnavailable) {
			t.Errorf("%s with the database gone: %v; want model.ErrUnavailable", c.name, err)
		}
	}
}

// EachOutage runs fn as a parallel subtest per store, as Each does, with cut: a function that
// takes the database away under the store as an outage would. SQLite's handles are closed;
// PostgreSQL's connections run through a loopback proxy that cut shuts, so that the driver
// meets real network errors (open connections reset, new ones refused).
func EachOutage(t *testing.T, fn func(t *testing.T, s store.Store, cut func())) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		s := OpenSQLite(t)
		fn(t, s, func() { s.Close() })
	})
	if postgresConfigured() {
		t.Run("postgres", func(t *testing.T) {
			t.Parallel()
			s, cut := OpenPostgresCuttable(t)
			fn(t, s, cut)
		})
	}
}

// OpenPostgresCuttable is OpenPostgres with the store's connections through a loopback proxy;
// cut shuts the proxy: every open connection is closed and new ones are refused.
func OpenPostgresCuttable(t testing.TB) (*postgres.Store, func()) {
	t.Helper()
	ctx := context.Background()
	schemaURL, drop, err := postgres.NewSchema(ctx, PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	u, err := url.Parse(schemaURL)
	if err != nil {
		t.Fatal(err)
	}
	target := u.Host
	if !strings.Contains(target, ":") {
		target += ":5432"
	}
	p, err := newProxy(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.cut)
	u.Host = p.ln.Addr().String()
	s, err := postgres.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx, discardLog); err != nil {
		t.Fatal(err)
	}
	return s, p.cut
}

// proxy forwards TCP connections to target until cut.
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
	done   bool
}

func newProxy(target string) (*proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &proxy{ln: ln, target: target}
	go p.serve()
	return p, nil
}

func (p *proxy) serve() {
	for {
		in, err := p.ln.Accept()
		if err != nil {
			return // cut
		}
		out, err := net.Dial("tcp", p.target)
		if err != nil {
			in.Close()
			continue
		}
		p.mu.Lock()
		if p.done {
			p.mu.Unlock()
			in.Close()
			out.Close()
			return
		}
		p.conns = append(p.conns, in, out)
		p.mu.Unlock()
		go func() { io.Copy(out, in); out.Close() }()
		go func() { io.Copy(in, out); in.Close() }()
	}
}

// cut closes the listener and every connection; it may be called more than once.
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return
	}
	p.done = true
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
}
