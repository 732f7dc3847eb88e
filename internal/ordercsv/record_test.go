package ordercsv

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

type parsedRow struct {
	row     int
	fields  []string
	blank   bool
	problem string
}

func parseAll(t testing.TB, in string, delim byte) []parsedRow {
	t.Helper()
	p := newRecordReader(bufio.NewReaderSize(strings.NewReader(in), 16), delim)
	var out []parsedRow
	for range len(in) + 2 {
		rec, err := p.read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		pr := parsedRow{row: rec.row, fields: slices.Clone(rec.fields), blank: rec.blank}
		if rec.problem != nil {
			pr.problem = rec.problem.code
		}
		out = append(out, pr)
	}
	t.Fatalf("no end after %d rows", len(out))
	return nil
}

func TestRecordReader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []parsedRow
	}{
		{"plain", "a,b\nc,d", []parsedRow{{1, []string{"a", "b"}, false, ""}, {2, []string{"c", "d"}, false, ""}}},
		{"crlf", "a,b\r\nc,d\r\n", []parsedRow{{1, []string{"a", "b"}, false, ""}, {2, []string{"c", "d"}, false, ""}}},
		{"empty cells", ",,\n", []parsedRow{{1, []string{"", "", ""}, false, ""}}},
		{"blank lines", "\n\r\na\n", []parsedRow{{1, nil, true, ""}, {2, nil, true, ""}, {3, []string{"a"}, false, ""}}},
		{"quoted", `"a,b","c""d",""` + "\n", []parsedRow{{1, []string{"a,b", `c"d`, ""}, false, ""}}},
		{"quoted line break", "\"a\r\nb\",c\nd\n", []parsedRow{{1, []string{"a\nb", "c"}, false, ""}, {2, []string{"d"}, false, ""}}},
		{"quote inside unquoted cell", `5" screen,x` + "\n", []parsedRow{{1, []string{`5" screen`, "x"}, false, ""}}},
		{"stray quote in quoted cell", `"ab"c",d` + "\n", []parsedRow{{1, []string{`ab"c`, "d"}, false, ""}}},
		{"quoted cell at the end", "a,\"b\"\n", []parsedRow{{1, []string{"a", "b"}, false, ""}}},
		{"trailing delimiter", "a,\n", []parsedRow{{1, []string{"a", ""}, false, ""}}},
		{"unterminated at the end", "a,\"b\nc,d\n", []parsedRow{
			{1, []string{"a", "b"}, false, "unterminated_quote"},
			{2, []string{"c", "d"}, false, ""},
		}},
		{"unterminated twice", "\"a\n\"b\nc\n", []parsedRow{
			{1, []string{"a"}, false, "unterminated_quote"},
			{2, []string{"b"}, false, "unterminated_quote"},
			{3, []string{"c"}, false, ""},
		}},
		{"no final line break", "a,\"b\"", []parsedRow{{1, []string{"a", "b"}, false, ""}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := parseAll(t, tc.in, ',')
			if !slices.EqualFunc(got, tc.want, func(a, b parsedRow) bool {
				return a.row == b.row && a.blank == b.blank && a.problem == b.problem && slices.Equal(a.fields, b.fields)
			}) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// TestUnterminatedQuoteIsBounded: a quote that never closes is given up after maxRowLines
// lines, and the lines after its row are read again as rows.
func TestUnterminatedQuoteIsBounded(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("a,\"open\n")
	for i := range 3 * maxRowLines {
		b.WriteString("r" + strconv.Itoa(i) + ",x\n")
	}
	rows := parseAll(t, b.String(), ',')
	if len(rows) != 1+3*maxRowLines {
		t.Fatalf("%d rows", len(rows))
	}
	if rows[0].problem != "unterminated_quote" || rows[1].fields[0] != "r0" || rows[1].row != 2 {
		t.Errorf("first rows %+v", rows[:2])
	}
	last := rows[len(rows)-1]
	if last.row != 1+3*maxRowLines || last.problem != "" {
		t.Errorf("last row %+v", last)
	}
}

func TestRowTooLong(t *testing.T) {
	t.Parallel()
	in := "a,b\n" + strings.Repeat("x", maxRowBytes+10) + "\nc,d\n"
	rows := parseAll(t, in, ',')
	if len(rows) != 3 || rows[1].problem != "row_too_long" || rows[1].row != 2 || !slices.Equal(rows[2].fields, []string{"c", "d"}) {
		t.Errorf("rows %+v", rows)
	}
	// A too-long line inside an open quote still counts as its row.
	in = "a,\"open\nb\n" + strings.Repeat("x", maxRowBytes+10) + "\nc,d\n"
	rows = parseAll(t, in, ',')
	if len(rows) != 4 || rows[0].problem != "unterminated_quote" || rows[1].fields[0] != "b" ||
		rows[2].problem != "row_too_long" || rows[3].row != 4 {
		t.Errorf("rows %+v", rows)
	}

	// A long row under the limit is read whole, across the buffer's size.
	long := strings.Repeat("y", 200_000)
	rows = parseAll(t, "a,"+long+"\n", ',')
	if len(rows) != 1 || rows[0].fields[1] != long {
		t.Errorf("long row not read whole")
	}
}

// TestRecordReaderReadsCSVWriterOutput: whatever encoding/csv writes, the record reader reads
// back unchanged (with line breaks as "\n", as encoding/csv reads them too).
func TestRecordReaderReadsCSVWriterOutput(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"a", "b", " ", ",", ";", "\t", `"`, "\n", "\r\n", "蓝", "'", "=", ""}
	for _, delim := range []rune{',', ';', '\t'} {
		for range 500 {
			var want [][]string
			for range 1 + rng.IntN(4) {
				var rec []string
				for range 1 + rng.IntN(5) {
					var cell strings.Builder
					for range rng.IntN(6) {
						cell.WriteString(pieces[rng.IntN(len(pieces))])
					}
					rec = append(rec, cell.String())
				}
				want = append(want, rec)
			}
			var buf bytes.Buffer
			w := csv.NewWriter(&buf)
			w.Comma = delim
			w.UseCRLF = rng.IntN(2) == 0
			if err := w.WriteAll(want); err != nil {
				t.Fatal(err)
			}
			var got [][]string
			for _, r := range parseAll(t, buf.String(), byte(delim)) {
				if r.problem != "" {
					t.Fatalf("%q: problem %s", buf.String(), r.problem)
				}
				got = append(got, r.fields)
			}
			norm := func(recs [][]string) [][]string {
				var out [][]string
				for _, r := range recs {
					var n []string
					for _, f := range r {
						n = append(n, strings.ReplaceAll(f, "\r\n", "\n"))
					}
					// encoding/csv writes a record of one empty cell as a blank line.
					if len(n) == 1 && n[0] == "" {
						n = nil
					}
					out = append(out, n)
				}
				return out
			}
			if !slices.EqualFunc(norm(got), norm(want), slices.Equal) {
				t.Fatalf("delim %q, file %q:\n got %q\nwant %q", delim, buf.String(), got, want)
			}
		}
	}
}
