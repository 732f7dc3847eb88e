package storetest

// The conformance tests of store.Stock: warehouses, the stock ledger and allocations. The ledger
// tests keep a model of their own with model.Balance.Apply and hold every driver to it.

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

const actor = "storetest"

// warehouse returns a warehouse of shopID with every field set, its times at microsecond
// precision (what both databases keep).
func warehouse(shopID, id, code string) model.Warehouse {
	at := t0.Add(1234567 * time.Microsecond)
	addr := model.Address{Name: "洛杉矶一号仓", Company: "Acme Logistics", Line1: "1 Warehouse Way", Line2: "Dock 4",
		City: "Ontario", Region: "CA", PostalCode: "91761", Country: "US", Phone: "+19095550100", Email: "lax1@example.com"}
	returns := addr
	returns.Line2 = "Returns desk"
	return model.Warehouse{
		ID: id, ShopID: shopID, Code: code, Name: "Los Angeles " + code, Type: model.WarehouseOverseas, Market: "US",
		Address: addr, TimeZone: "America/Los_Angeles", CutOff: "14:30",
		WorkingDays: []string{"mon", "tue", "wed", "thu", "fri", "sat"},
		ShipFrom:    addr, ReturnAddress: returns,
		Services: []model.CarrierService{{Carrier: "usps", Service: "ground_advantage"}, {Carrier: "ups", Service: "ground"}},
		Transit: []model.TransitRule{
			{Country: "US", Service: "ground", MinDays: 3, MaxDays: 6},
			{Country: "US", Region: "CA", Service: "ground", MinDays: 1, MaxDays: 2},
			{Country: "US", PostalFrom: "900", PostalTo: "961", Service: "ground_advantage", MinDays: 1, MaxDays: 1},
		},
		CreatedAt: at, UpdatedAt: at,
	}
}

func mustWarehouse(t *testing.T, s store.Store, shopID, id, code string) model.Warehouse {
	t.Helper()
	w := warehouse(shopID, id, code)
	if err := s.CreateWarehouse(context.Background(), w); err != nil {
		t.Fatalf("create warehouse %s: %v", id, err)
	}
	return w
}

// movement returns a well-formed movement: with a reason where one is owed, and an order for a
// reserve, release or ship.
func movement(kind model.MovementKind, wh, sku string, q int64, at time.Time) model.Movement {
	m := model.Movement{Kind: kind, WarehouseID: wh, SKU: sku, Quantity: q, Actor: actor, At: at}
	switch kind {
	case model.MoveAdjust, model.MoveWriteOff:
		m.Reason = "cycle count"
	case model.MoveReserve, model.MoveRelease, model.MoveShip:
		m.OrderID = "ord_test"
	}
	return m
}

func keyOf(m model.Movement) store.StockKey {
	return store.StockKey{WarehouseID: m.WarehouseID, SKU: m.SKU}
}

// keysOf returns the keys moves touch, in first-seen order.
func keysOf(moves []model.Movement) []store.StockKey {
	var keys []store.StockKey
	for _, m := range moves {
		if k := keyOf(m); !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	return keys
}

// changeStock asks ChangeStock for keys and returns moves from its callback.
func changeStock(s store.Store, shopID string, keys []store.StockKey, moves ...model.Movement) ([]store.StockLevel, error) {
	return s.ChangeStock(context.Background(), shopID, keys, func(map[store.StockKey]model.Balance) ([]model.Movement, error) {
		return moves, nil
	})
}

// mustMove appends moves in shopID and fails the test if the store refuses them.
func mustMove(t *testing.T, s store.Store, shopID string, moves ...model.Movement) []store.StockLevel {
	t.Helper()
	levels, err := changeStock(s, shopID, keysOf(moves), moves...)
	if err != nil {
		t.Fatalf("change stock: %v", err)
	}
	return levels
}

// allMovements pages through the ledger entries q selects and checks that seq strictly
// increases. (testListMovements pages in small steps.)
func allMovements(t *testing.T, s store.Store, q store.MovementQuery) []store.MovementRecord {
	t.Helper()
	q.Limit = 100
	var out []store.MovementRecord
	for {
		page, err := s.ListMovements(context.Background(), q)
		if err != nil {
			t.Fatalf("list movements: %v", err)
		}
		if len(page) > q.Limit {
			t.Fatalf("list movements returned %d entries, limit %d", len(page), q.Limit)
		}
		for _, r := range page {
			if r.Seq <= q.AfterSeq {
				t.Fatalf("movement seq %d after seq %d: the ledger is out of order", r.Seq, q.AfterSeq)
			}
			q.AfterSeq = r.Seq
		}
		out = append(out, page...)
		if len(page) < q.Limit {
			return out
		}
	}
}

// allStock pages through the stock levels q selects with After. (testListStock pages in small
// steps.)
func allStock(t *testing.T, s store.Store, q store.StockQuery) []store.StockLevel {
	t.Helper()
	q.Limit = 100
	var out []store.StockLevel
	for {
		page, err := s.ListStock(context.Background(), q)
		if err != nil {
			t.Fatalf("list stock: %v", err)
		}
		if len(page) > q.Limit {
			t.Fatalf("list stock returned %d levels, limit %d", len(page), q.Limit)
		}
		out = append(out, page...)
		if len(page) < q.Limit {
			return out
		}
		last := page[len(page)-1]
		q.After = &store.StockKey{WarehouseID: last.WarehouseID, SKU: last.SKU}
	}
}

// checkLedger proves, for shopIDs, that every ledger entry's After is the Replay of its key's
// ledger up to it, and that the stored balances are exactly the Replay of each key's ledger: no
// balance without a ledger, no ledger without a balance. It returns the ledger and the levels.
func checkLedger(t *testing.T, s store.Store, shopIDs []string) ([]store.MovementRecord, []store.StockLevel) {
	t.Helper()
	recs := allMovements(t, s, store.MovementQuery{ShopIDs: shopIDs})
	ledgers := map[store.StockKey][]model.Movement{}
	for _, r := range recs {
		if !slices.Contains(shopIDs, r.ShopID) {
			t.Fatalf("movement %d of shop %s listed for shops %v", r.Seq, r.ShopID, shopIDs)
		}
		k := keyOf(r.Movement)
		ledgers[k] = append(ledgers[k], r.Movement)
		if want := model.Replay(ledgers[k]); r.After != want {
			t.Fatalf("movement %d (%s %d of %s in %s) left %+v; the replay of its ledger is %+v",
				r.Seq, r.Kind, r.Quantity, r.SKU, r.WarehouseID, r.After, want)
		}
	}
	levels := allStock(t, s, store.StockQuery{ShopIDs: shopIDs})
	for _, l := range levels {
		k := store.StockKey{WarehouseID: l.WarehouseID, SKU: l.SKU}
		ledger, ok := ledgers[k]
		if !ok {
			t.Fatalf("stock of %s in %s (%+v) has no ledger", l.SKU, l.WarehouseID, l.Balance)
		}
		if want := model.Replay(ledger); l.Balance != want || l.LowStock != want.Low() {
			t.Fatalf("stock of %s in %s is %+v (low %v); the replay of its %d movements is %+v",
				l.SKU, l.WarehouseID, l.Balance, l.LowStock, len(ledger), want)
		}
		delete(ledgers, k)
	}
	for k, ledger := range ledgers {
		t.Fatalf("%s in %s has %d movements but no stock level", k.SKU, k.WarehouseID, len(ledger))
	}
	return recs, levels
}

// sameErrorKind reports whether got is refused for the same reason as want: ErrConflict (the
// stock does not allow it) or ErrInvalid (the movement is malformed).
func sameErrorKind(got, want error) bool {
	return got != nil && errors.Is(got, model.ErrConflict) == errors.Is(want, model.ErrConflict) &&
		errors.Is(got, model.ErrInvalid) == errors.Is(want, model.ErrInvalid)
}

func testWarehouses(t *testing.T, s store.Store) {
	ctx := context.Background()
	a, b := mustShop(t, s, "A"), mustShop(t, s, "B")
	// Codes out of id order, so that (shop, code) order is not id order.
	a1 := mustWarehouse(t, s, a.ID, "wh_a1", "NJ1")
	a2 := mustWarehouse(t, s, a.ID, "wh_a2", "LAX1")
	a3 := mustWarehouse(t, s, a.ID, "wh_a3", "DAL1")
	b1 := mustWarehouse(t, s, b.ID, "wh_b1", "LAX1") // the same code in another shop is fine

	wantErr(t, s.CreateWarehouse(ctx, warehouse(a.ID, "wh_a4", "LAX1")), model.ErrConflict, "duplicate code in one shop")
	wantErr(t, s.CreateWarehouse(ctx, warehouse(b.ID, "wh_a1", "NEW1")), model.ErrConflict, "duplicate id")
	wantErr(t, s.CreateWarehouse(ctx, warehouse("shop_missing", "wh_x", "X1")), model.ErrNotFound, "warehouse of a missing shop")
	for _, id := range []string{"wh_a4", "wh_x"} {
		_, err := s.GetWarehouse(ctx, []string{a.ID, b.ID, "shop_missing"}, id)
		wantErr(t, err, model.ErrNotFound, "refused warehouse "+id)
	}

	for _, w := range []model.Warehouse{a1, a2, a3, b1} {
		got, err := s.GetWarehouse(ctx, []string{w.ShopID}, w.ID)
		if err != nil || !reflect.DeepEqual(got, w) {
			t.Fatalf("get warehouse %s = %+v, %v;\nwant %+v", w.ID, got, err, w)
		}
	}
	_, err := s.GetWarehouse(ctx, []string{b.ID}, a1.ID)
	wantErr(t, err, model.ErrNotFound, "shop B reads shop A's warehouse")
	_, err = s.GetWarehouse(ctx, nil, a1.ID)
	wantErr(t, err, model.ErrNotFound, "empty scope reads a warehouse")

	byShopCode := func(ws ...model.Warehouse) []model.Warehouse {
		return slices.SortedFunc(slices.Values(ws), func(x, y model.Warehouse) int {
			if c := strings.Compare(x.ShopID, y.ShopID); c != 0 {
				return c
			}
			return strings.Compare(x.Code, y.Code)
		})
	}
	for _, tc := range []struct {
		shops []string
		want  []model.Warehouse
	}{
		{[]string{a.ID}, []model.Warehouse{a3, a2, a1}},
		{[]string{b.ID}, []model.Warehouse{b1}},
		{[]string{b.ID, a.ID}, byShopCode(a1, a2, a3, b1)},
		{nil, nil},
	} {
		got, err := s.ListWarehouses(ctx, tc.shops)
		if err != nil || len(got) != len(tc.want) || (len(got) > 0 && !reflect.DeepEqual(got, tc.want)) {
			t.Fatalf("list warehouses of %v = %+v, %v;\nwant %+v", tc.shops, got, err, tc.want)
		}
	}

	// An update stores what fn made and returns it; the creation time stays.
	later := t0.Add(time.Hour + 654321*time.Microsecond)
	updated, err := s.UpdateWarehouse(ctx, []string{a.ID}, a1.ID, func(w *model.Warehouse) error {
		w.Code, w.Name, w.CutOff, w.UpdatedAt = "NJ2", "Newark 2", "16:00", later
		w.WorkingDays = []string{"mon", "wed", "fri"}
		w.Transit = append(w.Transit, model.TransitRule{Country: "CA", Region: "ON", MinDays: 4, MaxDays: 8})
		w.Address.Line2 = "Dock 9"
		return nil
	})
	if err != nil {
		t.Fatalf("update warehouse: %v", err)
	}
	want := a1
	want.Code, want.Name, want.CutOff, want.UpdatedAt = "NJ2", "Newark 2", "16:00", later
	want.WorkingDays = []string{"mon", "wed", "fri"}
	want.Transit = append(slices.Clone(a1.Transit), model.TransitRule{Country: "CA", Region: "ON", MinDays: 4, MaxDays: 8})
	want.Address.Line2 = "Dock 9"
	if !reflect.DeepEqual(updated, want) {
		t.Fatalf("update returned %+v;\nwant %+v", updated, want)
	}
	if got, err := s.GetWarehouse(ctx, []string{a.ID}, a1.ID); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("updated warehouse reads back as %+v, %v;\nwant %+v", got, err, want)
	}
	a1 = want

	unchanged := func(what string) {
		t.Helper()
		for _, w := range []model.Warehouse{a1, b1} {
			if got, err := s.GetWarehouse(ctx, []string{w.ShopID}, w.ID); err != nil || !reflect.DeepEqual(got, w) {
				t.Fatalf("%s changed warehouse %s: %+v, %v", what, w.ID, got, err)
			}
		}
		got, err := s.ListWarehouses(ctx, []string{a.ID, b.ID})
		if err != nil || !reflect.DeepEqual(got, byShopCode(a1, a2, a3, b1)) {
			t.Fatalf("%s changed the warehouse list: %+v, %v", what, got, err)
		}
	}
	_, err = s.UpdateWarehouse(ctx, []string{a.ID}, a1.ID, func(w *model.Warehouse) error { w.Code = "LAX1"; return nil })
	wantErr(t, err, model.ErrConflict, "update to a code taken in the shop")
	unchanged("an update to a taken code")

	called := false
	_, err = s.UpdateWarehouse(ctx, []string{b.ID}, a1.ID, func(w *model.Warehouse) error { called = true; return nil })
	wantErr(t, err, model.ErrNotFound, "shop B updates shop A's warehouse")
	_, err = s.UpdateWarehouse(ctx, []string{a.ID}, "wh_missing", func(w *model.Warehouse) error { called = true; return nil })
	wantErr(t, err, model.ErrNotFound, "update a missing warehouse")
	if called {
		t.Fatal("update callback ran on a warehouse outside the scope")
	}

	errStop := errors.New("stop")
	_, err = s.UpdateWarehouse(ctx, []string{a.ID}, a1.ID, func(w *model.Warehouse) error { w.Name = "x"; return errStop })
	wantErr(t, err, errStop, "update callback error")
	unchanged("a failed update")

	// fn may not change the id or the shop, not even to another shop in the scope.
	_, err = s.UpdateWarehouse(ctx, []string{a.ID}, a1.ID, func(w *model.Warehouse) error { w.ID = "wh_other"; return nil })
	wantErr(t, err, model.ErrInvalid, "update changing the id")
	_, err = s.UpdateWarehouse(ctx, []string{a.ID, b.ID}, a1.ID, func(w *model.Warehouse) error { w.ShopID = b.ID; return nil })
	wantErr(t, err, model.ErrInvalid, "update moving the warehouse to another shop of the scope")
	_, err = s.UpdateWarehouse(ctx, []string{a.ID}, a1.ID, func(w *model.Warehouse) error { w.ShopID = b.ID; return nil })
	wantErr(t, err, model.ErrInvalid, "update moving the warehouse out of the scope")
	unchanged("an update changing the id or shop")
	if _, err := s.GetWarehouse(ctx, []string{b.ID}, "wh_other"); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("an update changing the id stored a warehouse wh_other: %v", err)
	}
}

