package labeltest

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/qrcode"

	"lastmile/internal/label"
)

// BarcodeArea is the page's Code 128 with its quiet zones and a little more, in dots.
func BarcodeArea(p *label.Page) image.Rectangle {
	for _, e := range p.Elements {
		if b, ok := e.(label.Barcode); ok {
			qz := label.QuietZoneModules * b.Module
			return image.Rect(b.X-qz, b.Y-4, b.X+b.Width()+qz, b.Y+b.Height+4).Intersect(image.Rect(0, 0, p.WDots, p.HDots))
		}
	}
	return image.Rectangle{}
}

// QRArea is the page's QR symbol with its quiet zone, in dots; empty when there is none.
func QRArea(p *label.Page) image.Rectangle {
	for _, e := range p.Elements {
		if q, ok := e.(label.QR); ok {
			qz := label.QRQuietModules * q.Module
			return image.Rect(q.X-qz, q.Y-qz, q.X+q.Size()+qz, q.Y+q.Size()+qz).Intersect(image.Rect(0, 0, p.WDots, p.HDots))
		}
	}
	return image.Rectangle{}
}

type subImager interface {
	SubImage(r image.Rectangle) image.Image
}

// Crop returns the part of img inside r (sharing its pixels).
func Crop(img image.Image, r image.Rectangle) image.Image {
	if s, ok := img.(subImager); ok {
		return s.SubImage(r)
	}
	return img
}

// bitmap gives gozxing the image: a greyscale image directly as the luminance plane (much
// faster than through image.At), anything else through gozxing's conversion.
func bitmap(img image.Image) (*gozxing.BinaryBitmap, error) {
	g, ok := img.(*image.Gray)
	if !ok {
		return gozxing.NewBinaryBitmapFromImage(img)
	}
	b := g.Bounds()
	rows := g.Rect.Dy()
	src, err := gozxing.NewPlanarYUVLuminanceSource(g.Pix, g.Stride, rows, 0, 0, b.Dx(), b.Dy(), false)
	if err != nil {
		return nil, err
	}
	return gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(src))
}

// DecodeCode128 scans img for a Code 128 symbol with gozxing.
func DecodeCode128(img image.Image) (string, error) {
	bmp, err := bitmap(img)
	if err != nil {
		return "", err
	}
	res, err := oned.NewCode128Reader().Decode(bmp, nil)
	if err != nil {
		return "", err
	}
	return res.GetText(), nil
}

// DecodeQR scans img, the symbol with its quiet zone and nothing else, for a QR symbol with
// gozxing.
func DecodeQR(img image.Image) (string, error) {
	bmp, err := bitmap(img)
	if err != nil {
		return "", err
	}
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_PURE_BARCODE: true}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, hints)
	if err != nil {
		res, err = qrcode.NewQRCodeReader().Decode(bmp, nil)
	}
	if err != nil {
		return "", err
	}
	return res.GetText(), nil
}

// RasterPDF draws the filled rectangles of every page of a PDF written by the pdf package
// (uncompressed content streams) at dpi: bars, QR modules and boxes, not text. It is a
// rasteriser for exactly the operators those pages use (q, Q, cm, re, f), to check that the
// vector bars in the file scan, without any tool outside Go.
func RasterPDF(doc []byte, dpi int) ([]*image.Gray, error) {
	m := regexp.MustCompile(`/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]`).FindSubmatch(doc)
	if m == nil {
		return nil, errors.New("no MediaBox")
	}
	wpt, _ := strconv.ParseFloat(string(m[1]), 64)
	hpt, _ := strconv.ParseFloat(string(m[2]), 64)
	scale := float64(dpi) / 72
	wd, hd := int(wpt*scale+1e-6), int(hpt*scale+1e-6)
	var pages []*image.Gray
	rest := doc
	for {
		i := bytes.Index(rest, []byte("stream\n"))
		if i < 0 {
			break
		}
		rest = rest[i+len("stream\n"):]
		j := bytes.Index(rest, []byte("endstream"))
		if j < 0 {
			return nil, errors.New("stream without endstream")
		}
		img := image.NewGray(image.Rect(0, 0, wd, hd))
		img.Pix[0] = 0xff
		for n := 1; n < len(img.Pix); n *= 2 {
			copy(img.Pix[n:], img.Pix[:n])
		}
		if err := drawContent(img, rest[:j], hpt, scale); err != nil {
			return nil, fmt.Errorf("page %d: %w", len(pages)+1, err)
		}
		pages = append(pages, img)
		rest = rest[j+len("endstream"):]
	}
	if len(pages) == 0 {
		return nil, errors.New("no content stream (is the PDF compressed?)")
	}
	return pages, nil
}

type matrix [6]float64

