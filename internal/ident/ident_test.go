package ident

import (
	"regexp"
	"testing"
	"time"
)

func TestNewIsPrefixedUniqueAndTimeOrdered(t *testing.T) {
	t.Parallel()
	re := regexp.MustCompile(`^ord_[0-9A-HJKMNP-TV-Z]{26}$`)
	seen := map[string]bool{}
	t0 := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	prev := ""
	for i := range 2000 {
		id := New("ord", t0.Add(time.Duration(i)*time.Millisecond))
		if !re.MatchString(id) {
			t.Fatalf("id %q is not ord_ + 26 Crockford characters", id)
		}
		if seen[id] {
			t.Fatalf("duplicate id %q", id)
		}
		seen[id] = true
		if id <= prev {
			t.Fatalf("id %q made a millisecond later sorts before %q", id, prev)
		}
		prev = id
	}
	// The time part is the first 10 characters: 48 bits of milliseconds.
	a, b := New("x", t0), New("x", t0)
	if a[:12] != b[:12] || a == b {
		t.Fatalf("same-millisecond ids %q %q: want the same time prefix and different random parts", a, b)
	}
}

func TestRandom(t *testing.T) {
	t.Parallel()
	if a, b := Random(40), Random(40); len(a) != 40 || a == b {
		t.Fatalf("Random: %q %q", a, b)
	}
}

func TestGeneratorIsStrictlyIncreasing(t *testing.T) {
	t.Parallel()
	g := NewGenerator()
	t0 := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	prev := g.New("ord", t0)
	for i := range 10_000 {
		// Same millisecond, then a clock that steps back: ids must still increase.
		at := t0
		if i%1000 == 999 {
			at = t0.Add(-time.Second)
		}
		id := g.New("ord", at)
		if id <= prev {
			t.Fatalf("id %d: %q is not greater than %q", i, id, prev)
		}
		prev = id
	}
	if later := g.New("ord", t0.Add(time.Hour)); later <= prev || later[:14] == prev[:14] {
		t.Fatalf("an id an hour later %q should start a new time prefix after %q", later, prev)
	}
}

func TestIncrementCarries(t *testing.T) {
	t.Parallel()
	b := []byte{0x00, 0xff, 0xff}
	if !increment(b) || b[0] != 1 || b[1] != 0 || b[2] != 0 {
		t.Fatalf("increment carried to %x", b)
	}
	b = []byte{0xff, 0xff}
	if increment(b) {
		t.Fatal("increment of all ones must report the wrap")
	}
}
