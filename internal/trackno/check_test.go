package trackno

import (
	"slices"
	"strings"
	"testing"
)

// checksumCase is a number built with an independent generator (gen_test.go) for a carrier that
// has a check digit.
type checksumCase struct {
	name     string
	number   string
	carrier  Carrier
	operator string
	// lo and hi bound the characters the check digit covers; near-misses mutate inside them.
	// The check digit is at hi.
	lo, hi int
	accept func(string) bool
}

// checksumCases has at least one number for every carrier that is not format-only, and one for
// every form with a check digit.
func checksumCases() []checksumCase {
	pic22 := gs1Number("940011189922" + "123456789")         // IMpb, channel 94
	pic26 := gs1Number("9270190" + "123456789012345678")     // IMpb, 26 digits
	usps20 := gs1Number("7112" + "345678901234567")          // certified mail, check over the printed digits
	usps91 := "0307" + "179000052348374"                     // PIC printed without its "91"
	usps91 += genGS1("91" + usps91)                          //
	smartPost := "6129" + "999882082117181"                  // FedEx Ground Economy, printed without "92"
	smartPost += genGS1("92" + smartPost)                    //
	fedex34 := "1001912345" + "0001000300" + "7790123456789" // 20-digit head + 13 data digits
	fedex34 += genFedEx13(fedex34[20:33])
	gsn34 := "9622001560" + "0012345671" + "0079480839012"
	gsn34 += genFedEx13(gsn34[20:33])
	ground96 := "9611020" + "98765431234567"
	ground96 += genGS1(ground96[7:])
	dpdBarcode := "0081827" + "09980000020033" + "101" + "276"
	dpdBarcode += genMod37x36(dpdBarcode)
	fedex34Other := "1027590111" + "8200048335" + "0078545823361" // a "10" head other than "100"
	fedex34Other += genFedEx13(fedex34Other[20:33])
	smartPostPIC := gs1Number("92612" + "9" + "87654321" + "1234567")       // 22 digits
	smartPostPIC26 := gs1Number("92612" + "9" + "87654321" + "12345678901") // 26 digits
	onTracC := "C" + "1234567890123" + genUPS("C"+"1234567890123")          // C counts 4
	onTracD := "D" + "9876543210987" + genUPS("D"+"9876543210987")          // D counts 5
	upsWaybill := "K" + "123456789" + genUPS("123456789")                   // letter not counted
	sscc18 := gs1Number("00" + "0614141" + "12345678")                      // bare SSCC-18

	return []checksumCase{
		{"UPS 1Z digits", upsNumber("A1B2C3" + "03" + "1234567"), UPS, "", 2, 17, acceptUPS},
		{"UPS 1Z letters in package reference", upsNumber("X7Y8Z9" + "01" + "AB12CD3"), UPS, "", 2, 17, acceptUPS},
		{"UPS waybill", upsWaybill, UPS, "", 1, 10, acceptUPS},
		{"OnTrac C", onTracC, OnTrac, "", 1, 14, acceptOnTrac},
		{"OnTrac D", onTracD, OnTrac, "", 1, 14, acceptOnTrac},
		{"USPS IMpb 22 digits", pic22, USPS, "", 0, 21, acceptUSPS},
		{"USPS IMpb 26 digits", pic26, USPS, "", 0, 25, acceptUSPS},
		{"USPS 420 ZIP5 + PIC (30)", "420" + "10001" + pic22, USPS, "", 8, 29, acceptUSPS},
		{"USPS 420 ZIP+4 + PIC (34)", "420" + "100011234" + pic22, USPS, "", 12, 33, acceptUSPS},
		{"USPS 420 ZIP5 + 26-digit PIC (34)", "420" + "10001" + pic26, USPS, "", 8, 33, acceptUSPS},
		{"USPS 20 digits", usps20, USPS, "", 0, 19, acceptUSPS},
		{"USPS 20 digits without AI 91", usps91, USPS, "", 0, 19, acceptUSPS},
		{"USPS S10 international", s10Number("EC", "87654321", "US"), USPS, "USPS", 2, 10, acceptUSPS},
		{"FedEx Express 12", "12345678901" + genFedEx12("12345678901"), FedEx, "", 0, 11, acceptFedEx},
		{"FedEx Express 12 other", "79053531231" + genFedEx12("79053531231"), FedEx, "", 0, 11, acceptFedEx},
		{"FedEx Ground 15", gs1Number("12345678901234"), FedEx, "", 0, 14, acceptFedEx},
		{"FedEx Ground 96 barcode (22)", ground96, FedEx, "", 7, 21, acceptFedEx},
		{"FedEx SSCC-18 (20)", gs1Number("00" + "0123450000000002" + "1"), FedEx, "", 2, 19, acceptFedEx},
		{"FedEx Ground Economy without AI 92 (20)", smartPost, FedEx, "", 0, 19, acceptFedEx},
		{"FedEx Ground Economy PIC (22)", smartPostPIC, FedEx, "", 0, 21, acceptFedEx},
		{"FedEx Ground Economy PIC (26)", smartPostPIC26, FedEx, "", 0, 25, acceptFedEx},
		{"FedEx Ground Economy 420 ZIP5 + PIC (30)", "420" + "11213" + smartPostPIC, FedEx, "", 8, 29, acceptFedEx},
		{"FedEx Ground Economy 420 ZIP+4 + PIC (34)", "420" + "102820000" + smartPostPIC, FedEx, "", 12, 33, acceptFedEx},
		{"FedEx SSCC-18 bare (18)", sscc18, FedEx, "", 2, 17, acceptFedEx},
		{"FedEx Express 34 barcode, other head", fedex34Other, FedEx, "", 20, 33, acceptFedEx},
		{"FedEx Express 34 barcode", fedex34, FedEx, "", 20, 33, acceptFedEx},
		{"FedEx Ground GSN 34 barcode", gsn34, FedEx, "", 20, 33, acceptFedEx},
		{"DHL Express 10", "123456789" + genMod7("123456789"), DHLExpress, "", 0, 9, acceptDHLExpress},
		{"DHL Express 11", "7389105114" + genMod7("7389105114"), DHLExpress, "", 0, 10, acceptDHLExpress},
		{"DPD full barcode", dpdBarcode, DPD, "", 0, 27, acceptDPD},
		{"Royal Mail S10", s10Number("RB", "12345678", "GB"), RoyalMail, "Royal Mail", 2, 10, acceptS10},
		{"Royal Mail tracked S10", s10Number("TT", "40912358", "GB"), RoyalMail, "Royal Mail", 2, 10, acceptS10},
		{"China Post registered S10", s10Number("RR", "31415926", "CN"), ChinaPost, "China Post", 2, 10, acceptS10},
		{"China Post EMS S10", s10Number("EA", "27182818", "CN"), ChinaPost, "China Post EMS", 2, 10, acceptS10},
		{"UPU S10 Deutsche Post", s10Number("CP", "11223344", "DE"), UPUS10, "Deutsche Post", 2, 10, acceptS10},
		{"UPU S10 Thailand Post", s10Number("EE", "90817263", "TH"), UPUS10, "Thailand Post", 2, 10, acceptS10},
		{"UPU S10 check digit 0", s10Number("LX", "00000001", "SG"), UPUS10, "SingPost", 2, 10, acceptS10},
	}
}

