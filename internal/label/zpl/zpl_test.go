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

// bcSymbols reads ^BC field data written with invocation codes back into its text and
// counts its Code 128 symbols (start, data, switches, check, stop), independently of the
// encoder that wrote it.
func bcSymbols(t *testing.T, data string) (text string, symbols int) {
	t.Helper()
	subset := byte(0)
	var b strings.Builder
	symbols = 2 // check and stop
	for i := 0; i < len(data); {
		if data[i] == '>' {
			switch data[i+1] {
			case ':', ';':
				if subset != 0 {
					t.Fatalf("start code inside %q", data)
				}
				subset = map[byte]byte{':': 'B', ';': 'C'}[data[i+1]]
			case '5':
				subset = 'C'
			case '6':
				subset = 'B'
			case '<':
				b.WriteByte('>')
			default:
				t.Fatalf("unexpected invocation >%c in %q", data[i+1], data)
			}
			symbols++
			i += 2
			continue
		}
		switch subset {
		case 'B':
			b.WriteByte(data[i])
			i++
		case 'C':
			if i+1 >= len(data) || data[i] < '0' || data[i] > '9' || data[i+1] < '0' || data[i+1] > '9' {
				t.Fatalf("subset C data is not digit pairs in %q", data)
			}
			b.WriteString(data[i : i+2])
			i += 2
		default:
			t.Fatalf("data before a start code in %q", data)
		}
		symbols++
	}
	return b.String(), symbols
}

// TestStructure: each label is one format with the page size (^PW, ^LL), UTF-8 (^CI28), one
// Code 128 whose data spells the tracking number, with the model's module and height, and
// whose quiet zones (10 modules) fit the page.
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
				p := strings.Split(cmd.params, ",")
				if h, _ := strconv.Atoi(p[1]); h != bc.Height || p[0] != "N" || p[2] != "N" {
					t.Errorf("%s: ^BC%s, want height %d without interpretation line", c.Name, cmd.params, bc.Height)
				}
				text, symbols := bcSymbols(t, cmds[i+1].params)
				if cmds[i+1].name != "FD" || text != pg.TrackingNumber {
					t.Errorf("%s: barcode data %q, want %q", c.Name, text, pg.TrackingNumber)
				}
				width := ((symbols-1)*11 + 13) * module
				if module != bc.Module || fo[0] != bc.X || fo[1] != bc.Y || width != bc.Width() {
					t.Errorf("%s: barcode at %v module %d width %d, model %d,%d module %d width %d", c.Name, fo, module, width, bc.X, bc.Y, bc.Module, bc.Width())
				}
				if qz := label.QuietZoneModules * module; fo[0]-qz < 0 || fo[0]+width+qz > pg.WDots {
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
