package inventorycsv

import (
	"io"

	"lastmile/internal/csvio"
	"lastmile/internal/model"
)

// ResultWriter writes the per-row results of a stock import as CSV, UTF-8 with a BOM so that
// Excel shows Chinese text: row, warehouse, sku, status and the problems.
type ResultWriter struct{ rw *csvio.ResultWriter }

// NewResultWriter starts a results file on w; errors surface from Write or Flush.
func NewResultWriter(w io.Writer) *ResultWriter {
	return &ResultWriter{rw: csvio.NewResultWriter(w, "warehouse", "sku")}
}

// Write writes one result row. Problems are joined as "code field: message; …".
func (w *ResultWriter) Write(row int, warehouse, sku, status string, problems []model.FieldError) error {
	return w.rw.Write(row, status, problems, warehouse, sku)
}

// Translate sets how statuses and problems are put in the reader's language.
func (w *ResultWriter) Translate(t csvio.Translator) { w.rw.Translate = t }

// Flush writes any buffered rows to the underlying writer.
func (w *ResultWriter) Flush() error { return w.rw.Flush() }
