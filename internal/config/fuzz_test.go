package config_test

import (
	"reflect"
	"testing"

	"lastmile/internal/config"
)

// FuzzParse feeds arbitrary files to the parser. It must never panic, and whatever it accepts
// must print and read back to the same configuration.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"",
		"db: sqlite:x.db\naddr: :1\n",
		"markets:\n  GB:\n    ship_within: 36h\n    working_days: [mon, sat]\n    cut_off: \"15:30\"\n",
		"markets:\n  NL: {currency: EUR, time_zone: Europe/Amsterdam}\n",
		"shops:\n  a: &x {ship_within: 24h}\n  b: *x\n",
		"carriers:\n  - {name: a, type: sim, config: {k: 2.5, u: x}}\n",
		"rate_cards: ./cards\nrate_cards_builtin: true\n",
		"markets:\n  GB: [\n",
		"addr: :1\naddr: :2\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := config.Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		out, err := c.Marshal()
		if err != nil {
			t.Fatalf("accepted configuration does not print: %v", err)
		}
		back, err := config.Parse("printed.yaml", out)
		if err != nil {
			t.Fatalf("printed configuration does not read back: %v\n%s", err, out)
		}
		b := c.BuiltinCards()
		c.RateCardsBuiltin = &b
		if !reflect.DeepEqual(back, c) {
			t.Fatalf("round trip changed the configuration:\n%+v\n%+v\n%s", c, back, out)
		}
	})
}