func TestCheckValidChecksumNumbers(t *testing.T) {
	t.Parallel()
	for _, tc := range checksumCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if !tc.accept(tc.number) {
				t.Fatalf("test generator is wrong: %s not accepted by its own scheme", tc.number)
			}
			r := Check(tc.number)
			if !r.Valid || r.Carrier != tc.carrier || r.Operator != tc.operator || r.Confidence != ConfidenceChecksum {
				t.Fatalf("Check(%s) = %+v, want valid %s/%q by checksum", tc.number, r, tc.carrier, tc.operator)
			}
			if r.Candidates[0] != (Candidate{tc.carrier, tc.operator, ConfidenceChecksum}) {
				t.Errorf("first candidate %+v does not repeat the result", r.Candidates[0])
			}
			if r.Normalized != tc.number || r.Reason != "" {
				t.Errorf("normalized %q reason %q", r.Normalized, r.Reason)
			}
		})
	}
}

// TestCheckS10NamesNationalCarrierThenUPU: a Royal Mail / China Post / USPS S10 item is also a
// upu-s10 item, listed second.
func TestCheckS10NamesNationalCarrierThenUPU(t *testing.T) {
	t.Parallel()
	n := s10Number("RB", "12345678", "GB")
	got := Check(n).Candidates
	want := []Candidate{{RoyalMail, "Royal Mail", ConfidenceChecksum}, {UPUS10, "Royal Mail", ConfidenceChecksum}}
	if !slices.Equal(got, want) {
		t.Fatalf("candidates %+v, want %+v", got, want)
	}
}

