package config

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"lastmile/internal/model"
)

// Market holds the rules and figures of one marketplace country. Every duration and count cites
// the rule it comes from (docs/rules.md); the configuration file names them markets.<CC>.<key> (the
// key is in each comment) and docs/configuration.md lists them.
type Market struct {
	// Code is the ISO 3166-1 alpha-2 code.
	Code model.Market
	// Currency is the ISO 4217 code orders in this market are paid in (currency, R-MKT-1).
	Currency string
	// TimeZone is the IANA zone the market's clocks and promise days count in (time_zone, R-MKT-1).
	TimeZone string
	// UnpaidCancelAfter: unpaid orders are cancelled automatically this long after creation
	// (unpaid_cancel_after, R-ORD-2).
	UnpaidCancelAfter time.Duration
	// ConfirmWithin: a paid order must be confirmed within this (confirm_within, R-ORD-3).
	ConfirmWithin time.Duration
	// CancelRequestWithin: a buyer's cancellation request must be accepted or rejected within
	// this (cancel_request_within, R-ORD-4).
	CancelRequestWithin time.Duration
	// PrintWithin: labels should be printed within this of payment (print_within, R-ORD-5).
	PrintWithin time.Duration
	// ShipWithin: first scan within this of confirmation (ship_within, R-SHIP-1).
	ShipWithin time.Duration
	// CutOff is the daily carrier hand-over cut-off, "HH:MM" local time, of a warehouse that sets
	// none: a parcel ready before it is handed over the same working day (cut_off). Allocation
	// and rating read this one figure, so a quote and an allocation pick the same hand-over day.
	CutOff string
	// WorkingDays are the days a warehouse that lists none hands parcels over (working_days).
	WorkingDays Weekdays
	// PromiseDays: calendar days from order to delivery the platform promises (promise_days,
	// R-SLA-1).
	PromiseDays int
	// LateGrace: a delivery this long after the promise, without a buyer-agreed extension, is
	// late (late_grace, R-SLA-2). Zero is a valid figure (late as soon as the promise passes):
	// a market the file does not give late_grace keeps its default, so zero is never "unset".
	LateGrace time.Duration
	// FirstScanWithin: the carrier's first scan within this of label creation (first_scan_within,
	// R-TRK-1).
	FirstScanWithin time.Duration
	// CarrierReportWithin: the carrier reports the tracking number and pickup within this of
	// dispatch (carrier_report_within, R-TRK-2).
	CarrierReportWithin time.Duration
	// EventCadenceCertified: a tracking event at least this often on a certified last-mile
	// carrier (event_cadence_certified, R-TRK-3).
	EventCadenceCertified time.Duration
	// EventCadenceCrossBorder: a tracking event at least this often on a cross-border leg
	// (event_cadence_cross_border, R-TRK-3).
	EventCadenceCrossBorder time.Duration
	// StaleAfter: no new tracking event for longer than this is a logistics exception
	// (stale_after, R-TRK-5).
	StaleAfter time.Duration
	// AtRiskAt: a clock is at risk, and raises its at-risk alert, once this share of its
	// window has gone (at_risk_at; every clock's rule, R-SHIP-1, R-TRK-1…; default 0.75).
	AtRiskAt float64
	// OldBreachGrace: a clock lastmile first computes when it has been breached for longer
	// than this (an order older than the clocks: tracking turned on for a store with old
	// orders, an upgrade) is recorded breached without an alert or notification
	// (old_breach_grace; every clock's rule, R-ORD-2 … R-SLA-2; default 24 h; 0s alerts every
	// breach).
	OldBreachGrace time.Duration
	// CertifiedOnly: only carriers certified for this market may carry its orders
	// (certified_carriers_only, R-SHIP-3).
	CertifiedOnly bool
	// Carriers are the carriers a shop ships with, by code, sorted (carriers, R-SHIP-3); empty
	// is every carrier certified for the market. It is a shop's setting: the settings service
	// refuses a carrier not certified for the shop's market.
	Carriers []string
	// QRLabel: parcels to this market carry the platform's anti-counterfeit QR label (qr_label,
	// R-LBL-5).
	QRLabel bool
	// LocalOnly: orders of this market ship only from a warehouse physically in it; cross-border
	// direct shipping is closed (ship_from_local_only, R-MODE-5).
	LocalOnly bool
	// CODAllowed: cash on delivery is offered in this market (cod, R-MKT-2).
	CODAllowed bool
	// RequireDeclaredName holds an order whose lines lack a customs description
	// (require_declared_name, R-SHIP-6). Turn it off for a shop that ships only domestically
	// from a local warehouse.
	RequireDeclaredName bool
}

