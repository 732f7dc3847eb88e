package stream_test

import (
	"io"
	"testing"

	"lastmile/internal/label"
	"lastmile/internal/label/stream"
)

// countingDiscard counts the bytes written and keeps none.
type countingDiscard struct{ n int64 }

func (c *countingDiscard) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// BenchmarkStream writes documents of 10,000 labels (100 different ones, three in ten with the
// anti-counterfeit QR, cycled), laying each out as AddLabel does, and reports labels a second
// and bytes a label. One operation is one document.
func BenchmarkStream(b *testing.B) {
	labels := prepared(b, 100, 203)
	const n = 10_000
	for _, c := range []struct {
		name string
		open func(w io.Writer) (func(*label.Prepared) error, func() error)
	}{
		{"pdf", func(w io.Writer) (func(*label.Prepared) error, func() error) {
			d := stream.NewPDF(w, label.Size4x6)
			return d.AddLabel, d.Close
		}},
		{"zpl", func(w io.Writer) (func(*label.Prepared) error, func() error) {
			z := stream.NewZPL(w)
			return z.AddLabel, z.Close
		}},
	} {
		b.Run(c.name+"-10000", func(b *testing.B) {
			b.ReportAllocs()
			var w countingDiscard
			for b.Loop() {
				w.n = 0
				add, closeFn := c.open(&w)
				for i := range n {
					if err := add(labels[i%len(labels)]); err != nil {
						b.Fatal(err)
					}
				}
				if err := closeFn(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "labels/s")
			b.ReportMetric(float64(w.n)/n, "B/label")
		})
	}
}

// BenchmarkImage adds a carrier's 4×6 in label image at 203 dpi (812×1218 pixels, grey with
// anti-aliased text, or black and white) per operation: decoding the PNG, converting and
// compressing it.
func BenchmarkImage(b *testing.B) {
	p := prepared(b, 1, 203)[0]
	for _, kind := range []string{"grey", "bw"} {
		img := labelPNG(b, p, kind)
		b.Run("pdf-"+kind, func(b *testing.B) {
			b.ReportAllocs()
			var w countingDiscard
			d := stream.NewPDF(&w, label.Size4x6)
			for b.Loop() {
				if err := d.AddPNG(img); err != nil {
					b.Fatal(err)
				}
			}
			if err := d.Close(); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(w.n)/float64(b.N), "B/page")
		})
		b.Run("zpl-"+kind, func(b *testing.B) {
			b.ReportAllocs()
			var w countingDiscard
			z := stream.NewZPL(&w)
			for b.Loop() {
				if err := z.AddPNG(img); err != nil {
					b.Fatal(err)
				}
			}
			if err := z.Close(); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(w.n)/float64(b.N), "B/label")
		})
	}
}
