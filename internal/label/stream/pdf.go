// Package stream writes many labels as one document, a PDF or a ZPL stream, label by label as
// they come, in memory that does not grow with the number of labels: a batch of 100,000 labels
// downloads as one file without being held in memory (issue 11).
//
// Both writers take lastmile's own labels (a label.Prepared, drawn exactly as the label/pdf
// and label/zpl renderers draw it), a carrier's own label image (PNG) and a note page for a
// document that cannot be merged (a carrier's own PDF label, say: R-SHIP-2 keeps a carrier's
// document as it came, so lastmile does not redraw it). The ZPL writer also copies a carrier's
// own ZPL as is.
//
// The PDF is written by hand (PDF 1.4): the pages cannot be collected first as fpdf does, since
// a 100,000-page document would then be in memory. What the PDF writer keeps per page is its
// bookkeeping only: the byte offset of each object for the cross-reference table at the end
// (8 bytes an object, two or three objects a page) and, per 512 pages, the number of the page-
// tree node. Everything else is reused from page to page.
package stream

import (
	"bytes"
	"cmp"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"

	"lastmile/internal/label"
)

// Fixed object numbers. The catalog, fonts and resources are written with the first page; the
// root of the page tree is written by Close, when the pages are known.
const (
	objCatalog   = 1
	objPages     = 2
	objHelvetica = 3
	objBold      = 4
	objResources = 5 // the fonts, shared by every page drawn with text
	objInfo      = 6
	firstFreeObj = 7
)

// pagesPerNode is the number of pages under one node of the page tree. A flat tree would put
// every page in one /Kids array, and PDF 1.4 readers may limit an array to 8,191 elements
// (PDF Reference 1.4, appendix C); two levels of 512 hold four million pages.
const pagesPerNode = 512

// ptPerMM converts millimetres to points, as fpdf does.
const ptPerMM = 72.0 / 25.4

// ErrClosed is returned when a page is added to a closed writer.
var ErrClosed = errors.New("stream: the document is closed")

// PDF writes a multi-page PDF to an io.Writer as pages are added: one page per label, all of
// the label size given to NewPDF. It is not safe for concurrent use. The output is the same
// bytes for the same pages (no dates, no random ids).
type PDF struct {
	w       io.Writer
	size    label.Size
	wpt     float64 // page width, points
	hpt     float64 // page height, points
	n       int64   // bytes written
	offsets []int64 // offsets[i] is the byte offset of object i+1
	pages   int
	node    int   // the page-tree node receiving pages
	kids    []int // the pages of node, at most pagesPerNode
	nodes   []int // every node, in order
	started bool
	closed  bool
	err     error // the first write error: the document is broken and every call returns it

	zw      *zlib.Writer
	zbuf    bytes.Buffer // a compressed stream
	content []byte       // a page's content stream
	obj     []byte       // an object's text
	texts   []label.Text
	img     raster
	bits    []byte
}

// NewPDF returns a writer of a PDF whose pages are size. Nothing is written until the first
// page is added (or Close is called).
func NewPDF(w io.Writer, size label.Size) *PDF {
	return &PDF{
		w: w, size: size, wpt: size.W * ptPerMM, hpt: size.H * ptPerMM,
		content: make([]byte, 0, 8<<10), obj: make([]byte, 0, 1<<10),
		kids: make([]int, 0, pagesPerNode),
	}
}

// Pages returns the number of pages added so far.
func (d *PDF) Pages() int { return d.pages }

// AddLabel adds a page with lastmile's label p, drawn as label/pdf draws it: the same bars,
// boxes and QR modules in printer dots, the same text in Helvetica. The label must be of the
// writer's size.
func (d *PDF) AddLabel(p *label.Prepared) error {
	if err := d.usable(); err != nil {
		return err
	}
	if sz := p.Options().Size; sz != d.size {
		return fmt.Errorf("label %s of size %s in a document of size %s", p.TrackingNumber(), sz.Name, d.size.Name)
	}
	if err := d.start(); err != nil {
		return err
	}
	d.content = d.appendLabel(d.content[:0], p.Layout())
	return d.page(d.content, objResources, 0)
}

