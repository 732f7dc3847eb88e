package stream

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"

	"lastmile/internal/label"
	"lastmile/internal/label/zpl"
)

// ZPL writes a stream of ZPL II label formats (^XA…^XZ) to an io.Writer, buffered, as labels
// are added: a thermal printer prints them one after the other. It is not safe for concurrent
// use; the output is the same bytes for the same labels.
type ZPL struct {
	bw     *bufio.Writer
	buf    []byte
	img    raster
	bits   []byte
	closed bool
	err    error // the first write error: every later call returns it
}

// NewZPL returns a writer of a ZPL stream to w.
func NewZPL(w io.Writer) *ZPL {
	return &ZPL{bw: bufio.NewWriterSize(w, 64<<10), buf: make([]byte, 0, 16<<10)}
}

// AddLabel adds lastmile's label p, as label/zpl writes it.
func (z *ZPL) AddLabel(p *label.Prepared) error {
	if err := z.ready(); err != nil {
		return err
	}
	z.buf = zpl.Append(z.buf[:0], p.Layout())
	return z.write(z.buf)
}

// AddZPL adds a carrier's own ZPL document, copied as it is (R-SHIP-2: the carrier's label is
// printed as the carrier made it). An empty document is refused: it would print nothing and
// leave a parcel without its label.
func (z *ZPL) AddZPL(raw []byte) error {
	if err := z.ready(); err != nil {
		return err
	}
	if len(raw) == 0 {
		return errors.New("the carrier's ZPL label is empty")
	}
	return z.write(raw)
}

// AddPNG adds a carrier's own label image, a PNG, as one label format holding a graphic field
// (^GFA), one image pixel a printer dot: the image must be made for the printer's resolution
// (a carrier's 4×6 in label at 203 dpi is 812×1218 pixels). An image wider than tall is turned
// a quarter turn clockwise, like the PDF writer does; grey is thresholded at mid-grey.
//
// The graphic is written in ZPL's compressed ASCII hex (runs of a hex digit as a count letter
// and the digit, "," for a row that ends in white, ":" for a row like the one before), not in
// the denser :Z64: encoding: every ZPL II printer reads it, and it has no checksum, whereas a
// :Z64: block carries a CRC whose parameters Zebra's guide does not give; a wrong one makes
// the printer drop the graphic, and no renderer the tests can run checks it. Label images are
// mostly white and their rows repeat, so the compression is good (see the package's
// benchmarks).
func (z *ZPL) AddPNG(png []byte) error {
	if err := z.ready(); err != nil {
		return err
	}
	if err := decodeRaster(png, &z.img); err != nil {
		return err
	}
	var rowBytes int
	z.bits, rowBytes = packBlack(z.bits, &z.img)
	b := z.buf[:0]
	b = append(b, "^XA\n^PW"...)
	b = strconv.AppendInt(b, int64(z.img.w), 10)
	b = append(b, "\n^LL"...)
	b = strconv.AppendInt(b, int64(z.img.h), 10)
	b = append(b, "\n^LH0,0\n^FXcarrier label image^FS\n^FO0,0^GFA,"...)
	total := int64(len(z.bits))
	b = strconv.AppendInt(b, total, 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, total, 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(rowBytes), 10)
	b = append(b, ',')
	b = appendGraphic(b, z.bits, rowBytes)
	b = append(b, "^FS\n^PQ1\n^XZ\n"...)
	z.buf = b
	return z.write(b)
}

// noteDots and friends set out a ZPL note: 203 dpi, a 4 in wide label, font 0 at 30 dots.
const (
	noteWidthDots  = 812
	noteMarginDots = 40
	noteFontDots   = 30
	noteLineDots   = 38
	noteLines      = 28 // lines a 6 in label holds
)

