package csvio

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"lastmile/internal/model"
)

// Column is a format's known column: an index into its list of columns, named by String.
type Column interface {
	~int
	String() string
}

// Format describes a file format's header for Open: what the file is called, its columns and
// how headers name them.
type Format[C Column] struct {
	// Name names the file in errors: "order file", "stock file".
	Name string
	// NumColumns is how many known columns there are; they are C(0) … C(NumColumns-1).
	NumColumns int
	// Known maps HeaderKey(name) to its column, for canonical names and aliases alike.
	Known map[string]C
	// Required are the columns a file must have.
	Required []C
	// Aliases are the other accepted names of each column, listed when a required one is missing.
	Aliases map[C][]string
	// Example is the start of a header, shown when the file is empty.
	Example string
}

// HeaderError is a file that cannot be read at all: empty, with a header that cannot be read,
// without a required column, or with a column twice. It unwraps to model.ErrInvalid.
type HeaderError struct {
	File    string // what the file is: "order file", "stock file"
	Code    string // empty_file, bad_header, missing_column, duplicate_column
	Column  string // the canonical column name, where one is concerned
	Message string
}

func (e *HeaderError) Error() string { return e.File + ": " + e.Message }

func (e *HeaderError) Unwrap() error { return model.ErrInvalid }

// Table is a CSV file being read: its encoding and delimiter detected, its header matched to a
// format's columns, and its records read one at a time.
type Table[C Column] struct {
	// Encoding is the file's encoding as detected (the Encoding constants).
	Encoding string
	// Delim is the cell separator found in the header line (or named by a "sep=" first line).
	Delim byte
	// Header holds the header cells, trimmed.
	Header []string
	// Width is the header's cell count up to its last non-empty cell.
	Width int
	// Index is the cell index of each column, -1 if the file lacks it.
	Index []int
	// Columns is the column of each header cell, -1 if it names none.
	Columns []C
	// Unknown lists the header cells that name no column, as written.
	Unknown []string

	rr *RecordReader
}

// Open detects the encoding and delimiter of r and reads its header, the first row that is not
// blank. It returns a *HeaderError if the file has no usable header, and the underlying
// reader's error, wrapped, if reading fails.
func Open[C Column](r io.Reader, f Format[C]) (*Table[C], error) {
	br, enc, err := Decode(r)
	if err != nil {
		return nil, fmt.Errorf("reading the %s: %w", f.Name, err)
	}
	delim, err := DetectDelimiter(br)
	if err != nil {
		return nil, fmt.Errorf("reading the %s: %w", f.Name, err)
	}
	t := &Table[C]{Encoding: enc, Delim: delim, rr: NewRecordReader(br, delim)}
	for {
		rec, err := t.rr.Read()
		if errors.Is(err, io.EOF) {
			return nil, &HeaderError{File: f.Name, Code: "empty_file", Message: "the file is empty: the first row must be the header, e.g. " + f.Example}
		}
		if err != nil {
			return nil, fmt.Errorf("reading the %s header: %w", f.Name, err)
		}
		if rec.Blank() {
			continue
		}
		if rec.Problem != nil {
			return nil, &HeaderError{File: f.Name, Code: "bad_header", Message: "the header row cannot be read: " + rec.Problem.Message}
		}
		if err := t.readHeader(rec.Fields, f); err != nil {
			return nil, err
		}
		return t, nil
	}
}

func (t *Table[C]) readHeader(cells []string, f Format[C]) error {
	t.Index = make([]int, f.NumColumns)
	for c := range t.Index {
		t.Index[c] = -1
	}
	t.Header = make([]string, len(cells))
	t.Columns = make([]C, len(cells))
	for i, cell := range cells {
		t.Columns[i] = -1
		name := ValidText(strings.TrimSpace(strings.TrimPrefix(cell, BOM)))
		t.Header[i] = name
		if name != "" {
			t.Width = i + 1
		}
		key := HeaderKey(name)
		if key == "" {
			continue // Excel writes empty header cells for formatted but empty columns
		}
		c, ok := f.Known[key]
		if !ok {
			t.Unknown = append(t.Unknown, name)
			continue
		}
		if prev := t.Index[c]; prev >= 0 {
			return &HeaderError{File: f.Name, Code: "duplicate_column", Column: c.String(),
				Message: fmt.Sprintf("columns %q and %q are both %s; keep one of them", t.Header[prev], name, c)}
		}
		t.Index[c] = i
		t.Columns[i] = c
	}
	for _, c := range f.Required {
		if t.Index[c] < 0 {
			return &HeaderError{File: f.Name, Code: "missing_column", Column: c.String(),
				Message: fmt.Sprintf("the required column %s is missing (also accepted: %s)", c, strings.Join(f.Aliases[c], ", "))}
		}
	}
	return nil
}

// Next returns the next record that is not blank. At the end of the file it returns io.EOF;
// any other error is the underlying reader's.
func (t *Table[C]) Next() (Record, error) {
	for {
		rec, err := t.rr.Read()
		if err != nil {
			return Record{}, err
		}
		if !rec.Blank() {
			return rec, nil
		}
	}
}

// Column returns the column of the header cell with index i; ok is false for a cell that names
// no column or lies beyond the header.
func (t *Table[C]) Column(i int) (c C, ok bool) {
	if i < 0 || i >= len(t.Columns) || t.Columns[i] < 0 {
		return -1, false
	}
	return t.Columns[i], true
}

// ShapeProblem is rec's structural problem, or nil: the CSV syntax it broke (its cell count
// then follows from it), else a cell count other than the header's (Record.WidthProblem).
func (t *Table[C]) ShapeProblem(rec Record) *Problem {
	if rec.Problem != nil {
		return rec.Problem
	}
	return rec.WidthProblem(t.Width, t.Delim)
}

// Cell is the trimmed cell of column c in rec, "" if the file or the row lacks it. The caller
// checks its text (CleanText) and reports invalid_encoding with InvalidEncoding.
func (t *Table[C]) Cell(rec Record, c C) string {
	i := t.Index[c]
	if i < 0 || i >= len(rec.Fields) {
		return ""
	}
	return strings.TrimSpace(rec.Fields[i])
}

// InvalidEncoding is the message of a cell whose bytes are not valid text in the file's
// encoding (its CleanText is false).
func (t *Table[C]) InvalidEncoding() string {
	return fmt.Sprintf("the cell holds bytes that are not valid %s text; save the file as \"CSV UTF-8\"", t.Encoding)
}
