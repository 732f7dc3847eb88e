package config_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/model"
)

func parse(t *testing.T, src string) (config.Config, error) {
	t.Helper()
	return config.Parse("lastmile.yaml", []byte(src))
}

func mustParse(t *testing.T, src string) config.Config {
	t.Helper()
	c, err := parse(t, src)
	if err != nil {
		t.Fatalf("Parse:\n%s\nerror: %v", src, err)
	}
	return c
}

func TestParseEmptyIsDefaults(t *testing.T) {
	t.Parallel()
	want := config.Config{}.WithDefaults()
	for _, src := range []string{"", "# nothing set\n", "---\n"} {
		if got := mustParse(t, src); !reflect.DeepEqual(got, want) {
			t.Errorf("Parse(%q) = %+v, want the defaults", src, got)
		}
	}
}

func TestParseSetsEveryKind(t *testing.T) {
	t.Parallel()
	c := mustParse(t, `
db: postgres://lastmile@db.internal/lastmile
addr: 0.0.0.0:9090
shutdown_timeout: 1m
max_body_bytes: 1048576
rate_cards: ./cards
markets:
  GB:
    ship_within: 36h      # R-SHIP-1
    promise_days: 4
    cut_off: "15:30"
    working_days: [mon, tue, wed, thu, fri, sat]
    cod: true
    late_grace: 0s
  NL:
    currency: EUR
    time_zone: Europe/Amsterdam
shops:
  shop_a:
    ship_within: 24h
    working_days: [MON]
carriers:
  - name: jt-us
    type: sim
    config: {speed: fast, lanes: 3}
`)
	if c.DB != "postgres://lastmile@db.internal/lastmile" || c.Addr != "0.0.0.0:9090" || c.ShutdownTimeout != time.Minute || c.MaxBodyBytes != 1<<20 {
		t.Errorf("process settings: %+v", c)
	}
	if c.RateCards != "./cards" || c.BuiltinCards() {
		t.Errorf("rate_cards %q builtin %v: with a directory the examples are off by default", c.RateCards, c.BuiltinCards())
	}
	gb := c.Markets["GB"]
	if gb.ShipWithin != 36*time.Hour || gb.PromiseDays != 4 || gb.CutOff != "15:30" || !gb.CODAllowed || gb.LateGrace != 0 ||
		gb.WorkingDays.String() != "mon,tue,wed,thu,fri,sat" {
		t.Errorf("GB = %+v", gb)
	}
	if gb.Currency != "GBP" || gb.ConfirmWithin != 24*time.Hour || !gb.QRLabel {
		t.Errorf("GB keys the file does not set lost their defaults: %+v", gb)
	}
	nl := c.Markets["NL"]
	if nl.Code != "NL" || nl.Currency != "EUR" || nl.ShipWithin != 72*time.Hour || nl.PromiseDays != 7 || nl.CutOff != config.DefaultCutOff {
		t.Errorf("NL, a market the file adds, = %+v", nl)
	}
	if got := c.Shops["shop_a"]; !reflect.DeepEqual(got, config.Overrides{"ship_within": "24h", "working_days": "mon"}) {
		t.Errorf("shops.shop_a = %v", got)
	}
	if len(c.Carriers) != 1 || c.Carriers[0].Name != "jt-us" || c.Carriers[0].Config["lanes"] != "3" {
		t.Errorf("carriers = %+v", c.Carriers)
	}
	if !reflect.DeepEqual(c.Markets["US"], config.DefaultMarkets()["US"]) {
		t.Errorf("US changed though the file does not name it")
	}
}

