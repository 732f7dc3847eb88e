package inventorycsv

import "lastmile/internal/csvio"

// column identifies one of the file's known columns. Its value indexes columnNames.
type column int

// The columns in the order the Writer writes them. The columns from colReserved on are written
// by the Writer for the seller to read and ignored by the Reader: they are derived from the
// ledger, and a file that set them could only contradict it.
const (
	colWarehouse column = iota
	colSKU
	colOnHand
	colSafetyStock
	colReason
	colReserved
	colAvailable
	colLowStock
	numColumns
)

// noColumn marks a header cell that names no known column.
const noColumn column = -1

// columnNames are the canonical English header names, indexed by column.
var columnNames = [numColumns]string{
	"warehouse", "sku", "on_hand", "safety_stock", "reason", "reserved", "available", "low_stock",
}

func (c column) String() string { return columnNames[c] }

// exportOnly reports whether the Reader ignores c: it is written for the seller to read, so
// that an export re-imports cleanly, but not read.
func (c column) exportOnly() bool { return c >= colReserved }

// Columns returns the canonical header, in the order the Writer writes it.
func Columns() []string { return append([]string(nil), columnNames[:]...) }

// aliases are the other header names sellers use, from Chinese ERP and marketplace templates.
// They are compared after csvio.HeaderKey, so case, spaces, '_', '-' and a trailing '*' do not
// matter ("SKU", "Safety Stock", "on-hand"). A warehouse's name (仓库名称) is deliberately not
// an alias of warehouse: names are not ids, and two warehouses may share one.
var aliases = map[column][]string{
	colWarehouse:   {"仓库", "仓库编码", "仓库代码", "仓库ID", "warehouse_id", "warehouse_code"},
	colSKU:         {"商品编码", "商品SKU", "卖家SKU", "商家编码", "seller_sku"},
	colOnHand:      {"在库数量", "库存", "库存数量", "实际库存", "现有库存", "quantity", "qty", "stock"},
	colSafetyStock: {"安全库存"},
	colReason:      {"原因", "调整原因", "备注", "note"},
	colReserved:    {"已占用", "预留", "锁定库存"},
	colAvailable:   {"可用库存", "可售库存"},
	colLowStock:    {"低库存"},
}

// headerIndex maps csvio.HeaderKey(name) to its column, for canonical names and aliases alike.
// TestAliasesAreUnique checks that no key names two columns.
var headerIndex = buildHeaderIndex()

func buildHeaderIndex() map[string]column {
	m := make(map[string]column)
	for c := range numColumns {
		m[csvio.HeaderKey(columnNames[c])] = c
		for _, name := range aliases[c] {
			m[csvio.HeaderKey(name)] = c
		}
	}
	return m
}
