package csvio

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"lastmile/internal/model"
)

// Writer writes a CSV file the way Excel reads it: UTF-8 with a BOM, so that Chinese text
// shows, CRLF line ends, buffered. Text cells that Excel would run as a formula are the
// caller's to guard (GuardText).
type Writer struct {
	bw   *bufio.Writer
	cw   *csv.Writer
	name string
}

// NewWriter starts a file on w: it writes the BOM and the header. name says what the file is in
// errors ("order file"). Call Flush at the end.
func NewWriter(w io.Writer, name string, header []string) (*Writer, error) {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString(BOM); err != nil {
		return nil, fmt.Errorf("writing the %s: %w", name, err)
	}
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true // what Excel writes
	if err := cw.Write(header); err != nil {
		return nil, fmt.Errorf("writing the %s header: %w", name, err)
	}
	return &Writer{bw: bw, cw: cw, name: name}, nil
}

// Write writes one record. Its error is encoding/csv's: the caller says which record it was.
func (w *Writer) Write(rec []string) error { return w.cw.Write(rec) }

// Flush writes any buffered rows to the underlying writer.
func (w *Writer) Flush() error {
	w.cw.Flush()
	if err := w.cw.Error(); err != nil {
		return fmt.Errorf("writing the %s: %w", w.name, err)
	}
	if err := w.bw.Flush(); err != nil {
		return fmt.Errorf("writing the %s: %w", w.name, err)
	}
	return nil
}

// ResultWriter writes the per-row results of an import as CSV, for the seller to open next to
// the file they imported: row, the row's key columns (external_id; warehouse and sku), status
// and the problems. It is a Writer: UTF-8 with a BOM so that Excel shows Chinese text.
type ResultWriter struct {
	w   *Writer
	err error // from starting the file; returned by Write and Flush
	rec []string
	// Translate, when set, rewrites each status and problem before it is written: the
	// caller's language for the seller (the codes and column names stay as they are).
	Translate Translator
}

// Translator puts a result's status and problems into the reader's language.
type Translator interface {
	Status(status string) string
	Problem(p model.FieldError) model.FieldError
}

// NewResultWriter starts a results file on w whose rows carry the key columns named. The BOM
// and the header are buffered with the rows; errors surface from Write or Flush.
func NewResultWriter(w io.Writer, keys ...string) *ResultWriter {
	return NewResultWriterTail(w, keys, nil)
}

// NewResultWriterTail is NewResultWriter with further columns after the problems (tail), whose
// values WriteTail takes.
func NewResultWriterTail(w io.Writer, keys, tail []string) *ResultWriter {
	header := append(append(append([]string{"row"}, keys...), "status", "problems"), tail...)
	cw, err := NewWriter(w, "results", header)
	return &ResultWriter{w: cw, err: err, rec: make([]string, len(header))}
}

// WriteTail is Write with the values of the tail columns.
func (w *ResultWriter) WriteTail(row int, status string, problems []model.FieldError, keys, tail []string) error {
	return w.write(row, status, problems, keys, tail)
}

// Write writes one result row: keys in the order of the header's key columns. Problems are
// joined as "code field: message; …".
func (w *ResultWriter) Write(row int, status string, problems []model.FieldError, keys ...string) error {
	return w.write(row, status, problems, keys, nil)
}

func (w *ResultWriter) write(row int, status string, problems []model.FieldError, keys, tail []string) error {
	if w.err != nil {
		return w.err
	}
	if w.Translate != nil {
		status = w.Translate.Status(status)
		if len(problems) > 0 {
			tr := make([]model.FieldError, len(problems))
			for i, p := range problems {
				tr[i] = w.Translate.Problem(p)
			}
			problems = tr
		}
	}
	rec := w.rec[:0]
	rec = append(rec, strconv.Itoa(row))
	for _, k := range keys {
		rec = append(rec, GuardText(k))
	}
	rec = append(rec, GuardText(status), GuardText(JoinProblems(problems)))
	for _, v := range tail {
		rec = append(rec, GuardText(v))
	}
	if err := w.w.Write(rec); err != nil {
		return fmt.Errorf("writing results: %w", err)
	}
	return nil
}

// Flush writes any buffered rows to the underlying writer.
func (w *ResultWriter) Flush() error {
	if w.err != nil {
		return w.err
	}
	return w.w.Flush()
}

// JoinProblems writes problems in one cell: "code field: message; …" (without the field when
// it has none).
func JoinProblems(problems []model.FieldError) string {
	var b strings.Builder
	for i, p := range problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.Code)
		if p.Field != "" {
			b.WriteString(" ")
			b.WriteString(p.Field)
		}
		b.WriteString(": ")
		b.WriteString(p.Message)
	}
	return b.String()
}
