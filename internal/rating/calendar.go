package rating

import (
	"slices"
	"sync"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/br"
	"github.com/rickar/cal/v2/de"
	"github.com/rickar/cal/v2/es"
	"github.com/rickar/cal/v2/fr"
	"github.com/rickar/cal/v2/gb"
	"github.com/rickar/cal/v2/ie"
	"github.com/rickar/cal/v2/it"
	"github.com/rickar/cal/v2/jp"
	"github.com/rickar/cal/v2/nl"
	"github.com/rickar/cal/v2/us"
)

// holidayCalendars are the public-holiday calendars a card may name for business-day transit
// (transit.holidays), from github.com/rickar/cal/v2. gb is England and Wales. A market without
// a calendar there (TH, ID, CN, …) can still count business days: holidays "" means weekends
// only.
var holidayCalendars = map[string][]*cal.Holiday{
	"US": us.Holidays, "GB": gb.Holidays, "IE": ie.Holidays, "DE": de.Holidays,
	"FR": fr.Holidays, "IT": it.Holidays, "ES": es.Holidays, "NL": nl.Holidays,
	"BR": br.Holidays, "JP": jp.Holidays,
}

// Holidays are computed once, at load time, for these years; outside them only weekends count.
const (
	firstHolidayYear = 2000
	lastHolidayYear  = 2100
)

// workCalendar is a carrier's working days: Monday to Friday, less the observed public
// holidays of one country, flattened into a sorted list so that the rating loop only does a
// binary search.
type workCalendar struct {
	name     string // the country code, or "" for weekends only
	holidays []Date // observed holiday dates, sorted
}

// workCalendars caches the calendars by name: they are immutable once built.
var workCalendars sync.Map // string → *workCalendar

// newWorkCalendar returns the working days of the named holiday calendar ("" for weekends
// only), computing its holidays on first use.
func newWorkCalendar(name string) *workCalendar {
	if wc, ok := workCalendars.Load(name); ok {
		return wc.(*workCalendar)
	}
	wc := &workCalendar{name: name}
	for y := firstHolidayYear; y <= lastHolidayYear; y++ {
		for _, h := range holidayCalendars[name] {
			_, observed := h.Calc(y)
			if observed.IsZero() {
				continue
			}
			wc.holidays = append(wc.holidays, DateOf(observed))
		}
	}
	slices.Sort(wc.holidays)
	wc.holidays = slices.Compact(wc.holidays)
	got, _ := workCalendars.LoadOrStore(name, wc)
	return got.(*workCalendar)
}

// workday reports whether the carrier works on d.
func (wc *workCalendar) workday(d Date) bool {
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	_, holiday := slices.BinarySearch(wc.holidays, d)
	return !holiday
}

// addWorkdays is the date n working days after d: the days after d are counted, d itself is
// not, and non-working days are skipped (d + 0 is d).
func (wc *workCalendar) addWorkdays(d Date, n int) Date {
	for n > 0 {
		d++
		if wc.workday(d) {
			n--
		}
	}
	return d
}
