package ordercsv

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// BenchmarkReader reads a realistic 10,000-row file (about 4 MB: 5 markets, one to three lines
// an order, Chinese item names, quoted addresses) in UTF-8 and as Chinese Excel saves it, and
// reports rows/s. Run: go test -run '^$' -bench . -benchmem ./internal/order/ordercsv/
func BenchmarkReader(b *testing.B) {
	const rows = 10_000
	var buf bytes.Buffer
	if _, err := genRows(&buf, rows, 0, nil); err != nil {
		b.Fatal(err)
	}
	utf8Data := buf.Bytes()
	gbData := encodeWith(b, simplifiedchinese.GB18030, utf8Data)
	for _, bc := range []struct {
		name string
		data []byte
	}{{"utf-8", utf8Data}, {"gb18030", gbData}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.data)))
			b.ReportAllocs()
			for b.Loop() {
				r, err := NewReader(bytes.NewReader(bc.data), Options{})
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for {
					g, err := r.Next()
					if errors.Is(err, io.EOF) {
						break
					}
					if err != nil || len(g.Problems) > 0 {
						b.Fatalf("%v %+v", err, g.Problems)
					}
					n += len(g.Rows)
				}
				if n != rows {
					b.Fatalf("%d rows", n)
				}
			}
			b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkWriter writes 10,000 rows.
func BenchmarkWriter(b *testing.B) {
	var buf bytes.Buffer
	if _, err := genRows(&buf, 10_000, 0, nil); err != nil {
		b.Fatal(err)
	}
	_, groups := readAll(b, buf.Bytes(), Options{})
	b.ReportAllocs()
	for b.Loop() {
		w, err := NewWriter(io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		for _, g := range groups {
			if err := w.Write(g.Order); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(10_000*b.N)/b.Elapsed().Seconds(), "rows/s")
}
