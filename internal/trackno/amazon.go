package trackno

// matchAmazon recognises Amazon Logistics numbers: "TBA" + 12 digits (US, UK, EU), and the
// same form with "TBC" (Canada) and "TBM" (Mexico). Amazon publishes no check digit.
func matchAmazon(s string) hit {
	if len(s) != 15 || s[0] != 'T' || s[1] != 'B' || !allDigits(s[3:]) {
		return hit{}
	}
	switch s[2] {
	case 'A', 'C', 'M':
		return format(Amazon, "")
	}
	return hit{}
}

// matchAmazonInternational recognises Amazon's international shipment numbers as the public
// tracking_number_data project documents them: "A", "F" or "C" + 10 digits, no check digit.
func matchAmazonInternational(s string) hit {
	ok := len(s) == 11 && (s[0] == 'A' || s[0] == 'F' || s[0] == 'C') && allDigits(s[1:])
	return formatIf(ok, Amazon, "")
}
