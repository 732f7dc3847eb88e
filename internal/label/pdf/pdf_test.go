package pdf_test

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"lastmile/internal/label"
	"lastmile/internal/label/labeltest"
	"lastmile/internal/label/pdf"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func render(t testing.TB, pages ...*label.Page) []byte {
	t.Helper()
	d := pdf.New(pages[0].Size)
	for _, p := range pages {
		if err := d.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := d.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGolden compares whole files: the content streams are uncompressed, so the golden PDF
// is its own structure dump and a diff shows what moved.
func TestGolden(t *testing.T) {
	for _, c := range labeltest.GoldenCases() {
		t.Run(c.Name, func(t *testing.T) {
			labeltest.Golden(t, filepath.Join("testdata", c.Name+".pdf"), render(t, c.Page(t)), *update, nil)
		})
	}
}

// TestByteIdentical: the same labels give the same bytes (R-LBL-6: a reprint is the same
// label); fpdf's dates are fixed and its catalogs sorted.
func TestByteIdentical(t *testing.T) {
	t.Parallel()
	var pages []*label.Page
	for _, c := range labeltest.GoldenCases() {
		if c.Opt.Size == label.Size4x6 {
			pages = append(pages, c.Page(t))
		}
	}
	a, b := render(t, pages...), render(t, pages...)
	if !bytes.Equal(a, b) {
		t.Fatal("two renderings differ")
	}
	time.Sleep(1100 * time.Millisecond) // a clock-dependent date would now differ
	if !bytes.Equal(a, render(t, pages...)) {
		t.Fatal("a rendering a second later differs")
	}
	if !bytes.Contains(a, []byte("/CreationDate (D:20000101000000)")) {
		t.Error("creation date is not the fixed one")
	}
}

// TestStructure: one page per label, the label's size, the core Helvetica fonts, and every
// rectangle (bars, QR modules, boxes) in whole dots of the label's resolution: the content
// maps one unit to 72/dpi points and every re operand is an integer.
func TestStructure(t *testing.T) {
	t.Parallel()
	for _, c := range labeltest.GoldenCases() {
		pg := c.Page(t)
		doc := string(render(t, pg, pg))
		if n := strings.Count(doc, "/Type /Page\n"); n != 2 {
			t.Errorf("%s: %d pages, want 2", c.Name, n)
		}
		wpt, hpt := c.Opt.Size.W*72/25.4, c.Opt.Size.H*72/25.4
		if box := fmt.Sprintf("/MediaBox [0 0 %.2f %.2f]", wpt, hpt); !strings.Contains(doc, box) {
			t.Errorf("%s: no %s", c.Name, box)
		}
		for _, f := range []string{"/BaseFont /Helvetica", "/BaseFont /Helvetica-Bold"} {
			if !strings.Contains(doc, f) {
				t.Errorf("%s: no %s", c.Name, f)
			}
		}
		cm := regexp.MustCompile(`q ([0-9.]+) 0 0 -([0-9.]+) 0 ([0-9.]+) cm\n((?:[^\n]* re\n)*)f\nQ`).FindAllStringSubmatch(doc, -1)
		if len(cm) != 2 {
			t.Fatalf("%s: %d graphics blocks, want one a page", c.Name, len(cm))
		}
		if s, _ := strconv.ParseFloat(cm[0][1], 64); s < 72/float64(c.Opt.DPI)-1e-6 || s > 72/float64(c.Opt.DPI)+1e-6 {
			t.Errorf("%s: one unit is %v pt, want 72/%d", c.Name, s, c.Opt.DPI)
		}
		rects := strings.Split(strings.TrimSpace(cm[0][4]), "\n")
		bars := 0
		for _, e := range pg.Elements {
			switch e := e.(type) {
			case label.Barcode:
				bars += len(e.Bars())
			case label.QR:
				bars += len(e.Rects())
			}
		}
		if len(rects) < bars {
			t.Errorf("%s: %d rectangles for %d bars and modules", c.Name, len(rects), bars)
		}
		for _, r := range rects {
			for _, f := range strings.Fields(r)[:4] {
				if _, err := strconv.Atoi(f); err != nil {
					t.Fatalf("%s: %q is not in whole dots", c.Name, r)
				}
			}
		}
	}
}

// TestTextFitsHelvetica measures every line with fpdf's own Helvetica metrics: it fits the
// room the layout gave it.
func TestTextFitsHelvetica(t *testing.T) {
	t.Parallel()
	f := fpdf.New("P", "mm", "A4", "")
	tr := f.UnicodeTranslatorFromDescriptor("cp1252")
	for _, c := range labeltest.GoldenCases() {
		for _, txt := range labeltest.Texts(c.Page(t)) {
			style := ""
			if txt.Bold {
				style = "B"
			}
			f.SetFont("Helvetica", style, txt.Size)
			if w := f.GetStringWidth(tr(txt.S)); w > txt.W {
				t.Errorf("%s: %q is %.2f mm in Helvetica, room %.2f", c.Name, txt.S, w, txt.W)
			}
		}
	}
}

func TestSizeMismatch(t *testing.T) {
	t.Parallel()
	c := labeltest.GoldenCases()
	d := pdf.New(label.Size4x6)
	if err := d.Add(c[3].Page(t)); err == nil { // A6
		t.Error("an A6 page added to a 4×6 document")
	}
}

// peakHeap samples the live heap every few milliseconds while fn runs and returns the
// largest value seen.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	fn()
	close(done)
	wg.Wait()
	return peak.Load()
}

// BenchmarkPDF is the time per label of a PDF: prepare, lay out and add a page, the document
// written every 1,000 labels (so the cost of writing is in the figure); and a 10,000-label
// batch, with the peak live heap while it is built and written. Run with -cpu 1.
func BenchmarkPDF(b *testing.B) {
	gb := labeltest.GoldenCases()[2]
	for _, c := range []struct {
		name string
		l    label.Label
	}{{"us", labeltest.Example()}, {"gb-qr", gb.Label}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			d := pdf.New(label.Size4x6)
			n := 0
			for b.Loop() {
				p, err := label.Prepare(c.l, label.Options{})
				if err != nil {
					b.Fatal(err)
				}
				if err := d.Add(p.Layout()); err != nil {
					b.Fatal(err)
				}
				if n++; n == 1000 {
					if _, err := d.WriteTo(io.Discard); err != nil {
						b.Fatal(err)
					}
					d, n = pdf.New(label.Size4x6), 0
				}
			}
			if _, err := d.WriteTo(io.Discard); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "labels/s")
		})
	}
	b.Run("single", func(b *testing.B) { // a one-page document per label, as for one reprint
		b.ReportAllocs()
		for b.Loop() {
			p, err := label.Prepare(labeltest.Example(), label.Options{})
			if err != nil {
				b.Fatal(err)
			}
			if err := pdf.Render(io.Discard, p.Layout()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("batch-10000", func(b *testing.B) {
		labels := make([]label.Label, 10_000)
		for i := range labels {
			labels[i] = labeltest.Example()
			if i%10 == 0 {
				labels[i] = gb.Label
			}
		}
		var peak uint64
		var size int64
		for b.Loop() {
			peak = max(peak, peakHeap(func() {
				ps, err := label.PrepareAll(labels, label.Options{})
				if err != nil {
					b.Fatal(err)
				}
				d := pdf.New(label.Size4x6)
				for _, p := range ps {
					if err := d.Add(p.Layout()); err != nil {
						b.Fatal(err)
					}
				}
				if size, err = d.WriteTo(io.Discard); err != nil {
					b.Fatal(err)
				}
			}))
		}
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		b.ReportMetric(float64(size)/(1<<20), "file-MB")
		b.ReportMetric(float64(b.N*len(labels))/b.Elapsed().Seconds(), "labels/s")
	})
}
