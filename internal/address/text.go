package address

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// cleanText is the text clean-up applied to every field: sellers paste addresses from chats and
// spreadsheets, full of full-width digits, Chinese punctuation, zero-width characters and stray
// spaces, which sort-centre scanners and label fonts cannot handle (R-LBL-4, R-SHIP-4).
//
// It maps full-width forms to ASCII (golang.org/x/text/width), Chinese punctuation to ASCII,
// every kind of space, tab and line break to one space, drops control, format (zero-width,
// bidi) and variation-selector characters and invalid UTF-8, applies Unicode NFC, collapses runs
// of spaces and trims the ends. It is idempotent.
func cleanText(s string) string {
	if isCleanASCII(s) || isCleanText(s) {
		return s // the common case: no allocation
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false // a space is pending: written only before the next visible rune
	put := func(c rune) {
		if c == ' ' {
			space = b.Len() > 0
			return
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(c)
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == utf8.RuneError && size == 1 {
			continue // invalid UTF-8
		}
		switch act, out, str := mapRune(r); act {
		case keepRune:
			put(r)
		case replaceRune:
			put(out)
		case replaceString:
			for _, c := range str {
				put(c)
			}
		case spaceRune:
			put(' ')
		}
	}
	out := b.String()
	if !isNFC(out) {
		out = norm.NFC.String(out)
	}
	return out
}

// isCleanText reports whether cleanText would return s unchanged: valid UTF-8 in NFC, no
// rune to map or drop, single spaces, none at either end.
func isCleanText(s string) bool {
	prevSpace := true // no space at the start
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return false
		}
		i += size
		if r == ' ' {
			if prevSpace {
				return false
			}
			prevSpace = true
			continue
		}
		prevSpace = false
		if act, _, _ := mapRune(r); act != keepRune {
			return false
		}
	}
	if prevSpace && s != "" {
		return false // trailing space
	}
	return isNFC(s)
}

// isNFC reports whether s is in Unicode NFC. Runes below U+0300 can neither compose nor
// decompose under NFC, so text made only of them (all of Latin-1 and Latin Extended-A/B) needs
// no normalisation table lookup.
func isNFC(s string) bool {
	for _, r := range s {
		if r >= 0x300 {
			return norm.NFC.QuickSpanString(s) == len(s)
		}
	}
	return true
}

// isCleanASCII reports whether s is printable ASCII with single spaces and no space at either
// end, which cleanText would return unchanged.
func isCleanASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' {
			if i == 0 || i == len(s)-1 || s[i+1] == ' ' {
				return false
			}
			continue
		}
		if c < 0x21 || c > 0x7e {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// punctuation maps Chinese and typographic punctuation to the ASCII a label printer and a
// carrier's API accept. Full-width ASCII forms (，（）：；！ etc.) are handled by width folding
// before this table is consulted.
var punctuation = map[rune]string{
	'、': ", ", // ideographic comma (enumeration)
	'。': ". ",
	'｡': ". ",
	'【': "[", '】': "]",
	'〔': "(", '〕': ")",
	'〖': "[", '〗': "]",
	'〈': "(", '〉': ")",
	'《': "\"", '》': "\"",
	'「': "\"", '」': "\"",
	'『': "\"", '』': "\"",
	'“': "\"", '”': "\"", '„': "\"", '‟': "\"", '″': "\"",
	'‘': "'", '’': "'", '‚': "'", '‛': "'", '′': "'",
	'‐': "-", '‑': "-", '‒': "-", '–': "-", '—': "-", '―': "-", '−': "-",
	'〜': "~",
	'…': "...",
	'・': " ", // katakana middle dot separates words
	'〒': "",  // Japanese postal mark, "〒100-0001"
}

// otherDigits maps the decimal digits of the scripts our buyers' phones and keyboards produce
// (Arabic-Indic in SA/AE, Thai, Devanagari) to ASCII: the zero of each block.
var otherDigits = [...]rune{0x0660, 0x06F0, 0x0966, 0x0E50}

type runeAction int

const (
	keepRune      runeAction = iota // the rune stays
	dropRune                        // removed
	spaceRune                       // a word break, collapsed with its neighbours
	replaceRune                     // replaced by out
	replaceString                   // replaced by str
)

// mapRune says what rune r becomes in cleaned text.
func mapRune(r rune) (act runeAction, out rune, str string) {
	if r < 0x80 {
		switch {
		case r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f':
			return spaceRune, 0, ""
		case r < 0x20 || r == 0x7f:
			return dropRune, 0, ""
		}
		return keepRune, 0, ""
	}
	if r > 0xa0 && r < 0x100 && r != 0xad {
		return keepRune, 0, "" // Latin-1 letters and symbols: the common case
	}
	if r == '，' {
		return replaceString, 0, ", " // like the Chinese comma it is, it separates words
	}
	if f := width.LookupRune(r).Folded(); f != 0 && f < 0x80 {
		// Full-width ASCII, including U+3000 IDEOGRAPHIC SPACE.
		if f == ' ' {
			return spaceRune, 0, ""
		}
		return replaceRune, f, ""
	}
	if rep, ok := punctuation[r]; ok {
		if rep == "" {
			return dropRune, 0, ""
		}
		return replaceString, 0, rep
	}
	for _, zero := range otherDigits {
		if r >= zero && r <= zero+9 {
			return replaceRune, '0' + (r - zero), ""
		}
	}
	switch {
	case r == 0x85: // NEXT LINE
		return spaceRune, 0, ""
	case r < 0xa0: // C1 controls
		return dropRune, 0, ""
	case unicode.IsSpace(r) || unicode.Is(unicode.Zs, r) || r == 0x2028 || r == 0x2029:
		return spaceRune, 0, ""
	case unicode.Is(unicode.Cf, r): // zero-width space/joiners, BOM, soft hyphen, bidi marks
		return dropRune, 0, ""
	case unicode.Is(unicode.Variation_Selector, r):
		return dropRune, 0, ""
	case r == utf8.RuneError:
		return dropRune, 0, ""
	}
	return keepRune, 0, ""
}

// foldKey turns a name into a lookup key: Latin letters without diacritics, lower case, digits
// kept, everything else (spaces, dots, hyphens, apostrophes) dropped. "W.P. Kuala Lumpur",
// "wp kuala-lumpur" and "WP KUALA LUMPUR" all fold to "wpkualalumpur"; "Québec" to "quebec";
// "Đà Nẵng" to "danang". It writes into buf to avoid allocating on the hot path.
func foldKey(buf []byte, s string) []byte {
	buf = buf[:0]
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			buf = append(buf, byte(r))
		case r >= 'A' && r <= 'Z':
			buf = append(buf, byte(r)+'a'-'A')
		case r < 0x80:
			// punctuation and spaces: dropped
		default:
			if f := width.LookupRune(r).Folded(); f != 0 && f < 0x80 {
				buf = foldKey(buf, string(f))
				continue
			}
			if base, ok := latinBase[r]; ok {
				buf = append(buf, base...)
			} else if unicode.IsLetter(r) || unicode.IsDigit(r) {
				buf = utf8.AppendRune(buf, unicode.ToLower(r))
			}
		}
	}
	return buf
}

