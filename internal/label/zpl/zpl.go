// Package zpl writes laid-out labels (label.Page) as ZPL II for Zebra thermal printers: one
// ^XA…^XZ format per label, at the page's resolution (203 or 300 dpi), UTF-8 text (^CI28),
// the tracking number as a printer-drawn Code 128 (^BC, automatic mode) with the model's
// module width, and everything else, the anti-counterfeit QR included, as graphic boxes (^GB)
// placed to the dot.
//
// The QR is drawn module by module rather than with ^BQ: ^BQ magnifies by at most 10 dots a
// module and picks its own version, so at 203 dpi a symbol of the usual content length would
// be about 3 cm wide, and R-LBL-5 asks for at least 5 cm.
package zpl

import (
	"io"
	"strconv"
	"sync"

	"lastmile/internal/label"
)

// Append appends the ZPL of one label to dst.
func Append(dst []byte, p *label.Page) []byte {
	dst = append(dst, "^XA\n^CI28\n^PW"...)
	dst = strconv.AppendInt(dst, int64(p.WDots), 10)
	dst = append(dst, "\n^LL"...)
	dst = strconv.AppendInt(dst, int64(p.HDots), 10)
	dst = append(dst, "\n^LH0,0\n^LS0\n^FXlastmile label "...)
	dst = appendComment(dst, p.TrackingNumber)
	dst = append(dst, " "...)
	dst = append(dst, p.Size.Name...)
	dst = append(dst, " "...)
	dst = strconv.AppendInt(dst, int64(p.DPI), 10)
	dst = append(dst, "dpi^FS\n"...)
	for _, e := range p.Elements {
		switch e := e.(type) {
		case label.Box:
			r, border := p.BoxRect(e)
			if border == 0 {
				border = min(r.W, r.H)
			}
			dst = appendBox(dst, r, border)
		case label.Text:
			dst = appendText(dst, p, e)
		case label.Barcode:
			dst = appendBarcode(dst, e)
		case label.QR:
			for _, r := range e.Rects() {
				dst = appendBox(dst, r, min(r.W, r.H))
			}
		}
	}
	return append(dst, "^PQ1\n^XZ\n"...)
}

var bufs = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// Write writes the ZPL of one label to w.
func Write(w io.Writer, p *label.Page) error {
	bp := bufs.Get().(*[]byte)
	b := Append((*bp)[:0], p)
	_, err := w.Write(b)
	*bp = b
	bufs.Put(bp)
	return err
}

func appendXY(dst []byte, cmd string, x, y int) []byte {
	dst = append(dst, cmd...)
	dst = strconv.AppendInt(dst, int64(x), 10)
	dst = append(dst, ',')
	return strconv.AppendInt(dst, int64(y), 10)
}

// appendBox draws r with a border of t dots; t = min(W, H) fills it.
func appendBox(dst []byte, r label.Rect, t int) []byte {
	dst = appendXY(dst, "^FO", r.X, r.Y)
	dst = appendXY(dst, "^GB", r.W, r.H)
	dst = append(dst, ',')
	dst = strconv.AppendInt(dst, int64(t), 10)
	return append(dst, "^FS\n"...)
}

// appendText places the text's baseline with ^FT, in the scalable font 0 at the model's size.
func appendText(dst []byte, p *label.Page, t label.Text) []byte {
	h := max(10, p.FontDots(t.Size))
	dst = appendXY(dst, "^FT", p.Dots(t.X), p.Dots(t.Y))
	dst = appendXY(dst, "^A0N,", h, h)
	return appendField(dst, t.S)
}

// appendBarcode writes the Code 128 with the module (^BY) and height of the model, in ^BC's
// automatic mode (A): the field data is the tracking number as it reads, and the printer
// chooses the subsets. The subsets are not spelt out with invocation codes (mode N, >: >5 >6)
// because zebrash, the open-source renderer behind several label viewers, takes >5 (switch to
// subset C) for an FNC 4 and stays in subset B: its preview was wider than the label and did
// not scan. Automatic mode packs digits by the rules of ISO/IEC 15417 Annex E, into as many
// symbols as the label package's encoder (label's TestEncode128AutoMode), so the printed symbol
// is as wide as the one laid out.
// The tracking number is capitals and digits (trackno), none of which ^FD or ^BC reads as a
// command. The human-readable line is a Text.
func appendBarcode(dst []byte, b label.Barcode) []byte {
	dst = appendXY(dst, "^FO", b.X, b.Y)
	dst = append(dst, "^BY"...)
	dst = strconv.AppendInt(dst, int64(b.Module), 10)
	dst = append(dst, "^BCN,"...)
	dst = strconv.AppendInt(dst, int64(b.Height), 10)
	dst = append(dst, ",N,N,N,A"...)
	return appendField(dst, b.Data)
}

// appendField writes ^FD s ^FS, hex-escaping with ^FH the characters ZPL would take for
// commands (^ and ~) and the escape character itself.
func appendField(dst []byte, s string) []byte {
	escape := false
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '^' || c == '~' || c == '_' || c < 0x20 {
			escape = true
			break
		}
	}
	if escape {
		dst = append(dst, "^FH_"...)
	}
	dst = append(dst, "^FD"...)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if escape && (c == '^' || c == '~' || c == '_' || c < 0x20) {
			const hex = "0123456789ABCDEF"
			dst = append(dst, '_', hex[c>>4], hex[c&15])
			continue
		}
		dst = append(dst, c)
	}
	return append(dst, "^FS\n"...)
}

// appendComment writes s into a ^FX comment, leaving out what would end it.
func appendComment(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '^' && c != '~' && c >= 0x20 && c < 0x7f {
			dst = append(dst, c)
		}
	}
	return dst
}
