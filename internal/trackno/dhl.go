package trackno

// DHL Express air waybills are 10 digits (11 on some newer waybills): the serial then one check
// digit, the serial read as a number modulo 7.
func matchDHLExpress(s string) hit {
	if (len(s) != 10 && len(s) != 11) || !allDigits(s) {
		return hit{}
	}
	n := len(s) - 1
	return verify(DHLExpress, "", mod7(s[:n]), s[n])
}

// matchDHLExpressPiece recognises DHL piece identifiers (ISO 15459 licence plates issued under
// DHL's "J" agency code): "JJD" or "JVGL" + 9–10 digits. They carry no check digit.
func matchDHLExpressPiece(s string) hit {
	ok := prefixDigits(s, "JJD", 9, 10) || prefixDigits(s, "JVGL", 9, 10)
	return formatIf(ok, DHLExpress, "")
}

// matchDHLECommerce recognises DHL eCommerce numbers: "GM" + 16–22 digits (US), and the
// regional prefixes LX, RX, UV, SG, IN, HK, MY + 10–20 digits. TH and CN prefixes are left out:
// they collide with Flash Express and Cainiao. DHL eCommerce US parcels delivered by USPS carry
// USPS numbers and are recognised as USPS.
func matchDHLECommerce(s string) hit {
	if prefixDigits(s, "GM", 16, 22) {
		return format(DHLECommerce, "")
	}
	if len(s) < 12 || len(s) > 22 || !allDigits(s[2:]) {
		return hit{}
	}
	switch s[:2] {
	case "LX", "RX", "UV", "SG", "IN", "HK", "MY":
		return format(DHLECommerce, "")
	}
	return hit{}
}
