package all_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"lastmile/internal/carrier"
	_ "lastmile/internal/carrier/all"
	"lastmile/internal/carrier/sim"
)

// Every compiled-in adapter is documented in docs/carriers.md with each of its configuration
// keys, and so is every simulated carrier.
func TestAdaptersDocumented(t *testing.T) {
	t.Parallel()
	if got := carrier.Default().Types(); !slices.Equal(got, []string{"ratecard", "sim"}) {
		t.Errorf("compiled-in adapters %v", got)
	}
	doc, err := os.ReadFile("../../../docs/carriers.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	for _, s := range carrier.Default().Specs() {
		section := "### `" + s.Type + "`"
		i := strings.Index(text, section)
		if i < 0 {
			t.Errorf("docs/carriers.md has no section %s", section)
			continue
		}
		body := text[i+len(section):]
		if j := strings.Index(body, "\n#"); j >= 0 {
			body = body[:j]
		}
		for _, f := range s.Fields {
			if !strings.Contains(body, "| `"+f.Name+"` |") {
				t.Errorf("docs/carriers.md, %s: key %s is not documented", section, f.Name)
			}
			if f.Doc == "" {
				t.Errorf("adapter %s: key %s has no doc", s.Type, f.Name)
			}
		}
	}
	for _, code := range sim.Codes() {
		if !strings.Contains(text, "`"+code+"`") {
			t.Errorf("docs/carriers.md does not name the simulated carrier %s", code)
		}
	}
}
