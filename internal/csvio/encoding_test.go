package csvio

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// encodeWith encodes UTF-8 text as Excel would save it.
func encodeWith(t testing.TB, enc encoding.Encoding, utf8Text string) []byte {
	t.Helper()
	out, err := enc.NewEncoder().Bytes([]byte(utf8Text))
	if err != nil {
		t.Fatalf("encoding: %v", err)
	}
	return out
}

func TestDecode(t *testing.T) {
	t.Parallel()
	text := "仓库,SKU,库存\r\nSZ1,耳机-白,12\r\n"
	tests := []struct {
		name string
		data []byte
		enc  string
	}{
		{"ascii", []byte("a,b\n1,2\n"), EncodingUTF8},
		{"utf-8", []byte(text), EncodingUTF8},
		{"utf-8 with BOM", append([]byte(BOM), text...), EncodingUTF8BOM},
		{"gbk", encodeWith(t, simplifiedchinese.GBK, text), EncodingGB18030},
		{"gb18030", encodeWith(t, simplifiedchinese.GB18030, text), EncodingGB18030},
		{"utf-16le", encodeWith(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), text), EncodingUTF16LE},
		{"utf-16be", encodeWith(t, unicode.UTF16(unicode.BigEndian, unicode.UseBOM), text), EncodingUTF16BE},
		{"empty", nil, EncodingUTF8},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			br, enc, err := Decode(bytes.NewReader(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if enc != tc.enc {
				t.Errorf("encoding %s, want %s", enc, tc.enc)
			}
			got, err := io.ReadAll(br)
			if err != nil {
				t.Fatal(err)
			}
			want := text
			switch tc.name {
			case "ascii":
				want = "a,b\n1,2\n"
			case "empty":
				want = ""
			}
			if string(got) != want {
				t.Errorf("text %q, want %q", got, want)
			}
		})
	}
}

// TestUTF8DetectionBoundary: a Chinese character cut in two by the end of the sniffed prefix
// does not make a UTF-8 file look like GB18030.
func TestUTF8DetectionBoundary(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("external_id,sku,quantity,item_name\n")
	for i := 0; b.Len() < 3*SniffSize; i++ {
		b.WriteString("A,S,1,")
		b.WriteString(strings.Repeat("x", i%3)) // shift the multi-byte characters across the boundary
		b.WriteString("蓝牙耳机\n")
	}
	for shift := range 3 {
		data := []byte(strings.Repeat(" ", shift) + b.String())
		_, enc, err := Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if enc != EncodingUTF8 {
			t.Errorf("shift %d: encoding %s", shift, enc)
		}
	}
}

// TestDecodeReadError: the reader's error is returned, not taken for the end of the file.
func TestDecodeReadError(t *testing.T) {
	t.Parallel()
	errDisk := errors.New("disk on fire")
	if _, _, err := Decode(iotest.ErrReader(errDisk)); !errors.Is(err, errDisk) {
		t.Errorf("Decode: %v", err)
	}
}
