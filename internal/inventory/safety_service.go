package inventory

import (
	"context"
	"errors"
	"fmt"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// SafetyRequest asks for a safety-stock suggestion for one SKU in one warehouse (R-INV-3).
type SafetyRequest struct {
	WarehouseID string
	SKU         string
	// Days of history to measure demand over, ending yesterday. 0: DefaultSafetyHistoryDays.
	Days int
	// LeadTimeDays and LeadTimeStdDevDays describe replenishment: reorder to sellable.
	LeadTimeDays       float64
	LeadTimeStdDevDays float64
	// ServiceLevel is the wanted chance of no stock-out in a lead time. 0: 95%.
	ServiceLevel float64
}

// DefaultSafetyHistoryDays is how much demand history a suggestion reads by default: four whole
// weeks, so every weekday counts equally.
const DefaultSafetyHistoryDays = 28

// maxLeadTimeDays bounds a lead time: a year, beyond any real replenishment.
const maxLeadTimeDays = 365

// maxSafetyHistoryDays bounds the history a suggestion reads.
const maxSafetyHistoryDays = 365

// SafetyAdvice is a suggestion with the level it would replace.
type SafetyAdvice struct {
	WarehouseID string `json:"warehouse_id"`
	SKU         string `json:"sku"`
	SafetySuggestion
	// Current is the safety stock set now.
	Current int64 `json:"current_safety_stock"`
	// From and To are the days of history measured, in the warehouse's time zone.
	From        string  `json:"history_from"`
	To          string  `json:"history_to"`
	DailyDemand []int64 `json:"daily_demand"`
}

// SuggestSafetyStock suggests the safety stock and reorder point of a SKU in a warehouse from its
// demand: the units reserved for orders on each of the last Days days, counted in the
// warehouse's time zone, days without orders included (R-INV-3). It does not change anything;
// set the figure with SetStock.
func (s *Service) SuggestSafetyStock(ctx context.Context, scope model.Scope, r SafetyRequest) (SafetyAdvice, error) {
	// Every bad parameter at once, each under its own name.
	var ps []model.FieldError
	bad := func(field, msg string) {
		ps = append(ps, model.FieldError{Code: "out_of_range", Field: field, Message: msg})
	}
	if r.Days == 0 {
		r.Days = DefaultSafetyHistoryDays
	}
	if r.Days < 1 || r.Days > maxSafetyHistoryDays {
		bad("days", fmt.Sprintf("days of history: want 1 to %d", maxSafetyHistoryDays))
	}
	var skuErr *model.ValidationError
	if errors.As(checkSKU("sku", r.SKU), &skuErr) {
		ps = append(ps, skuErr.Problems...)
	}
	if !(r.LeadTimeDays > 0 && r.LeadTimeDays <= maxLeadTimeDays) {
		bad("lead_time_days", fmt.Sprintf("the replenishment lead time in days is required: from reorder to sellable, more than 0 and at most %d", maxLeadTimeDays))
	}
	if r.ServiceLevel != 0 && !(r.ServiceLevel >= 0.5 && r.ServiceLevel < 1) {
		bad("service_level", "the service level is a probability from 0.5 to below 1, e.g. 0.95")
	}
	if !(r.LeadTimeStdDevDays >= 0 && r.LeadTimeStdDevDays <= maxLeadTimeDays) {
		bad("lead_time_std_dev_days", fmt.Sprintf("the lead time's standard deviation is 0 to %d days", maxLeadTimeDays))
	}
	if len(ps) > 0 {
		return SafetyAdvice{}, &model.ValidationError{Problems: ps}
	}
	w, err := s.store.GetWarehouse(ctx, scope.ShopIDs, r.WarehouseID)
	if err != nil {
		return SafetyAdvice{}, err
	}
	loc, err := time.LoadLocation(w.TimeZone)
	if err != nil {
		return SafetyAdvice{}, fmt.Errorf("warehouse %s time zone: %w", w.ID, err)
	}
	now := s.clock().In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	from := today.AddDate(0, 0, -r.Days)
	daily := make([]int64, r.Days)
	var after int64
	for {
		page, err := s.store.ListMovements(ctx, store.MovementQuery{ShopIDs: []string{w.ShopID}, WarehouseID: w.ID, SKU: r.SKU,
			AfterSeq: after, Limit: store.MaxListLimit})
		if err != nil {
			return SafetyAdvice{}, err
		}
		for _, m := range page {
			at := m.At.In(loc)
			if m.Kind != model.MoveReserve || at.Before(from) || !at.Before(today) {
				continue
			}
			day := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, loc)
			daily[dayIndex(from, day)] += m.Quantity
		}
		if len(page) < store.MaxListLimit {
			break
		}
		after = page[len(page)-1].Seq
	}
	sug, err := SuggestSafetyStock(SafetyInput{DailySales: daily, LeadTimeDays: r.LeadTimeDays,
		LeadTimeStdDevDays: r.LeadTimeStdDevDays, ServiceLevel: r.ServiceLevel})
	if err != nil {
		return SafetyAdvice{}, err // a *model.ValidationError naming its parameter
	}
	levels, err := s.store.ListStock(ctx, store.StockQuery{ShopIDs: []string{w.ShopID}, WarehouseID: w.ID, SKU: r.SKU, Limit: 1})
	if err != nil {
		return SafetyAdvice{}, err
	}
	var current int64
	if len(levels) == 1 {
		current = levels[0].SafetyStock
	}
	return SafetyAdvice{WarehouseID: w.ID, SKU: r.SKU, SafetySuggestion: sug, Current: current,
		From: from.Format(time.DateOnly), To: today.AddDate(0, 0, -1).Format(time.DateOnly), DailyDemand: daily}, nil
}

// dayIndex is the number of calendar days from from to day, both local midnights; counting
// dates, not hours, keeps a day with a daylight-saving change in its place.
func dayIndex(from, day time.Time) int {
	a := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
	b := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	return int(b.Sub(a).Hours() / 24)
}
