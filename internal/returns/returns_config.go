package returns

import (
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"lastmile/internal/model"
)

// Config holds the returns figures that are policy. Zero fields take the documented defaults
// (WithDefaults).
type Config struct {
	// DesignatedCarriers are the return carriers a market requires (R-RET-4), by market. Nil:
	// DefaultDesignatedCarriers. A market not listed lets the cheapest certified carrier carry
	// the return.
	DesignatedCarriers map[model.Market]Designation
	// LiabilityWindow: a return requested within this of delivery by a certified carrier is the
	// platform's liability (R-RET-6). Default 24 h.
	LiabilityWindow time.Duration
	// RefurbishedSuffix is appended to a SKU to make the SKU its refurbished units are stocked
	// as (R-RET-5). Default "-REFURB".
	RefurbishedSuffix string
	// LowValue is the low-value threshold of the default rules (R-RET-2), by currency: a return
	// worth less is refunded without return. Nil: DefaultLowValue. A currency not listed gets no
	// low-value rule.
	LowValue map[string]int64
	// PurchaseTimeout bounds one return-label purchase. Default 30 s.
	PurchaseTimeout time.Duration
}

// Designation is a market's designated return carrier and service (R-RET-4).
type Designation struct {
	Carrier string
	Service string
	// PlatformOnly applies the designation only to orders the platform shipped (platform
	// logistics); the returns of seller-shipped orders take the cheapest certified carrier.
	PlatformOnly bool
}

// DefaultDesignatedCarriers is R-RET-4's one published case: in the US, returns of orders
// shipped under platform logistics go back with a UPS return label.
func DefaultDesignatedCarriers() map[model.Market]Designation {
	return map[model.Market]Designation{"US": {Carrier: "ups", Service: "ground", PlatformOnly: true}}
}

// DefaultLowValue is the default rules' low-value threshold per currency, in minor units: about
// USD 10–15, under which a return label and the handling of the way back cost more than the
// goods are worth (R-RET-2). They are illustrative: the platform publishes no figure, and a
// shop sets its own with PUT /v1/returns/rules.
func DefaultLowValue() map[string]int64 {
	return map[string]int64{
		"USD": 15_00, "GBP": 12_00, "EUR": 14_00, "SGD": 20_00, "MYR": 60_00, "THB": 500_00, "PHP": 800_00,
		"IDR": 200_000_00, "VND": 350_000, "MXN": 250_00, "BRL": 75_00, "JPY": 2_000, "SAR": 55_00,
	}
}

// Defaults of the default rules.
const (
	// defaultRepeatReturns: a buyer with this many other returns in the window is reviewed.
	defaultRepeatReturns = 3
	// defaultLabelCostPct: a return whose label costs at least this share of the goods' value is
	// refunded without return.
	defaultLabelCostPct = 50
)

// DefaultRules are the rules of a shop that set none, for its currency (R-RET-2): a buyer
// with 3 or more other returns in 90 days is reviewed; goods worth less than the currency's
// low-value threshold, or whose return label costs at least half their value, are refunded
// without return; everything else comes back. Decisions are carried out at once.
func (c Config) DefaultRules(currency string) model.ReturnRules {
	repeat, pct := defaultRepeatReturns, defaultLabelCostPct
	rs := model.ReturnRules{Default: model.DecideReturn, AutoApply: true, Rules: []model.ReturnRule{
		{Name: "repeat-returner", Decision: model.DecideReview, BuyerReturnsAtLeast: &repeat, BuyerWindowDays: DefaultBuyerWindowDays},
	}}
	if v, ok := c.LowValue[currency]; ok {
		rs.Rules = append(rs.Rules, model.ReturnRule{Name: "low-value", Decision: model.DecideRefundOnly,
			ValueBelow: &model.Money{Amount: v, Currency: currency}})
	}
	rs.Rules = append(rs.Rules, model.ReturnRule{Name: "label-costs-more", Decision: model.DecideRefundOnly, LabelCostPctAtLeast: &pct})
	return rs
}

// WithDefaults returns c with every unset field set to its default.
func (c Config) WithDefaults() Config {
	if c.DesignatedCarriers == nil {
		c.DesignatedCarriers = DefaultDesignatedCarriers()
	} else {
		c.DesignatedCarriers = maps.Clone(c.DesignatedCarriers)
	}
	if c.LiabilityWindow == 0 {
		c.LiabilityWindow = 24 * time.Hour // R-RET-6
	}
	if c.RefurbishedSuffix == "" {
		c.RefurbishedSuffix = "-REFURB"
	}
	if c.LowValue == nil {
		c.LowValue = DefaultLowValue()
	}
	if c.PurchaseTimeout == 0 {
		c.PurchaseTimeout = 30 * time.Second
	}
	return c
}

// Validate reports every figure that cannot work, naming it.
func (c Config) Validate() error {
	var errs []error
	for m, d := range c.DesignatedCarriers {
		if d.Carrier == "" || d.Service == "" {
			errs = append(errs, fmt.Errorf("returns.designated_carriers.%s: a designation needs a carrier and a service (R-RET-4)", m))
		}
	}
	if c.LiabilityWindow < 0 {
		errs = append(errs, fmt.Errorf("returns.liability_window %v: want a positive duration (R-RET-6)", c.LiabilityWindow))
	}
	if strings.TrimSpace(c.RefurbishedSuffix) != c.RefurbishedSuffix {
		errs = append(errs, fmt.Errorf("returns.refurbished_suffix %q: no spaces around it", c.RefurbishedSuffix))
	}
	for cur, v := range c.LowValue {
		if _, ok := model.CurrencyScale(cur); !ok || v <= 0 {
			errs = append(errs, fmt.Errorf("returns.low_value.%s %d: want an ISO 4217 code and a positive amount in minor units", cur, v))
		}
	}
	if c.PurchaseTimeout < 0 {
		errs = append(errs, errors.New("returns.purchase_timeout: want a positive duration"))
	}
	return errors.Join(errs...)
}