func (a matrix) mul(b matrix) matrix { // a then b
	return matrix{a[0]*b[0] + a[1]*b[2], a[0]*b[1] + a[1]*b[3], a[2]*b[0] + a[3]*b[2], a[2]*b[1] + a[3]*b[3],
		a[4]*b[0] + a[5]*b[2] + b[4], a[4]*b[1] + a[5]*b[3] + b[5]}
}

func (a matrix) apply(x, y float64) (float64, float64) {
	return a[0]*x + a[2]*y + a[4], a[1]*x + a[3]*y + a[5]
}

func drawContent(img *image.Gray, content []byte, hpt, scale float64) error {
	ctm := matrix{1, 0, 0, 1, 0, 0}
	var stack []matrix
	var nums []float64
	type rect struct{ x0, y0, x1, y1 float64 }
	var path []rect
	for i := 0; i < len(content); {
		c := content[i]
		switch {
		case c == ' ' || c == '\n' || c == '\r' || c == '\t':
			i++
		case c == '(': // a string: skipped, with its escapes and nested parentheses
			depth := 0
			for ; i < len(content); i++ {
				if content[i] == '\\' {
					i++
					continue
				}
				if content[i] == '(' {
					depth++
				} else if content[i] == ')' {
					depth--
					if depth == 0 {
						i++
						break
					}
				}
			}
			nums = nums[:0]
		case c == '/' || c == '[' || c == ']' || c == '<' || c == '>':
			i++
			for i < len(content) && !strings.ContainsRune(" \n\r\t/[]()<>", rune(content[i])) {
				i++
			}
			nums = nums[:0]
		case c == '-' || c == '.' || (c >= '0' && c <= '9'):
			j := i + 1
			for j < len(content) && (content[j] == '.' || (content[j] >= '0' && content[j] <= '9')) {
				j++
			}
			v, err := strconv.ParseFloat(string(content[i:j]), 64)
			if err != nil {
				return err
			}
			nums = append(nums, v)
			i = j
		default:
			j := i + 1
			for j < len(content) && !strings.ContainsRune(" \n\r\t/[]()<>", rune(content[j])) {
				j++
			}
			op := string(content[i:j])
			i = j
			switch op {
			case "q":
				stack = append(stack, ctm)
			case "Q":
				if len(stack) > 0 {
					ctm, stack = stack[len(stack)-1], stack[:len(stack)-1]
				}
			case "cm":
				if len(nums) == 6 {
					ctm = matrix{nums[0], nums[1], nums[2], nums[3], nums[4], nums[5]}.mul(ctm)
				}
			case "re":
				if len(nums) == 4 {
					x0, y0 := ctm.apply(nums[0], nums[1])
					x1, y1 := ctm.apply(nums[0]+nums[2], nums[1]+nums[3])
					path = append(path, rect{x0, y0, x1, y1})
				}
			case "f", "F", "f*":
				for _, r := range path {
					// User space (points, y up) to pixels (y down).
					px0, px1 := r.x0*scale, r.x1*scale
					py0, py1 := (hpt-r.y0)*scale, (hpt-r.y1)*scale
					fillRect(img, px0, py0, px1, py1)
				}
				path = path[:0]
			case "n", "S", "s", "BT", "ET":
				if op == "n" || op == "S" || op == "s" {
					path = path[:0]
				}
			}
			nums = nums[:0]
		}
	}
	return nil
}

func fillRect(img *image.Gray, x0, y0, x1, y1 float64) {
	if x0 > x1 {
		x0, x1 = x1, x0
	}
	if y0 > y1 {
		y0, y1 = y1, y0
	}
	r := image.Rect(int(x0+0.5), int(y0+0.5), int(x1+0.5), int(y1+0.5)).Intersect(img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		clear(img.Pix[y*img.Stride+r.Min.X : y*img.Stride+r.Max.X])
	}
}

// Pdftoppm rasterises every page of doc at dpi, in grey, with poppler's pdftoppm, into PNG
// files in dir, and returns their paths in page order.
func Pdftoppm(dir string, doc []byte, dpi int) ([]string, error) {
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, doc, 0o644); err != nil {
		return nil, err
	}
	out, err := exec.Command("pdftoppm", "-r", strconv.Itoa(dpi), "-gray", "-png", in, filepath.Join(dir, "page")).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("pdftoppm: %v: %s", err, out)
	}
	paths, err := filepath.Glob(filepath.Join(dir, "page-*.png"))
	sort.Strings(paths) // page-01 … page-NN: pdftoppm pads the numbers
	return paths, err
}

// Zbarimg decodes every symbol in the image files with zbar and returns them as "TYPE:data"
// lines ("CODE-128:1Z…", "QR-Code:https://…"), sorted.
func Zbarimg(paths ...string) ([]string, error) {
	cmd := exec.Command("zbarimg", append([]string{"-q"}, paths...)...)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 4) { // 4: some image had no symbol
		return nil, fmt.Errorf("zbarimg: %w", err)
	}
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	sort.Strings(out)
	return out, nil
}
