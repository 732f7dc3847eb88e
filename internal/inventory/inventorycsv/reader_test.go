package inventorycsv

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"lastmile/internal/csvio"
	"lastmile/internal/model"
)

var update = flag.Bool("update", false, "rewrite the generated files in testdata")

// zhRows are the rows of testdata/stock_zh.csv and its GB18030 copy.
var zhRows = []Row{
	{Line: 2, Warehouse: "SZ-01", SKU: "TSHIRT-RED-M", OnHand: ptr(120), SafetyStock: ptr(10), Reason: "月末盘点"},
	{Line: 3, Warehouse: "SZ-01", SKU: "EARBUDS-BT5", OnHand: ptr(35), Reason: "到货入库"},
	{Line: 5, Warehouse: "US-LA", SKU: "DRONE-X1", SafetyStock: ptr(5), Reason: "调整安全库存"},
	{Line: 6, Warehouse: "US-LA", SKU: "=1+1", OnHand: ptr(0), SafetyStock: ptr(0)},
}

func equalRows(t *testing.T, got, want []Row) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d rows, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Line != w.Line || g.Warehouse != w.Warehouse || g.SKU != w.SKU || g.Reason != w.Reason ||
			quantityString(g.OnHand) != quantityString(w.OnHand) || quantityString(g.SafetyStock) != quantityString(w.SafetyStock) ||
			!slices.Equal(g.Problems, w.Problems) {
			t.Errorf("row %d:\n got %+v on_hand %s safety %s\nwant %+v on_hand %s safety %s", i, g, quantityString(g.OnHand),
				quantityString(g.SafetyStock), w, quantityString(w.OnHand), quantityString(w.SafetyStock))
		}
	}
}

// TestGB18030File: testdata/stock_zh_gb18030.csv is stock_zh.csv as Chinese Excel saves it,
// made with the x/text encoder (go test -run TestGB18030File -update rewrites it). Both read
// as the same rows.
func TestGB18030File(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile(filepath.Join("testdata", "stock_zh.csv"))
	if err != nil {
		t.Fatal(err)
	}
	want := encodeWith(t, simplifiedchinese.GB18030, string(src))
	path := filepath.Join("testdata", "stock_zh_gb18030.csv")
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is not stock_zh.csv in GB18030; run with -update", path)
	}
	for _, f := range []struct {
		data []byte
		enc  string
	}{{src, csvio.EncodingUTF8}, {got, csvio.EncodingGB18030}} {
		r, rows := readAll(t, f.data)
		if r.Encoding() != f.enc {
			t.Errorf("encoding %s, want %s", r.Encoding(), f.enc)
		}
		if u := r.UnknownColumns(); !slices.Equal(u, []string{"仓库名称"}) {
			t.Errorf("unknown columns %q", u)
		}
		equalRows(t, rows, zhRows)
	}
}

// TestEncodings reads one row written in every encoding Excel saves, and for UTF-16 in Excel's
// tab-separated "Unicode text" form.
func TestEncodings(t *testing.T) {
	t.Parallel()
	text := "仓库,SKU,库存,原因\r\nSZ-01,耳机-白,12,\"到货, 入库\"\r\n"
	tabs := "仓库\tSKU\t库存\t原因\r\nSZ-01\t耳机-白\t12\t到货, 入库\r\n"
	utf16le := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
	utf16be := unicode.UTF16(unicode.BigEndian, unicode.UseBOM)
	tests := []struct {
		name  string
		data  []byte
		enc   string
		delim rune
	}{
		{"utf-8", []byte(text), csvio.EncodingUTF8, ','},
		{"utf-8 with BOM", append([]byte(csvio.BOM), text...), csvio.EncodingUTF8BOM, ','},
		{"gbk", encodeWith(t, simplifiedchinese.GBK, text), csvio.EncodingGB18030, ','},
		{"gb18030", encodeWith(t, simplifiedchinese.GB18030, text), csvio.EncodingGB18030, ','},
		{"utf-16le tabs", encodeWith(t, utf16le, tabs), csvio.EncodingUTF16LE, '\t'},
		{"utf-16be tabs", encodeWith(t, utf16be, tabs), csvio.EncodingUTF16BE, '\t'},
		{"utf-16le commas", encodeWith(t, utf16le, text), csvio.EncodingUTF16LE, ','},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, rows := readAll(t, tc.data)
			if r.Encoding() != tc.enc || r.Delimiter() != tc.delim {
				t.Errorf("encoding %s, delimiter %q; want %s, %q", r.Encoding(), r.Delimiter(), tc.enc, tc.delim)
			}
			equalRows(t, rows, []Row{{Line: 2, Warehouse: "SZ-01", SKU: "耳机-白", OnHand: ptr(12), Reason: "到货, 入库"}})
		})
	}
}

