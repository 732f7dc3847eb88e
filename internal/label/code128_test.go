package label

import (
	"image"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
)

func TestPatterns128(t *testing.T) {
	t.Parallel()
	seen := map[string]int{}
	for v, p := range patterns128 {
		want, elems := c128SymbolModules, 6
		if v == c128Stop {
			want, elems = c128StopModules, 7
		}
		sum := 0
		for _, d := range p {
			sum += int(d - '0')
		}
		if sum != want || len(p) != elems {
			t.Errorf("value %d: %q is %d modules in %d elements, want %d in %d", v, p, sum, len(p), want, elems)
		}
		if w, dup := seen[p]; dup {
			t.Errorf("values %d and %d share the pattern %q", w, v, p)
		}
		seen[p] = v
	}
}

func TestEncode128Subsets(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		segs string // subset:text, space separated
	}{
		{"1Z999AA10123456784", "B:1Z999AA1 C:0123456784"}, // UPS: the digit tail packs in pairs
		{"123456", "C:123456"},
		{"12345", "B:1 C:2345"},                    // odd digits: one in B first (a tie with C then B goes to B)
		{"RB123456785GB", "B:RB1 C:23456785 B:GB"}, // S10: eight of the nine digits in pairs
		{"AB1234CD", "B:AB1234CD"},                 // four digits inside B: switching costs what it saves
		{"AB123456CD", "B:AB C:123456 B:CD"},
		{"9400111899223197428490", "C:9400111899223197428490"},
		{"A", "B:A"},
	} {
		code, err := encode128(c.in)
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		var got []string
		for _, s := range code.segments {
			got = append(got, string(s.Subset)+":"+s.Text)
		}
		if strings.Join(got, " ") != c.segs {
			t.Errorf("%s: segments %v, want %s", c.in, got, c.segs)
		}
	}
}

// bruteSymbols is the fewest data symbols (switches included) for s starting in subset sub,
// trying every choice: an independent check of encode128's dynamic programming.
func bruteSymbols(s string, sub byte) int {
	if s == "" {
		return 0
	}
	best := 1 << 30
	digits := len(s) >= 2 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9'
	if sub == 'B' {
		best = min(best, 1+bruteSymbols(s[1:], 'B'))
		if digits {
			best = min(best, 2+bruteSymbols(s[2:], 'C'))
		}
	} else {
		if digits {
			best = min(best, 1+bruteSymbols(s[2:], 'C'))
		}
		best = min(best, 2+bruteSymbols(s[1:], 'B'))
	}
	return best
}

func TestEncode128Optimal(t *testing.T) {
	t.Parallel()
	alphabet := "01A"
	var gen func(prefix string, n int)
	gen = func(prefix string, n int) {
		if n == 0 {
			if prefix == "" {
				return
			}
			code, err := encode128(prefix)
			if err != nil {
				t.Fatal(err)
			}
			data := len(code.values) - 3 // less start, check and stop
			want := min(bruteSymbols(prefix, 'B'), bruteSymbols(prefix, 'C'))
			if data != want {
				t.Errorf("%q: %d data symbols, the fewest is %d", prefix, data, want)
			}
			return
		}
		gen(prefix, 0)
		for _, c := range alphabet {
			gen(prefix+string(c), n-1)
		}
	}
	gen("", 9)
}

func TestEncode128Refuses(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "ABC\x01", "é"} {
		if _, err := encode128(s); err == nil {
			t.Errorf("%q: encoded", s)
		}
	}
}

// barsImage draws a symbol's widths at px pixels a module, with 10-module quiet zones.
func barsImage(widths []uint8, px, height int) *image.Gray {
	n := 0
	for _, w := range widths {
		n += int(w)
	}
	img := image.NewGray(image.Rect(0, 0, (n+2*QuietZoneModules)*px, height))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	x := QuietZoneModules * px
	for i, w := range widths {
		d := int(w) * px
		if i%2 == 0 {
			for y := range height {
				clear(img.Pix[y*img.Stride+x : y*img.Stride+x+d])
			}
		}
		x += d
	}
	return img
}

func decode128(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := oned.NewCode128Reader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("no Code 128 found: %v", err)
	}
	return res.GetText()
}

// TestEncode128Decodes scans symbols holding every subset C pair and every printable ASCII
// character, so every entry of patterns128 that data can use is checked by a reader.
func TestEncode128Decodes(t *testing.T) {
	t.Parallel()
	var pairs strings.Builder
	for i := range 100 {
		pairs.WriteByte(byte('0' + i/10))
		pairs.WriteByte(byte('0' + i%10))
	}
	var ascii strings.Builder
	for c := byte(0x20); c < 0x7f; c++ {
		ascii.WriteByte(c)
	}
	for _, s := range []string{pairs.String(), ascii.String(), "1Z999AA10123456784", "12345", "A1B22C333D4444E55555"} {
		code, err := encode128(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := decode128(t, barsImage(code.widths(), 2, 20)); got != s {
			t.Errorf("encoded %q, scanned %q", s, got)
		}
	}
}
