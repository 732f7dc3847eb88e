package csvio

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// CleanText reports whether s is valid UTF-8 without U+FFFD, the decoders' mark for bytes they
// could not decode. A reader reports a cell that is not (invalid_encoding): the GB18030 and
// UTF-16 decoders turn bad bytes into U+FFFD, and in a UTF-8 file they are left as they are.
// One pass, and ASCII costs a comparison a byte.
func CleanText(s string) bool {
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError {
			return false
		}
		i += size
	}
	return true
}

// ValidText replaces what is not valid UTF-8 in s by U+FFFD: lastmile keeps only valid UTF-8.
func ValidText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// ExcelScientific reports whether s looks like Excel's display of a long number it has
// rounded, such as a TikTok order number, a phone number or a numeric SKU in a cell not
// formatted as Text: 5.76461E+17. The digits are lost, so a reader reports such a cell
// (scientific_notation) instead of taking it as an identifier. Excel's General format switches
// to this from 12 digits on, so smaller exponents are left alone.
func ExcelScientific(s string) bool {
	if strings.IndexByte(s, '+') < 0 {
		return false
	}
	mant, exp, ok := strings.Cut(strings.ToUpper(s), "E+")
	if !ok || mant == "" || len(exp) < 2 || len(exp) > 3 || !allDigits(exp) {
		return false
	}
	whole, frac, _ := strings.Cut(mant, ".")
	e, _ := strconv.Atoi(exp)
	return len(whole) == 1 && allDigits(whole) && allDigits(frac) && e >= 11
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