// TestInvalidEncoding: bytes that are not text in the file's encoding are a problem in their
// cell, replaced by U+FFFD: a GBK cell in a UTF-8 file after the first csvio.SniffSize bytes
// (which decide the encoding), and bytes that are not GB18030 in a GB18030 file.
func TestInvalidEncoding(t *testing.T) {
	t.Parallel()
	gbk := string(encodeWith(t, simplifiedchinese.GBK, "盘点"))
	rows := strings.Repeat("W1,S1,5,ok\n", csvio.SniffSize/10+1)
	r, got := readAll(t, []byte("warehouse,sku,on_hand,reason\n"+rows+"W1,S1,5,"+gbk+"\n"))
	last := got[len(got)-1]
	if r.Encoding() != csvio.EncodingUTF8 || !slices.Equal(problemList(got...), []string{fmt.Sprintf("%d invalid_encoding reason", last.Line)}) ||
		!strings.Contains(last.Reason, "\ufffd") || !utf8.ValidString(last.Reason) {
		t.Errorf("encoding %s, problems %q, reason %q", r.Encoding(), problemList(got...), last.Reason)
	}

	data := append(encodeWith(t, simplifiedchinese.GB18030, "仓库,SKU,库存\nW1,耳机,5\nW1,耳机,"), 0x81, '5', '\n')
	r, got = readAll(t, data)
	if r.Encoding() != csvio.EncodingGB18030 || !slices.Equal(problemList(got...), []string{"3 invalid_encoding 库存"}) || got[1].OnHand != nil {
		t.Errorf("encoding %s, problems %q, rows %+v", r.Encoding(), problemList(got...), got)
	}
}

func TestAliasesAreUnique(t *testing.T) {
	t.Parallel()
	seen := map[string]column{}
	for c := range numColumns {
		for _, name := range append([]string{c.String()}, aliases[c]...) {
			k := csvio.HeaderKey(name)
			if prev, ok := seen[k]; ok && prev != c {
				t.Errorf("%q names both %s and %s", name, prev, c)
			}
			seen[k] = c
			if headerIndex[k] != c {
				t.Errorf("%q is read as %s, want %s", name, headerIndex[k], c)
			}
		}
	}
}

// TestHeaderNames: every canonical name and alias, in any case and spacing, names its column.
func TestHeaderNames(t *testing.T) {
	t.Parallel()
	values := [numColumns]string{"W1", "Sku-a", "7", "3", "count", "99", "x", "maybe"}
	for c := range numColumns {
		names := append([]string{c.String(), strings.ToUpper(c.String()), strings.ReplaceAll(c.String(), "_", " ") + " *"}, aliases[c]...)
		for _, name := range names {
			header := Columns()
			header[c] = name
			data := strings.Join(header, ",") + "\n" + strings.Join(values[:], ",") + "\n"
			r, rows := readAll(t, []byte(data))
			if len(r.UnknownColumns()) > 0 {
				t.Errorf("%q: unknown columns %q", name, r.UnknownColumns())
			}
			equalRows(t, rows, []Row{{Line: 2, Warehouse: "W1", SKU: "Sku-a", OnHand: ptr(7), SafetyStock: ptr(3), Reason: "count"}})
		}
	}
	// Names a seller might take for a column but that are not one.
	r, _ := readAll(t, []byte("仓库名称,仓库,sku,库存,商品名称\n深圳仓,SZ,S,1,耳机\n"))
	if u := r.UnknownColumns(); !slices.Equal(u, []string{"仓库名称", "商品名称"}) {
		t.Errorf("unknown columns %q", u)
	}
}

func TestHeaderErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     string
		code   string
		column string
	}{
		{"empty", "", "empty_file", ""},
		{"only blank rows", "\r\n,,\n\n", "empty_file", ""},
		{"only a BOM", csvio.BOM, "empty_file", ""},
		{"unterminated quote", "warehouse,\"sku,on_hand\n", "bad_header", ""},
		{"no warehouse", "sku,on_hand\nS,1\n", "missing_column", "warehouse"},
		{"warehouse name is not a warehouse", "仓库名称,sku,on_hand\n", "missing_column", "warehouse"},
		{"no sku", "warehouse,on_hand\n", "missing_column", "sku"},
		{"no quantity", "warehouse,sku,reason,available\n", "missing_column", "on_hand"},
		{"twice", "warehouse,仓库编码,sku,on_hand\n", "duplicate_column", "warehouse"},
		{"twice in another spelling", "Warehouse,sku,On Hand,on_hand\n", "duplicate_column", "on_hand"},
		{"export-only column twice", "warehouse,sku,on_hand,available,可用库存\n", "duplicate_column", "available"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewReader(strings.NewReader(tc.in))
			var he *HeaderError
			if !errors.As(err, &he) {
				t.Fatalf("error %v, want a HeaderError", err)
			}
			if he.Code != tc.code || he.Column != tc.column || he.Message == "" {
				t.Errorf("error %+v, want %s %s", he, tc.code, tc.column)
			}
			if !errors.Is(err, model.ErrInvalid) {
				t.Errorf("%v does not unwrap to model.ErrInvalid", err)
			}
			if !strings.HasPrefix(err.Error(), "stock file: ") {
				t.Errorf("error text %q", err)
			}
		})
	}
}

// TestOneQuantityIsEnough: a file may have only one of on_hand and safety_stock, and a row may
// set only one; the other stays nil.
func TestOneQuantityIsEnough(t *testing.T) {
	t.Parallel()
	_, rows := readAll(t, []byte("warehouse,sku,safety_stock\nW,S,4\n"))
	equalRows(t, rows, []Row{{Line: 2, Warehouse: "W", SKU: "S", SafetyStock: ptr(4)}})
	_, rows = readAll(t, []byte("warehouse,sku,on_hand,safety_stock\nW,S,,4\nW,T,6,\nW,U,,\n"))
	equalRows(t, rows, []Row{
		{Line: 2, Warehouse: "W", SKU: "S", SafetyStock: ptr(4)},
		{Line: 3, Warehouse: "W", SKU: "T", OnHand: ptr(6)},
		{Line: 4, Warehouse: "W", SKU: "U", Problems: rows[2].Problems},
	})
	if got := problemList(rows...); !slices.Equal(got, []string{"4 missing_field on_hand"}) {
		t.Errorf("problems %q", got)
	}
	// Without an on_hand column the missing quantity is the safety stock.
	_, rows = readAll(t, []byte("warehouse,sku,safety_stock\nW,S,\n"))
	if got := problemList(rows...); !slices.Equal(got, []string{"2 missing_field safety_stock"}) {
		t.Errorf("problems %q", got)
	}
}

// TestRowProblems: one row per problem code, each named by its line and canonical column.
func TestRowProblems(t *testing.T) {
	t.Parallel()
	const header = "warehouse,sku,on_hand,safety_stock,reason\n"
	tests := []struct {
		name string
		row  string
		want []string
	}{
		{"fine", "W,S,1,2,r", nil},
		{"no warehouse", ",S,1,2,r", []string{"2 missing_field warehouse"}},
		{"no sku", "W,\u3000,1,2,r", []string{"2 missing_field sku"}},
		{"no quantity", "W,S,,,r", []string{"2 missing_field on_hand"}},
		{"nothing but a reason", ",,,,r", []string{"2 missing_field warehouse", "2 missing_field sku", "2 missing_field on_hand"}},
		{"text", "W,S,many,2,", []string{"2 invalid_number on_hand"}},
		{"thousands in a comma file", "W,S,\"1,200\",2,", []string{"2 invalid_number on_hand"}},
		{"fraction", "W,S,1,2.5,", []string{"2 not_integer safety_stock"}},
		{"negative", "W,S,-1,2,", []string{"2 negative_quantity on_hand"}},
		{"too large", "W,S,1,10000000000000,", []string{"2 quantity_too_large safety_stock"}},
		{"both bad", "W,S,-1,x,", []string{"2 negative_quantity on_hand", "2 invalid_number safety_stock"}},
		{"a bad quantity is not a missing one", "W,S,x,,", []string{"2 invalid_number on_hand"}},
		{"scientific sku", "W,5.76461E+17,1,2,", []string{"2 scientific_notation sku"}},
		{"too few cells", "W,S,1", []string{"2 column_count safety_stock"}},
		{"too many cells", "W,S,1,2,damaged, returned", []string{"2 column_count reason"}},
		{"empty cells beyond the header", "W,S,1,2,r,,", nil},
		{"unterminated quote", "W,S,1,2,\"open", []string{"2 unterminated_quote reason"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, rows := readAll(t, []byte(header+tc.row+"\n"))
			if len(rows) != 1 {
				t.Fatalf("rows %+v", rows)
			}
			if got := problemList(rows...); !slices.Equal(got, tc.want) {
				t.Errorf("problems %q, want %q", got, tc.want)
			}
			for _, p := range rows[0].Problems {
				if p.Message == "" {
					t.Errorf("problem %+v without a message", p)
				}
			}
		})
	}
}

