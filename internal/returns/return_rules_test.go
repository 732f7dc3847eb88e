package returns_test

import (
	"errors"
	"strings"
	"testing"

	"lastmile/internal/model"
	"lastmile/internal/returns"
)

func ptr[T any](v T) *T { return &v }

func usd(a int64) model.Money { return model.Money{Amount: a, Currency: "USD"} }

// TestEachRule holds each condition of a refund-without-return rule (R-RET-2) to its meaning,
// on both sides of its line, with the reason it gives.
func TestEachRule(t *testing.T) {
	t.Parallel()
	fragile := model.SKUCategory{Name: "fragile", Prefixes: []string{"GLS-"}, SKUs: []string{"VASE-1"}}
	base := returns.Facts{Value: usd(2000), Reason: returns.ReasonDamaged, SKUs: []string{"MUG"}, BuyerReturns: map[int]int{}}
	with := func(f func(*returns.Facts)) returns.Facts {
		c := base
		c.BuyerReturns = map[int]int{}
		for k, v := range base.BuyerReturns {
			c.BuyerReturns[k] = v
		}
		f(&c)
		return c
	}
	for _, c := range []struct {
		name  string
		rule  model.ReturnRule
		facts returns.Facts
		match bool
		why   string
	}{
		{"value below", model.ReturnRule{ValueBelow: ptr(usd(1500))}, with(func(f *returns.Facts) { f.Value = usd(1499) }), true,
			"the goods' value 14.99 USD is below 15.00 USD"},
		{"value at the threshold", model.ReturnRule{ValueBelow: ptr(usd(1500))}, with(func(f *returns.Facts) { f.Value = usd(1500) }), false,
			"the goods' value 15.00 USD is not below 15.00 USD"},
		{"value in another currency", model.ReturnRule{ValueBelow: ptr(usd(1500))}, with(func(f *returns.Facts) { f.Value = model.Money{Amount: 100, Currency: "GBP"} }), false,
			"its threshold is in USD, the goods' value in GBP"},
		{"reason listed", model.ReturnRule{Reasons: []string{returns.ReasonDamaged, returns.ReasonNotAsDescribed}}, base, true,
			"the reason damaged_in_transit is one of damaged_in_transit, not_as_described"},
		{"reason not listed", model.ReturnRule{Reasons: []string{returns.ReasonDamaged}}, with(func(f *returns.Facts) { f.Reason = returns.ReasonChangedMind }), false,
			"the reason changed_mind is not one of damaged_in_transit"},
		{"buyer history at least", model.ReturnRule{BuyerReturnsAtLeast: ptr(2), BuyerWindowDays: 30}, with(func(f *returns.Facts) { f.BuyerReturns[30] = 2 }), true,
			"the buyer has 2 other returns in the last 30 days, at least 2"},
		{"buyer history below", model.ReturnRule{BuyerReturnsAtLeast: ptr(2), BuyerWindowDays: 30}, with(func(f *returns.Facts) { f.BuyerReturns[30] = 1 }), false,
			"the buyer has 1 other returns in the last 30 days, fewer than 2"},
		{"first return (default window)", model.ReturnRule{BuyerReturnsAtMost: ptr(0)}, with(func(f *returns.Facts) { f.BuyerReturns[90] = 0 }), true,
			"0 other returns in the last 90 days, at most 0"},
		{"not the first return", model.ReturnRule{BuyerReturnsAtMost: ptr(0)}, with(func(f *returns.Facts) { f.BuyerReturns[90] = 1 }), false,
			"1 other returns in the last 90 days, more than 0"},
		{"category by prefix and list", model.ReturnRule{Categories: []string{"fragile"}}, with(func(f *returns.Facts) { f.SKUs = []string{"GLS-CUP", "VASE-1"} }), true,
			"every SKU is in fragile"},
		{"a SKU outside the category", model.ReturnRule{Categories: []string{"fragile"}}, with(func(f *returns.Facts) { f.SKUs = []string{"GLS-CUP", "MUG"} }), false,
			"SKU MUG is in none of the categories fragile"},
		{"label at half the value", model.ReturnRule{LabelCostPctAtLeast: ptr(50)}, with(func(f *returns.Facts) { f.LabelCost = ptr(usd(1000)) }), true,
			"the return label's estimated 10.00 USD is at least 50% of the goods' value 20.00 USD"},
		{"label just under half", model.ReturnRule{LabelCostPctAtLeast: ptr(50)}, with(func(f *returns.Facts) { f.LabelCost = ptr(usd(999)) }), false,
			"is less than 50% of the goods' value"},
		{"label cost unknown", model.ReturnRule{LabelCostPctAtLeast: ptr(50)}, base, false, "the return label's cost is not known"},
		{"label in another currency", model.ReturnRule{LabelCostPctAtLeast: ptr(50)},
			with(func(f *returns.Facts) { f.LabelCost = &model.Money{Amount: 5000, Currency: "GBP"} }), false, "priced in GBP, the goods in USD"},
		{"every condition", model.ReturnRule{ValueBelow: ptr(usd(5000)), Reasons: []string{returns.ReasonDamaged}, Categories: []string{"fragile"},
			LabelCostPctAtLeast: ptr(25)}, with(func(f *returns.Facts) { f.SKUs = []string{"VASE-1"}; f.LabelCost = ptr(usd(500)) }), true,
			"the goods' value 20.00 USD is below 50.00 USD; the reason damaged_in_transit is one of damaged_in_transit; every SKU is in fragile; the return label's estimated 5.00 USD is at least 25%"},
		{"every condition but one", model.ReturnRule{ValueBelow: ptr(usd(5000)), Reasons: []string{returns.ReasonDamaged}, Categories: []string{"fragile"}},
			with(func(f *returns.Facts) { f.SKUs = []string{"MUG"} }), false, "SKU MUG is in none"},
		{"no condition", model.ReturnRule{}, base, true, "matches every return"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := c.rule
			r.Name, r.Decision = "the-rule", model.DecideRefundOnly
			rs := model.ReturnRules{Default: model.DecideReturn, Categories: []model.SKUCategory{fragile}, Rules: []model.ReturnRule{r}}
			if err := returns.ValidateRules(rs); err != nil {
				t.Fatalf("the rule set is invalid: %v", err)
			}
			d := returns.Evaluate(rs, c.facts)
			if got := d.Kind == model.DecideRefundOnly; got != c.match {
				t.Fatalf("decision %s (%s), want match %v", d.Kind, d.Reason, c.match)
			}
			if c.match && d.Rule != "the-rule" || !c.match && (d.Rule != "" || d.Kind != model.DecideReturn) {
				t.Errorf("rule %q kind %s", d.Rule, d.Kind)
			}
			if !strings.Contains(d.Reason, c.why) {
				t.Errorf("reason %q lacks %q", d.Reason, c.why)
			}
		})
	}
}

