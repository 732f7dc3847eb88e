package sla

import (
	"errors"
	"fmt"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/tracking"
)

// The platform's published windows (docs/rules.md): the defaults of Figures.
const (
	DefaultUnpaidCancelAfter   = 48 * time.Hour // R-ORD-2
	DefaultConfirmWithin       = 24 * time.Hour // R-ORD-3
	DefaultCancelRequestWithin = 48 * time.Hour // R-ORD-4
	DefaultPrintWithin         = 48 * time.Hour // R-ORD-5
	SEAPrintWithin             = 72 * time.Hour // R-ORD-5: South-East Asia
	DefaultShipWithin          = 72 * time.Hour // R-SHIP-1
	UKShipWithin               = 48 * time.Hour // R-SHIP-1: the UK
	DefaultLateGrace           = 24 * time.Hour // R-SLA-2
	// DefaultAtRiskAt: a clock is at risk once 75% of its window has gone.
	DefaultAtRiskAt = 0.75
	// DefaultOldBreachGrace: a clock first computed more than 24 h after it breached is
	// recorded breached without an alert (OldBreach).
	DefaultOldBreachGrace = 24 * time.Hour
)

// seaMarkets are South-East Asia's markets, where R-ORD-5 gives 72 h.
var seaMarkets = map[model.Market]bool{"ID": true, "TH": true, "VN": true, "MY": true, "PH": true, "SG": true}

// Figures are one market's (or shop's) clock windows. Each is configuration under
// markets.<CC> (shops.<id> overrides), by the key named in its comment.
type Figures struct {
	// UnpaidCancelAfter: an unpaid order is cancelled this long after creation (R-ORD-2;
	// unpaid_cancel_after).
	UnpaidCancelAfter time.Duration
	// ConfirmWithin: confirm a paid order within this (R-ORD-3; confirm_within).
	ConfirmWithin time.Duration
	// CancelRequestWithin: answer a buyer's cancellation request within this (R-ORD-4;
	// cancel_request_within).
	CancelRequestWithin time.Duration
	// PrintWithin: print the labels within this of payment (R-ORD-5; print_within).
	PrintWithin time.Duration
	// ShipWithin: first scan within this of confirmation (R-SHIP-1; ship_within).
	ShipWithin time.Duration
	// Tracking are the tracking clocks' figures: first scan (R-TRK-1), carrier report
	// (R-TRK-2), event cadence (R-TRK-3) and stale (R-TRK-5).
	Tracking tracking.Figures
	// LateGrace: delivered more than this past the promise is late (R-SLA-2; late_grace).
	LateGrace time.Duration
	// AtRiskAt is the share of a clock's window after which it is at risk, 0 to 1
	// (at_risk_at; default 0.75).
	AtRiskAt float64
	// OldBreachGrace: a clock lastmile first computes when it has been breached for longer
	// than this is recorded breached without an alert (old_breach_grace; default 24 h; zero
	// alerts every breach). See OldBreach.
	OldBreachGrace time.Duration
}

// DefaultFigures are the published figures of market: 48 h to ship in the UK (R-SHIP-1), 72 h
// to print in South-East Asia (R-ORD-5), the defaults elsewhere.
func DefaultFigures(market model.Market) Figures {
	f := Figures{
		UnpaidCancelAfter: DefaultUnpaidCancelAfter, ConfirmWithin: DefaultConfirmWithin,
		CancelRequestWithin: DefaultCancelRequestWithin, PrintWithin: DefaultPrintWithin, ShipWithin: DefaultShipWithin,
		Tracking: tracking.DefaultFigures(), LateGrace: DefaultLateGrace, AtRiskAt: DefaultAtRiskAt,
		OldBreachGrace: DefaultOldBreachGrace,
	}
	if market == "GB" {
		f.ShipWithin = UKShipWithin
	}
	if seaMarkets[market] {
		f.PrintWithin = SEAPrintWithin
	}
	return f
}

// FiguresFor are the figures of a configured market: its unpaid, confirm, print and ship
// windows from the configuration, the others at their defaults until the configuration has
// keys for them.
func FiguresFor(m config.Market) Figures {
	f := DefaultFigures(m.Code)
	if m.UnpaidCancelAfter > 0 {
		f.UnpaidCancelAfter = m.UnpaidCancelAfter
	}
	if m.ConfirmWithin > 0 {
		f.ConfirmWithin = m.ConfirmWithin
	}
	if m.PrintWithin > 0 {
		f.PrintWithin = m.PrintWithin
	}
	if m.ShipWithin > 0 {
		f.ShipWithin = m.ShipWithin
	}
	return f
}

// Validate reports every figure out of range, by its configuration key and rule.
func (f Figures) Validate() error {
	var errs []error
	for _, v := range [...]struct {
		key, rule string
		d         time.Duration
	}{
		{"unpaid_cancel_after", "R-ORD-2", f.UnpaidCancelAfter},
		{"confirm_within", "R-ORD-3", f.ConfirmWithin},
		{"cancel_request_within", "R-ORD-4", f.CancelRequestWithin},
		{"print_within", "R-ORD-5", f.PrintWithin},
		{"ship_within", "R-SHIP-1", f.ShipWithin},
	} {
		if v.d <= 0 {
			errs = append(errs, fmt.Errorf("%s (%s) is %s: want a positive duration such as 48h", v.key, v.rule, v.d))
		}
	}
	if f.LateGrace < 0 {
		errs = append(errs, fmt.Errorf("late_grace (R-SLA-2) is %s: want zero or more", f.LateGrace))
	}
	if f.OldBreachGrace < 0 {
		errs = append(errs, fmt.Errorf("old_breach_grace is %s: want zero or more", f.OldBreachGrace))
	}
	if !(f.AtRiskAt > 0 && f.AtRiskAt < 1) {
		errs = append(errs, fmt.Errorf("at_risk_at is %v: want a share of the window between 0 and 1, such as 0.75", f.AtRiskAt))
	}
	if err := f.Tracking.Validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
