// Package address normalises and validates buyer addresses before a label is bought, so that a
// parcel is not refused at the sort centre or left unscanned because of a malformed postal code,
// a street in Chinese script or a phone number in the wrong format (R-LBL-4, R-ORD-6). It also
// tells the rating engine whether an address is in a remote area (R-RATE-3).
//
// Sellers paste addresses from chats and spreadsheets, so Normalize first cleans the text
// (full-width characters, Chinese punctuation, zero-width characters, stray spaces), puts postal
// codes into their national form, turns a recognised state or province into its ISO 3166-2 code
// and formats the phone number as E.164. Validate then reports every problem it finds, each with
// the field (its JSON name), a message and a suggestion. Check does both and is what the order
// pipeline, the HTTP API and the CLI call.
//
// Region codes: for the markets where a region is required (US, CA, AU, MX, ID, MY, TH, PH, VN)
// a recognised region is stored as the ISO 3166-2 subdivision code without the country prefix.
// For US, CA and AU that is also the postal abbreviation (CA, ON, NSW); for MX it is the
// three-letter ISO code (CMX, JAL, NLE), because Mexico has no single national two-letter set;
// for ID, MY, TH, PH and VN it is the ISO suffix (JK, 14, 10, 00, SG). US military "states"
// (AA, AE, AP) and the freely associated states (FM, MH, PW) use their USPS codes.
//
// In the same markets the postal code must belong to the region given, because their postal
// codes encode it (postal_code_region_mismatch): the ZIP prefix in the US, the first letter in
// CA, the first digits in AU, MX, TH, VN, MY, ID and PH. A Philippine region stands for its
// provinces, and a Vietnamese unit of the 2025 reform for the provinces merged into it.
//
// The package is pure: no I/O, no clock, no global mutable state. Business figures (label field
// limits, required fields, remote-area lists) are data tables that cite their rule id, so they can
// become configuration.
package address
