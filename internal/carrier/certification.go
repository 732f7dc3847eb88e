package carrier

import (
	"maps"
	"slices"
	"strings"

	"lastmile/internal/model"
)

// Certification is the platform's list of certified last-mile carriers per market (R-SHIP-3):
// market (ISO 3166-1 alpha-2) → carrier codes. In a market listed here only the listed
// carriers may be used; a market not listed restricts nothing (R-SHIP-3 applies to the US,
// the UK and the South-East Asian core markets). It is configuration: start from
// DefaultCertification and Merge the shop's or the operator's lists over it.
type Certification map[string][]string

// DefaultCertification returns the default lists: the carriers lastmile has adapters or rate
// cards for that the platform certifies in each restricted market, plus the other large
// certified carriers there. They are illustrative defaults, not the platform's current list,
// which changes: configuration overrides them (Merge). They agree with the example rate
// cards' certified markets. The map is new on every call.
func DefaultCertification() Certification {
	return Certification{
		"US": {"dhl-ecommerce", "fedex", "jt-us", "ups", "usps"},
		"GB": {"dpd", "evri", "royal-mail", "tiktok-shipping-uk", "yodel"},
		"ID": {"jt-id", "ninja-van-id"},
		"TH": {"flash-th", "jt-th", "ninja-van-th"},
		"VN": {"jt-vn", "ninja-van-vn"},
		"MY": {"jt-my", "ninja-van-my"},
		"PH": {"jt-ph", "ninja-van-ph"},
		"SG": {"ninja-van-sg"},
	}
}

// Merge returns a copy of c with each market of over replacing c's list for that market
// (markets are normalised: UK is GB). A market mapped to a nil list is removed: it restricts
// nothing any more; an empty, non-nil list certifies no carrier at all.
func (c Certification) Merge(over map[string][]string) Certification {
	out := make(Certification, len(c)+len(over))
	for m, list := range c {
		out[string(model.NormalizeMarket(m))] = slices.Clone(list)
	}
	for m, list := range over {
		key := string(model.NormalizeMarket(m))
		if list == nil {
			delete(out, key)
			continue
		}
		out[key] = append([]string{}, list...)
	}
	return out
}

// Restricted reports whether only certified carriers may be used in market.
func (c Certification) Restricted(market string) bool {
	_, ok := c[string(model.NormalizeMarket(market))]
	return ok
}

// Certified returns the carriers certified in market, sorted; nil for a market that restricts
// nothing.
func (c Certification) Certified(market string) []string {
	list, ok := c[string(model.NormalizeMarket(market))]
	if !ok {
		return nil
	}
	out := slices.Clone(list)
	slices.Sort(out)
	return out
}

// Check returns nil when carrier code may be used in market, and otherwise a
// *NotCertifiedError naming both and the carriers that are certified there (R-SHIP-3).
func (c Certification) Check(market, code string) error {
	mk := string(model.NormalizeMarket(market))
	list, ok := c[mk]
	if !ok || slices.Contains(list, code) {
		return nil
	}
	return &NotCertifiedError{Market: mk, Carrier: code, Certified: c.Certified(mk)}
}

// Markets returns the restricted markets, sorted.
func (c Certification) Markets() []string {
	return slices.Sorted(maps.Keys(c))
}

// NotCertifiedError refuses a carrier in a market where it is not platform-certified
// (R-SHIP-3). It wraps ErrNotCertified.
type NotCertifiedError struct {
	Market, Carrier string
	// Certified are the carriers that may be used in Market.
	Certified []string
}

func (e *NotCertifiedError) Error() string {
	msg := "carrier " + e.Carrier + " is not platform-certified in " + e.Market + " (R-SHIP-3); "
	if len(e.Certified) == 0 {
		return msg + "no carrier is certified there: add one to the market's certified carriers"
	}
	return msg + "choose one of " + strings.Join(e.Certified, ", ")
}

// Unwrap returns ErrNotCertified.
func (e *NotCertifiedError) Unwrap() error { return ErrNotCertified }
