package inventorycsv

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"unicode/utf8"
)

// FuzzReader: arbitrary bytes never make the Reader panic or loop; it ends with io.EOF after at
// most one row per byte; every problem has a code, a message and a known column (by its canonical name or as the file's
// header wrote it); a row without problems has a warehouse, a SKU and a quantity in range; every text is valid UTF-8.
func FuzzReader(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "stock_*.csv"))
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"", "\xef\xbb\xbf", "\xff\xfe", "\xfe\xff", "sep=;\n", "warehouse,sku,on_hand\n",
		"warehouse,sku,on_hand,safety_stock,reason\nW,S,1,2,r\nW,S,,,\n,,1,\nW,S,-1,x\n",
		"warehouse,sku,on_hand\nW,S,\"open\nW,T,1\n",
		"仓库;SKU;库存;安全库存\nW;S;1.200;12,5\nW;S;1,200;\n",
		"warehouse\tsku\ton_hand\nW\tS\t1,200\n",
		"名称,warehouse,sku,on_hand\n仓,W,S,1,x,extra\n",
		"warehouse,sku,on_hand,reserved,available,low_stock\n'=W,'+86-SKU,12.0,-1,x,y\n",
		"warehouse,sku,safety_stock\nW,5.76461E+17,99999999999999\n",
	} {
		f.Add([]byte(s))
	}
	known := Columns()
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data))
		if err != nil {
			var he *HeaderError
			if !errors.As(err, &he) || he.Code == "" || he.Message == "" {
				t.Fatalf("NewReader: %v", err)
			}
			return
		}
		for n := 0; ; n++ {
			if n > len(data)+1 {
				t.Fatalf("more than %d rows from %d bytes", n, len(data))
			}
			row, err := r.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				t.Fatalf("Next: %v", err)
			}
			if row.Line < 2 {
				t.Fatalf("row %+v before the header", row)
			}
			for _, p := range row.Problems {
				if p.Code == "" || p.Message == "" || (!slices.Contains(known, p.Field) && !slices.Contains(r.t.Header, p.Field)) {
					t.Fatalf("problem %+v", p)
				}
			}
			for _, s := range []string{row.Warehouse, row.SKU, row.Reason} {
				if !utf8.ValidString(s) {
					t.Fatalf("invalid UTF-8 %q", s)
				}
			}
			for _, q := range []*int64{row.OnHand, row.SafetyStock} {
				if q != nil && (*q < 0 || *q > MaxQuantity) {
					t.Fatalf("quantity %d", *q)
				}
			}
			if len(row.Problems) == 0 && (row.Warehouse == "" || row.SKU == "" || row.OnHand == nil && row.SafetyStock == nil) {
				t.Fatalf("row without problems is incomplete: %+v", row)
			}
		}
	})
}

// FuzzQuantity: every quantity the Writer writes reads back; whatever parseQuantity accepts is
// in range and reads back from the plain number; what it refuses has a code and a message.
func FuzzQuantity(f *testing.F) {
	for _, s := range []string{"120", "1,200", "1.200", "12.0", "12,5", "-5", "1 000", "1000000000001", "+", "00"} {
		f.Add(s, int64(1200), uint8(0))
	}
	delims := []byte{',', ';', '\t', '|'}
	f.Fuzz(func(t *testing.T, s string, v int64, d uint8) {
		delim := delims[int(d)%len(delims)]
		if v >= 0 && v <= MaxQuantity {
			if got, err := parseQuantity(strconv.FormatInt(v, 10), delim); err != nil || got != v {
				t.Fatalf("%d read back as %d, %v", v, got, err)
			}
		}
		got, err := parseQuantity(s, delim)
		if err != nil {
			if err.code == "" || err.msg == "" {
				t.Fatalf("parseQuantity(%q): incomplete error %+v", s, err)
			}
			return
		}
		if got < 0 || got > MaxQuantity {
			t.Fatalf("parseQuantity(%q) = %d", s, got)
		}
	})
}
