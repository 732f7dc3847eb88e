package rating

import (
	"fmt"
	"time"
)

// Date is a civil date (no time, no zone) as the number of days since 1970-01-01. Card
// versions, fuel months, hand-over and promise deadlines are dates: comparing and adding them
// is integer arithmetic, which keeps the rating loop free of time-zone work.
type Date int32

// openEnded is the effective_until of a card that has none.
const openEnded = Date(1<<31 - 1)

// DateOf is the civil date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return civilDate(y, m, d)
}

func civilDate(y int, m time.Month, d int) Date {
	return Date(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// ParseDate reads YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a date; write YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// Time is midnight UTC of d.
func (d Date) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// Weekday of d; 1970-01-01 was a Thursday.
func (d Date) Weekday() time.Weekday {
	return time.Weekday(((int(d)+4)%7 + 7) % 7)
}

func (d Date) String() string {
	if d == openEnded {
		return "open-ended"
	}
	return d.Time().Format(time.DateOnly)
}

// MarshalText writes YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }
