package ordercsv

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"lastmile/internal/csvio"
	"lastmile/internal/model"
)

// TestReadFiles reads the same three orders from every file style sellers send.
func TestReadFiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file     string
		encoding string
		delim    rune
		unknown  []string
	}{
		{"orders_utf8.csv", EncodingUTF8, ',', []string{"notes"}},
		{"orders_utf8_bom_crlf.csv", EncodingUTF8BOM, ',', nil},
		{"orders_zh.csv", EncodingUTF8, ',', []string{"备注"}},
		{"orders_zh_gb18030.csv", EncodingGB18030, ',', []string{"备注"}},
		{"orders_semicolon.csv", EncodingUTF8, ';', nil},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			r, groups := readAll(t, data, testOptions())
			if r.Encoding() != tc.encoding || r.Delimiter() != tc.delim {
				t.Errorf("encoding %s, delimiter %q; want %s, %q", r.Encoding(), r.Delimiter(), tc.encoding, tc.delim)
			}
			if !slices.Equal(r.UnknownColumns(), tc.unknown) {
				t.Errorf("unknown columns %q, want %q", r.UnknownColumns(), tc.unknown)
			}
			var orders []model.Order
			for i, g := range groups {
				if len(g.Problems) > 0 {
					t.Errorf("group %d: problems %+v", i, g.Problems)
				}
				if i < len(sampleRows) && !slices.Equal(g.Rows, sampleRows[i]) {
					t.Errorf("group %d: rows %v, want %v", i, g.Rows, sampleRows[i])
				}
				orders = append(orders, g.Order)
			}
			equalOrders(t, orders, sampleOrders())
		})
	}
}

func TestCRLFFileHasCRLF(t *testing.T) {
	t.Parallel()
	for _, f := range []string{"orders_utf8_bom_crlf.csv", "orders_semicolon.csv", "orders_zh.csv"} {
		data, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Count(string(data), "\r\n") < 5 {
			t.Errorf("%s lost its CRLF line ends (see testdata/.gitattributes)", f)
		}
	}
}

func TestHeader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     string
		code   string
		column string
	}{
		{"empty", "", "empty_file", ""},
		{"only blank lines", "\n\r\n  \n", "empty_file", ""},
		{"no sku", "external_id,quantity\n1,2\n", "missing_column", "sku"},
		{"no quantity", "订单号,SKU\n1,A\n", "missing_column", "quantity"},
		{"no external id", "sku,quantity\nA,1\n", "missing_column", "external_id"},
		{"twice", "external_id,订单号,sku,quantity\n", "duplicate_column", "external_id"},
		{"broken quote", "external_id,\"sku,quantity\n", "bad_header", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewReader(strings.NewReader(tc.in), Options{})
			var he *HeaderError
			if !errors.As(err, &he) || he.Code != tc.code || he.Column != tc.column {
				t.Fatalf("err %v, want %s %s", err, tc.code, tc.column)
			}
			if !errors.Is(err, model.ErrInvalid) {
				t.Errorf("%v does not unwrap to model.ErrInvalid", err)
			}
		})
	}
}

func TestHeaderNames(t *testing.T) {
	t.Parallel()
	in := " External ID ,SHIP-LINE1,重量（g）,商品SKU*,数量,Order Notes,,\n" +
		"A1,1 Main St,250,SKU-1,2,fragile,,\n"
	r, groups := readAll(t, []byte(in), Options{})
	if got := r.UnknownColumns(); !slices.Equal(got, []string{"Order Notes"}) {
		t.Errorf("unknown columns %q", got)
	}
	if len(groups) != 1 || len(groups[0].Problems) > 0 {
		t.Fatalf("groups %+v", groups)
	}
	o := groups[0].Order
	if o.ExternalID != "A1" || o.ShippingAddress.Line1 != "1 Main St" || o.Lines[0].WeightG != 250 ||
		o.Lines[0].SKU != "SKU-1" || o.Lines[0].Quantity != 2 {
		t.Errorf("order %+v", o)
	}
}

func TestAliasesAreUnique(t *testing.T) {
	t.Parallel()
	// buildHeaderIndex panics on a name that maps to two columns; it ran at init. Every column
	// must also be reachable by its canonical name.
	for c := range numColumns {
		if headerIndex[csvio.HeaderKey(c.String())] != c {
			t.Errorf("%s does not map to itself", c)
		}
	}
}

func TestGrouping(t *testing.T) {
	t.Parallel()
	in := csvRows(
		goodRow("A", "sku", "A-1"),
		goodRow("A", "sku", "A-2", "quantity", "3"),
		goodRow("B"),
		goodRow("C"),
		goodRow("C", "sku", "C-2"),
	)
	_, groups := readAll(t, []byte(in), Options{})
	var ids []string
	var rows [][]int
	for _, g := range groups {
		ids = append(ids, g.Order.ExternalID)
		rows = append(rows, g.Rows)
		if len(g.Problems) > 0 {
			t.Errorf("%s: %v", g.Order.ExternalID, problemList(g))
		}
		if len(g.Order.Lines) != len(g.Rows) {
			t.Errorf("%s: %d lines for rows %v", g.Order.ExternalID, len(g.Order.Lines), g.Rows)
		}
	}
	if !slices.Equal(ids, []string{"A", "B", "C"}) {
		t.Errorf("ids %v", ids)
	}
	if !slices.EqualFunc(rows, [][]int{{2, 3}, {4}, {5, 6}}, slices.Equal) {
		t.Errorf("rows %v", rows)
	}
	if l := groups[0].Order.Lines[1]; l.SKU != "A-2" || l.Quantity != 3 {
		t.Errorf("second line %+v", l)
	}
}

func TestBlankRowsAreSkippedButCounted(t *testing.T) {
	t.Parallel()
	in := "\n" + header + "\n\n" + strings.Repeat(",", int(numColumns)-1) + "\n" +
		strings.TrimPrefix(csvRows(goodRow("A")), header+"\n") + "   \n"
	_, groups := readAll(t, []byte(in), Options{})
	if len(groups) != 1 || !slices.Equal(groups[0].Rows, []int{5}) || len(groups[0].Problems) > 0 {
		t.Fatalf("groups %+v", groups)
	}
}

func TestSepLine(t *testing.T) {
	t.Parallel()
	in := "sep=;\r\nexternal_id;sku;quantity;unit_price;currency\r\nA;S,1;2;3,50;EUR\r\n"
	r, groups := readAll(t, []byte(in), Options{})
	if r.Delimiter() != ';' || len(groups) != 1 {
		t.Fatalf("delimiter %q, groups %+v", r.Delimiter(), groups)
	}
	g := groups[0]
	if g.Order.Lines[0].SKU != "S,1" || g.Order.Lines[0].UnitPrice.Amount != 350 || !slices.Equal(g.Rows, []int{2}) {
		t.Errorf("group %+v", g)
	}
}

func TestTabDelimited(t *testing.T) {
	t.Parallel()
	in := "external_id\tsku\tquantity\titem_name\nA\tS1\t1\tMug, blue\n"
	r, groups := readAll(t, []byte(in), Options{})
	if r.Delimiter() != '\t' || len(groups) != 1 || groups[0].Order.Lines[0].Name != "Mug, blue" {
		t.Fatalf("delimiter %q, groups %+v", r.Delimiter(), groups)
	}
}

