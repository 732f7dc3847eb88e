package order

import (
	"time"

	"lastmile/internal/model"
)

// Merge decides what an incoming version of an order does to the stored one (nil when there is
// none). It is the whole of the upsert rule, shared by every store:
//
//   - no stored order: the incoming one is created, its history starting with a "created" event;
//   - same updated_at as stored: a replay, nothing changes (OutcomeUnchanged);
//   - older updated_at: ignored, never overwriting newer state (OutcomeStale);
//   - newer updated_at: its content replaces the stored content. Its status is taken when it is
//     reachable forward from the stored one; a status behind the stored one is a source lagging
//     behind lastmile and is kept as stored; any other status change is a *TransitionError.
//
// lastmile's own fields (id, shop, confirmation, cancel reason, history, received time) always
// survive a merge, and so do the seller's corrections, laid over the new content: the marketplace
// still has the address the seller fixed. in.ID must be set: it becomes the id of a created
// order. Checking is not Merge's business (the caller checks the merged order), but the stored
// problems that name a Source survive it.
func Merge(existing *model.Order, in model.Order, now time.Time, cause string) (model.Order, model.WriteOutcome, error) {
	if existing == nil {
		in.ReceivedAt = now
		in.ModifiedAt = now
		in.Version = 1
		in.ConfirmedAt, in.CancelReason, in.Corrections = nil, "", nil
		in.History = []model.Event{{At: now, Kind: model.EventCreated, To: in.Status, Cause: cause}}
		return in, model.OutcomeCreated, nil
	}
	switch {
	case in.UpdatedAt.Equal(existing.UpdatedAt):
		return *existing, model.OutcomeUnchanged, nil
	case in.UpdatedAt.Before(existing.UpdatedAt):
		return *existing, model.OutcomeStale, nil
	}

	out := in
	out.ID = existing.ID
	out.ShopID = existing.ShopID
	out.ConfirmedAt = existing.ConfirmedAt
	out.CancelReason = existing.CancelReason
	out.ReceivedAt = existing.ReceivedAt
	out.Version = existing.Version
	out.Corrections = existing.Corrections
	ApplyCorrections(&out)
	// The incoming version's problems are the checks' verdict on it; a problem another
	// capability raised on the stored order (a refused push, R-API-3) stays until it is cleared.
	var held bool
	out.Problems, held = model.KeepSourced(in.Problems, existing.Problems)
	out.NeedsAttention = in.NeedsAttention || held
	out.History = append(existing.History[:len(existing.History):len(existing.History)], model.Event{})
	event := &out.History[len(out.History)-1]
	*event = model.Event{At: now, Kind: model.EventUpdated, Cause: cause}

	switch {
	case in.Status == existing.Status:
	case Reachable(existing.Status, in.Status):
		*event = model.Event{At: now, Kind: model.EventTransition, From: existing.Status, To: in.Status, Cause: cause}
	case Reachable(in.Status, existing.Status):
		out.Status = existing.Status
	default:
		return *existing, "", &TransitionError{From: existing.Status, To: in.Status}
	}
	touch(&out, now)
	return out, model.OutcomeUpdated, nil
}
