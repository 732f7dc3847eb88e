package returns_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/returns"
)

// FuzzRules: a rule set as the API receives it (JSON) is either refused by ValidateRules or,
// once accepted, decides any return with one of the three decisions and a stated reason, never
// a panic; the decision names a rule of the set or none.
func FuzzRules(f *testing.F) {
	seed, _ := json.Marshal(returns.Config{}.WithDefaults().DefaultRules("USD"))
	f.Add(seed, int64(999), "USD", "damaged_in_transit", "GLS-1", int64(500), 3)
	f.Add([]byte(`{"default":"review","categories":[{"name":"g","sku_prefixes":["GLS-"]}],"rules":[{"name":"a","decision":"refund_only","categories":["g"],"label_cost_pct_at_least":1}]}`),
		int64(0), "USD", "other", "GLS-1", int64(0), 0)
	f.Add([]byte(`{"default":"return","rules":[{"name":"x","decision":"return","value_below":{"amount":1,"currency":"JPY"}}]}`),
		int64(-5), "JPY", "", "", int64(-1), -1)
	f.Fuzz(func(t *testing.T, doc []byte, value int64, currency, reason, sku string, label int64, buyer int) {
		var rs model.ReturnRules
		if json.Unmarshal(doc, &rs) != nil || returns.ValidateRules(rs) != nil {
			return
		}
		f := returns.Facts{Value: model.Money{Amount: value, Currency: currency}, Reason: reason, SKUs: []string{sku},
			BuyerReturns: map[int]int{}}
		for _, w := range returns.BuyerWindows(rs) {
			f.BuyerReturns[w] = buyer
		}
		if label >= 0 {
			f.LabelCost = &model.Money{Amount: label, Currency: currency}
		}
		d := returns.Evaluate(rs, f)
		if !d.Kind.Valid() || d.Reason == "" {
			t.Fatalf("decision %+v of %s", d, doc)
		}
		if d.Rule != "" && !slices.ContainsFunc(rs.Rules, func(r model.ReturnRule) bool { return r.Name == d.Rule && r.Decision == d.Kind }) {
			t.Fatalf("decision %+v names no rule of the set that decides it", d)
		}
	})
}

// FuzzParsePeriod: a period from the query string is refused, or a span of at most 366 days
// (a month, a week, or the days up to now) that ends after it starts.
func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2026-11", "2026-W48", "30d", "", "9999-12", "0001-01", "366d", "2026-00", "-1d", "2026-1"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	loc, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := returns.ParsePeriod(s, now, loc)
		if err != nil {
			return
		}
		if !p.Start.Before(p.End) || p.End.Sub(p.Start) > 367*24*time.Hour || p.Label == "" {
			t.Fatalf("%q: %+v", s, p)
		}
	})
}

// FuzzReasonOf: any marketplace reason text maps to one of the reason codes, and a code maps
// to itself.
func FuzzReasonOf(f *testing.F) {
	for _, s := range append(slices.Clone(returns.ReasonCodes), "Item not as described", "Package damaged", "商品损坏", "") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := returns.ReasonOf(s)
		if !slices.Contains(returns.ReasonCodes, got) {
			t.Fatalf("ReasonOf(%q) = %q, not a reason code", s, got)
		}
		if returns.ReasonOf(got) != got {
			t.Fatalf("ReasonOf(%q) = %q, but that code maps to %q", s, got, returns.ReasonOf(got))
		}
	})
}
