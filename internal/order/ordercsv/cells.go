package ordercsv

import (
	"fmt"
	"strings"
	"time"

	"lastmile/internal/csvio"
	"lastmile/internal/model"
)

// rowReader reads the cells of one row, recording each problem on the group.
type rowReader struct {
	r      *Reader
	b      *groupBuilder
	rec    csvio.Record
	noCurr bool // missing_field currency already reported for this row
}

func (r *Reader) row(b *groupBuilder, rec csvio.Record) *rowReader {
	x := &rowReader{r: r, b: b, rec: rec}
	// A row that broke the CSV syntax gets that one structural problem: its cell count follows
	// from it. Otherwise a cell count other than the header's is the problem.
	if p := r.t.ShapeProblem(rec); p != nil {
		x.problemAt(r.label(p.Col), p.Code, p.Message)
	}
	return x
}

// label names the cell at index i for a problem: its canonical column name, else its header
// text, else its spreadsheet letters.
func (r *Reader) label(i int) string {
	if c, ok := r.t.Column(i); ok {
		return r.headerOf(c)
	}
	if i < len(r.t.Header) && r.t.Header[i] != "" {
		return r.t.Header[i]
	}
	return "column " + csvio.ColumnLetters(i)
}

func (x *rowReader) problem(c column, code, msg string) {
	x.problemAt(x.r.headerOf(c), code, msg)
}

func (x *rowReader) problemAt(field, code, msg string) {
	x.b.g.Problems = append(x.b.g.Problems, RowProblem{Row: x.rec.Row, FieldError: model.FieldError{Code: code, Field: field, Message: msg}})
}

func (x *rowReader) notAdjacent() {
	x.problem(colExternalID, "rows_not_adjacent", fmt.Sprintf("order %s already had rows above, from row %d: all rows of one order must be next to each other", x.b.id, x.b.repeated))
}

// rawCell is the trimmed cell of column c, "" if the file or the row lacks it.
func (x *rowReader) rawCell(c column) string {
	return x.r.t.Cell(x.rec, c)
}

// cell is rawCell with text that is not valid in the file's encoding reported and replaced by
// U+FFFD. The GB18030 and UTF-16 decoders turn such bytes into U+FFFD themselves; in a UTF-8
// file they are left as they are, and lastmile keeps only valid UTF-8.
func (x *rowReader) cell(c column) string {
	s := x.rawCell(c)
	if csvio.CleanText(s) {
		return s
	}
	x.problem(c, "invalid_encoding", x.r.t.InvalidEncoding())
	return csvio.ValidText(s)
}

// text reads a text cell: trimmed, without the apostrophe the Writer puts before text that
// would be a formula (see csvio.GuardText).
func (x *rowReader) text(c column) string {
	s := csvio.UnguardText(x.cell(c))
	switch c {
	case colExternalID, colSKU, colBuyerPhone, colShipPhone, colShipPostalCode:
		if csvio.ExcelScientific(s) {
			x.problem(c, "scientific_notation", fmt.Sprintf("%q is how Excel shows a long number it has rounded; the digits are lost. Format the column as Text and enter the value again", s))
		}
	}
	return s
}

// int reads a whole number; empty is 0.
func (x *rowReader) int(c column) int64 {
	s := x.cell(c)
	if s == "" {
		return 0
	}
	v, err := parseDecimal(s, 0, x.r.dec)
	if err != nil {
		msg := fmt.Sprintf("%q is not a number: %s", s, err.msg)
		if err.code == "precision" {
			msg = fmt.Sprintf("%q is not a whole number", s)
		}
		x.problem(c, "invalid_number", msg)
		return 0
	}
	return v
}

// money reads an amount in the order's currency as minor units; ok is false for an empty or
// unreadable cell.
func (x *rowReader) money(c column) (int64, bool) {
	s := x.cell(c)
	if s == "" {
		return 0, false
	}
	cur := x.b.g.Order.Currency
	if cur == "" {
		if !x.noCurr {
			x.noCurr = true
			x.problem(colCurrency, "missing_field", fmt.Sprintf("%s %q cannot be read without the order's currency; fill in currency (e.g. USD)", c, s))
		}
		return 0, false
	}
	if !x.b.scaleOK {
		return 0, false // reported once, on the currency cell
	}
	v, err := parseMoneyScale(s, cur, x.b.scale, x.r.dec)
	if err != nil {
		x.problem(c, err.code, err.msg)
		return 0, false
	}
	return v, true
}

// time reads a time cell; empty is the zero time. A time without a zone is in the market's.
func (x *rowReader) time(c column) (time.Time, bool) {
	s := x.cell(c)
	if s == "" {
		return time.Time{}, true
	}
	t, err := x.r.times.parse(s, x.b.loc)
	if err != nil {
		x.problem(c, err.code, err.msg)
		return time.Time{}, false
	}
	return t, true
}

// bool reads has_battery as sellers write it; empty is false.
func (x *rowReader) bool(c column) bool {
	s := x.cell(c)
	switch strings.ToLower(s) {
	case "", "false", "no", "n", "0", "否":
		return false
	case "true", "yes", "y", "1", "是":
		return true
	}
	x.problem(c, "invalid_bool", fmt.Sprintf("%q is not yes or no: write true/false, yes/no, 1/0, Y/N or 是/否", s))
	return false
}
