package address

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"lastmile/internal/model"
)

// kv names address fields by their JSON names, for compact test tables.
type kv map[string]string

// marketCase is one case of a market's table: the market's sample address with patch applied
// (an empty value clears the field) must give exactly the problems want ("field:code", in
// order; none means valid) and, after normalisation, the values in norm.
type marketCase struct {
	name  string // "<rule or problem code>/<case>"
	patch kv
	want  []string
	norm  kv
}

func field(a *model.Address, name string) *string {
	switch name {
	case "name":
		return &a.Name
	case "company":
		return &a.Company
	case "line1":
		return &a.Line1
	case "line2":
		return &a.Line2
	case "city":
		return &a.City
	case "region":
		return &a.Region
	case "postal_code":
		return &a.PostalCode
	case "country":
		return &a.Country
	case "phone":
		return &a.Phone
	case "email":
		return &a.Email
	}
	panic("unknown field " + name)
}

// localScript is text in a script of (or common in) each market that is not Latin, for the
// R-LBL-4 cases; Chinese is what our sellers' own tools most often leave in.
var localScript = map[string]string{
	"JP": "東京都千代田区丸の内1-1", "KR": "서울특별시 강남구 테헤란로 123", "TH": "ถนนสุขุมวิท 99",
	"SA": "طريق الملك فهد", "AE": "شارع الوصل", "CA": "北京路 220", "VN": "阮惠街 12号",
	"MY": "吉隆坡安邦路 8号", "SG": "安顺路 10号", "RU": "ул. Тверская, 7", "GR": "Οδός Ερμού 10",
}

// genericCases are the cases every market gets, built from its sample.
func genericCases(market string) []marketCase {
	s := samples[market]
	script, ok := localScript[market]
	if !ok {
		script = "朝阳区建国路 88号"
	}
	messy := kv{
		"name":  "  " + toFullWidth(s.Name) + "\u200b ",
		"line1": strings.ReplaceAll(s.Line1, ",", "，") + "\t\u00a0",
		"city":  " " + s.City + "\u200d",
	}
	return []marketCase{
		{name: "R-ORD-6/valid_as_pasted"},
		{name: "normalize/fullwidth_zero_width_and_chinese_punctuation", patch: messy,
			norm: kv{"name": Normalize(s).Name, "line1": Normalize(s).Line1, "city": Normalize(s).City}},
		{name: "missing_field/name", patch: kv{"name": ""}, want: []string{"name:missing_field"}},
		{name: "missing_field/line1", patch: kv{"line1": " \u3000 "}, want: []string{"line1:missing_field"}},
		{name: "missing_field/phone", patch: kv{"phone": ""}, want: []string{"phone:missing_field"}},
		{name: "phone_invalid/too_short", patch: kv{"phone": "12345"}, want: []string{"phone:phone_invalid"}},
		{name: "non_latin_script/line1", patch: kv{"line1": script}, want: []string{"line1:non_latin_script"}},
		{name: "field_too_long/line1", patch: kv{"line1": s.Line1 + strings.Repeat(" Building", 4)},
			want: []string{"line1:field_too_long"}},
		{name: "country_unknown/XX", patch: kv{"country": "XX", "phone": Normalize(s).Phone},
			want: []string{"country:country_unknown"}},
	}
}

func toFullWidth(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ':
			b.WriteRune('\u3000')
		case r > ' ' && r < 0x7f:
			b.WriteRune(r - 0x21 + 0xff01)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TestMarkets runs, per market, the generic cases and the market's own table (markets_*_test.go).
func TestMarkets(t *testing.T) {
	t.Parallel()
	for _, m := range markets {
		cases := append(genericCases(m), marketCases[m]...)
		if len(cases) < 15 {
			t.Errorf("%s has %d cases, want at least 15", m, len(cases))
		}
		for _, c := range cases {
			t.Run(m+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				a := samples[m]
				for f, v := range c.patch {
					*field(&a, f) = v
				}
				r := Check(a)
				got := make([]string, 0, len(r.Problems))
				for _, p := range r.Problems {
					got = append(got, p.Field+":"+p.Code)
					if p.Message == "" || p.Suggestion == "" {
						t.Errorf("problem %+v lacks a message or a suggestion", p)
					}
				}
				if !slices.Equal(got, c.want) && !(len(got) == 0 && len(c.want) == 0) {
					t.Errorf("problems = %v, want %v\n%s", got, c.want, describe(r))
				}
				if r.Valid != (len(c.want) == 0) {
					t.Errorf("valid = %v with problems %v", r.Valid, got)
				}
				for f, v := range c.norm {
					if g := *field(&r.Normalized, f); g != v {
						t.Errorf("normalized %s = %q, want %q", f, g, v)
					}
				}
				if n := Normalize(r.Normalized); n != r.Normalized {
					t.Errorf("Normalize is not idempotent:\n once %+v\ntwice %+v", r.Normalized, n)
				}
				if v := Validate(r.Normalized); !slices.EqualFunc(v, r.Problems, func(a, b Problem) bool { return a.Code == b.Code && a.Field == b.Field }) {
					t.Errorf("Validate(normalized) = %v, Check said %v", v, r.Problems)
				}
			})
		}
	}
}

// marketCases are the markets' own tables, one file per part of the world.
var marketCases = func() map[string][]marketCase {
	m := map[string][]marketCase{}
	for _, part := range []map[string][]marketCase{casesAmericas, casesEurope, casesAsiaPacific} {
		for k, v := range part {
			m[k] = append(m[k], v...)
		}
	}
	return m
}()

func describe(r Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "normalized: %+v\n", r.Normalized)
	for _, p := range r.Problems {
		fmt.Fprintf(&b, "  %s %s: %s (%s)\n", p.Field, p.Code, p.Message, p.Suggestion)
	}
	return b.String()
}