// shopLedger is the test's model of one shop's stock: what model.Balance.Apply says each accepted
// movement left.
type shopLedger struct {
	id      string
	whs     []string
	balance map[store.StockKey]model.Balance
	stamp   map[store.StockKey]time.Time
	moves   []model.Movement // accepted, in order
	lastSeq int64            // the last ledger entry seen
}

// level is the stock level the model expects for k.
func (m *shopLedger) level(k store.StockKey) store.StockLevel {
	return store.NewStockLevel(m.id, k, m.balance[k], m.stamp[k])
}

// levels are the levels the model expects ListStock to return, in (SKU, warehouse) order.
func (m *shopLedger) levels() []store.StockLevel {
	keys := slices.SortedFunc(maps.Keys(m.balance), func(x, y store.StockKey) int {
		if c := strings.Compare(x.SKU, y.SKU); c != 0 {
			return c
		}
		return strings.Compare(x.WarehouseID, y.WarehouseID)
	})
	var out []store.StockLevel
	for _, k := range keys {
		out = append(out, m.level(k))
	}
	return out
}

// randomMovement draws a movement of any kind; some are malformed and many are refused by
// the balance they meet.
func randomMovement(r *rand.Rand, whs, skus []string, at time.Time) model.Movement {
	kinds := []model.MovementKind{
		model.MoveReceive, model.MoveReceive, model.MoveReceive, model.MoveAdjust, model.MoveAdjust,
		model.MoveWriteOff, model.MoveReturnRestock, model.MoveSetSafetyStock, model.MoveReserve,
		model.MoveReserve, model.MoveReserve, model.MoveRelease, model.MoveRelease, model.MoveShip,
		model.MoveShip,
	}
	kind := kinds[r.IntN(len(kinds))]
	q := 1 + r.Int64N(12)
	switch kind {
	case model.MoveReceive:
		q = 1 + r.Int64N(20)
	case model.MoveReserve, model.MoveRelease, model.MoveShip:
		q = 1 + r.Int64N(5)
	case model.MoveAdjust:
		q = r.Int64N(25) - 12 // ± and, rarely, 0: malformed
	case model.MoveSetSafetyStock:
		q = r.Int64N(6)
	}
	m := movement(kind, whs[r.IntN(len(whs))], skus[r.IntN(len(skus))], q, at)
	if m.OrderID != "" {
		m.OrderID = fmt.Sprintf("ord_%d", r.IntN(5))
	}
	if r.IntN(30) == 0 {
		switch r.IntN(3) {
		case 0:
			m.Actor = ""
		case 1:
			m.Kind = "teleport"
		case 2:
			m.Quantity = -m.Quantity
		}
	}
	return m
}

