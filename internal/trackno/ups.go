package trackno

// UPS "1Z" tracking numbers: "1Z" + 6-character shipper number + 2-digit service code +
// 7-character package reference + 1 check digit, 18 characters in all. The check digit is UPS's
// published modified mod 10 over the 15 characters after "1Z" (see upsCheck).

const upsLen = 18

func matchUPS(s string) hit {
	if len(s) != upsLen || s[0] != '1' || s[1] != 'Z' {
		return hit{}
	}
	return verify(UPS, "", upsCheck(s[2:17]), s[17])
}

// matchUPSWaybill recognises UPS waybill numbers, as the public tracking_number_data project
// documents them: a service letter (A, H, J, K, T or V; J Next Day Express, K Ground, V
// Worldwide Express Saver) + 9 digits + 1 check digit, the same modified mod 10 as 1Z numbers
// over the 9 digits.
func matchUPSWaybill(s string) hit {
	if len(s) != 11 || !allDigits(s[1:]) {
		return hit{}
	}
	switch s[0] {
	case 'A', 'H', 'J', 'K', 'T', 'V':
		return verify(UPS, "", upsCheck(s[1:10]), s[10])
	}
	return hit{}
}
