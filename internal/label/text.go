package label

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// ptMM is one typographic point in millimetres.
const ptMM = 25.4 / 72

// Ellipsis marks truncated text. It is in Windows-1252 (0x85), so every renderer prints it.
const Ellipsis = "…"

// Printable reports whether r is in the repertoire labels print: the printable characters of
// Windows-1252, which Helvetica (PDF), the Go fonts (PNG) and Zebra's font 0 under ^CI28 all
// have.
func Printable(r rune) bool {
	if r >= 0x20 && r < 0x7f {
		return true
	}
	if r < 0xa0 { // controls, and C1 controls that cp1252 would reinterpret
		return false
	}
	_, ok := charmap.Windows1252.EncodeRune(r)
	return ok
}

// CP1252 returns the Windows-1252 byte of a Printable rune.
func CP1252(r rune) byte {
	if r < 0x80 {
		return byte(r)
	}
	b, _ := charmap.Windows1252.EncodeRune(r)
	return b
}

// noDecomposition maps the Latin letters that Unicode does not decompose into a base letter
// and a diacritic to what a label prints instead.
var noDecomposition = map[rune]string{
	'ł': "l", 'Ł': "L", 'đ': "d", 'Đ': "D", 'ħ': "h", 'Ħ': "H", 'ı': "i", 'ŧ': "t", 'Ŧ': "T",
	'ĸ': "k", 'ŀ': "l", 'Ŀ': "L", 'ŉ': "'n", 'ſ': "s", 'ƀ': "b", 'Ɓ': "B", 'ƈ': "c", 'Ƈ': "C",
	'ɗ': "d", 'Ɗ': "D", 'ɛ': "e", 'Ɛ': "E", 'ƒ': "f", 'ɠ': "g", 'ɨ': "i", 'ƙ': "k", 'ƚ': "l",
	'ɲ': "n", 'Ɲ': "N", 'ɔ': "o", 'Ɔ': "O", 'ƥ': "p", 'ʈ': "t", 'ʋ': "v", 'ƴ': "y", 'ƶ': "z",
	'Ƶ': "Z", 'ǥ': "g", 'Ǥ': "G", 'ẞ': "SS", 'ŋ': "ng", 'Ŋ': "NG", 'ǝ': "e", 'ə': "e", 'Ə': "E",
	'‐': "-", '‑': "-", '‒': "-", '―': "-", '′': "'", '″': "\"", '‛': "'", '‟': "\"", '⁄': "/",
	'№': "No", '‧': "-", '‹': "<", '›': ">", '\u00a0': " ",
}

// fold returns s in the printable repertoire: a Latin letter outside Windows-1252 loses its
// diacritic (ą → a, ư → u), a few letters without decomposition are spelt with their base
// letter (ł → l), control characters are dropped and anything else becomes "?". Text reaching
// here has passed the Latin-script check (R-LBL-4), so "?" is rare.
func fold(s string) string {
	i := 0
	for i < len(s) && s[i] >= 0x20 && s[i] < 0x7f {
		i++
	}
	if i == len(s) {
		return s // printable ASCII: the common case
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		switch {
		case Printable(r):
			b.WriteRune(r)
		case r < 0xa0:
			// a control character: dropped
		case noDecomposition[r] != "":
			b.WriteString(noDecomposition[r])
		default:
			wrote := false
			for _, d := range norm.NFD.String(string(r)) {
				if unicode.Is(unicode.Mn, d) {
					continue
				}
				if Printable(d) {
					b.WriteRune(d)
					wrote = true
				}
			}
			if !wrote && !unicode.Is(unicode.Mn, r) {
				b.WriteByte('?')
			}
		}
	}
	return b.String()
}

// metrics are the advance widths, in em, of the Windows-1252 characters: for each character
// the wider of Helvetica (the PDF core font) and the Go font (PNG), regular and bold.
type metrics struct {
	em [2][256]float64 // [bold][cp1252 byte]
}

var loadMetrics = sync.OnceValue(func() *metrics {
	m := new(metrics)
	pdf := fpdf.New("P", "pt", "A4", "")
	for bold, f := range [2]struct {
		style string
		ttf   []byte
	}{{"", goregular.TTF}, {"B", gobold.TTF}} {
		pdf.SetFont("Helvetica", f.style, 10)
		goFont, err := sfnt.Parse(f.ttf)
		if err != nil {
			panic("label: the Go font does not parse: " + err.Error())
		}
		var buf sfnt.Buffer
		upem := goFont.UnitsPerEm()
		for c := 0x20; c < 0x100; c++ {
			helv := float64(pdf.GetStringSymbolWidth(string([]byte{byte(c)}))) / 1000
			var goEm float64
			if r := decode1252(byte(c)); r != utf8.RuneError {
				if gi, err := goFont.GlyphIndex(&buf, r); err == nil && gi != 0 {
					if adv, err := goFont.GlyphAdvance(&buf, gi, fixed.I(int(upem)), font.HintingNone); err == nil {
						goEm = float64(adv) / 64 / float64(upem)
					}
				}
			}
			m.em[bold][c] = max(helv, goEm)
		}
	}
	if err := pdf.Error(); err != nil {
		panic("label: Helvetica metrics: " + err.Error())
	}
	return m
})

