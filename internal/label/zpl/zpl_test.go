package zpl_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"lastmile/internal/label"
	"lastmile/internal/label/labeltest"
	"lastmile/internal/label/render"
	"lastmile/internal/label/zpl"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestGolden(t *testing.T) {
	for _, c := range labeltest.GoldenCases() {
		t.Run(c.Name, func(t *testing.T) {
			labeltest.Golden(t, filepath.Join("testdata", c.Name+".zpl"), zpl.Append(nil, c.Page(t)), *update, nil)
		})
	}
}

// command is one ZPL command: its two-letter name and its parameters.
type command struct{ name, params string }

// parse splits ZPL into commands (all ours start with ^).
func parse(t *testing.T, z string) []command {
	t.Helper()
	var out []command
	for _, part := range strings.Split(z, "^")[1:] {
		part = strings.TrimRight(part, "\n")
		if len(part) < 2 {
			t.Fatalf("bad command %q", part)
		}
		out = append(out, command{part[:2], part[2:]})
	}
	return out
}

func ints(t *testing.T, s string) []int {
	t.Helper()
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("%q is not a list of integers", s)
		}
		out = append(out, v)
	}
	return out
}

// TestStructure: each label is one format with the page size (^PW, ^LL), UTF-8 (^CI28), and
// one Code 128 in automatic mode whose data is the tracking number, at the model's position,
// module and height, with quiet zones (10 modules) inside the page. That automatic mode draws
// the model's width is label's TestEncode128AutoMode, and in zebrash TestZebrash.
func TestStructure(t *testing.T) {
	t.Parallel()
	for _, c := range labeltest.GoldenCases() {
		pg := c.Page(t)
		cmds := parse(t, string(zpl.Append(nil, pg)))
		if cmds[0].name != "XA" || cmds[1].name != "CI" || cmds[1].params != "28" || cmds[len(cmds)-1].name != "XZ" {
			t.Errorf("%s: starts %v, ends %v", c.Name, cmds[:2], cmds[len(cmds)-1])
		}
		var bc label.Barcode
		for _, e := range pg.Elements {
			if b, ok := e.(label.Barcode); ok {
				bc = b
			}
		}
		var fo []int
		module, barcodes := 0, 0
		for i, cmd := range cmds {
			switch cmd.name {
			case "PW":
				if ints(t, cmd.params)[0] != pg.WDots {
					t.Errorf("%s: ^PW%s, page is %d dots", c.Name, cmd.params, pg.WDots)
				}
			case "LL":
				if ints(t, cmd.params)[0] != pg.HDots {
					t.Errorf("%s: ^LL%s, page is %d dots", c.Name, cmd.params, pg.HDots)
				}
			case "FO":
				fo = ints(t, cmd.params)
			case "BY":
				module = ints(t, cmd.params)[0]
			case "BC":
				barcodes++
				want := fmt.Sprintf("N,%d,N,N,N,A", bc.Height) // no interpretation line: it is a Text
				if cmd.params != want || cmds[i+1].name != "FD" || cmds[i+1].params != pg.TrackingNumber {
					t.Errorf("%s: ^BC%s^%s%s, want ^BC%s^FD%s", c.Name, cmd.params, cmds[i+1].name, cmds[i+1].params, want, pg.TrackingNumber)
				}
				if module != bc.Module || fo[0] != bc.X || fo[1] != bc.Y {
					t.Errorf("%s: barcode at %v module %d, model %d,%d module %d", c.Name, fo, module, bc.X, bc.Y, bc.Module)
				}
				if qz := label.QuietZoneModules * module; fo[0]-qz < 0 || fo[0]+bc.Width()+qz > pg.WDots {
					t.Errorf("%s: quiet zones leave the page", c.Name)
				}
			}
		}
		if barcodes != 1 {
			t.Errorf("%s: %d barcodes", c.Name, barcodes)
		}
	}
}

