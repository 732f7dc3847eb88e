package trackno

import (
	"encoding/json"
	"slices"
	"testing"
)

// TestResultJSONContract pins the JSON field names and the omission of empty fields: the CLI and
// the API publish this shape.
func TestResultJSONContract(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		input string
		want  string
	}{
		{"valid S10", "rb 1234 5678 5 gb",
			`{"input":"rb 1234 5678 5 gb","normalized":"RB123456785GB","valid":true,"carrier":"royal-mail","operator":"Royal Mail","confidence":"checksum",` +
				`"candidates":[{"carrier":"royal-mail","operator":"Royal Mail","confidence":"checksum"},{"carrier":"upu-s10","operator":"Royal Mail","confidence":"checksum"}]}`},
		{"illegal character", "1Z#", `{"input":"1Z#","normalized":"","valid":false,"reason":"illegal_character","message":"illegal character '#' at position 3"}`},
		{"mismatch", "RB123456783GB",
			`{"input":"RB123456783GB","normalized":"RB123456783GB","valid":false,"carrier":"royal-mail","operator":"Royal Mail","reason":"check_digit_mismatch","message":"Royal Mail check digit should be 5, got 3"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, err := json.Marshal(Check(tc.input))
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.want {
				t.Errorf("got  %s\nwant %s", b, tc.want)
			}
		})
	}
}

func TestCarrierListsAreCopies(t *testing.T) {
	t.Parallel()
	all := AllCarriers()
	all[0] = "changed"
	if AllCarriers()[0] != UPS {
		t.Error("AllCarriers shares its slice")
	}
	if !slices.Contains(FormatOnlyCarriers(), Amazon) || slices.Contains(FormatOnlyCarriers(), UPS) {
		t.Errorf("FormatOnlyCarriers = %v", FormatOnlyCarriers())
	}
	if UPUS10.Name() != "UPU S10" || Carrier("x").Name() != "x" || Carrier("x").Known() || Carrier("x").FormatOnly() {
		t.Error("Name/Known/FormatOnly of unknown or S10 codes")
	}
}

// TestCheckCleanInputAllocatesOnce: a clean number costs one allocation, the candidate slice.
func TestCheckCleanInputAllocatesOnce(t *testing.T) {
	for _, n := range benchNumbers()[:8] {
		if a := testing.AllocsPerRun(100, func() { _ = Check(n) }); a > 1 {
			t.Errorf("Check(%s) allocates %v times", n, a)
		}
	}
}
