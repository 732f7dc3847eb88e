package inventory_test

import (
	"errors"
	"testing"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/us"

	"lastmile/internal/config"
	"lastmile/internal/inventory"
	"lastmile/internal/model"
)

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestPromiseDeadline(t *testing.T) {
	t.Parallel()
	markets := config.DefaultMarkets()
	bkk, la := mustZone(t, "Asia/Bangkok"), mustZone(t, "America/Los_Angeles")
	paid := func(t time.Time) *time.Time { return &t }
	tests := []struct {
		name   string
		market model.Market
		order  model.Order
		want   time.Time
	}{
		{
			// R-SLA-1 TH ≤ 3 days: paid Monday 10 March 23:30 Bangkok (16:30 UTC, same day) →
			// end of Thursday 13 March, Bangkok time.
			name:   "R-SLA-1 TH: paid 23:30 in Bangkok counts from that Bangkok day",
			market: "TH",
			order:  model.Order{Market: "TH", CreatedAt: time.Date(2025, 3, 10, 23, 0, 0, 0, bkk), PaidAt: paid(time.Date(2025, 3, 10, 23, 30, 0, 0, bkk))},
			want:   time.Date(2025, 3, 13, 23, 59, 59, 0, bkk),
		},
		{
			// Paid 17:30 UTC on 10 March is already 00:30 on 11 March in Bangkok: the promise
			// counts from the 11th, a day later than a UTC calendar would say.
			name:   "R-SLA-1 TH: paid late evening UTC is the next day in Bangkok",
			market: "TH",
			order:  model.Order{Market: "TH", CreatedAt: time.Date(2025, 3, 10, 17, 0, 0, 0, time.UTC), PaidAt: paid(time.Date(2025, 3, 10, 17, 30, 0, 0, time.UTC))},
			want:   time.Date(2025, 3, 14, 23, 59, 59, 0, bkk),
		},
		{
			name:   "R-SLA-1 US ≤ 7 calendar days, weekends included",
			market: "US",
			order:  model.Order{Market: "US", CreatedAt: time.Date(2025, 6, 13, 9, 0, 0, 0, la), PaidAt: paid(time.Date(2025, 6, 13, 10, 0, 0, 0, la))},
			want:   time.Date(2025, 6, 20, 23, 59, 59, 0, la),
		},
		{
			name:   "R-SLA-1 unpaid: counts from creation",
			market: "GB",
			order:  model.Order{Market: "GB", CreatedAt: time.Date(2025, 12, 30, 12, 0, 0, 0, time.UTC)},
			want:   time.Date(2026, 1, 4, 23, 59, 59, 0, mustZone(t, "Europe/London")),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := inventory.PromiseDeadline(&tt.order, markets[tt.market])
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) {
				t.Fatalf("PromiseDeadline = %s, want %s", got, tt.want)
			}
		})
	}
	if _, err := inventory.PromiseDeadline(&model.Order{Market: "US"}, markets["US"]); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("an order without times: error = %v, want model.ErrInvalid", err)
	}
}

// usHolidays is a HolidayFunc from rickar/cal's US federal holidays.
func usHolidays() inventory.HolidayFunc {
	c := cal.NewBusinessCalendar()
	c.AddHoliday(us.Holidays...)
	return func(_ *model.Warehouse, day time.Time) bool {
		actual, observed, _ := c.IsHoliday(day)
		return actual || observed
	}
}

