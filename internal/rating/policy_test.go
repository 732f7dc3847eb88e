package rating

import "testing"

// TestSelect: the policies and their deterministic tie-breaks, on hand-made results
// (hand-over on day 100; the quotes are in card order, carrier then service).
func TestSelect(t *testing.T) {
	t.Parallel()
	type qt struct {
		eligible bool
		total    int64
		by       Date
	}
	mk := func(qs ...qt) *Result {
		res := &Result{Handover: 100}
		for _, q := range qs {
			res.Quotes = append(res.Quotes, Quote{Eligible: q.eligible, Total: q.total, DeliveryBy: q.by})
		}
		return res
	}
	for _, tc := range []struct {
		name   string
		res    *Result
		policy Policy
		pct    int
		want   int
	}{
		{"cheapest", mk(qt{true, 500, 103}, qt{true, 400, 105}, qt{true, 450, 102}), Cheapest, 0, 1},
		{"cheapest_skips_ineligible", mk(qt{false, 100, 101}, qt{true, 400, 105}), Cheapest, 0, 1},
		{"cheapest_tie_earlier_delivery", mk(qt{true, 400, 105}, qt{true, 400, 103}), Cheapest, 0, 1},
		{"cheapest_tie_card_order", mk(qt{true, 400, 103}, qt{true, 400, 103}), Cheapest, 0, 0},
		{"empty_policy_is_cheapest", mk(qt{true, 500, 103}, qt{true, 400, 105}), "", 0, 1},
		{"none_eligible", mk(qt{false, 500, 103}), Cheapest, 0, -1},
		{"fastest", mk(qt{true, 500, 103}, qt{true, 400, 105}, qt{true, 450, 102}), Fastest, 0, 2},
		{"fastest_tie_cheaper", mk(qt{true, 500, 102}, qt{true, 450, 102}), Fastest, 0, 1},
		{"fastest_tie_card_order", mk(qt{true, 450, 102}, qt{true, 450, 102}), Fastest, 0, 0},
		// Fastest takes 2 days; 50 % more is 3 days: day 103 qualifies, day 104 does not.
		{"best_value_within", mk(qt{true, 500, 102}, qt{true, 420, 103}, qt{true, 300, 104}), BestValue, 50, 1},
		{"best_value_wider", mk(qt{true, 500, 102}, qt{true, 420, 103}, qt{true, 300, 104}), BestValue, 100, 2},
		{"best_value_zero_is_cheapest_of_fastest", mk(qt{true, 500, 102}, qt{true, 450, 102}, qt{true, 300, 104}), BestValue, 0, 1},
		{"best_value_none", mk(qt{false, 500, 102}), BestValue, 50, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.res.Select(tc.policy, tc.pct); got != tc.want || tc.res.Selected != tc.want {
				t.Errorf("Select = %d (Selected %d), want %d", got, tc.res.Selected, tc.want)
			}
		})
	}
	for _, s := range []string{"", "cheapest", "fastest", "best_value"} {
		if _, err := ParsePolicy(s); err != nil {
			t.Errorf("ParsePolicy(%q): %v", s, err)
		}
	}
	if _, err := ParsePolicy("slowest"); err == nil {
		t.Error("ParsePolicy(slowest) should fail")
	}
}
