package trackno

import "testing"

// benchNumbers is a mix of the common formats as they arrive clean from a carrier API: UPS,
// USPS, FedEx, DHL Express, S10 and J&T.
func benchNumbers() []string {
	return []string{
		upsNumber("A1B2C3" + "03" + "1234567"),
		gs1Number("940011189922" + "123456789"),
		"420" + "10001" + gs1Number("940011189922"+"123456789"),
		"12345678901" + genFedEx12("12345678901"),
		gs1Number("12345678901234"),
		"123456789" + genMod7("123456789"),
		s10Number("RB", "12345678", "GB"),
		s10Number("EA", "27182818", "CN"),
		"JP" + "1234567890",
		"8" + "20123456789",
	}
}

func BenchmarkCheck(b *testing.B) {
	nums := benchNumbers()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r := Check(nums[i%len(nums)])
		if !r.Valid {
			b.Fatalf("%s invalid: %s", r.Input, r.Message)
		}
		i++
	}
}

// BenchmarkCheckMessy is the same mix pasted the R-SHIP-4 way: full-width, spaced, bracketed.
func BenchmarkCheckMessy(b *testing.B) {
	nums := benchNumbers()
	for i, n := range nums {
		messy := "【 "
		for j, r := range n {
			if j > 0 && j%4 == 0 {
				messy += "\u3000"
			}
			if r >= '0' && r <= '9' {
				r += 0xFEE0 // full-width digit
			}
			messy += string(r)
		}
		nums[i] = messy + " 】"
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r := Check(nums[i%len(nums)])
		if !r.Valid {
			b.Fatalf("%q invalid: %s", r.Input, r.Message)
		}
		i++
	}
}

func BenchmarkNormalizeClean(b *testing.B) {
	n := upsNumber("A1B2C3" + "03" + "1234567")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Normalize(n); err != nil {
			b.Fatal(err)
		}
	}
}
