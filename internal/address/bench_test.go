package address

import (
	"testing"

	"lastmile/internal/model"
)

// benchInputs is a mix of markets as sellers paste them, plus some with problems.
func benchInputs() []model.Address {
	var in []model.Address
	for _, m := range markets {
		in = append(in, samples[m])
	}
	messy := samples["US"]
	messy.Line1 = "１４５０　Market St，Apt １２Ｂ\u200b"
	messy.PostalCode = "９４１０３－１２３４"
	in = append(in, messy)
	bad := samples["TH"]
	bad.Line1 = "99/9 ถนนสุขุมวิท"
	bad.Region = "Bangkokk"
	in = append(in, bad)
	return in
}

// BenchmarkCheck measures Check (normalise + validate + remote) on a mix of markets.
func BenchmarkCheck(b *testing.B) {
	in := benchInputs()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = Check(in[i%len(in)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "addresses/s")
}

// BenchmarkCheckNormalized measures Check on addresses that are already normalised, the
// common case when an order is re-checked before its label is bought.
func BenchmarkCheckNormalized(b *testing.B) {
	in := benchInputs()
	for i := range in {
		in[i] = Normalize(in[i])
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = Check(in[i%len(in)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "addresses/s")
}

// BenchmarkCheckWithoutPhone shows what the phone parser costs: the same mix, no phones.
func BenchmarkCheckWithoutPhone(b *testing.B) {
	in := benchInputs()
	for i := range in {
		in[i].Phone = ""
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = Check(in[i%len(in)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "addresses/s")
}

// BenchmarkPostalRegion measures the postal-code-against-region check alone on the samples
// of the markets that have it (US, CA, AU, MX, ID, TH, VN, MY, PH), where the two agree: the
// common case, which must not allocate.
func BenchmarkPostalRegion(b *testing.B) {
	type input struct {
		country, postal string
		sub             subdivision
	}
	var in []input
	for _, m := range markets {
		n := Normalize(samples[m])
		if sub, ok := lookupRegion(n.Country, n.Region); ok && regionsForPostal(n.Country, n.PostalCode) != "" {
			in = append(in, input{n.Country, n.PostalCode, sub})
		}
	}
	if len(in) != 9 {
		b.Fatalf("%d markets with the check, want 9", len(in))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := in[i%len(in)]
		if _, bad := postalRegionMismatch(c.country, c.postal, c.sub); bad {
			b.Fatalf("sample %s mismatches", c.country)
		}
	}
}
