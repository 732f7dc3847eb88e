package order_test

import (
	"context"
	"fmt"
	"testing"

	"lastmile/internal/model"
)

// TestUpsertLargeBatchInParallel: a batch large enough to be prepared on several goroutines
// keeps every result at its input index, refuses exactly the bad items, holds exactly the ones
// that cannot ship, and gives the stored orders ids in input order. Run it with -race.
func TestUpsertLargeBatchInParallel(t *testing.T) {
	t.Parallel()
	svc, st, _ := newService(t, "shop_a", "shop_b")
	const n = 3000
	orders := make([]model.Order, n)
	for i := range orders {
		shop := "shop_a"
		if i%3 == 0 {
			shop = "shop_b"
		}
		orders[i] = svcOrder(shop, fmt.Sprintf("P-%05d", i))
		switch {
		case i%97 == 0:
			orders[i].Lines[0].Quantity = 0 // refused
		case i%89 == 0:
			orders[i].ShippingAddress.PostalCode = "9404" // held
		}
	}
	res, err := svc.Upsert(context.Background(), scopeOf("shop_a", "shop_b"), orders, "test")
	if err != nil {
		t.Fatal(err)
	}
	var prevA, prevB string
	for i, r := range res {
		ext := fmt.Sprintf("P-%05d", i)
		switch {
		case i%97 == 0:
			if r.Err == nil {
				t.Fatalf("item %d with quantity 0 was stored", i)
			}
			continue
		case r.Err != nil:
			t.Fatalf("item %d refused: %v", i, r.Err)
		case r.Order.ExternalID != ext:
			t.Fatalf("result %d is order %s: results out of input order", i, r.Order.ExternalID)
		case r.Order.NeedsAttention != (i%89 == 0):
			t.Fatalf("item %d needs_attention=%v problems %+v", i, r.Order.NeedsAttention, r.Order.Problems)
		}
		prev := &prevA
		if r.Order.ShopID == "shop_b" {
			prev = &prevB
		}
		if r.Order.ID <= *prev {
			t.Fatalf("item %d id %s not after %s: ids must follow input order", i, r.Order.ID, *prev)
		}
		*prev = r.Order.ID
		if i%500 == 1 {
			got, err := st.GetOrder(context.Background(), []string{r.Order.ShopID}, r.Order.ID)
			if err != nil || got.ExternalID != ext {
				t.Fatalf("stored item %d: %+v %v", i, got.ExternalID, err)
			}
		}
	}
}
