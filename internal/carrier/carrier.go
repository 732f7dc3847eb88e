// Package carrier is the interface between lastmile and the carriers it buys labels from: one
// Carrier interface that every adapter implements (rate, buy a label, void it, track, manifest,
// schedule a pickup), the typed errors callers decide on, a registry where adapters declare
// themselves with a config spec, and the platform's per-market certification of carriers
// (R-SHIP-3).
//
// # Codes
//
// A carrier's Code and its services' codes are the same strings as the rate cards'
// carrier and service ids (internal/rating, docs/ratecards.md): the shipping workflow
// rate-shops over the cards, then buys the label from the configured carrier whose Code is the
// selected quote's carrier and whose service has the quote's service code (Set.Service). A
// carrier that operates one network per country (J&T Express, Ninja Van) has one code per
// country, as its cards do ("jt-us", "jt-th", "ninja-van-my"): each country is a separate
// account with its own API keys. Service.Numbers names the tracking-number family its labels
// carry (trackno's carrier code: "jt-express" for every J&T country), which is what the
// shipping layer checks a purchased number against (R-SHIP-4).
//
// # Idempotency
//
// Purchase is idempotent by PurchaseRequest.IdempotencyKey: lastmile sends one key per
// shipment attempt, and a retry with the same key returns the same label, never a second one,
// even when the first answer was lost. Void, Manifest and SchedulePickup are idempotent too.
// Adapters never retry by themselves; the caller (the shipping layer's job engine) retries
// the errors IsTransient reports, after RetryAfter when the carrier said how long.
//
// # Errors
//
// Every failure of a call is either an error wrapping ErrUnsupported (the carrier does not offer
// the operation: see Capabilities), an error wrapping the caller's context error (the ctx was
// cancelled or its deadline passed), or a *Error whose Kind says what to do: retry
// (Transient, RateLimited), fix the request (Refused, naming the field), or fix the
// configuration (Auth).
package carrier

import (
	"context"
	"strings"

	"lastmile/internal/trackno"
)

// Carrier is one carrier account lastmile can rate and buy labels with. Implementations are
// safe for concurrent use. Every method that may block takes ctx first and returns promptly,
// with an error wrapping ctx.Err(), once ctx is done.
type Carrier interface {
	// Code is the carrier's id, the rate cards' carrier id: lower-case letters, digits, ".",
	// "_", "-" ("usps", "royal-mail", "jt-th").
	Code() string
	// Name is the display name ("J&T Express Thailand").
	Name() string
	// Services lists the services this account can buy, in a stable order. The slice is the
	// caller's.
	Services() []Service
	// Capabilities says which of the calls below the carrier supports; the others return an
	// error wrapping ErrUnsupported.
	Capabilities() Capabilities

	// Rate prices a parcel with every service (or those of RateRequest.Services) that can carry
	// it, in the order of Services. Services that cannot carry it are left out; when none
	// can, the error is a *Error of kind Refused naming why.
	Rate(ctx context.Context, req RateRequest) ([]Rate, error)
	// Purchase buys a label. It is idempotent by req.IdempotencyKey (required): the same key
	// returns the same label, byte for byte, and never buys a second one; the same key with a
	// different request is Refused.
	Purchase(ctx context.Context, req PurchaseRequest) (Label, error)
	// Void cancels a label before hand-over and refunds its charge. Voiding a label that is
	// already void returns the same Refund; a label already handed over (manifested) is
	// Refused.
	Void(ctx context.Context, req VoidRequest) (Refund, error)
	// Track returns the raw tracking events of each number, one Tracking per number in the
	// order asked. A number the carrier does not know is a Tracking with Found false, not an
	// error.
	Track(ctx context.Context, numbers []string) ([]Tracking, error)
	// Manifest closes the day for the given labels: the end-of-day scan form the driver
	// signs at hand-over (R-SHIP-5). Idempotent by ManifestRequest.IdempotencyKey.
	Manifest(ctx context.Context, req ManifestRequest) (Manifest, error)
	// SchedulePickup asks the carrier to collect parcels. Idempotent by
	// PickupRequest.IdempotencyKey.
	SchedulePickup(ctx context.Context, req PickupRequest) (Pickup, error)
}

// Service is one service (channel) of a carrier.
type Service struct {
	// Code is the service id, the rate card's service id ("ground-advantage", "tracked-48").
	Code string
	// Name is the display name printed on labels ("Ground Advantage").
	Name string
	// Markets are the destination markets served, ISO 3166-1 alpha-2 (GB, not UK).
	Markets []string
	// TransitDaysMin and TransitDaysMax bound the transit days from hand-over to delivery
	// over the service's zones; BusinessDays says they are carrier working days rather than
	// calendar days. Rate gives the figures for one destination.
	TransitDaysMin, TransitDaysMax int
	BusinessDays                   bool
	// COD: the service collects cash on delivery (R-MKT-2).
	COD bool
	// Options are the options the service offers besides cod ("signature", "insurance").
	Options []string
	// LabelFormats are the formats the carrier returns its own label document in, preferred
	// first. Empty: the carrier returns label data and lastmile renders its own 4×6 label
	// from it (R-SHIP-2, see Label).
	LabelFormats []Format
	// Numbers is the tracking-number family the service's labels carry, as internal/trackno
	// names it ("usps", "jt-express"): a purchased number must pass
	// trackno.CheckAs(number, Numbers) (R-SHIP-4). Empty for a carrier that cannot purchase.
	Numbers trackno.Carrier
}

// Format is a label or manifest document format.
type Format string

// The document formats.
const (
	FormatPDF Format = "pdf"
	FormatZPL Format = "zpl"
	FormatPNG Format = "png"
)

// Valid reports whether f is one of the formats.
func (f Format) Valid() bool { return f == FormatPDF || f == FormatZPL || f == FormatPNG }

// Capabilities is a set of the operations a carrier supports.
type Capabilities uint32

// The capabilities. Webhook means the carrier pushes tracking events (the tracking layer's
// business); the others are the Carrier methods of the same name.
const (
	CanRate Capabilities = 1 << iota
	CanPurchase
	CanVoid
	CanTrack
	CanManifest
	CanPickup
	CanWebhook
)

var capabilityNames = [...]string{"rate", "purchase", "void", "track", "manifest", "pickup", "webhook"}

// Has reports whether every capability of want is in c.
func (c Capabilities) Has(want Capabilities) bool { return c&want == want }

// Names lists the capabilities in c in a stable order: rate, purchase, void, track, manifest,
// pickup, webhook.
func (c Capabilities) Names() []string {
	var out []string
	for i, n := range capabilityNames {
		if c&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

// String is the names joined with "|", or "none".
func (c Capabilities) String() string {
	if c == 0 {
		return "none"
	}
	return strings.Join(c.Names(), "|")
}

// ParseCapability returns the capability named s (as Names writes it).
func ParseCapability(s string) (Capabilities, bool) {
	for i, n := range capabilityNames {
		if n == s {
			return 1 << i, true
		}
	}
	return 0, false
}

// ServiceByCode returns the service of c with the given code.
func ServiceByCode(c Carrier, code string) (Service, bool) {
	for _, s := range c.Services() {
		if s.Code == code {
			return s, true
		}
	}
	return Service{}, false
}
