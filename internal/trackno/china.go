package trackno

// Chinese cross-border carriers and consolidators, and China Post's domestic numbers. Their S10
// numbers (China Post, and the postal ranges Yanwen and Cainiao ship on) are handled in s10.go and
// win with a verified check digit; the formats here have no published check digit.

// matchYunExpress recognises YunExpress numbers: "YT" + 16 digits.
func matchYunExpress(s string) hit {
	return formatIf(prefixDigits(s, "YT", 16, 16), YunExpress, "")
}

// match4PX recognises 4PX numbers: "4PX" + 10–20 letters and digits, mostly digits.
func match4PX(s string) hit {
	ok := len(s) >= 13 && len(s) <= 23 && s[:3] == "4PX" && countDigits(s[3:]) >= 8
	return formatIf(ok, FourPX, "")
}

// matchYanwen recognises Yanwen's own numbers: 2 letters + 9 digits + "YP" (Yanwen's suffix, not
// a country), "UG" + 9 digits + 2 letters (issued on postal ranges: an S10 reading wins when its
// check digit verifies), and "YW" + 8–16 digits, optionally with a 2-letter suffix.
func matchYanwen(s string) hit {
	switch {
	case len(s) == 13 && allLetters(s[:2]) && allDigits(s[2:11]) && s[11:] == "YP":
	case len(s) == 13 && s[:2] == "UG" && allDigits(s[2:11]) && allLetters(s[11:]):
	case prefixDigits(s, "YW", 8, 16):
	case len(s) >= 12 && len(s) <= 20 && allLetters(s[len(s)-2:]) && prefixDigits(s[:len(s)-2], "YW", 8, 16):
	default:
		return hit{}
	}
	return format(Yanwen, "")
}

// matchCainiao recognises Cainiao numbers: "LP" + 12–14 digits (AliExpress first mile), the same
// with a "CN" suffix, "CNG" + 8–20 letters and digits, and "CN" + 12–15 digits (Cainiao Express).
func matchCainiao(s string) hit {
	switch {
	case prefixDigits(s, "LP", 12, 14):
	case len(s) >= 16 && s[len(s)-2:] == "CN" && prefixDigits(s[:len(s)-2], "LP", 12, 14):
	case len(s) >= 11 && len(s) <= 23 && s[:3] == "CNG" && countDigits(s[3:]) >= 8:
	case prefixDigits(s, "CN", 12, 15):
	default:
		return hit{}
	}
	return format(Cainiao, "")
}

// matchSFExpress recognises SF Express waybills: "SF" + 12 or 13 digits.
func matchSFExpress(s string) hit {
	return formatIf(prefixDigits(s, "SF", 12, 13), SFExpress, "")
}

// matchChinaPostDomestic recognises China Post's 13-digit domestic numbers: "1…" for domestic
// EMS, "9…" for parcels and registered items.
func matchChinaPostDomestic(s string) hit {
	if len(s) != 13 || !allDigits(s) {
		return hit{}
	}
	switch s[0] {
	case '1':
		return format(ChinaPost, "China Post EMS")
	case '9':
		return format(ChinaPost, "China Post")
	}
	return hit{}
}
