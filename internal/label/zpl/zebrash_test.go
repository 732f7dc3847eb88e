package zpl_test

import (
	"bytes"
	"fmt"
	"image"
	stdpng "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"lastmile/internal/label"
	"lastmile/internal/label/labeltest"
	"lastmile/internal/label/zpl"
	"lastmile/internal/testtool"
)

// zebrashLabels are labels with the tracking-number shapes carriers use, for the barcode's
// subsets: all digits (subset C), letters then an even digit tail (B then C), S10 (B, C, B),
// odd runs of digits at the start, in the middle, at the end and throughout, and the three
// markets with the anti-counterfeit QR (R-LBL-5).
func zebrashLabels() []label.Label {
	market := map[string]label.Label{}
	for _, m := range labeltest.Markets() {
		market[m.Market] = labeltest.For(m.To)
	}
	cases := []struct{ market, carrier, number string }{
		{"US", "usps", "9400111899223197428497"},          // USPS, 22 digits
		{"US", "ups", "1Z999AA10123456784"},               // UPS: B, then C for the ten-digit tail
		{"US", "ups", labeltest.UPS("12345E020000001")},   // UPS with a longer digit tail
		{"US", "acme", "123456789012345678901"},           // 21 digits: C, and one digit in B
		{"US", "acme", "12345ABCDEFGH"},                   // five digits, then letters
		{"US", "acme", "X1234567890123Y"},                 // thirteen digits between letters
		{"US", "acme", "AB1234567"},                       // seven digits at the end
		{"US", "acme", "JJD01234567890123456789"},         // letters, then twenty digits
		{"GB", "royal-mail", "LX123456785GB"},             // S10, with the QR
		{"DE", "acme", "00340434161094042557"},            // 20 digits, with the QR
		{"FR", "acme", "6A12345678901"},                   // eleven digits at the end, with the QR
		{"GB", "royal-mail", "RB123456785GB"},             // the golden S10
		{"DE", "acme", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"},      // letters only: subset B
		{"FR", "acme", "1A2B3C4D5E6F7G8H9I0J"},            // no digit pairs worth packing
		{"US", "acme", "1234567890123456789012345678901"}, // 31 digits
	}
	var out []label.Label
	for _, c := range cases {
		l := market[c.market]
		l.Carrier, l.TrackingNumber = c.carrier, c.number
		out = append(out, l)
	}
	return out
}

// TestZebrash renders the ZPL of labels of every tracking-number shape with zebrash, the
// open-source ZPL renderer behind several label viewers, at 203 and 300 dpi, and scans each
// image with zbar and with gozxing: the Code 128 must give back the tracking number, the QR
// its content, and the bars must be where the layout put them, as wide as it measured them,
// with their quiet zones inside the label.
func TestZebrash(t *testing.T) {
	t.Parallel()
	node, pkg := testtool.NodeModule(t, "zpl-renderer-js")
	testtool.Command(t, "zbarimg", "apt-get install zbar-tools")
	labels := zebrashLabels()
	for _, dpi := range []int{203, 300} {
		t.Run(strconv.Itoa(dpi), func(t *testing.T) {
			t.Parallel()
			var pages []*label.Page
			var z []byte
			for _, l := range labels {
				p, err := label.Prepare(l, label.Options{Size: label.Size4x6, DPI: dpi})
				if err != nil {
					t.Fatalf("%s %s: %v", l.Carrier, l.TrackingNumber, err)
				}
				pg := p.Layout()
				pages = append(pages, pg)
				z = zpl.Append(z, pg)
			}
			paths := zebrash(t, node, pkg, z, pages[0])
			if len(paths) != len(pages) {
				t.Fatalf("zebrash drew %d labels, want %d", len(paths), len(pages))
			}
			for i, pg := range pages {
				what := fmt.Sprintf("%d dpi %s", dpi, pg.TrackingNumber)
				img := readGray(t, paths[i])
				if b := img.Bounds(); b.Dx() != pg.WDots || b.Dy() != pg.HDots {
					t.Fatalf("%s: image %v, want %d×%d dots", what, b, pg.WDots, pg.HDots)
				}
				checkBars(t, what, pg, img)
				scanZebrash(t, what, pg, img, paths[i])
			}
		})
	}
}

// zebrash renders the ZPL z, formats of the size of pg, with testdata/zebrash.cjs and returns
// the PNG files in label order.
func zebrash(t *testing.T, node, pkg string, z []byte, pg *label.Page) []string {
	t.Helper()
	dir := t.TempDir()
	dpmm := map[int]float64{203: 8, 300: 12}[pg.DPI]
	mm := func(dots int) string { return strconv.FormatFloat(float64(dots)/dpmm, 'f', -1, 64) }
	cmd := exec.Command(node, filepath.Join("testdata", "zebrash.cjs"), pkg,
		strconv.FormatFloat(dpmm, 'f', -1, 64), mm(pg.WDots), mm(pg.HDots), dir)
	cmd.Stdin = bytes.NewReader(z)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("zebrash: %v\n%s", err, out)
	}
	t.Logf("%d dpi: %s", pg.DPI, strings.TrimSpace(string(out)))
	paths, err := filepath.Glob(filepath.Join(dir, "label-*.png"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(paths)
	return paths
}

func readGray(t *testing.T, path string) *image.Gray {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := stdpng.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	g, ok := img.(*image.Gray)
	if !ok {
		b := img.Bounds()
		g = image.NewGray(b)
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				g.Set(x, y, img.At(x, y))
			}
		}
	}
	return g
}

