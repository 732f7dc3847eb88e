package trackno

// UK carriers besides Royal Mail's S10 items (see s10.go). None of these formats carries a
// check digit that the carriers publish, so they are recognised by format only.

// matchParcelforce recognises Parcelforce Worldwide (Royal Mail Group) UK numbers as Parcelforce
// publishes them: 2 letters + 7 digits, or 4 letters + 10 digits.
func matchParcelforce(s string) hit {
	ok := (len(s) == 9 && allLetters(s[:2]) && allDigits(s[2:])) ||
		(len(s) == 14 && allLetters(s[:4]) && allDigits(s[4:]))
	return formatIf(ok, RoyalMail, "Parcelforce Worldwide")
}

// matchEvri recognises Evri (formerly Hermes UK) numbers: the 16-character barcode number,
// either 16 digits or the older "H" + 15 letters and digits.
func matchEvri(s string) hit {
	ok := len(s) == 16 && (allDigits(s) || (s[0] == 'H' && countDigits(s) >= 8))
	return formatIf(ok, Evri, "")
}

// matchYodel recognises Yodel UK domestic numbers: "JD" or "JJD" + 16 digits.
func matchYodel(s string) hit {
	ok := prefixDigits(s, "JD", 16, 16) || prefixDigits(s, "JJD", 16, 16)
	return formatIf(ok, Yodel, "")
}