// TestCheckSmartPostNamesFedExThenUSPS: a FedEx Ground Economy PIC is FedEx's and USPS's (R-SHIP-4:
// either code must pass the upload check); printed without its "92" it is FedEx's only.
func TestCheckSmartPostNamesFedExThenUSPS(t *testing.T) {
	t.Parallel()
	pic := gs1Number("92612" + "9" + "87654321" + "1234567")
	both := []Candidate{{FedEx, "", ConfidenceChecksum}, {USPS, "", ConfidenceChecksum}}
	for _, n := range []string{pic, "420" + "11213" + pic, "420" + "112130001" + pic} {
		if got := Check(n).Candidates; !slices.Equal(got, both) {
			t.Errorf("Check(%s) candidates %+v, want %+v", n, got, both)
		}
		for _, c := range []Carrier{FedEx, USPS} {
			if r := CheckAs(n, c); !r.Valid || r.Carrier != c {
				t.Errorf("CheckAs(%s, %s) = %+v", n, c, r)
			}
		}
	}
	// The same PIC without "92", its check digit computed with it.
	short := pic[2:]
	if got := Check(short).Candidates; !slices.Equal(got, both[:1]) {
		t.Errorf("Check(%s) candidates %+v, want FedEx only", short, got)
	}
	// Another mailer's PIC is USPS's only.
	usps := gs1Number("9400111899" + "22123456789")
	if got := Check(usps).Candidates; !slices.Equal(got, both[1:]) {
		t.Errorf("Check(%s) candidates %+v, want USPS only", usps, got)
	}
}

// nearMiss mutates the covered characters of tc.number and returns the first mutation that the
// carrier's scheme really rejects, or "" when none exists.
func oneDigitChanged(tc checksumCase) string {
	n := tc.number
	for p := tc.lo; p < tc.hi; p++ {
		if n[p] < '0' || n[p] > '9' {
			continue
		}
		for d := byte('0'); d <= '9'; d++ {
			if d == n[p] {
				continue
			}
			m := n[:p] + string(d) + n[p+1:]
			if !tc.accept(m) {
				return m
			}
		}
	}
	return ""
}

func checkDigitChanged(tc checksumCase) string {
	at := tc.hi
	for _, d := range "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ" {
		m := tc.number[:at] + string(d) + tc.number[at+1:]
		if m != tc.number && !tc.accept(m) {
			return m
		}
	}
	return ""
}

func adjacentTransposed(tc checksumCase) string {
	n := tc.number
	for p := tc.lo; p+1 < tc.hi; p++ {
		if n[p] == n[p+1] {
			continue
		}
		m := n[:p] + string(n[p+1]) + string(n[p]) + n[p+2:]
		if !tc.accept(m) {
			return m
		}
	}
	return ""
}

func wrongLength(tc checksumCase) []string {
	n := tc.number
	mid := (tc.lo + tc.hi) / 2
	var out []string
	for _, m := range []string{n[:len(n)-1], n[:mid] + n[mid+1:], n[:mid] + "7" + n[mid:], n + "1"} {
		if !tc.accept(m) {
			out = append(out, m)
		}
	}
	return out
}

// TestCheckNearMissesAreNotVerified: one digit changed, two adjacent digits swapped, one digit
// lost or added: never recognised with checksum confidence for the carrier.
func TestCheckNearMissesAreNotVerified(t *testing.T) {
	t.Parallel()
	for _, tc := range checksumCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			misses := map[string]string{
				"check digit changed":   checkDigitChanged(tc),
				"one digit changed":     oneDigitChanged(tc),
				"two digits transposed": adjacentTransposed(tc),
			}
			for i, m := range wrongLength(tc) {
				misses["wrong length "+string(rune('a'+i))] = m
			}
			if len(misses) < 4 {
				t.Fatalf("too few wrong-length variants for %s", tc.number)
			}
			for kind, m := range misses {
				if m == "" {
					t.Fatalf("%s: no mutation of %s is rejected by its scheme", kind, tc.number)
				}
				r := Check(m)
				for _, c := range r.Candidates {
					if c.Carrier == tc.carrier && c.Confidence == ConfidenceChecksum {
						t.Errorf("%s: Check(%s) verified %s: %+v", kind, m, tc.carrier, r)
					}
				}
				if r.Valid && r.Confidence == ConfidenceChecksum && r.Carrier == tc.carrier {
					t.Errorf("%s: Check(%s) = %+v", kind, m, r)
				}
			}
		})
	}
}