// AddNote adds a label format of plain text, one line per element of lines, wrapped to a
// 4 in label at 203 dpi (smaller on a 300 dpi printer), running on to further labels when it
// does not fit one. Text is printed in the repertoire of labels (Windows-1252): a Latin letter
// outside it loses its diacritic, anything else becomes "?".
func (z *ZPL) AddNote(lines []string) error {
	if err := z.ready(); err != nil {
		return err
	}
	// Helvetica is wider than Zebra's font 0, so text measured in it fits.
	pt := float64(noteFontDots) * 72 / 203
	widthMM := float64(noteWidthDots-2*noteMarginDots) * 25.4 / 203
	wrapped := wrapLines(lines, func(s string) bool { return label.TextWidth(s, pt, false) <= widthMM })
	for start := 0; start == 0 || start < len(wrapped); start += noteLines {
		b := z.buf[:0]
		b = append(b, "^XA\n^CI28\n^PW812\n^LH0,0\n"...)
		for i, l := range wrapped[start:min(start+noteLines, len(wrapped))] {
			b = append(b, "^FT"...)
			b = strconv.AppendInt(b, noteMarginDots, 10)
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(noteMarginDots+noteFontDots+i*noteLineDots), 10)
			b = append(b, "^A0N,"...)
			b = strconv.AppendInt(b, noteFontDots, 10)
			b = append(b, ',')
			b = strconv.AppendInt(b, noteFontDots, 10)
			b = appendZPLField(b, l)
		}
		b = append(b, "^PQ1\n^XZ\n"...)
		z.buf = b
		if err := z.write(b); err != nil {
			return err
		}
	}
	return nil
}

// Close flushes the buffered stream. It does not close the underlying writer.
func (z *ZPL) Close() error {
	if z.closed {
		return z.err
	}
	z.closed = true
	if z.err != nil {
		return z.err
	}
	if err := z.bw.Flush(); err != nil {
		z.err = fmt.Errorf("writing the ZPL: %w", err)
	}
	return z.err
}

func (z *ZPL) ready() error {
	if z.err != nil {
		return z.err
	}
	if z.closed {
		return ErrClosed
	}
	return nil
}

func (z *ZPL) write(b []byte) error {
	if _, err := z.bw.Write(b); err != nil {
		z.err = fmt.Errorf("writing the ZPL: %w", err)
		return z.err
	}
	return nil
}

// appendZPLField writes ^FD s ^FS in UTF-8 (^CI28), hex-escaping with ^FH the characters ZPL
// would take for commands (^ and ~) and the escape character itself; a character outside the
// labels' repertoire is replaced as printable says.
func appendZPLField(b []byte, s string) []byte {
	b = append(b, "^FH_^FD"...)
	const hex = "0123456789ABCDEF"
	for _, r := range s {
		r = printable(r)
		switch {
		case r == '^' || r == '~' || r == '_':
			b = append(b, '_', hex[r>>4], hex[r&15])
		default:
			b = append(b, string(r)...)
		}
	}
	return append(b, "^FS\n"...)
}

// appendGraphic appends the bits, rowBytes a row, in ZPL's compressed ASCII hex: each row is
// ":" when it repeats the row before, else its hex digits with runs written as a repeat count
// (G…Y for 1 to 19, g…z for 20 to 400 in twenties, added together) before the digit, and a
// trailing run of zeros (white) as ",". The "!" (fill the row with ones) is not used: rows
// ending in black are rare on a label and one renderer reads it wrongly.
func appendGraphic(b, bits []byte, rowBytes int) []byte {
	const hex = "0123456789ABCDEF"
	var prev []byte
	var digits []byte
	for y := 0; y*rowBytes < len(bits); y++ {
		row := bits[y*rowBytes : (y+1)*rowBytes]
		if prev != nil && string(row) == string(prev) {
			b = append(b, ':')
			continue
		}
		prev = row
		digits = digits[:0]
		for _, c := range row {
			digits = append(digits, hex[c>>4], hex[c&15])
		}
		end := len(digits)
		for end > 0 && digits[end-1] == '0' {
			end--
		}
		for i := 0; i < end; {
			j := i + 1
			for j < end && digits[j] == digits[i] {
				j++
			}
			b = appendRun(b, digits[i], j-i)
			i = j
		}
		if end < len(digits) {
			b = append(b, ',')
		}
	}
	return b
}

// appendRun appends n copies of the hex digit c, with a repeat count when that is shorter.
func appendRun(b []byte, c byte, n int) []byte {
	for n > 0 {
		k := min(n, 419) // z (400) and Y (19) is the longest single count
		n -= k
		if k <= 2 {
			for range k {
				b = append(b, c)
			}
			continue
		}
		if k >= 20 {
			b = append(b, byte('g'+k/20-1))
		}
		if k%20 > 0 {
			b = append(b, byte('G'+k%20-1))
		}
		b = append(b, c)
	}
	return b
}
