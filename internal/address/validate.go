package address

import (
	"fmt"

	"lastmile/internal/model"
)

// Validate reports every problem of an already normalised address with the default rules, in a
// deterministic order (by field: name, company, line1, line2, city, region, postal_code,
// country, phone; then by check). It returns an empty, non-nil slice for a valid address.
func Validate(a model.Address) []Problem { return DefaultRules().Validate(a) }

// Check normalises a and validates the result with the default rules.
func Check(a model.Address) Result { return DefaultRules().Check(a) }

// Validate is the package Validate with these rules.
func (r Rules) Validate(a model.Address) []Problem { return r.validate(a, phoneUnchecked) }

// Check is the package Check with these rules.
func (r Rules) Check(a model.Address) Result {
	n, phone := normalize(a)
	problems := r.validate(n, phone)
	return Result{
		Valid:      len(problems) == 0,
		Normalized: n,
		Problems:   problems,
		RemoteArea: isRemote(n.Country, n.Region, n.City, n.PostalCode),
	}
}

func (r Rules) validate(a model.Address, phone phoneVerdict) []Problem {
	p := make([]Problem, 0) // [] in JSON, and no allocation until a problem is found
	country := a.Country
	countryOK := knownCountries[country]

	// R-ORD-6: buyer name and full address; R-LBL-4: Latin script, fits the label.
	p = labelField(p, "name", a.Name, true, r.Limits.Name)
	p = labelField(p, "company", a.Company, false, r.Limits.Company)
	p = labelField(p, "line1", a.Line1, true, r.Limits.Line1)
	p = labelField(p, "line2", a.Line2, false, r.Limits.Line2)
	p = labelField(p, "city", a.City, !cityOptional[country], r.Limits.City)

	// Region: required and checked against the list where the market routes on it.
	sub, regionKnown := lookupRegion(country, a.Region)
	switch {
	case a.Region == "" && countryOK && regionRequired[country]:
		p = append(p, missing("region", fmt.Sprintf("the %s is required for %s addresses", regionTables[country].noun, country)))
	case a.Region != "" && !regionKnown && regionTables[country] != nil:
		p = append(p, regionUnknown(country, a.Region))
	}
	if !regionKnown {
		p = labelField(p, "region", a.Region, false, r.Limits.Region)
	}

	// Postal code: required where the country has them, in the national format (R-LBL-4),
	// and in the region given where that is cheap to know.
	switch {
	case a.PostalCode == "":
		if countryOK && postalRequired(country) {
			p = append(p, missing("postal_code", "enter the postal code: "+postalFormats[country].hint))
		}
	case countryOK:
		if f, known := postalFormats[country]; known {
			if national, ok := postalValid(country, a.PostalCode); !ok {
				p = append(p, postalFormatProblem(country, a.PostalCode, national, f.hint))
			} else if regionKnown {
				if q, bad := postalRegionMismatch(country, national, sub); bad {
					p = append(p, q)
				}
			}
		} else if _, _, found := unprintable(a.PostalCode); found || hasControl(a.PostalCode) {
			p = append(p, nonLatin("postal_code", a.PostalCode))
		}
	}

	switch {
	case country == "":
		p = append(p, missing("country", "enter the ISO 3166-1 alpha-2 country code, e.g. US, GB, DE, TH"))
	case !countryOK:
		p = append(p, Problem{
			Code:       CodeCountryUnknown,
			Field:      "country",
			Message:    fmt.Sprintf("%q is not an ISO 3166-1 alpha-2 country code", a.Country),
			Suggestion: "use the two-letter country code, e.g. US, GB, DE, TH",
		})
	}

	// R-ORD-6: a phone the carrier can call, in every market.
	switch {
	case a.Phone == "":
		p = append(p, missing("phone", "enter the buyer's phone number; carriers need it for delivery"))
	case phone == phoneInvalid, phone == phoneUnchecked && !phoneIsValid(a.Phone, country):
		p = append(p, Problem{
			Code:       CodePhoneInvalid,
			Field:      "phone",
			Message:    fmt.Sprintf("%q is not a valid phone number for %s", a.Phone, countryOrUnknown(country)),
			Suggestion: phoneSuggestion(country),
		})
	}
	return p
}

