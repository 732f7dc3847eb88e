package web

import (
	"testing"
	"time"
	"unicode/utf8"

	"lastmile/internal/store"
)

// FuzzCursor: a page link's cursor comes from the browser. Any text decodes to a cursor or to
// "not valid", never a panic; a cursor decoded encodes back to itself, with valid text and no NUL.
func FuzzCursor(f *testing.F) {
	f.Add(encodeCursor(store.Cursor{ModifiedAt: time.UnixMicro(1764700000000000).UTC(), ID: "ord_01"}))
	f.Add("")
	f.Add("!!")
	f.Add("MTIzLg")
	f.Fuzz(func(t *testing.T, s string) {
		c, ok := decodeCursor(s)
		if !ok {
			return
		}
		if c.ID == "" || !utf8.ValidString(c.ID) {
			t.Fatalf("%q decodes to %+v", s, c)
		}
		back, ok := decodeCursor(encodeCursor(c))
		if !ok || back != c {
			t.Fatalf("%q: %+v round-trips to %+v", s, c, back)
		}
	})
}
