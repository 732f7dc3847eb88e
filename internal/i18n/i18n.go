// Package i18n is lastmile's one message catalogue, shared by the API's error messages, the CSV
// import results and the seller console: a flat file of keys per language (messages/en.json,
// messages/zh-CN.json, embedded in the binary), simple formatting with named arguments
// ("{field}", no plurals), and the choice of a language from what a person asked for (?lang=, a
// stored preference, the browser's Accept-Language with its q-values).
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Lang is a language lastmile speaks, as a BCP 47 tag.
type Lang string

// The languages of the catalogue. English is the default and the language of the logs.
const (
	EN Lang = "en"
	ZH Lang = "zh-CN"
)

// Langs lists the catalogue's languages, the default first.
var Langs = []Lang{EN, ZH}

//go:embed messages/*.json
var files embed.FS

// Catalogue maps a language to its messages by key.
type Catalogue map[Lang]map[string]string

// catalogue is the embedded catalogue, read once at start; a broken file panics at start (the
// test TestCatalogueComplete catches it first).
var catalogue = mustLoad()

func mustLoad() Catalogue {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

// Load reads the embedded catalogue files.
func Load() (Catalogue, error) {
	c := Catalogue{}
	for _, l := range Langs {
		b, err := files.ReadFile("messages/" + string(l) + ".json")
		if err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", l, err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("i18n: messages/%s.json: %w", l, err)
		}
		c[l] = m
	}
	return c, nil
}

// Messages returns the embedded catalogue (a copy: callers cannot change it).
func Messages() Catalogue {
	out := Catalogue{}
	for l, m := range catalogue {
		out[l] = maps.Clone(m)
	}
	return out
}

// Keys lists the keys of the default language, sorted.
func Keys() []string { return slices.Sorted(maps.Keys(catalogue[EN])) }

// Has reports whether key is in the catalogue.
func Has(key string) bool {
	_, ok := catalogue[EN][key]
	return ok
}

// Args are a message's named arguments: {name} in the text is replaced by Args["name"].
type Args map[string]any

// T is the message key in lang, its {name} placeholders filled from args. A language lastmile
// does not speak falls back to English; a key missing from the catalogue comes back as the key
// itself, so that the gap shows rather than breaking the page (the catalogue test keeps that
// from reaching a release).
func T(lang Lang, key string, args Args) string {
	m, ok := catalogue[lang]
	if !ok {
		m = catalogue[EN]
	}
	s, ok := m[key]
	if !ok {
		s, ok = catalogue[EN][key]
		if !ok {
			return key
		}
	}
	return Format(s, args)
}

// Format replaces each {name} in s by args[name]; a name without an argument stays as written.
func Format(s string, args Args) string {
	if len(args) == 0 || !strings.Contains(s, "{") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			b.WriteString(s)
			return b.String()
		}
		name := s[i+1 : i+j]
		v, ok := args[name]
		b.WriteString(s[:i])
		if ok {
			b.WriteString(str(v))
		} else {
			b.WriteString(s[i : i+j+1])
		}
		s = s[i+j+1:]
	}
}

func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

// Placeholders lists the {name}s of s, sorted, each once.
func Placeholders(s string) []string {
	var out []string
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		out = append(out, s[i+1:i+j])
		s = s[i+j+1:]
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Parse returns the catalogue language a tag names: "zh", "zh-CN", "zh-Hans", "zh_cn" are
// Chinese (simplified, the only Chinese of the catalogue); "en", "en-GB" are English. ok is
// false for anything else.
func Parse(tag string) (Lang, bool) {
	t := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(tag), "_", "-"))
	primary, _, _ := strings.Cut(t, "-")
	switch primary {
	case "zh":
		return ZH, true
	case "en":
		return EN, true
	}
	return "", false
}

// Negotiate chooses the language: an explicit choice (?lang=) first, then the stored preference
// (a user's or a session's), then the best of Accept-Language by q-value, then English. Values
// that name no catalogue language are passed over.
func Negotiate(explicit, stored, acceptLanguage string) Lang {
	if l, ok := Parse(explicit); ok {
		return l
	}
	if l, ok := Parse(stored); ok {
		return l
	}
	if l, ok := FromAcceptLanguage(acceptLanguage); ok {
		return l
	}
	return EN
}

// FromAcceptLanguage is the catalogue language the header prefers most (RFC 9110 §12.5.4:
// comma-separated ranges, each with an optional q from 0 to 1; q=0 means "not this"; among
// equal q the first wins). ok is false when it names none.
func FromAcceptLanguage(h string) (Lang, bool) {
	best, bestQ := Lang(""), 0.0
	for part := range strings.SplitSeq(h, ",") {
		tag, params, _ := strings.Cut(part, ";")
		q := 1.0
		for p := range strings.SplitSeq(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil || f < 0 || f > 1 {
					f = 0
				}
				q = f
			}
		}
		l, ok := Parse(tag)
		if !ok || q <= 0 {
			continue
		}
		if q > bestQ {
			best, bestQ = l, q
		}
	}
	return best, best != ""
}