func decode1252(b byte) rune {
	r := charmap.Windows1252.DecodeByte(b)
	if r == '\ufffd' {
		return utf8.RuneError
	}
	return r
}

// safety widens every measurement a little, for the rounding of glyph advances to 1/64 pixel
// in the PNG renderer.
const safety = 1.01

// textWidth is the width of s in millimetres at size points.
func textWidth(s string, size float64, bold bool) float64 {
	m := loadMetrics()
	tbl := &m.em[0]
	if bold {
		tbl = &m.em[1]
	}
	var em float64
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x80 {
			em += tbl[c]
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		em += tbl[CP1252(r)]
		i += n - 1
	}
	return em * size * ptMM * safety
}

// TextWidth is the width in millimetres that s takes at size points, in the wider of the
// renderers' fonts; a renderer may use it to check that a Text fits its room.
func TextWidth(s string, size float64, bold bool) float64 { return textWidth(s, size, bold) }

// lineHeight is the distance between baselines of lines at size points, in millimetres.
func lineHeight(size float64) float64 { return size * ptMM * 1.15 }

// sizeStep is how much fitting shrinks text at each try, in points.
const sizeStep = 0.5

// fitted is a piece of text fitted into a box: its lines and the size they are printed at.
type fitted struct {
	lines     []string
	size      float64
	truncated bool
}

// fit fits s into a box w millimetres wide, at most maxLines lines, at size points or, when
// it does not fit, at most down to minSize: it shrinks, then wraps, then truncates with
// Ellipsis. It never returns a line wider than w.
func fit(s string, w, size, minSize float64, bold bool, maxLines int) fitted {
	if minSize > size {
		minSize = size
	}
	if s == "" {
		return fitted{size: size}
	}
	for sz := size; sz >= minSize-1e-9; sz -= sizeStep {
		if textWidth(s, sz, bold) <= w {
			return fitted{lines: []string{s}, size: sz}
		}
	}
	if maxLines > 1 {
		for sz := size; sz >= minSize-1e-9; sz -= sizeStep {
			if lines := wrap(s, w, sz, bold, maxLines+1); len(lines) <= maxLines {
				return fitted{lines: lines, size: sz}
			}
		}
	}
	lines := wrap(s, w, minSize, bold, maxLines+1)
	if len(lines) > maxLines {
		lines = lines[:maxLines]
	}
	last := len(lines) - 1
	lines[last] = truncate(lines[last], w, minSize, bold)
	return fitted{lines: lines, size: minSize, truncated: true}
}

// truncate shortens s until s plus Ellipsis fits w; the mark is always added.
func truncate(s string, w, size float64, bold bool) string {
	s = strings.TrimRight(s, " ")
	for s != "" && textWidth(s+Ellipsis, size, bold) > w {
		_, n := utf8.DecodeLastRuneInString(s)
		s = strings.TrimRight(s[:len(s)-n], " ")
	}
	return s + Ellipsis
}

// wrap breaks s into lines no wider than w at word boundaries, breaking a word that is
// wider than a line by characters. It stops after limit lines.
func wrap(s string, w, size float64, bold bool, limit int) []string {
	var lines []string
	words := strings.Fields(s)
	line := ""
	for len(words) > 0 && len(lines) < limit {
		word := words[0]
		cand := word
		if line != "" {
			cand = line + " " + word
		}
		if textWidth(cand, size, bold) <= w {
			line = cand
			words = words[1:]
			continue
		}
		if line != "" {
			lines = append(lines, line)
			line = ""
			continue
		}
		// One word wider than the line: break it at the last character that fits.
		cut := 0
		for i, r := range word {
			if i > 0 && textWidth(word[:i+utf8.RuneLen(r)], size, bold) > w {
				break
			}
			cut = i + utf8.RuneLen(r)
		}
		lines = append(lines, word[:cut])
		words[0] = word[cut:]
	}
	if line != "" && len(lines) < limit {
		lines = append(lines, line)
	}
	return lines
}
