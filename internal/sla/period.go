package sla

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Period is a span of time scores are computed over: [Start, End).
type Period struct {
	// Label names it: "2026-W49" for an ISO week, "7d" or "30d" for the days rolling up to End.
	Label      string
	Start, End time.Time
}

// Contains reports whether t falls in the period.
func (p Period) Contains(t time.Time) bool { return !t.Before(p.Start) && t.Before(p.End) }

// ErrPeriod is wrapped by every error of ParsePeriod and ISOWeek.
var ErrPeriod = errors.New("invalid period")

// ISOWeek is week week of ISO year year, Monday 00:00 to the next Monday 00:00 in loc (the
// market's zone; UTC for scores across markets). ISO weeks start on Monday, and week 1 is the
// one with the year's first Thursday; a year has 52 or 53.
func ISOWeek(year, week int, loc *time.Location) (Period, error) {
	if year < 1 || year > 9999 {
		return Period{}, fmt.Errorf("%w: year %d", ErrPeriod, year)
	}
	if n := weeksIn(year); week < 1 || week > n {
		return Period{}, fmt.Errorf("%w: %d has weeks 1 to %d, not %d", ErrPeriod, year, n, week)
	}
	// 4 January is always in week 1; back to its Monday.
	jan4 := time.Date(year, time.January, 4, 0, 0, 0, 0, loc)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
	start := monday.AddDate(0, 0, 7*(week-1))
	return Period{Label: fmt.Sprintf("%04d-W%02d", year, week), Start: start, End: start.AddDate(0, 0, 7)}, nil
}

// weeksIn is the number of ISO weeks of year: 28 December is always in its last week.
func weeksIn(year int) int {
	_, w := time.Date(year, time.December, 28, 0, 0, 0, 0, time.UTC).ISOWeek()
	return w
}

// WeekOf is the ISO week holding t, in loc.
func WeekOf(t time.Time, loc *time.Location) Period {
	y, w := t.In(loc).ISOWeek()
	p, _ := ISOWeek(y, w, loc)
	return p
}

// Rolling is the days days up to end: [end − days, end), labelled "7d".
func Rolling(end time.Time, days int) Period {
	return Period{Label: strconv.Itoa(days) + "d", Start: end.AddDate(0, 0, -days), End: end}
}

// maxRollingDays bounds a rolling period.
const maxRollingDays = 366

// ParsePeriod reads a period as the API and CLI take it: an ISO week "2026-W49" (in loc), or
// "7d", "30d" (any 1 to 366 days) rolling up to now.
func ParsePeriod(s string, now time.Time, loc *time.Location) (Period, error) {
	s = strings.TrimSpace(s)
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n < 1 || n > maxRollingDays || d != strconv.Itoa(n) {
			return Period{}, fmt.Errorf("%w: %q: want 1d to %dd, such as 7d or 30d", ErrPeriod, s, maxRollingDays)
		}
		return Rolling(now, n), nil
	}
	ys, ws, ok := strings.Cut(s, "-W")
	if !ok || len(ys) != 4 || len(ws) != 2 {
		return Period{}, fmt.Errorf("%w: %q: want an ISO week such as 2026-W49, or 7d or 30d", ErrPeriod, s)
	}
	y, err1 := strconv.Atoi(ys)
	w, err2 := strconv.Atoi(ws)
	if err1 != nil || err2 != nil || ys[0] == '+' || ys[0] == '-' || ws[0] == '+' || ws[0] == '-' {
		return Period{}, fmt.Errorf("%w: %q: want an ISO week such as 2026-W49", ErrPeriod, s)
	}
	return ISOWeek(y, w, loc)
}
