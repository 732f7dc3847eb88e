// Package ordercsv reads and writes orders as CSV files, the way sellers keep them in Excel:
// one row per order line, the rows of one order next to each other, in UTF-8 (with or without
// a byte order mark), GB18030/GBK as Chinese Excel saves them, or UTF-16 "Unicode text".
//
// The Reader streams: it holds one order at a time, never the file. It reports every problem
// with the row and column it is in and still returns the order, as far as it could be read,
// so that the caller can show the seller every bad row at once (R-ORD-6: orders are checked
// before they ship; the importer reports, it does not drop). Whether an order with problems is
// stored is the caller's decision. docs/csv.md describes the file format for sellers.
package ordercsv

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"lastmile/internal/csvio"
	"lastmile/internal/model"
)

// Options tune a Reader. The zero value is usable.
type Options struct {
	// Location is the time zone of a time written without one, for the order's market
	// ("2024-01-05 09:03" in a US order is Los Angeles time if Location says so). Nil, or a nil
	// result, means UTC. It is called once per market, not per cell.
	Location func(model.Market) *time.Location
	// MaxLinesPerOrder bounds the lines read into one order, so that a file whose rows all carry
	// one order number cannot exhaust memory. Rows past it are reported (too_many_lines) and not
	// read. Default 1000, the most an order may have.
	MaxLinesPerOrder int
}

const defaultMaxLinesPerOrder = 1000

// recentIDs is how many finished order numbers the Reader remembers to find an order whose rows
// are not next to each other (rows_not_adjacent). An order that reappears more than this many
// orders later is not recognised; memory stays bounded (a few MiB).
const recentIDs = 100_000

func (o Options) withDefaults() Options {
	if o.MaxLinesPerOrder <= 0 {
		o.MaxLinesPerOrder = defaultMaxLinesPerOrder
	}
	return o
}

// Group is one order read from the file: the order as far as it could be read, the rows it
// came from, and every problem found in them. Rows[i] is the row of Order.Lines[i], so a
// problem the caller finds in line i (order.Validate names it lines[i]) belongs to Rows[i];
// rows past Options.MaxLinesPerOrder follow without a line. The first row carries the
// order-level columns.
type Group struct {
	Order    model.Order
	Rows     []int
	Problems []RowProblem
}

// RowProblem is one problem in one cell: the row as a spreadsheet numbers it (the header is
// row 1) and, in Field, the canonical English name of the column (for a cell outside the known
// columns, its header text or "column AF").
type RowProblem struct {
	Row int
	model.FieldError
}

// HeaderError is a file that cannot be read at all: empty, without a header, without a
// required column, or with a column twice (Code: empty_file, bad_header, missing_column,
// duplicate_column). It unwraps to model.ErrInvalid.
type HeaderError = csvio.HeaderError

// format is the order file's header for csvio.Open.
var format = csvio.Format[column]{
	Name:       "order file",
	NumColumns: int(numColumns),
	Known:      headerIndex,
	Required:   requiredColumns,
	Aliases:    aliases,
	Example:    strings.Join(columnNames[:4], ",") + ",…",
}

// Reader reads orders from a CSV file, one Group per order.
type Reader struct {
	t     *csvio.Table[column]
	opt   Options
	dec   byte // the decimal separator
	locs  map[model.Market]*time.Location
	times timeParser

	pending    csvio.Record
	hasPending bool
	err        error // sticky: io.EOF at the end, or the reader's error

	seen       map[string]int // recently finished order numbers → their first row
	recent     []string       // seen's keys in a ring, the oldest at recentNext
	recentNext int
}

// NewReader detects the file's encoding and delimiter and reads its header. It returns a
// *HeaderError if the file has no usable header, and the underlying reader's error if reading
// fails.
func NewReader(r io.Reader, opt Options) (*Reader, error) {
	t, err := csvio.Open(r, format)
	if err != nil {
		return nil, err
	}
	return &Reader{
		t:    t,
		opt:  opt.withDefaults(),
		dec:  csvio.DecimalSeparator(t.Delim),
		locs: make(map[model.Market]*time.Location),
		seen: make(map[string]int),
	}, nil
}

// Encoding is the file's encoding as detected: "utf-8", "utf-8-bom", "gb18030", "utf-16le" or
// "utf-16be".
func (r *Reader) Encoding() string { return r.t.Encoding }

// Delimiter is the cell separator found in the header line: ',', ';' or '\t' (or what a
// "sep=" first line named).
func (r *Reader) Delimiter() rune { return rune(r.t.Delim) }

