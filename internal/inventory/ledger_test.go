package inventory_test

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"lastmile/internal/inventory"
	"lastmile/internal/model"
)

var at = time.Date(2025, 6, 9, 9, 0, 0, 0, time.UTC)

// mv builds a well-formed movement of kind k: actor, time, and the reason or order id the kind owes.
func mv(k inventory.Kind, q int64) inventory.Movement {
	m := inventory.Movement{Kind: k, WarehouseID: "W-LA", SKU: "SKU-1", Quantity: q, Actor: "tester", At: at}
	switch k {
	case inventory.KindAdjust, inventory.KindWriteOff:
		m.Reason = "cycle count"
	case inventory.KindReserve, inventory.KindRelease, inventory.KindShip:
		m.OrderID = "O-1"
	}
	return m
}

func TestApplyMovementKinds(t *testing.T) {
	t.Parallel()
	start := inventory.NewBalance(10, 4, 2) // available 4
	tests := []struct {
		name string
		m    inventory.Movement
		want inventory.Balance
		err  error
	}{
		{"receive adds to on hand", mv(inventory.KindReceive, 5), inventory.NewBalance(15, 4, 2), nil},
		{"adjust up", mv(inventory.KindAdjust, 3), inventory.NewBalance(13, 4, 2), nil},
		{"adjust down", mv(inventory.KindAdjust, -3), inventory.NewBalance(7, 4, 2), nil},
		{"adjust below reserved records the shelf: over-reserved, nothing available", mv(inventory.KindAdjust, -8), inventory.NewBalance(2, 4, 2), nil},
		{"adjust below zero is refused", mv(inventory.KindAdjust, -11), start, inventory.ErrNegativeStock},
		{"R-ORD-8 reserve up to available", mv(inventory.KindReserve, 4), inventory.NewBalance(10, 8, 2), nil},
		{"R-ORD-8 reserve beyond available is refused: safety stock is not for sale", mv(inventory.KindReserve, 5), start, inventory.ErrOversell},
		{"release gives back a reservation", mv(inventory.KindRelease, 4), inventory.NewBalance(10, 0, 2), nil},
		{"release beyond reserved is refused", mv(inventory.KindRelease, 5), start, inventory.ErrNegativeStock},
		{"ship consumes a reservation and the stock", mv(inventory.KindShip, 3), inventory.NewBalance(7, 1, 2), nil},
		{"ship beyond reserved is refused: reserve before shipping", mv(inventory.KindShip, 5), start, inventory.ErrNegativeStock},
		{"R-RET-5 return restock adds to on hand", mv(inventory.KindReturnRestock, 1), inventory.NewBalance(11, 4, 2), nil},
		{"R-RET-5 write-off removes from on hand", mv(inventory.KindWriteOff, 10), inventory.NewBalance(0, 4, 2), nil},
		{"write-off beyond on hand is refused", mv(inventory.KindWriteOff, 11), start, inventory.ErrNegativeStock},
		{"R-INV-3 set safety stock", mv(inventory.KindSetSafetyStock, 6), inventory.NewBalance(10, 4, 6), nil},
		{"R-INV-3 clear safety stock", mv(inventory.KindSetSafetyStock, 0), inventory.NewBalance(10, 4, 0), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := inventory.Apply(start, tt.m)
			if !errors.Is(err, tt.err) || (tt.err == nil && err != nil) {
				t.Fatalf("Apply(%+v, %s %d) error = %v, want %v", start, tt.m.Kind, tt.m.Quantity, err, tt.err)
			}
			if got != tt.want {
				t.Fatalf("Apply(%+v, %s %d) = %+v, want %+v", start, tt.m.Kind, tt.m.Quantity, got, tt.want)
			}
			if tt.err != nil && !errors.Is(err, model.ErrConflict) {
				t.Errorf("a refused movement should unwrap to model.ErrConflict (409): %v", err)
			}
		})
	}
}