// Defaults of the figures that the rules (docs/rules.md) give for every market.
const (
	defaultUnpaidCancelAfter   = 48 * time.Hour // R-ORD-2
	defaultConfirmWithin       = 24 * time.Hour // R-ORD-3
	defaultCancelRequestWithin = 48 * time.Hour // R-ORD-4
	defaultPrintWithin         = 48 * time.Hour // R-ORD-5
	seaPrintWithin             = 72 * time.Hour // R-ORD-5: South-East Asia
	defaultShipWithin          = 72 * time.Hour // R-SHIP-1
	ukShipWithin               = 48 * time.Hour // R-SHIP-1: UK
	defaultLateGrace           = 24 * time.Hour // R-SLA-2
	defaultFirstScanWithin     = 4 * time.Hour  // R-TRK-1
	defaultCarrierReportWithin = 24 * time.Hour // R-TRK-2
	defaultCadenceCertified    = 24 * time.Hour // R-TRK-3: certified last mile
	defaultCadenceCrossBorder  = 48 * time.Hour // R-TRK-3: cross-border
	defaultStaleAfter          = 72 * time.Hour // R-TRK-5
	defaultAtRiskAt            = 0.75           // at risk at 75% of a clock's window
	defaultOldBreachGrace      = 24 * time.Hour // no alert for a clock first seen breached longer ago
	// defaultPromiseDays applies where R-SLA-1 publishes no figure (it gives UK 5, TH 3, US 7);
	// the US figure is the most lenient published one, so no market is held to a made-up tighter one.
	defaultPromiseDays = 7
)

// DefaultCutOff is the hand-over cut-off of a market that sets none. Noon is deliberately
// early: a default later than the warehouse's real cut-off would promise hand-overs it cannot
// make, and the delivery estimates R-SLA-1 is checked against would be a day too optimistic.
const DefaultCutOff = "12:00"

// DefaultWorkingDays are the hand-over days of a market that sets none: Monday to Friday.
const DefaultWorkingDays = Weekdays(1<<time.Monday | 1<<time.Tuesday | 1<<time.Wednesday | 1<<time.Thursday | 1<<time.Friday)

// certifiedOnlyMarkets are the markets where only platform-certified last-mile carriers may be
// used (R-SHIP-3: the US, the UK and the South-East Asian core markets).
var certifiedOnlyMarkets = []model.Market{"US", "GB", "ID", "TH", "VN", "MY", "PH", "SG"}

// qrMarkets are the destinations whose sort centres refuse a parcel without the platform's
// anti-counterfeit QR label (R-LBL-5).
var qrMarkets = []model.Market{"GB", "DE", "FR"}

// localOnlyMarkets are the markets of R-MODE-5: US orders ship from a warehouse in the US.
var localOnlyMarkets = []model.Market{"US"}

