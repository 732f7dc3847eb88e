package stream

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"lastmile/internal/label"
)

// printable returns r, or what a label prints for it: a Latin letter outside the labels'
// repertoire (Windows-1252, label.Printable) without its diacritic (ő → o, ź → z), anything
// else as "?". Notes come from lastmile itself, but may quote names from anywhere.
func printable(r rune) rune {
	if label.Printable(r) {
		return r
	}
	if base, _ := utf8.DecodeRuneInString(norm.NFD.String(string(r))); base != r && label.Printable(base) {
		return base
	}
	return '?'
}

// wrapLines breaks each line into lines that fit (fits reports whether a line does): at
// spaces where it can, inside a word (a long URL, say) where it must. An empty line stays, as
// a gap.
func wrapLines(lines []string, fits func(string) bool) []string {
	var out []string
	for _, l := range lines {
		l = strings.TrimRight(l, " ")
		if fits(l) {
			out = append(out, l)
			continue
		}
		cur := ""
		for _, w := range strings.Fields(l) {
			try := w
			if cur != "" {
				try = cur + " " + w
			}
			if fits(try) {
				cur = try
				continue
			}
			if cur != "" {
				out = append(out, cur)
			}
			// A word too long for a line of its own is cut.
			for !fits(w) {
				n := longestFit(w, fits)
				out = append(out, w[:n])
				w = w[n:]
			}
			cur = w
		}
		if cur != "" {
			out = append(out, cur)
		}
	}
	return out
}

// longestFit is the length of the longest prefix of w that fits, cut at a character
// boundary; at least one character, so that wrapping always advances.
func longestFit(w string, fits func(string) bool) int {
	best := 0
	for i := range w {
		if i > 0 && fits(w[:i]) {
			best = i
		}
	}
	if best == 0 {
		for i := range w {
			if i > 0 {
				return i
			}
		}
		return len(w)
	}
	return best
}
