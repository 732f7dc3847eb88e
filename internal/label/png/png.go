// Package png renders laid-out labels (label.Page) as PNG images at the page's resolution,
// one pixel a printer dot, for previews and for the tests that scan the barcodes back. Text is
// drawn with the Go fonts (BSD licence) through golang.org/x/image/font/opentype; bars, QR
// modules and boxes are filled to whole pixels exactly as a thermal printer fills dots.
package png

import (
	"image"
	"image/draw"
	"image/png"
	"io"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"lastmile/internal/label"
)

var fonts = sync.OnceValues(func() ([2]*opentype.Font, error) {
	var fs [2]*opentype.Font
	for i, ttf := range [2][]byte{goregular.TTF, gobold.TTF} {
		f, err := opentype.Parse(ttf)
		if err != nil {
			return fs, err
		}
		fs[i] = f
	}
	return fs, nil
})

// Render draws the page into a greyscale image, white background, one pixel a dot.
func Render(p *label.Page) (*image.Gray, error) {
	img := image.NewGray(image.Rect(0, 0, p.WDots, p.HDots))
	if len(img.Pix) > 0 { // white, by doubling copies
		img.Pix[0] = 0xff
		for n := 1; n < len(img.Pix); n *= 2 {
			copy(img.Pix[n:], img.Pix[:n])
		}
	}
	fs, err := fonts()
	if err != nil {
		return nil, err
	}
	for _, e := range p.Elements {
		switch e := e.(type) {
		case label.Box:
			r, border := p.BoxRect(e)
			if border == 0 {
				fill(img, r)
				continue
			}
			fill(img, label.Rect{X: r.X, Y: r.Y, W: r.W, H: border})
			fill(img, label.Rect{X: r.X, Y: r.Y + r.H - border, W: r.W, H: border})
			fill(img, label.Rect{X: r.X, Y: r.Y, W: border, H: r.H})
			fill(img, label.Rect{X: r.X + r.W - border, Y: r.Y, W: border, H: r.H})
		case label.Barcode:
			for _, r := range e.Bars() {
				fill(img, r)
			}
		case label.QR:
			for _, r := range e.Rects() {
				fill(img, r)
			}
		case label.Text:
			g, err := glyphsFor(fs, e.Bold, e.Size, p.DPI)
			if err != nil {
				return nil, err
			}
			g.draw(img, e.X*float64(p.DPI)/25.4, e.Y*float64(p.DPI)/25.4, e.S)
		}
	}
	return img, nil
}

// Encode writes the page as a PNG image.
func Encode(w io.Writer, p *label.Page) error {
	img, err := Render(p)
	if err != nil {
		return err
	}
	return encoder.Encode(w, img)
}

// encoder favours speed: a label compresses well even so (30 to 70 KB at 203 dpi).
var encoder = png.Encoder{CompressionLevel: png.BestSpeed}

// fill blackens r, clipped to the image.
func fill(img *image.Gray, r label.Rect) {
	rr := image.Rect(r.X, r.Y, r.X+r.W, r.Y+r.H).Intersect(img.Rect)
	for y := rr.Min.Y; y < rr.Max.Y; y++ {
		row := img.Pix[y*img.Stride+rr.Min.X : y*img.Stride+rr.Max.X]
		clear(row)
	}
}

// glyphs draws text in one face at one size and resolution, keeping each glyph's coverage
// mask for its rune and quarter-pixel offset: labels repeat the same letters at the same few
// sizes, so after the first labels of a batch nearly every glyph comes from the cache.
type glyphs struct {
	mu    sync.Mutex
	face  font.Face // not safe for concurrent use: only under mu
	cache map[glyphKey]glyph
}

type faceKey struct {
	bold bool
	size float64
	dpi  int
}

type glyphKey struct {
	r    rune
	frac fixed.Int26_6 // the pen's offset within its pixel, in quarter pixels
}

type glyph struct {
	dr   image.Rectangle // relative to the pen's whole pixel
	mask *image.Alpha    // origin at dr.Min
	adv  fixed.Int26_6
	ok   bool
}

// maxFaces bounds the cache: sizes come from the layout's fitting, a few dozen in practice.
const maxFaces = 256

var faceCache = struct {
	sync.Mutex
	m map[faceKey]*glyphs
}{m: map[faceKey]*glyphs{}}

func glyphsFor(fs [2]*opentype.Font, bold bool, size float64, dpi int) (*glyphs, error) {
	k := faceKey{bold, size, dpi}
	faceCache.Lock()
	defer faceCache.Unlock()
	if g, ok := faceCache.m[k]; ok {
		return g, nil
	}
	f := fs[0]
	if bold {
		f = fs[1]
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: float64(dpi), Hinting: font.HintingNone})
	if err != nil {
		return nil, err
	}
	g := &glyphs{face: face, cache: map[glyphKey]glyph{}}
	if len(faceCache.m) >= maxFaces {
		clear(faceCache.m)
	}
	faceCache.m[k] = g
	return g, nil
}

func (g *glyphs) get(r rune, frac fixed.Int26_6) glyph {
	g.mu.Lock()
	defer g.mu.Unlock()
	k := glyphKey{r, frac}
	if gl, ok := g.cache[k]; ok {
		return gl
	}
	dr, mask, mp, adv, found := g.face.Glyph(fixed.Point26_6{X: frac}, r)
	if !found {
		dr, mask, mp, adv, found = g.face.Glyph(fixed.Point26_6{X: frac}, '?')
	}
	// The face reuses its mask on the next call: keep a copy.
	own := image.NewAlpha(image.Rect(0, 0, dr.Dx(), dr.Dy()))
	if a, ok := mask.(*image.Alpha); ok {
		for y := range dr.Dy() {
			src := a.Pix[(mp.Y+y-a.Rect.Min.Y)*a.Stride+mp.X-a.Rect.Min.X:]
			copy(own.Pix[y*own.Stride:(y+1)*own.Stride], src)
		}
	} else {
		draw.Draw(own, own.Rect, mask, mp, draw.Src)
	}
	gl := glyph{dr: dr, mask: own, adv: adv, ok: found}
	g.cache[k] = gl
	return gl
}

// draw draws s with its baseline starting at (x, y) pixels, the baseline on a whole pixel,
// glyph by glyph with the unhinted advances the layout measured (no kerning, which the PDF
// core fonts do not apply either).
func (g *glyphs) draw(img *image.Gray, x, y float64, s string) {
	dot := fixed.Point26_6{X: fixed.Int26_6(x * 64), Y: fixed.I(int(y + 0.5))}
	for _, r := range s {
		gl := g.get(r, dot.X&63&^15)
		if gl.ok {
			composite(img, gl.dr.Add(image.Pt(dot.X.Floor(), dot.Y.Floor())), gl.mask)
		}
		dot.X += gl.adv
	}
}

// composite darkens img by the coverage of mask placed at dr (black ink over the page).
func composite(img *image.Gray, dr image.Rectangle, mask *image.Alpha) {
	clip := dr.Intersect(img.Rect)
	for y := clip.Min.Y; y < clip.Max.Y; y++ {
		row := img.Pix[y*img.Stride+clip.Min.X : y*img.Stride+clip.Max.X]
		cov := mask.Pix[(y-dr.Min.Y)*mask.Stride+clip.Min.X-dr.Min.X:]
		for i, c := range cov[:len(row)] {
			if c != 0 {
				row[i] = uint8(uint32(row[i]) * (255 - uint32(c)) / 255)
			}
		}
	}
}
