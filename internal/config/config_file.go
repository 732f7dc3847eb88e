package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"lastmile/internal/model"
)

// maxFileErrors bounds the problems reported for one file; the first ones are the useful ones.
const maxFileErrors = 50

// Load reads the configuration file at path (Parse); errors name the file as given.
func Load(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("configuration file: %w", err)
	}
	return Parse(filepath.ToSlash(path), data)
}

// Parse reads a configuration file (YAML; docs/configuration.md): process settings, markets.<CC>
// figures, shops.<id> overrides and the reserved carriers list. Keys the file does not set keep
// their defaults; the result has WithDefaults applied. Every problem is reported at once, each
// a *KeyError naming the file, the line and the key: an unknown key, a value that does not parse
// or is out of range, a market lastmile does not know without its currency and zone.
func Parse(name string, data []byte) (Config, error) {
	p := &fileParser{name: name, lines: map[string]int{}}
	c := Config{Markets: DefaultMarkets(), Scores: DefaultScores()}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	switch err := dec.Decode(&doc); {
	case err == io.EOF:
		return c.WithDefaults(), nil // an empty file: every default
	case err != nil:
		return Config{}, p.syntax(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		line := extra.Line
		if err != nil {
			return Config{}, p.syntax(err)
		}
		return Config{}, &KeyError{Where: p.at(line), Key: "(document)", Msg: "a second YAML document; the configuration is one document"}
	}
	root := resolve(doc.Content[0])
	if isNull(root) {
		return c.WithDefaults(), nil
	}
	if root.Kind != yaml.MappingNode {
		return Config{}, &KeyError{Where: p.at(root.Line), Key: "(document)", Msg: "the configuration must be a mapping of keys such as db:, markets:"}
	}
	p.each(root, "", func(k, v *yaml.Node, path string) {
		switch k.Value {
		case "markets":
			p.markets(v, &c)
		case "shops":
			p.shops(v, &c)
		case "carriers":
			p.carriers(v, &c)
		case "scores":
			p.scores(v, &c)
		default:
			pk, ok := findProcessKey(k.Value)
			if !ok {
				names, _ := ProcessKeys()
				p.errorf(k, path, "%s", unknownKeyMsg(k.Value, append(names, "markets", "shops", "carriers", "scores")))
				return
			}
			p.scalar(v, path, pk.key, pk.ptr(&c))
		}
	})
	if len(p.errs) == 0 {
		c = c.WithDefaults()
		if err := c.Validate(); err != nil {
			for _, e := range unwrapAll(err) {
				var ke *KeyError
				if errors.As(e, &ke) {
					ke.Where = p.at(p.lineOf(ke.Key))
				}
				p.errs = append(p.errs, e)
			}
		}
	}
	if len(p.errs) > 0 {
		return Config{}, errors.Join(p.errs...)
	}
	return c, nil
}

type fileParser struct {
	name  string
	errs  []error
	lines map[string]int // key path → line, for Validate's errors
}

func (p *fileParser) at(line int) string {
	if line <= 0 {
		return p.name
	}
	return p.name + ":" + strconv.Itoa(line)
}

func (p *fileParser) errorf(n *yaml.Node, key, format string, args ...any) {
	if len(p.errs) < maxFileErrors {
		p.errs = append(p.errs, &KeyError{Where: p.at(n.Line), Key: key, Msg: fmt.Sprintf(format, args...)})
	}
}

// lineOf is the line of key, or of its nearest parent the file names; 0 when none.
func (p *fileParser) lineOf(key string) int {
	for key != "" {
		if l, ok := p.lines[key]; ok {
			return l
		}
		i := strings.LastIndexAny(key, ".[")
		if i < 0 {
			break
		}
		key = key[:i]
	}
	return 0
}

// each calls fn for each key of a mapping node, with the key's full path, refusing duplicate
// keys and keys that are not plain strings.
func (p *fileParser) each(n *yaml.Node, parent string, fn func(k, v *yaml.Node, path string)) {
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		path := k.Value
		if parent != "" {
			path = parent + "." + k.Value
		}
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, parent, "a key must be a plain name")
			continue
		}
		if line, dup := seen[k.Value]; dup {
			p.errorf(k, path, "set twice (first on line %d); keep one", line)
			continue
		}
		seen[k.Value] = k.Line
		p.lines[path] = k.Line
		fn(k, v, path)
	}
}

// mapping checks that n is a mapping (an empty value counts as an empty one).
func (p *fileParser) mapping(n *yaml.Node, path, what string) bool {
	if n.Kind == yaml.MappingNode || isNull(n) {
		return true
	}
	p.errorf(n, path, "want a mapping of %s", what)
	return false
}

// scalar sets the field dst points to from a scalar (or, for working days, a list).
func (p *fileParser) scalar(v *yaml.Node, path string, k key, dst any) {
	var text string
	switch {
	case (k.kind == kindWeekdays || k.kind == kindCodes) && v.Kind == yaml.SequenceNode:
		var days []string
		for _, d := range v.Content {
			d = resolve(d)
			if d.Kind != yaml.ScalarNode {
				p.errorf(d, path, "want codes such as mon, tue or usps, ups")
				return
			}
			days = append(days, d.Value)
		}
		text = strings.Join(days, ",")
	case k.kind == kindWeekdays:
		p.errorf(v, path, "want a list of days such as [mon, tue, wed, thu, fri]")
		return
	case k.kind == kindCodes:
		p.errorf(v, path, "want a list of carrier codes such as [usps, ups]")
		return
	case v.Kind != yaml.ScalarNode:
		p.errorf(v, path, "want a single value, not a %s", kindName(v.Kind))
		return
	case isNull(v) && k.kind != kindText:
		p.errorf(v, path, "no value; remove the key to keep the default")
		return
	case !isNull(v):
		text = v.Value
	}
	if err := k.set(dst, text); err != nil {
		p.errorf(v, path, "%v", err)
	}
}

