package ordercsv

import "strings"

// fieldColumns maps an order's field path, as order validation names it (lines[i] stripped to
// lines), to the file column it is read from.
var fieldColumns = map[string]column{
	"external_id":                  colExternalID,
	"market":                       colMarket,
	"currency":                     colCurrency,
	"status":                       colStatus,
	"created_at":                   colCreatedAt,
	"paid_at":                      colPaidAt,
	"updated_at":                   colUpdatedAt,
	"buyer.name":                   colBuyerName,
	"buyer.email":                  colBuyerEmail,
	"buyer.phone":                  colBuyerPhone,
	"shipping_address.name":        colShipName,
	"shipping_address.company":     colShipCompany,
	"shipping_address.line1":       colShipLine1,
	"shipping_address.line2":       colShipLine2,
	"shipping_address.city":        colShipCity,
	"shipping_address.region":      colShipRegion,
	"shipping_address.postal_code": colShipPostalCode,
	"shipping_address.country":     colShipCountry,
	"shipping_address.phone":       colShipPhone,
	"lines.sku":                    colSKU,
	"lines.name":                   colItemName,
	"lines.quantity":               colQuantity,
	"lines.unit_price":             colUnitPrice,
	"lines.unit_price.amount":      colUnitPrice,
	"lines.unit_price.currency":    colCurrency,
	"lines.weight_g":               colWeightG,
	"lines.length_mm":              colLengthMM,
	"lines.width_mm":               colWidthMM,
	"lines.height_mm":              colHeightMM,
	"lines.declared_name":          colDeclaredName,
	"lines.has_battery":            colHasBattery,
	"cod":                          colCODAmount,
	"cod.amount":                   colCODAmount,
	"cod.currency":                 colCurrency,
}

// ColumnOf names the file's own column for an order's field path (shipping_address.line1,
// lines[0].quantity): the header cell as the seller wrote it (地址, 数量), so that a problem the
// order checks find points at a column of their spreadsheet, not at an API field. ok is false for
// a field no column of this file holds (the file lacks the column, or no column feeds it).
func (r *Reader) ColumnOf(field string) (string, bool) {
	c, ok := fieldColumns[stripIndexes(field)]
	if !ok {
		return "", false
	}
	i := r.t.Index[c]
	if i < 0 || i >= len(r.t.Header) {
		return "", false
	}
	return r.t.Header[i], true
}

// stripIndexes removes the [i] of array elements: lines[3].sku → lines.sku.
func stripIndexes(field string) string {
	if !strings.Contains(field, "[") {
		return field
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(field, '[')
		if i < 0 {
			b.WriteString(field)
			return b.String()
		}
		j := strings.IndexByte(field[i:], ']')
		if j < 0 {
			b.WriteString(field)
			return b.String()
		}
		b.WriteString(field[:i])
		field = field[i+j+1:]
	}
}

// headerOf is the header cell of column c as the file wrote it, or its canonical name when the
// file lacks it.
func (r *Reader) headerOf(c column) string {
	if i := r.t.Index[c]; i >= 0 && i < len(r.t.Header) && r.t.Header[i] != "" {
		return r.t.Header[i]
	}
	return c.String()
}
