package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runRateCLI(t *testing.T, input string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = runRate(context.Background(), args, stdio{in: strings.NewReader(input), out: &out, err: &errb})
	return code, out.String(), errb.String()
}

// rateOutput mirrors the JSON contract of `lastmile rate`, decoded independently of the Go types.
type rateOutput struct {
	Quotes []struct {
		Carrier, Service string
		Eligible         bool
		Total            *struct {
			Amount   int64
			Currency string
		}
		ChargeableWeightG int64 `json:"chargeable_weight_g"`
		Breakdown         []struct {
			Kind, Name string
			Amount     int64
		}
		TransitDays  *struct{ Min, Max int } `json:"transit_days"`
		MeetsPromise bool                    `json:"meets_promise"`
		Reasons      []struct{ Code, Message string }
	}
	Selected *struct{ Carrier, Service string }
}

func decodeRate(t *testing.T, stdout string) rateOutput {
	t.Helper()
	var o rateOutput
	if err := json.Unmarshal([]byte(stdout), &o); err != nil {
		t.Fatalf("stdout is not the rate JSON: %v\n%s", err, stdout)
	}
	return o
}

// The worked example of issue 5: 0.45 kg, 20×15×5 cm, to Anchorage AK 99501, paid on a Monday
// morning in Los Angeles.
const workedExample = `{"external_id":"A1","market":"US","currency":"USD","paid_at":"2026-03-02T17:00:00Z",
 "shipping_address":{"name":"Kai Akana","line1":"1 Main St","city":"Anchorage","region":"AK","postal_code":"99501","country":"US"},
 "lines":[{"sku":"MUG","quantity":1,"weight_g":450,"unit_price":{"amount":1999}}],
 "package":{"weight_g":450,"length_mm":200,"width_mm":150,"height_mm":50}`

func TestRateCLI(t *testing.T) {
	t.Parallel()
	now := "--now=2026-03-02T17:00:00Z"

	t.Run("R-RATE-3/worked_example", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			options string
			total   int64
		}{{"", 602}, {`,"options":["priority"]`, 682}} {
			code, stdout, stderr := runRateCLI(t, workedExample+tc.options+"}", now, "--policy", "cheapest")
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			o := decodeRate(t, stdout)
			var found bool
			for _, q := range o.Quotes {
				if q.Carrier != "jt-us" {
					continue
				}
				found = true
				if q.Total == nil || q.Total.Amount != tc.total || q.Total.Currency != "USD" || q.ChargeableWeightG != 450 || !q.Eligible {
					t.Errorf("jt-us %s: %+v", tc.options, q)
				}
			}
			if !found || o.Selected == nil {
				t.Errorf("no jt-us quote or no selection:\n%s", stdout)
			}
		}
	})

	t.Run("policies_select", func(t *testing.T) {
		t.Parallel()
		for _, p := range []string{"cheapest", "fastest", "best_value"} {
			code, stdout, stderr := runRateCLI(t, workedExample+"}", now, "--policy", p, "--best-value-pct", "0")
			if code != exitOK || decodeRate(t, stdout).Selected == nil {
				t.Errorf("%s: exit %d %s", p, code, stderr)
			}
		}
	})

	t.Run("R-SLA-1/nothing_eligible_exit_1", func(t *testing.T) {
		t.Parallel()
		// Paid two weeks before the clock: no service can still meet the 7-day promise.
		code, stdout, stderr := runRateCLI(t, workedExample+"}", "--now=2026-03-16T17:00:00Z")
		if code != exitFail || !strings.Contains(stderr, "no service is eligible") {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
		o := decodeRate(t, stdout)
		if o.Selected != nil || len(o.Quotes) == 0 {
			t.Fatalf("want the quotes and no selection:\n%s", stdout)
		}
		for _, q := range o.Quotes {
			if q.Carrier == "jt-us" && (q.Eligible || q.MeetsPromise || len(q.Reasons) != 1 || q.Reasons[0].Code != "misses_promise") {
				t.Errorf("jt-us: %+v", q)
			}
		}
	})

	t.Run("cards_from_a_directory", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		card := "carrier: only\nservice: one\neffective_from: 2026-01-01\nmarkets: [US]\ncertified: [US]\ncurrency: USD\n" +
			"zones:\n  - country: US\n    transit_days: {min: 1, max: 2}\n    brackets: [{max_g: 1000, price: 1.23}]\n"
		if err := os.WriteFile(filepath.Join(dir, "only.yaml"), []byte(card), 0o644); err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := runRateCLI(t, workedExample+"}", now, "--cards", dir)
		o := decodeRate(t, stdout)
		if code != exitOK || len(o.Quotes) != 1 || o.Quotes[0].Total.Amount != 123 || o.Selected.Carrier != "only" {
			t.Errorf("exit %d %s\n%s", code, stderr, stdout)
		}
	})

	t.Run("bad_card_names_file_line_field_exit_2", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		card := "carrier: bad\nservice: one\neffective_from: 2026-01-01\nmarkets: [US]\ncurrency: USD\n" +
			"zones:\n  - country: US\n    transit_days: {min: 1, max: 2}\n    brackets: [{max_g: 1000, price: 1.234}]\n"
		if err := os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte(card), 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := runRateCLI(t, workedExample+"}", now, "--cards", dir)
		if code != exitUsage || !strings.Contains(stderr, "bad.yaml:9: zones[0].brackets[0].price: 1.234 has 3 decimals") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	})

	t.Run("unreadable_input_exit_2", func(t *testing.T) {
		t.Parallel()
		for _, in := range []string{"", "not json", `{"market":"US"} {"market":"US"}`, `{"pakage":{}}`, `[1]`} {
			if code, stdout, stderr := runRateCLI(t, in, now); code != exitUsage || stdout != "" || stderr == "" {
				t.Errorf("input %q: exit %d, stdout %q, stderr %q", in, code, stdout, stderr)
			}
		}
	})

	t.Run("invalid_order_exit_2_names_the_field", func(t *testing.T) {
		t.Parallel()
		code, _, stderr := runRateCLI(t, `{"market":"US","shipping_address":{"country":"US"},"lines":[]}`, now)
		if code != exitUsage || !strings.Contains(stderr, "package.weight_g:") {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	})

	t.Run("bad_flags_exit_2", func(t *testing.T) {
		t.Parallel()
		for _, args := range [][]string{{"--policy", "slowest"}, {"--best-value-pct", "-1"}, {"--now", "yesterday"},
			{"--cards", "/nonexistent/dir"}, {"extra"}, {"--nope"}} {
			if code, _, stderr := runRateCLI(t, workedExample+"}", args...); code != exitUsage || stderr == "" {
				t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
			}
		}
		if code, _, _ := runRateCLI(t, "", "--help"); code != exitOK {
			t.Errorf("--help: exit %d", code)
		}
	})

	t.Run("R-RATE-8/no_box_fits_exit_1", func(t *testing.T) {
		t.Parallel()
		in := strings.Replace(workedExample, `"package":{"weight_g":450,"length_mm":200,"width_mm":150,"height_mm":50}`,
			`"boxes":[{"id":"tiny","length_mm":100,"width_mm":100,"height_mm":10}]`, 1)
		in = strings.Replace(in, `"weight_g":450,"unit_price"`, `"weight_g":450,"length_mm":200,"width_mm":150,"height_mm":50,"unit_price"`, 1)
		code, stdout, stderr := runRateCLI(t, in+"}", now)
		if code != exitFail || stdout != "" || !strings.Contains(stderr, "fit in no box") {
			t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
		}
	})
}
