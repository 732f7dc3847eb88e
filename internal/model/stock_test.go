package model_test

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"lastmile/internal/model"
)

var at = time.Date(2025, 6, 9, 9, 0, 0, 0, time.UTC)

// mv builds a well-formed movement of kind k: actor, time, and the reason or order id the kind owes.
func mv(k model.MovementKind, q int64) model.Movement {
	m := model.Movement{Kind: k, WarehouseID: "W-LA", SKU: "SKU-1", Quantity: q, Actor: "tester", At: at}
	switch k {
	case model.MoveAdjust, model.MoveWriteOff:
		m.Reason = "cycle count"
	case model.MoveReserve, model.MoveRelease, model.MoveShip:
		m.OrderID = "O-1"
	}
	return m
}

func TestApplyMovementKinds(t *testing.T) {
	t.Parallel()
	start := model.NewBalance(10, 4, 2) // available 4
	tests := []struct {
		name string
		m    model.Movement
		want model.Balance
		err  error
	}{
		{"receive adds to on hand", mv(model.MoveReceive, 5), model.NewBalance(15, 4, 2), nil},
		{"adjust up", mv(model.MoveAdjust, 3), model.NewBalance(13, 4, 2), nil},
		{"adjust down", mv(model.MoveAdjust, -3), model.NewBalance(7, 4, 2), nil},
		{"adjust below reserved records the shelf: over-reserved, nothing available", mv(model.MoveAdjust, -8), model.NewBalance(2, 4, 2), nil},
		{"adjust below zero is refused", mv(model.MoveAdjust, -11), start, model.ErrNegativeStock},
		{"R-ORD-8 reserve up to available", mv(model.MoveReserve, 4), model.NewBalance(10, 8, 2), nil},
		{"R-ORD-8 reserve beyond available is refused: safety stock is not for sale", mv(model.MoveReserve, 5), start, model.ErrOversell},
		{"release gives back a reservation", mv(model.MoveRelease, 4), model.NewBalance(10, 0, 2), nil},
		{"release beyond reserved is refused", mv(model.MoveRelease, 5), start, model.ErrNegativeStock},
		{"ship consumes a reservation and the stock", mv(model.MoveShip, 3), model.NewBalance(7, 1, 2), nil},
		{"ship beyond reserved is refused: reserve before shipping", mv(model.MoveShip, 5), start, model.ErrNegativeStock},
		{"R-RET-5 return restock adds to on hand", mv(model.MoveReturnRestock, 1), model.NewBalance(11, 4, 2), nil},
		{"R-RET-5 write-off removes from on hand", mv(model.MoveWriteOff, 10), model.NewBalance(0, 4, 2), nil},
		{"write-off beyond on hand is refused", mv(model.MoveWriteOff, 11), start, model.ErrNegativeStock},
		{"R-INV-3 set safety stock", mv(model.MoveSetSafetyStock, 6), model.NewBalance(10, 4, 6), nil},
		{"R-INV-3 clear safety stock", mv(model.MoveSetSafetyStock, 0), model.NewBalance(10, 4, 0), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := start.Apply(tt.m)
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
	with := func(k model.MovementKind, q int64, edit func(*model.Movement)) model.Movement {
		m := mv(k, q)
		edit(&m)
		return m
	}
	tests := []struct {
		name string
		m    model.Movement
	}{
		{"unknown kind", with("teleport", 1, func(*model.Movement) {})},
		{"zero quantity", mv(model.MoveReceive, 0)},
		{"negative receive", mv(model.MoveReceive, -1)},
		{"zero adjustment", mv(model.MoveAdjust, 0)},
		{"negative safety stock", mv(model.MoveSetSafetyStock, -1)},
		{"adjust without a reason", with(model.MoveAdjust, 1, func(m *model.Movement) { m.Reason = " " })},
		{"write-off without a reason", with(model.MoveWriteOff, 1, func(m *model.Movement) { m.Reason = "" })},
		{"reserve without an order", with(model.MoveReserve, 1, func(m *model.Movement) { m.OrderID = "" })},
		{"ship without an order", with(model.MoveShip, 1, func(m *model.Movement) { m.OrderID = "" })},
		{"no actor", with(model.MoveReceive, 1, func(m *model.Movement) { m.Actor = "" })},
		{"no time", with(model.MoveReceive, 1, func(m *model.Movement) { m.At = time.Time{} })},
		{"no SKU", with(model.MoveReceive, 1, func(m *model.Movement) { m.SKU = "" })},
		{"no warehouse", with(model.MoveReceive, 1, func(m *model.Movement) { m.WarehouseID = "" })},
	}
	start := model.NewBalance(10, 2, 0)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := start.Apply(tt.m)
			if !errors.Is(err, model.ErrInvalidMovement) || !errors.Is(err, model.ErrInvalid) {
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
	if _, err := model.NewBalance(math.MaxInt64-1, 0, 0).Apply(mv(model.MoveReceive, 2)); !errors.Is(err, model.ErrInvalidMovement) {
		t.Errorf("receive past MaxInt64: error = %v, want ErrInvalidMovement", err)
	}
	if _, err := model.NewBalance(1, 0, 0).Apply(mv(model.MoveAdjust, math.MinInt64)); !errors.Is(err, model.ErrNegativeStock) {
		t.Errorf("adjust by MinInt64: error = %v, want ErrNegativeStock", err)
	}
	if _, err := (model.Balance{OnHand: -1}).Apply(mv(model.MoveReceive, 1)); !errors.Is(err, model.ErrInvalidMovement) {
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
		b := model.NewBalance(tt.onHand, tt.reserved, tt.safety)
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
			if got := model.NewBalance(tt.onHand, tt.reserved, tt.safety).Low(); got != tt.want {
				t.Fatalf("LowStock(%d, %d, %d) = %v, want %v", tt.onHand, tt.reserved, tt.safety, got, tt.want)
			}
		})
	}
}

func TestReplayIsTheSumOfTheLedger(t *testing.T) {
	t.Parallel()
	ledger := []model.Movement{
		mv(model.MoveReceive, 100),
		mv(model.MoveSetSafetyStock, 10),
		mv(model.MoveReserve, 30),
		mv(model.MoveShip, 20),
		mv(model.MoveRelease, 5),
		mv(model.MoveReturnRestock, 2),
		mv(model.MoveWriteOff, 1),
		mv(model.MoveAdjust, -4),
		mv(model.MoveSetSafetyStock, 8),
	}
	want := model.NewBalance(100-20+2-1-4, 30-20-5, 8)
	if got := model.Replay(ledger); got != want {
		t.Fatalf("Replay = %+v, want %+v", got, want)
	}
	if got := model.Replay(nil); got != (model.Balance{}) {
		t.Fatalf("Replay(nil) = %+v, want zero", got)
	}
}

func TestMovementAndBalanceJSON(t *testing.T) {
	t.Parallel()
	m := mv(model.MoveReserve, 2)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	const wantM = `{"kind":"reserve","warehouse_id":"W-LA","sku":"SKU-1","quantity":2,"actor":"tester","at":"2025-06-09T09:00:00Z","order_id":"O-1"}`
	if string(b) != wantM {
		t.Errorf("movement JSON = %s, want %s", b, wantM)
	}
	b, _ = json.Marshal(model.NewBalance(10, 3, 2))
	const wantB = `{"on_hand":10,"reserved":3,"safety_stock":2,"available":5}`
	if string(b) != wantB {
		t.Errorf("balance JSON = %s, want %s", b, wantB)
	}
}

// opOf turns two numbers into a movement: any kind, a quantity that is sometimes beyond what
// the balance allows, sometimes zero or negative, sometimes huge.
func opOf(kindSel uint8, raw int64) model.Movement {
	kinds := model.MovementKinds
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
func checkSequence(t *testing.T, ops []model.Movement) {
	t.Helper()
	var bal model.Balance
	var ledger []model.Movement
	// An independent model of the three figures.
	var onHand, reserved, safety int64
	for i, m := range ops {
		before := bal
		next, err := bal.Apply(m)
		if err != nil {
			if next != before {
				t.Fatalf("op %d %s %d refused (%v) but changed the balance %+v → %+v", i, m.Kind, m.Quantity, err, before, next)
			}
			if m.Kind == model.MoveReserve && m.Quantity > 0 && m.Quantity <= before.Available && errors.Is(err, model.ErrOversell) {
				t.Fatalf("op %d reserve %d refused with %d available", i, m.Quantity, before.Available)
			}
			continue
		}
		if m.Kind == model.MoveReserve && m.Quantity > before.Available {
			t.Fatalf("op %d reserve %d accepted with only %d available: oversold", i, m.Quantity, before.Available)
		}
		bal = next
		ledger = append(ledger, m)
		switch m.Kind {
		case model.MoveReceive, model.MoveAdjust, model.MoveReturnRestock:
			onHand += m.Quantity
		case model.MoveWriteOff:
			onHand -= m.Quantity
		case model.MoveReserve:
			reserved += m.Quantity
		case model.MoveRelease:
			reserved -= m.Quantity
		case model.MoveShip:
			onHand -= m.Quantity
			reserved -= m.Quantity
		case model.MoveSetSafetyStock:
			safety = m.Quantity
		}
		if r := model.Replay(ledger); r != bal {
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
		ops := make([]model.Movement, n)
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
func opsOf(data []byte) []model.Movement {
	var ops []model.Movement
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