// TestCheckDigitMismatchMessage: a wrong check digit is refused naming the carrier and the digit
// it should be.
func TestCheckDigitMismatchMessage(t *testing.T) {
	t.Parallel()
	// other returns a check character different from good.
	other := func(good string) string {
		if good == "3" {
			return "8"
		}
		return "3"
	}
	ups := "A1B2C3" + "03" + "1234567"
	pic := "940011189922123456789"
	dpd := "0081827" + "09980000020033" + "101" + "276"
	smartPost := "92612" + "9" + "87654321" + "1234567"
	cases := []struct {
		name, number string
		carrier      Carrier
		message      string
	}{
		{"UPS", "1Z" + ups + other(genUPS(ups)), UPS,
			"UPS check digit should be " + genUPS(ups) + ", got " + other(genUPS(ups))},
		{"Royal Mail S10", "RB12345678" + "3" + "GB", RoyalMail, "Royal Mail check digit should be 5, got 3"},
		{"China Post EMS S10", "EA12345678" + "3" + "CN", ChinaPost, "China Post EMS check digit should be 5, got 3"},
		{"other S10", "RB12345678" + "3" + "AU", UPUS10, "S10 (Australia Post) check digit should be 5, got 3"},
		{"DHL Express", "123456789" + "5", DHLExpress, "DHL Express check digit should be 1, got 5"},
		{"USPS IMpb", pic + other(genGS1(pic)), USPS,
			"USPS check digit should be " + genGS1(pic) + ", got " + other(genGS1(pic))},
		{"DPD barcode", dpd + other(genMod37x36(dpd)), DPD,
			"DPD check character should be " + genMod37x36(dpd) + ", got " + other(genMod37x36(dpd))},
		{"OnTrac", "C" + "1234567890123" + "3", OnTrac, "OnTrac check digit should be 6, got 3"},
		{"FedEx Ground Economy PIC", smartPost + other(genGS1(smartPost)), FedEx,
			"FedEx check digit should be " + genGS1(smartPost) + ", got " + other(genGS1(smartPost))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := Check(tc.number)
			if r.Valid || r.Reason != ReasonCheckDigitMismatch || r.Carrier != tc.carrier || r.Message != tc.message {
				t.Fatalf("Check(%s) = %+v, want %s mismatch %q", tc.number, r, tc.carrier, tc.message)
			}
		})
	}
}

// formatCase is a number of a format-only form.
type formatCase struct {
	name     string
	number   string
	carrier  Carrier
	operator string
}

