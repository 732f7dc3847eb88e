package tracker_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
	"lastmile/internal/tracker"
)

// TestDeadlinesOnlyRead: GET /v1/orders/{id}/deadlines (Service.Deadlines) shows the clocks at
// now, computed from the stored state, but writes nothing: no deadline row changes, no alert
// is raised and no notification is queued. The sweep does those, once.
func TestDeadlinesOnlyRead(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		f := newFix(t, s, "US", nil)
		if _, err := f.svc.Sweep(ctx); err != nil { // the clocks as stored at t0
			t.Fatal(err)
		}
		before, err := s.ListDeadlines(ctx, []string{f.shop.ID}, f.order.ID)
		if err != nil {
			t.Fatal(err)
		}
		jobs := len(storetest.ListJobs(t, s))
		// Four days on, the ship clock (R-SHIP-1, due +73h) and the first scan (R-TRK-1) have
		// breached: a read shows it.
		f.now = t0.Add(4 * 24 * time.Hour)
		ds := f.deadlines(t)
		for _, rule := range []string{"R-TRK-1", "R-SHIP-1"} {
			if ds[rule].State != "breached" {
				t.Errorf("%s shows %q four days on, want breached", rule, ds[rule].State)
			}
		}
		after, err := s.ListDeadlines(ctx, []string{f.shop.ID}, f.order.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(before, after, func(a, b store.DeadlineRow) bool {
			return a.Key == b.Key && a.State == b.State && a.NextCheckAt.Equal(b.NextCheckAt)
		}) {
			t.Errorf("a read changed the stored deadlines:\nbefore %+v\nafter  %+v", before, after)
		}
		if got := breachAlerts(t, f); len(got) != 0 {
			t.Errorf("a read raised breach alerts %v", got)
		}
		if n := len(storetest.ListJobs(t, s)); n != jobs {
			t.Errorf("a read queued %d jobs", n-jobs)
		}
		// The sweep writes them and alerts.
		if _, err := f.svc.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		if got := breachAlerts(t, f); !slices.Contains(got, "R-SHIP-1") {
			t.Errorf("the sweep raised %v, want R-SHIP-1 among them", got)
		}
		if types := notifyTypes(t, s); !slices.Contains(types, tracker.EventDeadlineBreached) {
			t.Errorf("the sweep queued %v, want a breach notification", types)
		}
	})
}
