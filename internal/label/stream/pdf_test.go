package stream_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"lastmile/internal/label"
	"lastmile/internal/label/labeltest"
	"lastmile/internal/label/pdf"
	"lastmile/internal/label/stream"
	"lastmile/internal/testtool"
)

// writePDF writes the labels as one PDF with the stream writer.
func writePDF(t testing.TB, size label.Size, labels []*label.Prepared) []byte {
	t.Helper()
	var buf bytes.Buffer
	d := stream.NewPDF(&buf, size)
	for _, p := range labels {
		if err := d.AddLabel(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	checkXref(t, buf.Bytes())
	return buf.Bytes()
}

// TestPDFLooksLikeLabelPDF renders the golden labels (every size, both resolutions, the QR,
// COD and battery mark) with label/pdf and with the stream writer, rasterises both with
// poppler at the label's resolution, and requires the same pixels: the merged download prints
// what a single label prints.
func TestPDFLooksLikeLabelPDF(t *testing.T) {
	t.Parallel()
	for _, c := range labeltest.GoldenCases() {
		p, err := label.Prepare(c.Label, c.Opt)
		if err != nil {
			t.Fatal(err)
		}
		var single bytes.Buffer
		if err := pdf.Render(&single, p.Layout()); err != nil {
			t.Fatal(err)
		}
		merged := writePDF(t, c.Opt.Size, []*label.Prepared{p})
		want := pdftoppm(t, single.Bytes(), c.Opt.DPI)
		got := pdftoppm(t, merged, c.Opt.DPI)
		if len(got) != 1 || len(want) != 1 {
			t.Fatalf("%s: %d and %d pages", c.Name, len(got), len(want))
		}
		if got[0].Bounds() != want[0].Bounds() {
			t.Fatalf("%s: page %v, label/pdf's %v", c.Name, got[0].Bounds(), want[0].Bounds())
		}
		if diff := differentPixels(got[0], want[0]); diff > 0 {
			t.Errorf("%s: %d pixels differ from label/pdf's rendering", c.Name, diff)
		}
		scan(t, c.Name, p, got[0])
	}
}

// differentPixels counts the pixels of two images of the same bounds that differ.
func differentPixels(a, b *image.Gray) int {
	n := 0
	for i := range a.Pix {
		if a.Pix[i] != b.Pix[i] {
			n++
		}
	}
	return n
}

// TestPDFThousand writes 1,000 labels into one PDF: poppler reads 1,000 pages (two nodes of
// the page tree); every page, rasterised in Go from its content stream, has its label's bars
// and QR modules exactly where the layout puts them, and one in ten is scanned with gozxing
// (every one without the race detector, which slows the decoder tenfold); and twenty pages at
// both ends of the file, rendered whole by pdftoppm, text included, scan too.
func TestPDFThousand(t *testing.T) {
	t.Parallel()
	labels := prepared(t, 1000, 203)
	doc := writePDF(t, label.Size4x6, labels)
	if n := pdfinfo(t, doc); n != len(labels) {
		t.Fatalf("pdfinfo reads %d pages, want %d", n, len(labels))
	}
	qpdfCheck(t, doc)
	if nodes := regexp.MustCompile(`/Type /Pages /Parent 2 0 R /Kids \[[^\]]*\] /Count (\d+)`).FindAllSubmatch(doc, -1); len(nodes) != 2 ||
		string(nodes[0][1]) != "512" || string(nodes[1][1]) != "488" {
		t.Errorf("page tree nodes %q, want two of 512 and 488 pages", nodes)
	}
	cs := contents(t, doc)
	if len(cs) != len(labels) {
		t.Fatalf("%d content streams, want %d", len(cs), len(labels))
	}
	for i, p := range labels {
		what := fmt.Sprintf("page %d (Go rasteriser)", i+1)
		img := rasterContent(t, cs[i], label.Size4x6, 203)
		checkGeometry(t, what, p, img)
		if !raceEnabled || i%10 == 0 {
			scan(t, what, p, img)
		}
	}
	for _, first := range []int{1, 991} { // the first pages of the first node, the last of the second
		imgs := pdftoppm(t, doc, 203, first, first+9)
		if len(imgs) != 10 {
			t.Fatalf("pdftoppm rendered %d pages, want 10", len(imgs))
		}
		for i, img := range imgs {
			what := fmt.Sprintf("page %d (pdftoppm)", first+i)
			checkGeometry(t, what, labels[first+i-1], img)
			scan(t, what, labels[first+i-1], img)
		}
	}
}

// TestPDFMixed: lastmile's labels at 203 and 300 dpi, carriers' label images of every kind
// (grey, black and white, landscape, transparent RGBA, paletted) and a note, in one document.
// Every page renders with pdftoppm, every label and image scans back, black-and-white images
// are embedded at one bit a pixel and grey ones at eight, and the note's text is there.
func TestPDFMixed(t *testing.T) {
	t.Parallel()
	l203 := prepared(t, 6, 203)
	l300 := prepared(t, 2, 300)
	kinds := []string{"grey", "bw", "landscape", "rgba", "paletted"}
	note := []string{"The label of shipment shp_01JD3Q3K8Z7W2M5N6P4R9S0T1V is the carrier's own PDF;",
		"download it from https://lastmile.example.com/v1/shipments/shp_01JD3Q3K8Z7W2M5N6P4R9S0T1V/label?format=pdf"}

	var buf bytes.Buffer
	d := stream.NewPDF(&buf, label.Size4x6)
	var want []*label.Prepared // the label each page shows; nil for the note
	add := func(err error, p *label.Prepared) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, p)
	}
	add(d.AddLabel(l300[0]), l300[0])
	add(d.AddLabel(l300[1]), l300[1])
	add(d.AddLabel(l203[0]), l203[0])
	for i, k := range kinds {
		add(d.AddPNG(labelPNG(t, l203[i+1], k)), l203[i+1])
	}
	add(d.AddNote(note), nil)
	if d.Pages() != len(want) {
		t.Errorf("Pages() = %d, want %d", d.Pages(), len(want))
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	doc := buf.Bytes()
	checkXref(t, doc)
	qpdfCheck(t, doc)
	if n := pdfinfo(t, doc); n != len(want) {
		t.Fatalf("pdfinfo reads %d pages, want %d", n, len(want))
	}

	dicts, _ := pdfStreams(t, doc)
	var bits []string
	for _, dict := range dicts {
		if strings.Contains(dict, "/Subtype /Image") {
			bits = append(bits, regexp.MustCompile(`/BitsPerComponent \d`).FindString(dict))
		}
	}
	wantBits := []string{"/BitsPerComponent 8", "/BitsPerComponent 1", "/BitsPerComponent 8", "/BitsPerComponent 8", "/BitsPerComponent 1"}
	if strings.Join(bits, ",") != strings.Join(wantBits, ",") {
		t.Errorf("images %q, want %q (grey, bw, landscape grey, rgba, paletted)", bits, wantBits)
	}

	// Rendered at twice the labels' resolution: poppler draws an image of 812 pixels across
	// 812 device pixels as if it were 811, merging a column, which can break a bar of two
	// dots; a printer driver at 203 dpi may do the same, which is why lastmile's own labels
	// are vector bars on whole dots, not images.
	// The 300 dpi labels (pages 1 and 2) are scanned at twice their resolution.
	imgs := append(pdftoppm(t, doc, 600, 1, 2), pdftoppm(t, doc, 406, 3, len(want))...)
	if len(imgs) != len(want) {
		t.Fatalf("pdftoppm rendered %d pages, want %d", len(imgs), len(want))
	}
	for i, p := range want {
		if p != nil {
			scanAt(t, fmt.Sprintf("page %d", i+1), p, imgs[i], 2)
		}
	}

	testtool.Command(t, "pdftotext", "apt-get install poppler-utils")
	in := filepath.Join(t.TempDir(), "in.pdf")
	if err := os.WriteFile(in, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-f", "9", "-l", "9", in, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	if text := strings.Join(strings.Fields(string(out)), " "); !strings.Contains(text, "is the carrier's own PDF; download it from https://lastmile.example.com/v1/shipments/") {
		t.Errorf("the note page reads %q", text)
	}
}

// TestPDFDeterministic: the same pages give the same bytes.
func TestPDFDeterministic(t *testing.T) {
	t.Parallel()
	labels := prepared(t, 20, 203)
	img := labelPNG(t, labels[0], "grey")
	write := func() []byte {
		var buf bytes.Buffer
		d := stream.NewPDF(&buf, label.Size4x6)
		for _, p := range labels {
			if err := d.AddLabel(p); err != nil {
				t.Fatal(err)
			}
		}
		if err := d.AddPNG(img); err != nil {
			t.Fatal(err)
		}
		if err := d.AddNote([]string{"a note"}); err != nil {
			t.Fatal(err)
		}
		if err := d.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	if a, b := write(), write(); !bytes.Equal(a, b) {
		t.Fatal("two writes of the same pages differ")
	}
}

// TestPDFRefusals: a label of another size, a file that is not a PNG and an image too large
// are refused before anything is written, and the document stays whole; pages after Close
// are refused.
func TestPDFRefusals(t *testing.T) {
	t.Parallel()
	labels := prepared(t, 1, 203)
	a6 := preparedOpt(t, 1, label.Options{Size: label.SizeA6, DPI: 203})[0]

	var buf bytes.Buffer
	d := stream.NewPDF(&buf, label.Size4x6)
	if err := d.AddPNG(nil); err == nil || buf.Len() > 0 { // refused before the document has begun
		t.Fatalf("an empty PNG as the first page: %v, %d bytes written", err, buf.Len())
	}
	if err := d.AddLabel(labels[0]); err != nil {
		t.Fatal(err)
	}
	n := buf.Len()
	if err := d.AddLabel(a6); err == nil || !strings.Contains(err.Error(), "size a6") {
		t.Errorf("an A6 label in a 4×6 document: %v", err)
	}
	if err := d.AddPNG([]byte("%PDF-1.7 not a PNG")); err == nil || !strings.Contains(err.Error(), "label image") {
		t.Errorf("a PDF as a PNG: %v", err)
	}
	if err := d.AddPNG(pngHeader(100_000, 100_000)); err == nil || !strings.Contains(err.Error(), "at most") {
		t.Errorf("a 100,000×100,000 image: %v", err)
	}
	if buf.Len() != n {
		t.Errorf("refused pages wrote %d bytes", buf.Len()-n)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Errorf("a second Close: %v", err)
	}
	if err := d.AddLabel(labels[0]); !errors.Is(err, stream.ErrClosed) {
		t.Errorf("a label after Close: %v", err)
	}
	if got := pdfinfo(t, buf.Bytes()); got != 1 {
		t.Errorf("%d pages, want 1", got)
	}
}

// TestPDFEmpty: a document without labels is still a PDF, of one page that says so.
func TestPDFEmpty(t *testing.T) {
	t.Parallel()
	doc := writePDF(t, label.SizeA6, nil)
	if n := pdfinfo(t, doc); n != 1 {
		t.Fatalf("%d pages, want 1", n)
	}
	if cs := contents(t, doc); len(cs) != 1 || !bytes.Contains(cs[0], []byte("(This document has no labels.)")) {
		t.Errorf("content %q", cs)
	}
}

// TestPDFWriteError: a failing writer fails the page being added and every call after it.
func TestPDFWriteError(t *testing.T) {
	t.Parallel()
	labels := prepared(t, 3, 203)
	w := &failingWriter{left: 3000}
	d := stream.NewPDF(w, label.Size4x6)
	var first error
	for _, p := range labels {
		if err := d.AddLabel(p); err != nil {
			first = err
			break
		}
	}
	if first == nil || !errors.Is(first, errDiskFull) {
		t.Fatalf("error %v, want the writer's", first)
	}
	if err := d.AddNote([]string{"x"}); !errors.Is(err, errDiskFull) {
		t.Errorf("a page after the error: %v", err)
	}
	if err := d.Close(); !errors.Is(err, errDiskFull) {
		t.Errorf("Close after the error: %v", err)
	}
}

// TestPDFNoteWraps: a long note wraps inside the page and runs on to more pages, losing no
// word; a character outside Windows-1252 loses its accent or becomes "?".
func TestPDFNoteWraps(t *testing.T) {
	t.Parallel()
	var lines []string
	for i := range 80 {
		lines = append(lines, fmt.Sprintf("Line %d: shipment shp_%04d of order 576461413038785%03d has the carrier's own label; download it from https://lastmile.example.com/v1/shipments/shp_%04d/label?format=pdf", i, i, i, i))
	}
	lines = append(lines, "Łódź Kraków ő 深圳")
	var buf bytes.Buffer
	d := stream.NewPDF(&buf, label.Size4x6)
	if err := d.AddNote(lines); err != nil {
		t.Fatal(err)
	}
	if d.Pages() < 5 {
		t.Errorf("80 long lines on %d pages", d.Pages())
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, c := range contents(t, buf.Bytes()) {
		for _, m := range regexp.MustCompile(`1 0 0 1 ([0-9.]+) [0-9.]+ Tm \(((?:[^()\\]|\\.)*)\) Tj`).FindAllSubmatch(c, -1) {
			s := strings.NewReplacer(`\(`, "(", `\)`, ")", `\\`, `\`).Replace(string(m[2]))
			if w := label.TextWidth(s, 10, false); w > label.Size4x6.W-12+1e-9 {
				t.Errorf("%q is %.1f mm wide on a page of %.1f mm", s, w, label.Size4x6.W)
			}
			text.WriteString(s)
			text.WriteString(" ")
		}
	}
	got := text.String()
	for i := range 80 {
		if !strings.Contains(got, fmt.Sprintf("Line %d: ", i)) {
			t.Errorf("line %d is missing", i)
		}
	}
	if !strings.Contains(got, "?\xf3dz Krak\xf3w o ??") {
		t.Errorf("the last line reads %q", got[strings.LastIndex(got, "Line 79"):])
	}
}

var errDiskFull = errors.New("disk full")

type failingWriter struct{ left int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.left {
		n := w.left
		w.left = 0
		return n, errDiskFull
	}
	w.left -= len(p)
	return len(p), nil
}

// pngHeader is the start of a PNG file claiming w×h grey pixels: enough for DecodeConfig.
func pngHeader(w, h uint32) []byte {
	b := []byte("\x89PNG\r\n\x1a\n")
	ihdr := binary.BigEndian.AppendUint32([]byte("IHDR"), w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 0, 0, 0, 0)
	b = binary.BigEndian.AppendUint32(b, 13)
	b = append(b, ihdr...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(ihdr))
}