// TestRowTooLong: a row over csvio.MaxRowBytes is reported, not read, and the rows after it
// are read.
func TestRowTooLong(t *testing.T) {
	t.Parallel()
	data := "warehouse,sku,on_hand\nW,S," + strings.Repeat("9", csvio.MaxRowBytes+1) + "\nW,T,1\n"
	_, rows := readAll(t, []byte(data))
	if got := problemList(rows...); !slices.Equal(got, []string{"2 row_too_long warehouse"}) {
		t.Errorf("problems %q", got)
	}
	equalRows(t, rows[1:], []Row{{Line: 3, Warehouse: "W", SKU: "T", OnHand: ptr(1)}})
}

// TestProblemsOutsideKnownColumns: a problem of the row's shape at a cell under an unknown or
// no header is named after the known column to its left, and its message names the cell.
func TestProblemsOutsideKnownColumns(t *testing.T) {
	t.Parallel()
	_, rows := readAll(t, []byte("名称,warehouse,sku,on_hand,备注2\n仓,W,S,1,x,extra\n\"open,W,S,1\n"))
	// The open quote takes the rest of its line into cell A: the row's other cells are empty.
	want := []string{"2 column_count on_hand", "3 unterminated_quote warehouse",
		"3 missing_field warehouse", "3 missing_field sku", "3 missing_field on_hand"}
	if got := problemList(rows...); !slices.Equal(got, want) {
		t.Fatalf("problems %q, want %q", got, want)
	}
	if msg := rows[0].Problems[0].Message; !strings.HasPrefix(msg, "cell F: ") {
		t.Errorf("message %q does not name the cell", msg)
	}
	if msg := rows[1].Problems[0].Message; !strings.HasPrefix(msg, `cell A ("名称"): `) {
		t.Errorf("message %q does not name the cell", msg)
	}
}

// TestExportOnlyColumnsAreIgnored: reserved, available and low_stock are not read, whatever
// they hold.
func TestExportOnlyColumnsAreIgnored(t *testing.T) {
	t.Parallel()
	_, rows := readAll(t, []byte("warehouse,sku,on_hand,已占用,可售库存,低库存\nW,S,5,-3,lots,\xff\n"))
	equalRows(t, rows, []Row{{Line: 2, Warehouse: "W", SKU: "S", OnHand: ptr(5)}})
}

// TestIDs: warehouse codes and SKUs keep their case and inner spaces and lose white space
// around them, full-width and zero-width included; the formula guard comes off.
func TestIDs(t *testing.T) {
	t.Parallel()
	_, rows := readAll(t, []byte("warehouse,sku,on_hand,reason\n"+
		" \u3000wh-Sz ,\u3000\u00a0Abc Def-1\u200b\u3000,1,  '=note  \n"+
		"'+86,'-SKU,2,'s-Hertogenbosch\n"))
	equalRows(t, rows, []Row{
		{Line: 2, Warehouse: "wh-Sz", SKU: "Abc Def-1", OnHand: ptr(1), Reason: "=note"},
		{Line: 3, Warehouse: "+86", SKU: "-SKU", OnHand: ptr(2), Reason: "'s-Hertogenbosch"},
	})
}

