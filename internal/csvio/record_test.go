package csvio

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

// parsedRow is a Record copied out, with its problem's code and cell.
type parsedRow struct {
	row     int
	fields  []string
	problem string
	col     int
}

func parseAll(t testing.TB, in string, delim byte) []parsedRow {
	t.Helper()
	p := NewRecordReader(bufio.NewReaderSize(strings.NewReader(in), 16), delim)
	var out []parsedRow
	for range len(in) + 2 {
		rec, err := p.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		pr := parsedRow{row: rec.Row, fields: slices.Clone(rec.Fields)}
		if rec.Problem != nil {
			pr.problem, pr.col = rec.Problem.Code, rec.Problem.Col
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
		{"plain", "a,b\nc,d", []parsedRow{{1, []string{"a", "b"}, "", 0}, {2, []string{"c", "d"}, "", 0}}},
		{"crlf", "a,b\r\nc,d\r\n", []parsedRow{{1, []string{"a", "b"}, "", 0}, {2, []string{"c", "d"}, "", 0}}},
		{"empty cells", ",,\n", []parsedRow{{1, []string{"", "", ""}, "", 0}}},
		{"blank lines", "\n\r\na\n", []parsedRow{{1, nil, "", 0}, {2, nil, "", 0}, {3, []string{"a"}, "", 0}}},
		{"quoted", `"a,b","c""d",""` + "\n", []parsedRow{{1, []string{"a,b", `c"d`, ""}, "", 0}}},
		{"quoted line break", "\"a\r\nb\",c\nd\n", []parsedRow{{1, []string{"a\nb", "c"}, "", 0}, {2, []string{"d"}, "", 0}}},
		{"quote inside unquoted cell", `5" screen,x` + "\n", []parsedRow{{1, []string{`5" screen`, "x"}, "", 0}}},
		{"stray quote in quoted cell", `"ab"c",d` + "\n", []parsedRow{{1, []string{`ab"c`, "d"}, "", 0}}},
		{"quoted cell at the end", "a,\"b\"\n", []parsedRow{{1, []string{"a", "b"}, "", 0}}},
		{"trailing delimiter", "a,\n", []parsedRow{{1, []string{"a", ""}, "", 0}}},
		{"unterminated at the end", "a,\"b\nc,d\n", []parsedRow{
			{1, []string{"a", "b"}, "unterminated_quote", 1},
			{2, []string{"c", "d"}, "", 0},
		}},
		{"unterminated twice", "\"a\n\"b\nc\n", []parsedRow{
			{1, []string{"a"}, "unterminated_quote", 0},
			{2, []string{"b"}, "unterminated_quote", 0},
			{3, []string{"c"}, "", 0},
		}},
		{"no final line break", "a,\"b\"", []parsedRow{{1, []string{"a", "b"}, "", 0}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := parseAll(t, tc.in, ',')
			if !slices.EqualFunc(got, tc.want, func(a, b parsedRow) bool {
				return a.row == b.row && a.problem == b.problem && a.col == b.col && slices.Equal(a.fields, b.fields)
			}) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

// TestUnterminatedQuoteIsBounded: a quote that never closes is given up after MaxRowLines
// lines, and the lines after its row are read again as rows.
func TestUnterminatedQuoteIsBounded(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("a,\"open\n")
	for i := range 3 * MaxRowLines {
		b.WriteString("r" + strconv.Itoa(i) + ",x\n")
	}
	rows := parseAll(t, b.String(), ',')
	if len(rows) != 1+3*MaxRowLines {
		t.Fatalf("%d rows", len(rows))
	}
	if rows[0].problem != "unterminated_quote" || rows[1].fields[0] != "r0" || rows[1].row != 2 {
		t.Errorf("first rows %+v", rows[:2])
	}
	last := rows[len(rows)-1]
	if last.row != 1+3*MaxRowLines || last.problem != "" {
		t.Errorf("last row %+v", last)
	}
}

func TestRowTooLong(t *testing.T) {
	t.Parallel()
	in := "a,b\n" + strings.Repeat("x", MaxRowBytes+10) + "\nc,d\n"
	rows := parseAll(t, in, ',')
	if len(rows) != 3 || rows[1].problem != "row_too_long" || rows[1].row != 2 || !slices.Equal(rows[2].fields, []string{"c", "d"}) {
		t.Errorf("rows %+v", rows)
	}
	// A too-long line inside an open quote still counts as its row.
	in = "a,\"open\nb\n" + strings.Repeat("x", MaxRowBytes+10) + "\nc,d\n"
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

func TestRecordReaderDelimiters(t *testing.T) {
	t.Parallel()
	tests := []struct {
		delim byte
		in    string
		want  []string
	}{
		{';', "a;\"b;c\";1,5\n", []string{"a", "b;c", "1,5"}},
		{'\t', "a\t\"b\tc\"\t1,200\n", []string{"a", "b\tc", "1,200"}},
		{'|', "a|b,c|d\n", []string{"a", "b,c", "d"}},
	}
	for _, tc := range tests {
		rows := parseAll(t, tc.in, tc.delim)
		if len(rows) != 1 || !slices.Equal(rows[0].fields, tc.want) {
			t.Errorf("delim %q: rows %+v, want %q", tc.delim, rows, tc.want)
		}
	}
}

func TestRecordBlank(t *testing.T) {
	t.Parallel()
	tests := []struct {
		rec  Record
		want bool
	}{
		{Record{Row: 1}, true},
		{Record{Row: 1, Fields: []string{"", " ", "\t"}}, true},
		{Record{Row: 1, Fields: []string{"", "x"}}, false},
		{Record{Row: 1, Problem: &Problem{Code: "row_too_long"}}, false},
	}
	for _, tc := range tests {
		if got := tc.rec.Blank(); got != tc.want {
			t.Errorf("%+v: Blank() = %v", tc.rec, got)
		}
	}
}

func TestWidthProblem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		fields []string
		width  int
		col    int // -1: no problem
	}{
		{"same", []string{"a", "b", "c"}, 3, -1},
		{"empty cells beyond the header", []string{"a", "b", "c", "", " "}, 3, -1},
		{"text beyond the header", []string{"a", "b", "c", "", "x"}, 3, 4},
		{"fewer", []string{"a"}, 3, 1},
		{"header narrower than its cells", []string{"a", "b"}, 2, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := Record{Row: 2, Fields: tc.fields}.WidthProblem(tc.width, ';')
			switch {
			case tc.col < 0 && p != nil:
				t.Errorf("problem %+v", p)
			case tc.col >= 0 && (p == nil || p.Code != "column_count" || p.Col != tc.col || !strings.Contains(p.Message, "';'")):
				t.Errorf("problem %+v, want column_count at %d", p, tc.col)
			}
		})
	}
}
