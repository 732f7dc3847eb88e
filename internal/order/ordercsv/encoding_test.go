package ordercsv

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"lastmile/internal/csvio"
)

var update = flag.Bool("update", false, "rewrite the generated files in testdata")

// encodeWith encodes UTF-8 text as Excel would save it.
func encodeWith(t testing.TB, enc encoding.Encoding, utf8Text []byte) []byte {
	t.Helper()
	out, err := enc.NewEncoder().Bytes(utf8Text)
	if err != nil {
		t.Fatalf("encoding: %v", err)
	}
	return out
}

// TestGB18030File: testdata/orders_zh_gb18030.csv is orders_zh.csv as Chinese Excel saves it,
// made with the x/text encoder (go test -run TestGB18030File -update rewrites it).
func TestGB18030File(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile(filepath.Join("testdata", "orders_zh.csv"))
	if err != nil {
		t.Fatal(err)
	}
	want := encodeWith(t, simplifiedchinese.GB18030, src)
	path := filepath.Join("testdata", "orders_zh_gb18030.csv")
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
		t.Fatalf("%s is not orders_zh.csv in GB18030; run with -update", path)
	}
	if bytes.Equal(got, src) {
		t.Fatal("the GB18030 file is the UTF-8 one")
	}
}

// TestEncodings reads one order written in every encoding and, for UTF-16, in Excel's
// tab-separated "Unicode text" form.
func TestEncodings(t *testing.T) {
	t.Parallel()
	text := "订单号,SKU,数量,商品名称,收件人\r\nA1,S1,2,\"蓝牙耳机, 白色\",张伟\r\n"
	tabs := "订单号\tSKU\t数量\t商品名称\t收件人\r\nA1\tS1\t2\t蓝牙耳机, 白色\t张伟\r\n"
	utf16le := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
	utf16be := unicode.UTF16(unicode.BigEndian, unicode.UseBOM)
	tests := []struct {
		name string
		data []byte
		enc  string
	}{
		{"utf-8", []byte(text), EncodingUTF8},
		{"utf-8 with BOM", append([]byte("\ufeff"), text...), EncodingUTF8BOM},
		{"gbk", encodeWith(t, simplifiedchinese.GBK, []byte(text)), EncodingGB18030},
		{"gb18030", encodeWith(t, simplifiedchinese.GB18030, []byte(text)), EncodingGB18030},
		{"utf-16le tabs", encodeWith(t, utf16le, []byte(tabs)), EncodingUTF16LE},
		{"utf-16be tabs", encodeWith(t, utf16be, []byte(tabs)), EncodingUTF16BE},
		{"utf-16le commas", encodeWith(t, utf16le, []byte(text)), EncodingUTF16LE},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, groups := readAll(t, tc.data, Options{})
			if r.Encoding() != tc.enc {
				t.Errorf("encoding %s, want %s", r.Encoding(), tc.enc)
			}
			if len(groups) != 1 || len(groups[0].Problems) > 0 {
				t.Fatalf("groups %+v", groups)
			}
			o := groups[0].Order
			if o.ExternalID != "A1" || o.Lines[0].Name != "蓝牙耳机, 白色" || o.Lines[0].Quantity != 2 || o.ShippingAddress.Name != "张伟" {
				t.Errorf("order %+v", o)
			}
		})
	}
}

// TestLateInvalidUTF8: a UTF-8 file with a GBK cell after the first 64 KiB is read as UTF-8 and
// the bad cell is a problem on its row, named by its column.
func TestLateInvalidUTF8(t *testing.T) {
	t.Parallel()
	var rows []map[string]string
	for i := 0; i < 1000; i++ {
		rows = append(rows, goodRow("A"+strconv.Itoa(i)))
	}
	gbk := string(encodeWith(t, simplifiedchinese.GBK, []byte("张伟")))
	rows = append(rows, goodRow("Z", "ship_name", gbk))
	in := csvRows(rows...)
	if len(in) < csvio.SniffSize {
		t.Fatalf("only %d bytes", len(in))
	}
	r, groups := readAll(t, []byte(in), Options{})
	if r.Encoding() != EncodingUTF8 {
		t.Errorf("encoding %s", r.Encoding())
	}
	last := groups[len(groups)-1]
	want := []string{"1002 invalid_encoding ship_name"}
	if got := problemList(groups...); len(got) != 1 || got[0] != want[0] {
		t.Errorf("problems %q, want %q", got, want)
	}
	if s := last.Order.ShippingAddress.Name; !strings.Contains(s, "\ufffd") || !utf8.ValidString(s) {
		t.Errorf("name %q: want the bad bytes replaced", s)
	}
}

// TestInvalidGB18030: bytes that are not GB18030 either become U+FFFD and a problem.
func TestInvalidGB18030(t *testing.T) {
	t.Parallel()
	data := append(encodeWith(t, simplifiedchinese.GB18030, []byte("订单号,SKU,数量,商品名称\nA,S,1,耳机")), 0x81, 0x20, '\n')
	r, groups := readAll(t, data, Options{})
	if r.Encoding() != EncodingGB18030 {
		t.Fatalf("encoding %s", r.Encoding())
	}
	if got := problemList(groups...); len(got) != 1 || got[0] != "2 invalid_encoding 商品名称" { // the file's own column
		t.Errorf("problems %q", got)
	}
}
