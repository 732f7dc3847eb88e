package storetest

import (
	"context"
	"testing"

	"lastmile/internal/store"
)

// testCarrierDeliveries: a carrier webhook delivery is seen while remembered, not before and not once its
// memory expired; remembering it again keeps the later expiry; the sweep forgets only the
// expired ones.
func testCarrierDeliveries(t *testing.T, s store.Store) {
	ctx := context.Background()
	seen := func(key string, h int) bool {
		t.Helper()
		ok, err := s.DeliverySeen(ctx, key, at(h))
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if seen("sim/aa", 1) {
		t.Fatal("a delivery never remembered is seen")
	}
	for _, r := range []struct {
		key string
		h   int
	}{{"sim/aa", 3}, {"sim/bb", 2}, {"sim/aa", 2}} { // the second aa keeps its later expiry
		if err := s.RememberDelivery(ctx, r.key, at(r.h)); err != nil {
			t.Fatal(err)
		}
	}
	if !seen("sim/aa", 1) || !seen("sim/aa", 2) || seen("sim/aa", 3) || !seen("sim/bb", 1) || seen("sim/bb", 2) || seen("sim/cc", 1) {
		t.Errorf("seen: aa@1 %v aa@2 %v aa@3 %v bb@1 %v bb@2 %v cc@1 %v, want true true false true false false",
			seen("sim/aa", 1), seen("sim/aa", 2), seen("sim/aa", 3), seen("sim/bb", 1), seen("sim/bb", 2), seen("sim/cc", 1))
	}
	n, err := s.ForgetDeliveriesBefore(ctx, at(3))
	if err != nil || n != 1 {
		t.Fatalf("forget before +3h: %d %v, want bb only", n, err)
	}
	if !seen("sim/aa", 2) {
		t.Error("the sweep forgot a delivery still in its window")
	}
	if err := s.RememberDelivery(ctx, "sim/bb", at(5)); err != nil || !seen("sim/bb", 4) {
		t.Errorf("a forgotten delivery remembered again: %v", err)
	}
}
