package inventorycsv

import (
	"fmt"
	"io"
	"strconv"

	"lastmile/internal/csvio"
)

// Level is one (warehouse, SKU) stock level to export: the three stored figures and the two
// derived ones, as the inventory has them.
type Level struct {
	Warehouse   string
	SKU         string
	OnHand      int64
	Reserved    int64
	SafetyStock int64
	Available   int64
	LowStock    bool
}

// Writer exports stock levels in the format the Reader reads: UTF-8 with a BOM (so that Excel
// shows Chinese correctly), the canonical header, CRLF line ends, one row per level. The
// reason column is left empty for the seller to fill in; reserved, available and low_stock are
// for reading only, and the Reader ignores them, so an export re-imports as the same warehouse,
// SKU, on_hand and safety_stock. Text cells that Excel would run as a formula get a leading
// apostrophe (see csvio.GuardText), which the Reader removes.
type Writer struct {
	cw  *csvio.Writer
	row []string
}

// NewWriter starts an export to w: it writes the BOM and the header. Output is buffered; call
// Flush at the end.
func NewWriter(w io.Writer) (*Writer, error) {
	cw, err := csvio.NewWriter(w, "stock file", columnNames[:])
	if err != nil {
		return nil, err
	}
	return &Writer{cw: cw, row: make([]string, numColumns)}, nil
}

// Write writes one level. Quantities are written as plain integers, low_stock as true or false.
func (w *Writer) Write(l Level) error {
	row := w.row
	row[colWarehouse] = csvio.GuardText(l.Warehouse)
	row[colSKU] = csvio.GuardText(l.SKU)
	row[colOnHand] = strconv.FormatInt(l.OnHand, 10)
	row[colSafetyStock] = strconv.FormatInt(l.SafetyStock, 10)
	row[colReason] = ""
	row[colReserved] = strconv.FormatInt(l.Reserved, 10)
	row[colAvailable] = strconv.FormatInt(l.Available, 10)
	row[colLowStock] = strconv.FormatBool(l.LowStock)
	if err := w.cw.Write(row); err != nil {
		return fmt.Errorf("writing stock of %s in %s: %w", l.SKU, l.Warehouse, err)
	}
	return nil
}

// Flush writes any buffered rows to the underlying writer.
func (w *Writer) Flush() error { return w.cw.Flush() }