// testStockLedgerProperty runs a seeded random sequence of ChangeStock calls over two shops and
// holds the store to a model kept with model.Balance.Apply after every call, then proves that the
// stored balances are the replay of the stored ledger.
func testStockLedgerProperty(t *testing.T, s store.Store) {
	ctx := context.Background()
	const seed, ops = 20261120, 300
	r := rand.New(rand.NewPCG(seed, 1))
	skus := []string{"SKU-A", "SKU-B", "SKU-C", "SKU-D"}
	a, b := mustShop(t, s, "A"), mustShop(t, s, "B")
	shops := []*shopLedger{
		{id: a.ID, whs: []string{"wh_a1", "wh_a2", "wh_a3"}},
		{id: b.ID, whs: []string{"wh_b1", "wh_b2", "wh_b3"}},
	}
	for _, sm := range shops {
		sm.balance, sm.stamp = map[store.StockKey]model.Balance{}, map[store.StockKey]time.Time{}
		for i, wh := range sm.whs {
			mustWarehouse(t, s, sm.id, wh, fmt.Sprintf("W%d", i))
		}
	}

	accepted := map[model.MovementKind]int{}
	refusedConflict, refusedInvalid, multi := 0, 0, 0
	for i := range ops {
		sm := shops[0]
		if r.IntN(4) == 0 {
			sm = shops[1]
		}
		at := t0.Add(time.Duration(i)*time.Second + time.Duration(r.IntN(1_000_000))*time.Microsecond)
		moves := []model.Movement{randomMovement(r, sm.whs, skus, at)}
		if r.IntN(6) == 0 {
			for range 1 + r.IntN(2) {
				moves = append(moves, randomMovement(r, sm.whs, skus, at))
			}
			multi++
		}
		// Ask for the keys moved and a few more, in any order.
		keys := keysOf(moves)
		for range r.IntN(3) {
			k := store.StockKey{WarehouseID: sm.whs[r.IntN(len(sm.whs))], SKU: skus[r.IntN(len(skus))]}
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
		r.Shuffle(len(keys), func(x, y int) { keys[x], keys[y] = keys[y], keys[x] })

		// What the model says.
		next, nextStamp := maps.Clone(sm.balance), maps.Clone(sm.stamp)
		var refusal error
		for _, m := range moves {
			k := keyOf(m)
			nb, err := next[k].Apply(m)
			if err != nil {
				refusal = err
				break
			}
			next[k] = nb
			if m.At.After(nextStamp[k]) {
				nextStamp[k] = m.At
			}
		}

		before := sm.balance // the model replaces, never changes, its maps
		var badInput string
		levels, err := s.ChangeStock(ctx, sm.id, keys, func(got map[store.StockKey]model.Balance) ([]model.Movement, error) {
			want := map[store.StockKey]model.Balance{}
			for _, k := range keys {
				want[k] = sm.balance[k]
			}
			if !maps.Equal(got, want) {
				badInput = fmt.Sprintf("fn got balances %+v, want %+v", got, want)
			}
			return moves, nil
		})
		what := fmt.Sprintf("seed %d op %d: %d movement(s) %+v", seed, i, len(moves), moves)
		if badInput != "" {
			t.Fatalf("%s: %s", what, badInput)
		}
		if refusal != nil {
			if !sameErrorKind(err, refusal) {
				t.Fatalf("%s: got error %v; Apply refuses it with %v", what, err, refusal)
			}
			if errors.Is(refusal, model.ErrConflict) {
				refusedConflict++
			} else {
				refusedInvalid++
			}
		} else {
			if err != nil {
				t.Fatalf("%s: %v; Apply accepts it", what, err)
			}
			sm.balance, sm.stamp = next, nextStamp
			sm.moves = append(sm.moves, moves...)
			for _, m := range moves {
				accepted[m.Kind]++
			}
			want := make([]store.StockLevel, len(keys))
			for j, k := range keys {
				want[j] = sm.level(k)
			}
			if !reflect.DeepEqual(levels, want) {
				t.Fatalf("%s: ChangeStock returned levels\n%+v\nwant\n%+v", what, levels, want)
			}
		}

		// Exactly the accepted movements were appended, each leaving the balance the model says.
		recs := allMovements(t, s, store.MovementQuery{ShopIDs: []string{sm.id}, AfterSeq: sm.lastSeq})
		var appended []model.Movement
		if refusal == nil {
			appended = moves
		}
		if len(recs) != len(appended) {
			t.Fatalf("%s: %d ledger entries appended, want %d: %+v", what, len(recs), len(appended), recs)
		}
		running := map[store.StockKey]model.Balance{}
		for j, rec := range recs {
			k := keyOf(appended[j])
			if _, ok := running[k]; !ok {
				running[k] = before[k]
			}
			running[k], _ = running[k].Apply(appended[j])
			if rec.ShopID != sm.id || !reflect.DeepEqual(rec.Movement, appended[j]) || rec.After != running[k] {
				t.Fatalf("%s: ledger entry %d = %+v;\nwant shop %s, %+v, after %+v", what, j, rec, sm.id, appended[j], running[k])
			}
			sm.lastSeq = rec.Seq
		}
		// Every balance of the shop is the model's: unchanged by a refused call, changed by an
		// accepted one exactly as Apply said, and no row without a ledger.
		if got, want := allStock(t, s, store.StockQuery{ShopIDs: []string{sm.id}}), sm.levels(); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: stock is\n%+v\nwant\n%+v", what, got, want)
		}
	}

	// The sequence must have exercised what it claims to.
	for _, k := range model.MovementKinds {
		if accepted[k] == 0 {
			t.Errorf("no %s movement was accepted: the sequence proves nothing about it", k)
		}
	}
	if refusedConflict < 20 || refusedInvalid < 5 || multi < 20 {
		t.Errorf("refused %d for stock and %d as malformed, %d multi-movement calls: too few", refusedConflict, refusedInvalid, multi)
	}

	// In the end: stored balance == model == Replay of the stored ledger, for every key.
	for _, sm := range shops {
		recs, levels := checkLedger(t, s, []string{sm.id})
		var stored []model.Movement
		for _, rec := range recs {
			stored = append(stored, rec.Movement)
		}
		if !reflect.DeepEqual(stored, sm.moves) {
			t.Fatalf("shop %s: the stored ledger (%d entries) is not the accepted movements (%d)", sm.id, len(stored), len(sm.moves))
		}
		if !reflect.DeepEqual(levels, sm.levels()) {
			t.Fatalf("shop %s: stock is\n%+v\nwant\n%+v", sm.id, levels, sm.levels())
		}
		for _, wh := range sm.whs {
			for _, sku := range skus {
				k := store.StockKey{WarehouseID: wh, SKU: sku}
				recs := allMovements(t, s, store.MovementQuery{ShopIDs: []string{sm.id}, WarehouseID: wh, SKU: sku})
				var ledger []model.Movement
				for _, rec := range recs {
					ledger = append(ledger, rec.Movement)
				}
				if got := model.Replay(ledger); got != sm.balance[k] {
					t.Fatalf("%s in %s: replay of its %d movements is %+v, the model %+v", sku, wh, len(ledger), got, sm.balance[k])
				}
			}
		}
	}
	checkLedger(t, s, []string{a.ID, b.ID})
}

// snapshot is everything the stock tables hold for shopIDs, to prove a refused call wrote nothing.
type snapshot struct {
	levels []store.StockLevel
	ledger []store.MovementRecord
}

func takeSnapshot(t *testing.T, s store.Store, shopIDs []string) snapshot {
	t.Helper()
	return snapshot{levels: allStock(t, s, store.StockQuery{ShopIDs: shopIDs}), ledger: allMovements(t, s, store.MovementQuery{ShopIDs: shopIDs})}
}

func (before snapshot) unchanged(t *testing.T, s store.Store, shopIDs []string, what string) {
	t.Helper()
	after := takeSnapshot(t, s, shopIDs)
	if !reflect.DeepEqual(after.levels, before.levels) {
		t.Fatalf("%s changed the stock:\n%+v\nwas\n%+v", what, after.levels, before.levels)
	}
	if !reflect.DeepEqual(after.ledger, before.ledger) {
		t.Fatalf("%s changed the ledger: %d entries, was %d", what, len(after.ledger), len(before.ledger))
	}
}

// testChangeStockRefusals: every way a ChangeStock call can fail writes nothing at all.
func testChangeStockRefusals(t *testing.T, s store.Store) {
	a, b := mustShop(t, s, "A"), mustShop(t, s, "B")
	both := []string{a.ID, b.ID}
	mustWarehouse(t, s, a.ID, "wh_a1", "A1")
	mustWarehouse(t, s, a.ID, "wh_a2", "A2")
	mustWarehouse(t, s, b.ID, "wh_b1", "B1")
	at := t0.Add(time.Minute)
	mustMove(t, s, a.ID, movement(model.MoveReceive, "wh_a1", "SKU-1", 10, at),
		movement(model.MoveReserve, "wh_a1", "SKU-1", 4, at))
	mustMove(t, s, b.ID, movement(model.MoveReceive, "wh_b1", "SKU-1", 3, at))
	before := takeSnapshot(t, s, both)

	later := t0.Add(time.Hour)
	rcv := func(wh, sku string) model.Movement { return movement(model.MoveReceive, wh, sku, 5, later) }
	for _, tc := range []struct {
		name   string
		shopID string
		keys   []store.StockKey // nil: the keys of moves
		moves  []model.Movement
		want   error // nil: any error
	}{
		{"last of several refused", a.ID, nil, []model.Movement{
			rcv("wh_a1", "SKU-1"), rcv("wh_a2", "SKU-2"), movement(model.MoveReserve, "wh_a1", "SKU-1", 5, later),
			movement(model.MoveReserve, "wh_a1", "SKU-1", 7, later), // 15 on hand − 9 reserved = 6 available: oversell
		}, model.ErrConflict},
		{"last of several malformed", a.ID, nil, []model.Movement{
			rcv("wh_a2", "SKU-9"), movement(model.MoveWriteOff, "wh_a1", "SKU-1", 1, time.Time{}),
		}, model.ErrInvalid},
		{"ship more than reserved", a.ID, nil, []model.Movement{movement(model.MoveShip, "wh_a1", "SKU-1", 5, later)}, model.ErrConflict},
		{"a key not asked for", a.ID, []store.StockKey{{WarehouseID: "wh_a1", SKU: "SKU-1"}},
			[]model.Movement{rcv("wh_a1", "SKU-1"), rcv("wh_a1", "SKU-2")}, nil},
		{"unknown warehouse", a.ID, nil, []model.Movement{rcv("wh_a1", "SKU-1"), rcv("wh_missing", "SKU-1")}, model.ErrNotFound},
		{"another shop's warehouse", a.ID, nil, []model.Movement{rcv("wh_a1", "SKU-1"), rcv("wh_b1", "SKU-1")}, model.ErrNotFound},
		{"only another shop's warehouse", b.ID, nil, []model.Movement{rcv("wh_a2", "SKU-3")}, model.ErrNotFound},
		{"a warehouse asked for but not moved", a.ID, []store.StockKey{{WarehouseID: "wh_b1", SKU: "SKU-1"}, {WarehouseID: "wh_a1", SKU: "SKU-1"}},
			[]model.Movement{rcv("wh_a1", "SKU-1")}, model.ErrNotFound},
		{"a shop that does not exist", "shop_missing", nil, []model.Movement{rcv("wh_a1", "SKU-1")}, model.ErrNotFound},
	} {
		keys := tc.keys
		if keys == nil {
			keys = keysOf(tc.moves)
		}
		_, err := changeStock(s, tc.shopID, keys, tc.moves...)
		if err == nil {
			t.Fatalf("%s: accepted", tc.name)
		}
		if tc.want != nil && !errors.Is(err, tc.want) {
			t.Fatalf("%s: got error %v, want %v", tc.name, err, tc.want)
		}
		before.unchanged(t, s, both, tc.name)
	}

	// An error from fn is returned as it is, and nothing is written.
	errStop := errors.New("stop")
	_, err := s.ChangeStock(context.Background(), a.ID, []store.StockKey{{WarehouseID: "wh_a1", SKU: "SKU-1"}},
		func(map[store.StockKey]model.Balance) ([]model.Movement, error) {
			return []model.Movement{rcv("wh_a1", "SKU-1")}, errStop
		})
	wantErr(t, err, errStop, "ChangeStock callback error")
	before.unchanged(t, s, both, "a ChangeStock callback error")
	checkLedger(t, s, both)
}