// UnknownColumns lists the header cells that name no known column, as written. Their cells
// are ignored; the caller may warn about them (a misspelt header loses its column silently
// otherwise).
func (r *Reader) UnknownColumns() []string { return slices.Clone(r.t.Unknown) }

// Next returns the next order. At the end of the file it returns io.EOF; any other error is
// the underlying reader's and ends the import. Problems in the file are never errors: they are
// in Group.Problems.
func (r *Reader) Next() (Group, error) {
	if r.err != nil {
		return Group{}, r.err
	}
	first, err := r.nextRow()
	if err != nil {
		r.err = err
		return Group{}, err
	}
	b := r.startGroup(first)
	// A row without an order number is a group of its own: lastmile does not guess which
	// order it belongs to.
	for b.id != "" {
		rec, err := r.nextRow()
		if errors.Is(err, io.EOF) {
			r.err = io.EOF
			break
		}
		if err != nil {
			r.err = err
			return Group{}, err
		}
		if r.orderNumber(rec) != b.id {
			r.pending, r.hasPending = rec, true
			break
		}
		r.addRow(b, rec)
	}
	return r.finish(b), nil
}

// nextRow returns the next row that is not blank.
func (r *Reader) nextRow() (csvio.Record, error) {
	if r.hasPending {
		r.hasPending = false
		return r.pending, nil
	}
	return r.t.Next()
}

// orderNumber is the row's external_id as read, for grouping.
func (r *Reader) orderNumber(rec csvio.Record) string {
	return csvio.UnguardText(csvio.ValidText(r.t.Cell(rec, colExternalID)))
}

// groupBuilder is a Group being read.
type groupBuilder struct {
	g        Group
	id       string
	firstRow int
	// first holds the order-level cells of the first row, to compare later rows with.
	first    [numColumns]string
	loc      *time.Location
	scale    int  // decimals of the order's currency
	scaleOK  bool // the currency is known, scale is set
	repeated int  // the first row of an earlier group with this order number, or 0
	skipped  int  // rows past MaxLinesPerOrder
	tooMany  int  // the index in g.Problems of the too_many_lines problem
}

func (r *Reader) startGroup(rec csvio.Record) *groupBuilder {
	b := &groupBuilder{firstRow: rec.Row}
	b.g.Rows = append(b.g.Rows, rec.Row)
	x := r.row(b, rec)
	o := &b.g.Order

	o.ExternalID = x.text(colExternalID)
	b.id = o.ExternalID
	switch {
	case rec.Fields == nil:
		// The row was not read at all (row_too_long); that is its problem.
	case o.ExternalID == "":
		x.problem(colExternalID, "missing_field", "external_id is empty: every row needs its order's number (fill merged cells down before saving)")
	default:
		if row, ok := r.seen[b.id]; ok {
			b.repeated = row
			x.notAdjacent()
		}
	}

	o.Market = model.NormalizeMarket(x.text(colMarket))
	o.Currency = strings.ToUpper(x.text(colCurrency))
	if o.Currency != "" {
		b.scale, b.scaleOK = currencyScale(o.Currency)
		if !b.scaleOK {
			x.problem(colCurrency, "currency_unknown", fmt.Sprintf("currency %q is not an ISO 4217 code such as USD, GBP, IDR", o.Currency))
		}
	}
	o.Status = model.Status(strings.ToUpper(x.text(colStatus)))
	b.loc = r.location(o.Market)
	o.CreatedAt, _ = x.time(colCreatedAt)
	if t, ok := x.time(colPaidAt); ok && !t.IsZero() {
		o.PaidAt = &t
	}
	o.UpdatedAt, _ = x.time(colUpdatedAt)
	o.Buyer = model.Buyer{
		Name:  x.text(colBuyerName),
		Email: x.text(colBuyerEmail),
		Phone: x.text(colBuyerPhone),
	}
	o.ShippingAddress = model.Address{
		Name:       x.text(colShipName),
		Company:    x.text(colShipCompany),
		Line1:      x.text(colShipLine1),
		Line2:      x.text(colShipLine2),
		City:       x.text(colShipCity),
		Region:     x.text(colShipRegion),
		PostalCode: x.text(colShipPostalCode),
		Country:    x.text(colShipCountry),
		Phone:      x.text(colShipPhone),
	}
	if v, ok := x.money(colCODAmount); ok {
		o.COD = &model.Money{Amount: v, Currency: o.Currency}
	}
	for c := range numColumns {
		if c.orderLevel() {
			b.first[c] = csvio.ValidText(x.rawCell(c))
		}
	}
	r.addLine(b, x)
	return b
}