// TestRowProblems: each bad cell is reported with its row and column; the order still comes
// back as far as it could be read, and the other orders are unaffected.
func TestRowProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		rows []map[string]string
		want []string
	}{
		{"bad quantity", []map[string]string{goodRow("A", "quantity", "two")}, []string{"2 invalid_number quantity"}},
		{"fractional quantity", []map[string]string{goodRow("A", "quantity", "1.5")}, []string{"2 invalid_number quantity"}},
		{"bad weight", []map[string]string{goodRow("A", "weight_g", "0.3kg")}, []string{"2 invalid_number weight_g"}},
		{"bad time", []map[string]string{goodRow("A", "created_at", "01/03/2024")}, []string{"2 invalid_time created_at"}},
		{"bad paid time", []map[string]string{goodRow("A", "paid_at", "yesterday")}, []string{"2 invalid_time paid_at"}},
		{"USD precision", []map[string]string{goodRow("A", "unit_price", "1.999")}, []string{"2 amount_precision unit_price"}},
		{"JPY precision", []map[string]string{goodRow("A", "currency", "JPY", "unit_price", "12.5")}, []string{"2 amount_precision unit_price"}},
		{"bad amount", []map[string]string{goodRow("A", "unit_price", "12.99.1")}, []string{"2 invalid_amount unit_price"}},
		{"wrong currency mark", []map[string]string{goodRow("A", "unit_price", "12.99 EUR")}, []string{"2 currency_mismatch unit_price"}},
		{"yen sign in USD order", []map[string]string{goodRow("A", "cod_amount", "¥12")}, []string{"2 currency_mismatch cod_amount"}},
		{"unknown currency", []map[string]string{goodRow("A", "currency", "XYZ")}, []string{"2 currency_unknown currency"}},
		{"money without currency", []map[string]string{goodRow("A", "currency", "", "cod_amount", "5")}, []string{"2 missing_field currency"}},
		{"bad battery flag", []map[string]string{goodRow("A", "has_battery", "maybe")}, []string{"2 invalid_bool has_battery"}},
		{"no order number", []map[string]string{goodRow("A"), goodRow(""), goodRow("B")}, []string{"3 missing_field external_id"}},
		{"small exponents are not Excel's", []map[string]string{goodRow("1E+5", "sku", "2E+10")}, nil},
		{"order number as Excel shows it", []map[string]string{goodRow("5.76461E+17")}, []string{"2 scientific_notation external_id"}},
		{"phone as Excel shows it", []map[string]string{goodRow("A", "ship_phone", "6.28123E+12")}, []string{"2 scientific_notation ship_phone"}},
		{"conflict", []map[string]string{goodRow("A"), goodRow("A", "ship_city", "Dallas", "sku", "S2")}, []string{"3 order_field_conflict ship_city"}},
		{"conflict on an empty first cell", []map[string]string{goodRow("A", "ship_line2", ""), goodRow("A", "ship_line2", "Apt 1")}, []string{"3 order_field_conflict ship_line2"}},
		{"same value spelt differently", []map[string]string{
			goodRow("A", "market", "UK", "currency", "gbp", "created_at", "2024-03-01 09:00", "cod_amount", "12"),
			goodRow("A", "market", "gb", "currency", "GBP", "created_at", "2024-03-01T09:00:00Z", "cod_amount", "12.00"),
		}, nil},
		{"later rows empty", []map[string]string{goodRow("A"), {"external_id": "A", "sku": "S2", "quantity": "1"}}, nil},
		{"not adjacent", []map[string]string{goodRow("A"), goodRow("B"), goodRow("A", "sku", "S2"), goodRow("A", "sku", "S3")},
			[]string{"4 rows_not_adjacent external_id", "5 rows_not_adjacent external_id"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, groups := readAll(t, []byte(csvRows(tc.rows...)), Options{})
			got := problemList(groups...)
			if !slices.Equal(got, tc.want) {
				t.Errorf("problems %q, want %q", got, tc.want)
			}
			for _, g := range groups {
				for _, p := range g.Problems {
					if p.Message == "" || !slices.Contains(g.Rows, p.Row) {
						t.Errorf("problem %+v: no message, or a row outside the group's %v", p, g.Rows)
					}
				}
			}
		})
	}
}

func TestRowProblemKeepsTheRest(t *testing.T) {
	t.Parallel()
	in := csvRows(goodRow("A", "quantity", "x", "unit_price", "12.50", "weight_g", "300"))
	_, groups := readAll(t, []byte(in), Options{})
	l := groups[0].Order.Lines[0]
	if l.Quantity != 0 || l.UnitPrice.Amount != 1250 || l.WeightG != 300 || groups[0].Order.ShippingAddress.City != "Austin" {
		t.Errorf("order not read as far as it could be: %+v", groups[0].Order)
	}
}

func TestRaggedRow(t *testing.T) {
	t.Parallel()
	in := "external_id,sku,quantity,ship_city\n" +
		"A,S1,1,Austin\n" +
		"B,S2,1,Austin,TX\n" + // an unquoted comma in the city: one cell too many
		"C,S3,1\n" + // one cell short
		"D,S4,1,Austin,,\n" // trailing empty cells, as Excel writes them: fine
	_, groups := readAll(t, []byte(in), Options{})
	want := []string{"3 column_count column E", "4 column_count ship_city"}
	if got := problemList(groups...); !slices.Equal(got, want) {
		t.Errorf("problems %q, want %q", got, want)
	}
	if len(groups) != 4 {
		t.Errorf("%d groups, want 4", len(groups))
	}

	// A header with empty cells after its last column, as Excel writes for formatted columns,
	// does not make shorter rows ragged.
	in = "external_id,sku,quantity,,\nA,S1,1\nB,S2,1,,\nC,S3,1,,x\n"
	_, groups = readAll(t, []byte(in), Options{})
	want = []string{"4 column_count column E"}
	if got := problemList(groups...); !slices.Equal(got, want) {
		t.Errorf("problems %q, want %q", got, want)
	}
}

