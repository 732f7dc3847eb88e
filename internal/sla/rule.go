// Package sla runs lastmile's clocks and scores, as pure functions: every deadline the
// platform sets on an order and its parcels (confirm, print, ship, first scan, carrier report,
// event cadence, stale, delivery promise, late), each with its rule id and a default that is
// configuration per market; their state at a time (pending, at risk, met, breached) with the
// at-risk and breach alerts raised once each; and the weekly scores the platform judges a shop
// by (late dispatch, valid tracking, on-time delivery, delivery exceptions, tracking
// completeness, confirmation timeouts, seller-fault cancellations), lastmile's composite
// logistics service score (LTS), their alerts, and a forecast of the week from the parcels
// still on their way. Storage, the due-time sweep and the API sit on top of it.
package sla

import "slices"

// RuleID is a rule's id in docs/rules.md.
type RuleID string

// The rules with a clock.
const (
	RuleUnpaidCancel  RuleID = "R-ORD-2"
	RuleConfirm       RuleID = "R-ORD-3"
	RuleCancelRequest RuleID = "R-ORD-4"
	RulePrint         RuleID = "R-ORD-5"
	RuleShip          RuleID = "R-SHIP-1"
	RuleFirstScan     RuleID = "R-TRK-1"
	RuleCarrierReport RuleID = "R-TRK-2"
	RuleEventCadence  RuleID = "R-TRK-3"
	RuleStale         RuleID = "R-TRK-5"
	RulePromise       RuleID = "R-SLA-1"
	RuleLate          RuleID = "R-SLA-2"
)

// Rule describes one clock.
type Rule struct {
	ID RuleID
	// Name is the clock's short name, as the API and the console show it.
	Name string
	// Starts says what starts the clock; Default its published window; Key the configuration
	// key under markets.<CC> (and shops.<id>) that sets it.
	Starts, Default, Key string
	// Of is "order" or "shipment": what the clock runs for.
	Of string
}

// Rules lists every clock, in the order of an order's way.
func Rules() []Rule { return slices.Clone(rules[:]) }

// rules are the clocks; never written.
var rules = [...]Rule{
	{RuleUnpaidCancel, "unpaid auto-cancel", "order created", "48 h", "unpaid_cancel_after", "order"},
	{RuleConfirm, "confirm", "order paid", "24 h", "confirm_within", "order"},
	{RuleCancelRequest, "answer cancellation request", "buyer asked to cancel", "48 h", "cancel_request_within", "order"},
	{RulePrint, "print label", "order paid", "48 h; 72 h in ID, TH, VN, MY, PH, SG", "print_within", "order"},
	{RuleShip, "ship", "order confirmed", "72 h; 48 h in GB", "ship_within", "order"},
	{RuleFirstScan, "first scan", "label created", "4 h", "first_scan_within", "shipment"},
	{RuleCarrierReport, "carrier pickup report", "parcel dispatched (handed over)", "24 h", "carrier_report_within", "shipment"},
	{RuleEventCadence, "event cadence", "last tracking event", "24 h; 48 h cross-border", "event_cadence_certified, event_cadence_cross_border", "shipment"},
	{RuleStale, "stale", "last tracking event", "72 h", "stale_after", "shipment"},
	{RulePromise, "delivery promise", "order paid", "GB 5, TH 3, US 7 calendar days, to the end of the day", "promise_days", "order"},
	{RuleLate, "late delivery", "order paid", "24 h past the promise", "late_grace", "order"},
}

// RuleOf is the description of id.
func RuleOf(id RuleID) (Rule, bool) {
	for i := range rules {
		if rules[i].ID == id {
			return rules[i], true
		}
	}
	return Rule{}, false
}
