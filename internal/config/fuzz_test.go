package config_test

import (
	"encoding/json"
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

// FuzzOverrideFromJSON feeds arbitrary JSON values for every shop key (a PATCH body's members).
// Whatever is accepted is in its stored form: sent back as the JSON the API answers with, it is
// accepted again unchanged, and it applies to a market.
func FuzzOverrideFromJSON(f *testing.F) {
	for _, s := range []string{`"48h"`, `"4 8h"`, `5`, `5.5`, `"5"`, `true`, `null`, `["mon","TUE"]`, `[]`, `"15:00"`, `"00:00"`, `{}`, `-1`, `1e3`, `"\u0000"`} {
		f.Add(uint8(0), s)
	}
	keys := config.ShopKeys()
	f.Fuzz(func(t *testing.T, k uint8, raw string) {
		if !json.Valid([]byte(raw)) {
			return
		}
		key := keys[int(k)%len(keys)]
		v, err := config.OverrideFromJSON(key, []byte(raw))
		if err != nil {
			return
		}
		again, err := json.Marshal(config.OverridesJSON(config.Overrides{key: v})[key])
		if err != nil {
			t.Fatal(err)
		}
		v2, err := config.OverrideFromJSON(key, again)
		if err != nil || v2 != v {
			t.Fatalf("%s=%s stored as %q, answered as %s, read back as %q (%v)", key, raw, v, again, v2, err)
		}
		if _, err := config.Effective(config.DefaultMarkets()["GB"], config.Overrides{key: v}); err != nil {
			t.Fatalf("%s=%q accepted but does not apply: %v", key, v, err)
		}
	})
}
