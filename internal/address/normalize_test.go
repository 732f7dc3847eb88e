package address

import (
	"encoding/json"
	"testing"

	"lastmile/internal/model"
)

// TestCleanText covers what sellers paste from chats and spreadsheets (R-LBL-4, R-SHIP-4).
func TestCleanText(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, in, want string }{
		{"ascii_unchanged", "1450 Market St", "1450 Market St"},
		{"stray_spaces", "  1450   Market\tSt  ", "1450 Market St"},
		{"line_breaks", "1450 Market St\r\nApt 4", "1450 Market St Apt 4"},
		{"full_width_digits", "１４５０ Market St", "1450 Market St"},
		{"full_width_letters_and_ideographic_space", "Ｍａｒｋｅｔ\u3000Ｓｔ", "Market St"},
		{"chinese_comma", "Market St，Apt 4", "Market St, Apt 4"},
		{"ideographic_comma_and_full_stop", "Apt 4、Floor 2。", "Apt 4, Floor 2."},
		{"chinese_brackets", "Building 5（North）【Gate 2】", "Building 5(North)[Gate 2]"},
		{"chinese_colon_semicolon", "Attn：Reception；Desk 2", "Attn:Reception;Desk 2"},
		{"chinese_quotes", "“Sunrise” Tower ‘B’", "\"Sunrise\" Tower 'B'"},
		{"zero_width", "Mar\u200bket\u200c St\u200d\ufeff", "Market St"},
		{"soft_hyphen_and_bidi", "Market\u00ad St\u200e", "Market St"},
		{"control_characters", "Market\x00 St\x07", "Market St"},
		{"nbsp_and_thin_space", "Market\u00a0St\u2009 5", "Market St 5"},
		{"dashes", "Saint–Denis — 12‑14", "Saint-Denis - 12-14"},
		{"nfc_composes", "Cafe\u0301 Mu\u0308ller", "Café Müller"},
		{"vietnamese_decomposed", "Nguye\u0302\u0303n Hue\u0302\u0323", "Nguyễn Huệ"},
		{"invalid_utf8", "Market\xff St", "Market St"},
		{"emoji_variation_selector", "Shop \u2764\ufe0f", "Shop \u2764"},
		{"arabic_indic_digits", "٠٥٠١٢٣٤٥٦٧", "0501234567"},
		{"latin_letters_kept", "Weiß Łódź Ørsted Ñandú", "Weiß Łódź Ørsted Ñandú"},
		{"only_spaces", " \u3000\t ", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got := cleanText(c.in)
			if got != c.want {
				t.Errorf("cleanText(%q) = %q, want %q", c.in, got, c.want)
			}
			if again := cleanText(got); again != got {
				t.Errorf("not idempotent: %q → %q", got, again)
			}
		})
	}
}

// TestNormalizeMessy: a whole address as pasted from a chat normalises to the clean one.
func TestNormalizeMessy(t *testing.T) {
	t.Parallel()
	in := model.Address{
		Name:       "  Ｅｍｉｌｙ　Ｃａｒｔｅｒ\u200b ",
		Line1:      "１４５０　Market St，Apt １２Ｂ",
		City:       "San  Francisco\r\n",
		Region:     " ｃａｌｉｆｏｒｎｉａ ",
		PostalCode: "９４１０３－１２３４",
		Country:    " ｕｓ ",
		Phone:      "（４１５）５５５－０１３２",
		Email:      " emily@example.com ",
	}
	want := model.Address{
		Name: "Emily Carter", Line1: "1450 Market St, Apt 12B", City: "San Francisco", Region: "CA",
		PostalCode: "94103-1234", Country: "US", Phone: "+14155550132", Email: "emily@example.com",
	}
	got := Normalize(in)
	if got != want {
		t.Errorf("Normalize:\n got %+v\nwant %+v", got, want)
	}
	if again := Normalize(got); again != got {
		t.Errorf("not idempotent:\n once %+v\ntwice %+v", got, again)
	}
	r := Check(in)
	if !r.Valid || len(r.Problems) != 0 {
		t.Errorf("Check: %s", describe(r))
	}
}

