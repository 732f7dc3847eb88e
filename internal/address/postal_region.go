package address

import (
	"fmt"
	"strings"
)

// The postal_code_region_mismatch check: in the markets whose postal codes encode the state or
// province, a valid postal code must belong to the region given. A buyer who picks the wrong
// province from a drop-down, or a seller who pastes the postal code of the previous order, makes
// the carrier route the parcel on one and the label say the other.
//
// Each market's table lives beside its region list (regions_*.go) and lists, for a prefix, every
// region that uses it: where a prefix straddles a border, or where we are not sure of the
// border, both sides are listed, because a false mismatch holds an order that would have been
// delivered. A prefix that is not listed is not checked.

// regionsForPostal returns the codes (space-separated) of the regions that national postal code
// pc of country belongs to, or "" when that is not known and the check is skipped.
func regionsForPostal(country, pc string) string {
	switch country {
	case "US":
		return regionForPostalUS(pc)
	case "CA":
		return regionForPostalCA(pc)
	case "AU":
		return regionForPostalAU(pc)
	case "MX":
		return regionForPostalMX(pc)
	case "TH":
		return byTwoDigits(&thProvincesByPrefix, pc, 5)
	case "VN":
		return byTwoDigits(&vnProvincesByPrefix, pc, 5) // the old 6-digit codes are not checked
	case "MY":
		if r, ok := postalException(myPostcodeExceptions, pc); ok {
			return r
		}
		return byTwoDigits(&myStatesByPrefix, pc, 5)
	case "ID":
		return byTwoDigits(&idProvincesByPrefix, pc, 5)
	case "PH":
		if r, ok := postalException(phZIPExceptions, pc); ok {
			return r
		}
		return byTwoDigits(&phProvincesByPrefix, pc, 4)
	}
	return ""
}

// regionParents lists, per market, the larger regions that contain a region of the postal
// table, so that a buyer who gives the larger one is right too: a Philippine province lies in
// a region (Cebu in Central Visayas), and a Vietnamese province merged in 2025 lies in the unit
// that kept its neighbour's name (Bình Dương in Ho Chi Minh City).
var regionParents = map[string]regionParent{
	"PH": {of: phRegionOfProvince, note: "in %s"},
	"VN": {of: vnMergedInto2025, note: "since July 2025 part of %s"},
}

type regionParent struct {
	of   map[string]string // region code → codes (space-separated) of the regions containing it
	note string            // how the suggestion names them, one %s
}

// postalRegionMismatch reports a problem when valid national postal code postal of country
// does not belong to region sub.
func postalRegionMismatch(country, postal string, sub subdivision) (Problem, bool) {
	want := regionsForPostal(country, postal)
	if want == "" || containsWord(want, sub.code) || parentContains(country, want, sub.code) {
		return Problem{}, false
	}
	return postalRegionProblem(country, postal, want, sub), true
}

// parentContains reports whether region code given contains one of the regions in want.
func parentContains(country, want, given string) bool {
	p, ok := regionParents[country]
	if !ok {
		return false
	}
	for w, rest := nextWord(want); w != ""; w, rest = nextWord(rest) {
		if containsWord(p.of[w], given) {
			return true
		}
	}
	return false
}

// postalRegionProblem names both regions and the fix. Only called on a mismatch, so it may
// allocate.
func postalRegionProblem(country, postal, want string, sub subdivision) Problem {
	in := regionNames(country, want)
	belongs := in
	if p, ok := regionParents[country]; ok {
		parts := make([]string, 0, 2)
		for w, rest := nextWord(want); w != ""; w, rest = nextWord(rest) {
			part := regionNames(country, w)
			if up := p.of[w]; up != "" {
				part += ", " + fmt.Sprintf(p.note, regionNames(country, up))
			}
			parts = append(parts, part)
		}
		belongs = strings.Join(parts, "; or ")
	}
	return Problem{
		Code:       CodePostalRegionMismatch,
		Field:      "postal_code",
		Message:    fmt.Sprintf("postal code %s is in %s, but the region is %s (%s)", postal, in, sub.name, sub.code),
		Suggestion: fmt.Sprintf("correct the postal code or the region: %s belongs to %s", postal, belongs),
	}
}

// regionNames writes the regions of a code list as "Bangkok (10) or Samut Prakan (11)".
func regionNames(country, codes string) string {
	names := make([]string, 0, 2)
	for w, rest := nextWord(codes); w != ""; w, rest = nextWord(rest) {
		if s, ok := lookupRegion(country, w); ok {
			names = append(names, fmt.Sprintf("%s (%s)", s.name, s.code))
		} else {
			names = append(names, w)
		}
	}
	return strings.Join(names, " or ")
}

// nextWord splits the first word off a space-separated list.
func nextWord(list string) (w, rest string) {
	if i := strings.IndexByte(list, ' '); i >= 0 {
		return list[:i], list[i+1:]
	}
	return list, ""
}

// containsWord reports whether the space-separated list has w.
func containsWord(list, w string) bool {
	for v, rest := nextWord(list); v != ""; v, rest = nextWord(rest) {
		if v == w {
			return true
		}
	}
	return false
}

// prefixRange gives the regions of the postal codes whose first two digits are lo to hi.
type prefixRange struct {
	lo, hi  int
	regions string
}

// twoDigitTable turns ranges into an array indexed by the first two digits of a postal code.
func twoDigitTable(ranges []prefixRange) (a [100]string) {
	for _, r := range ranges {
		for p := r.lo; p <= r.hi; p++ {
			a[p] = r.regions
		}
	}
	return a
}

// byTwoDigits looks up a postal code of n digits in a two-digit table.
func byTwoDigits(t *[100]string, pc string, n int) string {
	if len(pc) != n || !allDigits(pc) {
		return ""
	}
	return t[int(pc[0]-'0')*10+int(pc[1]-'0')]
}

// postalPrefix gives the regions of the postal codes starting with prefix, where a market's
// general rule (its first letter or digits) does not hold: border towns served from the next
// state, codes shared across a boundary.
type postalPrefix struct {
	prefix  string
	regions string
}

// postalException returns the regions of the first entry of list that pc starts with.
func postalException(list []postalPrefix, pc string) (string, bool) {
	for _, e := range list {
		if strings.HasPrefix(pc, e.prefix) {
			return e.regions, true
		}
	}
	return "", false
}
