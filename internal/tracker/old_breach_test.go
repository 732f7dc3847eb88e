package tracker_test

import (
	"context"
	"log/slog"
	"slices"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
	"lastmile/internal/tracker"
	"lastmile/internal/tracking"
)

// breachAlerts are the rules with a breach alert for the fixture's shop.
func breachAlerts(t *testing.T, f *fix) []string {
	t.Helper()
	as, err := f.svc.Alerts(context.Background(), store.AlertQuery{ShopIDs: []string{f.shop.ID}, Kind: "breached"})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range as {
		out = append(out, a.Rule)
	}
	slices.Sort(out)
	return out
}

// openExceptions are the types of the fixture's shop's open exceptions, sorted.
func openExceptions(t *testing.T, f *fix) []string {
	t.Helper()
	xs, err := f.svc.Exceptions(context.Background(), store.ExceptionQuery{ShopIDs: []string{f.shop.ID}, Open: true})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, x := range xs {
		out = append(out, x.Type)
	}
	slices.Sort(out)
	return out
}

// TestOldBreachesRecordedWithoutAlert: when the clocks first run on an order older than they
// are (tracking turned on for a store with old orders, an upgrade), a deadline breached more
// than old_breach_grace (default 24 h) before is stored breached and counted in the scores,
// without an alert or a notification; one breached within the grace alerts, and so does a
// clock the sweep knew before it breached, however late the sweep comes.
func TestOldBreachesRecordedWithoutAlert(t *testing.T) {
	// The fixture's US order: paid t0, confirmed +1h, label +2h, never scanned. First scan
	// (R-TRK-1) due +6h, ship (R-SHIP-1) due +73h, promise (R-SLA-1) the end of the 7th day
	// after payment (+8 days less a second), late (R-SLA-2) a day after it.
	day := 24 * time.Hour
	t.Run("FirstSweepLongAfter", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, s store.Store) {
			ctx := context.Background()
			f := newFix(t, s, "US", nil)
			f.now = t0.Add(11 * day) // every breach is more than 24 h old
			for range 2 {
				if _, err := f.svc.Sweep(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if got := breachAlerts(t, f); len(got) != 0 {
				t.Errorf("breach alerts for breaches long past: %v", got)
			}
			if types := notifyTypes(t, s); slices.Contains(types, tracker.EventDeadlineBreached) {
				t.Errorf("breach notifications for breaches long past: %v", types)
			}
			ds := f.deadlines(t)
			for _, rule := range []string{"R-TRK-1", "R-SHIP-1", "R-SLA-1", "R-SLA-2"} {
				if ds[rule].State != "breached" {
					t.Errorf("%s is %q, want breached (recorded without an alert)", rule, ds[rule].State)
				}
			}
			if got := breachAlerts(t, f); len(got) != 0 {
				t.Errorf("breach alerts after the order's clocks were read again: %v", got)
			}
			if open := openExceptions(t, f); len(open) != 0 {
				t.Errorf("exceptions opened for breaches long past: %v", open)
			}
			rep, err := f.svc.Scores(ctx, []string{f.shop.ID}, "2026-W49", "shop")
			if err != nil || len(rep.Rows) != 1 || rep.Rows[0].LateDispatchRate == nil || *rep.Rows[0].LateDispatchRate != 1 {
				t.Errorf("the silent breach is not counted in the scores: %+v %v", rep.Rows, err)
			}
		})
	})
	t.Run("OldParcelImportedLongAfter", func(t *testing.T) {
		// An old order's parcel, first scanned at +3h and silent since, reaches lastmile eleven
		// days later (an initial sync): stale (R-TRK-5) since +75h and late (R-SLA-2) since the
		// ninth day, both long past. Both are recorded breached; neither floods the queue.
		storetest.Each(t, func(t *testing.T, s store.Store) {
			ctx := context.Background()
			f := newFix(t, s, "US", nil)
			f.now = t0.Add(11 * day)
			f.ingest(t, f.ev("OA", t0.Add(3*time.Hour)))
			for range 2 {
				if _, err := f.svc.Sweep(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if open := openExceptions(t, f); len(open) != 0 {
				t.Errorf("exceptions opened for breaches long past: %v", open)
			}
			if types := notifyTypes(t, s); slices.Contains(types, tracker.EventExceptionOpened) || slices.Contains(types, tracker.EventDeadlineBreached) {
				t.Errorf("notifications for breaches long past: %v", types)
			}
			if got := breachAlerts(t, f); len(got) != 0 {
				t.Errorf("breach alerts for breaches long past: %v", got)
			}
			ds := f.deadlines(t)
			for _, rule := range []string{"R-TRK-5", "R-SLA-2"} {
				if ds[rule].State != "breached" {
					t.Errorf("%s is %q, want breached (recorded without an exception)", rule, ds[rule].State)
				}
			}
			// The parcel moves again and goes quiet: that stale clock is lastmile's own, and opens
			// its exception.
			f.ingest(t, f.ev("L1", f.now))
			f.now = f.now.Add(73 * time.Hour)
			if _, err := f.svc.Sweep(ctx); err != nil {
				t.Fatal(err)
			}
			if open := openExceptions(t, f); !slices.Equal(open, []string{"stale"}) {
				t.Errorf("open exceptions %v after the parcel went quiet under lastmile's watch, want [stale]", open)
			}
		})
	})
	t.Run("WithinGraceAlerts", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, s store.Store) {
			f := newFix(t, s, "US", nil)
			f.now = t0.Add(8*day + 12*time.Hour) // the promise breached 12 h ago, the ship clocks days ago
			if _, err := f.svc.Sweep(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got := breachAlerts(t, f); !slices.Equal(got, []string{"R-SLA-1"}) {
				t.Errorf("breach alerts %v, want only R-SLA-1 (breached within the grace)", got)
			}
			if types := notifyTypes(t, s); !slices.Contains(types, tracker.EventDeadlineBreached) {
				t.Errorf("no breach notification for the recent breach: %v", types)
			}
		})
	})
	t.Run("KnownClockAlertsHoweverLate", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, s store.Store) {
			ctx := context.Background()
			f := newFix(t, s, "US", nil)
			f.now = t0.Add(3 * time.Hour) // the clocks start while every one is pending
			if _, err := f.svc.Sweep(ctx); err != nil {
				t.Fatal(err)
			}
			f.now = t0.Add(11 * day) // then no sweep for eleven days
			if _, err := f.svc.Sweep(ctx); err != nil {
				t.Fatal(err)
			}
			if got := breachAlerts(t, f); !slices.Equal(got, []string{"R-SHIP-1", "R-SLA-1", "R-SLA-2", "R-TRK-1"}) {
				t.Errorf("breach alerts %v, want every clock the sweep knew pending", got)
			}
		})
	})
	t.Run("ZeroGraceAlertsEvery", func(t *testing.T) {
		storetest.Each(t, func(t *testing.T, s store.Store) {
			f := newFix(t, s, "US", nil)
			markets := config.DefaultMarkets()
			us := markets["US"]
			us.OldBreachGrace = 0
			markets["US"] = us
			codes, err := tracking.DefaultCodes()
			if err != nil {
				t.Fatal(err)
			}
			f.svc = tracker.New(s, codes, markets, func() time.Time { return f.now }, slog.New(slog.DiscardHandler))
			f.now = t0.Add(11 * day)
			if _, err := f.svc.Sweep(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got := breachAlerts(t, f); !slices.Equal(got, []string{"R-SHIP-1", "R-SLA-1", "R-SLA-2", "R-TRK-1"}) {
				t.Errorf("old_breach_grace 0s: breach alerts %v, want every breach", got)
			}
		})
	})
}
