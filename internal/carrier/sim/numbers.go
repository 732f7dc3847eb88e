package sim

import (
	"strconv"
	"strings"
)

// Tracking numbers in each carrier's real format, with its real check digit where it has one,
// so that lastmile's trackno accepts them and attributes them to the right carrier (R-SHIP-4).
// A number is built from a per-carrier serial: numbers never repeat within a network.

// numberFormat builds the tracking number of a carrier's n-th label of a service (by index).
type numberFormat func(serial uint64, service int) string

// digitsOf writes serial as exactly n digits (the lowest n digits).
func digitsOf(serial uint64, n int) string {
	s := strconv.FormatUint(serial, 10)
	if len(s) > n {
		return s[len(s)-n:]
	}
	return strings.Repeat("0", n-len(s)) + s
}

// gs1Check is the GS1 mod 10 check digit (USPS IMpb, FedEx Ground): digits weighted 3,1,3,…
// from the right, check = (10 − sum mod 10) mod 10.
func gs1Check(data string) byte {
	sum, w := 0, 3
	for i := len(data) - 1; i >= 0; i-- {
		sum += int(data[i]-'0') * w
		w = 4 - w
	}
	return byte('0' + (10-sum%10)%10)
}

// upsCheck is UPS's check digit over the 15 characters after "1Z": letters count as
// (letter − 'A' + 2) mod 10, characters in even positions (2nd, 4th, …) count twice.
func upsCheck(data string) byte {
	sum := 0
	for i := 0; i < len(data); i++ {
		c := data[i]
		v := int(c - '0')
		if c >= 'A' && c <= 'Z' {
			v = int(c-'A'+2) % 10
		}
		if i%2 == 1 {
			v *= 2
		}
		sum += v
	}
	return byte('0' + (10-sum%10)%10)
}

// s10Check is the UPU S10 check digit of 8 serial digits: weights 8,6,4,2,3,5,9,7,
// C = 11 − (sum mod 11), 10 → 0, 11 → 5.
func s10Check(serial string) byte {
	weights := [8]int{8, 6, 4, 2, 3, 5, 9, 7}
	sum := 0
	for i, w := range weights {
		sum += int(serial[i]-'0') * w
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

// uspsIMpb: a 22-digit IMpb package identification code: channel application identifier 94,
// service type code 001, the sim's mailer id, the serial and the GS1 mod 10 check digit.
func uspsIMpb(serial uint64, _ int) string {
	data := "9400111" + digitsOf(serial, 14)
	return data + string(gs1Check(data))
}

// ups1Z: "1Z", the sim's 6-character shipper number, service 03 (Ground), a 7-digit package
// reference and UPS's check digit.
func ups1Z(serial uint64, _ int) string {
	data := "LM5E7A" + "03" + digitsOf(serial, 7)
	return "1Z" + data + string(upsCheck(data))
}

// fedexGround: 15 digits, the last a GS1 mod 10 check digit (FedEx Ground and Home Delivery).
func fedexGround(serial uint64, _ int) string {
	data := "6129" + digitsOf(serial, 10)
	return data + string(gs1Check(data))
}

// dhlECommerce: "GM" + 18 digits, DHL eCommerce US's number (no published check digit).
func dhlECommerce(serial uint64, _ int) string { return "GM" + "5299" + digitsOf(serial, 14) }

// jtExpress: J&T's cross-border form "JT" + 13 digits, with the network's digit first (12
// digit local numbers would read as FedEx Express numbers, whose check digit is on 12 digits).
func jtExpress(network byte) numberFormat {
	return func(serial uint64, _ int) string { return "JT" + string(network) + digitsOf(serial, 12) }
}

// jtIndonesia: J&T Indonesia's "JP" + 10 digits.
func jtIndonesia(serial uint64, _ int) string { return "JP" + digitsOf(serial, 10) }

// royalMailS10: a UPU S10 item number of Royal Mail: a 2-letter service indicator per
// service, 8 serial digits, the S10 check digit and GB.
func royalMailS10(indicators ...string) numberFormat {
	return func(serial uint64, service int) string {
		ind := indicators[min(service, len(indicators)-1)]
		s := digitsOf(serial, 8)
		return ind + s + string(s10Check(s)) + "GB"
	}
}

// evri16: Evri's 16-character barcode number, "H" + depot and round letters + 10 digits.
func evri16(serial uint64, _ int) string { return "H01LMA" + digitsOf(serial, 10) }

// ninjaVan: "NV" + the market + the shipper prefix + 10 digits.
func ninjaVan(market string) numberFormat {
	return func(serial uint64, _ int) string { return "NV" + market + "LM" + digitsOf(serial, 10) }
}

// flashExpress: Flash Express Thailand's "TH" + 12 digits + a letter.
func flashExpress(serial uint64, _ int) string { return "TH" + digitsOf(serial, 12) + "A" }
