package rating

import "fmt"

// Policy is how Select picks one quote among the eligible ones (which all meet the promise).
type Policy string

// The policies.
const (
	// Cheapest is the lowest total; ties go to the earlier delivery, then to the card order.
	Cheapest Policy = "cheapest"
	// Fastest is the earliest delivery date (DeliveryBy); ties go to the lower total, then to
	// the card order.
	Fastest Policy = "fastest"
	// BestValue is the cheapest of the services whose transit (hand-over to DeliveryBy) is at
	// most N % longer than the fastest one's; ties as Cheapest.
	BestValue Policy = "best_value"
)

// DefaultBestValuePct is N of BestValue when none is given: a service may take half as long
// again as the fastest.
const DefaultBestValuePct = 50

// ParsePolicy reads a policy name; "" is Cheapest.
func ParsePolicy(s string) (Policy, error) {
	switch p := Policy(s); p {
	case "":
		return Cheapest, nil
	case Cheapest, Fastest, BestValue:
		return p, nil
	}
	return "", fmt.Errorf("policy %q: want cheapest, fastest or best_value", s)
}

// Select picks a quote by policy p (pct is N of BestValue) among the eligible quotes, sets
// res.Selected and returns it, or -1 when none is eligible. It allocates nothing.
func (res *Result) Select(p Policy, pct int) int {
	best := -1
	switch p {
	case Fastest:
		for i := range res.Quotes {
			q := &res.Quotes[i]
			if !q.Eligible {
				continue
			}
			if best < 0 || q.DeliveryBy < res.Quotes[best].DeliveryBy ||
				q.DeliveryBy == res.Quotes[best].DeliveryBy && q.Total < res.Quotes[best].Total {
				best = i
			}
		}
	case BestValue:
		fastest := Date(openEnded)
		for i := range res.Quotes {
			if q := &res.Quotes[i]; q.Eligible && q.DeliveryBy < fastest {
				fastest = q.DeliveryBy
			}
		}
		limit := int64(fastest-res.Handover) * int64(100+min(max(pct, 0), 1_000_000))
		best = res.cheapest(func(q *Quote) bool { return int64(q.DeliveryBy-res.Handover)*100 <= limit })
	default:
		best = res.cheapest(func(*Quote) bool { return true })
	}
	res.Selected = best
	return best
}

// cheapest is the eligible quote with the lowest total among those ok accepts; ties go to the
// earlier delivery, then to the lower index.
func (res *Result) cheapest(ok func(*Quote) bool) int {
	best := -1
	for i := range res.Quotes {
		q := &res.Quotes[i]
		if !q.Eligible || !ok(q) {
			continue
		}
		if best < 0 || q.Total < res.Quotes[best].Total ||
			q.Total == res.Quotes[best].Total && q.DeliveryBy < res.Quotes[best].DeliveryBy {
			best = i
		}
	}
	return best
}
