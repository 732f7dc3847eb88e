package store

import "lastmile/internal/model"

// ApplyUpserts runs merge over a batch in input order, given the stored versions of the batch's
// orders keyed by external id. Every driver calls it inside its transaction once it holds the
// keys, so that duplicates within a batch and replays behave the same on every store. It returns
// the per-item results and the orders to write: inserts for keys that were not stored, updates
// for keys that were, each in its final state.
func ApplyUpserts(stored map[string]*model.Order, orders []model.Order, merge MergeFunc) (results []UpsertResult, inserts, updates []model.Order) {
	results = make([]UpsertResult, len(orders))
	current := make(map[string]*model.Order, len(orders))
	for k, v := range stored {
		current[k] = v
	}
	dirty := make(map[string]bool)
	var order []string // dirty keys in first-touched order, so writes are deterministic
	for i, in := range orders {
		out, outcome, err := merge(current[in.ExternalID], in)
		if err != nil {
			results[i] = UpsertResult{Err: err}
			continue
		}
		results[i] = UpsertResult{Order: out, Outcome: outcome}
		if outcome == model.OutcomeCreated || outcome == model.OutcomeUpdated {
			// results is never grown, so its element is the key's current version until a
			// later duplicate of the key replaces it.
			current[in.ExternalID] = &results[i].Order
			if !dirty[in.ExternalID] {
				dirty[in.ExternalID] = true
				order = append(order, in.ExternalID)
			}
		}
	}
	// inserts is sized once rather than grown: an order is over half a kilobyte, and growing
	// would copy a 10,000-order batch's about twice.
	n := 0
	for _, k := range order {
		if stored[k] == nil {
			n++
		}
	}
	inserts = make([]model.Order, 0, n)
	for _, k := range order {
		if stored[k] == nil {
			inserts = append(inserts, *current[k])
		} else {
			updates = append(updates, *current[k])
		}
	}
	return results, inserts, updates
}
