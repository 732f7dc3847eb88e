package address

import "lastmile/internal/model"

// Normalize cleans every field of a (see cleanText), upper-cases the country (accepting "UK"
// and common country names), puts the postal code into its national form, replaces a
// recognised region with its code and formats a valid phone number as E.164 (region defaulting
// to the address country). It never drops information it cannot fix: an unrecognised region or
// an invalid postal code or phone is kept, cleaned, for Validate to report. Normalize is
// idempotent: Normalize(Normalize(a)) == Normalize(a).
func Normalize(a model.Address) model.Address {
	n, _ := normalize(a)
	return n
}

// phoneVerdict carries what normalize learnt about the phone to validate, so that Check parses
// the number once: the parser is by far the most expensive step.
type phoneVerdict int

const (
	phoneUnchecked phoneVerdict = iota
	phoneValid
	phoneInvalid
)

func normalize(a model.Address) (model.Address, phoneVerdict) {
	var n model.Address
	n.Name = cleanText(a.Name)
	n.Company = cleanText(a.Company)
	n.Line1 = cleanText(a.Line1)
	n.Line2 = cleanText(a.Line2)
	n.City = cleanText(a.City)
	n.Country = normalizeCountry(cleanText(a.Country))
	n.Region = normalizeRegion(n.Country, cleanText(a.Region))
	n.PostalCode = normalizePostal(n.Country, cleanText(a.PostalCode))
	n.Email = cleanText(a.Email)

	phone := cleanText(a.Phone)
	if phone == "" {
		return n, phoneInvalid
	}
	if e164, ok := parsePhone(phone, n.Country); ok {
		n.Phone = e164
		return n, phoneValid
	}
	n.Phone = phone
	return n, phoneInvalid
}
