package label

import (
	"math"
	"strings"
)

// The layout, top to bottom (millimetres; 4×6 in shown, A6 and 10×15 cm scale the same way):
//
//	┌────────────────────────────────┬──────────┐  margin 2
//	│ CARRIER (bold 16 pt)           │ SORT CODE│  header 12: carrier and service (R-LBL-3),
//	│ Service (10 pt)                │ (bold 22)│  sort/routing code in a frame
//	├────────────────────────────────┴──────────┤
//	│ FROM  seller name, street, city line,     │  12.5: sender (R-LBL-3), 7 pt
//	│       country                             │
//	├───────────────────────────────────────────┤
//	│ SHIP TO                                   │  what is left: recipient, name bold 13 pt,
//	│ Name, company, line1, line2 (11 pt)       │  street 11 pt, city line(s) and country
//	│ City line in the national format (bold 12)│  bold 12 pt, phone 9 pt (R-LBL-4)
//	│ COUNTRY, Tel                              │
//	├───────────────────────────────────────────┤
//	│ ▌▌ ▌▌▌ ▌ Code 128, quiet zones ≥ 10 modules│  bars 22 mm (15 mm with the QR), the
//	│        TRACKING NUMBER (bold 10 pt)       │  number below (R-LBL-2, R-SHIP-4)
//	├─────────────────────┬─────────────────────┤
//	│ ORDER, PKG n of m,  │ battery mark,       │  30: order (R-LBL-3), package, weight,
//	│ weight, COD         │ customs block       │  COD (R-MKT-2), R-SHIP-6
//	└─────────────────────┴─────────────────────┘
//
// To GB, DE and FR the bottom right is the anti-counterfeit QR, at least 50 mm and its quiet
// zone, in the corner (R-LBL-5); the order, package, COD, battery and customs blocks stack in
// the column to its left, and the bars are 15 mm high to make room.
const (
	ruleMM      = 0.4
	headerMM    = 12.0
	fromMM      = 12.5
	sortBoxMM   = 36.0
	bottomMM    = 30.0
	barsMM      = 22.0
	hriSize     = 10.0
	framePadMM  = 0.8
	frameLineMM = 0.5
)

type builder struct{ pg *Page }

func (b *builder) add(e Element) { b.pg.Elements = append(b.pg.Elements, e) }

func (b *builder) rule(x, y, w float64) { b.add(Box{X: x, Y: y, W: w, H: ruleMM}) }

