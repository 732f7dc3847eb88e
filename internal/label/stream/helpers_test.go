package stream_test

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"image"
	"image/color"
	stdpng "image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"lastmile/internal/label"
	"lastmile/internal/label/labeltest"
	"lastmile/internal/label/png"
	"lastmile/internal/testtool"
)

// prepared returns n labels with generated tracking numbers of every length and character
// set, to every market in turn (three in ten to GB, DE or FR, with the anti-counterfeit QR),
// prepared at dpi on 4×6 in stock.
func prepared(t testing.TB, n int, dpi int) []*label.Prepared {
	t.Helper()
	return preparedOpt(t, n, label.Options{Size: label.Size4x6, DPI: dpi})
}

// preparedOpt is prepared with any options.
func preparedOpt(t testing.TB, n int, opt label.Options) []*label.Prepared {
	t.Helper()
	markets := labeltest.Markets()
	numbers := labeltest.TrackingNumbers(n, 7, func(s string) bool {
		l := labeltest.Example()
		l.Carrier, l.TrackingNumber = "acme", s
		_, err := label.Prepare(l, opt)
		return err == nil
	})
	out := make([]*label.Prepared, 0, n)
	for i, num := range numbers {
		l := labeltest.For(markets[i%len(markets)].To)
		l.Carrier, l.TrackingNumber = "acme", num
		p, err := label.Prepare(l, opt)
		if err != nil {
			t.Fatalf("%s: %v", num, err)
		}
		out = append(out, p)
	}
	return out
}