// TestQRBoxesScan draws the ^GB boxes of the ZPL (the QR is drawn module by module) and scans
// the QR from that raster: what a printer draws from these commands is the symbol.
func TestQRBoxesScan(t *testing.T) {
	t.Parallel()
	for _, c := range labeltest.GoldenCases() {
		pg := c.Page(t)
		area := labeltest.QRArea(pg)
		if area.Empty() {
			continue
		}
		img := image.NewGray(image.Rect(0, 0, pg.WDots, pg.HDots))
		for i := range img.Pix {
			img.Pix[i] = 0xff
		}
		var fo []int
		for _, cmd := range parse(t, string(zpl.Append(nil, pg))) {
			switch cmd.name {
			case "FO":
				fo = ints(t, cmd.params)
			case "GB":
				g := ints(t, cmd.params)
				if g[2] != min(g[0], g[1]) {
					continue // a frame: not part of the QR
				}
				for y := fo[1]; y < fo[1]+g[1]; y++ {
					for x := fo[0]; x < fo[0]+g[0]; x++ {
						img.Pix[y*img.Stride+x] = 0
					}
				}
			}
		}
		got, err := labeltest.DecodeQR(labeltest.Crop(img, area))
		if err != nil || got != labeltest.QRContent {
			t.Errorf("%s: QR from the ZPL boxes scanned as %q (%v)", c.Name, got, err)
		}
	}
}

func TestEscapes(t *testing.T) {
	t.Parallel()
	l := labeltest.Example()
	l.SortCode = "A^B~C_D"
	l.To.Name = "Zoë Ñúñez"
	p, err := label.Prepare(l, label.Options{})
	if err != nil {
		t.Fatal(err)
	}
	z := string(zpl.Append(nil, p.Layout()))
	if !strings.Contains(z, "^FH_^FDA_5EB_7EC_5FD^FS") {
		t.Errorf("sort code not escaped:\n%s", z)
	}
	if !strings.Contains(z, "^FDZoë Ñúñez^FS") { // UTF-8 under ^CI28
		t.Errorf("name not in UTF-8:\n%s", z)
	}
}

// TestStream: a batch is one stream of formats, one per label, byte-identical on a reprint
// (R-LBL-6).
func TestStream(t *testing.T) {
	t.Parallel()
	var labels []*label.Prepared
	for _, c := range labeltest.GoldenCases() {
		if c.Opt.Size != label.Size4x6 || c.Opt.DPI != 203 {
			continue
		}
		p, err := label.Prepare(c.Label, c.Opt)
		if err != nil {
			t.Fatal(err)
		}
		labels = append(labels, p)
	}
	var a, b bytes.Buffer
	if err := render.Write(context.Background(), &a, labels, render.ZPL); err != nil {
		t.Fatal(err)
	}
	if err := render.Write(context.Background(), &b, labels, render.ZPL); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two renderings of a batch differ")
	}
	if n := strings.Count(a.String(), "^XA"); n != len(labels) || strings.Count(a.String(), "^XZ") != n {
		t.Errorf("%d formats for %d labels", n, len(labels))
	}
	var one bytes.Buffer
	if err := zpl.Write(&one, labels[0].Layout()); err != nil || !bytes.HasPrefix(a.Bytes(), one.Bytes()) {
		t.Errorf("Write of the first label is not the stream's first format: %v", err)
	}
}

// BenchmarkZPL is the time to render one label as ZPL from its JSON-decoded form: prepare
// (normalise, validate), lay out, write. Run with -cpu 1.
func BenchmarkZPL(b *testing.B) {
	gb := labeltest.GoldenCases()[2]
	for _, c := range []struct {
		name string
		l    label.Label
	}{{"us", labeltest.Example()}, {"gb-qr", gb.Label}} {
		b.Run(c.name, func(b *testing.B) {
			var buf []byte
			b.ReportAllocs()
			for b.Loop() {
				p, err := label.Prepare(c.l, label.Options{})
				if err != nil {
					b.Fatal(err)
				}
				buf = zpl.Append(buf[:0], p.Layout())
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "labels/s")
		})
	}
	b.Run("batch-10000", func(b *testing.B) {
		labels := make([]label.Label, 10_000)
		for i := range labels {
			labels[i] = labeltest.Example()
			if i%10 == 0 {
				labels[i] = gb.Label
			}
		}
		b.ReportAllocs()
		for b.Loop() {
			ps, err := label.PrepareAll(labels, label.Options{})
			if err != nil {
				b.Fatal(err)
			}
			if err := render.Write(context.Background(), io.Discard, ps, render.ZPL); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*len(labels))/b.Elapsed().Seconds(), "labels/s")
	})
}

func Example() {
	p, err := label.Prepare(labeltest.Example(), label.Options{Size: label.Size4x6, DPI: 203})
	if err != nil {
		panic(err)
	}
	z := zpl.Append(nil, p.Layout())
	fmt.Println(strings.Join(strings.Split(string(z), "\n")[:4], "\n"))
	// Output:
	// ^XA
	// ^CI28
	// ^PW812
	// ^LL1218
}
