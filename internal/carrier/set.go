package carrier

import (
	"fmt"
	"slices"
	"strings"
)

// Set is the carrier accounts lastmile is configured with, by code. It is how the shipping
// workflow goes from a rating quote (a card's carrier and service ids) to the carrier to buy
// the label from (Service). It is immutable and safe for concurrent use.
type Set struct {
	list   []Carrier
	byCode map[string]Carrier
}

// NewSet returns the set of carriers; two carriers with one code are an error.
func NewSet(carriers ...Carrier) (*Set, error) {
	s := &Set{byCode: make(map[string]Carrier, len(carriers))}
	for _, c := range carriers {
		code := c.Code()
		if _, dup := s.byCode[code]; dup {
			return nil, fmt.Errorf("two carriers are configured with code %q; each carrier account needs its own code", code)
		}
		s.byCode[code] = c
		s.list = append(s.list, c)
	}
	slices.SortFunc(s.list, func(a, b Carrier) int { return strings.Compare(a.Code(), b.Code()) })
	return s, nil
}

// Get returns the carrier with the given code.
func (s *Set) Get(code string) (Carrier, bool) {
	c, ok := s.byCode[code]
	return c, ok
}

// Carriers returns the carriers sorted by code; the slice is the caller's.
func (s *Set) Carriers() []Carrier { return slices.Clone(s.list) }

// Codes returns the carriers' codes, sorted.
func (s *Set) Codes() []string {
	out := make([]string, len(s.list))
	for i, c := range s.list {
		out[i] = c.Code()
	}
	return out
}

// Service returns the carrier with code carrierCode and its service serviceCode: a rate card's
// carrier and service ids name the carrier and service to buy from, unchanged. A carrier
// that is not configured, or that does not offer the service, is a Refused *Error naming
// the field ("carrier" or "service") and what is configured.
func (s *Set) Service(carrierCode, serviceCode string) (Carrier, Service, error) {
	c, ok := s.byCode[carrierCode]
	if !ok {
		return nil, Service{}, Refusal(carrierCode, "", "carrier_not_configured", "carrier",
			fmt.Sprintf("no carrier account with code %q is configured (configured: %s); add one or choose another carrier",
				carrierCode, strings.Join(s.Codes(), ", ")))
	}
	var codes []string
	for _, svc := range c.Services() {
		if svc.Code == serviceCode {
			return c, svc, nil
		}
		codes = append(codes, svc.Code)
	}
	return nil, Service{}, Refusal(carrierCode, "", "service_not_offered", "service",
		fmt.Sprintf("carrier %s has no service %q (it offers %s)", carrierCode, serviceCode, strings.Join(codes, ", ")))
}
