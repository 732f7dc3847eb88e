package trackno

// DPD parcel numbers are 14 digits (4-digit depot + 10-digit serial). Labels print a check
// character after them, but per DPD's Parcel Label Specification it is ISO 7064 MOD 37,36 over
// the whole 27-character barcode content (7-character destination postcode, 14-digit parcel
// number, 3-digit service code, 3-digit ISO numeric country), so it can only be verified on the
// full barcode string, not on the 14 digits (with or without the printed check character).

const dpdBarcodeLen = 28

// matchDPDBarcode verifies a scanned DPD barcode (without the leading "%" identification tag).
func matchDPDBarcode(s string) hit {
	if len(s) != dpdBarcodeLen || !allDigits(s[7:27]) {
		return hit{}
	}
	return verify(DPD, "", iso7064Mod37x36(s[:27]), s[27])
}

// matchDPD recognises the 14-digit parcel number, alone or with its printed check character.
func matchDPD(s string) hit {
	ok := (len(s) == 14 && allDigits(s)) || (len(s) == 15 && allDigits(s[:14]))
	return formatIf(ok, DPD, "")
}
