package order

import (
	"fmt"
	"strings"
	"unicode"

	"lastmile/internal/address"
	"lastmile/internal/config"
	"lastmile/internal/model"
)

// batteryWords mark goods that usually contain a battery (R-SHIP-6: 31% of battery-related
// customs failures come from wrong declarations). Matched case-insensitively in SKU and names.
var batteryWords = []string{"battery", "batteries", "power bank", "powerbank", "lithium", "li-ion", "li-po",
	"lipo", "18650", "电池", "充电宝", "移动电源", "锂"}

// Check runs the checks an order must pass before it ships (R-ORD-6): the shipping address and
// phone (R-LBL-4), line data for customs and rating, the battery flag (R-SHIP-6) and COD
// (R-MKT-2). It sets o.Problems and o.NeedsAttention, which is true when any problem is an error;
// the problems in o.Problems that name a Source are kept.
// o.ShippingAddress must already be normalised (address.Normalize).
func Check(o *model.Order, mk config.Market) {
	var ps []model.Problem
	add := func(severity, code, field, msg, fix string) {
		ps = append(ps, model.Problem{Code: code, Field: field, Message: msg, Suggestion: fix, Severity: severity})
	}

	for _, p := range address.Validate(o.ShippingAddress) {
		add(model.SeverityError, p.Code, "shipping_address."+p.Field, p.Message, p.Suggestion)
	}
	if c := o.ShippingAddress.Country; c != "" && c != string(o.Market) {
		add(model.SeverityError, "country_market_mismatch", "shipping_address.country",
			fmt.Sprintf("a %s-market order ships to %s, not %s", o.Market, o.Market, c),
			"check the country, or send the order under the shop of the market it was sold on")
	}

	for i, l := range o.Lines {
		f := fmt.Sprintf("lines[%d].", i)
		if l.WeightG <= 0 {
			add(model.SeverityError, "missing_weight", f+"weight_g", "the line has no weight: the carrier bills by weight (R-RATE-2)",
				"set weight_g, the weight of one unit in grams")
		}
		if l.LengthMM <= 0 || l.WidthMM <= 0 || l.HeightMM <= 0 {
			add(model.SeverityError, "missing_dimensions", f+"length_mm", "the line lacks a dimension: volumetric weight needs all three (R-RATE-2)",
				"set length_mm, width_mm and height_mm of one unit in millimetres")
		}
		switch name := strings.TrimSpace(l.DeclaredName); {
		case name == "" && mk.RequireDeclaredName:
			add(model.SeverityError, "missing_field", f+"declared_name", "the line has no customs description (R-SHIP-6)",
				"describe the goods in English as customs should read them, e.g. 'Cotton T-shirt'")
		case name != "" && !latin(name):
			add(model.SeverityError, "non_latin_script", f+"declared_name", fmt.Sprintf("customs description %q is not in Latin script (R-LBL-4)", name),
				"write the description in English")
		}
		if !l.HasBattery && mentionsBattery(l) {
			add(model.SeverityWarning, "battery_flag_missing", f+"has_battery",
				fmt.Sprintf("%q looks like it contains a battery but has_battery is false (R-SHIP-6)", firstNonEmpty(l.Name, l.SKU)),
				"set has_battery: true if it has a battery, or ignore this warning")
		}
	}

	if o.COD != nil && !mk.CODAllowed {
		add(model.SeverityError, "cod_not_offered", "cod", fmt.Sprintf("cash on delivery is not offered in market %s (R-MKT-2)", o.Market),
			"send the order as prepaid (cod: null), or check the market")
	}

	// A problem another capability raised (a push the marketplace refused, R-API-3) is not the
	// checks' to clear: it stays until its source clears it.
	o.Problems, o.NeedsAttention = model.KeepSourced(ps, o.Problems)
}

func mentionsBattery(l model.Line) bool {
	text := strings.ToLower(l.SKU + " " + l.Name + " " + l.DeclaredName)
	for _, w := range batteryWords {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}

// latin reports whether every letter of s is Latin script (R-LBL-4); digits, spaces and
// punctuation are fine.
func latin(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) && !unicode.Is(unicode.Latin, r) {
			return false
		}
	}
	return true
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