// TestNormalizeIdempotentSamples: normalising twice is normalising once, for every market.
func TestNormalizeIdempotentSamples(t *testing.T) {
	t.Parallel()
	for _, m := range markets {
		once := Normalize(samples[m])
		if twice := Normalize(once); twice != once {
			t.Errorf("%s:\n once %+v\ntwice %+v", m, once, twice)
		}
	}
}

// TestResultJSON pins the JSON contract of the CLI and API.
func TestResultJSON(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(Check(samples["US"]))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"valid":true,"normalized":{"name":"Emily Carter","line1":"1450 Market St","line2":"Apt 12B","city":"San Francisco","region":"CA","postal_code":"94103","country":"US","phone":"+14155550132"},"problems":[],"remote_area":false}`
	if string(b) != want {
		t.Errorf("JSON:\n got %s\nwant %s", b, want)
	}
	b, _ = json.Marshal(Check(model.Address{Country: "US"}))
	var r struct {
		Problems []Problem `json:"problems"`
	}
	if err := json.Unmarshal(b, &r); err != nil || len(r.Problems) == 0 || r.Problems[0].Code != "missing_field" {
		t.Errorf("problems JSON %s", b)
	}
}

// TestAllProblemsAtOnce: every problem is reported, in field order, not only the first.
func TestAllProblemsAtOnce(t *testing.T) {
	t.Parallel()
	a := model.Address{
		Name:       "王伟",
		Line1:      "",
		City:       "Springfield Heights North Township Area",
		Region:     "Nowhere",
		PostalCode: "1234",
		Country:    "US",
		Phone:      "12",
	}
	got := []string{}
	for _, p := range Validate(Normalize(a)) {
		got = append(got, p.Field+":"+p.Code)
	}
	want := []string{"name:non_latin_script", "line1:missing_field", "city:field_too_long", "region:region_unknown",
		"postal_code:postal_code_format", "phone:phone_invalid"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	// Deterministic: the same input gives the same list.
	for range 5 {
		again := Validate(Normalize(a))
		for i, p := range again {
			if p.Field+":"+p.Code != got[i] {
				t.Fatalf("order changed: %v", again)
			}
		}
	}
}

// TestSuggestions: messages name the fix (the closest region, the national postal format).
func TestSuggestions(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		a    model.Address
		code string
		want string
	}{
		{"region_closest_name", model.Address{Region: "Bangkokk", Country: "TH"}, CodeRegionUnknown, "did you mean Bangkok (10)?"},
		{"region_closest_name_accents", model.Address{Region: "Selangr", Country: "MY"}, CodeRegionUnknown, "did you mean Selangor (10)?"},
		{"region_closest_code", model.Address{Region: "CAL", Country: "US"}, CodeRegionUnknown, "did you mean California (CA)?"},
		{"us_zip_hint", model.Address{PostalCode: "9410", Country: "US"}, CodePostalCodeFormat, "US ZIP codes are 5 digits or ZIP+4 (12345 or 12345-6789)"},
		{"national_form", model.Address{PostalCode: "sw1a1aa", Country: "GB"}, CodePostalCodeFormat, "write it as SW1A 1AA"},
		{"mismatch_names_state", model.Address{Region: "NY", PostalCode: "94103", Country: "US"}, CodePostalRegionMismatch,
			"correct the postal code or the region: 94103 belongs to California (CA)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			for _, p := range Validate(c.a) {
				if p.Code == c.code {
					if p.Suggestion != c.want {
						t.Errorf("suggestion %q, want %q", p.Suggestion, c.want)
					}
					return
				}
			}
			t.Errorf("no %s problem in %v", c.code, Validate(c.a))
		})
	}
}

// TestLimitsConfigurable: the label limits are a table the caller can change (R-LBL-4).
func TestLimitsConfigurable(t *testing.T) {
	t.Parallel()
	a := Normalize(samples["GB"])
	rules := DefaultRules()
	rules.Limits.Name = 5
	got := rules.Validate(a)
	if len(got) != 1 || got[0].Code != CodeFieldTooLong || got[0].Field != "name" {
		t.Errorf("with name limit 5: %v", got)
	}
	rules.Limits = Limits{} // zero: no limits
	long := a
	long.Line1 = string(make([]byte, 0)) + "A very long street name that goes on and on and on, Building 7"
	if got := rules.Validate(long); len(got) != 0 {
		t.Errorf("with no limits: %v", got)
	}
}