func TestHandoverDay(t *testing.T) {
	t.Parallel()
	la, ny := mustZone(t, "America/Los_Angeles"), mustZone(t, "America/New_York")
	wh := func(tz, cutOff string, days ...string) model.Warehouse {
		return model.Warehouse{ID: "W", TimeZone: tz, CutOff: cutOff, WorkingDays: days}
	}
	day := func(loc *time.Location, y int, m time.Month, d int) time.Time {
		return time.Date(y, m, d, 0, 0, 0, 0, loc)
	}
	tests := []struct {
		name     string
		w        model.Warehouse
		now      time.Time
		policy   inventory.Policy
		holidays inventory.HolidayFunc
		want     time.Time
	}{
		{"before the cut-off: today", wh("America/Los_Angeles", "15:00"), time.Date(2025, 6, 9, 14, 59, 0, 0, la), inventory.Policy{}, nil, day(la, 2025, 6, 9)},
		{"at the cut-off: next working day", wh("America/Los_Angeles", "15:00"), time.Date(2025, 6, 9, 15, 0, 0, 0, la), inventory.Policy{}, nil, day(la, 2025, 6, 10)},
		{"Friday 16:00 after a 15:00 cut-off, Mon–Fri: Monday", wh("America/Los_Angeles", "15:00", "mon", "tue", "wed", "thu", "fri"), time.Date(2025, 6, 13, 16, 0, 0, 0, la), inventory.Policy{}, nil, day(la, 2025, 6, 16)},
		{"Saturday morning, Mon–Fri: Monday", wh("America/Los_Angeles", "15:00"), time.Date(2025, 6, 14, 9, 0, 0, 0, la), inventory.Policy{}, nil, day(la, 2025, 6, 16)},
		{"weekend warehouse: Saturday", wh("America/Los_Angeles", "15:00", "sat", "sun"), time.Date(2025, 6, 9, 9, 0, 0, 0, la), inventory.Policy{}, nil, day(la, 2025, 6, 14)},
		{"no cut-off: the policy default 12:00, before", wh("America/Los_Angeles", ""), time.Date(2025, 6, 9, 11, 59, 0, 0, la), inventory.Policy{}, nil, day(la, 2025, 6, 9)},
		{"no cut-off: the policy default 12:00, after", wh("America/Los_Angeles", ""), time.Date(2025, 6, 9, 12, 0, 0, 0, la), inventory.Policy{}, nil, day(la, 2025, 6, 10)},
		{"no cut-off: a policy of 17:00", wh("America/Los_Angeles", ""), time.Date(2025, 6, 9, 16, 0, 0, 0, la), inventory.Policy{DefaultCutOff: "17:00"}, nil, day(la, 2025, 6, 9)},
		{"the cut-off is the warehouse's clock: 13:00 in LA is 16:00 in New York", wh("America/New_York", "15:00"), time.Date(2025, 6, 9, 13, 0, 0, 0, la), inventory.Policy{}, nil, day(ny, 2025, 6, 10)},
		{"a public holiday is skipped: Thursday 3 July after the cut-off, 4 July is Independence Day", wh("America/Los_Angeles", "15:00"), time.Date(2025, 7, 3, 16, 0, 0, 0, la), inventory.Policy{}, usHolidays(), day(la, 2025, 7, 7)},
		{"a public holiday morning: the next working day", wh("America/Los_Angeles", "15:00"), time.Date(2025, 7, 4, 9, 0, 0, 0, la), inventory.Policy{}, usHolidays(), day(la, 2025, 7, 7)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := inventory.HandoverDay(&tt.w, tt.now, tt.policy, tt.holidays)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) {
				t.Fatalf("HandoverDay = %s (%s), want %s", got, got.Weekday(), tt.want)
			}
		})
	}
}

func TestHandoverDayRefusesUnreadableClocks(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 6, 9, 9, 0, 0, 0, time.UTC)
	always := func(*model.Warehouse, time.Time) bool { return true }
	tests := []struct {
		name     string
		w        model.Warehouse
		holidays inventory.HolidayFunc
	}{
		{"no time zone", model.Warehouse{ID: "W"}, nil},
		{"Local is not a warehouse's zone", model.Warehouse{ID: "W", TimeZone: "Local"}, nil},
		{"unknown zone", model.Warehouse{ID: "W", TimeZone: "Mars/Olympus"}, nil},
		{"bad cut-off", model.Warehouse{ID: "W", TimeZone: "UTC", CutOff: "3pm"}, nil},
		{"cut-off 24:00", model.Warehouse{ID: "W", TimeZone: "UTC", CutOff: "24:00"}, nil},
		{"bad working day", model.Warehouse{ID: "W", TimeZone: "UTC", WorkingDays: []string{"monday"}}, nil},
		{"every day a holiday", model.Warehouse{ID: "W", TimeZone: "UTC"}, always},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := inventory.HandoverDay(&tt.w, now, inventory.Policy{}, tt.holidays); err == nil {
				t.Fatal("HandoverDay: want an error")
			}
		})
	}
}