func formatCases() []formatCase {
	return []formatCase{
		{"Amazon TBA", "TBA" + "301234567890", Amazon, ""},
		{"Amazon Canada TBC", "TBC" + "012345678901", Amazon, ""},
		{"Amazon international", "F" + "1004444443", Amazon, ""},
		{"DHL eCommerce GM", "GM" + "605112270084510356", DHLECommerce, ""},
		{"DHL eCommerce regional prefix", "MY" + "1234567890123", DHLECommerce, ""},
		{"DHL Express piece ID", "JJD" + "0012345678", DHLExpress, ""},
		{"Evri 16 digits", "1234567890123456", Evri, ""},
		{"Evri legacy H", "H00A1B" + "0012345678", Evri, ""},
		{"Yodel JD", "JD" + "0002123456789012", Yodel, ""},
		{"Yodel JJD", "JJD" + "0002123456789012", Yodel, ""},
		{"Parcelforce 2 letters 7 digits", "PB" + "1234567", RoyalMail, "Parcelforce Worldwide"},
		{"Parcelforce 4 letters 10 digits", "PBTM" + "1234567890", RoyalMail, "Parcelforce Worldwide"},
		{"DPD 14 digits", "01234567890123", DPD, ""},
		{"DPD 14 digits with check character", "01234567890123" + "Z", DPD, ""},
		{"GLS 11 digits", "20123456789", GLS, ""},
		{"GLS 12 digits", "201234567890", GLS, ""},
		{"J&T Indonesia JP", "JP" + "1234567890", JTExpress, ""},
		{"J&T Indonesia JD", "JD" + "0123456789", JTExpress, ""},
		{"J&T China JT", "JT" + "3012345678901", JTExpress, ""},
		{"J&T Thailand 8", "8" + "20123456789", JTExpress, ""},
		{"J&T Malaysia 6", "6" + "30012345678", JTExpress, ""},
		{"Ninja Van", "NVSG" + "SHOP12345678", NinjaVan, ""},
		{"Flash Express", "TH" + "0123456789" + "A", FlashExpress, ""},
		{"Flash Express two letters", "TH" + "01234567890" + "AB", FlashExpress, ""},
		{"Kerry KBK", "KBK" + "123456789", Kerry, ""},
		{"Kerry KE", "KE" + "1234567890", Kerry, ""},
		{"SPX Thailand", "SPXTH" + "012345678901", SPX, ""},
		{"SPX with letter", "SPXID" + "0123456789" + "A", SPX, ""},
		{"YunExpress", "YT" + "2201234567890123", YunExpress, ""},
		{"4PX", "4PX" + "3001234567" + "CN", FourPX, ""},
		{"Yanwen YP", "UF" + "123456789" + "YP", Yanwen, ""},
		{"Yanwen YW", "YW" + "123456789012", Yanwen, ""},
		{"Cainiao LP", "LP" + "00123456789012", Cainiao, ""},
		{"Cainiao LP with CN", "LP" + "00123456789012" + "CN", Cainiao, ""},
		{"Cainiao CNG", "CNG" + "FR" + "12345678901", Cainiao, ""},
		{"Cainiao CN express", "CN" + "123456789012", Cainiao, ""},
		{"SF Express 12", "SF" + "123456789012", SFExpress, ""},
		{"SF Express 13", "SF" + "1234567890123", SFExpress, ""},
		{"China Post domestic parcel", "9" + "876543210123", ChinaPost, "China Post"},
		{"China Post domestic EMS", "1" + "123456789012", ChinaPost, "China Post EMS"},
		{"FedEx door tag", "DT" + "123456789012", FedEx, ""},
	}
}

func TestCheckFormatOnlyNumbers(t *testing.T) {
	t.Parallel()
	for _, tc := range formatCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := Check(tc.number)
			if !r.Valid {
				t.Fatalf("Check(%s) = %+v, want valid", tc.number, r)
			}
			want := Candidate{tc.carrier, tc.operator, ConfidenceFormat}
			if !slices.Contains(r.Candidates, want) {
				t.Fatalf("Check(%s) candidates %+v lack %+v", tc.number, r.Candidates, want)
			}
		})
	}
}

// TestCheckCandidatesOrdered: checksum before format, and the same order on every call.
func TestCheckCandidatesOrdered(t *testing.T) {
	t.Parallel()
	numbers := []string{s10Number("UG", "12345678", "CN"), "12345678901" + genFedEx12("12345678901"), "1234567891"}
	for _, tc := range checksumCases() {
		numbers = append(numbers, tc.number)
	}
	for _, tc := range formatCases() {
		numbers = append(numbers, tc.number)
	}
	for _, n := range numbers {
		r := Check(n)
		sawFormat := false
		for _, c := range r.Candidates {
			if c.Confidence == ConfidenceFormat {
				sawFormat = true
			} else if sawFormat {
				t.Errorf("Check(%s): checksum candidate after a format one: %+v", n, r.Candidates)
			}
		}
		if again := Check(n); !slices.Equal(again.Candidates, r.Candidates) {
			t.Errorf("Check(%s) not deterministic: %+v then %+v", n, r.Candidates, again.Candidates)
		}
	}
}

// TestCheckS10WinsOverYanwen: a Yanwen "UG" number on a China Post range is a China Post S10
// item first when its check digit verifies, Yanwen by format after.
func TestCheckS10WinsOverYanwen(t *testing.T) {
	t.Parallel()
	r := Check(s10Number("UG", "12345678", "CN"))
	want := []Candidate{
		{ChinaPost, "China Post", ConfidenceChecksum},
		{UPUS10, "China Post", ConfidenceChecksum},
		{Yanwen, "", ConfidenceFormat},
	}
	if !slices.Equal(r.Candidates, want) {
		t.Fatalf("candidates %+v, want %+v", r.Candidates, want)
	}
}

