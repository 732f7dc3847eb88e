package stream

import (
	"bytes"
	"encoding/hex"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// TestGraphicEncoding decodes the graphic data appendGraphic writes, by the rules of ZPL's
// compressed ASCII hex, and compares it with the raster thresholded: random rasters with runs
// of every length, repeated rows, widths that are not a whole number of bytes, and rows longer
// than the longest repeat count (over 419 hex digits).
func TestGraphicEncoding(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		w, h := 1+r.IntN(200), 1+r.IntN(30)
		if i%4 == 0 {
			w = 1600 + r.IntN(1000)
		}
		img := raster{w: w, h: h, pix: make([]byte, w*h)}
		for y := range h {
			row := img.pix[y*w : (y+1)*w]
			if y > 0 && r.IntN(3) == 0 {
				copy(row, img.pix[(y-1)*w:y*w])
				continue
			}
			for x := 0; x < w; {
				v := byte(r.IntN(256))
				for run := 1 + r.IntN([]int{3, 40, 2000}[r.IntN(3)]); run > 0 && x < w; run, x = run-1, x+1 {
					row[x] = v
				}
			}
		}
		bits, rowBytes := packBlack(nil, &img)
		gotBits, gotRow := decodeGraphic(t, appendGraphic(nil, bits, rowBytes), rowBytes)
		if gotRow != (w+7)/8 || !bytes.Equal(gotBits, bits) {
			t.Fatalf("raster %d (%d×%d): the graphic decodes to other bits", i, w, h)
		}
		for y := range h {
			for x := range w {
				black := bits[y*rowBytes+x/8]&(0x80>>(x%8)) != 0
				if black != (img.pix[y*w+x] < 0x80) {
					t.Fatalf("raster %d (%d×%d): pixel (%d, %d) of grey %d packed as black=%v", i, w, h, x, y, img.pix[y*w+x], black)
				}
			}
		}
	}
}

// decodeGraphic decodes compressed ASCII hex as Zebra's guide describes it: G to Y repeat the
// next hex digit 1 to 19 times, g to z 20 to 400 times, and counts add up; "," fills the rest
// of the row with 0 and "!" with 1; ":" repeats the row before.
func decodeGraphic(t *testing.T, data []byte, rowBytes int) ([]byte, int) {
	t.Helper()
	rowHex := 2 * rowBytes
	var digits, row, prev []byte
	n := 0
	endRow := func() {
		digits = append(digits, row...)
		prev, row = row, nil
	}
	for k, c := range data {
		switch {
		case c >= 'G' && c <= 'Y':
			n += int(c-'G') + 1
		case c >= 'g' && c <= 'z':
			n += 20 * (int(c-'g') + 1)
		case c == ',' || c == '!':
			fill := byte('0')
			if c == '!' {
				fill = 'F'
			}
			for len(row) < rowHex {
				row = append(row, fill)
			}
			endRow()
		case c == ':':
			if len(row) != 0 || prev == nil {
				t.Fatalf("':' inside a row or on the first row, at %d", k)
			}
			row = append(row, prev...)
			endRow()
		case strings.IndexByte("0123456789ABCDEF", c) >= 0:
			for range max(n, 1) {
				row = append(row, c)
			}
			n = 0
			if len(row) > rowHex {
				t.Fatalf("a row overflows at %d", k)
			}
			if len(row) == rowHex {
				endRow()
			}
		default:
			t.Fatalf("%q in the graphic data at %d", c, k)
		}
	}
	if len(row) != 0 || n != 0 {
		t.Fatal("the data ends inside a row")
	}
	bits := make([]byte, len(digits)/2)
	if _, err := hex.Decode(bits, digits); err != nil {
		t.Fatal(err)
	}
	return bits, rowBytes
}