// Every problem names the file, the line and the key, says what is wrong and how to write it.
func TestParseErrorsNameFileLineAndKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src, want string
	}{
		{"the issue's example", "markets:\n  GB:\n    ship_within: 4 8h\n",
			`lastmile.yaml:3: markets.GB.ship_within: "4 8h" is not a duration; write e.g. 48h`},
		{"days are not a Go duration", "markets:\n  GB:\n    ship_within: 2d\n",
			`lastmile.yaml:3: markets.GB.ship_within: "2d" is not a duration; write hours, e.g. 48h`},
		{"unknown top-level key", "db: sqlite:x.db\naddress: :8080\n",
			`lastmile.yaml:2: address: unknown key; did you mean addr?`},
		{"unknown market key", "markets:\n  US:\n    promise_day: 5\n",
			`lastmile.yaml:3: markets.US.promise_day: unknown key; did you mean promise_days?`},
		{"unknown key without a near name", "colour: red\n", `lastmile.yaml:1: colour: unknown key; known keys: db, addr`},
		{"UK is GB", "markets:\n  UK:\n    promise_days: 5\n", `lastmile.yaml:2: markets.UK: write GB`},
		{"lower-case market", "markets:\n  gb: {}\n", `lastmile.yaml:2: markets.gb: "gb" is not a market code`},
		{"a new market needs currency and zone", "markets:\n  NL:\n    promise_days: 3\n",
			`lastmile.yaml:2: markets.NL: lastmile has no defaults for market NL: give its currency and time_zone`},
		{"zero promise days", "markets:\n  TH:\n    promise_days: 0\n", `lastmile.yaml:3: markets.TH.promise_days: 0 must be more than 0`},
		{"a negative duration", "idempotency_ttl: -1h\n", `lastmile.yaml:1: idempotency_ttl: -1h must be more than 0`},
		{"not a number", "max_batch_orders: lots\n", `lastmile.yaml:1: max_batch_orders: "lots" is not a whole number`},
		{"not a bool", "markets:\n  GB:\n    cod: yes\n", `lastmile.yaml:3: markets.GB.cod: "yes" is not true or false`},
		{"a bad cut-off", "markets:\n  GB:\n    cut_off: noon\n", `lastmile.yaml:3: markets.GB.cut_off: "noon" is not a time of day; write HH:MM, e.g. 12:00`},
		{"midnight cut-off", "markets:\n  GB:\n    cut_off: \"00:00\"\n", `lastmile.yaml:3: markets.GB.cut_off: 00:00 would hand nothing over`},
		{"a bad day", "markets:\n  GB:\n    working_days: [mon, fry]\n", `lastmile.yaml:3: markets.GB.working_days: "fry" is not a day`},
		{"days not a list", "markets:\n  GB:\n    working_days: mon\n", `lastmile.yaml:3: markets.GB.working_days: want a list of days`},
		{"a bad currency", "markets:\n  GB:\n    currency: gbp\n", `lastmile.yaml:3: markets.GB.currency: "gbp" is not an upper-case ISO 4217 code`},
		{"a bad zone", "markets:\n  GB:\n    time_zone: Europe/Atlantis\n", `lastmile.yaml:3: markets.GB.time_zone: "Europe/Atlantis" is not an IANA time zone`},
		{"a key twice", "addr: :1\naddr: :2\n", `lastmile.yaml:2: addr: set twice (first on line 1); keep one`},
		{"a mapping where a value goes", "addr:\n  host: x\n", `lastmile.yaml:2: addr: want a single value, not a mapping`},
		{"a shop cannot change the market's currency", "shops:\n  shop_a:\n    currency: EUR\n",
			`lastmile.yaml:3: shops.shop_a.currency: a shop cannot override it: it is the market's (R-MKT-1)`},
		{"a shop cannot lift R-MODE-5", "shops:\n  shop_a:\n    ship_from_local_only: false\n",
			`lastmile.yaml:3: shops.shop_a.ship_from_local_only: a shop cannot override it: it is the market's (R-MODE-5)`},
		{"a shop's bad value", "shops:\n  shop_a:\n    ship_within: soon\n", `lastmile.yaml:3: shops.shop_a.ship_within: "soon" is not a duration`},
		{"a bad db", "db: mysql://h/d\n", `lastmile.yaml:1: db: "mysql://h/d": want sqlite:PATH or a postgres:// URL`},
		{"no cards at all", "rate_cards_builtin: false\n", `lastmile.yaml:1: rate_cards_builtin: false without a rate_cards directory`},
		{"a carrier without a type", "carriers:\n  - name: x\n", `lastmile.yaml:2: carriers[0].type: every carrier needs a type`},
		{"a carrier setting is one value", "carriers:\n  - name: x\n    type: sim\n    config:\n      lanes: [a, b]\n",
			`lastmile.yaml:5: carriers[0].config.lanes: want a single value, not a list`},
		{"an unknown carrier key", "carriers:\n  - name: x\n    type: sim\n    secret: y\n", `lastmile.yaml:4: carriers[0].secret: unknown key`},
		{"not a mapping", "- db\n", `lastmile.yaml:1: (document): the configuration must be a mapping`},
		{"bad YAML", "markets:\n  GB: [\n", `lastmile.yaml:2: (syntax): not valid YAML`},
		{"two documents", "db: sqlite:x\n---\naddr: :1\n", `lastmile.yaml:2: (document): a second YAML document`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := parse(t, tt.src)
			if err == nil {
				t.Fatalf("Parse accepted:\n%s", tt.src)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error:\n  %v\nwant it to contain:\n  %s", err, tt.want)
			}
			var ke *config.KeyError
			if !errors.As(err, &ke) {
				t.Errorf("error %T is not a *config.KeyError", err)
			}
		})
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	t.Parallel()
	_, err := parse(t, "addr: :1\nshutdown_timeout: forever\nmarkets:\n  GB:\n    ship_within: x\n    promise_dayz: 3\nshops:\n  s:\n    cod: maybe\n")
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{"lastmile.yaml:2: shutdown_timeout", "lastmile.yaml:5: markets.GB.ship_within",
		"lastmile.yaml:6: markets.GB.promise_dayz", "lastmile.yaml:9: shops.s.cod"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not report %q:\n%v", want, err)
		}
	}
}

