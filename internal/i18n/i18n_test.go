package i18n

import (
	"slices"
	"testing"
	"unicode"
)

// sameInBothLanguages are the keys whose text is rightly the same in English and Chinese: the
// language switcher names each language in its own script.
var sameInBothLanguages = map[string]bool{"web.lang.en": true, "web.lang.zh": true}

// TestCatalogueComplete walks the catalogue: every key is in every language, none is empty,
// every Chinese text is translated (it differs from the English and holds Chinese characters),
// and both texts take the same named arguments.
func TestCatalogueComplete(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	checkComplete(t, c)
}

func checkComplete(t testing.TB, c Catalogue) {
	for _, l := range Langs {
		for _, other := range Langs {
			for k := range c[other] {
				if _, ok := c[l][k]; !ok {
					t.Errorf("key %s is in %s but missing in %s", k, other, l)
				}
			}
		}
		for k, v := range c[l] {
			if v == "" {
				t.Errorf("%s: key %s is empty", l, k)
			}
		}
	}
	for k, en := range c[EN] {
		zh, ok := c[ZH][k]
		if !ok || sameInBothLanguages[k] {
			continue
		}
		if zh == en {
			t.Errorf("key %s is untranslated in %s: %q", k, ZH, zh)
		}
		if !slices.ContainsFunc([]rune(zh), func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
			t.Errorf("key %s in %s has no Chinese text: %q", k, ZH, zh)
		}
		if pe, pz := Placeholders(en), Placeholders(zh); !slices.Equal(pe, pz) {
			t.Errorf("key %s: English takes %v, Chinese %v", k, pe, pz)
		}
	}
}

// TestCatalogueCheckFails proves the walk can fail: a key missing in one language, an
// untranslated text and a lost argument are each reported.
func TestCatalogueCheckFails(t *testing.T) {
	c := Catalogue{
		EN: {"a": "Ship {id}", "b": "Orders", "c": "Today"},
		ZH: {"a": "发货", "b": "Orders"},
	}
	rec := &recorder{TB: t}
	checkComplete(rec, c)
	if rec.n != 4 {
		t.Fatalf("want 4 problems (missing c, b untranslated and not Chinese, argument of a), got %d", rec.n)
	}
}

type recorder struct {
	testing.TB
	n int
}

func (r *recorder) Errorf(string, ...any) { r.n++ }

func TestT(t *testing.T) {
	if got := T(ZH, "web.order.title", Args{"id": "ord_1"}); got != "订单 ord_1" {
		t.Errorf("zh: %q", got)
	}
	if got := T(EN, "web.ship.progress", Args{"done": 3, "total": 10}); got != "3 of 10 done" {
		t.Errorf("en: %q", got)
	}
	if got := T("fr", "web.nav.orders", nil); got != "Orders" {
		t.Errorf("fallback: %q", got)
	}
	if got := T(EN, "no.such.key", nil); got != "no.such.key" {
		t.Errorf("missing key: %q", got)
	}
	if got := Format("{a} and {b", Args{"a": "x"}); got != "x and {b" {
		t.Errorf("unclosed: %q", got)
	}
	if got := Format("{unknown}", Args{"a": "x"}); got != "{unknown}" {
		t.Errorf("unknown: %q", got)
	}
}

func TestNegotiate(t *testing.T) {
	cases := []struct {
		explicit, stored, accept string
		want                     Lang
	}{
		{"", "", "", EN},
		{"", "", "zh-CN,zh;q=0.9,en;q=0.8", ZH},
		{"", "", "en-US,en;q=0.9,zh;q=0.8", EN},
		{"", "", "fr;q=1, en;q=0.2, zh-TW;q=0.5", ZH},
		{"", "", "zh;q=0, en;q=0.1", EN},
		{"", "", "de, fr", EN},
		{"", "", "zh;q=abc, en;q=0.3", EN},
		{"", "zh-CN", "en", ZH},
		{"en", "zh-CN", "zh", EN},
		{"zh_cn", "", "en", ZH},
		{"klingon", "", "zh-Hans-CN", ZH},
	}
	for _, c := range cases {
		if got := Negotiate(c.explicit, c.stored, c.accept); got != c.want {
			t.Errorf("Negotiate(%q, %q, %q) = %s, want %s", c.explicit, c.stored, c.accept, got, c.want)
		}
	}
}

// FuzzAcceptLanguage: any header gives a catalogue language or none, never a panic.
func FuzzAcceptLanguage(f *testing.F) {
	for _, s := range []string{"zh-CN,zh;q=0.9", "en;q=0.5,zh;q=0.6", ";;;,q=", "zh;q=1e9", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		l, ok := FromAcceptLanguage(h)
		if ok != (l != "") || (ok && l != EN && l != ZH) {
			t.Fatalf("FromAcceptLanguage(%q) = %q, %v", h, l, ok)
		}
	})
}

func BenchmarkT(b *testing.B) {
	for b.Loop() {
		T(ZH, "web.ship.progress", Args{"done": 3, "total": 10})
	}
}
