package inventorycsv

// fieldColumns maps the field names stock checks use to the file's columns.
var fieldColumns = map[string]column{
	"warehouse": colWarehouse, "warehouse_id": colWarehouse, "sku": colSKU,
	"on_hand": colOnHand, "safety_stock": colSafetyStock, "reason": colReason,
}

// ColumnOf names the file's own column for a field a check names (on_hand, warehouse): the
// header cell as the seller wrote it (在库数量, 仓库). ok is false when the file has no such column.
func (r *Reader) ColumnOf(field string) (string, bool) {
	c, ok := fieldColumns[field]
	if !ok {
		return "", false
	}
	if i := r.t.Index[c]; i >= 0 && i < len(r.t.Header) && r.t.Header[i] != "" {
		return r.t.Header[i], true
	}
	return "", false
}

// headerOf is column c's header as the file wrote it, else its canonical name.
func (r *Reader) headerOf(c column) string {
	if name, ok := r.ColumnOf(c.String()); ok {
		return name
	}
	return c.String()
}