func phoneIsValid(s, country string) bool {
	_, ok := parsePhone(s, country)
	return ok
}

func countryOrUnknown(c string) string {
	if knownCountries[c] {
		return c
	}
	return "an unknown country"
}

// labelField checks a field printed on the label: present if required, not longer than limit
// characters, and in Latin script (R-LBL-4).
func labelField(p []Problem, field, v string, required bool, limit int) []Problem {
	if v == "" {
		if required {
			p = append(p, missing(field, fieldHint[field]))
		}
		return p
	}
	if limit > 0 && len(v) > limit { // bytes ≥ characters: count characters only when needed
		if n := runeCount(v); n > limit {
			p = append(p, Problem{
				Code:       CodeFieldTooLong,
				Field:      field,
				Message:    fmt.Sprintf("%s is %d characters; the label has room for %d", field, n, limit),
				Suggestion: tooLongHint[field],
			})
		}
	}
	if isASCII(v) {
		if hasControl(v) {
			p = append(p, nonLatin(field, v))
		}
		return p
	}
	if _, _, found := unprintable(v); found {
		p = append(p, nonLatin(field, v))
	}
	return p
}

func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}

var fieldHint = map[string]string{
	"name":  "enter the buyer's name as it should appear on the label",
	"line1": "enter the street address (street, number, building)",
	"city":  "enter the city or town",
}

var tooLongHint = map[string]string{
	"name":    "shorten the name (initials for middle names) to fit the label",
	"company": "shorten the company name or leave it out",
	"line1":   "abbreviate (St, Ave, Rd, Bldg) or move the apartment, floor or building to line2",
	"line2":   "abbreviate (Apt, Fl, Bldg) and drop text the carrier does not need",
	"city":    "use the postal town's usual short name",
	"region":  "use the region code, e.g. CA, NSW, 10",
}

func missing(field, suggestion string) Problem {
	return Problem{Code: CodeMissingField, Field: field, Message: field + " is required", Suggestion: suggestion}
}

func nonLatin(field, v string) Problem {
	run, letter, _ := unprintable(v)
	if run == "" || !letter && hasControl(run) {
		return Problem{
			Code:       CodeNonLatinScript,
			Field:      field,
			Message:    fmt.Sprintf("%s contains control characters a label cannot print", field),
			Suggestion: "remove them (normalising the address does)",
		}
	}
	if !letter {
		return Problem{
			Code:       CodeNonLatinScript,
			Field:      field,
			Message:    fmt.Sprintf("%s contains characters a label cannot print (%q)", field, run),
			Suggestion: "remove the symbols; use Latin letters, digits and common punctuation only",
		}
	}
	return Problem{
		Code:       CodeNonLatinScript,
		Field:      field,
		Message:    fmt.Sprintf("%s contains non-Latin script (%q); labels must be in Latin script", field, run),
		Suggestion: "write it in Latin letters (English or the official romanisation, e.g. pinyin, RTGS)",
	}
}

func regionUnknown(country, v string) Problem {
	t := regionTables[country]
	q := Problem{
		Code:       CodeRegionUnknown,
		Field:      "region",
		Message:    fmt.Sprintf("%q is not a known %s of %s", v, t.noun, country),
		Suggestion: regionExamples(country),
	}
	if sub, ok := closestRegion(country, v); ok {
		q.Suggestion = fmt.Sprintf("did you mean %s (%s)?", sub.name, sub.code)
	}
	return q
}

func postalFormatProblem(country, v, national, hint string) Problem {
	if _, ok := formatPostal(country, v); ok {
		// It fits the format once re-spaced or re-cased: say how it should be written.
		return Problem{
			Code:       CodePostalCodeFormat,
			Field:      "postal_code",
			Message:    fmt.Sprintf("%q is not written in the %s national format", v, country),
			Suggestion: fmt.Sprintf("write it as %s", national),
		}
	}
	return Problem{
		Code:       CodePostalCodeFormat,
		Field:      "postal_code",
		Message:    fmt.Sprintf("%q is not a valid %s postal code", v, country),
		Suggestion: hint,
	}
}
