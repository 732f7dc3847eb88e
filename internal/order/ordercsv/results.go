package ordercsv

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"lastmile/internal/csvio"
	"lastmile/internal/model"
)

// ResultWriter writes the per-row results of an import as CSV, for the seller to open next
// to the file they imported: row, external_id, status (the caller's word: created, updated,
// error…) and the problems. It is UTF-8 with a BOM so that Excel shows Chinese text.
type ResultWriter struct {
	bw *bufio.Writer
	cw *csv.Writer
}

// NewResultWriter starts a results file on w. The BOM and the header are buffered with the
// rows; errors surface from Write or Flush.
func NewResultWriter(w io.Writer) *ResultWriter {
	bw := bufio.NewWriter(w)
	_, _ = bw.WriteString(csvio.BOM) // a buffered write; its error, if any, returns from Flush
	cw := csv.NewWriter(bw)
	cw.UseCRLF = true
	rw := &ResultWriter{bw: bw, cw: cw}
	_ = cw.Write([]string{"row", "external_id", "status", "problems"}) // likewise
	return rw
}

// Write writes one result row. Problems are joined as "code field: message; …".
func (w *ResultWriter) Write(row int, externalID, status string, problems []model.FieldError) error {
	rec := []string{strconv.Itoa(row), csvio.GuardText(externalID), csvio.GuardText(status), csvio.GuardText(joinProblems(problems))}
	if err := w.cw.Write(rec); err != nil {
		return fmt.Errorf("writing results: %w", err)
	}
	return nil
}

// Flush writes any buffered rows to the underlying writer.
func (w *ResultWriter) Flush() error {
	w.cw.Flush()
	if err := w.cw.Error(); err != nil {
		return fmt.Errorf("writing results: %w", err)
	}
	if err := w.bw.Flush(); err != nil {
		return fmt.Errorf("writing results: %w", err)
	}
	return nil
}

func joinProblems(problems []model.FieldError) string {
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
