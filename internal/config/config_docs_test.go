package config

import (
	"os"
	"strings"
	"testing"
)

// docs/configuration.md lists every key with its rule id (market keys) or its environment
// variable (process keys), and lists no key that does not exist.
func TestDocsListEveryKey(t *testing.T) {
	raw, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "| `") {
			name := strings.TrimPrefix(line, "| `")
			name = name[:strings.Index(name, "`")]
			rows[name] = line
		}
	}
	defaults := Config{}.WithDefaults()
	for _, k := range processKeys {
		row, ok := rows[k.name]
		if !ok || !strings.Contains(row, "`"+k.env+"`") {
			t.Errorf("docs/configuration.md: no row for %s with %s", k.name, k.env)
		}
		if def := k.format(k.ptr(&defaults)); def != "" && !strings.Contains(row, "`"+def+"`") {
			t.Errorf("docs/configuration.md: %s does not give its default %s", k.name, def)
		}
		delete(rows, k.name)
	}
	for _, k := range marketKeys {
		row, ok := rows[k.name]
		if !ok || !strings.Contains(row, "| "+k.rule+" |") {
			t.Errorf("docs/configuration.md: no row for markets.<CC>.%s with rule %s", k.name, k.rule)
		}
		us := defaults.Markets["US"]
		if def := k.format(k.ptr(&us)); k.kind != kindCurrency && k.kind != kindZone && k.kind != kindBool &&
			!strings.Contains(row, def) && !strings.Contains(row, strings.ReplaceAll(def, ",", ", ")) {
			t.Errorf("docs/configuration.md: %s does not give the US default %s", k.name, def)
		}
		shop := "| no |"
		if k.shop {
			shop = "| yes |"
		}
		if ok && !strings.Contains(row, shop) {
			t.Errorf("docs/configuration.md: %s says a shop %s override it", k.name, map[bool]string{true: "cannot", false: "can"}[k.shop])
		}
		delete(rows, k.name)
	}
	for _, k := range scoreKeys {
		name := "scores." + k.name
		row, ok := rows[name]
		if !ok || !strings.Contains(row, "| "+k.rule+" |") {
			t.Errorf("docs/configuration.md: no row for %s with rule %s", name, k.rule)
		}
		if def := k.format(k.ptr(&defaults.Scores)); !strings.Contains(row, "`"+def+"`") {
			t.Errorf("docs/configuration.md: %s does not give its default %s", name, def)
		}
		delete(rows, name)
	}
	for name := range rows {
		t.Errorf("docs/configuration.md lists %q, which is not a key", name)
	}
}
