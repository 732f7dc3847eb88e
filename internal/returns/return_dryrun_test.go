package returns_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"lastmile/internal/ident"
	"lastmile/internal/model"
	"lastmile/internal/returns"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// The dry-run fixture: November 2026 (UTC), a current rule set and a proposed one, and eight
// returns whose decisions and money were worked out by hand (the table below).
var (
	novFrom = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	novTo   = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

	// current: goods under 10.00 USD are refunded without return; the rest come back.
	currentRules = model.ReturnRules{Default: model.DecideReturn, AutoApply: true, Rules: []model.ReturnRule{
		{Name: "low-value", Decision: model.DecideRefundOnly, ValueBelow: ptr(usd(1000))},
	}}
	// proposed: a buyer with 2 other returns in 30 days is reviewed; a label costing 40% of the
	// goods or more, or goods under 20.00 USD, are refunded without return.
	proposedRules = model.ReturnRules{Default: model.DecideReturn, AutoApply: true, Rules: []model.ReturnRule{
		{Name: "repeat", Decision: model.DecideReview, BuyerReturnsAtLeast: ptr(2), BuyerWindowDays: 30},
		{Name: "label-costs-more", Decision: model.DecideRefundOnly, LabelCostPctAtLeast: ptr(40)},
		{Name: "low-value", Decision: model.DecideRefundOnly, ValueBelow: ptr(usd(2000))},
	}}
)

// dryRunCase is one return of the fixture.
type dryRunCase struct {
	id, buyer string
	at        time.Time
	value     int64
	estimate  int64 // 0: not priced
	status    model.ReturnStatus
}

// dryRunFixture, worked out by hand:
//
//	     buyer  requested  value  label   current                proposed
//	h0   A      Oct 20     30.00   8.00   (before the period: only A's history)
//	r1   A      Nov 5      30.00  10.00   return                 return (A: 1 other in 30 d; 33% < 40%; 30 ≥ 20)
//	r2   A      Nov 10     15.00   7.00   return                 review (A: h0, r1 = 2 others in 30 d)
//	r3   B      Nov 12      8.00   6.00   refund_only (< 10)     refund_only (75% ≥ 40%)
//	r4   C      Nov 15     25.00  11.00   return                 refund_only (44% ≥ 40%)
//	r5   D      Nov 20     18.00   5.00   return                 refund_only (28% < 40%, but 18 < 20)
//	r6   E      Nov 25     50.00     —    return (unpriced)      return (label unknown; 50 ≥ 20)
//	r7   F      Nov 28      9.00   4.00   cancelled by the buyer: left out
//	r8   G      Dec 2       5.00   3.00   after the period: left out
//
// current:  refund_only 1 (r3), return 5, review 0; refunded 8.00; label spent 10+7+11+5 = 33.00;
// saved 6.00; unpriced 1. proposed: refund_only 3 (r3, r4, r5), return 2 (r1, r6), review 1 (r2);
// refunded 8+25+18 = 51.00; spent 10.00; saved 6+11+5 = 22.00; unpriced 1.
func dryRunFixture() []dryRunCase {
	d := func(m time.Month, day int) time.Time { return time.Date(2026, m, day, 12, 0, 0, 0, time.UTC) }
	return []dryRunCase{
		{"h0", "A", d(10, 20), 3000, 800, model.ReturnCompleted},
		{"r1", "A", d(11, 5), 3000, 1000, model.ReturnCompleted},
		{"r2", "A", d(11, 10), 1500, 700, model.ReturnAwaitingBuyerShip},
		{"r3", "B", d(11, 12), 800, 600, model.ReturnRefunded},
		{"r4", "C", d(11, 15), 2500, 1100, model.ReturnCompleted},
		{"r5", "D", d(11, 20), 1800, 500, model.ReturnCompleted},
		{"r6", "E", d(11, 25), 5000, 0, model.ReturnAwaitingBuyerShip},
		{"r7", "F", d(11, 28), 900, 400, model.ReturnCancelled},
		{"r8", "G", d(12, 2), 500, 300, model.ReturnRefunded},
	}
}

func wantDryRun(ids map[string]string) returns.DryRunReport {
	m := func(a int64) []model.Money { return []model.Money{usd(a)} }
	return returns.DryRunReport{
		From: novFrom, To: novTo, Returns: 6,
		Current: returns.DryRunSummary{Decisions: returns.DecisionCounts{RefundOnly: 1, Return: 5},
			RefundedWithoutReturn: m(800), ReturnShipping: m(3300), ReturnShippingSaved: m(600), Unpriced: 1},
		Proposed: returns.DryRunSummary{Decisions: returns.DecisionCounts{RefundOnly: 3, Return: 2, Review: 1},
			RefundedWithoutReturn: m(5100), ReturnShipping: m(1000), ReturnShippingSaved: m(2200), Unpriced: 1},
		Delta: returns.DryRunSummary{Decisions: returns.DecisionCounts{RefundOnly: 2, Return: -3, Review: 1},
			RefundedWithoutReturn: m(4300), ReturnShipping: m(-2300), ReturnShippingSaved: m(1600), Unpriced: 0},
		ChangedCount: 3,
		Changed: []returns.DryRunChange{
			{ID: ids["r2"], Current: model.DecideReturn, Proposed: model.DecideReview, Rule: "repeat"},
			{ID: ids["r4"], Current: model.DecideReturn, Proposed: model.DecideRefundOnly, Rule: "label-costs-more"},
			{ID: ids["r5"], Current: model.DecideReturn, Proposed: model.DecideRefundOnly, Rule: "low-value"},
		},
	}
}

