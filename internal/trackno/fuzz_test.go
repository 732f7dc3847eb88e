package trackno

import (
	"testing"
	"unicode/utf8"
)

// fuzzSeeds are messy and clean numbers of every kind; the corpus in testdata/fuzz adds the
// inputs the fuzzer found worth keeping.
func fuzzSeeds() []string {
	seeds := []string{
		"", " ", "【】", "#", "1Z", "1z-a1b2c3 03 1234567 3", "【1ＺＡ１Ｂ２Ｃ３０３１２３４５６７３】",
		"“RB123456785GB”", "ＲＢ１２３４５６７８５ＧＢ", "\ufeff420100011234940011189922123456789", "1ZA1(B2)C3",
		"运单号：SF1234567890123", "JP 1234 5678 90", "TH0123456789A", "NVSGSHOP12345678", "\xff\xfe",
		"1Z\u200bA1B2C3\u3000031234567", "TBA30123456789", "00001234500000000021", "9611020987654312345672",
	}
	for _, tc := range checksumCases() {
		seeds = append(seeds, tc.number)
	}
	for _, tc := range formatCases() {
		seeds = append(seeds, tc.number)
	}
	return seeds
}

// FuzzNormalize: never panics; the result is upper-case ASCII letters and digits; normalising
// it again changes nothing (idempotence); errors carry a reason and, for an illegal character,
// its position inside the input.
func FuzzNormalize(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := Normalize(in)
		if err != nil {
			e, ok := err.(*Error)
			if !ok || e.Reason == "" || e.Message == "" || out != "" {
				t.Fatalf("Normalize(%q) = %q, %#v", in, out, err)
			}
			if e.Reason == ReasonIllegalCharacter && (e.Pos < 1 || e.Pos > utf8.RuneCountInString(in)) {
				t.Fatalf("Normalize(%q): position %d outside the input", in, e.Pos)
			}
			return
		}
		if !isClean(out) {
			t.Fatalf("Normalize(%q) = %q: not [A-Z0-9]+", in, out)
		}
		again, err := Normalize(out)
		if err != nil || again != out {
			t.Fatalf("not idempotent: Normalize(%q) = %q, Normalize(%q) = %q, %v", in, out, out, again, err)
		}
	})
}

// FuzzCheck: never panics; a valid result names a carrier and repeats its first candidate; a
// valid number stays valid with the same carrier when its normalised form is checked again; an
// invalid one has a reason.
func FuzzCheck(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		r := Check(in)
		if r.Normalized != "" {
			checkMatcherBounds(t, r.Normalized)
		}
		if len(r.Candidates) >= maxCandidates {
			t.Fatalf("Check(%q) has %d candidates, the most Check keeps is %d", in, len(r.Candidates), maxCandidates)
		}
		if r.Input != in {
			t.Fatalf("input not kept: %q", r.Input)
		}
		if !r.Valid {
			if r.Reason == "" || r.Message == "" || len(r.Candidates) != 0 {
				t.Fatalf("Check(%q) invalid without a reason: %+v", in, r)
			}
			return
		}
		if r.Carrier == "" || !r.Carrier.Known() || r.Confidence == "" || len(r.Candidates) == 0 || r.Reason != "" {
			t.Fatalf("Check(%q) valid but incomplete: %+v", in, r)
		}
		if best := r.Candidates[0]; best.Carrier != r.Carrier || best.Operator != r.Operator || best.Confidence != r.Confidence {
			t.Fatalf("Check(%q): result %+v does not repeat its first candidate", in, r)
		}
		again := Check(r.Normalized)
		if !again.Valid || again.Carrier != r.Carrier || again.Normalized != r.Normalized || again.Confidence != r.Confidence {
			t.Fatalf("Check(%q) = %+v but Check(%q) = %+v", in, r, r.Normalized, again)
		}
	})
}
