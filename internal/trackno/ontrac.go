package trackno

// OnTrac (US West regional carrier) numbers, as the public tracking_number_data project
// documents them: "C" or "D" + 13 digits + 1 check digit, 15 characters. The check digit is the
// modified mod 10 of UPS 1Z numbers over the 14 characters before it, the letter counting as in
// UPS's chart (C = 4, D = 5): see upsCheck.

const onTracLen = 15

func matchOnTrac(s string) hit {
	if len(s) != onTracLen || (s[0] != 'C' && s[0] != 'D') || !allDigits(s[1:]) {
		return hit{}
	}
	return verify(OnTrac, "", upsCheck(s[:14]), s[14])
}
