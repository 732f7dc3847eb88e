package label

import (
	"fmt"
	"image"
	"math/rand/v2"
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

// subsets reads the subsets of an encoded symbol back from its values: the start and switch
// codes, and the data each covers ("B:1Z999AA1 C:0123456784").
func subsets(c code128) string {
	var out []string
	var sub byte
	var text strings.Builder
	flush := func() {
		if sub != 0 {
			out = append(out, string(sub)+":"+text.String())
		}
		text.Reset()
	}
	for _, v := range c.values[:len(c.values)-2] { // less check and stop
		switch {
		case v == c128StartB || (v == c128CodeB && sub == 'C'):
			flush()
			sub = 'B'
		case v == c128StartC || (v == c128CodeC && sub == 'B'):
			flush()
			sub = 'C'
		case sub == 'C':
			fmt.Fprintf(&text, "%02d", v)
		default:
			text.WriteByte(byte(v + 32))
		}
	}
	flush()
	return strings.Join(out, " ")
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
		if got := subsets(code); got != c.segs {
			t.Errorf("%s: subsets %s, want %s", c.in, got, c.segs)
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

// autoSymbols is the number of symbols, start to stop, of s (letters, digits and other
// characters of subset B) in Code 128 by the character-set selection rules of ISO/IEC 15417
// Annex E, which the ZPL writer leaves to the printer (^BC automatic mode: "a string of four or
// more numeric digits causes an automatic shift to subset C"), written here independently of
// encode128:
//   - start in C when s is two digits or begins with four or more, else in B; when it begins
//     with an odd number of digits, the last of them goes into B;
//   - in B, a run of four or more digits switches to C, before its first digit when the run is
//     even and after it when odd;
//   - in C, anything but a pair of digits switches to B.
func autoSymbols(s string) int {
	n := len(s)
	run := func(i int) int { // digits from i on
		j := i
		for j < n && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		return j - i
	}
	symbols, inC, i := 1, false, 0 // the start symbol
	if k := run(0); k == n && k == 2 || k >= 4 {
		symbols += k / 2
		inC, i = true, k-k%2
	}
	for i < n {
		if inC { // no pair of digits follows
			symbols++ // Code B
			inC = false
		}
		if k := run(i); k >= 4 {
			symbols += 1 + k/2 + k%2 // Code C, the pairs, and an odd run's first digit in B
			inC, i = true, i+k
			continue
		}
		symbols++
		i++
	}
	return symbols + 2 // check and stop
}

// TestEncode128AutoMode: a printer's automatic mode (what the ZPL writer asks for) encodes
// every tracking number in as many symbols as encode128, so the printed symbol is as wide as
// the one laid out and drawn in the PDF and PNG. The subsets depend only on where the digits
// are: every arrangement of digits and letters up to 16 characters is tried, then random
// longer ones up to the longest a label takes.
func TestEncode128AutoMode(t *testing.T) {
	t.Parallel()
	check := func(s string) {
		code, err := encode128(s)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := autoSymbols(s), len(code.values); got != want {
			t.Errorf("%q: automatic mode takes %d symbols, encode128 %d (%s)", s, got, want, subsets(code))
		}
	}
	buf := make([]byte, 64)
	for n := 1; n <= 16; n++ {
		for bits := 0; bits < 1<<n; bits++ {
			for i := range n {
				buf[i] = "A7"[bits>>i&1]
			}
			check(string(buf[:n]))
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20_000 {
		n := 17 + r.IntN(48)
		for i := range n {
			buf[i] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[r.IntN(10+r.IntN(2)*26)]
		}
		check(string(buf[:n]))
	}
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