// An anchor and alias are YAML: a shop may reuse another's figures.
func TestParseAliases(t *testing.T) {
	t.Parallel()
	c := mustParse(t, "shops:\n  a: &fast\n    ship_within: 24h\n  b: *fast\n")
	if c.Shops["b"]["ship_within"] != "24h" {
		t.Errorf("shops.b = %v", c.Shops["b"])
	}
}

// print → read gives the same configuration, and printing that again the same bytes.
func TestMarshalRoundTrips(t *testing.T) {
	t.Parallel()
	builtin := true
	tweaked := mustParse(t, `
rate_cards: /etc/lastmile/cards
markets:
  GB: {ship_within: 36h, cut_off: "15:30", working_days: [mon, sat]}
  NL: {currency: EUR, time_zone: Europe/Amsterdam, qr_label: true}
shops:
  shop_b: {promise_days: 4}
  shop_a: {ship_within: 24h, cod: false, working_days: [tue]}
  shop_c: {}
carriers:
  - {name: sim, type: sim, config: {seed: 7, url: 'https://sim.example/x', rate: 1.5}}
  - {name: other, type: ratecard}
`)
	tweaked.RateCardsBuiltin = &builtin
	for name, c := range map[string]config.Config{"defaults": config.Config{}.WithDefaults(), "tweaked": tweaked} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out, err := c.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			back, err := config.Parse("printed.yaml", out)
			if err != nil {
				t.Fatalf("the printed configuration does not read back: %v\n%s", err, out)
			}
			b := c.BuiltinCards()
			c.RateCardsBuiltin = &b // printed explicitly
			if !reflect.DeepEqual(back, c) {
				t.Errorf("read back:\n%+v\nwant:\n%+v\nprinted:\n%s", back, c, out)
			}
			again, err := back.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if string(again) != string(out) {
				t.Errorf("printing what was read gives other bytes:\n%s\nfirst:\n%s", again, out)
			}
		})
	}
}

