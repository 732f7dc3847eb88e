package label_test

import (
	"bytes"
	"fmt"
	"image"
	stdpng "image/png"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"lastmile/internal/label"
	"lastmile/internal/label/labeltest"
	"lastmile/internal/label/pdf"
	"lastmile/internal/label/png"
	"lastmile/internal/testtool"
)

// A label is correct only if its barcode scans back to the exact tracking number (and its
// QR to the platform's content): these tests render labels for a few hundred generated
// tracking numbers of every length and character set, rasterise them and scan them.

const scanCount = 240

// scanLabels returns n labels with generated tracking numbers of a carrier trackno does not
// know (so any clean number is accepted), to every market in turn: three in ten go to GB, DE
// or FR and carry the QR.
func scanLabels(t *testing.T, n int) []label.Label {
	t.Helper()
	markets := labeltest.Markets()
	var out []label.Label
	numbers := labeltest.TrackingNumbers(n, 42, func(s string) bool {
		l := labeltest.Example()
		l.Carrier, l.TrackingNumber = "acme", s
		_, err203 := label.Prepare(l, label.Options{DPI: 203})
		_, err300 := label.Prepare(l, label.Options{DPI: 300})
		return err203 == nil && err300 == nil
	})
	for i, num := range numbers {
		l := labeltest.For(markets[i%len(markets)].To)
		l.Carrier, l.TrackingNumber = "acme", num
		out = append(out, l)
	}
	return out
}

func prepared(t *testing.T, l label.Label, dpi int) *label.Page {
	t.Helper()
	p, err := label.Prepare(l, label.Options{DPI: dpi})
	if err != nil {
		t.Fatalf("%s: %v", l.TrackingNumber, err)
	}
	return p.Layout()
}

// scanPage checks that img, the rendering of pg, scans back to what pg encodes.
func scanPage(t *testing.T, what string, pg *label.Page, img image.Image) {
	t.Helper()
	got, err := labeltest.DecodeCode128(labeltest.Crop(img, labeltest.BarcodeArea(pg)))
	if err != nil || got != pg.TrackingNumber {
		t.Errorf("%s: Code 128 of %s scanned as %q (%v)", what, pg.TrackingNumber, got, err)
	}
	for _, e := range pg.Elements {
		if q, ok := e.(label.QR); ok {
			got, err := labeltest.DecodeQR(labeltest.Crop(img, labeltest.QRArea(pg)))
			if err != nil || got != q.Content {
				t.Errorf("%s: QR scanned as %q (%v), want %q", what, got, err, q.Content)
			}
		}
	}
}

// TestScanPNG: every label at 203 dpi, one in four at 300 dpi, through the PNG renderer.
func TestScanPNG(t *testing.T) {
	t.Parallel()
	labels := scanLabels(t, scanCount)
	qr := 0
	for i, l := range labels {
		for _, dpi := range []int{203, 300} {
			if dpi == 300 && i%4 != 0 {
				continue
			}
			pg := prepared(t, l, dpi)
			img, err := png.Render(pg)
			if err != nil {
				t.Fatal(err)
			}
			scanPage(t, fmt.Sprintf("png %d dpi label %d", dpi, i), pg, img)
			if dpi == 203 && labeltest.QRArea(pg) != (image.Rectangle{}) {
				qr++
			}
		}
	}
	if qr < scanCount/4 {
		t.Errorf("only %d labels with a QR", qr)
	}
}