func dark(img *image.Gray, x, y int) bool { return img.GrayAt(x, y).Y < 128 }

// checkBars measures the bars zebrash drew: across the whole width of the label, in the rows
// the layout gave the bars (nothing else is drawn there), the dark pixels must span exactly the
// symbol the layout measured, its quiet zones must lie inside the label, and the first bar
// must be as high as the layout made it.
func checkBars(t *testing.T, what string, pg *label.Page, img *image.Gray) {
	t.Helper()
	var bc label.Barcode
	for _, e := range pg.Elements {
		if b, ok := e.(label.Barcode); ok {
			bc = b
		}
	}
	x0, x1 := pg.WDots, -1
	for y := bc.Y; y < bc.Y+bc.Height; y++ {
		for x := 0; x < pg.WDots; x++ {
			if dark(img, x, y) {
				x0, x1 = min(x0, x), max(x1, x+1)
			}
		}
	}
	if x1 < 0 {
		t.Errorf("%s: no bars in rows %d to %d", what, bc.Y, bc.Y+bc.Height)
		return
	}
	y0, y1 := bc.Y+bc.Height/2, bc.Y+bc.Height/2
	for y0 > 0 && dark(img, x0, y0-1) {
		y0--
	}
	for y1 < pg.HDots && dark(img, x0, y1) {
		y1++
	}
	got := image.Rect(x0, y0, x1, y1)
	want := image.Rect(bc.X, bc.Y, bc.X+bc.Width(), bc.Y+bc.Height)
	if got != want {
		t.Errorf("%s: bars drawn at %v (%d dots wide), the layout measured %v (%d dots wide)", what, got, got.Dx(), want, want.Dx())
	}
	if qz := label.QuietZoneModules * bc.Module; x0-qz < 0 || x1+qz > pg.WDots {
		t.Errorf("%s: bars %d to %d with quiet zones of %d dots leave the label (%d dots wide)", what, x0, x1, qz, pg.WDots)
	}
}

// scanZebrash scans the Code 128 and the QR of img (the file path) with gozxing and zbar.
func scanZebrash(t *testing.T, what string, pg *label.Page, img *image.Gray, path string) {
	t.Helper()
	want := []string{"CODE-128:" + pg.TrackingNumber}
	area := labeltest.BarcodeArea(pg)
	band := image.Rect(0, area.Min.Y, pg.WDots, area.Max.Y) // the whole width: bars drawn too wide are still read
	if got, err := labeltest.DecodeCode128(labeltest.Crop(img, band)); err != nil || got != pg.TrackingNumber {
		t.Errorf("%s: gozxing read the Code 128 as %q (%v)", what, got, err)
	}
	for _, e := range pg.Elements {
		if q, ok := e.(label.QR); ok {
			want = append(want, "QR-Code:"+q.Content)
			if got, err := labeltest.DecodeQR(labeltest.Crop(img, labeltest.QRArea(pg))); err != nil || got != q.Content {
				t.Errorf("%s: gozxing read the QR as %q (%v)", what, got, err)
			}
		}
	}
	slices.Sort(want)
	got, err := labeltest.Zbarimg(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s: zbarimg read %q, want %q", what, got, want)
	}
}
