package trackno

// FedEx numbers. FedEx Express: 12 digits with a mod 11 check digit (fedexMod11), also found as
// the tail of the 34-digit Express barcode. FedEx Ground: 15 digits with a GS1 mod 10 check
// digit, also inside the 22-digit "96" barcode (96 + 2-digit SCNC + 3-digit service + the 15
// digits) and the 34-digit "96" barcode. SSCC-18 labels: "00" + 18 digits, GS1 mod 10. FedEx
// Ground Economy (SmartPost) 20-digit numbers are IMpb PICs printed without their "92".

// matchFedExExpress recognises the 12-digit FedEx Express number.
func matchFedExExpress(s string) hit {
	if len(s) != 12 || !allDigits(s) {
		return hit{}
	}
	return verify(FedEx, "", fedexMod11(s[:11]), s[11])
}

// matchFedExGround recognises the 15-digit FedEx Ground number.
func matchFedExGround(s string) hit {
	if len(s) != 15 || !allDigits(s) {
		return hit{}
	}
	return verify(FedEx, "", gs1Mod10(s[:14]), s[14])
}

// matchFedExGround96 recognises the 22-digit "96" FedEx Ground barcode; the check digit covers
// the embedded 15-digit Ground number, that is the last 15 digits.
func matchFedExGround96(s string) hit {
	if len(s) != 22 || s[0] != '9' || s[1] != '6' || !allDigits(s) {
		return hit{}
	}
	return verify(FedEx, "", gs1Mod10(s[7:21]), s[21])
}

// matchFedEx34 recognises the 34-digit FedEx barcodes ("100…" Express, "96…" Ground GSN): the
// last 14 digits end with the Express mod 11 check digit.
func matchFedEx34(s string) hit {
	if len(s) != 34 || !(s[:3] == "100" || s[:2] == "96") || !allDigits(s) {
		return hit{}
	}
	return verify(FedEx, "", fedexMod11(s[20:33]), s[33])
}

// matchFedExSSCC recognises an SSCC-18 with its "00" application identifier; the identifier adds
// nothing to the GS1 sum, so the check digit is over the 19 digits before it.
func matchFedExSSCC(s string) hit {
	if len(s) != 20 || s[0] != '0' || s[1] != '0' || !allDigits(s) {
		return hit{}
	}
	return verify(FedEx, "", gs1Mod10(s[:19]), s[19])
}

// matchFedExSmartPost recognises a 20-digit FedEx Ground Economy number: an IMpb PIC printed
// without its "92" application identifier. USPS 20 reports the mismatch for this length.
func matchFedExSmartPost(s string) hit {
	if len(s) != 20 || isPICStart(s) || !allDigits(s) {
		return hit{}
	}
	return verifyOnly(FedEx, "", gs1Mod10Prefixed("92", s[:19]), s[19])
}

// matchFedExDoorTag recognises FedEx door tags: "DT" + 12 digits, no check digit.
func matchFedExDoorTag(s string) hit {
	return formatIf(prefixDigits(s, "DT", 12, 12), FedEx, "")
}