// TestAddPNGGraphicField: the ^GFA field AddPNG writes states the byte counts of its data.
func TestAddPNGGraphicField(t *testing.T) {
	t.Parallel()
	img := image.NewGray(image.Rect(0, 0, 13, 20))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var in bytes.Buffer
	if err := png.Encode(&in, img); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	z := NewZPL(&out)
	if err := z.AddPNG(in.Bytes()); err != nil {
		t.Fatal(err)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	i := strings.Index(s, "^GFA,")
	f := strings.SplitN(s[i+len("^GFA,"):strings.Index(s, "^FS\n^PQ1")], ",", 4)
	total, _ := strconv.Atoi(f[0])
	count, _ := strconv.Atoi(f[1])
	rowBytes, _ := strconv.Atoi(f[2])
	bits, _ := decodeGraphic(t, []byte(f[3]), rowBytes)
	if rowBytes != 2 || total != 40 || count != 40 || len(bits) != 40 {
		t.Errorf("^GFA,%d,%d,%d with %d bytes of data, want 40,40,2 and 40", total, count, rowBytes, len(bits))
	}
	if !strings.Contains(s, "^PW13\n^LL20\n") {
		t.Errorf("no ^PW13 ^LL20 in %q", s)
	}
}

// TestDecodeRaster: every kind of PNG a carrier may send comes out as the grey of its pixels
// composited on white, landscape images turned a quarter turn clockwise, and black-and-white
// images known as such.
func TestDecodeRaster(t *testing.T) {
	t.Parallel()
	const w, h = 5, 3 // landscape: comes out 3 wide, 5 high
	// v(x, y) is the grey of the source pixel; a(x, y) its opacity.
	v := func(x, y int) uint8 { return uint8(x*50 + y*3) }
	a := func(x, y int) uint8 { return uint8(255 - 40*x - y) }
	type want func(x, y int) uint8 // the grey expected at source pixel (x, y)
	over := func(x, y int) uint8 { // v with opacity a, over white
		return uint8((int(v(x, y))*int(a(x, y)) + 255*(255-int(a(x, y))) + 127) / 255)
	}
	bw := func(x, y int) uint8 { return uint8(255 * ((x + y) % 2)) }
	grey := image.NewGray(image.Rect(0, 0, w, h))
	nrgba := image.NewNRGBA(image.Rect(0, 0, w, h))
	rgba := image.NewRGBA(image.Rect(0, 0, w, h))
	g16 := image.NewGray16(image.Rect(0, 0, w, h))
	pal := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.White, color.Black})
	for y := range h {
		for x := range w {
			grey.SetGray(x, y, color.Gray{v(x, y)})
			nrgba.SetNRGBA(x, y, color.NRGBA{v(x, y), v(x, y), v(x, y), a(x, y)})
			rgba.Set(x, y, color.NRGBA{v(x, y), v(x, y), v(x, y), a(x, y)})
			g16.SetGray16(x, y, color.Gray16{uint16(v(x, y)) * 0x101})
			pal.SetColorIndex(x, y, uint8(1-(x+y)%2))
		}
	}
	for _, c := range []struct {
		name string
		img  image.Image
		want want
		bw   bool
	}{
		{"grey", grey, v, false},
		{"nrgba", nrgba, over, false},
		{"rgba", rgba, over, false},
		{"grey16", g16, v, false},
		{"paletted", pal, bw, true},
	} {
		var b bytes.Buffer
		if err := png.Encode(&b, c.img); err != nil {
			t.Fatal(err)
		}
		var r raster
		if err := decodeRaster(b.Bytes(), &r); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if r.w != h || r.h != w || r.bw != c.bw {
			t.Errorf("%s: %d×%d bw=%v, want %d×%d bw=%v", c.name, r.w, r.h, r.bw, h, w, c.bw)
			continue
		}
		for y := range h {
			for x := range w {
				// Clockwise: source (x, y) is at column h-1-y, row x.
				got := r.pix[x*r.w+(h-1-y)]
				// ±2: an RGBA image stores premultiplied 8-bit channels, which rounds twice.
				if d := int(got) - int(c.want(x, y)); d < -2 || d > 2 {
					t.Errorf("%s: source pixel (%d, %d) is %d, want %d", c.name, x, y, got, c.want(x, y))
				}
			}
		}
	}
}
