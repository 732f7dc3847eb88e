package returns_test

import (
	"fmt"
	"testing"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/returns"
)

// benchReturns is n returns over November by n/4 buyers, a fifth of them unpriced.
func benchReturns(n int) []model.Return {
	out := make([]model.Return, n)
	for i := range out {
		c := dryRunCase{id: fmt.Sprint(i), buyer: fmt.Sprint(i % (n/4 + 1)), at: novFrom.Add(time.Duration(i) * 30 * 24 * time.Hour / time.Duration(n)),
			value: int64(500 + i%9000), estimate: int64(300 + i%1500), status: model.ReturnCompleted}
		if i%5 == 0 {
			c.estimate = 0
		}
		out[i] = fixtureReturn(c, "ret_"+c.id, model.Order{ID: "ord_" + c.id, ShopID: "shop_1", ExternalID: c.id})
	}
	return out
}

// BenchmarkDryRun weighs a month of 100,000 returns under two rule sets.
func BenchmarkDryRun(b *testing.B) {
	history := benchReturns(100_000)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		returns.DryRun(currentRules, proposedRules, history, novFrom, novTo)
	}
	b.ReportMetric(float64(b.N*len(history))/b.Elapsed().Seconds(), "returns/s")
}

// BenchmarkEvaluate decides one return by the default rules.
func BenchmarkEvaluate(b *testing.B) {
	rs := returns.Config{}.WithDefaults().DefaultRules("USD")
	f := returns.Facts{Value: usd(2500), Reason: returns.ReasonDamaged, SKUs: []string{"MUG"}, BuyerReturns: map[int]int{90: 1},
		LabelCost: ptr(usd(700))}
	b.ReportAllocs()
	for range b.N {
		returns.Evaluate(rs, f)
	}
}
