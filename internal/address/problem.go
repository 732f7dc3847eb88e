package address

import "lastmile/internal/model"

// Problem codes. They are part of the API and CLI contract: clients switch on them.
const (
	CodeMissingField         = "missing_field"               // a required field is empty (R-ORD-6)
	CodeFieldTooLong         = "field_too_long"              // does not fit the 4×6 label (R-LBL-1, R-LBL-4)
	CodeNonLatinScript       = "non_latin_script"            // a label field is not in Latin script (R-LBL-4)
	CodeCountryUnknown       = "country_unknown"             // not an ISO 3166-1 alpha-2 code
	CodeRegionUnknown        = "region_unknown"              // not a known state/province of the country
	CodePostalCodeFormat     = "postal_code_format"          // not in the country's postal-code format (R-LBL-4)
	CodePostalRegionMismatch = "postal_code_region_mismatch" // postal code belongs to another region
	CodePhoneInvalid         = "phone_invalid"               // not a valid phone number (R-ORD-6)
)

// Problem is one thing wrong with an address. Field is the JSON name of the field
// (postal_code, region, line1, …), Message says what is wrong and Suggestion how to fix it.
type Problem struct {
	Code       string `json:"code"`
	Field      string `json:"field"`
	Message    string `json:"message"`
	Suggestion string `json:"suggestion"`
}

// Result is the outcome of Check, and the JSON contract of the CLI and the HTTP API:
//
//	{"valid":true,"normalized":{…},"problems":[],"remote_area":false}
//
// Problems is never nil, so it encodes as [] when the address is valid.
type Result struct {
	Valid      bool          `json:"valid"`
	Normalized model.Address `json:"normalized"`
	Problems   []Problem     `json:"problems"`
	RemoteArea bool          `json:"remote_area"`
}