// labelPNG is a carrier's raster label as the tests imagine one: lastmile's own label drawn
// by label/png (grey, anti-aliased text), or thresholded to black and white, or turned on its
// side (landscape), or as a paletted or RGBA image.
func labelPNG(t testing.TB, p *label.Prepared, kind string) []byte {
	t.Helper()
	g, err := png.Render(p.Layout())
	if err != nil {
		t.Fatal(err)
	}
	var img image.Image = g
	switch kind {
	case "grey":
	case "bw":
		for i, v := range g.Pix {
			if v < 0x80 {
				g.Pix[i] = 0
			} else {
				g.Pix[i] = 0xff
			}
		}
	case "landscape": // the label turned a quarter turn anticlockwise
		b := g.Bounds()
		r := image.NewGray(image.Rect(0, 0, b.Dy(), b.Dx()))
		for y := range b.Dy() {
			for x := range b.Dx() {
				r.Pix[(b.Dx()-1-x)*r.Stride+y] = g.Pix[y*g.Stride+x]
			}
		}
		img = r
	case "rgba": // transparent background, black ink
		b := g.Bounds()
		r := image.NewNRGBA(b)
		for i, v := range g.Pix {
			r.Pix[4*i+3] = 0xff - v
		}
		img = r
	case "paletted":
		b := g.Bounds()
		r := image.NewPaletted(b, color.Palette{color.RGBA{0xff, 0xff, 0xff, 0xff}, color.RGBA{0, 0, 0, 0xff}})
		for i, v := range g.Pix {
			if v < 0x80 {
				r.Pix[i] = 1
			}
		}
		img = r
	default:
		t.Fatalf("no PNG kind %q", kind)
	}
	var buf bytes.Buffer
	if err := stdpng.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pdfStreams returns the streams of a PDF the stream package wrote, inflated, in file order,
// with their dictionaries.
func pdfStreams(t testing.TB, doc []byte) (dicts []string, data [][]byte) {
	t.Helper()
	re := regexp.MustCompile(`(?s)\d+ 0 obj\n<<([^\n]*?)/Filter /FlateDecode /Length (\d+) >>\nstream\n`)
	for _, m := range re.FindAllSubmatchIndex(doc, -1) {
		n, _ := strconv.Atoi(string(doc[m[4]:m[5]]))
		z, err := zlib.NewReader(bytes.NewReader(doc[m[1] : m[1]+n]))
		if err != nil {
			t.Fatalf("stream at %d: %v", m[0], err)
		}
		b, err := io.ReadAll(z)
		if err != nil {
			t.Fatalf("stream at %d: %v", m[0], err)
		}
		if !bytes.HasPrefix(doc[m[1]+n:], []byte("\nendstream\nendobj\n")) {
			t.Fatalf("stream at %d: /Length %d does not end at endstream", m[0], n)
		}
		dicts = append(dicts, string(doc[m[2]:m[3]]))
		data = append(data, b)
	}
	return dicts, data
}

// contents returns the content streams of the pages, in page order (the writer writes each
// page's content before the next page).
func contents(t testing.TB, doc []byte) [][]byte {
	t.Helper()
	dicts, data := pdfStreams(t, doc)
	var out [][]byte
	for i, d := range dicts {
		if !strings.Contains(d, "/Subtype /Image") {
			out = append(out, data[i])
		}
	}
	return out
}

// rasterContent draws the bars, boxes and QR modules of one label page's content stream at
// dpi with labeltest's rasteriser, without any tool outside Go.
func rasterContent(t testing.TB, content []byte, size label.Size, dpi int) *image.Gray {
	t.Helper()
	doc := fmt.Appendf(nil, "/MediaBox [0 0 %.2f %.2f]\nstream\n%sendstream", size.W*72/25.4, size.H*72/25.4, content)
	imgs, err := labeltest.RasterPDF(doc, dpi)
	if err != nil || len(imgs) != 1 {
		t.Fatalf("rasterising a page: %d images, %v", len(imgs), err)
	}
	return imgs[0]
}

// scan checks that img, the rendering of the label p at its resolution, scans back to its
// tracking number and, when it has one, its QR content.
func scan(t testing.TB, what string, p *label.Prepared, img image.Image) {
	t.Helper()
	scanAt(t, what, p, img, 1)
}

// scanAt is scan for an image rendered at k times the label's resolution.
func scanAt(t testing.TB, what string, p *label.Prepared, img image.Image, k int) {
	t.Helper()
	pg := p.Layout()
	area := func(r image.Rectangle) image.Rectangle {
		return image.Rectangle{Min: r.Min.Mul(k), Max: r.Max.Mul(k)}
	}
	got, err := labeltest.DecodeCode128(labeltest.Crop(img, area(labeltest.BarcodeArea(pg))))
	if err != nil || got != pg.TrackingNumber {
		t.Errorf("%s: Code 128 of %s scanned as %q (%v)", what, pg.TrackingNumber, got, err)
	}
	for _, e := range pg.Elements {
		if q, ok := e.(label.QR); ok {
			got, err := labeltest.DecodeQR(labeltest.Crop(img, area(labeltest.QRArea(pg))))
			if err != nil || got != q.Content {
				t.Errorf("%s: QR scanned as %q (%v), want %q", what, got, err, q.Content)
			}
		}
	}
}

// pdftoppm renders the pages of doc at dpi in grey with poppler and returns them decoded,
// in page order: pages first to last (1-based), or every page when the range is not given.
func pdftoppm(t testing.TB, doc []byte, dpi int, firstLast ...int) []*image.Gray {
	t.Helper()
	testtool.Command(t, "pdftoppm", "apt-get install poppler-utils")
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) {
		t.Helper()
		// Grey PGM files, which read back much faster than PNG (no inflating).
		out, err := exec.Command("pdftoppm", append(append([]string{"-r", strconv.Itoa(dpi), "-gray"}, args...), in, filepath.Join(dir, "page"))...).CombinedOutput()
		if err != nil || len(bytes.TrimSpace(out)) > 0 { // poppler reports a broken file on stderr and carries on
			t.Fatalf("pdftoppm %v: %v\n%s", args, err, out)
		}
	}
	if len(firstLast) == 2 {
		run("-f", strconv.Itoa(firstLast[0]), "-l", strconv.Itoa(firstLast[1]))
	} else {
		run()
	}
	paths, err := filepath.Glob(filepath.Join(dir, "page-*.pgm"))
	if err != nil {
		t.Fatal(err)
	}
	// pdftoppm pads the page numbers to the width of the last page's; sort by the number.
	num := func(p string) int {
		n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(filepath.Base(p), "page-"), ".pgm"))
		return n
	}
	slices.SortFunc(paths, func(a, b string) int { return num(a) - num(b) })
	var out []*image.Gray
	for _, p := range paths {
		out = append(out, readPGM(t, p))
	}
	return out
}

// readPGM reads a binary greyscale PGM file (P5, maximum 255) as pdftoppm writes it.
func readPGM(t testing.TB, path string) *image.Gray {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// The header is four fields separated by white space (P5, width, height, maximum), then
	// one white-space byte before the pixels.
	var fields []string
	n := 0
	for len(fields) < 4 && n < len(b) {
		for n < len(b) && strings.IndexByte(" \t\r\n", b[n]) >= 0 {
			n++
		}
		start := n
		for n < len(b) && strings.IndexByte(" \t\r\n", b[n]) < 0 {
			n++
		}
		fields = append(fields, string(b[start:n]))
	}
	n++
	if len(fields) != 4 || fields[0] != "P5" || fields[3] != "255" {
		t.Fatalf("%s: not a PGM of pdftoppm's: %q", path, fields)
	}
	w, _ := strconv.Atoi(fields[1])
	h, _ := strconv.Atoi(fields[2])
	if len(b)-n != w*h {
		t.Fatalf("%s: %d bytes of pixels for %d×%d", path, len(b)-n, w, h)
	}
	return &image.Gray{Pix: b[n:], Stride: w, Rect: image.Rect(0, 0, w, h)}
}

