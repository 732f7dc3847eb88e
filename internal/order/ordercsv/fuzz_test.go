package ordercsv

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"lastmile/internal/csvio"
	"lastmile/internal/model"
)

// FuzzReader: arbitrary bytes never make the Reader panic or loop; it ends with io.EOF after
// at most one group per row; every problem has a code, a message, a column and a data row
// (≥ 2) that belongs to its group; every text it returns is valid UTF-8.
func FuzzReader(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "orders_*.csv"))
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"", "\xef\xbb\xbf", "\xff\xfe", "\xfe\xff", "sep=;\n", "external_id,sku,quantity\n",
		"external_id,sku,quantity\nA,S,1\nA,S,x\nB,S,1\nA,S,1\n",
		"external_id,sku,quantity,item_name\nA,S,1,\"open\nB,S,1,x\n",
		"订单号,SKU,数量,单价,币种\n1,A,1,¥12,JPY\n1,A,2,12.5,JPY\n",
		"external_id;sku;quantity;unit_price;currency\nA;S;1;1.299,00;EUR\n",
		"external_id,sku,quantity,ship_phone\n5.76461E+17,S,1,'+1206\n,,,\n\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data), Options{MaxLinesPerOrder: 3})
		if err != nil {
			var he *HeaderError
			if !errors.As(err, &he) || he.Code == "" || he.Message == "" {
				t.Fatalf("NewReader: %v", err)
			}
			return
		}
		// Every group takes at least one row and every row at least one byte (UTF-16 two).
		for n := 0; ; n++ {
			if n > len(data)+1 {
				t.Fatalf("more than %d groups from %d bytes", n, len(data))
			}
			g, err := r.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				t.Fatalf("Next: %v", err)
			}
			if len(g.Rows) == 0 {
				t.Fatal("a group without rows")
			}
			for _, p := range g.Problems {
				if p.Code == "" || p.Message == "" || p.Field == "" || p.Row < 2 {
					t.Fatalf("incomplete problem %+v", p)
				}
				if !containsInt(g.Rows, p.Row) {
					t.Fatalf("problem %+v on a row outside the group's %v", p, g.Rows)
				}
			}
			checkValidText(t, g.Order)
		}
	})
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func checkValidText(t *testing.T, o model.Order) {
	t.Helper()
	texts := []string{o.ExternalID, string(o.Market), o.Currency, string(o.Status), o.Buyer.Name, o.Buyer.Email,
		o.Buyer.Phone, o.ShippingAddress.Name, o.ShippingAddress.Line1, o.ShippingAddress.City}
	for _, l := range o.Lines {
		texts = append(texts, l.SKU, l.Name, l.DeclaredName)
	}
	for _, s := range texts {
		if !utf8.ValidString(s) {
			t.Fatalf("invalid UTF-8 %q in %+v", s, o)
		}
	}
}

// FuzzRoundTrip: any text in any text column, written by the Writer, reads back unchanged: the
// formula guard and CSV quoting both undo exactly. (Text that looks like Excel's rounding of a
// long number is reported by design and left out.)
func FuzzRoundTrip(f *testing.F) {
	for _, s := range []string{"", "=1+1", "'=x", "''", "+1 206", "-", "@", "a,b", "a\"b", "line\nbreak", "蓝牙耳机", "'s-Hertogenbosch", "sep=;"} {
		f.Add(s, s, int64(1299), uint8(0))
	}
	currencies := []string{"USD", "JPY", "IDR", "VND", "BHD", "GBP"}
	f.Fuzz(func(t *testing.T, text, sku string, amount int64, cur uint8) {
		// The Reader trims cells and keeps only valid UTF-8 without U+FFFD; "\r\n" in a quoted
		// cell reads as "\n" (as encoding/csv has it). Texts outside that are out of scope.
		if !utf8.ValidString(text) || !utf8.ValidString(sku) || bytes.ContainsRune([]byte(text+sku), utf8.RuneError) ||
			trimmed(text) != text || trimmed(sku) != sku || bytes.Contains([]byte(text+sku), []byte("\r")) ||
			sku == "" || amount == math.MinInt64 || csvio.ExcelScientific(text) || csvio.ExcelScientific(sku) {
			return
		}
		code := currencies[int(cur)%len(currencies)]
		o := model.Order{
			ExternalID: sku, Market: "US", Currency: code, Status: model.StatusUnpaid,
			Buyer:           model.Buyer{Name: text},
			ShippingAddress: model.Address{Line1: text, Line2: text},
			Lines: []model.Line{{SKU: sku, Name: text, Quantity: 1, DeclaredName: text,
				UnitPrice: model.Money{Amount: amount, Currency: code}}},
		}
		_, groups := readAll(t, writeOrders(t, o), Options{})
		if len(groups) != 1 || len(groups[0].Problems) > 0 {
			t.Fatalf("%q: groups %+v", text, groups)
		}
		got := groups[0].Order
		l := got.Lines[0]
		if got.ExternalID != sku || got.Buyer.Name != text || got.ShippingAddress.Line2 != text || l.Name != text ||
			l.SKU != sku || l.UnitPrice != o.Lines[0].UnitPrice {
			t.Fatalf("wrote %+v\nread  %+v", o, got)
		}
	})
}

func trimmed(s string) string { return string(bytes.TrimSpace([]byte(s))) }

// FuzzDecimal: what formatAmount writes, parseDecimal reads back exactly; whatever
// parseDecimal accepts, formatAmount writes in a form it reads back to the same amount.
func FuzzDecimal(f *testing.F) {
	for _, s := range []string{"12.99", "1,299.00", "0", "-5", ".5", "1 000", "149.000", "9223372036854775807"} {
		f.Add(s, int64(1299), uint8(2), true)
	}
	f.Fuzz(func(t *testing.T, s string, v int64, scale uint8, comma bool) {
		sc := int(scale % 5)
		dec := byte('.')
		if comma {
			dec = ','
		}
		if v != math.MinInt64 {
			text := formatAmount(v, sc)
			if dec == ',' {
				text = string(bytes.ReplaceAll([]byte(text), []byte("."), []byte(",")))
			}
			got, err := parseDecimal(text, sc, dec)
			if err != nil || got != v {
				t.Fatalf("formatAmount(%d, %d) = %q, read back as %d, %v", v, sc, text, got, err)
			}
		}
		got, err := parseDecimal(s, sc, '.')
		if err != nil {
			if err.code == "" || err.msg == "" {
				t.Fatalf("parseDecimal(%q): incomplete error %+v", s, err)
			}
			return
		}
		again, err := parseDecimal(formatAmount(got, sc), sc, '.')
		if err != nil || again != got {
			t.Fatalf("parseDecimal(%q) = %d, formatted %q, read again %d, %v", s, got, formatAmount(got, sc), again, err)
		}
	})
}
