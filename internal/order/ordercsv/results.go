package ordercsv

import (
	"io"

	"lastmile/internal/csvio"
	"lastmile/internal/model"
)

// ResultWriter writes the per-row results of an import as CSV, for the seller to open next
// to the file they imported: row, external_id, status (the caller's word: created, updated,
// error…) and the problems. It is UTF-8 with a BOM so that Excel shows Chinese text.
type ResultWriter struct{ rw *csvio.ResultWriter }

// NewResultWriter starts a results file on w. The BOM and the header are buffered with the
// rows; errors surface from Write or Flush.
func NewResultWriter(w io.Writer) *ResultWriter {
	return &ResultWriter{rw: csvio.NewResultWriter(w, "external_id")}
}

// Write writes one result row. Problems are joined as "code field: message; …".
func (w *ResultWriter) Write(row int, externalID, status string, problems []model.FieldError) error {
	return w.rw.Write(row, status, problems, externalID)
}

// Flush writes any buffered rows to the underlying writer.
func (w *ResultWriter) Flush() error { return w.rw.Flush() }