// TestScanPNGFile: the PNG files themselves, decoded by image/png, scan.
func TestScanPNGFile(t *testing.T) {
	t.Parallel()
	for i, l := range scanLabels(t, 3) {
		for _, dpi := range []int{203, 300} {
			pg := prepared(t, l, dpi)
			var buf bytes.Buffer
			if err := png.Encode(&buf, pg); err != nil {
				t.Fatal(err)
			}
			img, err := stdpng.Decode(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != pg.WDots || b.Dy() != pg.HDots {
				t.Errorf("image %v, want %d×%d dots", b, pg.WDots, pg.HDots)
			}
			scanPage(t, fmt.Sprintf("png file %d dpi label %d", dpi, i), pg, img)
		}
	}
}

// TestScanPDF: multi-page PDFs at 203 and 300 dpi, their vector bars rasterised at the
// printer's resolution (labeltest.RasterPDF, the file as written, no text), scan.
func TestScanPDF(t *testing.T) {
	t.Parallel()
	labels := scanLabels(t, scanCount)
	for _, dpi := range []int{203, 300} {
		doc := pdf.New(label.Size4x6)
		var pages []*label.Page
		for i, l := range labels {
			if dpi == 300 && i%4 != 0 {
				continue
			}
			pg := prepared(t, l, dpi)
			if err := doc.Add(pg); err != nil {
				t.Fatal(err)
			}
			pages = append(pages, pg)
		}
		var buf bytes.Buffer
		if _, err := doc.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		imgs, err := labeltest.RasterPDF(buf.Bytes(), dpi)
		if err != nil {
			t.Fatal(err)
		}
		if len(imgs) != len(pages) {
			t.Fatalf("%d pages rasterised, %d labels", len(imgs), len(pages))
		}
		for i, pg := range pages {
			scanPage(t, fmt.Sprintf("pdf %d dpi page %d", dpi, i+1), pg, imgs[i])
		}
	}
}

// TestScanExternal: the same through Debian's tools, which read the PDF as a printer driver
// would (poppler's pdftoppm, text included) and scan with another decoder (zbar). CI installs
// them (poppler-utils, zbar-tools) and fails without them; elsewhere the test is skipped with
// a message (testtool).
func TestScanExternal(t *testing.T) {
	t.Parallel()
	testtool.Command(t, "pdftoppm", "apt-get install poppler-utils")
	testtool.Command(t, "zbarimg", "apt-get install zbar-tools")
	labels := scanLabels(t, 8)
	for _, dpi := range []int{203, 300} {
		doc := pdf.New(label.Size4x6)
		var want []string
		var pngs []string
		dir := t.TempDir()
		for i, l := range labels {
			pg := prepared(t, l, dpi)
			if err := doc.Add(pg); err != nil {
				t.Fatal(err)
			}
			want = append(want, "CODE-128:"+pg.TrackingNumber)
			for _, e := range pg.Elements {
				if q, ok := e.(label.QR); ok {
					want = append(want, "QR-Code:"+q.Content)
				}
			}
			if i%4 == 0 {
				var buf bytes.Buffer
				if err := png.Encode(&buf, pg); err != nil {
					t.Fatal(err)
				}
				path := filepath.Join(dir, fmt.Sprintf("label-%02d.png", i))
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				pngs = append(pngs, path)
			}
		}
		slices.Sort(want)
		var buf bytes.Buffer
		if _, err := doc.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		pages, err := labeltest.Pdftoppm(dir, buf.Bytes(), dpi)
		if err != nil {
			t.Fatal(err)
		}
		got, err := labeltest.Zbarimg(pages...)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%d dpi: pdftoppm and zbarimg scanned\n%q\nwant\n%q", dpi, got, want)
		}
		got, err = labeltest.Zbarimg(pngs...)
		if err != nil {
			t.Fatal(err)
		}
		var wantPNG []string
		for i := 0; i < len(labels); i += 4 {
			pg := prepared(t, labels[i], dpi)
			wantPNG = append(wantPNG, "CODE-128:"+pg.TrackingNumber)
			for _, e := range pg.Elements {
				if q, ok := e.(label.QR); ok {
					wantPNG = append(wantPNG, "QR-Code:"+q.Content)
				}
			}
		}
		slices.Sort(wantPNG)
		if !slices.Equal(got, wantPNG) {
			t.Errorf("%d dpi PNG: zbarimg scanned\n%q\nwant\n%q", dpi, got, wantPNG)
		}
	}
}
