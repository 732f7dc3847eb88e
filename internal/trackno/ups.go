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
