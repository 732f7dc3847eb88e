package tracking

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Event is one carrier event of a shipment: the raw code and text as the carrier sent them,
// and the normalised status, reason and milestones (Codes.Normalize fills them).
type Event struct {
	TrackingNumber string
	// Carrier is the carrier's code as lastmile names it ("usps", "jt-th").
	Carrier string
	// RawCode is the carrier's own event code, kept as sent ("OA", "PICKED_UP").
	RawCode     string
	Description string
	OccurredAt  time.Time
	Location    Location

	Status     Status
	Reason     Reason
	Milestones MilestoneSet
}

// Location is where an event happened, as far as the carrier says.
type Location struct {
	City, Region, PostalCode, Country string
}

// EventKey is an event's identity: the same carrier, tracking number, raw code and second is
// the same event, however often and by whichever way (webhook, poll, batch) it arrives.
// Description and location are left out: a webhook and a poll may word or place the same
// event differently. The time counts to the second, because carriers send it at different
// precisions.
type EventKey struct {
	Carrier, TrackingNumber, RawCode string
	// Second is OccurredAt in Unix seconds.
	Second int64
}

// Key is the event's identity.
func (e *Event) Key() EventKey {
	return EventKey{Carrier: e.Carrier, TrackingNumber: e.TrackingNumber, RawCode: e.RawCode, Second: e.OccurredAt.Unix()}
}

// Limits on an event's fields: enough for every carrier's codes and texts, small enough that
// a batch of 10,000 events stays a few megabytes.
const (
	MaxRawCodeLen     = 64
	MaxDescriptionLen = 500
	MaxLocationLen    = 100
)

// ErrInvalidEvent is wrapped by every error of Event.Validate.
var ErrInvalidEvent = errors.New("invalid tracking event")

// FieldError is an event field that is wrong, with how to fix it.
type FieldError struct {
	// Field is the field's JSON name: tracking_number, carrier, code, description,
	// occurred_at, location.city…
	Field string
	// Code is a machine-readable kind: missing_field, too_long, out_of_range.
	Code    string
	Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

// Unwrap makes errors.Is(err, ErrInvalidEvent) hold.
func (e *FieldError) Unwrap() error { return ErrInvalidEvent }

// Validate checks an event from outside (a webhook, a batch) before it is normalised: the
// identity fields are present, texts within the limits, and the time neither missing nor more
// than a day ahead of now (a carrier's clock may run a little fast; a year-2099 event is a
// bug that would hold the shipment's status forever). It returns a *FieldError naming the
// first problem.
func (e *Event) Validate(now time.Time) error {
	fail := func(field, code, msg string) error { return &FieldError{Field: field, Code: code, Message: msg} }
	switch {
	case strings.TrimSpace(e.TrackingNumber) == "":
		return fail("tracking_number", "missing_field", "give the tracking number the event belongs to")
	case len(e.TrackingNumber) > 64:
		return fail("tracking_number", "too_long", "a tracking number has at most 64 characters")
	case strings.TrimSpace(e.Carrier) == "":
		return fail("carrier", "missing_field", `give the carrier's code ("usps", "jt-th")`)
	case len(e.Carrier) > 64:
		return fail("carrier", "too_long", "a carrier code has at most 64 characters")
	case strings.TrimSpace(e.RawCode) == "":
		return fail("code", "missing_field", "give the carrier's own event code, as the carrier sent it")
	case len(e.RawCode) > MaxRawCodeLen:
		return fail("code", "too_long", fmt.Sprintf("an event code has at most %d characters", MaxRawCodeLen))
	case len(e.Description) > MaxDescriptionLen:
		return fail("description", "too_long", fmt.Sprintf("a description has at most %d bytes", MaxDescriptionLen))
	case e.OccurredAt.IsZero():
		return fail("occurred_at", "missing_field", "give the time the event happened, RFC 3339 (2026-12-03T09:45:00Z)")
	case e.OccurredAt.After(now.Add(24 * time.Hour)):
		return fail("occurred_at", "out_of_range", fmt.Sprintf("%s is more than a day ahead of now (%s): check the carrier's clock and time zone",
			e.OccurredAt.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339)))
	}
	for _, f := range [...]struct{ name, v string }{
		{"location.city", e.Location.City}, {"location.region", e.Location.Region},
		{"location.postal_code", e.Location.PostalCode}, {"location.country", e.Location.Country},
	} {
		if len(f.v) > MaxLocationLen {
			return fail(f.name, "too_long", fmt.Sprintf("at most %d bytes", MaxLocationLen))
		}
	}
	return nil
}

// before orders events: by second, then the further status, then the raw code, then the
// exact time. Two events with one key never both stay in a shipment, so this order is total
// over a shipment's events and does not depend on the order they arrived in.
func before(a, b *Event) bool {
	as, bs := a.OccurredAt.Unix(), b.OccurredAt.Unix()
	if as != bs {
		return as < bs
	}
	if ar, br := a.Status.rank(), b.Status.rank(); ar != br {
		return ar < br
	}
	if a.RawCode != b.RawCode {
		return a.RawCode < b.RawCode
	}
	return a.OccurredAt.Before(b.OccurredAt)
}

// mergeDuplicate is the event kept when two with the same key arrive: each detail the one
// lacks is taken from the other, and where both have one and they differ, the smaller wins.
// The result does not depend on which came first, so duplicates keep Apply order-independent.
func mergeDuplicate(a, b Event) Event {
	pick := func(x, y string) string {
		switch {
		case x == "":
			return y
		case y == "" || x <= y:
			return x
		}
		return y
	}
	a.Description = pick(a.Description, b.Description)
	a.Location.City = pick(a.Location.City, b.Location.City)
	a.Location.Region = pick(a.Location.Region, b.Location.Region)
	a.Location.PostalCode = pick(a.Location.PostalCode, b.Location.PostalCode)
	a.Location.Country = pick(a.Location.Country, b.Location.Country)
	if b.OccurredAt.Before(a.OccurredAt) {
		a.OccurredAt = b.OccurredAt
	}
	if b.Status.rank() > a.Status.rank() || (b.Status == a.Status && b.Reason > a.Reason) {
		a.Status, a.Reason = b.Status, b.Reason
	}
	a.Milestones |= b.Milestones
	return a
}