// fixtureReturn is case c as a stored return of order o.
func fixtureReturn(c dryRunCase, id string, o model.Order) model.Return {
	r := model.Return{ID: id, ShopID: o.ShopID, Source: "api", OrderID: o.ID, OrderExternalID: o.ExternalID, Market: "US", Status: c.status,
		Type: "RETURN_AND_REFUND", Reason: returns.ReasonOther, Lines: []model.ReturnLine{{SKU: "SKU-" + c.id, Quantity: 1, UnitPrice: usd(c.value)}},
		Buyer: model.Buyer{Name: "Buyer " + c.buyer}, BuyerKey: "name:buyer " + c.buyer, Value: usd(c.value),
		RequestedAt: c.at, CreatedAt: c.at, UpdatedAt: c.at, Version: 1}
	if c.estimate > 0 {
		r.Estimate = &model.ReturnEstimate{Carrier: "usps", Service: "ground-advantage", Cost: ptr(usd(c.estimate))}
	}
	return r
}

// withoutReasons drops the changes' reasons, which TestEachRule checks, to compare the rest.
func withoutReasons(r returns.DryRunReport) returns.DryRunReport {
	for i := range r.Changed {
		r.Changed[i].Reason = ""
	}
	return r
}

// TestDryRunFixture runs the hand-computed fixture through the pure dry run.
func TestDryRunFixture(t *testing.T) {
	t.Parallel()
	var history []model.Return
	ids := map[string]string{}
	for _, c := range dryRunFixture() {
		ids[c.id] = "ret_" + c.id
		history = append(history, fixtureReturn(c, ids[c.id], model.Order{ID: "ord_" + c.id, ShopID: "shop_1", ExternalID: c.id}))
	}
	got := returns.DryRun(currentRules, proposedRules, history, novFrom, novTo)
	if !reflect.DeepEqual(withoutReasons(got), wantDryRun(ids)) {
		t.Fatalf("dry run:\n got %+v\nwant %+v", got, wantDryRun(ids))
	}
}

// TestDryRunService runs the fixture through the store (both drivers) and the service: the
// shop's current rules against proposed ones over November, and refuses a bad proposal.
func TestDryRunService(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)
		e.clock.Set(time.Date(2026, 12, 10, 9, 0, 0, 0, la)) // "last month" is November
		if _, err := e.ret.SetRules(ctx, e.scope, "", currentRules); err != nil {
			t.Fatal(err)
		}
		ids := map[string]string{}
		for _, c := range dryRunFixture() {
			o := e.put(t, e.usOrder("DR-"+c.id, model.StatusDelivered, line("SKU-"+c.id, 1, c.value)))
			ids[c.id] = ident.New("ret", c.at)
			r := fixtureReturn(c, ids[c.id], o)
			if _, err := st.UpsertReturn(ctx, e.shop.ID, "", func(*model.Return) (store.ReturnChange, error) {
				return store.ReturnChange{Return: r, Changed: true}, nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		// November in Los Angeles is not November in UTC: pass the fixture's bounds.
		got, err := e.ret.DryRun(ctx, e.scope, returns.DryRunRequest{Rules: proposedRules, From: &novFrom, To: &novTo})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(withoutReasons(got), wantDryRun(ids)) {
			t.Fatalf("dry run:\n got %+v\nwant %+v", got, wantDryRun(ids))
		}
		// The default period is last calendar month in the market's zone.
		def, err := e.ret.DryRun(ctx, e.scope, returns.DryRunRequest{Rules: proposedRules})
		if err != nil {
			t.Fatal(err)
		}
		from, to := time.Date(2026, 11, 1, 0, 0, 0, 0, la), time.Date(2026, 12, 1, 0, 0, 0, 0, la) // PDT to PST
		if !def.From.Equal(from) || !def.To.Equal(to) || def.Returns != 6 {
			t.Errorf("default period %v–%v with %d returns", def.From, def.To, def.Returns)
		}
		bad := proposedRules
		bad.Default = "sometimes"
		if _, err := e.ret.DryRun(ctx, e.scope, returns.DryRunRequest{Rules: bad}); err == nil || !containsField(err, "rules.default") {
			t.Errorf("a bad proposal: %v", err)
		}
	})
}

func containsField(err error, field string) bool {
	ve, ok := err.(*model.ValidationError)
	if !ok {
		return false
	}
	for _, p := range ve.Problems {
		if p.Field == field {
			return true
		}
	}
	return false
}
