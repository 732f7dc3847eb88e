// Package pdf renders laid-out labels (label.Page) as PDF with codeberg.org/go-pdf/fpdf, for
// office and thermal printers that take PDF: one page per label, the page the label's size.
//
// Barcodes, QR modules and boxes are vector rectangles in a coordinate system of printer dots
// (a "cm" scale of 72/dpi points a unit, origin at the top-left corner), so every bar is a
// whole number of dots wide and starts on a dot: a thermal printer at the page's resolution
// reproduces it exactly. Text uses the core font Helvetica (Windows-1252, which is the
// label's printable repertoire), not embedded.
//
// The output is byte-identical for the same input (R-LBL-6): the creation and modification
// dates are fixed and fpdf's catalogs sorted.
package pdf

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"lastmile/internal/label"
)

// fixedDate is the creation and modification date of every document: a reprint must be the
// same bytes (R-LBL-6), so the date cannot be the time of printing.
var fixedDate = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Document is a PDF being built, one page per label; all pages have the same size.
type Document struct {
	f     *fpdf.Fpdf
	size  label.Size
	buf   []byte
	texts []label.Text
}

// New starts a document for labels of size.
func New(size label.Size) *Document {
	f := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", Size: fpdf.SizeType{Wd: size.W, Ht: size.H}})
	// Uncompressed: fpdf builds a new zlib writer (about a megabyte) for every page, which
	// quadruples the time per label (577 µs instead of 144 µs in a batch) to save two thirds of
	// a file that is mostly small integers (3.1 KB a label instead of 1.05 KB).
	f.SetCompression(false)
	f.SetCreationDate(fixedDate)
	f.SetModificationDate(fixedDate)
	f.SetCatalogSort(true)
	f.SetProducer("lastmile", false)
	f.SetAutoPageBreak(false, 0)
	f.SetMargins(0, 0, 0)
	f.SetFont("Helvetica", "", 10)
	return &Document{f: f, size: size, buf: make([]byte, 0, 8<<10)}
}

// Add appends a page for p.
func (d *Document) Add(p *label.Page) error {
	if p.Size != d.size {
		return fmt.Errorf("label of size %s in a document of size %s", p.Size.Name, d.size.Name)
	}
	f := d.f
	f.AddPage()
	_, hmm := f.GetPageSize()
	s := 72 / float64(p.DPI)

	// Graphics in dots: q [s 0 0 -s 0 H] cm, rectangles, one fill, Q.
	b := d.buf[:0]
	b = append(b, "q "...)
	b = strconv.AppendFloat(b, s, 'f', 6, 64)
	b = append(b, " 0 0 "...)
	b = strconv.AppendFloat(b, -s, 'f', 6, 64)
	b = append(b, " 0 "...)
	b = strconv.AppendFloat(b, hmm*72/25.4, 'f', 4, 64)
	b = append(b, " cm\n"...)
	rect := func(r label.Rect) {
		b = strconv.AppendInt(b, int64(r.X), 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(r.Y), 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(r.W), 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(r.H), 10)
		b = append(b, " re\n"...)
	}
	for _, e := range p.Elements {
		switch e := e.(type) {
		case label.Box:
			r, border := p.BoxRect(e)
			if border == 0 {
				rect(r)
				continue
			}
			rect(label.Rect{X: r.X, Y: r.Y, W: r.W, H: border})
			rect(label.Rect{X: r.X, Y: r.Y + r.H - border, W: r.W, H: border})
			rect(label.Rect{X: r.X, Y: r.Y + border, W: border, H: r.H - 2*border})
			rect(label.Rect{X: r.X + r.W - border, Y: r.Y + border, W: border, H: r.H - 2*border})
		case label.Barcode:
			for _, r := range e.Bars() {
				rect(r)
			}
		case label.QR:
			for _, r := range e.Rects() {
				rect(r)
			}
		}
	}
	b = append(b, "f\nQ"...)
	f.RawWriteStr(string(b))
	d.buf = b

	// Text grouped by font, so each font is selected once a page (a selection is some 60
	// bytes, and a batch's pages stay in memory until the document is written).
	texts := d.texts[:0]
	for _, e := range p.Elements {
		if t, ok := e.(label.Text); ok {
			texts = append(texts, t)
		}
	}
	slices.SortStableFunc(texts, func(a, b label.Text) int {
		if a.Bold != b.Bold {
			if a.Bold {
				return 1
			}
			return -1
		}
		return cmp.Compare(a.Size, b.Size)
	})
	d.texts = texts
	for _, t := range texts {
		style := ""
		if t.Bold {
			style = "B"
		}
		f.SetFont("Helvetica", style, t.Size)
		f.Text(t.X, t.Y, cp1252(t.S))
	}
	return f.Error()
}

// WriteTo writes the document to w. The document cannot be used afterwards.
func (d *Document) WriteTo(w io.Writer) (int64, error) {
	cw := &countingWriter{w: w}
	err := d.f.Output(cw)
	return cw.n, err
}

// Render writes one label as a one-page PDF.
func Render(w io.Writer, p *label.Page) error {
	d := New(p.Size)
	if err := d.Add(p); err != nil {
		return err
	}
	_, err := d.WriteTo(w)
	return err
}

// cp1252 encodes printable text (label.Printable) as the Windows-1252 bytes Helvetica's
// WinAnsiEncoding expects.
func cp1252(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		b = append(b, label.CP1252(r))
	}
	return string(b)
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
