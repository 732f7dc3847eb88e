package ordercsv

import "lastmile/internal/csvio"

// column identifies one of the file's known columns. Its value indexes columnNames.
type column int

// The columns in the order the Writer writes them. Order-level columns come first, then the
// line-level ones, with cod_amount (order-level) last as in the documented column set.
const (
	colExternalID column = iota
	colMarket
	colCurrency
	colStatus
	colCreatedAt
	colPaidAt
	colUpdatedAt
	colBuyerName
	colBuyerEmail
	colBuyerPhone
	colShipName
	colShipCompany
	colShipLine1
	colShipLine2
	colShipCity
	colShipRegion
	colShipPostalCode
	colShipCountry
	colShipPhone
	colSKU
	colItemName
	colQuantity
	colUnitPrice
	colWeightG
	colLengthMM
	colWidthMM
	colHeightMM
	colDeclaredName
	colHasBattery
	colCODAmount
	numColumns
)

// columnNames are the canonical English header names, indexed by column.
var columnNames = [numColumns]string{
	"external_id", "market", "currency", "status", "created_at", "paid_at", "updated_at",
	"buyer_name", "buyer_email", "buyer_phone",
	"ship_name", "ship_company", "ship_line1", "ship_line2", "ship_city", "ship_region",
	"ship_postal_code", "ship_country", "ship_phone",
	"sku", "item_name", "quantity", "unit_price", "weight_g", "length_mm", "width_mm", "height_mm",
	"declared_name", "has_battery", "cod_amount",
}

func (c column) String() string { return columnNames[c] }

// Columns returns the canonical header, in the order the Writer writes it.
func Columns() []string { return append([]string(nil), columnNames[:]...) }

// requiredColumns must be in every file: without them rows cannot be grouped into orders or
// turned into lines at all. Everything else may be missing and reads as empty.
var requiredColumns = []column{colExternalID, colSKU, colQuantity}

// orderLevel reports whether c describes the whole order (taken from the order's first row)
// rather than one line.
func (c column) orderLevel() bool { return c < colSKU || c == colCODAmount }

// columnKind says how a cell is read.
type columnKind int

const (
	kindText columnKind = iota
	kindTime
	kindInt
	kindMoney
	kindBool
)

func (c column) kind() columnKind {
	switch c {
	case colCreatedAt, colPaidAt, colUpdatedAt:
		return kindTime
	case colQuantity, colWeightG, colLengthMM, colWidthMM, colHeightMM:
		return kindInt
	case colUnitPrice, colCODAmount:
		return kindMoney
	case colHasBattery:
		return kindBool
	}
	return kindText
}

// aliases are the other header names sellers use, mostly from Chinese Excel templates and ERP
// exports. They are compared after csvio.HeaderKey, so case, spaces, '_', '-', a trailing '*'
// (templates mark required columns so) and full-width brackets do not matter. A bare 重量
// (weight) or 长 (length) is deliberately not an alias: without a unit it may be kg or cm.
var aliases = map[column][]string{
	colExternalID:     {"订单号", "订单编号", "订单ID", "平台订单号", "order_id", "order_no", "order_number"},
	colMarket:         {"市场", "站点"},
	colCurrency:       {"币种", "货币"},
	colStatus:         {"状态", "订单状态"},
	colCreatedAt:      {"下单时间", "创建时间"},
	colPaidAt:         {"付款时间", "支付时间"},
	colUpdatedAt:      {"更新时间"},
	colBuyerName:      {"买家姓名", "买家"},
	colBuyerEmail:     {"买家邮箱"},
	colBuyerPhone:     {"买家电话"},
	colShipName:       {"收件人", "收货人", "收件人姓名", "recipient"},
	colShipCompany:    {"公司", "收件公司"},
	colShipLine1:      {"地址1", "地址", "详细地址", "收件地址", "address", "address1", "address_line1"},
	colShipLine2:      {"地址2", "address2", "address_line2"},
	colShipCity:       {"城市", "city"},
	colShipRegion:     {"州/省", "省/州", "州", "省", "state", "province", "region"},
	colShipPostalCode: {"邮编", "邮政编码", "zip", "zipcode", "postcode", "postal_code"},
	colShipCountry:    {"国家", "收件国家", "country"},
	colShipPhone:      {"电话", "收件人电话", "联系电话", "手机", "phone"},
	colSKU:            {"商品SKU", "卖家SKU", "seller_sku"},
	colItemName:       {"商品名称", "商品名", "品名", "product_name"},
	colQuantity:       {"数量", "qty"},
	colUnitPrice:      {"单价", "price"},
	colWeightG:        {"重量(g)", "重量(克)", "weight(g)"},
	colLengthMM:       {"长(mm)", "长(毫米)", "length(mm)"},
	colWidthMM:        {"宽(mm)", "宽(毫米)", "width(mm)"},
	colHeightMM:       {"高(mm)", "高(毫米)", "height(mm)"},
	colDeclaredName:   {"申报品名", "申报名称"},
	colHasBattery:     {"带电", "是否带电", "含电池", "battery"},
	colCODAmount:      {"货到付款金额", "代收货款", "COD金额", "cod"},
}

// headerIndex maps csvio.HeaderKey(name) to its column, for canonical names and aliases alike.
var headerIndex = buildHeaderIndex()

func buildHeaderIndex() map[string]column {
	m := make(map[string]column)
	for c := range numColumns {
		for _, name := range append([]string{columnNames[c]}, aliases[c]...) {
			k := csvio.HeaderKey(name)
			if prev, dup := m[k]; dup && prev != c {
				panic("ordercsv: header name " + name + " names two columns")
			}
			m[k] = c
		}
	}
	return m
}
