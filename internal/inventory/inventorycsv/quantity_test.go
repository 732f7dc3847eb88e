package inventorycsv

import (
	"strconv"
	"strings"
	"testing"
)

func TestParseQuantity(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in    string
		delim byte
		want  int64
		code  string // "" if it reads
	}{
		{"0", ',', 0, ""},
		{"120", ',', 120, ""},
		{"+120", ',', 120, ""},
		{"007", ',', 7, ""},
		{"12.0", ',', 12, ""},
		{"12.00", '\t', 12, ""},
		{"-0", ',', 0, ""},
		{"1 200", ',', 1200, ""},
		{"1\u00a0200", ';', 1200, ""},
		{"1000000000000", ',', MaxQuantity, ""},

		// Thousands separators follow the file's convention and must be unambiguous.
		{"1,200", '\t', 1200, ""},
		{"12,345,678", '\t', 12345678, ""},
		{"1,200.0", '\t', 1200, ""},
		{"1,200", '|', 1200, ""},
		{"1,200", ',', 0, "invalid_number"}, // a quoted cell in a comma file: thousands or decimal?
		{"12,0", ',', 0, "invalid_number"},
		{"1,20", '\t', 0, "invalid_number"},
		{"1,2000", '\t', 0, "invalid_number"},
		{",200", '\t', 0, "invalid_number"},
		{"1 200,000", '\t', 0, "invalid_number"},
		{"1.200", ';', 1200, ""},
		{"1.200.000", ';', 1200000, ""},
		{"12,0", ';', 12, ""},
		{"1,200", ';', 0, "not_integer"}, // ',' is the decimal separator of a semicolon file
		{"12.0", ';', 0, "invalid_number"},
		{"1.200", ',', 0, "not_integer"}, // '.' is the decimal separator of a comma file

		{"12.5", ',', 0, "not_integer"},
		{"0.5", '\t', 0, "not_integer"},
		{"12,5", ';', 0, "not_integer"},
		{"-5", ',', 0, "negative_quantity"},
		{"-12.5", ',', 0, "negative_quantity"},
		{"-0.5", ',', 0, "negative_quantity"},
		{"1000000000001", ',', 0, "quantity_too_large"},
		{"99999999999999999999999999", ',', 0, "quantity_too_large"},
		{"-99999999999999999999999999", ',', 0, "negative_quantity"},

		{"twelve", ',', 0, "invalid_number"},
		{"12 pcs", ',', 0, "invalid_number"},
		{"12件", ',', 0, "invalid_number"},
		{"１２", ',', 0, "invalid_number"},
		{"1.2E+03", ',', 0, "invalid_number"},
		{"12.", ',', 0, "invalid_number"},
		{".", ',', 0, "invalid_number"},
		{"-", ',', 0, "invalid_number"},
		{"+", ',', 0, "invalid_number"},
		{"--5", ',', 0, "invalid_number"},
		{"1.2.3", ',', 0, "invalid_number"},
		{"12.5x", ',', 0, "invalid_number"},
		{"'12", ',', 0, "invalid_number"},
	}
	for _, tc := range tests {
		t.Run(strconv.QuoteRune(rune(tc.delim))+tc.in, func(t *testing.T) {
			t.Parallel()
			got, err := parseQuantity(tc.in, tc.delim)
			switch {
			case tc.code == "" && err != nil:
				t.Fatalf("parseQuantity(%q, %q): %s %s", tc.in, tc.delim, err.code, err.msg)
			case tc.code == "" && got != tc.want:
				t.Fatalf("parseQuantity(%q, %q) = %d, want %d", tc.in, tc.delim, got, tc.want)
			case tc.code != "" && err == nil:
				t.Fatalf("parseQuantity(%q, %q) = %d, want %s", tc.in, tc.delim, got, tc.code)
			case tc.code != "" && err.code != tc.code:
				t.Fatalf("parseQuantity(%q, %q): %s (%s), want %s", tc.in, tc.delim, err.code, err.msg, tc.code)
			case err != nil && (err.msg == "" || !strings.Contains(err.msg, strconv.Quote(tc.in))):
				t.Fatalf("parseQuantity(%q, %q): message %q does not quote the cell", tc.in, tc.delim, err.msg)
			}
		})
	}
}