// TestDelimiters: semicolon files use ',' for decimals and '.' for thousands, tab files the
// other way round; a sep= line names the delimiter and is not a row.
func TestDelimiters(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    string
		delim rune
		want  []Row
	}{
		{"semicolons", "仓库;SKU;库存;安全库存;备注\nW;S;1.200;12,0;Zählung, März\nW;T;\"1,5\";;\n", ';', []Row{
			{Line: 2, Warehouse: "W", SKU: "S", OnHand: ptr(1200), SafetyStock: ptr(12), Reason: "Zählung, März"},
			{Line: 3, Warehouse: "W", SKU: "T", Problems: []model.FieldError{{Code: "not_integer", Field: "库存"}}}, // the file's own column
		}},
		{"tabs", "warehouse\tsku\ton_hand\nW\tS\t1,200\n", '\t', []Row{
			{Line: 2, Warehouse: "W", SKU: "S", OnHand: ptr(1200)},
		}},
		{"sep line", "sep=;\r\nwarehouse;sku;on_hand\r\n\r\nW;S;7\r\n", ';', []Row{
			{Line: 3, Warehouse: "W", SKU: "S", OnHand: ptr(7)},
		}},
		{"sep line against the count", "sep=,\nwarehouse,sku,on_hand,a;b;c;d;e\nW,S;x,7,\n", ',', []Row{
			{Line: 2, Warehouse: "W", SKU: "S;x", OnHand: ptr(7)},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, rows := readAll(t, []byte(tc.in))
			if r.Delimiter() != tc.delim {
				t.Errorf("delimiter %q", r.Delimiter())
			}
			// Compare problems by code and column only.
			for i := range rows {
				for j := range rows[i].Problems {
					rows[i].Problems[j].Message = ""
				}
			}
			equalRows(t, rows, tc.want)
		})
	}
}

// TestBlankRowsAreSkippedButCounted: blank rows, and rows of bare delimiters as Excel writes
// them, are not returned but keep the row numbers Excel shows.
func TestBlankRowsAreSkippedButCounted(t *testing.T) {
	t.Parallel()
	_, rows := readAll(t, []byte("\nwarehouse,sku,on_hand\n\n,,\n , ,\t\nW,S,1\n\"W\nX\",T,2\nW,U,3"))
	equalRows(t, rows, []Row{
		{Line: 6, Warehouse: "W", SKU: "S", OnHand: ptr(1)},
		{Line: 7, Warehouse: "W\nX", SKU: "T", OnHand: ptr(2)},
		{Line: 8, Warehouse: "W", SKU: "U", OnHand: ptr(3)},
	})
}

// TestNextAfterEOF: the end, and an error of the underlying reader, stay.
func TestNextAfterEOF(t *testing.T) {
	t.Parallel()
	r, err := NewReader(strings.NewReader("warehouse,sku,on_hand\nW,S,1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := r.Next(); !errors.Is(err, io.EOF) {
			t.Fatalf("Next: %v, want io.EOF", err)
		}
	}

	// The error comes after the first csvio.SniffSize bytes, which NewReader reads ahead.
	errDisk := errors.New("disk on fire")
	data := "warehouse,sku,on_hand\n" + strings.Repeat("W,S,1\n", csvio.SniffSize/6+1)
	src := io.MultiReader(strings.NewReader(data), iotest.ErrReader(errDisk))
	r, err = NewReader(iotest.OneByteReader(src))
	if err != nil {
		t.Fatal(err)
	}
	var last error
	for range csvio.SniffSize {
		if _, last = r.Next(); last != nil {
			break
		}
	}
	if !errors.Is(last, errDisk) || errors.Is(last, io.EOF) {
		t.Fatalf("Next: %v, want the reader's error", last)
	}
	if _, err := r.Next(); !errors.Is(err, errDisk) {
		t.Errorf("Next after the error: %v", err)
	}
}

// TestNewReaderError: an error reading the start of the file is returned, wrapped.
func TestNewReaderError(t *testing.T) {
	t.Parallel()
	errDisk := errors.New("disk on fire")
	_, err := NewReader(iotest.ErrReader(errDisk))
	var he *HeaderError
	if !errors.Is(err, errDisk) || errors.As(err, &he) {
		t.Errorf("NewReader: %v", err)
	}
}
