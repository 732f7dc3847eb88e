package trackno

// matchGLS recognises GLS parcel numbers: 11 digits (2-digit depot, 2-digit product, serial),
// or 12 with the check digit appended. GLS's check-digit rule is not in a GLS publication we
// could confirm, so these are recognised by format only.
func matchGLS(s string) hit {
	return formatIf((len(s) == 11 || len(s) == 12) && allDigits(s), GLS, "")
}
