package label

import "math"

// Page is one laid-out label: the single description every renderer draws. Text and boxes
// are in millimetres from the top-left corner; barcodes and QR symbols in dots of DPI.
type Page struct {
	Size Size
	DPI  int
	// WDots and HDots are the page in whole dots (ZPL ^PW and ^LL, the PNG's pixels).
	WDots, HDots int
	// TrackingNumber is what the barcode encodes.
	TrackingNumber string
	Elements       []Element
}

// Element is one thing drawn on a label: a Text, a Box, a Barcode or a QR.
type Element interface{ element() }

// Text is one line of text, already fitted: it is at most W millimetres wide in the wider of
// the renderers' fonts (see TextWidth).
type Text struct {
	X, Y  float64 // the left end of the baseline, mm
	Size  float64 // points
	Bold  bool
	S     string  // in the printable repertoire (Printable)
	W     float64 // the room it was fitted into, mm
	Field string  // what it shows, by JSON path ("to.name", "tracking_number") or "caption"
}

// Box is a filled rectangle (Line 0) or a frame whose border is Line millimetres thick,
// inside the rectangle. Rules are thin filled boxes.
type Box struct {
	X, Y, W, H float64 // mm
	Line       float64 // mm; 0 for filled
}

// Barcode is the tracking number as Code 128, in dots: the quiet zones (at least
// QuietZoneModules each side) are the white around it.
type Barcode struct {
	X, Y   int     // the top-left corner of the first bar
	Module int     // the narrowest bar or space, dots
	Height int     // dots
	Widths []uint8 // bar and space widths in modules, bar first, start to stop
	Data   string  // the tracking number
}

// QR is a QR symbol in dots; its quiet zone (QRQuietModules) is the white around it.
type QR struct {
	X, Y    int // the top-left corner of the symbol
	Module  int // dots
	N       int // modules per side
	Dark    []bool
	Content string
}

func (Text) element()    {}
func (Box) element()     {}
func (Barcode) element() {}
func (QR) element()      {}

// Rect is a rectangle in dots.
type Rect struct{ X, Y, W, H int }

// Width is the width of the symbol without quiet zones, in dots.
func (b Barcode) Width() int {
	n := 0
	for _, w := range b.Widths {
		n += int(w)
	}
	return n * b.Module
}

// Bars returns the bars as rectangles in dots, left to right.
func (b Barcode) Bars() []Rect {
	out := make([]Rect, 0, len(b.Widths)/2+1)
	x := b.X
	for i, w := range b.Widths {
		d := int(w) * b.Module
		if i%2 == 0 {
			out = append(out, Rect{X: x, Y: b.Y, W: d, H: b.Height})
		}
		x += d
	}
	return out
}

// Size is the side of the symbol without quiet zone, in dots.
func (q QR) Size() int { return q.N * q.Module }

// Rects returns the dark modules as few rectangles in dots: runs along each row, merged with
// identical runs of the rows below. The order is deterministic (top to bottom, left to right).
func (q QR) Rects() []Rect {
	type run struct{ x0, x1, rect int }
	out := make([]Rect, 0, q.N*q.N/6)
	prev := make([]run, 0, q.N/2+1)
	cur := make([]run, 0, q.N/2+1)
	for y := 0; y < q.N; y++ {
		cur = cur[:0]
		row := q.Dark[y*q.N : (y+1)*q.N]
		j := 0 // the first run of prev not left of the current run
		for x := 0; x < q.N; {
			if !row[x] {
				x++
				continue
			}
			x0 := x
			for x < q.N && row[x] {
				x++
			}
			for j < len(prev) && prev[j].x0 < x0 {
				j++
			}
			if j < len(prev) && prev[j].x0 == x0 && prev[j].x1 == x {
				out[prev[j].rect].H += q.Module
				cur = append(cur, run{x0, x, prev[j].rect})
				continue
			}
			out = append(out, Rect{X: q.X + x0*q.Module, Y: q.Y + y*q.Module, W: (x - x0) * q.Module, H: q.Module})
			cur = append(cur, run{x0, x, len(out) - 1})
		}
		prev, cur = cur, prev
	}
	return out
}

// Dots converts millimetres to the nearest dot.
func (p *Page) Dots(mm float64) int { return int(math.Round(mm * float64(p.DPI) / 25.4)) }

// MM converts dots to millimetres.
func (p *Page) MM(dots int) float64 { return float64(dots) * 25.4 / float64(p.DPI) }

// BoxRect is a box in whole dots, the same for every renderer: edges rounded to the nearest
// dot, at least one dot wide and high. For a frame, border is its thickness in dots (at
// least 1); it is 0 for a filled box.
func (p *Page) BoxRect(b Box) (r Rect, border int) {
	x0, y0 := p.Dots(b.X), p.Dots(b.Y)
	x1, y1 := p.Dots(b.X+b.W), p.Dots(b.Y+b.H)
	r = Rect{X: x0, Y: y0, W: max(1, x1-x0), H: max(1, y1-y0)}
	if b.Line > 0 {
		border = max(1, p.Dots(b.Line))
		border = min(border, r.W, r.H)
	}
	return r, border
}

// FontDots is the em size of text at size points in dots (the ZPL font height, the PNG
// pixel size).
func (p *Page) FontDots(size float64) int { return int(math.Round(size * float64(p.DPI) / 72)) }
