package rating

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"lastmile/internal/model"
)

// loader walks a card's YAML nodes, collecting every problem with its line and field path.
type loader struct {
	file string
	errs []error
}

func (l *loader) errf(n *yaml.Node, field, format string, args ...any) {
	if len(l.errs) >= maxCardErrors {
		return
	}
	line := 1
	if n != nil && n.Line > 0 {
		line = n.Line
	}
	l.errs = append(l.errs, &CardError{File: l.file, Line: line, Field: oneLine(field), Msg: oneLine(fmt.Sprintf(format, args...))})
}

// oneLine escapes line breaks and other control characters, so that every problem is one
// line of the joined error, whatever the card's keys and values contain.
func oneLine(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || r == utf8.RuneError }) {
		return s
	}
	q := strconv.QuoteToGraphic(s)
	return q[1 : len(q)-1]
}

func join(p, key string) string {
	if p == "" {
		return key
	}
	return p + "." + key
}

func index(p string, i int) string { return p + "[" + strconv.Itoa(i) + "]" }

// obj is one YAML mapping with its known keys.
type obj struct {
	l    *loader
	node *yaml.Node
	path string
	vals map[string]*yaml.Node
}

// object checks that n is a mapping whose keys are all known, and indexes it. It returns nil
// (and records why) when n is not a mapping.
func (l *loader) object(n *yaml.Node, p string, known ...string) *obj {
	if n.Kind == yaml.AliasNode {
		l.errf(n, p, "anchors and aliases are not supported; write the values out")
		return nil
	}
	if n.Kind != yaml.MappingNode {
		l.errf(n, p, "must be a mapping of field: value")
		return nil
	}
	o := &obj{l: l, node: n, path: p, vals: make(map[string]*yaml.Node, len(n.Content)/2)}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			l.errf(k, p, "field names must be plain words")
			continue
		}
		switch {
		case !slices.Contains(known, k.Value):
			l.errf(k, join(p, k.Value), "unknown field; known fields here: %s", strings.Join(known, ", "))
		case o.vals[k.Value] != nil:
			l.errf(k, join(p, k.Value), "appears twice")
		default:
			o.vals[k.Value] = v
		}
	}
	return o
}

// get returns the value of key, or nil when it is absent or null.
func (o *obj) get(key string) *yaml.Node {
	v := o.vals[key]
	if v == nil || v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return nil
	}
	if v.Kind == yaml.AliasNode {
		o.l.errf(v, join(o.path, key), "anchors and aliases are not supported; write the values out")
		return nil
	}
	return v
}

// line is the line of key's value, or of the mapping when key is absent.
func (o *obj) line(key string) *yaml.Node {
	if v := o.vals[key]; v != nil {
		return v
	}
	return o.node
}

func (o *obj) has(key string) bool { return o.get(key) != nil }

func (o *obj) missing(key, hint string) {
	o.l.errf(o.node, join(o.path, key), "is required%s", hint)
}

// scalar returns key's text; ok is false when it is absent (reported if required) or not a
// scalar (reported).
func (o *obj) scalar(key string, required bool) (string, bool) {
	v := o.get(key)
	if v == nil {
		if required {
			o.missing(key, "")
		}
		return "", false
	}
	if v.Kind != yaml.ScalarNode {
		o.l.errf(v, join(o.path, key), "must be a single value, not a list or mapping")
		return "", false
	}
	return v.Value, true
}

func (o *obj) str(key string, required bool) string {
	s, _ := o.scalar(key, required)
	return strings.TrimSpace(s)
}

func (o *obj) boolean(key string) bool {
	s, ok := o.scalar(key, false)
	if !ok {
		return false
	}
	switch s {
	case "true":
		return true
	case "false":
		return false
	}
	o.l.errf(o.get(key), join(o.path, key), "must be true or false")
	return false
}

// integer reads a whole number in [lo, hi].
func (o *obj) integer(key string, required bool, lo, hi int64) (int64, bool) {
	s, ok := o.scalar(key, required)
	if !ok {
		return 0, false
	}
	v, err := parseDecimal(s, 0)
	if err != nil || v < lo || v > hi {
		o.l.errf(o.get(key), join(o.path, key), "must be a whole number from %d to %d", lo, hi)
		return 0, false
	}
	return v, true
}

