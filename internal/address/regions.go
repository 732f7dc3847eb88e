package address

import (
	"fmt"
	"strings"
)

// subdivision is one state, province or territory: an ISO 3166-2 subdivision.
type subdivision struct {
	code    string   // ISO 3166-2 code without the country prefix ("CA", "10", "CMX")
	name    string   // the name we print in messages and suggestions (common English name)
	aliases []string // official and local names, abbreviations, old codes a buyer may type
}

// regionRequired lists the markets whose labels need a state/province (R-ORD-6: "full
// address"; R-LBL-4: the destination country's format). Carriers there route on it.
var regionRequired = map[string]bool{
	"US": true, "CA": true, "AU": true, "MX": true,
	"ID": true, "MY": true, "TH": true, "PH": true, "VN": true,
}

// regionTable is the subdivisions of one country with a lookup index on folded names.
type regionTable struct {
	noun  string // "state", "province", … for messages
	subs  []subdivision
	byKey map[string]int // foldKey of code, name and every alias → index in subs
	shown []regionKey    // every key, for "did you mean"
}

type regionKey struct {
	key string
	sub int
}

// regionTables holds the complete subdivision lists of the markets that require a region.
var regionTables = map[string]*regionTable{
	"US": newRegionTable("state", subdivisionsUS),
	"CA": newRegionTable("province or territory", subdivisionsCA),
	"AU": newRegionTable("state or territory", subdivisionsAU),
	"MX": newRegionTable("state", subdivisionsMX),
	"ID": newRegionTable("province", subdivisionsID),
	"MY": newRegionTable("state or federal territory", subdivisionsMY),
	"TH": newRegionTable("province", subdivisionsTH),
	"PH": newRegionTable("province or region", subdivisionsPH),
	"VN": newRegionTable("province or city", subdivisionsVN),
}

// newRegionTable indexes subs. Codes are indexed first so that a code always finds itself
// (which keeps Normalize idempotent); a name or alias that would collide with an earlier key
// is a data error and panics at start-up (tests catch it).
func newRegionTable(noun string, subs []subdivision) *regionTable {
	t := &regionTable{noun: noun, subs: subs, byKey: make(map[string]int, len(subs)*4)}
	var buf []byte
	add := func(text string, i int) {
		buf = foldKey(buf, text)
		k := string(buf)
		if k == "" {
			panic(fmt.Sprintf("address: empty region key for %q", text))
		}
		if j, dup := t.byKey[k]; dup {
			if j != i {
				panic(fmt.Sprintf("address: region key %q (%q) names both %s and %s", k, text, subs[j].code, subs[i].code))
			}
			return
		}
		t.byKey[k] = i
		t.shown = append(t.shown, regionKey{key: k, sub: i})
	}
	for i, s := range subs {
		add(s.code, i)
	}
	for i, s := range subs {
		add(s.name, i)
		for _, a := range s.aliases {
			add(a, i)
		}
	}
	return t
}

// regionAffixes are words buyers put around a region name ("Provinsi Jawa Barat", "Tỉnh Lào Cai",
// "Cebu Province"); they are tried off when the whole text is not found. Folded form.
var (
	regionPrefixes = []string{"provinceof", "stateof", "provinsi", "prov", "tinh", "thanhpho", "tp", "changwat", "negeri"}
	regionSuffixes = []string{"province", "provinsi", "state", "prefecture"}
)

// lookupRegion finds region s of country: the ISO 3166-2 code (with or without the country
// prefix, "TH-10" or "10"), the name or an alias, compared case- and accent-insensitively.
func lookupRegion(country, s string) (subdivision, bool) {
	t := regionTables[country]
	if t == nil || s == "" {
		return subdivision{}, false
	}
	if len(s) > 3 && s[2] == '-' && strings.EqualFold(s[:2], country) {
		s = s[3:]
	}
	var buf [96]byte
	k := foldKey(buf[:0], s)
	if i, ok := t.byKey[string(k)]; ok {
		return t.subs[i], true
	}
	for _, p := range regionPrefixes {
		if len(k) > len(p) && string(k[:len(p)]) == p {
			if i, ok := t.byKey[string(k[len(p):])]; ok {
				return t.subs[i], true
			}
		}
	}
	for _, p := range regionSuffixes {
		if len(k) > len(p) && string(k[len(k)-len(p):]) == p {
			if i, ok := t.byKey[string(k[:len(k)-len(p)])]; ok {
				return t.subs[i], true
			}
		}
	}
	return subdivision{}, false
}

// normalizeRegion returns the ISO 3166-2 code of a recognised region, else s unchanged.
func normalizeRegion(country, s string) string {
	if sub, ok := lookupRegion(country, s); ok {
		return sub.code
	}
	return s
}

// RegionCode returns the canonical region code (see the package comment) for region s of
// country, and whether it is recognised. Only the markets that require a region have tables.
func RegionCode(country, s string) (string, bool) {
	sub, ok := lookupRegion(country, s)
	return sub.code, ok
}

// closestRegion suggests the subdivision with the code, name or alias nearest to s (edit
// distance on folded keys). Only called when s is not recognised, so it may be slow.
func closestRegion(country, s string) (subdivision, bool) {
	t := regionTables[country]
	if t == nil {
		return subdivision{}, false
	}
	k := string(foldKey(nil, s))
	if k == "" {
		return subdivision{}, false
	}
	// A guess further than a third of the word is noise, not a suggestion.
	limit := max(2, len(k)/3)
	// Ties go to the key sharing the longest prefix: buyers mistype endings more than starts.
	best, bestD, bestP := -1, limit+1, 0
	for i, rk := range t.shown {
		if diff := len(k) - len(rk.key); diff > bestD || -diff > bestD {
			continue // the distance is at least the difference in length
		}
		d := editDistance(k, rk.key)
		if p := commonPrefix(k, rk.key); d < bestD || d == bestD && p > bestP {
			best, bestD, bestP = i, d, p
		}
	}
	if best < 0 {
		return subdivision{}, false
	}
	return t.subs[t.shown[best].sub], true
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// editDistance is the Levenshtein distance between two ASCII keys.
func editDistance(a, b string) int {
	var rows [2][48]int
	prev, cur := rows[0][:], rows[1][:]
	if len(b)+1 > len(prev) {
		prev, cur = make([]int, len(b)+1), make([]int, len(b)+1)
	}
	for j := 0; j <= len(b); j++ {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// regionExamples is what the suggestion for an unrecognised region shows.
func regionExamples(country string) string {
	t := regionTables[country]
	if t == nil || len(t.subs) < 2 {
		return ""
	}
	a, b := t.subs[0], t.subs[1]
	return fmt.Sprintf("use the ISO 3166-2 code or the name of the %s, e.g. %s or %s", t.noun, a.code, b.name)
}