func TestQuotedCells(t *testing.T) {
	t.Parallel()
	in := "external_id,sku,quantity,ship_line1,item_name\r\n" +
		"A,S1,1,\"12 Main St,\r\nSuite 4\",\"Mug \"\"XL\"\"\"\r\n" +
		"A,S2,2,,plain \"quoted\" text\r\n" +
		"B,S3,1,\"\",\"a,b\"\r\n"
	_, groups := readAll(t, []byte(in), Options{})
	if len(groups) != 2 || len(problemList(groups...)) > 0 {
		t.Fatalf("groups %+v", groups)
	}
	a := groups[0]
	if a.Order.ShippingAddress.Line1 != "12 Main St,\nSuite 4" || a.Order.Lines[0].Name != `Mug "XL"` ||
		a.Order.Lines[1].Name != `plain "quoted" text` || !slices.Equal(a.Rows, []int{2, 3}) {
		t.Errorf("A %+v rows %v", a.Order, a.Rows)
	}
	if b := groups[1]; b.Order.Lines[0].Name != "a,b" || !slices.Equal(b.Rows, []int{4}) {
		t.Errorf("B %+v rows %v", b.Order, b.Rows)
	}
}

// TestUnterminatedQuote: a quote that never closes costs its own row, not the rest of the file.
func TestUnterminatedQuote(t *testing.T) {
	t.Parallel()
	in := "external_id,sku,quantity,item_name\n" +
		"A,S1,1,\"Mug 12 oz\n" +
		"B,S2,1,Plate\n" +
		"C,S3,1,Bowl\n"
	_, groups := readAll(t, []byte(in), Options{})
	want := []string{"2 unterminated_quote item_name"}
	if got := problemList(groups...); !slices.Equal(got, want) {
		t.Errorf("problems %q, want %q", got, want)
	}
	var ids []string
	for _, g := range groups {
		ids = append(ids, g.Order.ExternalID)
	}
	if !slices.Equal(ids, []string{"A", "B", "C"}) || groups[0].Order.Lines[0].Name != "Mug 12 oz" ||
		!slices.Equal(groups[2].Rows, []int{4}) {
		t.Errorf("ids %v, groups %+v", ids, groups)
	}
}

func TestTimeZones(t *testing.T) {
	t.Parallel()
	in := csvRows(
		goodRow("A", "market", "US", "created_at", "2024-03-01 09:00:00", "paid_at", "2024/3/1 9:05", "updated_at", "2024-03-01"),
		goodRow("B", "market", "ID", "created_at", "2024-03-01 09:00:00", "paid_at", "2024-03-01T09:05:00+08:00", "updated_at", "2024-03-01 09:05:00.250"),
		goodRow("C", "market", "FR", "created_at", "2024-03-01 09:00:00"),
	)
	_, groups := readAll(t, []byte(in), testOptions())
	if len(problemList(groups...)) > 0 {
		t.Fatalf("problems %v", problemList(groups...))
	}
	check := func(name string, got time.Time, want string) {
		t.Helper()
		if !got.Equal(utc(want)) || got.Location() != time.UTC {
			t.Errorf("%s = %v, want %s in UTC", name, got, want)
		}
	}
	a, b, c := groups[0].Order, groups[1].Order, groups[2].Order
	check("A created", a.CreatedAt, "2024-03-01T17:00:00Z")
	check("A paid", *a.PaidAt, "2024-03-01T17:05:00Z")
	check("A updated", a.UpdatedAt, "2024-03-01T08:00:00Z")
	check("B created", b.CreatedAt, "2024-03-01T02:00:00Z")
	check("B paid (zone given)", *b.PaidAt, "2024-03-01T01:05:00Z")
	check("B updated", b.UpdatedAt, "2024-03-01T02:05:00.25Z")
	check("C created (no zone known: UTC)", c.CreatedAt, "2024-03-01T09:00:00Z")
}

func TestLocationCalledOncePerMarket(t *testing.T) {
	t.Parallel()
	calls := map[model.Market]int{}
	opt := Options{Location: func(m model.Market) *time.Location { calls[m]++; return nil }}
	in := csvRows(goodRow("A"), goodRow("B"), goodRow("C", "market", "ID"))
	readAll(t, []byte(in), opt)
	if calls["US"] != 1 || calls["ID"] != 1 {
		t.Errorf("calls %v", calls)
	}
}

func TestBattery(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{"": false, "true": true, "FALSE": false, "yes": true, "No": false,
		"1": true, "0": false, "是": true, "否": false, "Y": true, "n": false} {
		_, groups := readAll(t, []byte(csvRows(goodRow("A", "has_battery", in))), Options{})
		if got := groups[0].Order.Lines[0].HasBattery; got != want || len(groups[0].Problems) > 0 {
			t.Errorf("has_battery %q = %v (%v), want %v", in, got, groups[0].Problems, want)
		}
	}
}