// TestFirstRuleDecides: rules are tried in order; the default decides when none matches, and
// its reason says why each rule did not.
func TestFirstRuleDecides(t *testing.T) {
	t.Parallel()
	rs := model.ReturnRules{Default: model.DecideReview, Rules: []model.ReturnRule{
		{Name: "serial", Decision: model.DecideReview, BuyerReturnsAtLeast: ptr(3)},
		{Name: "cheap", Decision: model.DecideRefundOnly, ValueBelow: ptr(usd(1000))},
		{Name: "damaged", Decision: model.DecideReturn, Reasons: []string{returns.ReasonDamaged}},
	}}
	f := returns.Facts{Value: usd(500), Reason: returns.ReasonDamaged, BuyerReturns: map[int]int{90: 3}}
	if d := returns.Evaluate(rs, f); d.Rule != "serial" || d.Kind != model.DecideReview {
		t.Errorf("serial returner: %+v", d)
	}
	f.BuyerReturns[90] = 0
	if d := returns.Evaluate(rs, f); d.Rule != "cheap" || d.Kind != model.DecideRefundOnly {
		t.Errorf("cheap and damaged: %+v", d)
	}
	f.Value, f.Reason = usd(5000), returns.ReasonChangedMind
	d := returns.Evaluate(rs, f)
	if d.Rule != "" || d.Kind != model.DecideReview || !strings.Contains(d.Reason, "cheap: the goods' value 50.00 USD is not below 10.00 USD") ||
		!strings.Contains(d.Reason, "damaged: the reason changed_mind is not one of damaged_in_transit") || !strings.Contains(d.Reason, "the default decides: review") {
		t.Errorf("nothing matches: %+v", d)
	}
}

