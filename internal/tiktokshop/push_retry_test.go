package tiktokshop

import (
	"context"
	"errors"
	"testing"

	"lastmile/internal/marketplace/tiktok"
	"lastmile/internal/marketplace/tiktok/sim"
	"lastmile/internal/model"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// TestRetryPush: a push the platform refused leaves its problem on the order and no job;
// RetryPush queues the push again (once, however often it is asked), and the push run then
// ships the package and clears the problem. An order without a refused push has nothing to
// retry (ErrNothingToRetry, the API's 409), and another shop's order is not found.
func TestRetryPush(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, sim.Options{})
		ctx := context.Background()
		_, orders := e.syncedUS(2)
		a := e.labelled(orders[0], "shp_retry", "usps", "9400100000000000000031")
		pkg := e.sim.OrderPackages(orders[0].ExternalID)[0]
		if err := e.sim.InjectFault(sim.Fault{PackageID: pkg, Code: sim.CodeConflict, Count: 1, Message: "package is being split"}); err != nil {
			t.Fatal(err)
		}
		if errs := e.svc.PushMany(ctx, "shop_us", []PushArgs{a}); errs[0] != nil {
			t.Fatalf("a refusal is recorded, not retried: %v", errs[0])
		}
		if _, ok := e.problem(orders[0]); !ok {
			t.Fatal("the refused push left no problem")
		}
		scope := model.Scope{ShopIDs: []string{"shop_us"}}
		pushJobs := func() int {
			n := 0
			for _, j := range storetest.ListJobs(t, st) {
				if j.Kind == KindPush {
					n++
				}
			}
			return n
		}
		before := pushJobs()
		for range 2 { // asked twice: one job
			if _, n, err := e.svc.RetryPush(ctx, scope, orders[0].ID); err != nil || n != 1 {
				t.Fatalf("retry: %d shipments, %v", n, err)
			}
		}
		if got := pushJobs() - before; got != 1 {
			t.Fatalf("%d push jobs queued by two retries, want 1", got)
		}
		// The job runs: the package ships and the problem clears.
		if errs := e.svc.PushMany(ctx, "shop_us", []PushArgs{a}); errs[0] != nil {
			t.Fatal(errs[0])
		}
		if s := e.sim.OrderStatus(orders[0].ExternalID); s != tiktok.OrderAwaitingCollection {
			t.Fatalf("order after the retried push: %s", s)
		}
		if _, ok := e.problem(orders[0]); ok {
			t.Fatal("the problem stays after a successful push")
		}
		// Nothing left to retry, on this order or one that never failed.
		for _, o := range orders {
			if _, _, err := e.svc.RetryPush(ctx, scope, o.ID); !errors.Is(err, ErrNothingToRetry) {
				t.Errorf("retry of order %s without a refused push: %v, want ErrNothingToRetry", o.ID, err)
			}
		}
		if _, _, err := e.svc.RetryPush(ctx, model.Scope{ShopIDs: []string{"shop_other"}}, orders[0].ID); !errors.Is(err, model.ErrNotFound) {
			t.Errorf("retry from another shop: %v, want not found", err)
		}
	})
}