func TestApplyRefusesMalformedMovements(t *testing.T) {
	t.Parallel()
	with := func(k inventory.Kind, q int64, edit func(*inventory.Movement)) inventory.Movement {
		m := mv(k, q)
		edit(&m)
		return m
	}
	tests := []struct {
		name string
		m    inventory.Movement
	}{
		{"unknown kind", with("teleport", 1, func(*inventory.Movement) {})},
		{"zero quantity", mv(inventory.KindReceive, 0)},
		{"negative receive", mv(inventory.KindReceive, -1)},
		{"zero adjustment", mv(inventory.KindAdjust, 0)},
		{"negative safety stock", mv(inventory.KindSetSafetyStock, -1)},
		{"adjust without a reason", with(inventory.KindAdjust, 1, func(m *inventory.Movement) { m.Reason = " " })},
		{"write-off without a reason", with(inventory.KindWriteOff, 1, func(m *inventory.Movement) { m.Reason = "" })},
		{"reserve without an order", with(inventory.KindReserve, 1, func(m *inventory.Movement) { m.OrderID = "" })},
		{"ship without an order", with(inventory.KindShip, 1, func(m *inventory.Movement) { m.OrderID = "" })},
		{"no actor", with(inventory.KindReceive, 1, func(m *inventory.Movement) { m.Actor = "" })},
		{"no time", with(inventory.KindReceive, 1, func(m *inventory.Movement) { m.At = time.Time{} })},
		{"no SKU", with(inventory.KindReceive, 1, func(m *inventory.Movement) { m.SKU = "" })},
		{"no warehouse", with(inventory.KindReceive, 1, func(m *inventory.Movement) { m.WarehouseID = "" })},
	}
	start := inventory.NewBalance(10, 2, 0)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := inventory.Apply(start, tt.m)
			if !errors.Is(err, inventory.ErrInvalidMovement) || !errors.Is(err, model.ErrInvalid) {
				t.Fatalf("Apply error = %v, want ErrInvalidMovement (model.ErrInvalid)", err)
			}
			if got != start {
				t.Fatalf("a refused movement changed the balance: %+v", got)
			}
		})
	}
}

func TestApplyRefusesOverflowAndNegativeBalances(t *testing.T) {
	t.Parallel()
	if _, err := inventory.Apply(inventory.NewBalance(math.MaxInt64-1, 0, 0), mv(inventory.KindReceive, 2)); !errors.Is(err, inventory.ErrInvalidMovement) {
		t.Errorf("receive past MaxInt64: error = %v, want ErrInvalidMovement", err)
	}
	if _, err := inventory.Apply(inventory.NewBalance(1, 0, 0), mv(inventory.KindAdjust, math.MinInt64)); !errors.Is(err, inventory.ErrNegativeStock) {
		t.Errorf("adjust by MinInt64: error = %v, want ErrNegativeStock", err)
	}
	if _, err := inventory.Apply(inventory.Balance{OnHand: -1}, mv(inventory.KindReceive, 1)); !errors.Is(err, inventory.ErrInvalidMovement) {
		t.Errorf("a negative stored balance: error = %v, want ErrInvalidMovement", err)
	}
}

func TestBalanceAvailableAndOverReserved(t *testing.T) {
	t.Parallel()
	tests := []struct {
		onHand, reserved, safety int64
		available, over          int64
	}{
		{10, 0, 0, 10, 0},
		{10, 3, 2, 5, 0},
		{10, 8, 2, 0, 0},
		{10, 9, 2, 0, 0}, // never below 0
		{2, 4, 0, 0, 2},  // a count found fewer than reserved
		{math.MaxInt64, 0, math.MaxInt64, 0, 0},
	}
	for _, tt := range tests {
		b := inventory.NewBalance(tt.onHand, tt.reserved, tt.safety)
		if b.Available != tt.available || b.OverReserved() != tt.over {
			t.Errorf("NewBalance(%d, %d, %d): available %d, over-reserved %d; want %d, %d",
				tt.onHand, tt.reserved, tt.safety, b.Available, b.OverReserved(), tt.available, tt.over)
		}
	}
}

