package trackno

// South-East Asian carriers used for TikTok Shop orders. None publishes a check digit, so all are
// recognised by format only; the formats are the ones their waybills and tracking pages show.

// matchJTExpress recognises J&T Express waybills: "J" + letter + 10 digits (Indonesia: JP, JD,
// JX, ...), "J" + 2 letters + 12 digits, "JT" + 13 digits (China and cross-border), and 12
// digits starting with 6, 7 or 8 (Malaysia, the Philippines, Thailand and Vietnam).
func matchJTExpress(s string) hit {
	switch {
	case len(s) == 12 && s[0] == 'J' && isLetter(s[1]) && allDigits(s[2:]):
	case len(s) == 15 && s[0] == 'J' && allLetters(s[1:3]) && allDigits(s[3:]):
	case prefixDigits(s, "JT", 13, 13):
	case len(s) == 12 && s[0] >= '6' && s[0] <= '8' && allDigits(s):
	default:
		return hit{}
	}
	return format(JTExpress, "")
}

// matchNinjaVan recognises Ninja Van numbers: "NV" + a market code (SG, MY, ID, TH, PH, VN, MM)
// + 8–20 letters and digits (the shipper's prefix and serial).
func matchNinjaVan(s string) hit {
	if len(s) < 12 || len(s) > 24 || s[0] != 'N' || s[1] != 'V' || countDigits(s[4:]) < 6 {
		return hit{}
	}
	switch s[2:4] {
	case "SG", "MY", "ID", "TH", "PH", "VN", "MM":
		return format(NinjaVan, "")
	}
	return hit{}
}

// matchFlashExpress recognises Flash Express (Thailand) numbers: "TH" + 10–13 digits + a letter,
// optionally followed by up to two more letters or digits.
func matchFlashExpress(s string) hit {
	if len(s) < 13 || len(s) > 18 || s[0] != 'T' || s[1] != 'H' {
		return hit{}
	}
	i := 2
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	digits, rest := i-2, len(s)-i
	ok := digits >= 10 && digits <= 13 && rest >= 1 && rest <= 3 && isLetter(s[i])
	return formatIf(ok, FlashExpress, "")
}

// matchKerry recognises Kerry Express numbers: "KBK", "KEX" or "KER" + 8–14 letters and digits,
// or "KE" + 10–14 digits.
func matchKerry(s string) hit {
	if len(s) >= 11 && len(s) <= 17 && (s[:3] == "KBK" || s[:3] == "KEX" || s[:3] == "KER") && countDigits(s[3:]) >= 6 {
		return format(Kerry, "")
	}
	return formatIf(prefixDigits(s, "KE", 10, 14), Kerry, "")
}

// matchSPX recognises SPX Express (Shopee Express) numbers: "SPX" + a 2-letter market code +
// 9–16 digits, optionally ending in one letter.
func matchSPX(s string) hit {
	if len(s) < 14 || len(s) > 22 || s[:3] != "SPX" || !allLetters(s[3:5]) {
		return hit{}
	}
	tail := s[5:]
	if isLetter(tail[len(tail)-1]) {
		tail = tail[:len(tail)-1]
	}
	return formatIf(len(tail) >= 9 && len(tail) <= 16 && allDigits(tail), SPX, "")
}
