package order_test

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/order"
)

var (
	mergeT0      = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC) // created_at of the sample orders
	mergeStored  = time.Date(2026, 11, 20, 11, 0, 0, 0, time.UTC) // updated_at of the stored version
	mergeNow     = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)  // lastmile's clock during the merge
	mergeConfirm = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC) // when the seller confirmed
	mergeRecv    = time.Date(2026, 11, 20, 10, 0, 5, 0, time.UTC) // when lastmile first stored it
)

// storedOrder is an order as lastmile holds it: created, confirmed, at version 2.
func storedOrder(s model.Status) *model.Order {
	paid := mergeT0.Add(time.Minute)
	confirmed := mergeConfirm
	return &model.Order{
		ID: "ord_stored", ShopID: "shop_a", ExternalID: "EXT-1", Market: "US", Currency: "USD", Status: s,
		CreatedAt: mergeT0, PaidAt: &paid, UpdatedAt: mergeStored,
		Buyer:       model.Buyer{Name: "Jane Doe"},
		Lines:       []model.Line{{SKU: "TSHIRT-RED-M", Quantity: 2, UnitPrice: model.Money{Amount: 1299, Currency: "USD"}}},
		ConfirmedAt: &confirmed, CancelReason: "kept-reason",
		History: []model.Event{
			{At: mergeRecv, Kind: model.EventCreated, To: s, Cause: "api"},
			{At: mergeConfirm, Kind: model.EventConfirmed, Cause: "api"},
		},
		ReceivedAt: mergeRecv, ModifiedAt: mergeConfirm, Version: 2,
	}
}

// incomingOrder is a marketplace snapshot at updatedAt, carrying values in every lastmile-owned
// field that Merge must ignore.
func incomingOrder(s model.Status, updatedAt time.Time) model.Order {
	paid := mergeT0.Add(time.Minute)
	fakeConfirm := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	return model.Order{
		ID: "ord_candidate", ShopID: "shop_other", ExternalID: "EXT-1", Market: "US", Currency: "USD", Status: s,
		CreatedAt: mergeT0, PaidAt: &paid, UpdatedAt: updatedAt,
		Buyer: model.Buyer{Name: "Jane Q. Doe", Phone: "+12065550100"},
		Lines: []model.Line{
			{SKU: "TSHIRT-RED-M", Quantity: 3, UnitPrice: model.Money{Amount: 1299, Currency: "USD"}},
			{SKU: "CAP-BLUE", Quantity: 1, UnitPrice: model.Money{Amount: 500, Currency: "USD"}},
		},
		ConfirmedAt: &fakeConfirm, CancelReason: "incoming-reason",
		History:    []model.Event{{At: fakeConfirm, Kind: "forged", Cause: "client"}},
		ReceivedAt: fakeConfirm, ModifiedAt: fakeConfirm, Version: 99,
	}
}

func TestMergeCreate(t *testing.T) {
	t.Parallel()
	in := incomingOrder(awaitShip, mergeStored)
	got, outcome, err := order.Merge(nil, in, mergeNow, "api")
	if err != nil {
		t.Fatalf("Merge: %v", err)
	}
	if outcome != model.OutcomeCreated {
		t.Errorf("outcome = %q, want created", outcome)
	}
	if got.ID != "ord_candidate" {
		t.Errorf("ID = %q, want the incoming candidate id", got.ID)
	}
	if got.Version != 1 {
		t.Errorf("Version = %d, want 1", got.Version)
	}
	if !got.ReceivedAt.Equal(mergeNow) || !got.ModifiedAt.Equal(mergeNow) {
		t.Errorf("ReceivedAt, ModifiedAt = %v, %v; want both %v", got.ReceivedAt, got.ModifiedAt, mergeNow)
	}
	if got.ConfirmedAt != nil {
		t.Errorf("ConfirmedAt = %v, want nil: the incoming value is not trusted", got.ConfirmedAt)
	}
	wantHistory := []model.Event{{At: mergeNow, Kind: "created", To: awaitShip, Cause: "api"}}
	if !reflect.DeepEqual(got.History, wantHistory) {
		t.Errorf("History = %+v, want %+v", got.History, wantHistory)
	}
	if got.Status != awaitShip || !got.UpdatedAt.Equal(mergeStored) || !reflect.DeepEqual(got.Lines, in.Lines) || got.Buyer != in.Buyer {
		t.Errorf("content not taken from the incoming order: %+v", got)
	}
}

func TestMergeSameUpdatedAtIsUnchanged(t *testing.T) {
	t.Parallel()
	existing := storedOrder(awaitShip)
	before := cloneOrder(*existing)
	// Same instant in another zone, different content: still a replay of the stored version.
	in := incomingOrder(inTransit, mergeStored.In(time.FixedZone("UTC+8", 8*3600)))
	got, outcome, err := order.Merge(existing, in, mergeNow, "api")
	if err != nil {
		t.Fatalf("Merge: %v", err)
	}
	if outcome != model.OutcomeUnchanged {
		t.Errorf("outcome = %q, want unchanged", outcome)
	}
	if !reflect.DeepEqual(got, before) {
		t.Errorf("returned order is not the stored one:\n got %+v\nwant %+v", got, before)
	}
	if !reflect.DeepEqual(*existing, before) {
		t.Errorf("stored order was modified")
	}
}

