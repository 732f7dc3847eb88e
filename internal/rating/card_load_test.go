package rating

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"lastmile/examples/ratecards"
)

// jtUS is the J&T US card of issue 5; line 14 is the third bracket's max_g.
const jtUS = `carrier: jt-us
service: standard
currency: USD
effective_from: 2026-01-01
markets: [US]
certified: [US]
volumetric_divisor: 6000
max_weight_g: 30000
zones:
  - country: US
    transit_days: {min: 2, max: 5}
    brackets:
      - {max_g: 500, price: 3.28}
      - {max_g: 1000, price: 4.10}
`

// TestParseCardErrors: a bad card's error names the file, the line and the field.
func TestParseCardErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, old, new string // the change to jtUS
		want           string
	}{
		{"issue_example", "max_g: 1000,", "max_g: 500,",
			"jt-us.yaml:14: zones[0].brackets[1].max_g: must be greater than the previous bracket (500)"},
		{"unknown_field", "volumetric_divisor:", "volumetric_divsor:", "jt-us.yaml:7: volumetric_divsor: unknown field; known fields here: carrier,"},
		{"missing_required", "carrier: jt-us\n", "", "jt-us.yaml:1: carrier: is required"},
		{"bad_currency", "USD", "usd", `jt-us.yaml:3: currency: "usd" is not an upper-case ISO 4217 code`},
		{"too_many_decimals", "3.28", "3.285", "jt-us.yaml:13: zones[0].brackets[0].price: 3.285 has 3 decimals, at most 2 allowed here"},
		{"not_a_number", "3.28", "3.2.8", `jt-us.yaml:13: zones[0].brackets[0].price: "3.2.8" is not an amount in USD`},
		{"exponent", "3.28", "3e2", `jt-us.yaml:13: zones[0].brackets[0].price: "3e2" is not an amount in USD`},
		{"negative", "3.28", "-3.28", `jt-us.yaml:13: zones[0].brackets[0].price: "-3.28" is not an amount in USD`},
		{"bad_date", "2026-01-01", "2026-13-01", `jt-us.yaml:4: effective_from: "2026-13-01" is not a date`},
		{"until_before_from", "markets:", "effective_until: 2025-12-31\nmarkets:", "jt-us.yaml:5: effective_until: is before effective_from (2026-01-01)"},
		{"bad_market", "[US]\ncertified", "[USA]\ncertified", `jt-us.yaml:5: markets[0]: "USA" is not an ISO 3166-1 alpha-2 country code`},
		{"zone_country_not_served", "  - country: US", "  - country: CA", "jt-us.yaml:10: zones[0].country: CA is not one of the card's markets (US)"},
		{"divisor_range", "6000", "60", "jt-us.yaml:7: volumetric_divisor: must be a whole number from 1000 to 100000"},
		{"transit_inverted", "{min: 2, max: 5}", "{min: 5, max: 2}", "jt-us.yaml:11: zones[0].transit_days.max: is below min (5)"},
		{"no_transit", "    transit_days: {min: 2, max: 5}\n", "", "jt-us.yaml:10: zones[0].transit_days: is required"},
		{"bracket_not_a_mapping", "      - {max_g: 1000, price: 4.10}", "      - 1000", "jt-us.yaml:14: zones[0].brackets[1]: must be a mapping"},
		{"list_expected", "markets: [US]", "markets: US", "jt-us.yaml:5: markets: must be a list"},
		{"duplicate_key", "max_weight_g: 30000", "max_weight_g: 30000\nmax_weight_g: 20000", "jt-us.yaml:9: max_weight_g: appears twice"},
		{"bad_identifier", "jt-us", "J&T US", `jt-us.yaml:1: carrier: "J&T US" must be lower-case letters`},
		{"yaml_syntax", "markets: [US]", "markets: [US", "jt-us.yaml:"},
		{"alias", "certified: [US]", "certified: *m", "jt-us.yaml:"},
		{"root_not_a_mapping", jtUS, "- a\n- b\n", "jt-us.yaml:1: must be a mapping of field: value"},
		{"empty", jtUS, "", "jt-us.yaml:1: no rate card in the file"},
		{"unknown_holidays", "max_weight_g: 30000", "max_weight_g: 30000\ntransit: {basis: business, holidays: XX}",
			`jt-us.yaml:9: transit.holidays: no holiday calendar "XX"; known: BR, DE, ES, FR, GB, IE, IT, JP, NL, US`},
		{"holidays_need_business", "max_weight_g: 30000", "max_weight_g: 30000\ntransit: {holidays: US}",
			"jt-us.yaml:9: transit.holidays: only applies with basis: business"},
		{"fuel_two_kinds", "max_weight_g: 30000", "max_weight_g: 30000\nfuel:\n  - {from: 2026-01-01, per_kg: 0.21, percent_of_base: 5}",
			"jt-us.yaml:10: fuel[0]: give exactly one of per_kg"},
		{"fuel_dates_in_order", "max_weight_g: 30000", "max_weight_g: 30000\nfuel:\n  - {from: 2026-02-01, per_kg: 0.21}\n  - {from: 2026-01-01, per_kg: 0.22}",
			"jt-us.yaml:11: fuel[1].from: must be after the previous fuel step (2026-02-01)"},
		{"fuel_rate_precision", "max_weight_g: 30000", "max_weight_g: 30000\nfuel:\n  - {from: 2026-01-01, per_kg: 0.123456789}",
			"jt-us.yaml:10: fuel[0].per_kg: 0.123456789 has 9 decimals, at most 8 allowed here"},
		{"option_two_kinds", "max_weight_g: 30000", "max_weight_g: 30000\noptions:\n  - {name: priority, amount: 0.80, percent_of_declared: 1}",
			"jt-us.yaml:10: options[0]: give exactly one of amount"},
		{"cod_percent_on_another_option", "max_weight_g: 30000", "max_weight_g: 30000\noptions:\n  - {name: priority, percent_of_cod: 1}",
			"jt-us.yaml:10: options[0].percent_of_cod: only the option named cod"},
		{"rebate_tiers_in_order", "max_weight_g: 30000", "max_weight_g: 30000\nrebates:\n  - {above_parcels: 10000, percent_of_base: 3.5}\n  - {above_parcels: 5000, percent_of_base: 5}",
			"jt-us.yaml:11: rebates[1].above_parcels: must be greater than the previous tier (10000)"},
		{"subsidy_market", "max_weight_g: 30000", "max_weight_g: 30000\nsubsidies:\n  - {name: s, amount_off: 1.00, markets: [GB]}",
			"jt-us.yaml:10: subsidies[0].markets[0]: GB is not one of the card's markets"},
		{"remote_without_targets", "max_weight_g: 30000", "max_weight_g: 30000\nremote: {amount: 2.50}",
			"jt-us.yaml:9: remote: say which destinations are remote"},
		{"postal_range_lengths", "max_weight_g: 30000", "max_weight_g: 30000\nremote:\n  amount: 2.50\n  postal_ranges: [{from: \"995\", to: \"9999\"}]",
			`jt-us.yaml:11: remote.postal_ranges[0]: from "995" and to "9999" must have the same length`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			src := strings.Replace(jtUS, tc.old, tc.new, 1)
			if src == jtUS && tc.old != tc.new {
				t.Fatalf("the change %q → %q did not apply", tc.old, tc.new)
			}
			if tc.name == "alias" {
				src = strings.Replace(src, "markets: [US]", "markets: &m [US]", 1)
			}
			_, err := ParseCard("jt-us.yaml", []byte(src))
			if err == nil {
				t.Fatalf("no error for\n%s", src)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error:\n%v\nwant it to contain:\n%s", err, tc.want)
			}
			var ce *CardError
			if !errors.As(err, &ce) || ce.File != "jt-us.yaml" || ce.Line < 1 {
				t.Errorf("want a *CardError with file and line, got %#v", err)
			}
		})
	}
}

