package inventory

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // warehouse and market zones must resolve on a machine without /usr/share/zoneinfo

	"lastmile/internal/config"
	"lastmile/internal/model"
)

// HolidayFunc reports whether day (midnight local time in w's zone) is a public holiday on which
// w hands nothing over. Nil means no holidays. Build one from github.com/rickar/cal/v2, e.g. a
// cal.BusinessCalendar with us.Holidays added, returning observed || actual from IsHoliday; a
// Cacheable calendar is not safe for concurrent use, so share only a non-cacheable one.
type HolidayFunc func(w *model.Warehouse, day time.Time) bool

// maxHandoverSearch bounds the search for the next working day: a warehouse with no working
// day in a year is misconfigured, not busy.
const maxHandoverSearch = 366

// PromiseDeadline is the last moment of the delivery promise (R-SLA-1): the order's paid time
// (its created time while unpaid), taken as a day in the market's time zone, plus
// m.PromiseDays calendar days, to the last second (23:59:59) of that local day.
func PromiseDeadline(o *model.Order, m config.Market) (time.Time, error) {
	loc, err := loadZone(m.TimeZone)
	if err != nil {
		return time.Time{}, fmt.Errorf("promise deadline: market %s: %w", m.Code, err)
	}
	return promiseDeadline(o, m.PromiseDays, loc)
}

func promiseDeadline(o *model.Order, days int, loc *time.Location) (time.Time, error) {
	start := o.CreatedAt
	if o.PaidAt != nil && !o.PaidAt.IsZero() {
		start = *o.PaidAt
	}
	if start.IsZero() {
		return time.Time{}, fmt.Errorf("promise deadline: order %s has neither a paid nor a created time: %w", o.ID, model.ErrInvalid)
	}
	if days < 0 {
		return time.Time{}, fmt.Errorf("promise deadline: %d promise days: %w", days, model.ErrInvalid)
	}
	y, mo, d := start.In(loc).Date()
	return endOfDay(y, mo, d+days, loc), nil
}

// HandoverDay is the local day (midnight in w's zone) on which w hands an order allocated at
// now to the carrier: today if now is before the cut-off on a working day that is not a
// holiday, else the next such day.
func HandoverDay(w *model.Warehouse, now time.Time, p Policy, holidays HolidayFunc) (time.Time, error) {
	pol, err := p.compile()
	if err != nil {
		return time.Time{}, err
	}
	cw, err := compileWarehouse(w, &pol, nil)
	if err != nil {
		return time.Time{}, err
	}
	h, err := handoverDay(w, &cw, now, holidays)
	return h.day, err
}

// handover is a hand-over day as a time (midnight local) and as its civil date, which delivery
// estimates count from without another zone lookup. d may run past the month's last day:
// time.Date normalises it.
type handover struct {
	day time.Time
	y   int
	m   time.Month
	d   int
}

// handoverDay walks forward from today in the warehouse's zone. The cut-off is compared with the
// local wall clock, as the warehouse reads it; weekdays are counted rather than recomputed,
// which keeps a decision to a handful of zone lookups per warehouse.
func handoverDay(w *model.Warehouse, cw *compiledWarehouse, now time.Time, holidays HolidayFunc) (handover, error) {
	// The local wall clock, read once: shifting by the zone's offset and reading the result as
	// UTC gives date, clock and weekday without three more zone lookups.
	_, offset := now.In(cw.loc).Zone()
	local := now.Add(time.Duration(offset) * time.Second).UTC()
	y, mo, d := local.Date()
	hour, minute, _ := local.Clock()
	weekday := int(local.Weekday())
	for i := 0; i <= maxHandoverSearch; i++ {
		if i == 0 && hour*60+minute >= cw.cutOff {
			continue // past today's cut-off
		}
		if !cw.workdays[(weekday+i)%7] {
			continue
		}
		day := time.Date(y, mo, d+i, 0, 0, 0, 0, cw.loc)
		if holidays != nil && holidays(w, day) {
			continue
		}
		return handover{day: day, y: y, m: mo, d: d + i}, nil
	}
	return handover{}, fmt.Errorf("warehouse %s: no working day within %d days of %s: %w", w.ID, maxHandoverSearch, local.Format(time.DateOnly), model.ErrInvalid)
}