// addRow reads a further row of the group's order.
func (r *Reader) addRow(b *groupBuilder, rec csvio.Record) {
	b.g.Rows = append(b.g.Rows, rec.Row)
	if b.skipped > 0 || len(b.g.Order.Lines) >= r.opt.MaxLinesPerOrder {
		if b.skipped == 0 {
			b.tooMany = len(b.g.Problems)
			b.g.Problems = append(b.g.Problems, RowProblem{Row: rec.Row, FieldError: model.FieldError{
				Code: "too_many_lines", Field: r.headerOf(colExternalID)}}) // message set in finish
		}
		b.skipped++
		return
	}
	x := r.row(b, rec)
	if b.repeated > 0 {
		x.notAdjacent()
	}
	for c := colExternalID + 1; c < numColumns; c++ {
		if !c.orderLevel() {
			continue
		}
		s := x.cell(c)
		if s == "" || s == b.first[c] || r.sameValue(b, c, s, b.first[c]) {
			continue
		}
		msg := fmt.Sprintf("%s is %q here but %q on the order's first row (row %d); leave it empty or repeat the same value", c, s, b.first[c], b.firstRow)
		if b.first[c] == "" {
			msg = fmt.Sprintf("%s is %q here but empty on the order's first row (row %d): order-level values belong on the first row", c, s, b.firstRow)
		}
		x.problem(c, "order_field_conflict", msg)
	}
	r.addLine(b, x)
}

// sameValue reports whether two different spellings of an order-level cell mean the same:
// "uk" and "GB", "2024-01-05 09:03" and "2024-01-05T09:03:00+07:00" in an ID order, "12" and
// "12.00".
func (r *Reader) sameValue(b *groupBuilder, c column, a, z string) bool {
	if z == "" {
		return false
	}
	switch c.kind() {
	case kindTime:
		ta, errA := r.times.parse(a, b.loc)
		tz, errZ := r.times.parse(z, b.loc)
		return errA == nil && errZ == nil && ta.Equal(tz)
	case kindMoney:
		va, errA := parseMoney(a, b.g.Order.Currency, r.dec)
		vz, errZ := parseMoney(z, b.g.Order.Currency, r.dec)
		return errA == nil && errZ == nil && va == vz
	}
	switch c {
	case colMarket:
		return model.NormalizeMarket(a) == model.NormalizeMarket(z)
	case colCurrency, colStatus, colShipCountry:
		return strings.EqualFold(a, z)
	}
	return csvio.UnguardText(a) == csvio.UnguardText(z)
}

func (r *Reader) addLine(b *groupBuilder, x *rowReader) {
	o := &b.g.Order
	l := model.Line{
		SKU:          x.text(colSKU),
		Name:         x.text(colItemName),
		Quantity:     x.int(colQuantity),
		UnitPrice:    model.Money{Currency: o.Currency},
		WeightG:      x.int(colWeightG),
		LengthMM:     x.int(colLengthMM),
		WidthMM:      x.int(colWidthMM),
		HeightMM:     x.int(colHeightMM),
		DeclaredName: x.text(colDeclaredName),
		HasBattery:   x.bool(colHasBattery),
	}
	if v, ok := x.money(colUnitPrice); ok {
		l.UnitPrice.Amount = v
	}
	o.Lines = append(o.Lines, l)
}

func (r *Reader) finish(b *groupBuilder) Group {
	if b.skipped > 0 {
		p := &b.g.Problems[b.tooMany]
		p.Message = fmt.Sprintf("order %s has more than %d lines; this row and the %d after it were not read", b.id, r.opt.MaxLinesPerOrder, b.skipped-1)
	}
	if b.id != "" && b.repeated == 0 {
		r.remember(b.id, b.firstRow)
	}
	return b.g
}

// remember adds a finished order number to the recently seen ones, forgetting the oldest
// beyond recentIDs.
func (r *Reader) remember(id string, row int) {
	id = strings.Clone(id) // not a slice of the row, which it would keep alive
	if len(r.recent) < recentIDs {
		r.recent = append(r.recent, id)
	} else {
		delete(r.seen, r.recent[r.recentNext])
		r.recent[r.recentNext] = id
		r.recentNext = (r.recentNext + 1) % recentIDs
	}
	r.seen[id] = row
}

func (r *Reader) location(m model.Market) *time.Location {
	if loc, ok := r.locs[m]; ok {
		return loc
	}
	var loc *time.Location
	if r.opt.Location != nil {
		loc = r.opt.Location(m)
	}
	if loc == nil {
		loc = time.UTC
	}
	r.locs[m] = loc
	return loc
}
