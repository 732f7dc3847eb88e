package model

import "time"

// ShippingMode says who issues an order's labels and tracking numbers (R-MODE-2): the seller,
// buying from a carrier, or the platform, under its own logistics.
type ShippingMode string

// Shipping modes (R-MODE-2).
const (
	ModeSeller   ShippingMode = "seller"
	ModePlatform ShippingMode = "platform"
)

// Valid reports whether m is a known mode.
func (m ShippingMode) Valid() bool { return m == ModeSeller || m == ModePlatform }

// ModeChange is one switch of a shop's shipping mode; it applies to orders created at or after
// At, never to older ones (R-MODE-3).
type ModeChange struct {
	Mode ShippingMode `json:"mode"`
	At   time.Time    `json:"at"`
}

// DefaultShippingMode is a shop's mode before its first recorded change: the seller buys labels
// from carriers through lastmile.
const DefaultShippingMode = ModeSeller

// ShopSettings are a shop's own settings as stored: its overrides of the market's figures and
// its shipping-mode history.
type ShopSettings struct {
	ShopID string
	// Overrides are the shop's own figures by key (ship_within, promise_days, …) written as in
	// the configuration file ("48h", "5", "true", "mon,tue"); a key absent keeps the market's.
	// The config package checks and applies them.
	Overrides map[string]string
	// ModeChanges are the shop's shipping-mode switches, oldest first (R-MODE-3).
	ModeChanges []ModeChange
	// UpdatedAt is when the settings last changed; zero when never stored.
	UpdatedAt time.Time
}

// ModeAt is the shipping mode that applies to an order created at t: the last change at or
// before t, or DefaultShippingMode before the first (R-MODE-3: a switch applies only to orders
// created after it).
func (s ShopSettings) ModeAt(t time.Time) ShippingMode {
	mode := DefaultShippingMode
	for _, c := range s.ModeChanges {
		if c.At.After(t) {
			break
		}
		mode = c.Mode
	}
	return mode
}

// Mode is the shop's current shipping mode: that of its latest change.
func (s ShopSettings) Mode() ShippingMode {
	if n := len(s.ModeChanges); n > 0 {
		return s.ModeChanges[n-1].Mode
	}
	return DefaultShippingMode
}