// estimatedDelivery is the end of the local day transitDays calendar days after the hand-over
// day. The date is the warehouse's; it is expressed in the market's zone so it compares
// directly with the promise deadline.
func estimatedDelivery(h handover, transitDays int, marketLoc *time.Location) time.Time {
	return endOfDay(h.y, h.m, h.d+transitDays, marketLoc)
}

// endOfDay is 23:59:59 of the local day; time.Date normalises day overflow into later months.
func endOfDay(y int, mo time.Month, d int, loc *time.Location) time.Time {
	return time.Date(y, mo, d, 23, 59, 59, 0, loc)
}

// compiledWarehouse is what a decision needs of a warehouse's clock, parsed once per decision.
type compiledWarehouse struct {
	loc      *time.Location
	cutOff   int // minutes after local midnight
	workdays [7]bool
}

// compileWarehouse reads w's clock. loc is w's zone when the caller has it already (a warehouse
// in the market's zone, the usual case), else nil.
func compileWarehouse(w *model.Warehouse, pol *compiledPolicy, loc *time.Location) (compiledWarehouse, error) {
	var cw compiledWarehouse
	var err error
	if loc == nil {
		if loc, err = loadZone(w.TimeZone); err != nil {
			return cw, fmt.Errorf("warehouse %s: %w", w.ID, err)
		}
	}
	cw.loc = loc
	cw.cutOff = pol.cutOff
	if w.CutOff != "" {
		if cw.cutOff, err = parseClock(w.CutOff); err != nil {
			return cw, fmt.Errorf("warehouse %s: %w", w.ID, err)
		}
	}
	cw.workdays = pol.workdays
	if len(w.WorkingDays) > 0 {
		if cw.workdays, err = parseWorkingDays(w.WorkingDays); err != nil {
			return cw, fmt.Errorf("warehouse %s: %w", w.ID, err)
		}
	}
	return cw, nil
}

// zones caches loaded locations: time.LoadLocation reads and parses zone data on every call,
// far too slow for a decision made thousands of times a second. Only valid names are stored.
var zones sync.Map // string → *time.Location

// loadZone resolves an IANA zone name. "" and "Local" are refused: LoadLocation would read them
// as UTC and the server's zone, neither of which is a warehouse's or a market's clock.
func loadZone(name string) (*time.Location, error) {
	if v, ok := zones.Load(name); ok {
		return v.(*time.Location), nil
	}
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("time zone %q: want an IANA zone such as America/New_York: %w", name, model.ErrInvalid)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", name, err)
	}
	zones.Store(name, loc)
	return loc, nil
}

var errClock = errors.New(`want "HH:MM", 24-hour local time`)

// parseClock reads "HH:MM" (00:00–23:59) as minutes after midnight.
func parseClock(s string) (int, error) {
	if len(s) != 5 || s[2] != ':' {
		return 0, fmt.Errorf("cut-off %q: %w", s, errClock)
	}
	digit := func(c byte) (int, bool) { return int(c - '0'), c >= '0' && c <= '9' }
	h1, ok1 := digit(s[0])
	h2, ok2 := digit(s[1])
	m1, ok3 := digit(s[3])
	m2, ok4 := digit(s[4])
	h, m := h1*10+h2, m1*10+m2
	if !ok1 || !ok2 || !ok3 || !ok4 || h > 23 || m > 59 {
		return 0, fmt.Errorf("cut-off %q: %w", s, errClock)
	}
	return h*60 + m, nil
}

// parseWorkingDays reads day codes "mon" … "sun" (any case) into a set indexed by time.Weekday.
func parseWorkingDays(days []string) ([7]bool, error) {
	var set [7]bool
	found := false
	for _, s := range days {
		var d time.Weekday
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "sun":
			d = time.Sunday
		case "mon":
			d = time.Monday
		case "tue":
			d = time.Tuesday
		case "wed":
			d = time.Wednesday
		case "thu":
			d = time.Thursday
		case "fri":
			d = time.Friday
		case "sat":
			d = time.Saturday
		default:
			return set, fmt.Errorf("working day %q: want mon, tue, wed, thu, fri, sat or sun", s)
		}
		set[d] = true
		found = true
	}
	if !found {
		return set, errors.New("working days: want at least one day")
	}
	return set, nil
}