func TestLowStockRule(t *testing.T) {
	t.Parallel()
	// R-INV-3: low when on hand − reserved ≤ safety stock, i.e. nothing to sell beyond the buffer.
	tests := []struct {
		name                     string
		onHand, reserved, safety int64
		want                     bool
	}{
		{"well stocked", 20, 5, 5, false},
		{"one unit above the buffer", 11, 5, 5, false},
		{"exactly the buffer left: nothing to sell", 10, 5, 5, true},
		{"into the buffer", 8, 5, 5, true},
		{"no safety stock, out of stock", 3, 3, 0, true},
		{"no safety stock, one to sell", 4, 3, 0, false},
		{"over-reserved", 2, 4, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := inventory.LowStock(inventory.NewBalance(tt.onHand, tt.reserved, tt.safety)); got != tt.want {
				t.Fatalf("LowStock(%d, %d, %d) = %v, want %v", tt.onHand, tt.reserved, tt.safety, got, tt.want)
			}
		})
	}
}

func TestReplayIsTheSumOfTheLedger(t *testing.T) {
	t.Parallel()
	ledger := []inventory.Movement{
		mv(inventory.KindReceive, 100),
		mv(inventory.KindSetSafetyStock, 10),
		mv(inventory.KindReserve, 30),
		mv(inventory.KindShip, 20),
		mv(inventory.KindRelease, 5),
		mv(inventory.KindReturnRestock, 2),
		mv(inventory.KindWriteOff, 1),
		mv(inventory.KindAdjust, -4),
		mv(inventory.KindSetSafetyStock, 8),
	}
	want := inventory.NewBalance(100-20+2-1-4, 30-20-5, 8)
	if got := inventory.Replay(ledger); got != want {
		t.Fatalf("Replay = %+v, want %+v", got, want)
	}
	if got := inventory.Replay(nil); got != (inventory.Balance{}) {
		t.Fatalf("Replay(nil) = %+v, want zero", got)
	}
}

func TestMovementAndBalanceJSON(t *testing.T) {
	t.Parallel()
	m := mv(inventory.KindReserve, 2)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	const wantM = `{"kind":"reserve","warehouse_id":"W-LA","sku":"SKU-1","quantity":2,"actor":"tester","at":"2025-06-09T09:00:00Z","order_id":"O-1"}`
	if string(b) != wantM {
		t.Errorf("movement JSON = %s, want %s", b, wantM)
	}
	b, _ = json.Marshal(inventory.NewBalance(10, 3, 2))
	const wantB = `{"on_hand":10,"reserved":3,"safety_stock":2,"available":5}`
	if string(b) != wantB {
		t.Errorf("balance JSON = %s, want %s", b, wantB)
	}
}

// opOf turns two numbers into a movement: any kind, a quantity that is sometimes beyond what
// the balance allows, sometimes zero or negative, sometimes huge.
func opOf(kindSel uint8, raw int64) inventory.Movement {
	kinds := inventory.Kinds
	k := kinds[int(kindSel)%len(kinds)]
	q := raw
	if kindSel < 200 { // keep most quantities small, so sequences build up real stock
		q = raw % 50
	}
	return mv(k, q)
}

