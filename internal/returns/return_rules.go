package returns

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"lastmile/internal/model"
)

// This file holds the refund-without-return rules (R-RET-2): pure functions that, given a shop's
// rules and the facts of one return, decide refund_only, return or review and say why.

// Reason codes: why the buyer sends the goods back. The return rate's causes are counted by
// them (R-RET-5).
const (
	ReasonDamaged        = "damaged_in_transit"
	ReasonNotAsDescribed = "not_as_described"
	ReasonWrongItem      = "wrong_item"
	ReasonDefective      = "defective"
	ReasonMissingParts   = "missing_parts"
	ReasonSizeFit        = "size_or_fit"
	ReasonChangedMind    = "changed_mind"
	ReasonArrivedLate    = "arrived_late"
	ReasonOther          = "other"
)

// ReasonCodes lists every reason code.
var ReasonCodes = []string{ReasonDamaged, ReasonNotAsDescribed, ReasonWrongItem, ReasonDefective, ReasonMissingParts,
	ReasonSizeFit, ReasonChangedMind, ReasonArrivedLate, ReasonOther}

// reasonWords map the words of a marketplace's free-text reason to a code, the first match
// winning: platforms name their reasons in text ("Package damaged", "Item not as described").
var reasonWords = []struct {
	code  string
	words []string
}{
	{ReasonWrongItem, []string{"wrong item", "wrong product", "incorrect item", "received wrong"}},
	{ReasonNotAsDescribed, []string{"not as described", "not as shown", "different from", "doesn't match", "does not match", "counterfeit", "fake"}},
	{ReasonDamaged, []string{"damage", "broken", "crushed", "shattered", "dent"}},
	{ReasonMissingParts, []string{"missing", "incomplete", "empty package", "parts"}},
	{ReasonDefective, []string{"defect", "doesn't work", "does not work", "not working", "faulty", "quality"}},
	{ReasonSizeFit, []string{"size", "fit", "too small", "too large", "too big"}},
	{ReasonArrivedLate, []string{"late", "delay", "too long"}},
	{ReasonChangedMind, []string{"no longer", "changed my mind", "change of mind", "don't want", "do not want", "unwanted", "ordered by mistake", "better price"}},
}

// ReasonOf returns the reason code of a marketplace's reason: the text itself when it is a code,
// else the code whose words it contains, else "other".
func ReasonOf(text string) string {
	t := strings.ToLower(strings.TrimSpace(text))
	if slices.Contains(ReasonCodes, t) {
		return t
	}
	t = strings.ReplaceAll(t, "_", " ")
	for _, r := range reasonWords {
		for _, w := range r.words {
			if strings.Contains(t, w) {
				return r.code
			}
		}
	}
	return ReasonOther
}

// DefaultBuyerWindowDays is the buyer-history window of a rule that sets none.
const DefaultBuyerWindowDays = 90

// maxRules bounds a rule set: rules are read by people, and every return runs them all.
const maxRules = 100

// Facts are what the rules look at for one return.
type Facts struct {
	// Value is the goods' value.
	Value model.Money
	// Reason is the reason code.
	Reason string
	// SKUs are the returned SKUs.
	SKUs []string
	// BuyerReturns is, per window in days, how many other returns the buyer requested in that
	// many days before this one (BuyerWindows says which windows the rules need).
	BuyerReturns map[int]int
	// LabelCost is the return label's estimated cost; nil when it is not known.
	LabelCost *model.Money
}

// Evaluate decides a return by rules: the first rule whose every condition holds decides, and
// the reason names it and what it compared; when none holds, the rule set's default decides and
// the reason says why each rule did not match. By and At are the caller's to set.
func Evaluate(rs model.ReturnRules, f Facts) model.ReturnDecision {
	var misses []string
	for _, r := range rs.Rules {
		why, ok := match(rs, r, f)
		if ok {
			reason := fmt.Sprintf("rule %q: %s", r.Name, strings.Join(why, "; "))
			if len(why) == 0 {
				reason = fmt.Sprintf("rule %q matches every return", r.Name)
			}
			return model.ReturnDecision{Kind: r.Decision, Rule: r.Name, Reason: reason}
		}
		misses = append(misses, fmt.Sprintf("%s: %s", r.Name, why[len(why)-1]))
	}
	kind := rs.Default
	if !kind.Valid() {
		kind = model.DecideReturn
	}
	reason := "no rule matched, so the default decides: " + string(kind)
	if len(misses) > 0 {
		reason = fmt.Sprintf("no rule matched (%s), so the default decides: %s", strings.Join(misses, "; "), kind)
	}
	return model.ReturnDecision{Kind: kind, Reason: reason}
}

