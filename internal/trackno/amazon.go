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