func TestMergeOlderIsStale(t *testing.T) {
	t.Parallel()
	existing := storedOrder(inTransit)
	before := cloneOrder(*existing)
	in := incomingOrder(awaitShip, mergeStored.Add(-time.Microsecond))
	got, outcome, err := order.Merge(existing, in, mergeNow, "api")
	if err != nil {
		t.Fatalf("Merge: %v", err)
	}
	if outcome != model.OutcomeStale {
		t.Errorf("outcome = %q, want stale", outcome)
	}
	if !reflect.DeepEqual(got, before) || !reflect.DeepEqual(*existing, before) {
		t.Errorf("a stale version changed the order:\n got %+v\nwant %+v", got, before)
	}
}

func TestMergeNewer(t *testing.T) {
	t.Parallel()
	newer := mergeStored.Add(time.Hour)
	tests := []struct {
		name       string
		stored, in model.Status
		wantStatus model.Status
		wantEvent  model.Event
	}{
		{"same status is an update", awaitShip, awaitShip, awaitShip,
			model.Event{At: mergeNow, Kind: "updated", Cause: "sync"}},
		{"one step forward is a transition", awaitShip, awaitColl, awaitColl,
			model.Event{At: mergeNow, Kind: "transition", From: awaitShip, To: awaitColl, Cause: "sync"}},
		{"multi-step jump UNPAID to IN_TRANSIT is one transition", unpaid, inTransit, inTransit,
			model.Event{At: mergeNow, Kind: "transition", From: unpaid, To: inTransit, Cause: "sync"}},
		{"jump to COMPLETED", awaitShip, completed, completed,
			model.Event{At: mergeNow, Kind: "transition", From: awaitShip, To: completed, Cause: "sync"}},
		{"cancellation before delivery", inTransit, cancelled, cancelled,
			model.Event{At: mergeNow, Kind: "transition", From: inTransit, To: cancelled, Cause: "sync"}},
		{"backward status is a lagging source: status kept", inTransit, awaitShip, inTransit,
			model.Event{At: mergeNow, Kind: "updated", Cause: "sync"}},
		{"backward from DELIVERED to UNPAID: status kept", delivered, unpaid, delivered,
			model.Event{At: mergeNow, Kind: "updated", Cause: "sync"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			existing := storedOrder(tt.stored)
			before := cloneOrder(*existing)
			in := incomingOrder(tt.in, newer)
			got, outcome, err := order.Merge(existing, in, mergeNow, "sync")
			if err != nil {
				t.Fatalf("Merge: %v", err)
			}
			if outcome != model.OutcomeUpdated {
				t.Errorf("outcome = %q, want updated", outcome)
			}
			if got.Status != tt.wantStatus {
				t.Errorf("Status = %s, want %s", got.Status, tt.wantStatus)
			}
			// Content comes from the incoming version.
			if !got.UpdatedAt.Equal(newer) || !reflect.DeepEqual(got.Lines, in.Lines) || got.Buyer != in.Buyer {
				t.Errorf("content not replaced: updated_at %v, lines %+v, buyer %+v", got.UpdatedAt, got.Lines, got.Buyer)
			}
			// lastmile's own fields survive.
			if got.ID != before.ID || got.ShopID != before.ShopID || got.CancelReason != before.CancelReason {
				t.Errorf("ID, ShopID, CancelReason = %q, %q, %q; want %q, %q, %q",
					got.ID, got.ShopID, got.CancelReason, before.ID, before.ShopID, before.CancelReason)
			}
			if got.ConfirmedAt == nil || !got.ConfirmedAt.Equal(mergeConfirm) {
				t.Errorf("ConfirmedAt = %v, want %v", got.ConfirmedAt, mergeConfirm)
			}
			if !got.ReceivedAt.Equal(mergeRecv) {
				t.Errorf("ReceivedAt = %v, want %v", got.ReceivedAt, mergeRecv)
			}
			if got.Version != before.Version+1 {
				t.Errorf("Version = %d, want %d", got.Version, before.Version+1)
			}
			if !got.ModifiedAt.Equal(mergeNow) {
				t.Errorf("ModifiedAt = %v, want %v", got.ModifiedAt, mergeNow)
			}
			wantHistory := append(slicesClone(before.History), tt.wantEvent)
			if !reflect.DeepEqual(got.History, wantHistory) {
				t.Errorf("History =\n %+v\nwant\n %+v", got.History, wantHistory)
			}
			if !reflect.DeepEqual(*existing, before) {
				t.Errorf("Merge modified the stored order:\n got %+v\nwant %+v", *existing, before)
			}
		})
	}
}

func slicesClone(h []model.Event) []model.Event { return append([]model.Event(nil), h...) }

func TestMergeNewerImpossibleStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		stored, in model.Status
	}{
		{"DELIVERED cannot be cancelled", delivered, cancelled},
		{"COMPLETED cannot be cancelled", completed, cancelled},
		{"CANCELLED cannot be delivered", cancelled, delivered},
		{"CANCELLED cannot complete", cancelled, completed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			existing := storedOrder(tt.stored)
			before := cloneOrder(*existing)
			got, _, err := order.Merge(existing, incomingOrder(tt.in, mergeStored.Add(time.Hour)), mergeNow, "sync")
			var te *order.TransitionError
			if !errors.As(err, &te) {
				t.Fatalf("err = %v, want a *TransitionError", err)
			}
			if te.From != tt.stored || te.To != tt.in {
				t.Errorf("TransitionError{%s, %s}, want {%s, %s}", te.From, te.To, tt.stored, tt.in)
			}
			if !errors.Is(err, model.ErrConflict) {
				t.Errorf("err %v does not unwrap to ErrConflict", err)
			}
			if !reflect.DeepEqual(*existing, before) {
				t.Errorf("stored order changed")
			}
			if !reflect.DeepEqual(got, before) {
				t.Errorf("returned order is not the stored one: %+v", got)
			}
		})
	}
}

// A stored history with spare capacity must not be shared by two merges from it: the store may
// call Merge more than once with the same stored version (a retried batch).
func TestMergeDoesNotAliasStoredHistory(t *testing.T) {
	t.Parallel()
	existing := storedOrder(awaitShip)
	history := make([]model.Event, len(existing.History), 16)
	copy(history, existing.History)
	existing.History = history
	before := cloneOrder(*existing)
	newer := mergeStored.Add(time.Hour)

	first, _, err := order.Merge(existing, incomingOrder(awaitShip, newer), mergeNow, "first")
	if err != nil {
		t.Fatal(err)
	}
	firstSnapshot := slicesClone(first.History)
	second, _, err := order.Merge(existing, incomingOrder(inTransit, newer), mergeNow.Add(time.Minute), "second")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(first.History, firstSnapshot) {
		t.Errorf("the second merge rewrote the first one's history:\n got %+v\nwant %+v", first.History, firstSnapshot)
	}
	if n := len(second.History); n != 3 || second.History[2].Cause != "second" || second.History[2].Kind != "transition" {
		t.Errorf("second merge history = %+v", second.History)
	}
	if !reflect.DeepEqual(*existing, before) {
		t.Errorf("stored order changed")
	}
	if spare := existing.History[:3][2]; spare != (model.Event{}) {
		t.Errorf("Merge wrote %+v into the stored history's spare capacity", spare)
	}
}

// Merges applied in any order end in the same state: the newest version wins.
func TestMergeOrderIndependent(t *testing.T) {
	t.Parallel()
	v1 := incomingOrder(awaitShip, mergeStored)
	v2 := incomingOrder(awaitColl, mergeStored.Add(time.Hour))
	v3 := incomingOrder(inTransit, mergeStored.Add(2*time.Hour))
	for _, seq := range [][]model.Order{{v1, v2, v3}, {v3, v2, v1}, {v2, v1, v3}, {v3, v1, v2}} {
		var cur *model.Order
		for _, in := range seq {
			out, _, err := order.Merge(cur, in, mergeNow, "sync")
			if err != nil {
				t.Fatal(err)
			}
			cur = &out
		}
		if cur.Status != inTransit || !cur.UpdatedAt.Equal(v3.UpdatedAt) {
			t.Errorf("after %v: status %s updated_at %v, want IN_TRANSIT at %v",
				[]model.Status{seq[0].Status, seq[1].Status, seq[2].Status}, cur.Status, cur.UpdatedAt, v3.UpdatedAt)
		}
	}
}

// TestMergeKeepsSourcedProblems: a problem another capability raised on the stored order (a
// push the marketplace refused, R-API-3) survives a newer version and the checks run on it; the
// checks' own problems follow the newer version.
func TestMergeKeepsSourcedProblems(t *testing.T) {
	stored := storedOrder(model.StatusAwaitingShipment)
	pushed := model.Problem{Code: "tiktok_push_failed", Field: "tracking_number", Message: "refused", Severity: model.SeverityWarning, Source: "tiktok"}
	stored.Problems = []model.Problem{{Code: "missing_weight", Field: "lines[0].weight_g", Severity: model.SeverityError}, pushed}
	stored.NeedsAttention = true
	in := *storedOrder(model.StatusAwaitingShipment)
	in.UpdatedAt = mergeStored.Add(time.Hour)
	in.Problems, in.NeedsAttention = nil, false
	out, outcome, err := order.Merge(stored, in, mergeNow, "tiktok")
	if err != nil || outcome != model.OutcomeUpdated {
		t.Fatalf("merge: %v %v", outcome, err)
	}
	if !reflect.DeepEqual(out.Problems, []model.Problem{pushed}) || out.NeedsAttention {
		t.Fatalf("problems %+v, needs attention %v: want the push problem alone, not held", out.Problems, out.NeedsAttention)
	}
	order.Check(&out, config.DefaultMarkets()["US"])
	if !slices.ContainsFunc(out.Problems, func(p model.Problem) bool { return p.Source == "tiktok" }) {
		t.Fatalf("the checks dropped the push problem: %+v", out.Problems)
	}
}