// latinBase maps Latin letters with diacritics to their lower-case ASCII base letters, built
// once from the Unicode decompositions, plus the letters that have no decomposition.
var latinBase = buildLatinBase()

func buildLatinBase() map[rune]string {
	m := map[rune]string{
		'đ': "d", 'Đ': "d", 'ð': "d", 'Ð': "d", 'ł': "l", 'Ł': "l", 'ø': "o", 'Ø': "o",
		'ß': "ss", 'ẞ': "ss", 'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe", 'þ': "th", 'Þ': "th",
		'ı': "i", 'ħ': "h", 'Ħ': "h", 'ŧ': "t", 'Ŧ': "t", 'ƒ': "f",
	}
	add := func(lo, hi rune) {
		for r := lo; r <= hi; r++ {
			if _, ok := m[r]; ok {
				continue
			}
			d := norm.NFD.String(string(r))
			base, _ := utf8.DecodeRuneInString(d)
			if base < 0x80 && unicode.IsLetter(base) && base != r {
				m[r] = strings.ToLower(string(base))
			}
		}
	}
	add(0x00c0, 0x024f) // Latin-1 Supplement, Latin Extended-A and -B
	add(0x1e00, 0x1eff) // Latin Extended Additional (Vietnamese)
	return m
}

// runeCount is the length of a label field as the printer sees it: characters, not bytes.
func runeCount(s string) int { return utf8.RuneCountInString(s) }

// unprintable returns the first run of characters in s that is not Latin script or common
// punctuation, and whether it is a letter of another script (true) or some other symbol such
// as an emoji (false). R-LBL-4: label fields must be in Latin script. Letters with diacritics
// (é, ß, ñ, ą, ø, ğ, Vietnamese ư, ơ, ạ) are Latin and allowed.
func unprintable(s string) (run string, letter bool, found bool) {
	start, end := -1, -1
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		bad, isLetter := badRune(r)
		if r == utf8.RuneError && size == 1 {
			bad = true
		}
		switch {
		case bad:
			if start < 0 {
				start = i
			}
			end = i + size
			letter = letter || isLetter
		case start >= 0 && r != ' ':
			return s[start:end], letter, true
		}
		i += size
	}
	if start < 0 {
		return "", false, false
	}
	return s[start:end], letter, true
}

func badRune(r rune) (bad, letter bool) {
	switch {
	case r >= 0x20 && r < 0x7f:
		return false, false
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		return true, false // controls
	case r < 0x100: // Latin-1: letters and the usual symbols (°, º, ×, «»)
		return false, false
	case unicode.Is(unicode.Latin, r):
		return false, false
	case unicode.Is(unicode.Mn, r): // a combining accent on a Latin letter
		return false, false
	case r >= 0x2010 && r <= 0x205e: // general punctuation: dashes, quotes, bullets
		return false, false
	case r == '№' || r == '€' || r == '£':
		return false, false
	case unicode.IsLetter(r) || unicode.IsDigit(r):
		return true, true
	}
	return true, false
}
