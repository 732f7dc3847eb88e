package label

import (
	"bytes"
	"image"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// TestQRTable checks the block table against the codeword count that the symbol's geometry
// gives, for every version and level: a typo in the table cannot hide.
func TestQRTable(t *testing.T) {
	t.Parallel()
	want := []int{26, 44, 70, 100, 134, 172, 196, 242, 292, 346} // ISO/IEC 18004 table 1
	for v := 1; v <= qrMaxVersion; v++ {
		if got := qrTotalCodewords(v); got != want[v-1] {
			t.Errorf("version %d: %d codewords from the geometry, want %d", v, got, want[v-1])
		}
		for level, b := range qrTable[v-1] {
			if total := b.n1*(b.d1+b.ec) + b.n2*(b.d2+b.ec); total != want[v-1] {
				t.Errorf("version %d level %d: blocks hold %d codewords, want %d", v, level, total, want[v-1])
			}
			if b.n2 > 0 && b.d2 != b.d1+1 {
				t.Errorf("version %d level %d: group 2 blocks must hold one more codeword", v, level)
			}
		}
	}
}

// TestReedSolomon is the worked example of the standard's annex: "HELLO WORLD" at 1-M.
func TestReedSolomon(t *testing.T) {
	t.Parallel()
	data := []byte{32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17}
	want := []byte{196, 35, 39, 119, 235, 215, 231, 226, 93, 23}
	ec := make([]byte, 10)
	rsRemainder(data, rsGenerator(10), ec)
	if !bytes.Equal(ec, want) {
		t.Errorf("EC codewords %v, want %v", ec, want)
	}
}

func qrImage(q qrSymbol, px int) *image.Gray {
	side := (q.n + 2*QRQuietModules) * px
	img := image.NewGray(image.Rect(0, 0, side, side))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for y := range q.n {
		for x := range q.n {
			if !q.dark[y*q.n+x] {
				continue
			}
			for dy := range px {
				row := (QRQuietModules+y)*px + dy
				clear(img.Pix[row*img.Stride+(QRQuietModules+x)*px : row*img.Stride+(QRQuietModules+x+1)*px])
			}
		}
	}
	return img
}

// TestQRDecodes fills every version at every level to capacity and scans it back.
func TestQRDecodes(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for level := qrLevelL; level <= qrLevelH; level++ {
		for v := 1; v <= qrMaxVersion; v++ {
			content := make([]byte, qrCapacity(v, level))
			for i := range content {
				content[i] = byte(0x20 + r.IntN(0x5f))
			}
			q, err := encodeQR(string(content), level, 1)
			if err != nil {
				t.Fatal(err)
			}
			if q.version != v || q.n != 17+4*v {
				t.Errorf("level %d, %d bytes: version %d (%d modules), want %d", level, len(content), q.version, q.n, v)
			}
			bmp, err := gozxing.NewBinaryBitmapFromImage(qrImage(q, 3))
			if err != nil {
				t.Fatal(err)
			}
			res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true})
			if err != nil {
				t.Errorf("version %d level %d: no QR found: %v", v, level, err)
				continue
			}
			if res.GetText() != string(content) {
				t.Errorf("version %d level %d: scanned %q, want %q", v, level, res.GetText(), content)
			}
		}
	}
}

func TestQRVersionChoice(t *testing.T) {
	t.Parallel()
	if q, _ := encodeQR("ab", qrLevelM, 3); q.version != 3 {
		t.Errorf("short content: version %d, want the minimum 3", q.version)
	}
	if q, _ := encodeQR(string(make([]byte, qrCapacity(4, qrLevelM)+1)), qrLevelM, 3); q.version != 5 {
		t.Errorf("one byte over version 4: version %d, want 5", q.version)
	}
	if _, err := encodeQR(string(make([]byte, qrCapacity(qrMaxVersion, qrLevelM)+1)), qrLevelM, 1); err == nil {
		t.Error("content over version 10 encoded")
	}
}