// TestCheckFormatOnlyKeepsRejectedChecksumNote: a 12-digit number that fails FedEx's check digit
// but fits J&T/GLS patterns is valid by format, with a note for the clerk.
func TestCheckFormatOnlyKeepsRejectedChecksumNote(t *testing.T) {
	t.Parallel()
	data := "82012345678"
	good := genFedEx12(data)
	bad := string('0' + (good[0]-'0'+1)%10)
	r := Check(data + bad)
	if !r.Valid || r.Confidence != ConfidenceFormat || r.Carrier != JTExpress {
		t.Fatalf("got %+v", r)
	}
	if want := "recognised by format only; as a FedEx number its check digit should be " + good + ", got " + bad; r.Message != want {
		t.Errorf("message %q, want %q", r.Message, want)
	}
}

func TestCheckRefusals(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		input   string
		reason  Reason
		carrier Carrier
		message string
	}{
		{"empty", "", ReasonEmpty, "", "the tracking number is empty"},
		{"only spaces and brackets", " 【 】\u3000", ReasonEmpty, "", "the tracking number is empty"},
		{"unknown format", "ABC123", ReasonUnknownFormat, "", "ABC123 is not a known tracking number format (6 characters)"},
		{"UPS one character short", "1Z" + "A1B2C3031234567", ReasonWrongLength, UPS, "UPS numbers have 18 characters (1Z + 16), this one has 17"},
		{"S10 one digit short", "RB" + "12345675" + "GB", ReasonWrongLength, RoyalMail, "S10 numbers have 13 characters (2 letters, 9 digits, 2 letters), this one has 8 digits"},
		{"S10 one digit long", "CP" + "1234567855" + "DE", ReasonWrongLength, UPUS10, "S10 numbers have 13 characters (2 letters, 9 digits, 2 letters), this one has 10 digits"},
		{"Amazon short", "TBA" + "30123456789", ReasonWrongLength, Amazon, "Amazon Logistics numbers have 15 characters (TBA + 12 digits), this one has 14"},
		{"S10 shape unknown country", "RB" + "123456785" + "XX", ReasonUnknownFormat, "", "RB123456785XX is not a known tracking number format (13 characters)"},
		{"long paste is cut in the message", strings.Repeat("AB12", 20), ReasonUnknownFormat, "",
			strings.Repeat("AB12", 10) + "... is not a known tracking number format (80 characters)"},
		{"illegal hash", "1Z#999", ReasonIllegalCharacter, "", "illegal character '#' at position 3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := Check(tc.input)
			if r.Valid || r.Reason != tc.reason || r.Carrier != tc.carrier || r.Message != tc.message || len(r.Candidates) != 0 {
				t.Fatalf("Check(%q) = %+v, want %s %q %q", tc.input, r, tc.reason, tc.carrier, tc.message)
			}
			if r.Input != tc.input {
				t.Errorf("input %q not kept", r.Input)
			}
		})
	}
}

func TestCheckAs(t *testing.T) {
	t.Parallel()
	ups := upsNumber("A1B2C3" + "03" + "1234567")
	fedexData := "82012345678"
	fedexGood := fedexData + genFedEx12(fedexData)
	fedexBad := fedexData + string('0'+(genFedEx12(fedexData)[0]-'0'+1)%10)
	cases := []struct {
		name   string
		input  string
		want   Carrier
		valid  bool
		reason Reason
		msg    string
	}{
		{"right carrier", ups, UPS, true, "", ""},
		{"FedEx verified", fedexGood, FedEx, true, "", ""},
		{"FedEx typo not hidden by J&T format", fedexBad, FedEx, false, ReasonCheckDigitMismatch,
			"FedEx check digit should be " + genFedEx12(fedexData) + ", got " + fedexBad[11:]},
		{"UPS number for FedEx", ups, FedEx, false, ReasonWrongCarrier, "this is not a FedEx number; it looks like UPS"},
		{"S10 as upu-s10", s10Number("RB", "12345678", "GB"), UPUS10, true, "", ""},
		{"unknown for carrier", "ABC123", DPD, false, ReasonUnknownFormat, "ABC123 is not a known DPD tracking number format (6 characters)"},
		{"unknown carrier code", ups, Carrier("pigeon"), false, ReasonUnknownCarrier, `unknown carrier code "pigeon"`},
		{"S10 digit short as upu-s10", "RB" + "12345675" + "GB", UPUS10, false, ReasonWrongLength,
			"S10 numbers have 13 characters (2 letters, 9 digits, 2 letters), this one has 8 digits"},
		{"UPS digit short as UPS", "1Z" + "A1B2C3031234567", UPS, false, ReasonWrongLength,
			"UPS numbers have 18 characters (1Z + 16), this one has 17"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := CheckAs(tc.input, tc.want)
			if r.Valid != tc.valid || r.Reason != tc.reason || (tc.msg != "" && r.Message != tc.msg) {
				t.Fatalf("CheckAs(%s, %s) = %+v", tc.input, tc.want, r)
			}
			if r.Valid && (r.Carrier != tc.want || r.Candidates[0].Carrier != tc.want) {
				t.Errorf("carrier %s, want %s", r.Carrier, tc.want)
			}
			for _, c := range r.Candidates {
				if c.Carrier != tc.want {
					t.Errorf("candidate of another carrier: %+v", c)
				}
			}
		})
	}
}

