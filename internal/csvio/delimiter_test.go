package csvio

import (
	"bufio"
	"io"
	"strings"
	"testing"
)

func TestDetectDelimiter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    string
		delim byte
		rest  string // what br holds after
	}{
		{"commas", "a,b,c\n1,2,3\n", ',', "a,b,c\n1,2,3\n"},
		{"semicolons", "a;b;c\n1,5;2;3\n", ';', "a;b;c\n1,5;2;3\n"},
		{"tabs", "a\tb\tc\n", '\t', "a\tb\tc\n"},
		{"quoted commas do not count", "\"a,b,c\";d;e\n", ';', "\"a,b,c\";d;e\n"},
		{"tie goes to comma", "a,b;c\n", ',', "a,b;c\n"},
		{"one column", "sku\n", ',', "sku\n"},
		{"blank lines before the header", "\n\r\na;b\n", ';', "\n\r\na;b\n"},
		{"empty", "", ',', ""},
		{"sep line", "sep=;\na,b\n1,2\n", ';', "a,b\n1,2\n"},
		{"sep line crlf", "SEP=\t\r\na;b\r\n", '\t', "a;b\r\n"},
		{"sep line pipe", "sep=|\na|b\n", '|', "a|b\n"},
		{"sep line alone", "sep=,", ',', ""},
		{"not a sep line", "sep=x\na;b\n", ',', "sep=x\na;b\n"},
		// Only the very first line may be a sep line; after a blank line it is an odd header.
		{"sep line not first", "\nsep=;\na,b\n", ';', "\nsep=;\na,b\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			br := bufio.NewReaderSize(strings.NewReader(tc.in), SniffSize)
			d, err := DetectDelimiter(br)
			if err != nil {
				t.Fatal(err)
			}
			if d != tc.delim {
				t.Errorf("delimiter %q, want %q", d, tc.delim)
			}
			rest, _ := io.ReadAll(br)
			if string(rest) != tc.rest {
				t.Errorf("left %q, want %q", rest, tc.rest)
			}
		})
	}
}

func TestDecimalSeparator(t *testing.T) {
	t.Parallel()
	for delim, want := range map[byte]byte{',': '.', ';': ',', '\t': '.', '|': '.'} {
		if got := DecimalSeparator(delim); got != want {
			t.Errorf("DecimalSeparator(%q) = %q", delim, got)
		}
	}
	for delim, want := range map[byte]string{',': "','", ';': "';'", '\t': "a tab", '|': "'|'"} {
		if got := DelimiterName(delim); got != want {
			t.Errorf("DelimiterName(%q) = %q", delim, got)
		}
	}
}

func TestIsThousandsSeparator(t *testing.T) {
	t.Parallel()
	tests := []struct {
		r    rune
		dec  byte
		want bool
	}{
		{',', '.', true}, {'.', ',', true}, {',', ',', false}, {'.', '.', false},
		{' ', '.', true}, {'\u00a0', ',', true}, {'\u202f', '.', true}, {'\'', '.', false}, {'_', '.', false},
	}
	for _, tc := range tests {
		if got := IsThousandsSeparator(tc.r, tc.dec); got != tc.want {
			t.Errorf("IsThousandsSeparator(%q, %q) = %v", tc.r, tc.dec, got)
		}
	}
}