// match checks r's conditions in a fixed order. It returns whether all hold, and the reasons
// that held, then, when one failed, why it failed (last).
func match(rs model.ReturnRules, r model.ReturnRule, f Facts) ([]string, bool) {
	var held []string
	fail := func(why string) ([]string, bool) { return append(held, why), false }
	if r.ValueBelow != nil {
		t := *r.ValueBelow
		switch {
		case t.Currency != f.Value.Currency:
			return fail(fmt.Sprintf("its threshold is in %s, the goods' value in %s", t.Currency, f.Value.Currency))
		case f.Value.Amount >= t.Amount:
			return fail(fmt.Sprintf("the goods' value %s is not below %s", FormatMoney(f.Value), FormatMoney(t)))
		}
		held = append(held, fmt.Sprintf("the goods' value %s is below %s", FormatMoney(f.Value), FormatMoney(t)))
	}
	if len(r.Reasons) > 0 {
		if !slices.Contains(r.Reasons, f.Reason) {
			return fail(fmt.Sprintf("the reason %s is not one of %s", f.Reason, strings.Join(r.Reasons, ", ")))
		}
		held = append(held, fmt.Sprintf("the reason %s is one of %s", f.Reason, strings.Join(r.Reasons, ", ")))
	}
	if r.BuyerReturnsAtLeast != nil || r.BuyerReturnsAtMost != nil {
		days := windowOf(r)
		n := f.BuyerReturns[days]
		if r.BuyerReturnsAtLeast != nil {
			if n < *r.BuyerReturnsAtLeast {
				return fail(fmt.Sprintf("the buyer has %d other returns in the last %d days, fewer than %d", n, days, *r.BuyerReturnsAtLeast))
			}
			held = append(held, fmt.Sprintf("the buyer has %d other returns in the last %d days, at least %d", n, days, *r.BuyerReturnsAtLeast))
		}
		if r.BuyerReturnsAtMost != nil {
			if n > *r.BuyerReturnsAtMost {
				return fail(fmt.Sprintf("the buyer has %d other returns in the last %d days, more than %d", n, days, *r.BuyerReturnsAtMost))
			}
			held = append(held, fmt.Sprintf("the buyer has %d other returns in the last %d days, at most %d", n, days, *r.BuyerReturnsAtMost))
		}
	}
	if len(r.Categories) > 0 {
		for _, sku := range f.SKUs {
			if !inCategories(rs.Categories, r.Categories, sku) {
				return fail(fmt.Sprintf("SKU %s is in none of the categories %s", sku, strings.Join(r.Categories, ", ")))
			}
		}
		held = append(held, fmt.Sprintf("every SKU is in %s", strings.Join(r.Categories, ", ")))
	}
	if r.LabelCostPctAtLeast != nil {
		pct := int64(*r.LabelCostPctAtLeast)
		switch c := f.LabelCost; {
		case c == nil:
			return fail("the return label's cost is not known (no local return warehouse, or no rate card prices the way back)")
		case c.Currency != f.Value.Currency:
			return fail(fmt.Sprintf("the return label is priced in %s, the goods in %s", c.Currency, f.Value.Currency))
		case c.Amount*100 < pct*f.Value.Amount: // integer cross-multiplication: no rounding
			return fail(fmt.Sprintf("the return label's estimated %s is less than %d%% of the goods' value %s", FormatMoney(*c), pct, FormatMoney(f.Value)))
		default:
			held = append(held, fmt.Sprintf("the return label's estimated %s is at least %d%% of the goods' value %s", FormatMoney(*c), pct, FormatMoney(f.Value)))
		}
	}
	return held, true
}

// windowOf is the buyer-history window of r, in days.
func windowOf(r model.ReturnRule) int {
	if r.BuyerWindowDays > 0 {
		return r.BuyerWindowDays
	}
	return DefaultBuyerWindowDays
}

