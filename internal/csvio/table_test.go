package csvio

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"lastmile/internal/model"
)

type testColumn int

func (c testColumn) String() string { return [...]string{"id", "qty"}[c] }

var testFormat = Format[testColumn]{
	Name: "test file", NumColumns: 2,
	Known:    map[string]testColumn{"id": 0, "qty": 1, "数量": 1},
	Required: []testColumn{0},
	Aliases:  map[testColumn][]string{0: {"编号"}},
	Example:  "id,qty",
}

func TestOpenHeader(t *testing.T) {
	t.Parallel()
	tb, err := Open(strings.NewReader("\n\ufeff ID ;数量;note;\n1;2;x\n\n3;4\n"), testFormat)
	if err != nil {
		t.Fatal(err)
	}
	if tb.Delim != ';' || tb.Width != 3 || !slices.Equal(tb.Index, []int{0, 1}) || !slices.Equal(tb.Unknown, []string{"note"}) {
		t.Fatalf("table %+v", tb)
	}
	if c, ok := tb.Column(2); ok {
		t.Errorf("note is column %v", c)
	}
	rec, err := tb.Next()
	if err != nil || rec.Row != 3 || tb.Cell(rec, 1) != "2" || tb.ShapeProblem(rec) != nil {
		t.Fatalf("row %+v, %v", rec, err)
	}
	rec, err = tb.Next() // the blank row 4 is skipped
	if err != nil || rec.Row != 5 || tb.ShapeProblem(rec) == nil {
		t.Fatalf("row %+v, %v: want row 5 with a column_count problem", rec, err)
	}
	if _, err := tb.Next(); !errors.Is(err, io.EOF) {
		t.Fatalf("end: %v", err)
	}
}

func TestOpenHeaderErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, code, msg string }{
		{"", "empty_file", "test file: the file is empty: the first row must be the header, e.g. id,qty"},
		{"qty\n1\n", "missing_column", "test file: the required column id is missing (also accepted: 编号)"},
		{"id,qty,数量\n", "duplicate_column", `test file: columns "qty" and "数量" are both qty; keep one of them`},
	} {
		_, err := Open(strings.NewReader(tc.in), testFormat)
		var he *HeaderError
		if !errors.As(err, &he) || he.Code != tc.code || err.Error() != tc.msg || !errors.Is(err, model.ErrInvalid) {
			t.Errorf("%q: %v, want %s %q", tc.in, err, tc.code, tc.msg)
		}
	}
}

func TestResultWriter(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	w := NewResultWriter(&b, "warehouse", "sku")
	if err := w.Write(2, "refused", []model.FieldError{{Code: "c", Field: "sku", Message: "m"}, {Code: "d", Message: "n"}}, "=W", "S"); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "\ufeffrow,warehouse,sku,status,problems\r\n2,'=W,S,refused,c sku: m; d: n\r\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}
