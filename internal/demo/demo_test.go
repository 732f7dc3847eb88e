package demo

import (
	"reflect"
	"testing"
	"time"

	"lastmile/internal/address"
	"lastmile/internal/config"
	"lastmile/internal/order"
)

// TestOrdersAreValidInEveryMarket: a demo that shows its newcomer refused orders would be worse
// than none. Every generated order passes the order validation of its market, and after the
// address clean-up only the few deliberately wrong ones (one in 40) are held (R-ORD-6).
func TestOrdersAreValidInEveryMarket(t *testing.T) {
	t.Parallel()
	markets := config.DefaultMarkets()
	g := NewGenerator(42)
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	battery, cod, held := 0, 0, 0
	for i := range 500 {
		m := Markets[i%len(Markets)]
		o := g.Order(m, now)
		order.Normalize(&o)
		if p := order.Validate(&o, markets); len(p) > 0 {
			t.Fatalf("demo order for %s is invalid: %+v\n%+v", m, p, o)
		}
		o.ShippingAddress = address.Normalize(o.ShippingAddress)
		order.Check(&o, markets[m])
		if o.NeedsAttention {
			held++
			if len(o.Problems) != 1 || o.Problems[0].Code != "postal_code_format" {
				t.Fatalf("demo order %d for %s held for %+v; only the deliberate postal-code slip should hold one", i, m, o.Problems)
			}
		}
		if o.Market != m || o.Currency != markets[m].Currency {
			t.Fatalf("demo order for %s has market %s currency %s", m, o.Market, o.Currency)
		}
		if o.COD != nil {
			cod++
			if !markets[m].CODAllowed {
				t.Fatalf("COD order in %s, where COD is not offered (R-MKT-2)", m)
			}
		}
		for _, l := range o.Lines {
			if l.HasBattery {
				battery++
			}
		}
	}
	if held != 500/40 {
		t.Fatalf("%d of 500 demo orders held, want %d (one in 40)", held, 500/40)
	}
	if battery == 0 || cod == 0 {
		t.Fatalf("500 demo orders with %d battery lines and %d COD orders: the demo should show both", battery, cod)
	}
}

func TestGeneratorIsDeterministic(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	a, b := NewGenerator(7), NewGenerator(7)
	for range 20 {
		oa, ob := a.Order("TH", now), b.Order("TH", now)
		if !reflect.DeepEqual(oa, ob) {
			t.Fatalf("same seed, different orders:\n%+v\n%+v", oa, ob)
		}
	}
	if o := NewGenerator(8).Order("TH", now); reflect.DeepEqual(o, NewGenerator(7).Order("TH", now)) {
		t.Fatal("different seeds gave the same order")
	}
}