// DefaultMarkets returns the published defaults of every market lastmile knows (R-MKT-1).
func DefaultMarkets() map[model.Market]Market {
	type m struct {
		code, cur, tz string
		sea           bool
	}
	list := []m{
		{"US", "USD", "America/Los_Angeles", false},
		{"GB", "GBP", "Europe/London", false},
		{"IE", "EUR", "Europe/Dublin", false},
		{"DE", "EUR", "Europe/Berlin", false},
		{"FR", "EUR", "Europe/Paris", false},
		{"IT", "EUR", "Europe/Rome", false},
		{"ES", "EUR", "Europe/Madrid", false},
		{"MX", "MXN", "America/Mexico_City", false},
		{"BR", "BRL", "America/Sao_Paulo", false},
		{"JP", "JPY", "Asia/Tokyo", false},
		{"SA", "SAR", "Asia/Riyadh", false},
		{"ID", "IDR", "Asia/Jakarta", true},
		{"TH", "THB", "Asia/Bangkok", true},
		{"VN", "VND", "Asia/Ho_Chi_Minh", true},
		{"MY", "MYR", "Asia/Kuala_Lumpur", true},
		{"PH", "PHP", "Asia/Manila", true},
		{"SG", "SGD", "Asia/Singapore", true},
	}
	out := make(map[model.Market]Market, len(list))
	for _, v := range list {
		mk := baseMarket(model.Market(v.code))
		mk.Currency, mk.TimeZone = v.cur, v.tz
		mk.CODAllowed = v.sea // R-MKT-2: COD is a South-East Asian habit
		if v.sea {
			mk.PrintWithin = seaPrintWithin
		}
		mk.CertifiedOnly = slices.Contains(certifiedOnlyMarkets, mk.Code)
		mk.QRLabel = slices.Contains(qrMarkets, mk.Code)
		mk.LocalOnly = slices.Contains(localOnlyMarkets, mk.Code)
		out[mk.Code] = mk
	}
	us, gb, th := out["US"], out["GB"], out["TH"]
	us.PromiseDays = 7 // R-SLA-1
	gb.PromiseDays = 5 // R-SLA-1
	gb.ShipWithin = ukShipWithin
	th.PromiseDays = 3 // R-SLA-1
	out["US"], out["GB"], out["TH"] = us, gb, th
	return out
}

// baseMarket is a market with every figure at its general default and no currency or zone: a
// market the configuration file adds starts from it and must name those two.
func baseMarket(code model.Market) Market {
	return Market{
		Code:                    code,
		UnpaidCancelAfter:       defaultUnpaidCancelAfter,
		ConfirmWithin:           defaultConfirmWithin,
		CancelRequestWithin:     defaultCancelRequestWithin,
		PrintWithin:             defaultPrintWithin,
		ShipWithin:              defaultShipWithin,
		CutOff:                  DefaultCutOff,
		WorkingDays:             DefaultWorkingDays,
		PromiseDays:             defaultPromiseDays,
		LateGrace:               defaultLateGrace,
		FirstScanWithin:         defaultFirstScanWithin,
		CarrierReportWithin:     defaultCarrierReportWithin,
		EventCadenceCertified:   defaultCadenceCertified,
		EventCadenceCrossBorder: defaultCadenceCrossBorder,
		StaleAfter:              defaultStaleAfter,
		AtRiskAt:                defaultAtRiskAt,
		OldBreachGrace:          defaultOldBreachGrace,
		// R-SHIP-6: customs data is checked before shipping.
		RequireDeclaredName: true,
	}
}

// AllWeekdays is every day of the week.
const AllWeekdays = Weekdays(1<<7 - 1)

// Weekdays is a set of days of the week, bit time.Weekday of it set for each day in the set.
// It is written as a list of day codes: [mon, tue, wed, thu, fri].
type Weekdays uint8

var dayCodes = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// ParseWeekdays reads day codes "mon" … "sun" (any case). An empty list or an unknown code is
// an error.
func ParseWeekdays(days []string) (Weekdays, error) {
	var w Weekdays
	for _, s := range days {
		i := slices.Index(dayCodes[:], strings.ToLower(strings.TrimSpace(s)))
		if i < 0 {
			return 0, fmt.Errorf("%q is not a day; write mon, tue, wed, thu, fri, sat or sun", s)
		}
		w |= 1 << i
	}
	if w == 0 {
		return 0, fmt.Errorf("no day listed; write at least one of mon, tue, wed, thu, fri, sat, sun")
	}
	return w, nil
}

// Has reports whether d is in the set.
func (w Weekdays) Has(d time.Weekday) bool { return w&(1<<d) != 0 }

// Names lists the days of the set, Monday first: ["mon", "tue", …].
func (w Weekdays) Names() []string {
	var out []string
	for i := 1; i <= 7; i++ {
		if d := time.Weekday(i % 7); w.Has(d) {
			out = append(out, dayCodes[d])
		}
	}
	return out
}

// String is the set as "mon,tue,wed,thu,fri".
func (w Weekdays) String() string { return strings.Join(w.Names(), ",") }