// decimal reads a non-negative decimal with at most scale decimals, as an integer in units of
// 10^-scale, at most hi.
func (o *obj) decimal(key string, required bool, scale int, hi int64, what string) (int64, bool) {
	s, ok := o.scalar(key, required)
	if !ok {
		return 0, false
	}
	v, err := parseDecimal(s, scale)
	switch {
	case errors.Is(err, errNotDecimal):
		o.l.errf(o.get(key), join(o.path, key), "%q is not %s: write a plain decimal number such as 3.28", s, what)
		return 0, false
	case err != nil:
		o.l.errf(o.get(key), join(o.path, key), "%s %s", s, err)
		return 0, false
	case v > hi:
		o.l.errf(o.get(key), join(o.path, key), "%s is too large for %s", s, what)
		return 0, false
	}
	return v, true
}

// amount reads an amount in the card's currency into minor units.
func (o *obj) amount(key string, required bool, c *Card) (int64, bool) {
	return o.decimal(key, required, c.scale, maxAmount, "an amount in "+c.Currency)
}

// percent reads a percentage (3.5 for 3.5 %) into ppm.
func (o *obj) percent(key string, required bool) (int64, bool) {
	return o.decimal(key, required, percentDecimals, maxPercent, "a percentage")
}

func (o *obj) date(key string, required bool) (Date, bool) {
	s, ok := o.scalar(key, required)
	if !ok {
		return 0, false
	}
	d, err := ParseDate(s)
	if err != nil {
		o.l.errf(o.get(key), join(o.path, key), "%v", err)
		return 0, false
	}
	return d, true
}

// list returns the items of a sequence, or nil (reported) when key is not one.
func (o *obj) list(key string, required bool) []*yaml.Node {
	v := o.get(key)
	if v == nil {
		if required {
			o.missing(key, "")
		}
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		o.l.errf(v, join(o.path, key), "must be a list")
		return nil
	}
	if required && len(v.Content) == 0 {
		o.l.errf(v, join(o.path, key), "must not be empty")
	}
	return v.Content
}

// strings reads a list of single values, each checked by norm (which returns the canonical
// form, or "" and a complaint).
func (o *obj) strings(key string, required bool, norm func(string) (string, string)) []string {
	items := o.list(key, required)
	var out []string
	for i, it := range items {
		p := index(join(o.path, key), i)
		if it.Kind != yaml.ScalarNode {
			o.l.errf(it, p, "must be a single value")
			continue
		}
		v, why := norm(strings.TrimSpace(it.Value))
		if why != "" {
			o.l.errf(it, p, "%s", why)
			continue
		}
		if slices.Contains(out, v) {
			o.l.errf(it, p, "%q is listed twice", v)
			continue
		}
		out = append(out, v)
	}
	return out
}

var identRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

func normIdent(s string) (string, string) {
	if !identRe.MatchString(s) {
		return "", fmt.Sprintf("%q must be lower-case letters, digits, '.', '_' or '-' (at most 64), e.g. jt-us", s)
	}
	return s, ""
}

func normCountry(s string) (string, string) {
	c := string(model.NormalizeMarket(s))
	if len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' {
		return "", fmt.Sprintf("%q is not an ISO 3166-1 alpha-2 country code such as US or GB", s)
	}
	return c, ""
}

func normRegion(s string) (string, string) {
	r := strings.ToUpper(s)
	if r == "" || len(r) > 8 || strings.ContainsAny(r, " \t") {
		return "", fmt.Sprintf("%q is not a region code: use the ISO 3166-2 code without the country, e.g. AK or 10", s)
	}
	return r, ""
}

func normPostal(s string) (string, string) {
	c, ok := compactPostal(s)
	if !ok || c == "" {
		return "", fmt.Sprintf("%q is not a postal code or prefix: letters and digits only", s)
	}
	return c, ""
}

func noNorm(s string) (string, string) {
	if s == "" {
		return "", "must not be empty"
	}
	return s, ""
}

// compactPostal upper-cases s and drops spaces, hyphens and dots, as destinations are matched:
// "SW1A 1AA" is SW1A1AA, "99501-1234" is 995011234. ok is false for other characters.
func compactPostal(s string) (string, bool) {
	var buf [24]byte
	b := buf[:0]
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9', c >= 'A' && c <= 'Z':
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		case c == ' ' || c == '-' || c == '.':
			continue
		default:
			return "", false
		}
		if len(b) == len(buf) {
			return "", false
		}
		b = append(b, c)
	}
	return string(b), true
}
