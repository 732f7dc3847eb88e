package address

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// randomPhone writes a number as a careless buyer might for region: perhaps a "+", "00" or
// the region's international prefix, perhaps its calling code, perhaps its national prefix,
// then part of an example number and random digits, grouped at random. Unlike example
// numbers, these reach the length rules (too long, local only) and the calling code written
// without "+", where the parser's branches differ.
func randomPhone(rng *rand.Rand, region string) string {
	md := phoneRegions[region].md
	seps := []string{"", " ", "-", ".", "(", ")", "/", "  "}
	var b strings.Builder
	switch rng.IntN(6) {
	case 0:
		b.WriteString("+")
	case 1:
		b.WriteString("00")
	case 2:
		b.WriteString(md.GetPreferredInternationalPrefix())
	}
	if rng.IntN(2) == 0 {
		b.WriteString(strconv.Itoa(int(md.GetCountryCode())))
	}
	if rng.IntN(2) == 0 {
		b.WriteString(md.GetNationalPrefix())
	}
	if rng.IntN(3) == 0 {
		b.WriteString(seps[rng.IntN(len(seps))])
	}
	if num := phonenumbers.GetExampleNumberForType(region, phoneTypes[rng.IntN(len(phoneTypes))]); num != nil && rng.IntN(2) == 0 {
		nsn := phonenumbers.GetNationalSignificantNumber(num)
		b.WriteString(nsn[:rng.IntN(len(nsn)+1)])
	}
	for k := rng.IntN(14); k >= 0; k-- {
		b.WriteByte(byte('0' + rng.IntN(10)))
		if rng.IntN(4) == 0 {
			b.WriteString(seps[rng.IntN(len(seps))])
		}
	}
	return b.String()
}

// TestParseNationalRandomMatchesLibrary compares the fast path with the library on random
// numbers of the served markets and of every other region, parsed mostly in their own region.
// The seed is fixed, so a failure reproduces.
func TestParseNationalRandomMatchesLibrary(t *testing.T) {
	t.Parallel()
	n := 20000
	if raceEnabled {
		n /= 8
	}
	rng := rand.New(rand.NewPCG(1, 2))
	regions := sortedPhoneRegions()
	decided := 0
	for i := 0; i < n; i++ {
		region := regions[rng.IntN(len(regions))]
		if i%2 == 0 {
			region = servedMarkets[rng.IntN(len(servedMarkets))]
		}
		s := randomPhone(rng, region)
		if rng.IntN(4) == 0 {
			region = regions[rng.IntN(len(regions))]
		}
		if checkPhoneAgrees(t, s, region) {
			decided++
		}
	}
	t.Logf("%d random numbers, %d decided by the fast path", n, decided)
}
