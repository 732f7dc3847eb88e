package carrier_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"lastmile/internal/carrier"
)

func TestErrorKinds(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		err       error
		kind      carrier.Kind
		transient bool
		after     time.Duration
	}{
		{"nil", nil, 0, false, 0},
		{"transient", &carrier.Error{Kind: carrier.Transient, Carrier: "usps", Op: "purchase", Code: "server_error"}, carrier.Transient, true, 0},
		{"wrapped rate limit", fmt.Errorf("buying: %w", &carrier.Error{Kind: carrier.RateLimited, Carrier: "ups", RetryAfter: 2 * time.Second}), carrier.RateLimited, true, 2 * time.Second},
		{"refused", carrier.Refusal("usps", "purchase", "postal_code_format", "to.postal_code", "9410 is not a ZIP code"), carrier.Refused, false, 0},
		{"auth", &carrier.Error{Kind: carrier.Auth, Carrier: "fedex"}, carrier.Auth, false, 0},
		{"unsupported", carrier.Unsupported("evri", "manifest"), 0, false, 0},
		{"cancelled", fmt.Errorf("carrier usps: %w", context.Canceled), 0, false, 0},
		{"transient wrapping a cancel", &carrier.Error{Kind: carrier.Transient, Err: context.Canceled}, carrier.Transient, false, 0},
	}
	for _, c := range cases {
		if got := carrier.KindOf(c.err); got != c.kind {
			t.Errorf("%s: KindOf = %v, want %v", c.name, got, c.kind)
		}
		if got := carrier.IsTransient(c.err); got != c.transient {
			t.Errorf("%s: IsTransient = %v, want %v", c.name, got, c.transient)
		}
		if got := carrier.RetryAfter(c.err); got != c.after {
			t.Errorf("%s: RetryAfter = %v, want %v", c.name, got, c.after)
		}
	}
	if err := carrier.Unsupported("evri", "manifest"); !errors.Is(err, carrier.ErrUnsupported) || !strings.Contains(err.Error(), "evri") {
		t.Errorf("Unsupported: %v", err)
	}
	msg := carrier.Refusal("usps", "purchase", "postal_code_format", "to.postal_code", "9410 is not a US ZIP code; enter 5 digits").Error()
	for _, want := range []string{"usps", "purchase", "refused", "postal_code_format", "to.postal_code", "enter 5 digits"} {
		if !strings.Contains(msg, want) {
			t.Errorf("Refused message %q lacks %q", msg, want)
		}
	}
	e := &carrier.Error{Kind: carrier.Transient, Carrier: "ups", Op: "rate", Err: errors.New("connection reset")}
	if !strings.Contains(e.Error(), "connection reset") || !errors.Is(e, e.Err) {
		t.Errorf("underlying error: %v", e)
	}
}

func TestCapabilities(t *testing.T) {
	t.Parallel()
	c := carrier.CanRate | carrier.CanPurchase | carrier.CanWebhook
	if !c.Has(carrier.CanRate|carrier.CanPurchase) || c.Has(carrier.CanVoid) || c.Has(carrier.CanRate|carrier.CanVoid) {
		t.Errorf("Has is wrong for %v", c)
	}
	if c.String() != "rate|purchase|webhook" || carrier.Capabilities(0).String() != "none" {
		t.Errorf("String = %q", c.String())
	}
	for _, n := range (carrier.CanRate | carrier.CanPurchase | carrier.CanVoid | carrier.CanTrack | carrier.CanManifest | carrier.CanPickup | carrier.CanWebhook).Names() {
		if _, ok := carrier.ParseCapability(n); !ok {
			t.Errorf("ParseCapability(%q) failed", n)
		}
	}
	if _, ok := carrier.ParseCapability("teleport"); ok {
		t.Error("an unknown capability parsed")
	}
}
