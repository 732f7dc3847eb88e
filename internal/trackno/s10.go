package trackno

// UPU S10 item identifiers (UPU standard S10): 2-letter service indicator + 8-digit serial +
// 1 check digit + 2-letter ISO 3166-1 country code of the issuing postal operator, 13 characters
// in all, e.g. "RB123456785GB". The check digit weights the serial 8,6,4,2,3,5,9,7 (s10Check).
// Royal Mail, China Post/EMS and USPS international items are S10 numbers; so are many Yanwen,
// Cainiao and other consolidators' numbers, which are issued on a postal operator's range.

const s10Len = 13

// isS10Shape reports whether s has the S10 layout (letters, digits, letters) without looking at
// the check digit or the country.
func isS10Shape(s string) bool {
	return len(s) == s10Len && allLetters(s[:2]) && allDigits(s[2:11]) && allLetters(s[11:])
}

// s10Carrier is the lastmile carrier that operates S10 items of a country, where there is one.
func s10Carrier(country string) Carrier {
	switch country {
	case "GB":
		return RoyalMail
	case "CN":
		return ChinaPost
	case "US":
		return USPS
	}
	return ""
}

// s10Operator names the operator of an S10 item: the country's designated postal operator, or
// its EMS service for China (service indicators E*).
func s10Operator(service, country string) string {
	if country == "CN" && service[0] == 'E' {
		return "China Post EMS"
	}
	return s10Operators[country]
}

// matchS10National reports an S10 item of a country whose postal operator is a lastmile carrier
// (Royal Mail, China Post, USPS) under that carrier.
func matchS10National(s string) hit {
	if !isS10Shape(s) {
		return hit{}
	}
	c := s10Carrier(s[11:])
	if c == "" {
		return hit{}
	}
	return verify(c, s10Operator(s[:2], s[11:]), s10Check(s[2:10]), s[10])
}

// matchS10 reports any S10 item whose country is an ISO 3166-1 code, as upu-s10 with the
// operator's name.
func matchS10(s string) hit {
	if !isS10Shape(s) {
		return hit{}
	}
	if _, ok := s10Operators[s[11:]]; !ok {
		return hit{}
	}
	return verify(UPUS10, s10Operator(s[:2], s[11:]), s10Check(s[2:10]), s[10])
}

// s10LengthHint recognises an S10 number with a digit too many or too few: 2 letters, 7–11
// digits other than 9, and a known country. It gives the carrier to name in the message.
func s10LengthHint(s string) (Carrier, string, bool) {
	n := len(s) - 4
	if n < 7 || n > 11 || n == 9 || !allLetters(s[:2]) || !allDigits(s[2:2+n]) || !allLetters(s[2+n:]) {
		return "", "", false
	}
	country := s[2+n:]
	op, ok := s10Operators[country]
	if !ok {
		return "", "", false
	}
	if c := s10Carrier(country); c != "" {
		return c, s10Operator(s[:2], country), true
	}
	return UPUS10, op, true
}
