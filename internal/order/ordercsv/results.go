package ordercsv

import (
	"io"
	"strconv"

	"lastmile/internal/csvio"
	"lastmile/internal/model"
)

// ResultWriter writes the per-row results of an import as CSV, for the seller to open next
// to the file they imported: row, external_id, status (the caller's word: created, updated,
// held, refused…), the problems, and needs_attention (true for a row of an order stored but
// held until fixed, R-ORD-6), so that an ERP need not fetch each order again. It is UTF-8
// with a BOM so that Excel shows Chinese text.
type ResultWriter struct{ rw *csvio.ResultWriter }

// NewResultWriter starts a results file on w. The BOM and the header are buffered with the
// rows; errors surface from Write or Flush.
func NewResultWriter(w io.Writer) *ResultWriter {
	return &ResultWriter{rw: csvio.NewResultWriterTail(w, []string{"external_id"}, []string{"needs_attention"})}
}

// Translate sets how statuses and problems are put in the reader's language.
func (w *ResultWriter) Translate(t csvio.Translator) { w.rw.Translate = t }

// Write writes one result row. Problems are joined as "code field: message; …"; the field is
// the file's own column where the problem is in one (地址, not shipping_address.line1).
func (w *ResultWriter) Write(row int, externalID, status string, problems []model.FieldError) error {
	return w.WriteHeld(row, externalID, status, false, problems)
}

// WriteHeld is Write with needs_attention.
func (w *ResultWriter) WriteHeld(row int, externalID, status string, needsAttention bool, problems []model.FieldError) error {
	return w.rw.WriteTail(row, status, problems, []string{externalID}, []string{strconv.FormatBool(needsAttention)})
}

// Flush writes any buffered rows to the underlying writer.
func (w *ResultWriter) Flush() error { return w.rw.Flush() }
