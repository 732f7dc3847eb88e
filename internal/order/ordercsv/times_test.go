package ordercsv

import (
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	t.Parallel()
	jakarta := time.FixedZone("WIB", 7*3600)
	tests := []struct {
		in   string
		want string // RFC 3339 in UTC; "" for a problem
	}{
		{"2024-03-01T09:15:00Z", "2024-03-01T09:15:00Z"},
		{"2024-03-01T09:15:00+08:00", "2024-03-01T01:15:00Z"},
		{"2024-03-01T09:15:00.123456789Z", "2024-03-01T09:15:00.123456789Z"},
		{"2024-03-01 09:15:00+08:00", "2024-03-01T01:15:00Z"},
		{"2024-03-01 09:15:00", "2024-03-01T02:15:00Z"},
		{"2024-03-01 09:15:00.5", "2024-03-01T02:15:00.5Z"},
		{"2024-03-01 09:15", "2024-03-01T02:15:00Z"},
		{"2024-3-1 9:15", "2024-03-01T02:15:00Z"},
		{"2024-03-01T09:15:00", "2024-03-01T02:15:00Z"},
		{"2024-03-01", "2024-02-29T17:00:00Z"},
		{"2024/03/01 09:15:00", "2024-03-01T02:15:00Z"},
		{"2024/3/1 9:15", "2024-03-01T02:15:00Z"},
		{"2024/3/1", "2024-02-29T17:00:00Z"},
		{"01/03/2024", ""},
		{"2024-13-01", ""},
		{"2024-02-30 10:00", ""},
		{"45352.5", ""}, // an Excel serial number: Excel writes the displayed text, never this
		{"now", ""},
	}
	var tp timeParser
	for _, tc := range tests {
		got, err := tp.parse(tc.in, jakarta)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("parse(%q) = %v, want a problem", tc.in, got)
		case tc.want == "" && err.code != "invalid_time":
			t.Errorf("parse(%q): code %s", tc.in, err.code)
		case tc.want != "" && err != nil:
			t.Errorf("parse(%q): %s", tc.in, err.msg)
		case tc.want != "" && (!got.Equal(utc(tc.want)) || got.Location() != time.UTC):
			t.Errorf("parse(%q) = %v, want %s", tc.in, got, tc.want)
		}
	}
}