func readGray(t testing.TB, path string) *image.Gray {
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
	if g, ok := img.(*image.Gray); ok {
		return g
	}
	b := img.Bounds()
	g := image.NewGray(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			g.Set(x, y, img.At(x, y))
		}
	}
	return g
}

// pdfinfo returns the page count poppler reads from doc, failing on any complaint.
func pdfinfo(t testing.TB, doc []byte) int {
	t.Helper()
	testtool.Command(t, "pdfinfo", "apt-get install poppler-utils")
	in := filepath.Join(t.TempDir(), "in.pdf")
	if err := os.WriteFile(in, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("pdfinfo", in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil || stderr.Len() > 0 {
		t.Fatalf("pdfinfo: %v\n%s", err, stderr.Bytes())
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)$`).FindSubmatch(stdout.Bytes())
	if m == nil {
		t.Fatalf("pdfinfo gave no page count:\n%s", stdout.Bytes())
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// qpdfCheck runs qpdf --check on doc when qpdf is installed: a second, stricter reader of the
// structure (cross-reference offsets, stream lengths, the page tree). CI does not install
// qpdf, so its absence is only logged: pdfinfo and pdftoppm, which CI has, read every file too.
func qpdfCheck(t testing.TB, doc []byte) {
	t.Helper()
	if _, err := exec.LookPath("qpdf"); err != nil {
		t.Log("qpdf is not installed (apt-get install qpdf): structure not checked by qpdf")
		return
	}
	in := filepath.Join(t.TempDir(), "in.pdf")
	if err := os.WriteFile(in, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("qpdf", "--check", in).CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("No syntax or stream encoding errors found")) {
		t.Fatalf("qpdf --check: %v\n%s", err, out)
	}
}

// checkXref checks the cross-reference table of doc: startxref points at it, it lists every
// object, and each entry's offset is where that object begins.
func checkXref(t testing.TB, doc []byte) {
	t.Helper()
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(doc)
	if m == nil {
		t.Fatal("no startxref at the end")
	}
	at, _ := strconv.Atoi(string(m[1]))
	if at >= len(doc) || !bytes.HasPrefix(doc[at:], []byte("xref\n0 ")) {
		t.Fatalf("startxref %d does not point at the xref table", at)
	}
	var count int
	rest := doc[at+len("xref\n0 "):]
	nl := bytes.IndexByte(rest, '\n')
	count, _ = strconv.Atoi(string(rest[:nl]))
	rest = rest[nl+1:]
	if len(rest) < 20*count || string(rest[:20]) != "0000000000 65535 f \n" {
		t.Fatalf("xref of %d entries is short or does not start with the free entry", count)
	}
	for num := 1; num < count; num++ {
		e := rest[20*num : 20*num+20]
		off, err := strconv.Atoi(string(e[:10]))
		if err != nil || string(e[10:]) != " 00000 n \n" {
			t.Fatalf("xref entry %d is %q", num, e)
		}
		if want := fmt.Sprintf("%d 0 obj\n", num); off >= len(doc) || !bytes.HasPrefix(doc[off:], []byte(want)) {
			t.Fatalf("xref entry %d points at offset %d, which is not object %d", num, off, num)
		}
	}
	if got := bytes.Count(doc, []byte(" 0 obj\n")); got != count-1 {
		t.Fatalf("%d objects, the xref lists %d", got, count-1)
	}
}

// checkGeometry checks img, the rendering of the label p at its resolution, dot for dot
// where it matters: across the middle of the barcode, from quiet zone to quiet zone, the
// dark pixels are exactly the layout's bars, and the centre of every QR module is dark
// exactly where the symbol's module is.
func checkGeometry(t testing.TB, what string, p *label.Prepared, img *image.Gray) {
	t.Helper()
	pg := p.Layout()
	dark := func(x, y int) bool { return img.GrayAt(x, y).Y < 0x80 }
	for _, e := range pg.Elements {
		switch e := e.(type) {
		case label.Barcode:
			want := make([]bool, pg.WDots)
			for _, r := range e.Bars() {
				for x := r.X; x < r.X+r.W; x++ {
					want[x] = true
				}
			}
			qz := label.QuietZoneModules * e.Module
			y := e.Y + e.Height/2
			for x := max(0, e.X-qz); x < min(pg.WDots, e.X+e.Width()+qz); x++ {
				if dark(x, y) != want[x] {
					t.Errorf("%s: barcode row %d, dot %d is dark=%v, the layout says %v", what, y, x, dark(x, y), want[x])
					return
				}
			}
		case label.QR:
			for j := range e.N {
				for i := range e.N {
					x, y := e.X+i*e.Module+e.Module/2, e.Y+j*e.Module+e.Module/2
					if dark(x, y) != e.Dark[j*e.N+i] {
						t.Errorf("%s: QR module (%d, %d) is dark=%v, the symbol says %v", what, i, j, dark(x, y), e.Dark[j*e.N+i])
						return
					}
				}
			}
		}
	}
}
