package trackno

// USPS numbers, per USPS Publication 199 (Intelligent Mail package barcode, IMpb). The Package
// Identification Code (PIC) is 22 or 26 digits: a 2-digit channel application identifier
// 91–95, service type code, mailer ID, serial and one GS1 mod 10 check digit (gs1Mod10). The
// barcode may put routing in front: "420" + the 5- or 9-digit destination ZIP, giving 30 or 34
// digits; the check digit covers the PIC only. Older 20-digit numbers (certified mail and the
// like) carry the same check digit, computed either over the 20 digits as printed or with the
// unprinted application identifier "91" in front.

// isPICStart reports whether s starts with an IMpb channel application identifier 91–95.
func isPICStart(s string) bool {
	return len(s) >= 2 && s[0] == '9' && s[1] >= '1' && s[1] <= '5'
}

// matchUSPSIMpb recognises a bare 22- or 26-digit PIC.
func matchUSPSIMpb(s string) hit {
	if (len(s) != 22 && len(s) != 26) || !isPICStart(s) || !allDigits(s) {
		return hit{}
	}
	n := len(s) - 1
	return verify(USPS, "", gs1Mod10(s[:n]), s[n])
}

// matchUSPSRouted recognises "420" + ZIP + PIC: 30 digits (ZIP5 + 22-digit PIC) or 34 digits
// (ZIP+4 + 22-digit PIC, or ZIP5 + 26-digit PIC).
func matchUSPSRouted(s string) hit {
	if (len(s) != 30 && len(s) != 34) || s[:3] != "420" || !allDigits(s) {
		return hit{}
	}
	n := len(s) - 1
	if len(s) == 30 {
		if !isPICStart(s[8:]) {
			return hit{}
		}
		return verify(USPS, "", gs1Mod10(s[8:n]), s[n])
	}
	// 34 digits: try ZIP+4 first, the common label form, then ZIP5 + a 26-digit PIC.
	var first hit
	for _, pic := range [2]int{12, 8} {
		if !isPICStart(s[pic:]) {
			continue
		}
		h := verify(USPS, "", gs1Mod10(s[pic:n]), s[n])
		if h.v == checksumOK {
			return h
		}
		if first.v == noMatch {
			first = h
		}
	}
	return first
}

// matchUSPS20 recognises a 20-digit number with the check digit over the digits as printed.
func matchUSPS20(s string) hit {
	if len(s) != 20 || !allDigits(s) {
		return hit{}
	}
	return verify(USPS, "", gs1Mod10(s[:19]), s[19])
}

// matchUSPS20AI91 recognises a 20-digit PIC printed without its "91" application identifier.
// matchUSPS20 already reports the mismatch for this length, so this one only ever matches.
func matchUSPS20AI91(s string) hit {
	if len(s) != 20 || isPICStart(s) || !allDigits(s) {
		return hit{}
	}
	return verifyOnly(USPS, "", gs1Mod10Prefixed("91", s[:19]), s[19])
}
