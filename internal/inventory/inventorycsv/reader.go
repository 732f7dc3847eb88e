// Package inventorycsv reads and writes stock levels as CSV files, the way sellers keep them in
// Excel: one row per warehouse and SKU, with the units on hand and the safety stock to set.
// The file rules are the order files' (package csvio: UTF-8 with or without a BOM, GB18030/GBK
// as Chinese Excel saves "CSV", UTF-16 "Unicode text"; ',', ';' or tab separated, or what a
// "sep=" first line names; Chinese and English header names; the formula guard).
//
// The Reader streams, one row at a time, and never holds the file. It reports every problem
// with the row and column it is in and still returns the row, as far as it could be read; the
// caller decides not to apply a row with problems. It only reads the file: what a row means
// for the ledger (an adjustment, a new safety stock) is the caller's business. docs/csv.md
// describes the format for sellers.
package inventorycsv

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"

	"lastmile/internal/csvio"
	"lastmile/internal/model"
)

// Row is one row of a stock file: where and what, and the figures to set. A nil quantity is an
// empty cell (or a column the file lacks) and means "leave as is"; a row without problems sets
// at least one of them.
type Row struct {
	// Line is the row number a spreadsheet shows: the header is row 1, a blank row counts.
	Line int
	// Warehouse is the warehouse's id as written (trimmed).
	Warehouse string
	// SKU keeps its case; surrounding white space, full-width spaces included, is removed.
	SKU         string
	OnHand      *int64
	SafetyStock *int64
	// Reason is the seller's note for the ledger, trimmed; may be empty.
	Reason string
	// Problems are everything wrong with the row; Field is the canonical column name (Columns).
	Problems []model.FieldError
}

// HeaderError is a file that cannot be read at all: empty, with a header that cannot be read,
// without a required column, or with a column twice (Code: empty_file, bad_header,
// missing_column, duplicate_column). It unwraps to model.ErrInvalid.
type HeaderError = csvio.HeaderError

// format is the stock file's header for csvio.Open.
var format = csvio.Format[column]{
	Name:       "stock file",
	NumColumns: int(numColumns),
	Known:      headerIndex,
	Required:   []column{colWarehouse, colSKU},
	Aliases:    aliases,
	Example:    strings.Join(columnNames[:colReason], ","),
}

// Reader reads stock levels from a CSV file, one Row per row.
type Reader struct {
	t   *csvio.Table[column]
	err error // sticky: io.EOF at the end, or the reader's error
}

// NewReader detects the file's encoding and delimiter and reads its header. It returns a
// *HeaderError if the file has no usable header, and the underlying reader's error, wrapped,
// if reading fails.
func NewReader(r io.Reader) (*Reader, error) {
	t, err := csvio.Open(r, format)
	if err != nil {
		return nil, err
	}
	// On top of the required columns, a file sets on_hand, safety_stock or both.
	if t.Index[colOnHand] < 0 && t.Index[colSafetyStock] < 0 {
		return nil, &HeaderError{File: format.Name, Code: "missing_column", Column: colOnHand.String(),
			Message: fmt.Sprintf("the file has neither on_hand nor safety_stock: it needs at least one of them (on_hand is also accepted as %s; safety_stock as %s)",
				strings.Join(aliases[colOnHand], ", "), strings.Join(aliases[colSafetyStock], ", "))}
	}
	return &Reader{t: t}, nil
}

// Encoding is the file's encoding as detected: "utf-8", "utf-8-bom", "gb18030", "utf-16le" or
// "utf-16be" (the csvio.Encoding constants).
func (r *Reader) Encoding() string { return r.t.Encoding }

// Delimiter is the cell separator found in the header line: ',', ';' or '\t' (or what a
// "sep=" first line named).
func (r *Reader) Delimiter() rune { return rune(r.t.Delim) }

// UnknownColumns lists the header cells that name no known column, as written. Their cells
// are ignored; the caller may warn about them (a misspelt header loses its column silently
// otherwise).
func (r *Reader) UnknownColumns() []string { return slices.Clone(r.t.Unknown) }

// Next returns the next row that is not blank. At the end of the file it returns io.EOF; any
// other error is the underlying reader's and ends the import. Problems in the file are never
// errors: they are in Row.Problems.
func (r *Reader) Next() (Row, error) {
	if r.err != nil {
		return Row{}, r.err
	}
	rec, err := r.t.Next()
	if errors.Is(err, io.EOF) {
		r.err = io.EOF
		return Row{}, io.EOF
	}
	if err != nil {
		r.err = fmt.Errorf("reading the stock file: %w", err)
		return Row{}, r.err
	}
	return r.row(rec), nil
}

