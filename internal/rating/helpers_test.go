package rating

import (
	"os"
	"sync"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/model"
)

// testCards are the cards of testdata/cards, with round figures for hand-computed tests.
var testCards = sync.OnceValues(func() (*Cards, error) { return Load(os.DirFS("testdata/cards")) })

func loadTestCards(t testing.TB) *Cards {
	t.Helper()
	c, err := testCards()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// market is a configured market with its published defaults (R-SLA-1: UK 5, TH 3, US 7 days).
func market(t testing.TB, code model.Market) Market {
	t.Helper()
	m, err := MarketFromConfig(config.DefaultMarkets()[code])
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func tz(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := loadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// at is a local time in loc.
func at(loc *time.Location, y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, loc)
}

func date(t testing.TB, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func quoteOf(t testing.TB, res *Result, carrier, service string) *Quote {
	t.Helper()
	for i := range res.Quotes {
		if q := &res.Quotes[i]; q.Carrier == carrier && q.Service == service {
			return q
		}
	}
	t.Fatalf("no quote for %s/%s", carrier, service)
	return nil
}

func equalLines(a, b []Line) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
