package order_test

import (
	"errors"
	"testing"
	"time"

	"lastmile/internal/address"
	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/order"
)

func checked(t *testing.T, edit func(o *model.Order)) model.Order {
	t.Helper()
	o := contractOrder()
	edit(&o)
	o.ShippingAddress = address.Normalize(o.ShippingAddress)
	order.Check(&o, config.DefaultMarkets()[o.Market])
	return o
}

func TestCheckBatteryWordsWarnWithoutHolding(t *testing.T) {
	t.Parallel()
	// R-SHIP-6: goods that usually hold a battery but are not flagged get a warning, never a hold.
	for _, name := range []string{"Power bank 10000mAh", "POWERBANK-10K", "Lithium battery pack", "充电宝", "18650 cell", "AA Batteries x4"} {
		o := checked(t, func(o *model.Order) { o.Lines[0].Name = name })
		if o.NeedsAttention || len(o.Problems) != 1 || o.Problems[0].Code != "battery_flag_missing" ||
			o.Problems[0].Severity != model.SeverityWarning || o.Problems[0].Field != "lines[0].has_battery" {
			t.Errorf("%q: needs_attention=%v problems %+v", name, o.NeedsAttention, o.Problems)
		}
		flagged := checked(t, func(o *model.Order) { o.Lines[0].Name = name; o.Lines[0].HasBattery = true })
		if len(flagged.Problems) != 0 {
			t.Errorf("%q flagged as battery still warns: %+v", name, flagged.Problems)
		}
	}
	if o := checked(t, func(o *model.Order) { o.Lines[0].Name = "Battenberg cake tin" }); len(o.Problems) != 0 {
		t.Errorf("a word that merely starts like battery warns: %+v", o.Problems)
	}
}

func TestCheckDeclaredNameIsConfigurable(t *testing.T) {
	t.Parallel()
	o := contractOrder()
	o.Lines[0].DeclaredName = ""
	mk := config.DefaultMarkets()["US"]
	order.Check(&o, mk)
	if !o.NeedsAttention {
		t.Fatal("a missing customs name must hold the order by default (R-SHIP-6)")
	}
	mk.RequireDeclaredName = false
	order.Check(&o, mk)
	if o.NeedsAttention || len(o.Problems) != 0 {
		t.Fatalf("with RequireDeclaredName off the order is held: %+v", o.Problems)
	}
}

func TestCheckCODFollowsTheMarket(t *testing.T) {
	t.Parallel()
	// R-MKT-2: COD in TH is fine, in US it holds the order.
	th := contractOrder()
	th.Market, th.Currency = "TH", "THB"
	th.Lines[0].UnitPrice.Currency = "THB"
	th.ShippingAddress = model.Address{Name: "Somchai Srisuk", Line1: "99 Sukhumvit Road", City: "Bangkok", Region: "Bangkok",
		PostalCode: "10110", Country: "TH", Phone: "081 234 5678"}
	th.COD = &model.Money{Amount: 46199, Currency: "THB"}
	th.ShippingAddress = address.Normalize(th.ShippingAddress)
	order.Check(&th, config.DefaultMarkets()["TH"])
	if th.NeedsAttention {
		t.Fatalf("a COD order in TH is held: %+v", th.Problems)
	}
	us := checked(t, func(o *model.Order) { o.COD = &model.Money{Amount: 2598, Currency: "USD"} })
	if !us.NeedsAttention || us.Problems[0].Code != "cod_not_offered" || us.Problems[0].Field != "cod" {
		t.Fatalf("a COD order in US: %+v", us.Problems)
	}
}

func TestCorrectMergesPerSKUAndSurvivesMerge(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	stored, _, err := order.Merge(nil, withID(contractOrder()), now, "test")
	if err != nil {
		t.Fatal(err)
	}
	name := "Cotton T-shirt, red"
	correct(t, &stored, `{"lines":[{"sku":"TSHIRT-RED-M","declared_name":"Cotton T-shirt, red"}]}`, now)
	correct(t, &stored, `{"shipping_address":{"name":"Jane Doe","line1":"1 Main St","city":"Austin","region":"TX","postal_code":"78701","country":"US","phone":"+15125550100"},
		"lines":[{"sku":"TSHIRT-RED-M","has_battery":true,"weight_g":200}]}`, now)
	fixed := model.Address{Name: "Jane Doe", Line1: "1 Main St", City: "Austin", Region: "TX", PostalCode: "78701", Country: "US", Phone: "+15125550100"}
	l := stored.Lines[0]
	if stored.ShippingAddress != fixed || l.DeclaredName != name || !l.HasBattery || l.WeightG != 200 || stored.Version != 3 {
		t.Fatalf("corrections not applied together: %+v %+v v%d", stored.ShippingAddress, l, stored.Version)
	}

	// A newer marketplace version with its own (uncorrected) data: the corrections stay on top.
	newer := withID(contractOrder())
	newer.UpdatedAt = newer.UpdatedAt.Add(time.Hour)
	newer.Lines[0].Quantity = 3
	merged, outcome, err := order.Merge(&stored, newer, now.Add(time.Hour), "test")
	if err != nil || outcome != model.OutcomeUpdated {
		t.Fatal(outcome, err)
	}
	ml := merged.Lines[0]
	if merged.ShippingAddress != fixed || ml.DeclaredName != name || !ml.HasBattery || ml.WeightG != 200 || ml.Quantity != 3 {
		t.Fatalf("the merge lost a correction or the new quantity: %+v %+v", merged.ShippingAddress, ml)
	}
	// A line the marketplace no longer has simply has nothing to correct.
	newer.Lines[0].SKU = "OTHER"
	merged, _, _ = order.Merge(&stored, newer, now.Add(2*time.Hour), "test")
	if merged.Lines[0].HasBattery {
		t.Fatal("a correction was applied to another SKU")
	}

	var ve *model.ValidationError
	if _, err := order.Correct(&stored, patch(t, `{"lines":[{"sku":"NOPE","has_battery":true}]}`), now, "test"); !errors.As(err, &ve) || ve.Problems[0].Code != "sku_unknown" {
		t.Fatalf("unknown SKU: %v", err)
	}
	if changed, err := order.Correct(&stored, patch(t, `{}`), now, "test"); changed || err != nil {
		t.Fatalf("empty merge patch: changed %v, %v", changed, err)
	}
}

func withID(o model.Order) model.Order {
	o.ID = "ord_test"
	return o
}