// TestEveryCarrierIsRecognisedOrFormatOnly: each carrier code has a test number recognised by
// checksum, or is listed as format-only and has a test number recognised by format.
func TestEveryCarrierIsRecognisedOrFormatOnly(t *testing.T) {
	t.Parallel()
	byChecksum := map[Carrier]bool{}
	byFormat := map[Carrier]bool{}
	for _, tc := range checksumCases() {
		for _, c := range Check(tc.number).Candidates {
			if c.Confidence == ConfidenceChecksum {
				byChecksum[c.Carrier] = true
			}
		}
	}
	for _, tc := range formatCases() {
		for _, c := range Check(tc.number).Candidates {
			byFormat[c.Carrier] = true
		}
	}
	formatOnly := FormatOnlyCarriers()
	for _, c := range AllCarriers() {
		listed := slices.Contains(formatOnly, c)
		if listed != c.FormatOnly() {
			t.Errorf("%s: FormatOnlyCarriers and FormatOnly disagree", c)
		}
		switch {
		case listed && byChecksum[c]:
			t.Errorf("%s is listed as format-only but a test number verifies by checksum", c)
		case listed && !byFormat[c]:
			t.Errorf("%s is format-only but no test number is recognised as %s", c, c)
		case !listed && !byChecksum[c]:
			t.Errorf("%s is neither format-only nor recognised by checksum in any test number", c)
		}
	}
	if len(AllCarriers()) != 24 {
		t.Errorf("%d carriers, want the issue's 23 and OnTrac", len(AllCarriers()))
	}
}

func TestGeneratorsWorkedByHand(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ got, want string }{
		{genS10("12345678"), "5"},
		{genGS1("12345678901234"), "3"},
		{genFedEx12("12345678901"), "2"},
		{genMod7("123456789"), "1"},
		{genUPS("C1234567890123"), "6"}, // OnTrac: C = 4, see genUPS
		{genUPS("123456789"), "5"},      // UPS waybill K123456789…
	} {
		if c.got != c.want {
			t.Errorf("generator gives %s, worked by hand %s", c.got, c.want)
		}
	}
}

// checkMatcherBounds runs every matcher on s, ignoring the length and first-character filters
// of the matchers table, and reports a matcher that matches outside them: the filters must only
// skip calls, never change a result.
func checkMatcherBounds(t *testing.T, s string) {
	t.Helper()
	for i, m := range matchers {
		if m.match(s).v == noMatch {
			continue
		}
		if len(s) < m.minLen || len(s) > m.maxLen || (m.first != "" && !strings.Contains(m.first, s[:1])) {
			t.Errorf("matchers[%d] matches %s (length %d) outside its bounds %d..%d %q", i, s, len(s), m.minLen, m.maxLen, m.first)
		}
	}
}

func TestMatcherBoundsOnlySkip(t *testing.T) {
	t.Parallel()
	var corpus []string
	for _, tc := range checksumCases() {
		corpus = append(corpus, tc.number, oneDigitChanged(tc), adjacentTransposed(tc))
		corpus = append(corpus, wrongLength(tc)...)
	}
	for _, tc := range formatCases() {
		corpus = append(corpus, tc.number, tc.number[1:], tc.number[:len(tc.number)-1], tc.number+"0", tc.number+"A")
	}
	for _, s := range corpus {
		checkMatcherBounds(t, s)
		if n := len(Check(s).Candidates); n >= maxCandidates {
			t.Errorf("Check(%s) has %d candidates, the most Check keeps is %d", s, n, maxCandidates)
		}
	}
}
