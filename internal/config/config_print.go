package config

import (
	"bytes"
	"maps"
	"slices"

	"go.yaml.in/yaml/v3"
)

// redacted stands for a secret's value in what Marshal writes.
const redacted = "(redacted)"

// Marshal writes c, defaults included, as a configuration file: every process setting, every
// key of every market (markets.<CC>.<key>), the shops' overrides and the carriers, each figure
// with its rule id as a comment. Parse reads it back to the same Config.
func (c Config) Marshal() ([]byte, error) {
	c = c.WithDefaults()
	builtin := c.BuiltinCards()
	c.RateCardsBuiltin = &builtin
	root := &yaml.Node{Kind: yaml.MappingNode, HeadComment: "lastmile configuration: every key with its effective value (docs/configuration.md lists them)."}
	for _, k := range processKeys {
		text := k.format(k.ptr(&c))
		if k.secret && text != "" {
			text = redacted
		}
		v := scalarNode(k.key, text)
		v.LineComment = "env " + k.env
		add(root, k.name, v)
	}

	markets := &yaml.Node{Kind: yaml.MappingNode}
	for _, code := range slices.Sorted(maps.Keys(c.Markets)) {
		m := c.Markets[code]
		mn := &yaml.Node{Kind: yaml.MappingNode}
		for _, k := range marketKeys {
			v := scalarNode(k.key, k.format(k.ptr(&m)))
			v.LineComment = k.rule
			add(mn, k.name, v)
		}
		add(markets, string(code), mn)
	}
	add(root, "markets", markets)

	scores := &yaml.Node{Kind: yaml.MappingNode}
	for _, k := range scoreKeys {
		v := scalarNode(k.key, k.format(k.ptr(&c.Scores)))
		v.LineComment = k.rule
		add(scores, k.name, v)
	}
	add(root, "scores", scores)

	shops := &yaml.Node{Kind: yaml.MappingNode, Style: flowIfEmpty(len(c.Shops))}
	for _, id := range sortedShops(c) {
		sn := &yaml.Node{Kind: yaml.MappingNode, Style: flowIfEmpty(len(c.Shops[id]))}
		for _, k := range marketKeys {
			if v, ok := c.Shops[id][k.name]; ok {
				add(sn, k.name, scalarNode(k.key, v))
			}
		}
		add(shops, id, sn)
	}
	add(root, "shops", shops)

	carriers := &yaml.Node{Kind: yaml.SequenceNode, Style: flowIfEmpty(len(c.Carriers)),
		LineComment: "reserved for the carrier adapters of the shipping issue"}
	for _, cr := range c.Carriers {
		cn := &yaml.Node{Kind: yaml.MappingNode}
		add(cn, "name", scalarNode(key{kind: kindText}, cr.Name))
		add(cn, "type", scalarNode(key{kind: kindText}, cr.Type))
		if len(cr.Config) > 0 {
			cfg := &yaml.Node{Kind: yaml.MappingNode}
			for _, k := range slices.Sorted(maps.Keys(cr.Config)) {
				add(cfg, k, scalarNode(key{kind: kindText}, cr.Config[k]))
			}
			add(cn, "config", cfg)
		}
		carriers.Content = append(carriers.Content, cn)
	}
	add(root, "carriers", carriers)

	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func add(m *yaml.Node, name string, v *yaml.Node) {
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: name}, v)
}

func flowIfEmpty(n int) yaml.Style {
	if n == 0 {
		return yaml.FlowStyle
	}
	return 0
}

// scalarNode writes one value: text and times of day quoted (a db URL or "12:00" must come back
// as the same string), lists of days as a flow list.
func scalarNode(k key, text string) *yaml.Node {
	switch k.kind {
	case kindWeekdays, kindCodes:
		n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, d := range jsonValue(k, text).([]string) {
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: d})
		}
		return n
	case kindText, kindClock, kindZone, kindCurrency:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: text, Style: yaml.DoubleQuotedStyle}
	case kindBool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: text}
	case kindInt:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: text}
	case kindNumber:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: text}
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Value: text}
}
