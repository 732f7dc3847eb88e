package stream_test

import (
	"bytes"
	"image"
	"image/color"
	stdpng "image/png"
	"testing"

	"lastmile/internal/label"
	"lastmile/internal/label/stream"
)

// FuzzAddPNG feeds arbitrary bytes as a carrier's label image to both writers, between two
// note pages. A file is either refused with an error, leaving the document exactly as it was,
// or becomes one page (one label format); either way the document closes whole: every stream
// inflates and the cross-reference table points at every object.
func FuzzAddPNG(f *testing.F) {
	enc := func(img image.Image) []byte {
		var b bytes.Buffer
		if err := stdpng.Encode(&b, img); err != nil {
			f.Fatal(err)
		}
		return b.Bytes()
	}
	grey := image.NewGray(image.Rect(0, 0, 3, 5))
	grey.Pix[4] = 0x80
	rgba := image.NewNRGBA(image.Rect(0, 0, 9, 2)) // landscape, transparent
	rgba.Pix[3] = 0xff
	pal := image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.White, color.Black})
	pal.Pix[5] = 1
	g16 := image.NewGray16(image.Rect(0, 0, 2, 2))
	f.Add(enc(grey))
	f.Add(enc(rgba))
	f.Add(enc(pal))
	f.Add(enc(g16))
	f.Add(pngHeader(1, 1))
	f.Add([]byte("not a png"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var pdfBuf bytes.Buffer
		d := stream.NewPDF(&pdfBuf, label.Size4x6)
		if err := d.AddNote([]string{"before"}); err != nil {
			t.Fatal(err)
		}
		n := pdfBuf.Len()
		pdfErr := d.AddPNG(data)
		if pdfErr != nil && pdfBuf.Len() != n {
			t.Fatalf("refused (%v) after writing %d bytes", pdfErr, pdfBuf.Len()-n)
		}
		if err := d.AddNote([]string{"after"}); err != nil {
			t.Fatal(err)
		}
		want := 2
		if pdfErr == nil {
			want = 3
		}
		if d.Pages() != want {
			t.Fatalf("%d pages, want %d", d.Pages(), want)
		}
		if err := d.Close(); err != nil {
			t.Fatal(err)
		}
		checkXref(t, pdfBuf.Bytes())
		pdfStreams(t, pdfBuf.Bytes())

		var zplBuf bytes.Buffer
		z := stream.NewZPL(&zplBuf)
		zplErr := z.AddPNG(data)
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}
		if (zplErr == nil) != (pdfErr == nil) {
			t.Fatalf("the PDF writer says %v, the ZPL writer %v", pdfErr, zplErr)
		}
		if zplErr != nil && zplBuf.Len() != 0 {
			t.Fatalf("refused (%v) after writing %q", zplErr, zplBuf.Bytes())
		}
		if zplErr == nil && bytes.Count(zplBuf.Bytes(), []byte("^XA")) != 1 {
			t.Fatalf("not one label format: %q", zplBuf.Bytes())
		}
	})
}
