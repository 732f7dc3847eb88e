package trackno

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// R-SHIP-4: the platform silently drops a tracking number with spaces, full-width characters,
// Chinese brackets or other illegal characters, and 83.7% of "label printed but still Pending
// Shipment" cases come from that. Normalize repairs what can be repaired without guessing and
// refuses the rest with the character and its position, so a clerk can fix the source.

// runeClass is what normalisation does with one input character.
type runeClass uint8

const (
	classKeep    runeClass = iota // an ASCII letter or digit after folding: kept, upper-cased
	classDrop                     // white space, invisible format characters, dashes, separator dots: removed anywhere
	classWrap                     // brackets and quotes: removed only around the number, illegal inside it
	classIllegal                  // anything else
)

// Normalize returns the canonical form of a tracking number: upper-case ASCII letters and digits
// only. It removes every kind of white space (including U+3000 and zero-width characters),
// folds full-width forms to ASCII, strips brackets and quotes of any script that wrap the
// number, removes hyphens/dashes and dots used as separators, and upper-cases. Anything else is
// refused with an *Error whose Reason is ReasonIllegalCharacter (naming the character and its
// position) or ReasonEmpty. Normalize is idempotent and does no I/O.
func Normalize(input string) (string, error) {
	s, err := normalize(input)
	if err != nil {
		return "", err
	}
	return s, nil
}

// normalize is Normalize returning the concrete error type, so Check needs no type assertion.
func normalize(input string) (string, *Error) {
	if isClean(input) {
		return input, nil // the common case: nothing to do and nothing to allocate
	}
	// First pass: find the first and last characters that belong to the number (kept or
	// illegal), so brackets and quotes outside them can be dropped and those inside refused.
	first, last := -1, -1
	for i, r := range input {
		c, _ := classify(r)
		if c == classKeep || c == classIllegal {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return "", &Error{Reason: ReasonEmpty, Message: "the tracking number is empty"}
	}
	var stack [64]byte
	buf := stack[:0]
	pos := 0
	for i, r := range input {
		pos++
		c, b := classify(r)
		switch c {
		case classKeep:
			buf = append(buf, b)
		case classDrop:
		case classWrap:
			if i > first && i < last {
				return "", illegal(input, i, r, pos)
			}
		case classIllegal:
			return "", illegal(input, i, r, pos)
		}
	}
	return string(buf), nil
}

func illegal(input string, i int, r rune, pos int) *Error {
	if r == utf8.RuneError {
		if _, size := utf8.DecodeRuneInString(input[i:]); size <= 1 {
			return &Error{Reason: ReasonIllegalCharacter, Char: r, Pos: pos,
				Message: fmt.Sprintf("illegal character: invalid UTF-8 byte 0x%02X at position %d", input[i], pos)}
		}
	}
	return &Error{Reason: ReasonIllegalCharacter, Char: r, Pos: pos,
		Message: fmt.Sprintf("illegal character %q at position %d", r, pos)}
}

// isClean reports whether s is non-empty and already only upper-case ASCII letters and digits.
func isClean(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}

// classify says what to do with r and, for classKeep, gives its upper-case ASCII byte.
func classify(r rune) (runeClass, byte) {
	// Full-width forms U+FF01..U+FF5E are ASCII U+0021..U+007E shifted by 0xFEE0 (Unicode
	// "Halfwidth and Fullwidth Forms" block); CJK input methods produce them.
	if r >= 0xFF01 && r <= 0xFF5E {
		r -= 0xFEE0
	}
	switch {
	case r >= '0' && r <= '9', r >= 'A' && r <= 'Z':
		return classKeep, byte(r)
	case r >= 'a' && r <= 'z':
		return classKeep, byte(r - 'a' + 'A')
	case r < utf8.RuneSelf:
		switch r {
		case ' ', '\t', '\n', '\v', '\f', '\r', '-', '.':
			return classDrop, 0
		case '(', ')', '[', ']', '{', '}', '<', '>', '"', '\'', '`':
			return classWrap, 0
		}
		return classIllegal, 0
	case isInvisible(r), isDash(r), isSeparatorDot(r):
		return classDrop, 0
	case isWrapper(r):
		return classWrap, 0
	}
	return classIllegal, 0
}

// isInvisible covers every Unicode white space (U+00A0, U+2000..U+200A, U+3000, ...) and the
// invisible format characters (category Cf) that chat apps and spreadsheets paste along:
// zero-width space/joiners U+200B..U+200D, direction marks, U+2060 word joiner, U+FEFF BOM,
// U+00AD soft hyphen.
func isInvisible(r rune) bool {
	return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r)
}

// isDash covers hyphens and dashes of every script (category Pd: U+2010..U+2015, U+301C,
// U+FE63, U+FF0D after folding, ...) and the minus sign U+2212.
func isDash(r rune) bool {
	return r == '\u2212' || unicode.Is(unicode.Pd, r)
}

// isSeparatorDot covers dots used to group digits: ideographic and half-width full stops, middle
// dots and one-dot leaders.
func isSeparatorDot(r rune) bool {
	switch r {
	case '\u3002', '\uFF61', '\u00B7', '\u30FB', '\uFF65', '\u2024', '\u2027':
		return true
	}
	return false
}

// isWrapper covers brackets and quotes of any script: opening/closing punctuation (Ps/Pe:
// 【】（）「」《》〈〉 ...) and initial/final quotes (Pi/Pf: “” ‘’ « » ...).
func isWrapper(r rune) bool {
	return unicode.In(r, unicode.Ps, unicode.Pe, unicode.Pi, unicode.Pf)
}