// Layout lays the label out. It cannot fail: Prepare checked everything that could.
func (p *Prepared) Layout() *Page {
	o := p.opt
	W, H := o.Size.W, o.Size.H
	wd, hd := PageDots(o.Size, o.DPI)
	pg := &Page{Size: o.Size, DPI: o.DPI, WDots: wd, HDots: hd, TrackingNumber: p.tracking,
		Elements: make([]Element, 0, 64)}
	b := &builder{pg: pg}
	pitch := 25.4 / float64(o.DPI)
	m := MarginMM
	inner := W - 2*m

	// The bottom: the anti-counterfeit QR in the corner (R-LBL-5), or the info area.
	var bottomTop, qrLeft float64
	if p.qr != nil {
		dots50 := int(math.Ceil(QRMinMM/pitch - 1e-9))
		mag := (dots50 + p.qr.n - 1) / p.qr.n
		size := p.qr.n * mag
		qz := QRQuietModules * mag
		x, y := wd-qz-size, hd-qz-size
		b.add(QR{X: x, Y: y, Module: mag, N: p.qr.n, Dark: p.qr.dark, Content: p.qrContent})
		bottomTop = float64(y-qz) * pitch
		qrLeft = float64(x-qz) * pitch
	} else {
		bottomTop = H - m - bottomMM
	}

	// The barcode band, bottom up: the human-readable number, then the bars.
	bandEnd := bottomTop - 0.5
	barsH := barsMM
	if p.qr == nil {
		b.rule(m, bottomTop-1.0, inner)
		bandEnd = bottomTop - 1.6
	} else {
		barsH = MinBarHeightMM
	}
	hriTop := bandEnd - lineHeight(hriSize)
	barsBottom := int(math.Floor((hriTop - 0.6) / pitch))
	barsTop := barsBottom - int(math.Ceil(barsH/pitch-1e-9))
	mod := p.module
	total := (p.code.modules + 2*QuietZoneModules) * mod
	avail, _ := barcodeRoom(o)
	left := (wd - avail) / 2
	bc := Barcode{X: left + (avail-total)/2 + QuietZoneModules*mod, Y: barsTop, Module: mod,
		Height: barsBottom - barsTop, Widths: p.code.widths(), Data: p.tracking}
	b.add(bc)
	hri := fit(p.tracking, inner, hriSize, 7, true, 1)
	hw := textWidth(hri.lines[0], hri.size, true)
	center := float64(bc.X)*pitch + float64(bc.Width())*pitch/2
	b.add(Text{X: math.Max(m, center-hw/2), Y: baseline(hriTop, hri.size, 0), Size: hri.size, Bold: true,
		S: hri.lines[0], W: inner, Field: "tracking_number"})
	bandTop := float64(barsTop)*pitch - 1.0

	// The header: carrier and service, sort code (R-LBL-3).
	headW := inner
	if p.sortCode != "" {
		headW -= sortBoxMM + 2
		bx := Box{X: W - m - sortBoxMM, Y: m, W: sortBoxMM, H: headerMM - 0.5, Line: 0.6}
		b.add(bx)
		f := fit(p.sortCode, sortBoxMM-3, 22, 9, true, 1)
		tw := textWidth(f.lines[0], f.size, true)
		b.add(Text{X: bx.X + (bx.W-tw)/2, Y: bx.Y + bx.H/2 + 0.36*f.size*ptMM, Size: f.size, Bold: true,
			S: f.lines[0], W: sortBoxMM - 3, Field: "sort_code"})
	}
	b.block(m, m, headW, headerMM, []item{
		{field: "carrier", s: p.carrier, size: 16, min: 9, bold: true, lines: 1},
		{field: "service", s: p.service, size: 10, min: 6, lines: 1},
	})
	y := m + headerMM + 0.3
	b.rule(m, y, inner)
	y += ruleMM + 0.8

	// The sender (R-LBL-3).
	f := p.from
	b.block(m, y, inner, fromMM, []item{
		{field: "caption", s: "FROM", size: 6, min: 5, bold: true, lines: 1},
		{field: "from.name", s: joinNonEmpty(", ", f.name, f.company), size: 7.5, min: 5, bold: true, lines: 1},
		{field: "from.line1", s: joinNonEmpty(", ", f.line1, f.line2), size: 7, min: 5, lines: 2},
		{field: "from.city", s: joinNonEmpty(", ", append(f.cityLines, f.countryName)...), size: 7, min: 5, lines: 1},
	})
	y += fromMM + 0.3
	b.rule(m, y, inner)
	y += ruleMM + 0.8

	// The recipient (R-LBL-3, R-LBL-4).
	t := p.to
	toItems := []item{
		{field: "caption", s: "SHIP TO", size: 7, min: 5, bold: true, lines: 1},
		{field: "to.name", s: t.name, size: 13, min: 7, bold: true, lines: 2},
		{field: "to.company", s: t.company, size: 10, min: 6, lines: 1},
		{field: "to.line1", s: t.line1, size: 11, min: 6, lines: 2},
		{field: "to.line2", s: t.line2, size: 11, min: 6, lines: 2},
	}
	for _, cl := range t.cityLines {
		toItems = append(toItems, item{field: "to.city", s: cl, size: 12, min: 6, bold: true, lines: 2})
	}
	toItems = append(toItems, item{field: "to.country", s: t.countryName, size: 12, min: 6, bold: true, lines: 1})
	if t.phone != "" {
		toItems = append(toItems, item{field: "to.phone", s: "Tel " + t.phone, size: 9, min: 5, lines: 1})
	}
	b.rule(m, bandTop-ruleMM, inner)
	b.blockGrow(m, y, inner, bandTop-ruleMM-0.8-y, 1.3, toItems)

	// The bottom blocks.
	info := []item{
		{field: "caption", s: "ORDER", size: 6, min: 5, bold: true, lines: 1},
		{field: "order_external_id", s: p.order, size: 10, min: 5, bold: true, lines: 2, gap: 0.6},
		{field: "package", s: "PKG " + p.pkg, size: 9, min: 5, bold: true, lines: 1},
	}
	if p.weight != "" {
		info = append(info, item{field: "weight_g", s: "WEIGHT " + p.weight, size: 9, min: 5, lines: 1})
	}
	var marks []item
	if p.cod != "" { // R-MKT-2: the amount travels with the shipment
		info = append(info, item{field: "cod", s: "COD " + p.cod, size: 12, min: 5, bold: true, lines: 2, frame: true, before: 1})
	}
	if p.battery { // R-SHIP-6
		marks = append(marks, item{field: "has_battery", s: "CONTAINS BATTERIES", size: 11, min: 5, bold: true, lines: 2, icon: true, gap: 1})
	}
	if c := p.customs; c != nil { // R-SHIP-6
		marks = append(marks,
			item{field: "caption", s: "CUSTOMS DECLARATION", size: 6, min: 4.5, bold: true, lines: 1},
			item{field: "customs.contents", s: "Contents: " + c.contents, size: 8, min: 5, lines: 2},
			item{field: "customs.value", s: "Value: " + c.value, size: 8, min: 5, lines: 1},
			item{field: "customs.hs_code", s: "HS code: " + c.hsCode, size: 8, min: 5, lines: 1},
		)
	}
	top := bottomTop + 0.5
	if p.qr != nil {
		col := qrLeft - m - 1
		b.block(m, top, col, H-m-top, append(append(info, item{gap: 1}), marks...))
	} else {
		half := inner/2 - 1.5
		b.block(m, top, half, H-m-top, info)
		b.block(W-m-half, top, half, H-m-top, marks)
	}
	return pg
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// baseline is the baseline of line i of text at size points whose first line box starts at
// top; line boxes are lineHeight high with the descender at the bottom.
func baseline(top, size float64, i int) float64 {
	return top + float64(i)*lineHeight(size) + lineHeight(size) - 0.23*size*ptMM
}

// item is one piece of text in a block, with how it may be fitted.
type item struct {
	field     string
	s         string
	size, min float64 // points: nominal, and the smallest shrinking may reach
	bold      bool
	lines     int     // at most this many lines when wrapped
	gap       float64 // space after, mm
	before    float64 // space before, mm
	frame     bool    // framed (COD)
	icon      bool    // with the battery mark before it
}

// inset is how much narrower than the block the item's text is, mm, at size points.
func (it item) inset(size float64) float64 {
	switch {
	case it.frame:
		return 2 * (framePadMM + frameLineMM)
	case it.icon:
		return iconW(size) + 1.2
	}
	return 0
}

func iconW(size float64) float64 { return 2 * lineHeight(size) }

func (it item) height(f fitted) float64 {
	h := float64(len(f.lines))*lineHeight(f.size) + it.gap + it.before
	if it.frame {
		h += 2 * (framePadMM + frameLineMM)
	}
	if it.icon {
		h = math.Max(h, lineHeight(f.size)*1.2+it.gap+it.before)
	}
	return h
}

// block stacks items from the top of the box (x, y, w, h), fitting each into the width: at
// the nominal sizes with wrapping if they fit, else with less wrapping, else smaller (down to
// 40% of nominal); every line that would not fit is truncated with Ellipsis.
func (b *builder) block(x, y, w, h float64, all []item) { b.blockGrow(x, y, w, h, 1, all) }

// blockGrow is block that also tries sizes up to grow times the nominal ones, largest first,
// when the box has room for them.
func (b *builder) blockGrow(x, y, w, h, grow float64, all []item) {
	items := all[:0:0]
	for _, it := range all {
		if it.s != "" || it.gap > 0 {
			items = append(items, it)
		}
	}
	maxLines := make([]int, len(items))
	for i, it := range items {
		maxLines[i] = max(1, it.lines)
	}
	fs := make([]fitted, len(items))
	layout := func(scale float64) float64 {
		total := 0.0
		for i, it := range items {
			size := it.size * scale
			fs[i] = fit(it.s, w-it.inset(size), size, math.Min(size, math.Max(it.min*scale, 4)), it.bold, maxLines[i])
			total += it.height(fs[i])
		}
		return total
	}
	total := layout(1)
	if grow > 1 && total < h {
		grown := false
		for scale := grow; scale > 1.001 && !grown; scale -= 0.05 {
			grown = layout(scale) <= h
		}
		if !grown {
			total = layout(1)
		}
	}
	for total > h {
		j := -1
		for i := range items {
			if n := len(fs[i].lines); n > 1 && (j < 0 || n >= len(fs[j].lines)) {
				j = i
			}
		}
		if j < 0 {
			break
		}
		maxLines[j] = len(fs[j].lines) - 1
		total = layout(1)
	}
	for scale := 0.95; total > h && scale > 0.4; scale -= 0.05 {
		total = layout(scale)
	}

	cur := y
	for i, it := range items {
		f := fs[i]
		cur += it.before
		if len(f.lines) == 0 {
			cur += it.gap
			continue
		}
		lh := lineHeight(f.size)
		tx, top := x, cur
		textH := float64(len(f.lines)) * lh
		switch {
		case it.frame:
			widest := 0.0
			for _, l := range f.lines {
				widest = math.Max(widest, textWidth(l, f.size, it.bold))
			}
			pad := framePadMM + frameLineMM
			b.add(Box{X: x, Y: cur, W: math.Min(w, widest+2*pad), H: textH + 2*pad, Line: frameLineMM})
			tx, top = x+pad, cur+pad
		case it.icon:
			iw := iconW(f.size)
			ih := lh * 1.2
			b.battery(x, cur+math.Max(0, (textH-ih)/2), iw, ih)
			tx = x + iw + 1.2
			if textH < ih {
				top = cur + (ih-textH)/2
			}
		}
		for j, line := range f.lines {
			b.add(Text{X: tx, Y: baseline(top, f.size, j), Size: f.size, Bold: it.bold, S: line,
				W: w - it.inset(f.size), Field: it.field})
		}
		cur += it.height(f) - it.before
	}
}

// battery draws the battery mark (R-SHIP-6) in the box (x, y, w, h): a cell with its
// terminal, two thirds charged.
func (b *builder) battery(x, y, w, h float64) {
	bodyW := w * 0.86
	line := math.Max(0.35, h*0.09)
	b.add(Box{X: x, Y: y, W: bodyW, H: h, Line: line})
	b.add(Box{X: x + bodyW, Y: y + h*0.3, W: w - bodyW, H: h * 0.4})
	in := line + 0.3
	b.add(Box{X: x + in, Y: y + in, W: (bodyW - 2*in) * 0.66, H: h - 2*in})
}
