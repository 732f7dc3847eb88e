package inventory_test

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"lastmile/internal/inventory"
	"lastmile/internal/model"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// TestSuggestSafetyStock allocates on known days around the 2026 US daylight-saving change
// (Sunday 8 March) in a New York warehouse, and checks that the demand is counted by New York
// day, today and the days before the window left out, and the suggestion is
// inventory.SuggestSafetyStock's for that series (R-INV-3).
func TestServiceSuggestSafetyStock(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		ny := loadZone("America/New_York")
		e := newEnv(t, st)
		nyw := usWarehouse("EWR1", 3)
		nyw.TimeZone, nyw.Address = "America/New_York", model.Address{Name: "EWR1", Line1: "1 Port St", City: "Newark", Region: "NJ", PostalCode: "07114", Country: "US"}
		w := e.warehouse(t, nyw)
		other := e.warehouse(t, usWarehouse("LAX1", 3)) // stocked only after the sales
		e.setOnHand(t, w.ID, "SKU-1", 1000)
		e.setOnHand(t, w.ID, "SKU-2", 1000)
		if _, err := e.svc.SetStock(ctx, e.scope, w.ID, "SKU-1", target(nil, ptr(4), "")); err != nil {
			t.Fatal(err)
		}

		// The window is the 7 New York days before Wednesday 11 March: 4 to 10 March.
		sales := []struct {
			at  time.Time // New York wall clock
			qty int64
			day int // index in the window; -1 outside it
		}{
			{time.Date(2026, 3, 3, 12, 0, 0, 0, ny), 4, -1}, // the day before the window
			{time.Date(2026, 3, 4, 0, 30, 0, 0, ny), 2, 0},  // first minutes of the window
			{time.Date(2026, 3, 4, 23, 30, 0, 0, ny), 1, 0}, // 5 March in UTC
			{time.Date(2026, 3, 6, 9, 0, 0, 0, ny), 3, 2},   //
			{time.Date(2026, 3, 7, 22, 0, 0, 0, ny), 2, 3},  // 8 March in UTC
			{time.Date(2026, 3, 8, 1, 30, 0, 0, ny), 1, 4},  // before the clocks go forward
			{time.Date(2026, 3, 8, 23, 59, 0, 0, ny), 2, 4}, // after: a 23-hour day
			{time.Date(2026, 3, 10, 18, 0, 0, 0, ny), 5, 6}, // 10 March, 22:00 UTC
			{time.Date(2026, 3, 10, 23, 0, 0, 0, ny), 1, 6}, // 11 March in UTC
			{time.Date(2026, 3, 11, 8, 0, 0, 0, ny), 7, -1}, // today: not yet history
		}
		want := make([]int64, 7)
		for i, s := range sales {
			e.clock.Set(s.at)
			id := e.confirm(t, e.order(fmt.Sprintf("D-%02d", i), orderLine("SKU-1", s.qty)))
			if got := packages(allocate(t, e, id, inventory.AllocateOptions{}).Decision); !slices.Equal(got, []string{fmt.Sprintf("%s:SKU-1×%d", w.ID, s.qty)}) {
				t.Fatalf("sale %d allocated %v, want from %s", i, got, w.ID)
			}
			if s.day >= 0 {
				want[s.day] += s.qty
			}
		}
		// Demand elsewhere is not this SKU's in this warehouse.
		e.clock.Set(time.Date(2026, 3, 6, 10, 0, 0, 0, ny))
		allocate(t, e, e.confirm(t, e.order("OTHER-SKU", orderLine("SKU-2", 9))), inventory.AllocateOptions{})
		laxID := e.confirm(t, e.order("OTHER-WH", orderLine("SKU-1", 9)))
		// w sells no more SKU-1 (nothing left beyond its safety stock); the other warehouse does.
		if _, err := e.svc.Record(ctx, e.scope, entry(w.ID, "SKU-1", model.MoveWriteOff, e.level(t, w.ID, "SKU-1").Available, "make room")); err != nil {
			t.Fatal(err)
		}
		e.setOnHand(t, other.ID, "SKU-1", 1000)
		if got := packages(allocate(t, e, laxID, inventory.AllocateOptions{}).Decision); !slices.Equal(got, []string{other.ID + ":SKU-1×9"}) {
			t.Fatalf("allocated %v, want from %s", got, other.ID)
		}

		e.clock.Set(time.Date(2026, 3, 11, 10, 0, 0, 0, ny))
		req := inventory.SafetyRequest{WarehouseID: w.ID, SKU: "SKU-1", Days: 7, LeadTimeDays: 5, LeadTimeStdDevDays: 1.5, ServiceLevel: 0.9}
		adv, err := e.svc.SuggestSafetyStock(ctx, e.scope, req)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(adv.DailyDemand, want) {
			t.Errorf("daily demand %v, want %v", adv.DailyDemand, want)
		}
		sug, err := inventory.SuggestSafetyStock(inventory.SafetyInput{DailySales: want, LeadTimeDays: 5, LeadTimeStdDevDays: 1.5, ServiceLevel: 0.9})
		if err != nil {
			t.Fatal(err)
		}
		if adv.SafetySuggestion != sug {
			t.Errorf("suggestion %+v, want %+v", adv.SafetySuggestion, sug)
		}
		if sug.SafetyStock <= 0 {
			t.Errorf("suggested safety stock %d for a varying demand: want some", sug.SafetyStock)
		}
		if adv.From != "2026-03-04" || adv.To != "2026-03-10" || adv.Current != 4 || adv.WarehouseID != w.ID || adv.SKU != "SKU-1" {
			t.Errorf("advice: from %s to %s, current %d, %s %s", adv.From, adv.To, adv.Current, adv.WarehouseID, adv.SKU)
		}

		// The default history is 28 days, ending yesterday: every sale but today's.
		adv, err = e.svc.SuggestSafetyStock(ctx, e.scope, inventory.SafetyRequest{WarehouseID: w.ID, SKU: "SKU-1", LeadTimeDays: 5})
		if err != nil {
			t.Fatal(err)
		}
		var sum int64
		for _, d := range adv.DailyDemand {
			sum += d
		}
		if len(adv.DailyDemand) != inventory.DefaultSafetyHistoryDays || sum != 4+17 || adv.From != "2026-02-11" {
			t.Errorf("default history: %d days from %s, %d units; want 28 from 2026-02-11, 21", len(adv.DailyDemand), adv.From, sum)
		}

		for _, lt := range []float64{0, -1, math.NaN(), math.Inf(1), 366} {
			_, err := e.svc.SuggestSafetyStock(ctx, e.scope, inventory.SafetyRequest{WarehouseID: w.ID, SKU: "SKU-1", LeadTimeDays: lt})
			t.Run(fmt.Sprintf("lead time %v", lt), func(t *testing.T) { wantFields(t, err, "out_of_range lead_time_days") })
		}
	})
}
