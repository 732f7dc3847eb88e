package returns

import (
	"cmp"
	"slices"
	"time"

	"lastmile/internal/model"
)

// This file is the rules' dry run (R-RET-2), pure: what a period's returns would have cost under
// a proposed rule set, against the current one, both worked out afresh from the same facts.

// DryRunReport compares two rule sets over the returns requested in [From, To).
type DryRunReport struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Returns is how many returns were weighed (cancelled requests are left out: they cost
	// nothing either way).
	Returns  int           `json:"returns"`
	Current  DryRunSummary `json:"current"`
	Proposed DryRunSummary `json:"proposed"`
	// Delta is Proposed minus Current.
	Delta DryRunSummary `json:"delta"`
	// Changed lists the returns whose decision differs, at most MaxDryRunChanges of them.
	Changed []DryRunChange `json:"changed"`
	// ChangedCount counts them all.
	ChangedCount int `json:"changed_count"`
}

// DryRunSummary is what one rule set decides over the returns, and its money: the goods refunded
// without coming back, and the return labels paid for (or not).
type DryRunSummary struct {
	Decisions DecisionCounts `json:"decisions"`
	// RefundedWithoutReturn is the goods' value refunded while the buyer keeps the goods.
	RefundedWithoutReturn []model.Money `json:"refunded_without_return"`
	// ReturnShipping is the return labels' estimated cost of the returns asked back.
	ReturnShipping []model.Money `json:"return_shipping_spent"`
	// ReturnShippingSaved is the return labels' estimated cost of the refunds without return:
	// labels not bought.
	ReturnShippingSaved []model.Money `json:"return_shipping_saved"`
	// Unpriced counts the returns whose label cost is not known (left out of the sums).
	Unpriced int `json:"unpriced"`
}

// DecisionCounts counts decisions by kind.
type DecisionCounts struct {
	RefundOnly int `json:"refund_only"`
	Return     int `json:"return"`
	Review     int `json:"review"`
}

// DryRunChange is one return decided differently.
type DryRunChange struct {
	ID       string                   `json:"id"`
	Current  model.ReturnDecisionKind `json:"current"`
	Proposed model.ReturnDecisionKind `json:"proposed"`
	// Rule is the proposed rule that decided it ("" for the default).
	Rule   string `json:"rule,omitempty"`
	Reason string `json:"reason"`
}

// MaxDryRunChanges bounds the changes a report lists.
const MaxDryRunChanges = 200

// DryRun weighs the returns requested in [from, to) under both rule sets. history holds every
// return the buyer-history rules may look back on: those of the period and of the longest
// window before it (a return outside [from, to) only counts towards another's history).
func DryRun(current, proposed model.ReturnRules, history []model.Return, from, to time.Time) DryRunReport {
	rep := DryRunReport{From: from, To: to, Changed: []DryRunChange{}}
	windows := BuyerWindows(current, proposed)
	byBuyer := map[string][]time.Time{}
	for i := range history {
		r := &history[i]
		byBuyer[r.BuyerKey] = append(byBuyer[r.BuyerKey], r.RequestedAt)
	}
	for _, times := range byBuyer {
		slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	}
	var cur, prop tally
	for i := range history {
		r := &history[i]
		if r.RequestedAt.Before(from) || !r.RequestedAt.Before(to) || r.Status == model.ReturnCancelled {
			continue
		}
		rep.Returns++
		f := FactsOf(r, buyerCounts(byBuyer[r.BuyerKey], r.RequestedAt, windows))
		dc, dp := Evaluate(current, f), Evaluate(proposed, f)
		cur.add(r, dc.Kind)
		prop.add(r, dp.Kind)
		if dc.Kind != dp.Kind {
			rep.ChangedCount++
			if len(rep.Changed) < MaxDryRunChanges {
				rep.Changed = append(rep.Changed, DryRunChange{ID: r.ID, Current: dc.Kind, Proposed: dp.Kind, Rule: dp.Rule, Reason: dp.Reason})
			}
		}
	}
	rep.Current, rep.Proposed = cur.summary(), prop.summary()
	rep.Delta = delta(cur, prop)
	return rep
}

