package store

import (
	"fmt"
	"slices"
	"strconv"
	"time"

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

// DiffDeadlines is what replacing an order's stored deadlines with next writes: the keys of
// the stored rows next drops, and the rows of next that are new or differ from the stored
// row of their key (the shop and order ids, which the store sets, aside).
func DiffDeadlines(stored, next []DeadlineRow) (gone []string, changed []DeadlineRow) {
	old := make(map[string]DeadlineRow, len(stored))
	for _, d := range stored {
		old[d.Key] = d
	}
	keep := make(map[string]bool, len(next))
	for _, d := range next {
		keep[d.Key] = true
		if o, ok := old[d.Key]; !ok || !sameDeadline(o, d) {
			changed = append(changed, d)
		}
	}
	for _, d := range stored {
		if !keep[d.Key] {
			gone = append(gone, d.Key)
		}
	}
	return gone, changed
}

func sameDeadline(a, b DeadlineRow) bool {
	return a.Rule == b.Rule && a.Name == b.Name && a.Subject == b.Subject && a.SubjectID == b.SubjectID &&
		sameMicro(a.StartAt, b.StartAt) && sameMicro(a.DueAt, b.DueAt) && sameMicro(a.AtRiskAt, b.AtRiskAt) && a.Source == b.Source &&
		sameMicro(a.MetAt, b.MetAt) && a.State == b.State && sameMicro(a.NextCheckAt, b.NextCheckAt)
}

// sameMicro compares times as both stores keep them: to the microsecond.
func sameMicro(a, b time.Time) bool {
	return a.Truncate(time.Microsecond).Equal(b.Truncate(time.Microsecond))
}

// ApplyClockChange is st once ch is written, as a store reads it back: what a later shipment
// of the same order sees within one IngestTracking batch. st's maps and slices are not
// changed in place.
func ApplyClockChange(st ClockState, ch ClockChange) ClockState {
	o := st.Order
	if ch.OrderChanged {
		st.Order = ch.Order
	}
	if t := ch.Tracking; t != nil {
		m := make(map[string]TrackingState, len(st.Tracking)+1)
		for k, v := range st.Tracking {
			m[k] = v
		}
		row := *t
		row.ShopID, row.OrderID = o.ShopID, o.ID
		m[t.ShipmentID] = row
		st.Tracking = m
	}
	if len(ch.ShipmentStatuses) > 0 {
		ships := append([]model.Shipment(nil), st.Shipments...)
		for _, sc := range ch.ShipmentStatuses {
			for i := range ships {
				if ships[i].ID == sc.ShipmentID {
					ships[i].Status, ships[i].UpdatedAt = sc.Status, sc.At
				}
			}
		}
		st.Shipments = ships
	}
	if ch.ReplaceDeadlines {
		ds := make([]DeadlineRow, len(ch.Deadlines))
		for i, d := range ch.Deadlines {
			d.ShopID, d.OrderID = o.ShopID, o.ID
			ds[i] = d
		}
		st.Deadlines = ds
	}
	if len(ch.Exceptions) > 0 {
		xs := append([]TrackingException(nil), st.Exceptions...)
		for _, x := range ch.Exceptions {
			i := slices.IndexFunc(xs, func(y TrackingException) bool { return y.Key == x.Key })
			if i < 0 {
				x.ShopID, x.OrderID, x.ResolvedAt, x.Note = o.ShopID, o.ID, time.Time{}, ""
				xs = append(xs, x)
				continue
			}
			xs[i].ClosedAt, xs[i].Description, xs[i].Action = x.ClosedAt, x.Description, x.Action
		}
		st.Exceptions = xs
	}
	if len(ch.Alerts) > 0 {
		m := make(map[string]bool, len(st.Alerted)+len(ch.Alerts))
		for k, v := range st.Alerted {
			m[k] = v
		}
		for _, a := range ch.Alerts {
			m[a.Key+"/"+a.Kind] = true
		}
		st.Alerted = m
	}
	return st
}
