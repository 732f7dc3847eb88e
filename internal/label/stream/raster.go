package stream

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
)

// maxRasterPixels bounds a carrier's label image: 4×6 in at 600 dpi is 8.6 million pixels, so
// twice that is generous for a label and keeps a hostile file from allocating gigabytes
// before it is refused.
const maxRasterPixels = 2 * 2400 * 3600

// raster is a carrier's label image in grey, one byte a pixel (0 black, 255 white), upright
// for portrait label stock.
type raster struct {
	w, h int
	pix  []byte // row by row, w bytes a row
	bw   bool   // every pixel is 0 or 255: the image is black and white
}

// decodeRaster decodes a PNG label image into r, reusing r's pixel buffer. The image is
// composited on white (a transparent background is the paper). An image wider than tall is
// turned a quarter turn clockwise: label stock runs portrait through the printer, and a
// landscape label image would otherwise print at two thirds of its size on a PDF page or be
// cut off by a thermal printer.
func decodeRaster(data []byte, r *raster) error {
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("decoding the label image: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxRasterPixels {
		return fmt.Errorf("label image of %d×%d pixels: a label image may have at most %d pixels", cfg.Width, cfg.Height, maxRasterPixels)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("decoding the label image: %w", err)
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	rotate := w > h
	r.w, r.h = w, h
	if rotate {
		r.w, r.h = h, w
	}
	if cap(r.pix) < w*h {
		r.pix = make([]byte, w*h)
	}
	r.pix = r.pix[:w*h]
	// set stores the grey of the source pixel (x, y), relative to the bounds.
	set := func(x, y int, g byte) { r.pix[y*w+x] = g }
	if rotate {
		// Clockwise: the source's top row becomes the right column.
		set = func(x, y int, g byte) { r.pix[x*h+(h-1-y)] = g }
	}
	switch m := img.(type) {
	case *image.Gray:
		for y := range h {
			row := m.Pix[y*m.Stride : y*m.Stride+w]
			if !rotate {
				copy(r.pix[y*w:], row)
				continue
			}
			for x, g := range row {
				set(x, y, g)
			}
		}
	case *image.Paletted:
		var grey [256]byte
		for i, c := range m.Palette {
			grey[i] = greyOf(c)
		}
		for y := range h {
			for x, i := range m.Pix[y*m.Stride : y*m.Stride+w] {
				set(x, y, grey[i])
			}
		}
	case *image.NRGBA:
		for y := range h {
			row := m.Pix[y*m.Stride : y*m.Stride+4*w]
			for x := range w {
				p := row[4*x : 4*x+4]
				a := uint32(p[3])
				// Premultiplied 16-bit, as color.NRGBA.RGBA computes it.
				pm := func(v byte) uint32 { c := uint32(v); c |= c << 8; return c * a / 0xff }
				set(x, y, grey(pm(p[0]), pm(p[1]), pm(p[2]), a|a<<8))
			}
		}
	default:
		for y := range h {
			for x := range w {
				set(x, y, greyOf(img.At(b.Min.X+x, b.Min.Y+y)))
			}
		}
	}
	r.bw = true
	for _, g := range r.pix {
		if g != 0 && g != 0xff {
			r.bw = false
			break
		}
	}
	return nil
}

// greyOf is the luminance of c composited on white.
func greyOf(c color.Color) byte { return grey(c.RGBA()) }

// grey is the luminance, with image/color's weights, of a premultiplied 16-bit colour
// composited on white: the white that shows through is added to each channel.
func grey(r, g, b, a uint32) byte {
	white := 0xffff - a
	return byte((19595*(r+white) + 38470*(g+white) + 7471*(b+white) + 1<<15) >> 24)
}

// packBlack packs the raster one bit a pixel, most significant bit first, each row padded to
// a whole byte: 1 for a pixel darker than mid-grey (a printed dot), 0 for white. This is the
// bit order of a ZPL graphic field and, with /Decode [1 0], of a 1-bit PDF image.
func packBlack(dst []byte, r *raster) (out []byte, rowBytes int) {
	rowBytes = (r.w + 7) / 8
	n := rowBytes * r.h
	if cap(dst) < n {
		dst = make([]byte, n)
	}
	dst = dst[:n]
	clear(dst)
	for y := range r.h {
		row := r.pix[y*r.w : (y+1)*r.w]
		out := dst[y*rowBytes : (y+1)*rowBytes]
		for x, g := range row {
			if g < 0x80 {
				out[x>>3] |= 0x80 >> (x & 7)
			}
		}
	}
	return dst, rowBytes
}