var marketCode = regexp.MustCompile(`^[A-Z]{2}$`)

func (p *fileParser) markets(n *yaml.Node, c *Config) {
	if !p.mapping(n, "markets", "market codes such as GB:") {
		return
	}
	p.each(n, "markets", func(k, v *yaml.Node, path string) {
		code := model.Market(k.Value)
		switch {
		case k.Value == "UK":
			p.errorf(k, path, "write GB, the ISO 3166 code of the United Kingdom")
			return
		case !marketCode.MatchString(k.Value):
			p.errorf(k, path, "%q is not a market code; write its upper-case ISO 3166 code, e.g. GB", k.Value)
			return
		}
		if !p.mapping(v, path, "the market's keys such as ship_within:") {
			return
		}
		m, known := c.Markets[code]
		if !known {
			m = baseMarket(code)
		}
		set := map[string]bool{}
		p.each(v, path, func(kk, vv *yaml.Node, kpath string) {
			mk, ok := findMarketKey(kk.Value)
			if !ok {
				p.errorf(kk, kpath, "%s", unknownKeyMsg(kk.Value, MarketKeys()))
				return
			}
			set[mk.name] = true
			p.scalar(vv, kpath, mk.key, mk.ptr(&m))
		})
		if !known && (!set["currency"] || !set["time_zone"]) {
			p.errorf(k, path, "lastmile has no defaults for market %s: give its currency and time_zone", code)
		}
		c.Markets[code] = m
	})
}

func (p *fileParser) scores(n *yaml.Node, c *Config) {
	if !p.mapping(n, "scores", "score keys such as lts_min:") {
		return
	}
	p.each(n, "scores", func(k, v *yaml.Node, path string) {
		sk, ok := findScoreKey(k.Value)
		if !ok {
			p.errorf(k, path, "%s", unknownKeyMsg(k.Value, ScoreKeys()))
			return
		}
		p.scalar(v, path, sk.key, sk.ptr(&c.Scores))
	})
}

func (p *fileParser) shops(n *yaml.Node, c *Config) {
	if !p.mapping(n, "shops", "shop ids such as shop_01J…:") {
		return
	}
	p.each(n, "shops", func(k, v *yaml.Node, path string) {
		if strings.TrimSpace(k.Value) == "" {
			p.errorf(k, path, "a shop id cannot be empty")
			return
		}
		if !p.mapping(v, path, "the shop's own figures such as ship_within:") {
			return
		}
		o := Overrides{}
		p.each(v, path, func(kk, vv *yaml.Node, kpath string) {
			mk, ok := findMarketKey(kk.Value)
			switch {
			case !ok:
				p.errorf(kk, kpath, "%s", unknownKeyMsg(kk.Value, ShopKeys()))
				return
			case !mk.shop:
				p.errorf(kk, kpath, "a shop cannot override it: it is the market's (%s); set markets.<CC>.%s", mk.rule, mk.name)
				return
			}
			var m Market
			before := len(p.errs)
			p.scalar(vv, kpath, mk.key, mk.ptr(&m))
			if len(p.errs) == before {
				o[mk.name] = mk.format(mk.ptr(&m))
			}
		})
		if c.Shops == nil {
			c.Shops = map[string]Overrides{}
		}
		c.Shops[k.Value] = o
	})
}

func (p *fileParser) carriers(n *yaml.Node, c *Config) {
	if isNull(n) {
		return
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "carriers", "want a list of carriers, each with name, type and config")
		return
	}
	for i, item := range n.Content {
		item = resolve(item)
		path := fmt.Sprintf("carriers[%d]", i)
		p.lines[path] = item.Line
		if item.Kind != yaml.MappingNode {
			p.errorf(item, path, "want a mapping with name, type and config")
			continue
		}
		var cr Carrier
		p.each(item, path, func(k, v *yaml.Node, kpath string) {
			switch k.Value {
			case "name", "type":
				dst := &cr.Name
				if k.Value == "type" {
					dst = &cr.Type
				}
				p.scalar(v, kpath, key{name: k.Value, kind: kindText}, dst)
			case "config":
				if !p.mapping(v, kpath, "the adapter's settings") {
					return
				}
				p.each(v, kpath, func(sk, sv *yaml.Node, spath string) {
					var text string
					p.scalar(sv, spath, key{name: sk.Value, kind: kindText}, &text)
					if cr.Config == nil {
						cr.Config = map[string]string{}
					}
					cr.Config[sk.Value] = text
				})
			default:
				p.errorf(k, kpath, "%s", unknownKeyMsg(k.Value, []string{"name", "type", "config"}))
			}
		})
		c.Carriers = append(c.Carriers, cr)
	}
}

// resolve follows an alias (*anchor) to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	}
	return "value"
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntax places a YAML parser error on its line.
func (p *fileParser) syntax(err error) error {
	msg := strings.ReplaceAll(err.Error(), "\n", " ")
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return &KeyError{Where: p.at(n), Key: "(syntax)", Msg: "not valid YAML: " + m[2]}
	}
	return &KeyError{Where: p.name, Key: "(syntax)", Msg: "not valid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}

// unwrapAll flattens an errors.Join.
func unwrapAll(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// sortedShops lists the shop ids of c in order.
func sortedShops(c Config) []string { return slices.Sorted(maps.Keys(c.Shops)) }