// TestParseCardAllErrors: one pass reports every problem, not only the first.
func TestParseCardAllErrors(t *testing.T) {
	t.Parallel()
	src := strings.NewReplacer("USD", "XYZ", "2026-01-01", "soon", "max_g: 1000", "max_g: 100").Replace(jtUS)
	_, err := ParseCard("jt-us.yaml", []byte(src))
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 3 {
		t.Errorf("want 3 problems, got:\n%v", err)
	}
}

// TestLoadVersions: versions of one service must not overlap; files are read from an fs.FS.
func TestLoadVersions(t *testing.T) {
	t.Parallel()
	v1 := strings.Replace(jtUS, "markets:", "effective_until: 2026-06-30\nmarkets:", 1)
	v2 := strings.Replace(jtUS, "2026-01-01", "2026-06-30", 1)
	_, err := Load(fstest.MapFS{"a.yaml": {Data: []byte(v1)}, "b.yaml": {Data: []byte(v2)}})
	if err == nil || !strings.Contains(err.Error(), "b.yaml:1: effective_from: jt-us/standard version 2026-06-30 (from 2026-06-30) overlaps version 2026-01-01 of a.yaml:1") {
		t.Errorf("overlap: %v", err)
	}
	v2 = strings.Replace(jtUS, "2026-01-01", "2026-07-01", 1)
	cards, err := Load(fstest.MapFS{"a.yaml": {Data: []byte(v1)}, "b.yml": {Data: []byte(v2)}, "README.md": {Data: []byte("# not a card")}})
	if err != nil {
		t.Fatal(err)
	}
	if cards.Len() != 1 || len(cards.Versions()) != 2 {
		t.Errorf("%d services, %d versions; want 1 and 2", cards.Len(), len(cards.Versions()))
	}
	s := &cards.services[0]
	for _, tc := range []struct {
		day, version string
	}{{"2025-12-31", ""}, {"2026-01-01", "2026-01-01"}, {"2026-06-30", "2026-01-01"}, {"2026-07-01", "2026-07-01"}, {"2099-01-01", "2026-07-01"}} {
		got := ""
		if c := s.inForce(date(t, tc.day)); c != nil {
			got = c.Version
		}
		if got != tc.version {
			t.Errorf("in force on %s: %q, want %q", tc.day, got, tc.version)
		}
	}
	if _, err := Load(fstest.MapFS{"x.txt": {Data: []byte("")}}); err == nil {
		t.Error("a directory without cards should be an error")
	}
	_, err = Load(fstest.MapFS{"a.yaml": {Data: []byte("carrier: [")}, "b.yaml": {Data: []byte("service: x")}})
	if err == nil || !strings.Contains(err.Error(), "a.yaml:") || !strings.Contains(err.Error(), "b.yaml:1: carrier: is required") {
		t.Errorf("every file's problems: %v", err)
	}
}

