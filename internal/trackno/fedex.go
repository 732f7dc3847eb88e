package trackno

// FedEx numbers. FedEx Express: 12 digits with a mod 11 check digit (fedexMod11), also found as
// the tail of the 34-digit Express barcode. FedEx Ground: 15 digits with a GS1 mod 10 check
// digit, also inside the 22-digit "96" barcode (96 + 2-digit SCNC + 3-digit service + the 15
// digits) and the 34-digit "96" barcode. SSCC-18 labels: the 18-digit SSCC, alone or after its
// "00" application identifier, GS1 mod 10. FedEx Ground Economy (formerly SmartPost) parcels
// are delivered by USPS under a USPS IMpb PIC (see usps.go); FedEx prints it without its "92" as
// a 20-digit number.

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

// matchFedEx34 recognises the 34-digit FedEx barcodes ("10…" Express, "96…" Ground GSN): the
// last 14 digits end with the Express mod 11 check digit.
func matchFedEx34(s string) hit {
	if len(s) != 34 || !(s[:2] == "10" || s[:2] == "96") || !allDigits(s) {
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

// matchFedExSSCC18 recognises a bare SSCC-18 as FedEx Ground prints it on case and carton
// labels, starting "00" (extension digit 0, then a GS1 company prefix starting 0). Other
// 18-digit SSCCs mark freight units of any carrier and are not claimed for FedEx.
func matchFedExSSCC18(s string) hit {
	if len(s) != 18 || s[0] != '0' || s[1] != '0' || !allDigits(s) {
		return hit{}
	}
	return verify(FedEx, "", gs1Mod10(s[:17]), s[17])
}

// smartPostPrefix starts FedEx Ground Economy PICs: channel application identifier 92, USPS
// service type code 612 and the first digit of a 9-digit mailer ID (the reading of
// tracking_number_data, whose newer data names "SCNC 61, service 29" USPS PICs FedEx SmartPost).
// Another mailer's PIC could start the same way, which is one more reason USPS stays a candidate.
const smartPostPrefix = "926129"

// matchFedExSmartPostPIC recognises a FedEx Ground Economy PIC in full (22 or 26 digits), bare
// or routed ("420" + ZIP or ZIP+4 in front). USPS delivers these parcels and tracks the same
// number, so USPS is a candidate too (matchUSPSIMpb, matchUSPSRouted) and CheckAs accepts it as
// either (R-SHIP-4); FedEx is named first because the label was bought from FedEx.
func matchFedExSmartPostPIC(s string) hit {
	if !allDigits(s) {
		return hit{}
	}
	switch len(s) {
	case 22, 26:
		if s[:6] == smartPostPrefix {
			return verify(FedEx, "", gs1Mod10(s[:len(s)-1]), s[len(s)-1])
		}
	case 30, 34:
		if s[:3] != "420" {
			return hit{}
		}
		for _, at := range [2]int{8, 12} { // after a 5- or a 9-digit ZIP
			if pic := s[at:]; (len(pic) == 22 || len(pic) == 26) && pic[:6] == smartPostPrefix {
				return verify(FedEx, "", gs1Mod10(pic[:len(pic)-1]), pic[len(pic)-1])
			}
		}
	}
	return hit{}
}

// matchFedExSmartPost recognises a 20-digit FedEx Ground Economy number: an IMpb PIC printed
// without its "92" application identifier. This form is FedEx's: USPS tracks the full PIC. USPS
// 20 reports the mismatch for this length.
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
