package sim

import (
	"testing"

	"lastmile/internal/trackno"
)

// R-SHIP-4: every number the sim issues passes lastmile's own check, recognised as the
// carrier's, with the check digit verified where the carrier has one.
func TestNumbersPassTrackno(t *testing.T) {
	t.Parallel()
	serials := []uint64{0, 1, 7, 42, 99999, 1234567, 987654321, 1<<40 + 3, 18446744073709551615}
	for i := range 2000 {
		serials = append(serials, uint64(i)*7919+13)
	}
	for _, d := range defs {
		seen := map[string]bool{}
		for _, s := range serials {
			for svc := range 2 {
				n := d.format(s, svc)
				r := trackno.Check(n)
				if !r.Valid || r.Carrier != d.numbers || r.Normalized != n || r.Message != "" {
					t.Fatalf("%s: %s: valid %v, carrier %s (want %s), %s %s", d.code, n, r.Valid, r.Carrier, d.numbers, r.Reason, r.Message)
				}
				if want := trackno.ConfidenceFormat; !d.numbers.FormatOnly() {
					want = trackno.ConfidenceChecksum
					if r.Confidence != want {
						t.Fatalf("%s: %s: confidence %s", d.code, n, r.Confidence)
					}
				}
				if r := trackno.CheckAs(n, d.numbers); !r.Valid {
					t.Fatalf("%s: CheckAs(%s): %s", d.code, n, r.Message)
				}
				seen[n] = true
			}
		}
		if d.code != "royal-mail" && len(seen) != len(serials) || d.code == "royal-mail" && len(seen) != 2*len(serials) {
			t.Errorf("%s: %d distinct numbers from %d serials", d.code, len(seen), len(serials))
		}
	}
}

// The check digits agree with published examples.
func TestCheckDigits(t *testing.T) {
	t.Parallel()
	// UPS's own example number 1Z999AA10123456784.
	if c := upsCheck("999AA1012345678"); c != '4' {
		t.Errorf("UPS check = %c", c)
	}
	// The UPU S10 standard's example RB123456785GB (hand-computed in trackno's tests too).
	if c := s10Check("12345678"); c != '5' {
		t.Errorf("S10 check = %c", c)
	}
	// GS1's example GTIN 4006381333931.
	if c := gs1Check("400638133393"); c != '1' {
		t.Errorf("GS1 check = %c", c)
	}
}

func TestCatalogueMatchesCards(t *testing.T) {
	t.Parallel()
	for _, code := range Codes() {
		svcs, err := Services(code)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range svcs {
			if s.Numbers == "" || len(s.Markets) == 0 || s.TransitDaysMax == 0 {
				t.Errorf("%s/%s: %+v", code, s.Code, s)
			}
		}
	}
	if _, err := Services("pony-express"); err == nil {
		t.Error("an unknown carrier has services")
	}
}