// TestDefaultRules: the defaults of a shop without rules, for its currency.
func TestDefaultRules(t *testing.T) {
	t.Parallel()
	cfg := returns.Config{}.WithDefaults()
	us := cfg.DefaultRules("USD")
	if err := returns.ValidateRules(us); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range us.Rules {
		names = append(names, r.Name)
	}
	if strings.Join(names, ",") != "repeat-returner,low-value,label-costs-more" || !us.AutoApply || us.Default != model.DecideReturn ||
		*us.Rules[1].ValueBelow != usd(1500) || *us.Rules[2].LabelCostPctAtLeast != 50 || *us.Rules[0].BuyerReturnsAtLeast != 3 {
		t.Errorf("US defaults %+v", us)
	}
	if xx := cfg.DefaultRules("XXX"); len(xx.Rules) != 2 {
		t.Errorf("a currency without a low-value figure has %d rules, want 2", len(xx.Rules))
	}
}

// TestValidateRules names each problem's field.
func TestValidateRules(t *testing.T) {
	t.Parallel()
	rs := model.ReturnRules{Default: "maybe", Categories: []model.SKUCategory{{Name: "x"}, {Name: "x", Prefixes: []string{""}}},
		Rules: []model.ReturnRule{
			{Name: "a", Decision: "yes", ValueBelow: &model.Money{Amount: -1, Currency: "usd"}, Reasons: []string{"meh"}},
			{Name: "a", Decision: model.DecideReturn, BuyerReturnsAtLeast: ptr(-1), BuyerWindowDays: 1000, Categories: []string{"nope"}, LabelCostPctAtLeast: ptr(0)},
			{Decision: model.DecideReturn},
		}}
	err := returns.ValidateRules(rs)
	var ve *model.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("got %v", err)
	}
	got := map[string]bool{}
	for _, p := range ve.Problems {
		got[p.Field] = true
	}
	for _, f := range []string{"default", "categories[0]", "categories[1].name", "categories[1].sku_prefixes[0]", "rules[0].decision",
		"rules[0].value_below.currency", "rules[0].value_below.amount", "rules[0].reasons[0]", "rules[1].name", "rules[1].buyer_returns_at_least",
		"rules[1].buyer_window_days", "rules[1].categories[0]", "rules[1].label_cost_pct_at_least", "rules[2].name"} {
		if !got[f] {
			t.Errorf("no problem named %s; got %v", f, got)
		}
	}
}

func TestReasonOf(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Item not as described": returns.ReasonNotAsDescribed, "Package damaged": returns.ReasonDamaged,
		"Received wrong item": returns.ReasonWrongItem, "Missing parts or accessories": returns.ReasonMissingParts,
		"Doesn't work": returns.ReasonDefective, "Size too small": returns.ReasonSizeFit, "No longer needed": returns.ReasonChangedMind,
		"Arrived too late": returns.ReasonArrivedLate, "changed_mind": returns.ReasonChangedMind, "": returns.ReasonOther, "其他": returns.ReasonOther,
	} {
		if got := returns.ReasonOf(in); got != want {
			t.Errorf("ReasonOf(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestFormatMoney(t *testing.T) {
	t.Parallel()
	for m, want := range map[model.Money]string{
		usd(1299): "12.99 USD", usd(5): "0.05 USD", usd(-250): "-2.50 USD", {Amount: 1500, Currency: "JPY"}: "1500 JPY",
		{Amount: 14900000, Currency: "IDR"}: "149000.00 IDR", {Amount: 1234, Currency: "BHD"}: "1.234 BHD",
	} {
		if got := returns.FormatMoney(m); got != want {
			t.Errorf("FormatMoney(%v) = %s, want %s", m, got, want)
		}
	}
}
