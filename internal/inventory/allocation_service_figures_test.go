package inventory_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/inventory"
	"lastmile/internal/settings"
	"lastmile/internal/store/storetest"
)

// Allocation reads the shop's own figures: its promise days (R-SLA-1) and, for a warehouse that
// sets none, its hand-over cut-off and working days (config cut_off, working_days), the same
// figures a quote uses.
func TestAllocateWithShopFigures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEnv(t, storetest.OpenSQLite(t))
	cfg := config.Config{}.WithDefaults()
	figs := settings.NewService(e.st, cfg, e.clock.Now)
	e.svc = inventory.NewService(e.st, cfg.Markets, e.clock.Now, slog.New(slog.DiscardHandler), inventory.Options{Figures: figs})

	w := usWarehouse("LAX", 3)
	w.CutOff, w.WorkingDays = "", nil // the market's (or the shop's) hand-over figures
	w = e.warehouse(t, w)
	e.setOnHand(t, w.ID, "MUG", 10)

	// Tuesday 13:00 in Los Angeles: after the noon default, before the shop's 15:00.
	e.clock.Set(time.Date(2026, 11, 24, 13, 0, 0, 0, la))
	first := e.confirm(t, e.order("F-1", orderLine("MUG", 1)))
	a := allocate(t, e, first, stockOptions())
	if got := considered(t, a.Decision, w.ID).Handover; !got.Equal(time.Date(2026, 11, 25, 0, 0, 0, 0, la)) {
		t.Errorf("market cut-off 12:00: hand-over %s, want Wednesday", got)
	}
	if want := time.Date(2026, 12, 1, 23, 59, 59, 0, la); !a.Decision.PromiseDeadline.Equal(want) { // paid Tue 12:00 + 7 days
		t.Errorf("market promise: deadline %s, want %s", a.Decision.PromiseDeadline, want)
	}

	if _, err := figs.Patch(ctx, e.scope, e.shop.ID, settings.Patch{Set: config.Overrides{"cut_off": "15:00", "promise_days": "3"}}); err != nil {
		t.Fatal(err)
	}
	second := e.confirm(t, e.order("F-2", orderLine("MUG", 1)))
	b := allocate(t, e, second, stockOptions())
	if got := considered(t, b.Decision, w.ID).Handover; !got.Equal(time.Date(2026, 11, 24, 0, 0, 0, 0, la)) {
		t.Errorf("shop cut-off 15:00: hand-over %s, want Tuesday", got)
	}
	if want := time.Date(2026, 11, 27, 23, 59, 59, 0, la); !b.Decision.PromiseDeadline.Equal(want) {
		t.Errorf("shop promise of 3 days: deadline %s, want %s", b.Decision.PromiseDeadline, want)
	}
}
