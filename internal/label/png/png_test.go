package png_test

import (
	"bytes"
	"flag"
	"image"
	stdpng "image/png"
	"io"
	"path/filepath"
	"testing"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"lastmile/internal/label"
	"lastmile/internal/label/labeltest"
	"lastmile/internal/label/png"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// samePixels compares two PNG files by their pixels: at most 0.1% may differ by more than
// a quarter of the grey scale (anti-aliased glyph edges may round differently on another
// CPU); the bars and modules, solid black, must be identical anyway or the scan tests fail.
func samePixels(want, got []byte) bool {
	a, err1 := stdpng.Decode(bytes.NewReader(want))
	b, err2 := stdpng.Decode(bytes.NewReader(got))
	if err1 != nil || err2 != nil || a.Bounds() != b.Bounds() {
		return false
	}
	ga, ok1 := a.(*image.Gray)
	gb, ok2 := b.(*image.Gray)
	if !ok1 || !ok2 {
		return false
	}
	diff := 0
	for i := range ga.Pix {
		d := int(ga.Pix[i]) - int(gb.Pix[i])
		if d > 64 || d < -64 {
			diff++
		}
	}
	return diff*1000 <= len(ga.Pix)
}

func TestGolden(t *testing.T) {
	for _, c := range labeltest.GoldenCases()[:3] {
		t.Run(c.Name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := png.Encode(&buf, c.Page(t)); err != nil {
				t.Fatal(err)
			}
			labeltest.Golden(t, filepath.Join("testdata", c.Name+".png"), buf.Bytes(), *update, samePixels)
		})
	}
}

// TestSameBytes: one label gives one PNG (R-LBL-6).
func TestSameBytes(t *testing.T) {
	t.Parallel()
	pg := labeltest.GoldenCases()[2].Page(t)
	var a, b bytes.Buffer
	if err := png.Encode(&a, pg); err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(&b, pg); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two renderings differ")
	}
}

// TestResolution: one pixel a printer dot, the page's size.
func TestResolution(t *testing.T) {
	t.Parallel()
	for _, c := range labeltest.GoldenCases() {
		pg := c.Page(t)
		img, err := png.Render(pg)
		if err != nil {
			t.Fatal(err)
		}
		w, h := label.PageDots(c.Opt.Size, c.Opt.DPI)
		if img.Bounds() != image.Rect(0, 0, w, h) {
			t.Errorf("%s: %v, want %d×%d", c.Name, img.Bounds(), w, h)
		}
	}
	if w, h := label.PageDots(label.Size4x6, 203); w != 812 || h != 1218 {
		t.Errorf("4×6 at 203 dpi is %d×%d dots, want 812×1218", w, h)
	}
}

// TestTextFitsGoFont measures every line with the Go fonts the renderer draws with: it fits
// the room the layout gave it.
func TestTextFitsGoFont(t *testing.T) {
	t.Parallel()
	fonts := map[bool]*opentype.Font{}
	for bold, ttf := range map[bool][]byte{false: goregular.TTF, true: gobold.TTF} {
		f, err := opentype.Parse(ttf)
		if err != nil {
			t.Fatal(err)
		}
		fonts[bold] = f
	}
	for _, c := range labeltest.GoldenCases() {
		pg := c.Page(t)
		for _, txt := range labeltest.Texts(pg) {
			face, err := opentype.NewFace(fonts[txt.Bold], &opentype.FaceOptions{Size: txt.Size, DPI: float64(pg.DPI), Hinting: font.HintingNone})
			if err != nil {
				t.Fatal(err)
			}
			var adv fixed.Int26_6
			for _, r := range txt.S {
				a, _ := face.GlyphAdvance(r)
				adv += a
			}
			if mm := float64(adv) / 64 * 25.4 / float64(pg.DPI); mm > txt.W {
				t.Errorf("%s: %q is %.2f mm in the Go font, room %.2f", c.Name, txt.S, mm, txt.W)
			}
		}
	}
}

// BenchmarkPNG is the time to render and encode one label preview.
func BenchmarkPNG(b *testing.B) {
	for _, c := range labeltest.GoldenCases()[1:3] {
		b.Run(c.Name, func(b *testing.B) {
			pg := c.Page(b)
			b.ReportAllocs()
			for b.Loop() {
				if err := png.Encode(io.Discard, pg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
