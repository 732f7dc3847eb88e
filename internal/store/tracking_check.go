package store

import (
	"fmt"
	"strconv"

	"lastmile/internal/model"
)

// ClampLimit is limit within 1 and MaxQueryRows; zero or less is MaxQueryRows.
func ClampLimit(limit int) int {
	if limit <= 0 || limit > MaxQueryRows {
		return MaxQueryRows
	}
	return limit
}

// CheckTrackingEvents refuses, on every store alike, events whose text no store can keep.
func CheckTrackingEvents(shopIDs []string, events []TrackingEvent) error {
	var c TextCheck
	c.AddAll("shop_ids", shopIDs)
	for i, e := range events {
		p := "events[" + strconv.Itoa(i) + "]"
		c.Add(p+".carrier", e.Carrier)
		c.Add(p+".tracking_number", e.TrackingNumber)
		c.Add(p+".code", e.RawCode)
		c.Add(p+".description", e.Description)
		c.AddJSON(p+".location", e.Location)
		c.Add(p+".status", e.Status)
		c.Add(p+".reason", e.Reason)
	}
	return c.Err()
}

// CheckClockChange checks that what a clock step returns belongs to the order of st: the
// order itself, a tracking state and exceptions of its shipments, deadlines and alerts of
// the order. Anything else is ErrInvalid.
func CheckClockChange(st ClockState, ch ClockChange) error {
	ships := map[string]bool{}
	for _, s := range st.Shipments {
		ships[s.ID] = true
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("clock change of order %s: %s: %w", st.Order.ID, fmt.Sprintf(format, args...), model.ErrInvalid)
	}
	if ch.OrderChanged && (ch.Order.ID != st.Order.ID || ch.Order.ShopID != st.Order.ShopID) {
		return bad("order %s of shop %s", ch.Order.ID, ch.Order.ShopID)
	}
	if ch.Tracking != nil && !ships[ch.Tracking.ShipmentID] {
		return bad("tracking of shipment %s", ch.Tracking.ShipmentID)
	}
	for _, c := range ch.ShipmentStatuses {
		if !ships[c.ShipmentID] || (c.Status != model.ShipmentInTransit && c.Status != model.ShipmentDelivered) {
			return bad("status %q of shipment %s", c.Status, c.ShipmentID)
		}
	}
	for _, x := range ch.Exceptions {
		if !ships[x.ShipmentID] || x.ID == "" || x.Key == "" {
			return bad("exception %q of shipment %s", x.Key, x.ShipmentID)
		}
	}
	for _, d := range ch.Deadlines {
		if d.Key == "" {
			return bad("deadline without a key")
		}
	}
	for _, a := range ch.Alerts {
		if a.ID == "" || a.Key == "" || a.Kind == "" {
			return bad("alert %q without id, key or kind", a.Key)
		}
	}
	var c TextCheck
	for _, x := range ch.Exceptions {
		c.Add("exception.description", x.Description)
		c.Add("exception.raw_code", x.RawCode)
	}
	if err := c.Err(); err != nil {
		return err
	}
	return ValidateJobs(ch.Jobs)
}
