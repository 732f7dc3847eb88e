package ordercsv

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"lastmile/internal/csvio"
	"lastmile/internal/model"
)

// Writer exports orders in the format the Reader reads: UTF-8 with a BOM, the canonical header,
// one row per line with the order-level columns repeated on every row, so that an export
// re-imports as the same orders. Text cells that Excel would run as a formula get a leading
// apostrophe (see csvio.GuardText), which the Reader removes.
type Writer struct {
	cw  *csvio.Writer
	row []string
}

// NewWriter starts an export to w: it writes the BOM and the header. Output is buffered; call
// Flush at the end.
func NewWriter(w io.Writer) (*Writer, error) {
	cw, err := csvio.NewWriter(w, "order file", columnNames[:])
	if err != nil {
		return nil, err
	}
	return &Writer{cw: cw, row: make([]string, numColumns)}, nil
}

// Write writes the order, one row per line. An order without lines is written as one row with
// empty line columns, so that it is not lost from the export. Money is written in major units
// with the currency's decimals ("12.99", IDR "149000.00", VND "250000"), times as RFC 3339 in
// UTC. It fails for an amount in a currency that is not an ISO 4217 code: without the
// currency's decimals the amount cannot be written.
func (w *Writer) Write(o model.Order) error {
	row := w.row
	clear(row)
	row[colExternalID] = csvio.GuardText(o.ExternalID)
	row[colMarket] = csvio.GuardText(string(o.Market))
	row[colCurrency] = csvio.GuardText(o.Currency)
	row[colStatus] = csvio.GuardText(string(o.Status))
	row[colCreatedAt] = formatTime(o.CreatedAt)
	if o.PaidAt != nil {
		row[colPaidAt] = formatTime(*o.PaidAt)
	}
	row[colUpdatedAt] = formatTime(o.UpdatedAt)
	row[colBuyerName] = csvio.GuardText(o.Buyer.Name)
	row[colBuyerEmail] = csvio.GuardText(o.Buyer.Email)
	row[colBuyerPhone] = csvio.GuardText(o.Buyer.Phone)
	a := o.ShippingAddress
	row[colShipName] = csvio.GuardText(a.Name)
	row[colShipCompany] = csvio.GuardText(a.Company)
	row[colShipLine1] = csvio.GuardText(a.Line1)
	row[colShipLine2] = csvio.GuardText(a.Line2)
	row[colShipCity] = csvio.GuardText(a.City)
	row[colShipRegion] = csvio.GuardText(a.Region)
	row[colShipPostalCode] = csvio.GuardText(a.PostalCode)
	row[colShipCountry] = csvio.GuardText(a.Country)
	row[colShipPhone] = csvio.GuardText(a.Phone)
	if o.COD != nil {
		s, err := formatMoney(*o.COD, o.Currency)
		if err != nil {
			return fmt.Errorf("writing order %s: cod: %w", o.ExternalID, err)
		}
		row[colCODAmount] = s
	}

	if len(o.Lines) == 0 {
		if err := w.cw.Write(row); err != nil {
			return fmt.Errorf("writing order %s: %w", o.ExternalID, err)
		}
		return nil
	}
	for i, l := range o.Lines {
		price, err := formatMoney(l.UnitPrice, o.Currency)
		if err != nil {
			return fmt.Errorf("writing order %s: line %d: %w", o.ExternalID, i, err)
		}
		row[colSKU] = csvio.GuardText(l.SKU)
		row[colItemName] = csvio.GuardText(l.Name)
		row[colQuantity] = strconv.FormatInt(l.Quantity, 10)
		row[colUnitPrice] = price
		row[colWeightG] = strconv.FormatInt(l.WeightG, 10)
		row[colLengthMM] = strconv.FormatInt(l.LengthMM, 10)
		row[colWidthMM] = strconv.FormatInt(l.WidthMM, 10)
		row[colHeightMM] = strconv.FormatInt(l.HeightMM, 10)
		row[colDeclaredName] = csvio.GuardText(l.DeclaredName)
		row[colHasBattery] = strconv.FormatBool(l.HasBattery)
		if err := w.cw.Write(row); err != nil {
			return fmt.Errorf("writing order %s: %w", o.ExternalID, err)
		}
	}
	return nil
}

// Flush writes any buffered rows to the underlying writer.
func (w *Writer) Flush() error { return w.cw.Flush() }

// formatMoney writes m in major units. A currency other than the order's is written after the
// amount ("12.99 EUR"): the Reader then reports the mismatch instead of taking the amount as
// the order's currency.
func formatMoney(m model.Money, orderCurrency string) (string, error) {
	cur := m.Currency
	if cur == "" {
		cur = orderCurrency
	}
	scale, ok := currencyScale(cur)
	if !ok {
		return "", fmt.Errorf("currency %q is not an ISO 4217 code", cur)
	}
	s := formatAmount(m.Amount, scale)
	if cur != orderCurrency {
		s += " " + cur
	}
	return s, nil
}

// formatTime writes t as RFC 3339 in UTC, with a fraction only when it has one; the zero time
// is an empty cell.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
