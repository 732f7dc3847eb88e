package rating

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// ownCard is a seller's card: carrier, service and base price as given.
func ownCard(carrier, service, price string) string {
	return `carrier: ` + carrier + `
service: ` + service + `
effective_from: 2026-01-01
markets: [US]
certified: [US]
currency: USD
zones:
  - country: US
    transit_days: {min: 1, max: 3}
    brackets: [{max_g: 5000, price: ` + price + `}]
`
}

func services(c *Cards) map[string]*Card {
	out := map[string]*Card{}
	for _, v := range c.Versions() {
		out[v.Carrier+"/"+v.Service] = v
	}
	return out
}

func TestCardSetMergesAndReplaces(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	dir := fstest.MapFS{
		"own.yaml":   {Data: []byte(ownCard("acme-local", "next-day", "2.00"))},
		"jt-us.yaml": {Data: []byte(ownCard("jt-us", "standard", "2.90"))}, // the seller's contract price
		"notes.txt":  {Data: []byte("not a card")},
	}
	examples, err := DefaultCards()
	if err != nil {
		t.Fatal(err)
	}

	only, err := NewCardSet("cards", dir, false, t0)
	if err != nil {
		t.Fatal(err)
	}
	if got := services(only.Cards()); len(got) != 2 || got["acme-local/next-day"] == nil || got["jt-us/standard"].File != "cards/jt-us.yaml" {
		t.Errorf("the directory alone: %v", got)
	}
	if l := only.Loaded(); l.Dir != "cards" || l.Builtin || strings.Join(l.Files, ",") != "jt-us.yaml,own.yaml" || !l.LoadedAt.Equal(t0) {
		t.Errorf("loaded %+v", l)
	}

	merged, err := NewCardSet("cards", dir, true, t0)
	if err != nil {
		t.Fatal(err)
	}
	got := services(merged.Cards())
	if len(got) != len(services(examples))+1 {
		t.Errorf("merged: %d services, want the %d examples and acme-local", len(got), len(services(examples)))
	}
	if got["jt-us/standard"].File != "cards/jt-us.yaml" {
		t.Errorf("jt-us/standard comes from %s: the seller's card must replace the example", got["jt-us/standard"].File)
	}

	builtinOnly, err := NewCardSet("", nil, true, t0)
	if err != nil || builtinOnly.Cards().Len() != examples.Len() {
		t.Errorf("built-in only: %v", err)
	}
	if _, err := NewCardSet("", nil, false, t0); err == nil {
		t.Error("no cards at all was accepted")
	}
}

// A reload swaps the set; a directory with errors keeps the set in use and names every file and
// line.
func TestCardSetReload(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("own.yaml", ownCard("acme-local", "next-day", "2.00"))
	t0 := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	set, err := NewCardSet(dir, os.DirFS(dir), false, t0)
	if err != nil {
		t.Fatal(err)
	}
	before := set.Cards()

	write("second.yaml", ownCard("acme-local", "economy", "1.50"))
	l, err := set.Reload(t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if l.Cards.Len() != 2 || set.Cards() != l.Cards || before.Len() != 1 || !l.LoadedAt.Equal(t0.Add(time.Minute)) {
		t.Errorf("after reload: %d services in use, %d in the old set", set.Cards().Len(), before.Len())
	}

	write("broken.yaml", "carrier: x\nservice: y\neffective_from: someday\n")
	inUse := set.Cards()
	l, err = set.Reload(t0.Add(2 * time.Minute))
	if err == nil {
		t.Fatal("a broken card was loaded")
	}
	if want := filepath.ToSlash(filepath.Clean(dir)) + "/broken.yaml:3: effective_from"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want it to name %q", err, want)
	}
	if set.Cards() != inUse || l.Cards != inUse || !l.LoadedAt.Equal(t0.Add(time.Minute)) {
		t.Errorf("a failed reload changed the set in use")
	}
}