func TestEmptyNumbersAreZero(t *testing.T) {
	t.Parallel()
	_, groups := readAll(t, []byte(csvRows(goodRow("A", "quantity", "", "weight_g", "", "unit_price", ""))), Options{})
	g := groups[0]
	l := g.Order.Lines[0]
	if len(g.Problems) > 0 || l.Quantity != 0 || l.WeightG != 0 || l.UnitPrice != (model.Money{Currency: "USD"}) || g.Order.COD != nil {
		t.Errorf("group %+v", g)
	}
}

func TestTooManyLines(t *testing.T) {
	t.Parallel()
	var rows []map[string]string
	for range 7 {
		rows = append(rows, goodRow("A"))
	}
	rows = append(rows, goodRow("B"))
	_, groups := readAll(t, []byte(csvRows(rows...)), Options{MaxLinesPerOrder: 5})
	a := groups[0]
	if len(a.Order.Lines) != 5 || len(a.Rows) != 7 || !slices.Equal(problemList(a), []string{"7 too_many_lines external_id"}) {
		t.Errorf("A: %d lines, rows %v, problems %v", len(a.Order.Lines), a.Rows, problemList(a))
	}
	if !strings.Contains(a.Problems[0].Message, "the 1 after it") {
		t.Errorf("message %q", a.Problems[0].Message)
	}
	if len(groups) != 2 || len(groups[1].Problems) > 0 {
		t.Errorf("B: %+v", groups[1:])
	}
}

func TestRecentIDsAreForgotten(t *testing.T) {
	t.Parallel()
	r := &Reader{seen: map[string]int{}}
	for i := range recentIDs + 10 {
		r.remember("id"+strconv.Itoa(i), i+2)
	}
	if len(r.seen) != recentIDs || len(r.recent) != recentIDs {
		t.Fatalf("seen %d, recent %d", len(r.seen), len(r.recent))
	}
	if _, ok := r.seen["id0"]; ok {
		t.Error("the oldest id is still remembered")
	}
}

func TestNextAfterEOF(t *testing.T) {
	t.Parallel()
	r, _ := readAll(t, []byte(csvRows(goodRow("A"))), Options{})
	for range 3 {
		if _, err := r.Next(); err == nil {
			t.Fatal("Next after the end returned no error")
		}
	}
}

type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestReaderErrorEndsTheImport(t *testing.T) {
	t.Parallel()
	boom := errors.New("disk gone")
	var rows []map[string]string
	for i := range 1000 { // well over the 64 KiB the encoding is detected from
		rows = append(rows, goodRow("A"+strconv.Itoa(i)))
	}
	in := csvRows(rows...)
	r, err := NewReader(&failingReader{data: []byte(in[:len(in)-20]), err: boom}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var err2 error
	for n := 0; err2 == nil; n++ {
		if n > len(rows) {
			t.Fatal("no error")
		}
		_, err2 = r.Next()
	}
	if !errors.Is(err2, boom) {
		t.Fatalf("Next: %v, want %v", err2, boom)
	}
	if _, err := r.Next(); !errors.Is(err, boom) {
		t.Fatalf("second Next: %v, want %v", err, boom)
	}
}

// TestProblemsFile: testdata/problems.csv has one mistake of each common kind; every one is
// reported on its row and column, and every order still comes back.
func TestProblemsFile(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("testdata", "problems.csv"))
	if err != nil {
		t.Fatal(err)
	}
	_, groups := readAll(t, data, Options{})
	want := []string{
		"3 invalid_number quantity",        // "two"
		"4 amount_precision unit_price",    // JPY 12.5
		"5 invalid_time created_at",        // 01/03/2024: day or month first?
		"5 amount_precision unit_price",    // USD 1.999
		"6 order_field_conflict ship_city", // Dallas after Austin
		"7 column_count column I",          // "Austin, TX" unquoted…
		"7 invalid_number quantity",        // …shifts MUG-1 into quantity
		"8 rows_not_adjacent external_id",  // A-1 again, after A-2…A-4…
		"8 missing_field currency",         // …and its currency was on its first group's row
		"10 unterminated_quote ship_city",  // "Austin never closed: the row is read to its end
	}
	if got := problemList(groups...); !slices.Equal(got, want) {
		t.Errorf("problems\n got %q\nwant %q", got, want)
	}
	var ids []string
	for _, g := range groups {
		ids = append(ids, g.Order.ExternalID)
	}
	if want := []string{"A-1", "A-2", "A-3", "A-4", "A-1", "A-5", "A-6", "A-7"}; !slices.Equal(ids, want) {
		t.Errorf("orders %q, want %q", ids, want)
	}
	if a5 := groups[5].Order; a5.Lines[0].UnitPrice.Amount != 14900000 || len(groups[5].Problems) > 0 {
		t.Errorf("A-5: %+v", groups[5])
	}
}