// FactsOf are the facts of r for the rules, with the buyer's history counted.
func FactsOf(r *model.Return, buyerReturns map[int]int) Facts {
	f := Facts{Value: r.Value, Reason: r.Reason, BuyerReturns: buyerReturns}
	for _, l := range r.Lines {
		if !slices.Contains(f.SKUs, l.SKU) {
			f.SKUs = append(f.SKUs, l.SKU)
		}
	}
	if r.Estimate != nil && r.Estimate.Cost != nil {
		c := *r.Estimate.Cost
		f.LabelCost = &c
	}
	return f
}

// buyerCounts counts, per window, the buyer's returns requested in [at − window, at): times are
// the buyer's request times, sorted, the return itself among them (at is not before itself).
func buyerCounts(times []time.Time, at time.Time, windows []int) map[int]int {
	out := make(map[int]int, len(windows))
	end, _ := slices.BinarySearchFunc(times, at, func(a, b time.Time) int { return a.Compare(b) })
	for _, w := range windows {
		start, _ := slices.BinarySearchFunc(times, at.AddDate(0, 0, -w), func(a, b time.Time) int { return a.Compare(b) })
		out[w] = end - start
	}
	return out
}

// tally adds up one rule set's decisions, by currency.
type tally struct {
	counts                 DecisionCounts
	refunded, spent, saved map[string]int64
	unpriced               int
}

func (t *tally) add(r *model.Return, k model.ReturnDecisionKind) {
	if t.refunded == nil {
		t.refunded, t.spent, t.saved = map[string]int64{}, map[string]int64{}, map[string]int64{}
	}
	switch k {
	case model.DecideRefundOnly:
		t.counts.RefundOnly++
		t.refunded[r.Value.Currency] += r.Value.Amount
	case model.DecideReturn:
		t.counts.Return++
	default:
		t.counts.Review++
	}
	if k == model.DecideReview {
		return
	}
	if r.Estimate == nil || r.Estimate.Cost == nil {
		t.unpriced++
		return
	}
	c := *r.Estimate.Cost
	if k == model.DecideReturn {
		t.spent[c.Currency] += c.Amount
	} else {
		t.saved[c.Currency] += c.Amount
	}
}

func (t tally) summary() DryRunSummary {
	return DryRunSummary{Decisions: t.counts, RefundedWithoutReturn: monies(t.refunded), ReturnShipping: monies(t.spent),
		ReturnShippingSaved: monies(t.saved), Unpriced: t.unpriced}
}

func delta(a, b tally) DryRunSummary {
	sub := func(x, y map[string]int64) []model.Money {
		d := map[string]int64{}
		for c, v := range y {
			d[c] += v
		}
		for c, v := range x {
			d[c] -= v
		}
		return monies(d)
	}
	return DryRunSummary{
		Decisions: DecisionCounts{RefundOnly: b.counts.RefundOnly - a.counts.RefundOnly, Return: b.counts.Return - a.counts.Return,
			Review: b.counts.Review - a.counts.Review},
		RefundedWithoutReturn: sub(a.refunded, b.refunded), ReturnShipping: sub(a.spent, b.spent),
		ReturnShippingSaved: sub(a.saved, b.saved), Unpriced: b.unpriced - a.unpriced,
	}
}

// monies lists amounts by currency, sorted by code; never nil, so JSON shows [].
func monies(m map[string]int64) []model.Money {
	out := []model.Money{}
	for c, v := range m {
		out = append(out, model.Money{Amount: v, Currency: c})
	}
	slices.SortFunc(out, func(a, b model.Money) int { return cmp.Compare(a.Currency, b.Currency) })
	return out
}
