package ordercsv

import (
	"fmt"
	"time"
)

// timeLayouts are the time formats a cell may use: RFC 3339 (what the Writer writes) and the
// ways Excel shows a date-time. Months, days and hours may have one digit or two, as Chinese
// Excel's default "2024/1/5 9:03" has them; seconds may have a fraction. A layout without a
// zone is read in the market's time zone.
var timeLayouts = []string{
	time.RFC3339,
	"2006-01-02 15:04:05Z07:00",
	"2006-1-2 15:04:05",
	"2006-1-2 15:04",
	"2006-1-2T15:04:05",
	"2006-1-2",
	"2006/1/2 15:04:05",
	"2006/1/2 15:04",
	"2006/1/2",
}

// timeFormatsHelp lists the formats for a problem message.
const timeFormatsHelp = "use RFC 3339 (2024-01-05T09:03:00+08:00), 2024-01-05 09:03:00, 2024/01/05 09:03 or 2024-01-05"

// timeParser reads time cells. It remembers the layout that last matched: a file uses one
// format throughout, so nearly every cell is read with one try.
type timeParser struct {
	last int
}

// parse reads s; a time without a zone is in loc. The result is in UTC, as lastmile keeps
// times.
func (tp *timeParser) parse(s string, loc *time.Location) (time.Time, *numError) {
	if t, err := time.ParseInLocation(timeLayouts[tp.last], s, loc); err == nil {
		return t.UTC(), nil
	}
	for i, layout := range timeLayouts {
		if i == tp.last {
			continue
		}
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			tp.last = i
			return t.UTC(), nil
		}
	}
	return time.Time{}, &numError{"invalid_time", fmt.Sprintf("%q is not a time: %s", s, timeFormatsHelp)}
}
