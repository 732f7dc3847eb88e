package tiktokshop

import (
	"fmt"
	"slices"
	"strings"

	"lastmile/internal/marketplace/tiktok"
)

// providerAliases are the names the platform lists lastmile's carriers under, by carrier code or
// by carrier family (the code without its market suffix: jt-th is of the family jt). A carrier's
// code is a name too (usps, dpd). The platform's lists differ by market: these are only names, a
// match needs the market's delivery option to list one of them.
var providerAliases = map[string][]string{
	"usps":          {"USPS", "United States Postal Service"},
	"ups":           {"UPS"},
	"fedex":         {"FedEx", "Federal Express"},
	"dhl-ecommerce": {"DHL eCommerce", "DHL eCommerce Solutions"},
	"dhl":           {"DHL", "DHL Express", "DHL Paket"},
	"jt":            {"J&T Express", "J&T"},
	"ninja-van":     {"Ninja Van", "NinjaVan"},
	"flash":         {"Flash Express"},
	"royal-mail":    {"Royal Mail"},
	"evri":          {"Evri"},
	"kerry":         {"Kerry Express"},
	"singpost":      {"SingPost", "Singapore Post"},
	"pos-malaysia":  {"Pos Malaysia", "Pos Laju"},
	"ghn":           {"Giao Hang Nhanh", "GHN"},
}

// carrierFamily is a carrier code without a two-letter market suffix (jt-th → jt,
// ninja-van-my → ninja-van); a code without one is its own family.
func carrierFamily(code string) string {
	if i := strings.LastIndexByte(code, '-'); i > 0 && len(code)-i-1 == 2 {
		return code[:i]
	}
	return code
}

// providerKey is a name as the matching compares it: lower case letters and digits only
// ("J&T Express" → "jtexpress").
func providerKey(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// MatchProvider finds the platform's shipping provider for lastmile's carrier among list (the
// providers of the order's delivery option, so of its market). mapped, when the configuration
// maps the carrier (tiktok_providers), is the provider's name or id and is the only candidate;
// otherwise the carrier's code, its family and their known aliases are compared with the
// providers' names, ignoring case, spaces and punctuation. It never guesses: no match, or more
// than one provider matching, is an error that names the carrier, what the market offers and the
// fix, so a push never names the wrong carrier (R-API-3, R-SHIP-3).
func MatchProvider(carrier, market, mapped string, list []tiktok.ShippingProvider) (tiktok.ShippingProvider, error) {
	names := make([]string, len(list))
	for i, p := range list {
		names[i] = p.Name
	}
	offered := strings.Join(names, ", ")
	if offered == "" {
		offered = "none"
	}
	code := strings.ToLower(strings.TrimSpace(carrier))
	if mapped != "" {
		for _, p := range list {
			if p.ID == mapped || providerKey(p.Name) == providerKey(mapped) {
				return p, nil
			}
		}
		return tiktok.ShippingProvider{}, fmt.Errorf("carrier %q is mapped to TikTok shipping provider %q (tiktok_providers), but TikTok's %s delivery option lists %s: "+
			"correct the mapping to one of those names", carrier, mapped, market, offered)
	}
	var want []string
	for _, k := range []string{code, carrierFamily(code)} {
		want = append(want, providerKey(k))
		for _, a := range providerAliases[k] {
			want = append(want, providerKey(a))
		}
	}
	var found []tiktok.ShippingProvider
	for _, p := range list {
		if k := providerKey(p.Name); k != "" && slices.Contains(want, k) && !slices.ContainsFunc(found, func(f tiktok.ShippingProvider) bool { return f.ID == p.ID }) {
			found = append(found, p)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return tiktok.ShippingProvider{}, fmt.Errorf("no TikTok shipping provider matches carrier %q in market %s (TikTok lists %s): "+
			"map it in the configuration, tiktok_providers: \"%s=<one of those names>\" (LASTMILE_TIKTOK_PROVIDERS), or ship with a carrier TikTok lists; "+
			"nothing was pushed", carrier, market, offered, code)
	}
	var both []string
	for _, p := range found {
		both = append(both, p.Name)
	}
	return tiktok.ShippingProvider{}, fmt.Errorf("carrier %q matches several TikTok shipping providers in market %s (%s): "+
		"map it to one in the configuration, tiktok_providers: \"%s=<name>\" (LASTMILE_TIKTOK_PROVIDERS); nothing was pushed", carrier, market, strings.Join(both, ", "), code)
}