// TestExampleCards: the shipped cards load, are marked illustrative, cite the rules' figures
// by rule id, and the J&T US card is exactly issue 5's.
func TestExampleCards(t *testing.T) {
	t.Parallel()
	cards, err := DefaultCards()
	if err != nil {
		t.Fatal(err)
	}
	var services []string
	for _, s := range cards.services {
		services = append(services, s.carrier+"/"+s.service)
	}
	want := []string{"4px/direct-us", "dhl-ecommerce/parcel-expedited", "evri/standard", "fedex/ground", "fedex/home-delivery",
		"flash-th/standard", "jt-id/ez", "jt-my/standard", "jt-ph/standard", "jt-th/standard", "jt-us/standard", "jt-vn/standard",
		"ninja-van-my/standard", "ninja-van-ph/standard", "ninja-van-sg/standard", "ninja-van-th/standard", "ninja-van-vn/standard",
		"royal-mail/tracked-24", "royal-mail/tracked-48", "tiktok-shipping-uk/economy",
		"tiktok-shipping-uk/standard", "ups/ground", "usps/ground-advantage", "yunexpress/direct-eu"}
	if !slices.Equal(services, want) {
		t.Errorf("services\n%v\nwant\n%v", services, want)
	}
	for _, c := range cards.Versions() {
		if !c.Illustrative {
			t.Errorf("%s: every example card has illustrative figures and must say so", c.File)
		}
	}

	jt := cards.services[slices.Index(services, "jt-us/standard")].versions
	if len(jt) != 1 {
		t.Fatalf("jt-us has %d versions", len(jt))
	}
	c := jt[0]
	z := c.zones[0]
	checks := []struct {
		what      string
		got, want any
	}{
		{"currency", c.Currency, "USD"},
		{"effective", c.EffectiveFrom.String() + " " + c.EffectiveUntil.String(), "2026-01-01 open-ended"},
		{"certified", strings.Join(c.Certified, ","), "US"},
		{"brackets", z.bracketG, []int64{500, 1000, 2000, 5000}},
		{"prices", z.price, []int64{328, 410, 560, 890}},
		{"step", [2]int64{z.stepG, z.stepPrice}, [2]int64{1000, 120}},
		{"max weight", c.maxG, int64(30000)},
		{"divisor", c.divisor, int64(6000)},
		{"fuel", c.fuel, []fuelStep{{from: date(t, "2026-01-01"), perKg: 21_000_000}}},
		{"remote", [2]any{c.remote.amount, strings.Join(c.remote.match.regions, ",")}, [2]any{int64(250), "AK,HI,PR"}},
		{"fees", c.fees, []namedAmount{{"tracking", 15}}},
		{"options", c.options, []option{{name: "priority", amount: 80}}},
		{"rebates", c.rebates, []rebateTier{{10000, 35000}}},
	}
	for _, ch := range checks {
		if !equalAny(ch.got, ch.want) {
			t.Errorf("jt-us %s = %v, want %v", ch.what, ch.got, ch.want)
		}
	}

	// The rules' figures carry their rule id on the same line.
	cites := map[string][]string{
		"jt-us.yaml":                       {"price: 3.28}    # R-RATE-3", "per_kg: 0.21}   # R-RATE-3", "amount: 2.50                         # R-RATE-3", "amount: 0.15}     # R-RATE-3", "amount: 0.80}     # R-RATE-3", "percent_of_base: 3.5}   # R-RATE-4"},
		"ninja-van-th.yaml":                {"min_weight_g: 3000                   # R-RATE-6"},
		"tiktok-shipping-uk-economy.yaml":  {"fixed_price: 3.00                # R-RATE-5"},
		"tiktok-shipping-uk-standard.yaml": {"fixed_price: 4.00                # R-RATE-5"},
	}
	for file, want := range cites {
		data, err := ratecards.FS.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(string(data), w) {
				t.Errorf("%s does not contain %q", file, w)
			}
		}
	}
	if _, err := os.Stat("../../docs/ratecards.md"); err != nil {
		t.Errorf("the card format's documentation: %v", err)
	}
}

func equalAny(a, b any) bool {
	switch x := a.(type) {
	case []int64:
		return slices.Equal(x, b.([]int64))
	case []fuelStep:
		return slices.Equal(x, b.([]fuelStep))
	case []namedAmount:
		return slices.Equal(x, b.([]namedAmount))
	case []option:
		return slices.Equal(x, b.([]option))
	case []rebateTier:
		return slices.Equal(x, b.([]rebateTier))
	}
	return a == b
}