// row reads the cells of one record.
func (r *Reader) row(rec csvio.Record) Row {
	x := &rowReader{r: r, rec: rec, row: Row{Line: rec.Row}}
	// A row that broke the CSV syntax gets that one structural problem: its cell count follows
	// from it. Otherwise a cell count other than the header's is the problem.
	if p := r.t.ShapeProblem(rec); p != nil {
		x.problemAtCell(p.Col, p.Code, p.Message)
	}
	if rec.Fields == nil {
		return x.row // too long to read: its problem says so
	}

	row := &x.row
	row.Warehouse = x.id(colWarehouse)
	if row.Warehouse == "" {
		x.problem(colWarehouse, "missing_field", "warehouse is empty: every row needs the warehouse's code (fill merged cells down before saving)")
	}
	row.SKU = x.id(colSKU)
	if row.SKU == "" {
		x.problem(colSKU, "missing_field", "sku is empty: every row needs the SKU whose stock it sets")
	}
	onHand, badOnHand := x.quantity(colOnHand)
	safety, badSafety := x.quantity(colSafetyStock)
	row.OnHand, row.SafetyStock = onHand, safety
	if onHand == nil && safety == nil && !badOnHand && !badSafety {
		c := colOnHand
		if r.t.Index[colOnHand] < 0 {
			c = colSafetyStock
		}
		x.problem(c, "missing_field", "the row sets neither on_hand nor safety_stock: fill in at least one (an empty cell leaves that figure as it is)")
	}
	row.Reason = x.text(colReason)
	return x.row
}

// rowReader reads the cells of one row, recording each problem on it.
type rowReader struct {
	r   *Reader
	rec csvio.Record
	row Row
}

func (x *rowReader) problem(c column, code, msg string) {
	x.row.Problems = append(x.row.Problems, model.FieldError{Code: code, Field: x.r.headerOf(c), Message: msg})
}

// problemAtCell records a problem of the row's shape at the cell with index i. Problems always
// name a known column: a cell outside them is named after the nearest known column to its left
// (else the leftmost one), and the message says which cell it is.
func (x *rowReader) problemAtCell(i int, code, msg string) {
	if c, ok := x.r.t.Column(i); ok {
		x.problem(c, code, msg)
		return
	}
	where := "cell " + csvio.ColumnLetters(i)
	if h := x.r.t.Header; i < len(h) && h[i] != "" {
		where += fmt.Sprintf(" (%q)", h[i])
	}
	x.problem(x.r.nearestColumn(i), code, where+": "+msg)
}

// nearestColumn is the known column nearest to the left of cell i, or else the leftmost known
// column. The header has warehouse and sku, so there is one.
func (r *Reader) nearestColumn(i int) column {
	cells := r.t.Columns
	for j := min(i, len(cells)-1); j >= 0; j-- {
		if cells[j] != noColumn {
			return cells[j]
		}
	}
	for _, c := range cells {
		if c != noColumn {
			return c
		}
	}
	return colWarehouse // not reached: the header has warehouse
}

// cell is the trimmed cell of column c, "" if the file or the row lacks it. Text that is not
// valid in the file's encoding is reported and replaced by U+FFFD.
func (x *rowReader) cell(c column) string {
	s := x.r.t.Cell(x.rec, c)
	if csvio.CleanText(s) {
		return s
	}
	x.problem(c, "invalid_encoding", x.r.t.InvalidEncoding())
	return csvio.ValidText(s)
}

// text reads a text cell without the apostrophe the Writer puts before text that would be a
// formula (see csvio.GuardText).
func (x *rowReader) text(c column) string {
	return csvio.UnguardText(x.cell(c))
}

// id reads a warehouse code or a SKU: text, without invisible characters around it (a
// full-width space from a Chinese input method, a zero-width space pasted from a web page),
// its case kept. An id that Excel has turned into a rounded number is reported: the digits are
// lost.
func (x *rowReader) id(c column) string {
	s := strings.TrimFunc(x.text(c), invisible)
	if csvio.ExcelScientific(s) {
		x.problem(c, "scientific_notation", fmt.Sprintf("%q is how Excel shows a long number it has rounded; the digits are lost. Format the column as Text and enter the value again", s))
	}
	return s
}

// invisible reports whether r is white space (full-width U+3000 and no-break spaces included)
// or a zero-width character that does not belong at either end of an id.
func invisible(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
		return true
	}
	return unicode.IsSpace(r)
}

// quantity reads an on_hand or safety_stock cell: nil when it is empty or could not be read;
// bad reports the latter (the problem is recorded).
func (x *rowReader) quantity(c column) (v *int64, bad bool) {
	s := x.cell(c)
	if s == "" {
		return nil, false
	}
	if !csvio.CleanText(s) {
		return nil, true // reported as invalid_encoding
	}
	n, err := parseQuantity(s, x.r.t.Delim)
	if err != nil {
		x.problem(c, err.code, err.msg)
		return nil, true
	}
	return &n, false
}
