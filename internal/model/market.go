package model

import "strings"

// Market is a marketplace country, as an ISO 3166-1 alpha-2 code (GB, not UK).
type Market string

// NormalizeMarket upper-cases a market code and maps the platform's "UK" to ISO "GB".
func NormalizeMarket(s string) Market {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "UK" {
		return "GB"
	}
	return Market(s)
}