// checkSequence applies ops one by one and checks the ledger invariants after each: the running
// balance is Replay of the accepted movements, no figure is negative, available is what the
// three figures say and never negative, and no reserve is accepted beyond what was available.
func checkSequence(t *testing.T, ops []inventory.Movement) {
	t.Helper()
	var bal inventory.Balance
	var ledger []inventory.Movement
	// An independent model of the three figures.
	var onHand, reserved, safety int64
	for i, m := range ops {
		before := bal
		next, err := inventory.Apply(bal, m)
		if err != nil {
			if next != before {
				t.Fatalf("op %d %s %d refused (%v) but changed the balance %+v → %+v", i, m.Kind, m.Quantity, err, before, next)
			}
			if m.Kind == inventory.KindReserve && m.Quantity > 0 && m.Quantity <= before.Available && errors.Is(err, inventory.ErrOversell) {
				t.Fatalf("op %d reserve %d refused with %d available", i, m.Quantity, before.Available)
			}
			continue
		}
		if m.Kind == inventory.KindReserve && m.Quantity > before.Available {
			t.Fatalf("op %d reserve %d accepted with only %d available: oversold", i, m.Quantity, before.Available)
		}
		bal = next
		ledger = append(ledger, m)
		switch m.Kind {
		case inventory.KindReceive, inventory.KindAdjust, inventory.KindReturnRestock:
			onHand += m.Quantity
		case inventory.KindWriteOff:
			onHand -= m.Quantity
		case inventory.KindReserve:
			reserved += m.Quantity
		case inventory.KindRelease:
			reserved -= m.Quantity
		case inventory.KindShip:
			onHand -= m.Quantity
			reserved -= m.Quantity
		case inventory.KindSetSafetyStock:
			safety = m.Quantity
		}
		if r := inventory.Replay(ledger); r != bal {
			t.Fatalf("op %d: running balance %+v != Replay(ledger) %+v", i, bal, r)
		}
		if bal.OnHand != onHand || bal.Reserved != reserved || bal.SafetyStock != safety {
			t.Fatalf("op %d: balance %+v, independent model %d/%d/%d", i, bal, onHand, reserved, safety)
		}
		if bal.OnHand < 0 || bal.Reserved < 0 || bal.SafetyStock < 0 || bal.Available < 0 {
			t.Fatalf("op %d: negative figure in %+v", i, bal)
		}
		wantAvail := max(0, onHand-reserved-safety)
		if onHand-reserved <= safety {
			wantAvail = 0
		}
		if bal.Available != wantAvail {
			t.Fatalf("op %d: available %d, want %d", i, bal.Available, wantAvail)
		}
	}
}

// R-ORD-8: random sequences of operations never oversell, and the balance is always the ledger.
func TestLedgerPropertiesOnRandomSequences(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 11))
	for seq := 0; seq < 2000; seq++ {
		n := 1 + rng.IntN(60)
		ops := make([]inventory.Movement, n)
		for i := range ops {
			raw := rng.Int64N(60) - 10
			if rng.IntN(20) == 0 {
				raw = rng.Int64() - rng.Int64()
			}
			ops[i] = opOf(uint8(rng.IntN(256)), raw)
		}
		checkSequence(t, ops)
	}
}

// FuzzApply: random movement sequences never panic and keep every ledger invariant (R-ORD-8).
func FuzzApply(f *testing.F) {
	f.Add([]byte{0, 10, 2, 5, 4, 3, 3, 1})
	f.Add([]byte{0, 100, 7, 20, 2, 90, 2, 80, 4, 81})
	f.Add([]byte{200, 255, 255, 255, 255, 255, 255, 255, 127, 1, 200})
	f.Fuzz(func(t *testing.T, data []byte) {
		checkSequence(t, opsOf(data))
	})
}

// opsOf decodes fuzz bytes into movements: each is a kind byte and a quantity byte, except that
// a kind byte ≥ 200 takes eight bytes of quantity, so the fuzzer reaches overflow and sign edges.
func opsOf(data []byte) []inventory.Movement {
	var ops []inventory.Movement
	for len(data) >= 2 && len(ops) < 200 {
		k := data[0]
		if k >= 200 && len(data) >= 9 {
			ops = append(ops, opOf(k, int64(binary.LittleEndian.Uint64(data[1:9]))))
			data = data[9:]
			continue
		}
		ops = append(ops, opOf(k, int64(int8(data[1]))))
		data = data[2:]
	}
	return ops
}