// testChangeStockLevels: ChangeStock returns the levels of the keys asked for, in their order,
// as written; a key never touched has a zero balance and no row.
func testChangeStockLevels(t *testing.T, s store.Store) {
	a := mustShop(t, s, "A")
	mustWarehouse(t, s, a.ID, "wh_a1", "A1")
	mustWarehouse(t, s, a.ID, "wh_a2", "A2")
	at1 := time.Date(2025, 3, 4, 5, 6, 7, 891011000, time.UTC) // long before the database's clock
	at2 := at1.Add(time.Hour)
	mustMove(t, s, a.ID, movement(model.MoveReceive, "wh_a1", "SKU-1", 10, at1))

	keys := []store.StockKey{
		{WarehouseID: "wh_a2", SKU: "SKU-2"}, // new: received, then held back as safety stock
		{WarehouseID: "wh_a2", SKU: "SKU-9"}, // never touched
		{WarehouseID: "wh_a1", SKU: "SKU-1"}, // existed: reserved
		{WarehouseID: "wh_a1", SKU: "SKU-3"}, // new: received
	}
	var seen map[store.StockKey]model.Balance
	levels, err := s.ChangeStock(context.Background(), a.ID, keys, func(b map[store.StockKey]model.Balance) ([]model.Movement, error) {
		seen = b
		return []model.Movement{
			movement(model.MoveReceive, "wh_a2", "SKU-2", 4, at2),
			movement(model.MoveReserve, "wh_a1", "SKU-1", 3, at2),
			movement(model.MoveSetSafetyStock, "wh_a2", "SKU-2", 4, at2.Add(time.Second)),
			movement(model.MoveReceive, "wh_a1", "SKU-3", 1, at2),
		}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	wantSeen := map[store.StockKey]model.Balance{keys[0]: {}, keys[1]: {}, keys[2]: model.NewBalance(10, 0, 0), keys[3]: {}}
	if !maps.Equal(seen, wantSeen) {
		t.Fatalf("fn got balances %+v, want %+v", seen, wantSeen)
	}
	want := []store.StockLevel{
		store.NewStockLevel(a.ID, keys[0], model.NewBalance(4, 0, 4), at2.Add(time.Second)),
		store.NewStockLevel(a.ID, keys[1], model.Balance{}, time.Time{}),
		store.NewStockLevel(a.ID, keys[2], model.NewBalance(10, 3, 0), at2),
		store.NewStockLevel(a.ID, keys[3], model.NewBalance(1, 0, 0), at2),
	}
	if !want[0].LowStock || !want[1].LowStock || want[2].LowStock || want[3].LowStock || want[2].Available != 7 {
		t.Fatalf("the test's own levels are wrong: %+v", want)
	}
	if !reflect.DeepEqual(levels, want) {
		t.Fatalf("ChangeStock returned\n%+v\nwant\n%+v", levels, want)
	}
	// As returned, so stored; the key never touched has no row.
	stored := allStock(t, s, store.StockQuery{ShopIDs: []string{a.ID}})
	wantStored := []store.StockLevel{want[2], want[0], want[3]}
	if !reflect.DeepEqual(stored, wantStored) {
		t.Fatalf("stock is\n%+v\nwant\n%+v", stored, wantStored)
	}

	// Asking without moving changes nothing, and leaves no row behind.
	levels, err = changeStock(s, a.ID, []store.StockKey{keys[1], keys[2], {WarehouseID: "wh_a1", SKU: "SKU-8"}})
	if err != nil {
		t.Fatal(err)
	}
	want = []store.StockLevel{want[1], want[2], store.NewStockLevel(a.ID, store.StockKey{WarehouseID: "wh_a1", SKU: "SKU-8"}, model.Balance{}, time.Time{})}
	if !reflect.DeepEqual(levels, want) {
		t.Fatalf("a read-only ChangeStock returned\n%+v\nwant\n%+v", levels, want)
	}
	if got := allStock(t, s, store.StockQuery{ShopIDs: []string{a.ID}}); !reflect.DeepEqual(got, wantStored) {
		t.Fatalf("a read-only ChangeStock changed the stock:\n%+v\nwant\n%+v", got, wantStored)
	}

	// A movement dated before the last change (a count entered late) does not move UpdatedAt back.
	late := mustMove(t, s, a.ID, movement(model.MoveAdjust, "wh_a1", "SKU-1", -1, at1.Add(-time.Hour)))
	if want := store.NewStockLevel(a.ID, keys[2], model.NewBalance(9, 3, 0), at2); !reflect.DeepEqual(late, []store.StockLevel{want}) {
		t.Fatalf("a backdated adjustment returned %+v, want %+v", late, want)
	}
	if got := allStock(t, s, store.StockQuery{ShopIDs: []string{a.ID}, SKU: "SKU-1"}); len(got) != 1 || !got[0].UpdatedAt.Equal(at2) {
		t.Fatalf("after a backdated adjustment the stock reads %+v, want updated at %v", got, at2)
	}
	checkLedger(t, s, []string{a.ID})
}

// stockFixture is two shops' stock for the listing tests: shop A has two warehouses and four
// balances, one low for its safety stock and one low for its reservations; shop B has the same
// SKU in a warehouse of its own.
func stockFixture(t *testing.T, s store.Store) (a, b model.Shop) {
	a, b = mustShop(t, s, "A"), mustShop(t, s, "B")
	mustWarehouse(t, s, a.ID, "wh_a1", "A1")
	mustWarehouse(t, s, a.ID, "wh_a2", "A2")
	mustWarehouse(t, s, b.ID, "wh_b1", "B1")
	at := func(min int) time.Time { return t0.Add(time.Duration(min)*time.Minute + 7*time.Microsecond) }
	mustMove(t, s, a.ID, movement(model.MoveReceive, "wh_a1", "SKU-1", 10, at(1)))
	mustMove(t, s, b.ID, movement(model.MoveReceive, "wh_b1", "SKU-1", 4, at(2)))
	mustMove(t, s, a.ID, movement(model.MoveReceive, "wh_a1", "SKU-2", 1, at(3)),
		movement(model.MoveSetSafetyStock, "wh_a1", "SKU-2", 2, at(3)))
	r1 := movement(model.MoveReserve, "wh_a2", "SKU-1", 5, at(4))
	r1.OrderID = "ord_1"
	mustMove(t, s, a.ID, movement(model.MoveReceive, "wh_a2", "SKU-1", 5, at(4)), r1)
	mustMove(t, s, a.ID, movement(model.MoveReceive, "wh_a2", "SKU-3", 3, at(5)))
	r2 := movement(model.MoveReserve, "wh_a1", "SKU-1", 2, at(6))
	r2.OrderID = "ord_2"
	s1 := movement(model.MoveShip, "wh_a2", "SKU-1", 1, at(6))
	s1.OrderID = "ord_1"
	mustMove(t, s, a.ID, r2, s1)
	rb := movement(model.MoveReserve, "wh_b1", "SKU-1", 1, at(7))
	rb.OrderID = "ord_1" // the same order id in another shop
	mustMove(t, s, b.ID, rb)
	return a, b
}

func testListStock(t *testing.T, s store.Store) {
	a, b := stockFixture(t, s)
	lvl := func(shop, wh, sku string, onHand, reserved, safety int64, min int) store.StockLevel {
		at := t0.Add(time.Duration(min)*time.Minute + 7*time.Microsecond)
		return store.NewStockLevel(shop, store.StockKey{WarehouseID: wh, SKU: sku}, model.NewBalance(onHand, reserved, safety), at)
	}
	a11 := lvl(a.ID, "wh_a1", "SKU-1", 10, 2, 0, 6)
	a21 := lvl(a.ID, "wh_a2", "SKU-1", 4, 4, 0, 6) // low: all reserved
	a12 := lvl(a.ID, "wh_a1", "SKU-2", 1, 0, 2, 3) // low: below its safety stock
	a23 := lvl(a.ID, "wh_a2", "SKU-3", 3, 0, 0, 5)
	b11 := lvl(b.ID, "wh_b1", "SKU-1", 4, 1, 0, 7)
	if !a21.LowStock || !a12.LowStock || a11.LowStock || a23.LowStock || b11.LowStock {
		t.Fatal("the test's own levels are wrong")
	}
	aOnly, bOnly := []string{a.ID}, []string{b.ID}
	for _, tc := range []struct {
		name string
		q    store.StockQuery
		want []store.StockLevel
	}{
		{"all of A, (SKU, warehouse) order", store.StockQuery{ShopIDs: aOnly}, []store.StockLevel{a11, a21, a12, a23}},
		{"all of B", store.StockQuery{ShopIDs: bOnly}, []store.StockLevel{b11}},
		{"A and B", store.StockQuery{ShopIDs: []string{b.ID, a.ID}}, []store.StockLevel{a11, a21, b11, a12, a23}},
		{"no scope", store.StockQuery{}, nil},
		{"SKU", store.StockQuery{ShopIDs: aOnly, SKU: "SKU-1"}, []store.StockLevel{a11, a21}},
		{"SKU in B", store.StockQuery{ShopIDs: bOnly, SKU: "SKU-1"}, []store.StockLevel{b11}},
		{"SKU nowhere", store.StockQuery{ShopIDs: aOnly, SKU: "SKU-4"}, nil},
		{"warehouse", store.StockQuery{ShopIDs: aOnly, WarehouseID: "wh_a2"}, []store.StockLevel{a21, a23}},
		{"another shop's warehouse", store.StockQuery{ShopIDs: aOnly, WarehouseID: "wh_b1"}, nil},
		{"SKU and warehouse", store.StockQuery{ShopIDs: aOnly, SKU: "SKU-1", WarehouseID: "wh_a1"}, []store.StockLevel{a11}},
		{"low only", store.StockQuery{ShopIDs: aOnly, LowOnly: true}, []store.StockLevel{a21, a12}},
		{"low only in B", store.StockQuery{ShopIDs: bOnly, LowOnly: true}, nil},
		{"low only, SKU", store.StockQuery{ShopIDs: aOnly, LowOnly: true, SKU: "SKU-2"}, []store.StockLevel{a12}},
		{"limit", store.StockQuery{ShopIDs: aOnly, Limit: 2}, []store.StockLevel{a11, a21}},
		{"after", store.StockQuery{ShopIDs: aOnly, After: &store.StockKey{WarehouseID: "wh_a1", SKU: "SKU-1"}}, []store.StockLevel{a21, a12, a23}},
		{"after, same SKU later warehouse", store.StockQuery{ShopIDs: aOnly, After: &store.StockKey{WarehouseID: "wh_a2", SKU: "SKU-1"}, Limit: 1}, []store.StockLevel{a12}},
		{"after a key with no row", store.StockQuery{ShopIDs: aOnly, After: &store.StockKey{WarehouseID: "wh_a9", SKU: "SKU-1"}}, []store.StockLevel{a12, a23}},
		{"after the last", store.StockQuery{ShopIDs: aOnly, After: &store.StockKey{WarehouseID: "wh_a2", SKU: "SKU-3"}}, nil},
		{"after, low only", store.StockQuery{ShopIDs: aOnly, LowOnly: true, After: &store.StockKey{WarehouseID: "wh_a2", SKU: "SKU-1"}}, []store.StockLevel{a12}},
	} {
		got, err := s.ListStock(context.Background(), tc.q)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(got) != len(tc.want) || (len(got) > 0 && !reflect.DeepEqual(got, tc.want)) {
			t.Errorf("%s: got\n%+v\nwant\n%+v", tc.name, got, tc.want)
		}
	}
	// Paging one level at a time visits each once, in order.
	var paged []store.StockLevel
	q := store.StockQuery{ShopIDs: []string{a.ID, b.ID}, Limit: 1}
	for range 10 {
		page, err := s.ListStock(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		paged = append(paged, page...)
		q.After = &store.StockKey{WarehouseID: page[0].WarehouseID, SKU: page[0].SKU}
	}
	if want := []store.StockLevel{a11, a21, b11, a12, a23}; !reflect.DeepEqual(paged, want) {
		t.Fatalf("paged one at a time:\n%+v\nwant\n%+v", paged, want)
	}
	checkLedger(t, s, []string{a.ID, b.ID})
}

func testListMovements(t *testing.T, s store.Store) {
	a, b := stockFixture(t, s)
	all := allMovements(t, s, store.MovementQuery{ShopIDs: []string{a.ID, b.ID}})
	// Entries by what they are: shop, kind, SKU and warehouse, order.
	type entry struct{ shop, kind, sku, wh, order string }
	var entries []entry
	for _, r := range all {
		shop := "A"
		if r.ShopID == b.ID {
			shop = "B"
		}
		entries = append(entries, entry{shop, string(r.Kind), r.SKU, r.WarehouseID, r.OrderID})
	}
	wantAll := []entry{
		{"A", "receive", "SKU-1", "wh_a1", ""},
		{"B", "receive", "SKU-1", "wh_b1", ""},
		{"A", "receive", "SKU-2", "wh_a1", ""},
		{"A", "set_safety_stock", "SKU-2", "wh_a1", ""},
		{"A", "receive", "SKU-1", "wh_a2", ""},
		{"A", "reserve", "SKU-1", "wh_a2", "ord_1"},
		{"A", "receive", "SKU-3", "wh_a2", ""},
		{"A", "reserve", "SKU-1", "wh_a1", "ord_2"},
		{"A", "ship", "SKU-1", "wh_a2", "ord_1"},
		{"B", "reserve", "SKU-1", "wh_b1", "ord_1"},
	}
	if !reflect.DeepEqual(entries, wantAll) {
		t.Fatalf("ledger in seq order:\n%+v\nwant the order the fixture appended:\n%+v", entries, wantAll)
	}
	pick := func(keep func(r store.MovementRecord) bool) []store.MovementRecord {
		var out []store.MovementRecord
		for _, r := range all {
			if keep(r) {
				out = append(out, r)
			}
		}
		return out
	}
	inA := func(r store.MovementRecord) bool { return r.ShopID == a.ID }
	aOnly := []string{a.ID}
	for _, tc := range []struct {
		name string
		q    store.MovementQuery
		want []store.MovementRecord
	}{
		{"all of A", store.MovementQuery{ShopIDs: aOnly}, pick(inA)},
		{"all of B", store.MovementQuery{ShopIDs: []string{b.ID}}, pick(func(r store.MovementRecord) bool { return r.ShopID == b.ID })},
		{"no scope", store.MovementQuery{}, nil},
		{"SKU", store.MovementQuery{ShopIDs: aOnly, SKU: "SKU-1"}, pick(func(r store.MovementRecord) bool { return inA(r) && r.SKU == "SKU-1" })},
		{"warehouse", store.MovementQuery{ShopIDs: aOnly, WarehouseID: "wh_a2"}, pick(func(r store.MovementRecord) bool { return r.WarehouseID == "wh_a2" })},
		{"another shop's warehouse", store.MovementQuery{ShopIDs: aOnly, WarehouseID: "wh_b1"}, nil},
		{"order", store.MovementQuery{ShopIDs: aOnly, OrderID: "ord_1"}, pick(func(r store.MovementRecord) bool { return inA(r) && r.OrderID == "ord_1" })},
		{"order in both shops", store.MovementQuery{ShopIDs: []string{a.ID, b.ID}, OrderID: "ord_1"}, pick(func(r store.MovementRecord) bool { return r.OrderID == "ord_1" })},
		{"order, SKU and warehouse", store.MovementQuery{ShopIDs: aOnly, OrderID: "ord_2", SKU: "SKU-1", WarehouseID: "wh_a1"},
			pick(func(r store.MovementRecord) bool { return r.OrderID == "ord_2" })},
		{"no such order", store.MovementQuery{ShopIDs: aOnly, OrderID: "ord_9"}, nil},
		{"limit", store.MovementQuery{ShopIDs: aOnly, Limit: 3}, pick(inA)[:3]},
		{"after seq", store.MovementQuery{ShopIDs: aOnly, AfterSeq: all[4].Seq}, pick(func(r store.MovementRecord) bool { return inA(r) && r.Seq > all[4].Seq })},
		{"after seq, SKU, limit", store.MovementQuery{ShopIDs: aOnly, AfterSeq: all[0].Seq, SKU: "SKU-1", Limit: 2},
			pick(func(r store.MovementRecord) bool { return inA(r) && r.Seq > all[0].Seq && r.SKU == "SKU-1" })[:2]},
		{"after the last", store.MovementQuery{ShopIDs: aOnly, AfterSeq: all[len(all)-1].Seq}, nil},
	} {
		got, err := s.ListMovements(context.Background(), tc.q)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(got) != len(tc.want) || (len(got) > 0 && !reflect.DeepEqual(got, tc.want)) {
			t.Errorf("%s: got\n%+v\nwant\n%+v", tc.name, got, tc.want)
		}
	}
	checkLedger(t, s, []string{a.ID, b.ID})
}

// reservation is an allocation of the lines of o, each SKU from the warehouse wh names for it,
// and the reserve movements that hold them.
func reservation(o *model.Order, wh map[string]string, at time.Time) store.AllocationChange {
	d := model.Decision{OrderID: o.ID, TransitKnown: true, PromiseDeadline: at.Add(72*time.Hour + 123*time.Microsecond),
		EstimatedDelivery: at.Add(48 * time.Hour)}
	var moves []model.Movement
	for _, l := range o.Lines {
		m := movement(model.MoveReserve, wh[l.SKU], l.SKU, int64(l.Quantity), at)
		m.OrderID = o.ID
		moves = append(moves, m)
		d.Allocations = append(d.Allocations, model.Allocation{WarehouseID: wh[l.SKU],
			Lines: []model.StockLine{{SKU: l.SKU, Quantity: int64(l.Quantity)}}, Cost: 795, Handover: at.Add(time.Hour),
			EstimatedDelivery: at.Add(48 * time.Hour), TransitKnown: true, Service: "ground"})
		d.Considered = append(d.Considered, model.Considered{WarehouseID: wh[l.SKU], Eligible: true, Chosen: true,
			Reasons: []model.Reason{}, Handover: at.Add(time.Hour), TransitKnown: true, MeetsPromise: true, Cost: 795})
	}
	return store.AllocationChange{
		Allocation: &store.Allocation{Status: store.AllocationReserved, Decision: d, CreatedAt: at, UpdatedAt: at},
		Movements:  moves,
	}
}

// mustReserve reserves the lines of o through ChangeAllocation.
func mustReserve(t *testing.T, s store.Store, o model.Order, wh map[string]string, at time.Time) store.Allocation {
	t.Helper()
	got, err := s.ChangeAllocation(context.Background(), []string{o.ShopID}, o.ID, func(in store.AllocationInput) (store.AllocationChange, error) {
		return reservation(in.Order, wh, at), nil
	})
	if err != nil || got == nil {
		t.Fatalf("reserve order %s: %v, %v", o.ExternalID, got, err)
	}
	return *got
}

func testAllocation(t *testing.T, s store.Store) {
	ctx := context.Background()
	a, b := mustShop(t, s, "A"), mustShop(t, s, "B")
	shops := []string{a.ID}
	// Codes against id order: Candidates come in id order, ListWarehouses in code order.
	w2 := mustWarehouse(t, s, a.ID, "wh_a2", "AAA")
	w3 := mustWarehouse(t, s, a.ID, "wh_a3", "BBB")
	w1 := mustWarehouse(t, s, a.ID, "wh_a1", "CCC")
	wb := mustWarehouse(t, s, b.ID, "wh_b1", "AAA")
	at := t0.Add(time.Hour)
	mustMove(t, s, a.ID, movement(model.MoveReceive, "wh_a1", "SKU-X", 5, at), movement(model.MoveReceive, "wh_a2", "SKU-Y", 3, at),
		movement(model.MoveReceive, "wh_a1", "SKU-Z", 9, at), movement(model.MoveSetSafetyStock, "wh_a3", "SKU-X", 2, at))
	mustMove(t, s, b.ID, movement(model.MoveReceive, "wh_b1", "SKU-X", 7, at))

	o := sample(a.ID, "alloc-1", t0, model.StatusAwaitingShipment)
	line := o.Lines[0]
	o.Lines = []model.Line{line, line}
	o.Lines[0].SKU, o.Lines[0].Quantity = "SKU-X", 3
	o.Lines[1].SKU, o.Lines[1].Quantity = "SKU-Y", 1
	o = upsertOne(t, s, o, t0).Order
	ob := upsertOne(t, s, sample(b.ID, "alloc-b", t0, model.StatusAwaitingShipment), t0).Order

	// Outside the scope, or no such order: ErrNotFound, and fn never runs.
	called := false
	never := func(store.AllocationInput) (store.AllocationChange, error) {
		called = true
		return store.AllocationChange{}, nil
	}
	_, err := s.ChangeAllocation(ctx, []string{b.ID}, o.ID, never)
	wantErr(t, err, model.ErrNotFound, "shop B allocates shop A's order")
	_, err = s.ChangeAllocation(ctx, nil, o.ID, never)
	wantErr(t, err, model.ErrNotFound, "empty scope allocates an order")
	_, err = s.ChangeAllocation(ctx, shops, "ord_missing", never)
	wantErr(t, err, model.ErrNotFound, "allocate a missing order")
	if called {
		t.Fatal("allocation callback ran on an order outside the scope")
	}

	// fn gets the order, no allocation, and every warehouse of the shop in id order with a
	// balance of every SKU of the order: zero where there is no row.
	var in store.AllocationInput
	got, err := s.ChangeAllocation(ctx, shops, o.ID, func(i store.AllocationInput) (store.AllocationChange, error) {
		in = i
		return store.AllocationChange{}, nil
	})
	if err != nil || got != nil {
		t.Fatalf("an allocation step that stores nothing returned %+v, %v; want nil, nil", got, err)
	}
	if in.Order == nil || !reflect.DeepEqual(*in.Order, mustGet(t, s, shops, o.ID)) {
		t.Fatalf("fn got order %+v, want the stored order", in.Order)
	}
	if in.Current != nil {
		t.Fatalf("fn got allocation %+v before there was one", in.Current)
	}
	wantCandidates := []model.Candidate{
		{Warehouse: w1, Stock: map[string]model.Balance{"SKU-X": model.NewBalance(5, 0, 0), "SKU-Y": {}}},
		{Warehouse: w2, Stock: map[string]model.Balance{"SKU-X": {}, "SKU-Y": model.NewBalance(3, 0, 0)}},
		{Warehouse: w3, Stock: map[string]model.Balance{"SKU-X": model.NewBalance(0, 0, 2), "SKU-Y": {}}},
	}
	if !reflect.DeepEqual(in.Candidates, wantCandidates) {
		t.Fatalf("fn got candidates\n%+v\nwant\n%+v", in.Candidates, wantCandidates)
	}
	_, err = s.GetAllocation(ctx, shops, o.ID)
	wantErr(t, err, model.ErrNotFound, "allocation after a step that stored none")

	// Every refused step writes nothing: no allocation, no movement, no balance.
	both := []string{a.ID, b.ID}
	before := takeSnapshot(t, s, both)
	where := map[string]string{"SKU-X": "wh_a1", "SKU-Y": "wh_a2"}
	errStop := errors.New("stop")
	for _, tc := range []struct {
		name string
		fn   store.AllocateFunc
		want error // nil: any error
	}{
		{"fn error", func(in store.AllocationInput) (store.AllocationChange, error) {
			return reservation(in.Order, where, at), errStop
		}, errStop},
		{"reserve beyond available", func(in store.AllocationInput) (store.AllocationChange, error) {
			ch := reservation(in.Order, where, at)
			ch.Movements[0].Quantity = 6 // 5 available
			return ch, nil
		}, model.ErrConflict},
		{"last reserve beyond available", func(in store.AllocationInput) (store.AllocationChange, error) {
			ch := reservation(in.Order, where, at)
			ch.Movements[1].Quantity = 4 // 3 available
			return ch, nil
		}, model.ErrConflict},
		{"reserve from below the safety stock", func(in store.AllocationInput) (store.AllocationChange, error) {
			return reservation(in.Order, map[string]string{"SKU-X": "wh_a3", "SKU-Y": "wh_a2"}, at), nil
		}, model.ErrConflict},
		{"a SKU the order does not have", func(in store.AllocationInput) (store.AllocationChange, error) {
			ch := reservation(in.Order, where, at)
			ch.Movements = append(ch.Movements, movement(model.MoveReserve, "wh_a1", "SKU-Z", 1, at))
			return ch, nil
		}, nil},
		{"another shop's warehouse", func(in store.AllocationInput) (store.AllocationChange, error) {
			return reservation(in.Order, map[string]string{"SKU-X": "wh_b1", "SKU-Y": "wh_a2"}, at), nil
		}, nil},
	} {
		got, err := s.ChangeAllocation(ctx, shops, o.ID, tc.fn)
		if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
			t.Fatalf("%s: got %+v, %v; want error %v", tc.name, got, err, tc.want)
		}
		_, err = s.GetAllocation(ctx, shops, o.ID)
		wantErr(t, err, model.ErrNotFound, tc.name+": allocation stored")
		before.unchanged(t, s, both, tc.name)
	}

	// A reserve through fn is stored with its allocation.
	t1 := at.Add(time.Minute + 5*time.Microsecond)
	var want store.Allocation
	got, err = s.ChangeAllocation(ctx, shops, o.ID, func(in store.AllocationInput) (store.AllocationChange, error) {
		ch := reservation(in.Order, where, t1)
		want = *ch.Allocation
		return ch, nil
	})
	want.OrderID, want.ShopID = o.ID, a.ID
	if err != nil || got == nil || !reflect.DeepEqual(*got, want) {
		t.Fatalf("reserve returned %+v, %v;\nwant %+v", got, err, want)
	}
	if stored, err := s.GetAllocation(ctx, shops, o.ID); err != nil || !reflect.DeepEqual(stored, want) {
		t.Fatalf("allocation reads back as %+v, %v;\nwant %+v", stored, err, want)
	}
	levels := allStock(t, s, store.StockQuery{ShopIDs: shops, SKU: "SKU-X", WarehouseID: "wh_a1"})
	if len(levels) != 1 || levels[0].Balance != model.NewBalance(5, 3, 0) {
		t.Fatalf("SKU-X in wh_a1 after the reserve: %+v", levels)
	}
	recs := allMovements(t, s, store.MovementQuery{ShopIDs: shops, OrderID: o.ID})
	if len(recs) != 2 || recs[0].Kind != model.MoveReserve || recs[0].Quantity != 3 || recs[1].SKU != "SKU-Y" {
		t.Fatalf("the order's ledger after the reserve: %+v", recs)
	}

	// GetAllocation is scoped like the order.
	_, err = s.GetAllocation(ctx, []string{b.ID}, o.ID)
	wantErr(t, err, model.ErrNotFound, "shop B reads shop A's allocation")
	_, err = s.GetAllocation(ctx, nil, o.ID)
	wantErr(t, err, model.ErrNotFound, "empty scope reads an allocation")
	if stored, err := s.GetAllocation(ctx, both, o.ID); err != nil || !reflect.DeepEqual(stored, want) {
		t.Fatalf("operator scope reads %+v, %v", stored, err)
	}

	// The marketplace drops SKU-Y from the order. The next step still sees the SKU its
	// allocation holds, with the balances the reserve left, and releases everything.
	edited := mustGet(t, s, shops, o.ID)
	edited.UpdatedAt = t0.Add(2 * time.Minute)
	edited.Lines = edited.Lines[:1]
	edited = upsertOne(t, s, edited, t0.Add(2*time.Minute)).Order
	t2 := t1.Add(time.Hour)
	var released store.Allocation
	got, err = s.ChangeAllocation(ctx, shops, o.ID, func(i store.AllocationInput) (store.AllocationChange, error) {
		in = i
		var moves []model.Movement
		for _, al := range i.Current.Decision.Allocations {
			for _, l := range al.Lines {
				m := movement(model.MoveRelease, al.WarehouseID, l.SKU, l.Quantity, t2)
				m.OrderID = i.Order.ID
				moves = append(moves, m)
			}
		}
		released = *i.Current
		released.Status, released.UpdatedAt, released.CreatedAt = store.AllocationReleased, t2, t2 // CreatedAt must stay
		return store.AllocationChange{Allocation: &released, Movements: moves}, nil
	})
	if err != nil {
		t.Fatalf("release: %v", err)
	}
	if in.Current == nil || !reflect.DeepEqual(*in.Current, want) {
		t.Fatalf("second step got allocation %+v, want %+v", in.Current, want)
	}
	if !reflect.DeepEqual(*in.Order, edited) {
		t.Fatalf("second step got order %+v, want the edited order", in.Order)
	}
	wantCandidates = []model.Candidate{
		{Warehouse: w1, Stock: map[string]model.Balance{"SKU-X": model.NewBalance(5, 3, 0), "SKU-Y": {}}},
		{Warehouse: w2, Stock: map[string]model.Balance{"SKU-X": {}, "SKU-Y": model.NewBalance(3, 1, 0)}},
		{Warehouse: w3, Stock: map[string]model.Balance{"SKU-X": model.NewBalance(0, 0, 2), "SKU-Y": {}}},
	}
	if !reflect.DeepEqual(in.Candidates, wantCandidates) {
		t.Fatalf("second step got candidates\n%+v\nwant\n%+v", in.Candidates, wantCandidates)
	}
	released.CreatedAt = want.CreatedAt
	if got == nil || !reflect.DeepEqual(*got, released) {
		t.Fatalf("release returned %+v;\nwant %+v", got, released)
	}
	if stored, err := s.GetAllocation(ctx, shops, o.ID); err != nil || !reflect.DeepEqual(stored, released) {
		t.Fatalf("released allocation reads back as %+v, %v;\nwant %+v", stored, err, released)
	}

	// A step that changes nothing returns the allocation as it stands.
	got, err = s.ChangeAllocation(ctx, shops, o.ID, func(store.AllocationInput) (store.AllocationChange, error) {
		return store.AllocationChange{}, nil
	})
	if err != nil || got == nil || !reflect.DeepEqual(*got, released) {
		t.Fatalf("an empty step returned %+v, %v; want the allocation as it stands", got, err)
	}

	// Shop B's order sees only shop B's warehouse.
	_, err = s.ChangeAllocation(ctx, []string{a.ID, b.ID}, ob.ID, func(i store.AllocationInput) (store.AllocationChange, error) {
		in = i
		return store.AllocationChange{}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	wantCandidates = []model.Candidate{{Warehouse: wb, Stock: map[string]model.Balance{"TSHIRT-RED-M": {}}}}
	if !reflect.DeepEqual(in.Candidates, wantCandidates) {
		t.Fatalf("shop B's order got candidates\n%+v\nwant\n%+v", in.Candidates, wantCandidates)
	}
	_, err = s.GetAllocation(ctx, both, ob.ID)
	wantErr(t, err, model.ErrNotFound, "allocation of an order that has none")

	checkLedger(t, s, both)
	if n := len(allMovements(t, s, store.MovementQuery{ShopIDs: shops, OrderID: o.ID})); n != 4 {
		t.Fatalf("the order's ledger has %d entries, want 2 reserves and 2 releases", n)
	}
	for _, l := range allStock(t, s, store.StockQuery{ShopIDs: shops}) {
		if l.Reserved != 0 {
			t.Fatalf("%s in %s still holds %d reserved after the release", l.SKU, l.WarehouseID, l.Reserved)
		}
	}
}

func testUnsettledAllocations(t *testing.T, s store.Store) {
	ctx := context.Background()
	a, b := mustShop(t, s, "A"), mustShop(t, s, "B")
	mustWarehouse(t, s, a.ID, "wh_a1", "A1")
	mustWarehouse(t, s, b.ID, "wh_b1", "B1")
	const sku = "TSHIRT-RED-M" // sample's
	mustMove(t, s, a.ID, movement(model.MoveReceive, "wh_a1", sku, 100, t0))
	mustMove(t, s, b.ID, movement(model.MoveReceive, "wh_b1", sku, 100, t0))
	inA, inB := map[string]string{sku: "wh_a1"}, map[string]string{sku: "wh_b1"}

	// Each order is reserved while awaiting shipment, then moves on through the real merge.
	type step struct {
		shop   model.Shop
		ext    string
		wh     map[string]string
		then   model.Status // "": stays AWAITING_SHIPMENT
		settle bool         // the allocation is released before the order moves on
	}
	allocs := map[string]store.Allocation{}
	for i, st := range []step{
		{a, "cancelled", inA, model.StatusCancelled, false},
		{a, "shipped", inA, model.StatusInTransit, false},
		{a, "open", inA, "", false},
		{a, "settled", inA, model.StatusCancelled, true},
		{b, "cancelled-b", inB, model.StatusCancelled, false},
	} {
		o := upsertOne(t, s, sample(st.shop.ID, st.ext, t0, model.StatusAwaitingShipment), t0).Order
		at := t0.Add(time.Duration(i+1) * time.Minute)
		al := mustReserve(t, s, o, st.wh, at)
		if st.settle {
			got, err := s.ChangeAllocation(ctx, []string{o.ShopID}, o.ID, func(in store.AllocationInput) (store.AllocationChange, error) {
				m := movement(model.MoveRelease, st.wh[sku], sku, 2, at)
				m.OrderID = o.ID
				rel := *in.Current
				rel.Status, rel.UpdatedAt = store.AllocationReleased, at.Add(time.Second)
				return store.AllocationChange{Allocation: &rel, Movements: []model.Movement{m}}, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			al = *got
		}
		if st.then != "" {
			next := sample(st.shop.ID, st.ext, t0.Add(time.Hour), st.then)
			if r := upsertOne(t, s, next, t0.Add(time.Hour)); r.Err != nil || r.Order.Status != st.then {
				t.Fatalf("move %s to %s: %v, %v", st.ext, st.then, r.Order.Status, r.Err)
			}
		}
		allocs[st.ext] = al
	}
	// An order cancelled without ever being allocated has nothing to settle.
	upsertOne(t, s, sample(a.ID, "never", t0, model.StatusCancelled), t0)

	byOrder := func(exts ...string) []store.Allocation {
		var out []store.Allocation
		for _, e := range exts {
			out = append(out, allocs[e])
		}
		slices.SortFunc(out, func(x, y store.Allocation) int { return strings.Compare(x.OrderID, y.OrderID) })
		return out
	}
	for _, tc := range []struct {
		name     string
		statuses []model.Status
		limit    int
		want     []store.Allocation
	}{
		{"cancelled or shipped", []model.Status{model.StatusCancelled, model.StatusInTransit}, 100, byOrder("cancelled", "shipped", "cancelled-b")},
		{"cancelled", []model.Status{model.StatusCancelled}, 100, byOrder("cancelled", "cancelled-b")},
		{"still open", []model.Status{model.StatusAwaitingShipment}, 100, byOrder("open")},
		{"limit", []model.Status{model.StatusCancelled, model.StatusInTransit}, 2, byOrder("cancelled", "shipped", "cancelled-b")[:2]},
		{"no such order", []model.Status{model.StatusDelivered}, 100, nil},
		{"no statuses", nil, 100, nil},
	} {
		got, err := s.ListUnsettledAllocations(ctx, tc.statuses, tc.limit)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(got) != len(tc.want) || (len(got) > 0 && !reflect.DeepEqual(got, tc.want)) {
			t.Errorf("%s: got\n%+v\nwant\n%+v", tc.name, got, tc.want)
		}
	}
	checkLedger(t, s, []string{a.ID, b.ID})
}

// testAllocationNoOversell is the store's half of R-ORD-8: 500 orders race for 100 units, each
// step always asking for one, and only the store stands between them and an oversell.
func testAllocationNoOversell(t *testing.T, s store.Store) {
	ctx := context.Background()
	sh := mustShop(t, s, "A")
	shops := []string{sh.ID}
	mustWarehouse(t, s, sh.ID, "wh_1", "W1")
	const sku, units, orders, workers = "TSHIRT-RED-M", 100, 500, 32 // sample's SKU
	mustMove(t, s, sh.ID, movement(model.MoveReceive, "wh_1", sku, units, t0))
	batch := make([]model.Order, orders)
	for i := range batch {
		batch[i] = sample(sh.ID, fmt.Sprintf("race-%03d", i), t0, model.StatusAwaitingShipment)
	}
	res, err := s.UpsertOrders(ctx, sh.ID, batch, merger(t0))
	if err != nil {
		t.Fatal(err)
	}
	ids := make(chan string, orders)
	for _, r := range res {
		ids <- r.Order.ID
	}
	close(ids)

	var mu sync.Mutex
	won := map[string]bool{}
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range ids {
				at := t0.Add(time.Minute)
				got, err := s.ChangeAllocation(ctx, shops, id, func(in store.AllocationInput) (store.AllocationChange, error) {
					if len(in.Candidates) != 1 || in.Current != nil {
						return store.AllocationChange{}, fmt.Errorf("order %s: candidates %+v, current %+v", id, in.Candidates, in.Current)
					}
					// Always ask: the store must refuse once nothing is available.
					m := movement(model.MoveReserve, "wh_1", sku, 1, at)
					m.OrderID = id
					d := model.Decision{OrderID: id, Allocations: []model.Allocation{{WarehouseID: "wh_1", Lines: []model.StockLine{{SKU: sku, Quantity: 1}}}}}
					return store.AllocationChange{
						Allocation: &store.Allocation{Status: store.AllocationReserved, Decision: d, CreatedAt: at, UpdatedAt: at},
						Movements:  []model.Movement{m},
					}, nil
				})
				switch {
				case err == nil:
					if got == nil || got.Status != store.AllocationReserved || got.OrderID != id {
						t.Errorf("order %s: reserve returned %+v", id, got)
					}
					mu.Lock()
					won[id] = true
					mu.Unlock()
				case errors.Is(err, model.ErrConflict):
				default:
					t.Errorf("order %s: %v", id, err)
				}
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	if len(won) != units {
		t.Fatalf("%d of %d orders got a unit; exactly %d units were there", len(won), orders, units)
	}
	levels := allStock(t, s, store.StockQuery{ShopIDs: shops})
	if want := model.NewBalance(units, units, 0); len(levels) != 1 || levels[0].Balance != want || !levels[0].LowStock {
		t.Fatalf("stock after the race: %+v; want %+v, low", levels, want)
	}
	recs, _ := checkLedger(t, s, shops)
	reserved := map[string]bool{}
	for _, r := range recs[1:] {
		if r.Kind != model.MoveReserve || r.Quantity != 1 || !won[r.OrderID] || reserved[r.OrderID] {
			t.Fatalf("ledger entry %+v: want one reserve of 1 per winning order", r)
		}
		reserved[r.OrderID] = true
	}
	if len(reserved) != units {
		t.Fatalf("%d reserve movements, want %d", len(reserved), units)
	}
	// Only the winners have an allocation.
	open, err := s.ListUnsettledAllocations(ctx, []model.Status{model.StatusAwaitingShipment}, orders)
	if err != nil {
		t.Fatal(err)
	}
	if len(open) != units {
		t.Fatalf("%d allocations stored, want %d", len(open), units)
	}
	for _, al := range open {
		if !won[al.OrderID] {
			t.Fatalf("order %s lost the race but has an allocation", al.OrderID)
		}
	}
}

// testChangeStockConcurrent: receives from many goroutines into one balance, which has no row
// yet when they start, lose no update.
func testChangeStockConcurrent(t *testing.T, s store.Store) {
	sh := mustShop(t, s, "A")
	mustWarehouse(t, s, sh.ID, "wh_1", "W1")
	key := store.StockKey{WarehouseID: "wh_1", SKU: "SKU-1"}
	const workers, each = 16, 8
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				m := movement(model.MoveReceive, key.WarehouseID, key.SKU, int64(w+1), t0.Add(time.Duration(w*each+i)*time.Millisecond))
				var seen model.Balance
				levels, err := s.ChangeStock(context.Background(), sh.ID, []store.StockKey{key},
					func(b map[store.StockKey]model.Balance) ([]model.Movement, error) {
						seen = b[key]
						return []model.Movement{m}, nil
					})
				if err != nil {
					t.Errorf("receive: %v", err)
					return
				}
				if len(levels) != 1 || levels[0].OnHand != seen.OnHand+m.Quantity {
					t.Errorf("receive of %d onto %d returned %+v", m.Quantity, seen.OnHand, levels)
				}
			}
		}()
	}
	wg.Wait()
	want := int64(each * workers * (workers + 1) / 2)
	recs, levels := checkLedger(t, s, []string{sh.ID})
	if len(recs) != workers*each || len(levels) != 1 || levels[0].OnHand != want {
		t.Fatalf("%d movements, stock %+v; want %d movements, %d on hand", len(recs), levels, workers*each, want)
	}
}

// testChangeAllocations: a batch runs each order's step in turn, each seeing what the ones
// before it took, and a step that fails (not found, fn's error, an oversell) fails alone and
// writes nothing.
func testChangeAllocations(t *testing.T, s store.Store) {
	ctx := context.Background()
	a, b := mustShop(t, s, "A"), mustShop(t, s, "B")
	shops := []string{a.ID}
	mustWarehouse(t, s, a.ID, "wh_a1", "A1")
	mustWarehouse(t, s, b.ID, "wh_b1", "B1")
	const sku = "TSHIRT-RED-M" // sample's, 2 a line
	mustMove(t, s, a.ID, movement(model.MoveReceive, "wh_a1", sku, 5, t0))
	mustMove(t, s, b.ID, movement(model.MoveReceive, "wh_b1", sku, 5, t0))
	order := func(shopID, ext string) string {
		return upsertOne(t, s, sample(shopID, ext, t0, model.StatusAwaitingShipment), t0).Order.ID
	}
	o1, o2, o3, o4, ob := order(a.ID, "b1"), order(a.ID, "b2"), order(a.ID, "b3"), order(a.ID, "b4"), order(b.ID, "bb")

	errStop := errors.New("stop")
	at := t0.Add(time.Minute)
	type seen struct {
		order     string
		available int64
		current   bool
	}
	var calls []seen
	ids := []string{o1, ob, o2, o3, "ord_missing", o4, o1}
	res, err := s.ChangeAllocations(ctx, shops, ids, func(in store.AllocationInput) (store.AllocationChange, error) {
		calls = append(calls, seen{in.Order.ID, in.Candidates[0].Stock[sku].Available, in.Current != nil})
		switch {
		case in.Order.ID == o3:
			return store.AllocationChange{}, errStop
		case in.Current != nil:
			return store.AllocationChange{}, nil
		}
		return reservation(in.Order, map[string]string{sku: "wh_a1"}, at), nil
	})
	if err != nil || len(res) != len(ids) {
		t.Fatalf("ChangeAllocations = %d results, %v; want %d results", len(res), err, len(ids))
	}
	wantCalls := []seen{{o1, 5, false}, {o2, 3, false}, {o3, 1, false}, {o4, 1, false}, {o1, 1, true}}
	if !reflect.DeepEqual(calls, wantCalls) {
		t.Fatalf("fn saw %+v, want %+v", calls, wantCalls)
	}
	for i, want := range []error{nil, model.ErrNotFound, nil, errStop, model.ErrNotFound, model.ErrConflict, nil} {
		r := res[i]
		if want == nil && (r.Err != nil || r.Allocation == nil || r.Allocation.OrderID != ids[i] || r.Allocation.Status != store.AllocationReserved) {
			t.Fatalf("result %d (%s): %+v, %v; want a reservation", i, ids[i], r.Allocation, r.Err)
		}
		if want != nil && (!errors.Is(r.Err, want) || r.Allocation != nil) {
			t.Fatalf("result %d (%s): %+v, %v; want error %v and no allocation", i, ids[i], r.Allocation, r.Err, want)
		}
	}
	if !reflect.DeepEqual(res[6].Allocation, res[0].Allocation) {
		t.Fatalf("o1's second step returned %+v, want its first allocation %+v", res[6].Allocation, res[0].Allocation)
	}
	for i, id := range []string{o1, o2} {
		if got, err := s.GetAllocation(ctx, shops, id); err != nil || !reflect.DeepEqual(got, *res[2*i].Allocation) {
			t.Fatalf("allocation of %s reads back as %+v, %v; want %+v", id, got, err, res[2*i].Allocation)
		}
	}
	for _, id := range []string{o3, o4, ob} {
		_, err := s.GetAllocation(ctx, []string{a.ID, b.ID}, id)
		wantErr(t, err, model.ErrNotFound, "allocation of a failed step")
	}
	recs, levels := checkLedger(t, s, []string{a.ID, b.ID})
	if len(recs) != 4 || recs[2].OrderID != o1 || recs[3].OrderID != o2 {
		t.Fatalf("ledger %+v; want the two receives, then o1's and o2's reserves", recs)
	}
	if levels[0].WarehouseID != "wh_a1" || levels[0].Balance != model.NewBalance(5, 4, 0) || levels[1].Balance != model.NewBalance(5, 0, 0) {
		t.Fatalf("stock %+v; want 4 of 5 reserved in wh_a1, none in wh_b1", levels)
	}

	res, err = s.ChangeAllocations(ctx, shops, nil, func(store.AllocationInput) (store.AllocationChange, error) {
		t.Error("fn called for an empty batch")
		return store.AllocationChange{}, nil
	})
	if err != nil || len(res) != 0 {
		t.Fatalf("empty batch = %+v, %v", res, err)
	}
}