func TestMarshalListsEveryMarketKey(t *testing.T) {
	t.Parallel()
	out, err := config.Config{}.WithDefaults().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, want := range []string{
		"db: \"sqlite:./lastmile-data/lastmile.db\" # env LASTMILE_DB",
		"rate_cards_builtin: true # env LASTMILE_RATE_CARDS_BUILTIN",
		"  GB:\n    currency: \"GBP\" # R-MKT-1",
		"    ship_within: 48h # R-SHIP-1",
		"    promise_days: 5 # R-SLA-1",
		"    cut_off: \"12:00\"",
		"    working_days: [mon, tue, wed, thu, fri]",
		"    first_scan_within: 4h # R-TRK-1",
		"    stale_after: 72h # R-TRK-5",
		"shops: {}",
		"carriers: []",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("printed configuration lacks %q", want)
		}
	}
	for code := range config.DefaultMarkets() {
		section := s[strings.Index(s, "\n  "+string(code)+":\n"):]
		for _, k := range config.MarketKeys() {
			if !strings.Contains(section, "\n    "+k+":") {
				t.Errorf("markets.%s.%s is not printed", code, k)
			}
		}
	}
}

func TestApplyEnv(t *testing.T) {
	t.Parallel()
	env := map[string]string{"LASTMILE_DB": "postgres://h/d", "LASTMILE_ADDR": ":9", "LASTMILE_SHUTDOWN_TIMEOUT": "",
		"LASTMILE_RATE_CARDS_BUILTIN": "false", "LASTMILE_RATE_CARDS": "/cards"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	c := mustParse(t, "db: sqlite:file.db\naddr: :1\nshutdown_timeout: 10s\n")
	if err := c.ApplyEnv(lookup); err != nil {
		t.Fatal(err)
	}
	if c.DB != "postgres://h/d" || c.Addr != ":9" || c.RateCards != "/cards" || c.BuiltinCards() {
		t.Errorf("environment did not override the file: %+v", c)
	}
	if c.ShutdownTimeout != 10*time.Second {
		t.Errorf("an empty variable overrode the file: %v", c.ShutdownTimeout)
	}
	env = map[string]string{"LASTMILE_IDEMPOTENCY_TTL": "a day", "LASTMILE_MAX_BODY_BYTES": "-1"}
	err := c.ApplyEnv(lookup)
	for _, want := range []string{`environment LASTMILE_IDEMPOTENCY_TTL: idempotency_ttl: "a day" is not a duration`,
		`environment LASTMILE_MAX_BODY_BYTES: max_body_bytes: -1 must be more than 0`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want %q", err, want)
		}
	}
}

func TestForShopPrecedenceAndSources(t *testing.T) {
	t.Parallel()
	c := mustParse(t, `
markets:
  GB: {promise_days: 4, confirm_within: 12h}
shops:
  shop_a: {promise_days: 6, ship_within: 24h}
`)
	f, err := c.ForShop("shop_a", "GB", config.Overrides{"ship_within": "30h", "cod": "true"})
	if err != nil {
		t.Fatal(err)
	}
	m := f.Market
	if m.PromiseDays != 6 || m.ShipWithin != 30*time.Hour || m.ConfirmWithin != 12*time.Hour || !m.CODAllowed || m.PrintWithin != 48*time.Hour {
		t.Errorf("effective GB for shop_a = %+v", m)
	}
	want := map[string]config.Source{"promise_days": config.SourceShopConfig, "ship_within": config.SourceShopAPI,
		"cod": config.SourceShopAPI, "confirm_within": config.SourceConfig, "print_within": config.SourceDefault, "currency": config.SourceDefault}
	for k, src := range want {
		if f.Sources[k] != src {
			t.Errorf("source of %s = %q, want %q", k, f.Sources[k], src)
		}
	}
	if len(f.Sources) != len(config.MarketKeys()) {
		t.Errorf("%d sources, want one per key (%d)", len(f.Sources), len(config.MarketKeys()))
	}
	// Another shop gets the market's figures.
	g, err := c.ForShop("shop_b", "GB", nil)
	if err != nil || !reflect.DeepEqual(g.Market, c.Markets["GB"]) {
		t.Errorf("shop_b = %+v, %v; want the market's figures", g.Market, err)
	}
	if _, err := c.ForShop("shop_a", "ZZ", nil); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("unknown market: %v, want ErrNotFound", err)
	}
	if _, err := c.ForShop("shop_a", "GB", config.Overrides{"currency": "EUR"}); err == nil {
		t.Errorf("an API override of the currency was applied")
	}
}

func TestOverrideFromJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key, raw, want, err string
	}{
		{"ship_within", `"48h"`, "48h", ""},
		{"ship_within", `"2880m"`, "48h", ""},
		{"ship_within", `48`, "", `must be a string such as "48h"`},
		{"ship_within", `"4 8h"`, "", `"4 8h" is not a duration; write e.g. 48h`},
		{"promise_days", `5`, "5", ""},
		{"promise_days", `"5"`, "", "must be a whole number"},
		{"promise_days", `5.5`, "", `"5.5" is not a whole number`},
		{"promise_days", `0`, "", "0 must be more than 0"},
		{"promise_days", `400`, "", "400 is more than 365"},
		{"cod", `true`, "true", ""},
		{"cod", `"yes"`, "", "must be true or false"},
		{"cut_off", `"15:00"`, "15:00", ""},
		{"working_days", `["MON","tue"]`, "mon,tue", ""},
		{"working_days", `[]`, "", "no day listed"},
		{"late_grace", `"0s"`, "0s", ""},
		{"currency", `"EUR"`, "", "a shop cannot override it"},
		{"shipwithin", `"48h"`, "", "did you mean ship_within?"},
	}
	for _, tt := range tests {
		got, err := config.OverrideFromJSON(tt.key, []byte(tt.raw))
		switch {
		case tt.err == "" && (err != nil || got != tt.want):
			t.Errorf("%s=%s: %q, %v; want %q", tt.key, tt.raw, got, err, tt.want)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%s=%s: error %v, want %q", tt.key, tt.raw, err, tt.err)
		}
	}
}

// The hand-over figures and the compliance lists derived from the markets (R-MODE-5, R-LBL-5).
func TestDerivedMarketLists(t *testing.T) {
	t.Parallel()
	c := config.Config{}.WithDefaults()
	if got := c.LocalOnlyMarkets(); !reflect.DeepEqual(got, []model.Market{"US"}) {
		t.Errorf("R-MODE-5 local-only markets = %v, want [US]", got)
	}
	if got := c.QRMarkets(); !reflect.DeepEqual(got, []string{"DE", "FR", "GB"}) {
		t.Errorf("R-LBL-5 QR markets = %v, want [DE FR GB]", got)
	}
	for code, m := range c.Markets {
		if m.CutOff != "12:00" || m.WorkingDays != config.DefaultWorkingDays {
			t.Errorf("%s hand-over = %s %v, want 12:00 mon–fri", code, m.CutOff, m.WorkingDays)
		}
		wantCertified := map[model.Market]bool{"US": true, "GB": true, "ID": true, "TH": true, "VN": true, "MY": true, "PH": true, "SG": true}[code]
		if m.CertifiedOnly != wantCertified { // R-SHIP-3
			t.Errorf("%s certified_carriers_only = %v, want %v", code, m.CertifiedOnly, wantCertified)
		}
		if m.FirstScanWithin != 4*time.Hour || m.CarrierReportWithin != 24*time.Hour || m.EventCadenceCertified != 24*time.Hour ||
			m.EventCadenceCrossBorder != 48*time.Hour || m.StaleAfter != 72*time.Hour || m.LateGrace != 24*time.Hour ||
			m.CancelRequestWithin != 48*time.Hour {
			t.Errorf("%s tracking and SLA figures differ from R-TRK-1/2/3/5, R-SLA-2, R-ORD-4: %+v", code, m)
		}
	}
	c.Markets["US"] = func(m config.Market) config.Market { m.LocalOnly = false; return m }(c.Markets["US"])
	if got := c.LocalOnlyMarkets(); got == nil || len(got) != 0 {
		t.Errorf("no local-only market: %#v, want an empty, non-nil list", got)
	}
}
