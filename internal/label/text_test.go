package label

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFold(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Jane Doe":         "Jane Doe",
		"Straße 5":         "Straße 5", // Latin-1 stays
		"Amélie Œuvre":     "Amélie Œuvre",
		"Łódź":             "Lódz", // ł has no decomposition; ź loses its accent; ó is in Latin-1
		"Nguyễn Văn Trưng": "Nguyen Van Trung",
		"Kraków ul. Długa": "Kraków ul. Dluga",
		"İstanbul Şişli":   "Istanbul Sisli",
		"a\x00b\x7fc":      "abc",
		"10 ‐ 12":          "10 - 12",
	} {
		got := fold(in)
		if got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
		for _, r := range got {
			if !Printable(r) {
				t.Errorf("fold(%q) left %q, which labels cannot print", in, r)
			}
		}
	}
}

func TestFit(t *testing.T) {
	t.Parallel()
	const w = 40.0 // mm
	short := "Jane Doe"
	if f := fit(short, w, 12, 7, true, 2); len(f.lines) != 1 || f.size != 12 || f.truncated {
		t.Errorf("short text: %+v", f)
	}
	// Slightly too long: shrinks, one line.
	mid := "Maximilian Alexander Wolff"
	if f := fit(mid, w, 12, 7, true, 2); len(f.lines) != 1 || f.size >= 12 || f.size < 7 || f.truncated {
		t.Errorf("shrink: %+v", f)
	}
	// Too long for one line at the smallest size: wraps.
	long := "Maximilian Alexander von Wolffenstein"
	f := fit(long, w, 12, 9, true, 2)
	if len(f.lines) != 2 || f.truncated || strings.Join(f.lines, " ") != long {
		t.Errorf("wrap: %+v", f)
	}
	// Too long even wrapped: truncated, with the mark.
	f = fit(strings.Repeat(long+" ", 3), w, 12, 9, true, 2)
	if len(f.lines) != 2 || !f.truncated || !strings.HasSuffix(f.lines[1], Ellipsis) || f.size != 9 {
		t.Errorf("truncate: %+v", f)
	}
	// One word wider than the line is broken by characters.
	f = fit(strings.Repeat("W", 60), w, 12, 9, true, 3)
	if !f.truncated || len(f.lines) != 3 {
		t.Errorf("long word: %+v", f)
	}
	for _, s := range []string{short, mid, long, strings.Repeat("W", 60), strings.Repeat("é ", 80)} {
		for _, lines := range []int{1, 2, 3} {
			f := fit(s, w, 12, 6, false, lines)
			for _, l := range f.lines {
				if tw := textWidth(l, f.size, false); tw > w {
					t.Errorf("%q in %d lines: line %q is %.2f mm wide, room %.0f", s, lines, l, tw, w)
				}
				if !utf8.ValidString(l) {
					t.Errorf("line %q is not UTF-8", l)
				}
			}
		}
	}
}

func TestTextWidthMetrics(t *testing.T) {
	t.Parallel()
	// Helvetica's "0" is 556/1000 em; the Go font's is no narrower at 10 pt than ~1.9 mm.
	w := textWidth("0", 10, false)
	if w < 0.556*10*ptMM || w > 0.7*10*ptMM {
		t.Errorf("width of 0 at 10 pt = %.3f mm", w)
	}
	if textWidth("W", 10, true) <= textWidth("i", 10, true) {
		t.Error("W is not wider than i")
	}
	if textWidth("…", 10, false) <= 0 || textWidth("€", 10, false) <= 0 {
		t.Error("Windows-1252 extras have no width")
	}
}
