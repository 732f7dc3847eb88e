package trackno

// The check-digit schemes, each on ASCII digits (and letters where the scheme allows them). The
// callers have already checked the characters, so these never fail; each returns the expected
// check character as a byte ('0'..'9', or '0'..'9','A'..'Z' for ISO 7064 MOD 37,36).

// gs1Sum adds the digits of s weighted 3,1,3,1,... from the right, starting with weight w at the
// rightmost digit, and returns the sum and the weight the next digit to the left would get. It
// lets USPS and FedEx SmartPost numbers whose application identifier ("91", "92") is not printed
// be checked as if it were.
func gs1Sum(s string, w int) (sum, next int) {
	for i := len(s) - 1; i >= 0; i-- {
		sum += int(s[i]-'0') * w
		w = 4 - w // 3 → 1 → 3
	}
	return sum, w
}

// gs1Mod10 is the GS1 General Specifications §7.9.1 check digit (GTIN, SSCC, and USPS IMpb per
// Publication 199, FedEx Ground 15-digit and "96" barcodes): digits weighted 3,1,3,1,... from
// the right, check = (10 − sum mod 10) mod 10.
func gs1Mod10(data string) byte {
	sum, _ := gs1Sum(data, 3)
	return byte('0' + (10-sum%10)%10)
}

// gs1Mod10Prefixed is gs1Mod10 over prefix+data without building that string.
func gs1Mod10Prefixed(prefix, data string) byte {
	sum, w := gs1Sum(data, 3)
	psum, _ := gs1Sum(prefix, w)
	sum += psum
	return byte('0' + (10-sum%10)%10)
}

// s10Weights are the UPU S10 weights for the eight serial digits, left to right.
var s10Weights = [8]int{8, 6, 4, 2, 3, 5, 9, 7}

// s10Check is the UPU S10 check digit: C = 11 − (Σ serial×weight mod 11), with 10 → 0 and 11 → 5.
func s10Check(serial string) byte {
	sum := 0
	for i := 0; i < 8; i++ {
		sum += int(serial[i]-'0') * s10Weights[i]
	}
	c := 11 - sum%11
	switch c {
	case 10:
		c = 0
	case 11:
		c = 5
	}
	return byte('0' + c)
}

// upsValue maps a 1Z character to its value in UPS's check-digit chart: digits are themselves,
// letters run A=2, B=3, ... H=9, I=0, J=1, ... (that is (letter − 'A' + 2) mod 10).
func upsValue(c byte) int {
	if c >= '0' && c <= '9' {
		return int(c - '0')
	}
	return int(c-'A'+2) % 10
}

// upsCheck is UPS's modified mod 10, over the 15 characters after "1Z" (and the 9 serial digits
// of a UPS waybill, the 14 characters of an OnTrac number): characters in odd positions (1st,
// 3rd, ...) count once, those in even positions twice; check = (10 − sum mod 10) mod 10.
func upsCheck(data string) byte {
	sum := 0
	for i := 0; i < len(data); i++ {
		v := upsValue(data[i])
		if i%2 == 1 {
			v *= 2
		}
		sum += v
	}
	return byte('0' + (10-sum%10)%10)
}

// fedexMod11 is FedEx Express's check digit: data digits weighted 1,3,7,1,3,7,... from the
// right (3,1,7,... from the left of an 11-digit number), check = sum mod 11, with 10 → 0.
func fedexMod11(data string) byte {
	weights := [3]int{1, 3, 7}
	sum := 0
	for i, k := len(data)-1, 0; i >= 0; i, k = i-1, k+1 {
		sum += int(data[i]-'0') * weights[k%3]
	}
	return byte('0' + sum%11%10)
}

// mod7 is DHL Express's air waybill check digit: the serial read as a number, modulo 7.
func mod7(data string) byte {
	var n uint64
	for i := 0; i < len(data); i++ {
		n = n*10 + uint64(data[i]-'0')
	}
	return byte('0' + n%7)
}

const alnum36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// iso7064Mod37x36 is the ISO/IEC 7064 MOD 37,36 hybrid system check character over 0-9A-Z,
// which DPD's Parcel Label Specification prescribes for the check character of its barcode.
func iso7064Mod37x36(data string) byte {
	p := 36
	for i := 0; i < len(data); i++ {
		c := data[i]
		v := int(c - '0')
		if c >= 'A' {
			v = int(c-'A') + 10
		}
		s := (p + v) % 36
		if s == 0 {
			s = 36
		}
		p = (s * 2) % 37
	}
	return alnum36[(37-p)%36]
}
