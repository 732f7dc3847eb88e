package rating

import (
	"fmt"
	"sync"
	"time"

	"lastmile/examples/ratecards"
	"lastmile/internal/config"
)

// defaultCards are the example cards embedded in the binary, parsed once: immutable data.
var defaultCards = sync.OnceValues(func() (*Cards, error) { return Load(ratecards.FS) })

// DefaultCards returns the example rate cards shipped in examples/ratecards and embedded in
// the binary (most figures illustrative; see each card). They are parsed on first use and
// shared.
func DefaultCards() (*Cards, error) { return defaultCards() }

// locations caches loaded time zones: time.LoadLocation parses the zone data on every call.
var locations sync.Map // string → *time.Location

func loadLocation(name string) (*time.Location, error) {
	if v, ok := locations.Load(name); ok {
		return v.(*time.Location), nil
	}
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("time zone %q: want an IANA zone such as Europe/London", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", name, err)
	}
	locations.Store(name, loc)
	return loc, nil
}

// MarketFromConfig is the rating view of a configured market: its promise days (R-SLA-1),
// time zone, COD (R-MKT-2) and whether only certified carriers may be used there (R-SHIP-3,
// config's certified_carriers_only).
func MarketFromConfig(m config.Market) (Market, error) {
	loc, err := loadLocation(m.TimeZone)
	if err != nil {
		return Market{}, fmt.Errorf("market %s: %w", m.Code, err)
	}
	return Market{
		Code:          string(m.Code),
		Currency:      m.Currency,
		PromiseDays:   m.PromiseDays,
		Location:      loc,
		CODAllowed:    m.CODAllowed,
		CertifiedOnly: m.CertifiedOnly,
		Carriers:      m.Carriers,
	}, nil
}