// BuyerWindows are the buyer-history windows, in days, that the rule sets look at.
func BuyerWindows(sets ...model.ReturnRules) []int {
	var out []int
	for _, rs := range sets {
		for _, r := range rs.Rules {
			if r.BuyerReturnsAtLeast != nil || r.BuyerReturnsAtMost != nil {
				out = append(out, windowOf(r))
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// InCategory reports whether sku is in category c: it starts with one of its prefixes or is
// listed.
func InCategory(c model.SKUCategory, sku string) bool {
	if slices.Contains(c.SKUs, sku) {
		return true
	}
	for _, p := range c.Prefixes {
		if strings.HasPrefix(sku, p) {
			return true
		}
	}
	return false
}

func inCategories(defs []model.SKUCategory, names []string, sku string) bool {
	for _, c := range defs {
		if slices.Contains(names, c.Name) && InCategory(c, sku) {
			return true
		}
	}
	return false
}

// FormatMoney writes m in major units with its code: "12.99 USD", "149000.00 IDR", "500 JPY".
func FormatMoney(m model.Money) string {
	scale, ok := model.CurrencyScale(m.Currency)
	if !ok || scale == 0 {
		return strconv.FormatInt(m.Amount, 10) + " " + m.Currency
	}
	sign, a := "", m.Amount
	if a < 0 {
		sign, a = "-", -a
	}
	p := int64(1)
	for range scale {
		p *= 10
	}
	return fmt.Sprintf("%s%d.%0*d %s", sign, a/p, scale, a%p, m.Currency)
}

// ValidateRules reports every problem of a rule set at once, naming the field and the fix.
func ValidateRules(rs model.ReturnRules) error {
	var p []model.FieldError
	add := func(code, field, format string, args ...any) {
		p = append(p, model.FieldError{Code: code, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if !rs.Default.Valid() {
		add("invalid_decision", "default", "default %q: want refund_only, return or review (the decision when no rule matches)", rs.Default)
	}
	if len(rs.Rules) > maxRules {
		add("too_many_rules", "rules", "%d rules: at most %d; merge rules that decide alike", len(rs.Rules), maxRules)
	}
	cats := map[string]bool{}
	for i, c := range rs.Categories {
		f := fmt.Sprintf("categories[%d]", i)
		switch {
		case strings.TrimSpace(c.Name) == "":
			add("missing_field", f+".name", "a category needs a name, which rules refer to")
		case cats[c.Name]:
			add("duplicate_category", f+".name", "category %q is defined twice; merge its prefixes and SKUs", c.Name)
		}
		cats[c.Name] = true
		if len(c.Prefixes) == 0 && len(c.SKUs) == 0 {
			add("empty_category", f, "category %q matches nothing: give sku_prefixes or skus", c.Name)
		}
		for j, pre := range c.Prefixes {
			if pre == "" {
				add("invalid_value", fmt.Sprintf("%s.sku_prefixes[%d]", f, j), "an empty prefix would match every SKU; leave the rule's categories out instead")
			}
		}
	}
	names := map[string]bool{}
	for i, r := range rs.Rules {
		f := fmt.Sprintf("rules[%d]", i)
		switch {
		case strings.TrimSpace(r.Name) == "":
			add("missing_field", f+".name", "a rule needs a name: decisions cite it")
		case names[r.Name]:
			add("duplicate_rule", f+".name", "rule name %q is used twice; decisions cite rules by name", r.Name)
		}
		names[r.Name] = true
		if !r.Decision.Valid() {
			add("invalid_decision", f+".decision", "decision %q: want refund_only, return or review", r.Decision)
		}
		if v := r.ValueBelow; v != nil {
			if _, ok := model.CurrencyScale(v.Currency); !ok {
				add("invalid_currency", f+".value_below.currency", "%q is not an upper-case ISO 4217 code such as USD", v.Currency)
			}
			if v.Amount <= 0 {
				add("invalid_value", f+".value_below.amount", "%d: want a positive amount in minor units (1500 is 15.00 USD)", v.Amount)
			}
		}
		for j, reason := range r.Reasons {
			if !slices.Contains(ReasonCodes, reason) {
				add("reason_unknown", fmt.Sprintf("%s.reasons[%d]", f, j), "%q: want one of %s", reason, strings.Join(ReasonCodes, ", "))
			}
		}
		for _, c := range []struct {
			name string
			v    *int
		}{{"buyer_returns_at_least", r.BuyerReturnsAtLeast}, {"buyer_returns_at_most", r.BuyerReturnsAtMost}} {
			if c.v != nil && *c.v < 0 {
				add("invalid_value", f+"."+c.name, "%d: want 0 or more returns", *c.v)
			}
		}
		if r.BuyerWindowDays < 0 || r.BuyerWindowDays > 730 {
			add("invalid_value", f+".buyer_window_days", "%d: want 1 to 730 days, or 0 for %d", r.BuyerWindowDays, DefaultBuyerWindowDays)
		}
		for j, c := range r.Categories {
			if !cats[c] {
				add("category_unknown", fmt.Sprintf("%s.categories[%d]", f, j), "category %q is not defined; add it to categories with its sku_prefixes or skus", c)
			}
		}
		if v := r.LabelCostPctAtLeast; v != nil && (*v < 1 || *v > 10_000) {
			add("invalid_value", f+".label_cost_pct_at_least", "%d: want a percentage of the goods' value, 1 to 10000", *v)
		}
	}
	if len(p) == 0 {
		return nil
	}
	return &model.ValidationError{Problems: p}
}