// appendLabel appends the content stream of the label page pg: the graphics in dots (q [s 0 0
// -s 0 H] cm, rectangles, one fill, Q), then the text grouped by font, as label/pdf writes it
// through fpdf.
func (d *PDF) appendLabel(b []byte, pg *label.Page) []byte {
	s := 72 / float64(pg.DPI)
	b = append(b, "q "...)
	b = strconv.AppendFloat(b, s, 'f', 6, 64)
	b = append(b, " 0 0 "...)
	b = strconv.AppendFloat(b, -s, 'f', 6, 64)
	b = append(b, " 0 "...)
	b = strconv.AppendFloat(b, d.size.H*72/25.4, 'f', 4, 64)
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
	for _, e := range pg.Elements {
		switch e := e.(type) {
		case label.Box:
			r, border := pg.BoxRect(e)
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
	b = append(b, "f\nQ\n"...)

	texts := d.texts[:0]
	for _, e := range pg.Elements {
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
	b = append(b, "BT\n"...)
	font, size := "", 0.0
	for _, t := range texts {
		f := "/F1 "
		if t.Bold {
			f = "/F2 "
		}
		if f != font || t.Size != size {
			font, size = f, t.Size
			b = append(b, f...)
			b = strconv.AppendFloat(b, t.Size, 'f', 2, 64)
			b = append(b, " Tf\n"...)
		}
		b = d.appendTextAt(b, t.X, t.Y, t.S)
	}
	return append(b, "ET\n"...)
}

// appendTextAt places s with its baseline's left end at (x, y) millimetres from the top-left
// corner, as fpdf's Text does (the same arithmetic, the same two decimals).
func (d *PDF) appendTextAt(b []byte, x, y float64, s string) []byte {
	b = append(b, "1 0 0 1 "...)
	b = strconv.AppendFloat(b, x*ptPerMM, 'f', 2, 64)
	b = append(b, ' ')
	b = strconv.AppendFloat(b, (d.size.H-y)*ptPerMM, 'f', 2, 64)
	b = append(b, " Tm ("...)
	b = appendPDFText(b, s)
	return append(b, ") Tj\n"...)
}

// appendPDFText appends s (UTF-8) as the inside of a PDF string in Windows-1252, the encoding
// of the fonts (WinAnsiEncoding), with (, ) and \ escaped. lastmile's labels hold only
// printable text (label.Printable); a note may not, and gets what printable makes of it.
func appendPDFText(b []byte, s string) []byte {
	for _, r := range s {
		c := label.CP1252(printable(r))
		switch c {
		case '(', ')', '\\':
			b = append(b, '\\', c)
		default:
			b = append(b, c)
		}
	}
	return b
}

// AddPNG adds a page with a carrier's own label image, a PNG: scaled to fill the page with its
// proportions kept, centred; an image wider than tall is turned a quarter turn clockwise
// first. It is embedded as a grey image, one bit a pixel when it is black and white and eight
// otherwise, Flate-compressed. A file that is not a PNG is refused before anything is written.
func (d *PDF) AddPNG(png []byte) error {
	if err := d.usable(); err != nil {
		return err
	}
	if err := decodeRaster(png, &d.img); err != nil {
		return err
	}
	if err := d.start(); err != nil {
		return err
	}
	// Fit the image in the page.
	iw, ih := float64(d.img.w), float64(d.img.h)
	scale := min(d.wpt/iw, d.hpt/ih)
	dw, dh := iw*scale, ih*scale
	b := d.content[:0]
	b = append(b, "q "...)
	b = strconv.AppendFloat(b, dw, 'f', 4, 64)
	b = append(b, " 0 0 "...)
	b = strconv.AppendFloat(b, dh, 'f', 4, 64)
	b = append(b, ' ')
	b = strconv.AppendFloat(b, (d.wpt-dw)/2, 'f', 4, 64)
	b = append(b, ' ')
	b = strconv.AppendFloat(b, (d.hpt-dh)/2, 'f', 4, 64)
	b = append(b, " cm /Im0 Do Q\n"...)
	d.content = b
	return d.page(d.content, 0, 1)
}

// noteFontSize, noteLeading and noteMarginMM set out a note page: 10 pt Helvetica.
const (
	noteFontSize = 10.0
	noteLeading  = 12.5 // points
	noteMarginMM = 6.0
)

// AddNote adds a page of plain text, one line per element of lines, wrapped at the page's
// width, for a document that cannot be merged ("the label of shipment … is the carrier's own
// PDF; download it from …"). Text runs on to further pages when it does not fit one. Text is
// printed in Windows-1252: a Latin letter outside it loses its diacritic, anything else
// becomes "?".
func (d *PDF) AddNote(lines []string) error {
	if err := d.usable(); err != nil {
		return err
	}
	if err := d.start(); err != nil {
		return err
	}
	width := d.size.W - 2*noteMarginMM
	wrapped := wrapLines(lines, func(s string) bool { return label.TextWidth(s, noteFontSize, false) <= width })
	perPage := max(1, int((d.size.H-2*noteMarginMM)*ptPerMM/noteLeading))
	for start := 0; start == 0 || start < len(wrapped); start += perPage {
		b := d.content[:0]
		b = append(b, "BT\n/F1 "...)
		b = strconv.AppendFloat(b, noteFontSize, 'f', 2, 64)
		b = append(b, " Tf\n"...)
		for i, l := range wrapped[start:min(start+perPage, len(wrapped))] {
			y := noteMarginMM + (noteFontSize+float64(i)*noteLeading)/ptPerMM
			b = d.appendTextAt(b, noteMarginMM, y, l)
		}
		b = append(b, "ET\n"...)
		d.content = b
		if err := d.page(d.content, objResources, 0); err != nil {
			return err
		}
	}
	return nil
}

// Close writes the page tree, the cross-reference table and the trailer. A document without
// pages gets one note page saying so, since a PDF must have a page. Close does not close the
// underlying writer; calling it again returns the first call's result.
func (d *PDF) Close() error {
	if d.closed {
		return d.err
	}
	if d.err != nil {
		d.closed = true
		return d.err
	}
	if d.pages == 0 {
		if err := d.AddNote([]string{"This document has no labels."}); err != nil {
			return err
		}
	}
	d.closed = true
	d.writeNode()
	b := d.obj[:0]
	b = append(b, "<< /Type /Pages /Kids ["...)
	for i, n := range d.nodes {
		if i > 0 {
			b = append(b, ' ')
		}
		b = appendRef(b, n)
	}
	b = append(b, "] /Count "...)
	b = strconv.AppendInt(b, int64(d.pages), 10)
	b = append(b, " /MediaBox [0 0 "...)
	b = strconv.AppendFloat(b, d.wpt, 'f', 2, 64)
	b = append(b, ' ')
	b = strconv.AppendFloat(b, d.hpt, 'f', 2, 64)
	b = append(b, "] >>"...)
	d.obj = b
	d.writeObj(objPages, d.obj)

	xref := d.n
	b = d.obj[:0]
	b = append(b, "xref\n0 "...)
	b = strconv.AppendInt(b, int64(len(d.offsets)+1), 10)
	b = append(b, "\n0000000000 65535 f \n"...)
	for _, off := range d.offsets {
		if len(b) > 16<<10 {
			d.write(b)
			b = b[:0]
		}
		b = appendPadded(b, off, 10)
		b = append(b, " 00000 n \n"...)
	}
	b = append(b, "trailer\n<< /Size "...)
	b = strconv.AppendInt(b, int64(len(d.offsets)+1), 10)
	b = append(b, " /Root 1 0 R /Info 6 0 R >>\nstartxref\n"...)
	b = strconv.AppendInt(b, xref, 10)
	b = append(b, "\n%%EOF\n"...)
	d.write(b)
	d.obj = b
	return d.err
}

// usable refuses pages after Close or a write error.
func (d *PDF) usable() error {
	if d.err != nil {
		return d.err
	}
	if d.closed {
		return ErrClosed
	}
	return nil
}

// start writes the head of the document before its first page: the header, the catalog, the
// fonts, their resources and the information dictionary.
func (d *PDF) start() error {
	if d.err != nil || d.started {
		return d.err
	}
	d.started = true
	// The binary comment marks the file as binary for programs that guess.
	d.write([]byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"))
	d.offsets = make([]int64, firstFreeObj-1, 1024)
	d.writeObj(objCatalog, []byte("<< /Type /Catalog /Pages 2 0 R >>"))
	d.writeObj(objHelvetica, []byte("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"))
	d.writeObj(objBold, []byte("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"))
	d.writeObj(objResources, []byte("<< /Font << /F1 3 0 R /F2 4 0 R >> >>"))
	d.writeObj(objInfo, []byte("<< /Producer (lastmile) >>"))
	return d.err
}

// page writes one page with the given content stream: its resources are the object
// resources, or, when images is 1, a dictionary naming the raster d.img as /Im0.
func (d *PDF) page(content []byte, resources, images int) error {
	if d.pages%pagesPerNode == 0 {
		d.writeNode()
		d.node = d.newObj()
		d.nodes = append(d.nodes, d.node)
	}
	pageObj, contentObj := d.newObj(), d.newObj()
	imgObj := 0
	if images > 0 {
		imgObj = d.newObj()
	}
	b := d.obj[:0]
	b = append(b, "<< /Type /Page /Parent "...)
	b = appendRef(b, d.node)
	b = append(b, " /Resources "...)
	if resources != 0 {
		b = appendRef(b, resources)
	} else {
		b = append(b, "<< /XObject << /Im0 "...)
		b = appendRef(b, imgObj)
		b = append(b, " >> >>"...)
	}
	b = append(b, " /Contents "...)
	b = appendRef(b, contentObj)
	b = append(b, " >>"...)
	d.obj = b
	d.writeObj(pageObj, d.obj)
	d.writeStream(contentObj, "", content)
	if imgObj != 0 {
		d.writeImage(imgObj)
	}
	d.kids = append(d.kids, pageObj)
	d.pages++
	return d.err
}

// writeImage writes d.img as an image XObject.
func (d *PDF) writeImage(num int) {
	r := &d.img
	var dict []byte
	dict = append(dict, "/Type /XObject /Subtype /Image /Width "...)
	dict = strconv.AppendInt(dict, int64(r.w), 10)
	dict = append(dict, " /Height "...)
	dict = strconv.AppendInt(dict, int64(r.h), 10)
	dict = append(dict, " /ColorSpace /DeviceGray"...)
	data := r.pix
	if r.bw {
		// Packed with 1 for black; DeviceGray's 1 is white, hence the inverted decode.
		d.bits, _ = packBlack(d.bits, r)
		data = d.bits
		dict = append(dict, " /BitsPerComponent 1 /Decode [1 0]"...)
	} else {
		dict = append(dict, " /BitsPerComponent 8"...)
	}
	d.writeStream(num, string(dict), data)
}

// writeNode writes the page-tree node that has received pages, if any.
func (d *PDF) writeNode() {
	if len(d.kids) == 0 {
		return
	}
	b := d.obj[:0]
	b = append(b, "<< /Type /Pages /Parent 2 0 R /Kids ["...)
	for i, k := range d.kids {
		if i > 0 {
			b = append(b, ' ')
		}
		b = appendRef(b, k)
	}
	b = append(b, "] /Count "...)
	b = strconv.AppendInt(b, int64(len(d.kids)), 10)
	b = append(b, " >>"...)
	d.obj = b
	d.writeObj(d.node, d.obj)
	d.kids = d.kids[:0]
}

// newObj reserves the next object number; its offset is recorded when it is written.
func (d *PDF) newObj() int {
	d.offsets = append(d.offsets, 0)
	return len(d.offsets)
}

// writeObj writes object num with the body dict.
func (d *PDF) writeObj(num int, dict []byte) {
	d.offsets[num-1] = d.n
	var head [24]byte
	h := strconv.AppendInt(head[:0], int64(num), 10)
	h = append(h, " 0 obj\n"...)
	d.write(h)
	d.write(dict)
	d.write([]byte("\nendobj\n"))
}

// writeStream writes object num as a Flate-compressed stream of data; dict holds the entries
// besides /Length and /Filter.
func (d *PDF) writeStream(num int, dict string, data []byte) {
	d.zbuf.Reset()
	if d.zw == nil {
		// BestSpeed: a label's content stream is 2 to 3 KB, and deflate's fixed cost a stream
		// (building the Huffman codes) dominates; the default level takes about twice as long
		// for 10% less (660 bytes instead of 734 for a label, 41 KB instead of 51 KB for a
		// carrier's grey 4×6 in image).
		d.zw, _ = zlib.NewWriterLevel(&d.zbuf, zlib.BestSpeed) // the level is valid: no error
	} else {
		d.zw.Reset(&d.zbuf)
	}
	if _, err := d.zw.Write(data); err != nil && d.err == nil {
		d.err = err
	}
	if err := d.zw.Close(); err != nil && d.err == nil {
		d.err = err
	}
	b := d.obj[:0]
	b = append(b, "<< "...)
	if dict != "" {
		b = append(b, dict...)
		b = append(b, ' ')
	}
	b = append(b, "/Filter /FlateDecode /Length "...)
	b = strconv.AppendInt(b, int64(d.zbuf.Len()), 10)
	b = append(b, " >>\nstream\n"...)
	d.obj = b
	d.offsets[num-1] = d.n
	var head [24]byte
	h := strconv.AppendInt(head[:0], int64(num), 10)
	h = append(h, " 0 obj\n"...)
	d.write(h)
	d.write(d.obj)
	d.write(d.zbuf.Bytes())
	d.write([]byte("\nendstream\nendobj\n"))
}

// write writes b, counting the bytes; after an error it writes nothing.
func (d *PDF) write(b []byte) {
	if d.err != nil {
		return
	}
	n, err := d.w.Write(b)
	d.n += int64(n)
	if err != nil {
		d.err = fmt.Errorf("writing the PDF: %w", err)
	}
}

func appendRef(b []byte, num int) []byte {
	b = strconv.AppendInt(b, int64(num), 10)
	return append(b, " 0 R"...)
}

// appendPadded appends v in decimal, padded with zeros to width digits.
func appendPadded(b []byte, v int64, width int) []byte {
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], v, 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}
