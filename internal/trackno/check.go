package trackno

import (
	"fmt"
	"strings"
)

// matchers is every recognised format, most specific first, each with the shortest and longest
// normalised number it can match and the characters such a number can start with ("" for any).
// Check skips a matcher without calling it when the number is out of range, which keeps it
// well above a million numbers a second. Check keeps this order within each confidence, so the
// order here is the tie-break of the result: a long literal prefix or a fixed layout ranks
// before a bare run of digits. The two S10 matchers come in this order so that Royal Mail, China
// Post and USPS items name their carrier first and upu-s10 second.
var matchers = [...]struct {
	minLen, maxLen int
	first          string
	match          matcher
}{
	// With a check digit.
	{18, 18, "1", matchUPS},
	{13, 13, letters, matchS10National},
	{13, 13, letters, matchS10},
	{22, 34, "94", matchFedExSmartPostPIC},
	{30, 34, "4", matchUSPSRouted},
	{34, 34, "19", matchFedEx34},
	{22, 22, "9", matchFedExGround96},
	{22, 26, "9", matchUSPSIMpb},
	{28, 28, "", matchDPDBarcode},
	{20, 20, "0", matchFedExSSCC},
	{18, 18, "0", matchFedExSSCC18},
	{15, 15, "CD", matchOnTrac},
	{11, 11, "AHJKTV", matchUPSWaybill},
	{20, 20, digits, matchUSPS20},
	{20, 20, digits, matchUSPS20AI91},
	{20, 20, digits, matchFedExSmartPost},
	{12, 12, digits, matchFedExExpress},
	{15, 15, digits, matchFedExGround},
	{10, 11, digits, matchDHLExpress},
	// Format only.
	{15, 15, "T", matchAmazon},
	{11, 11, "AFC", matchAmazonInternational},
	{18, 18, "Y", matchYunExpress},
	{13, 23, "4", match4PX},
	{14, 22, "S", matchSPX},
	{12, 24, "N", matchNinjaVan},
	{14, 15, "S", matchSFExpress},
	{11, 23, "CL", matchCainiao},
	{10, 20, letters, matchYanwen},
	{18, 19, "J", matchYodel},
	{12, 24, "GLRUSIHM", matchDHLECommerce},
	{12, 14, "J", matchDHLExpressPiece},
	{11, 17, "K", matchKerry},
	{13, 18, "T", matchFlashExpress},
	{12, 15, "J678", matchJTExpress},
	{14, 14, "D", matchFedExDoorTag},
	{9, 14, letters, matchParcelforce},
	{16, 16, "", matchEvri},
	{13, 13, "19", matchChinaPostDomestic},
	{14, 15, digits, matchDPD},
	{11, 12, digits, matchGLS},
}

const (
	digits  = "0123456789"
	letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
)

// maxCandidates bounds the candidates one number can have (the most any number reaches is well
// below it), so Check collects them in a fixed array without allocating.
const maxCandidates = 8

// Check normalises input (see Normalize), recognises the carrier and verifies the check digit.
// It never fails: every problem is a Result with Valid false and a Reason. It is pure and safe
// for concurrent use.
//
// R-SHIP-4: call it before uploading a tracking number to a platform, and refuse the upload of
// anything not Valid, showing Message to the person who typed or pasted the number.
func Check(input string) Result {
	return check(input, "")
}

// CheckAs is Check for a number that must belong to carrier want, typically the carrier the
// label was bought from. Only want's formats are considered, so a mistyped check digit is
// reported even where another carrier's format-only pattern would accept the number; a number
// that belongs to other carriers only is refused with ReasonWrongCarrier, naming them.
func CheckAs(input string, want Carrier) Result {
	if !want.Known() {
		return Result{Input: input, Carrier: want, Reason: ReasonUnknownCarrier,
			Message: fmt.Sprintf("unknown carrier code %q", string(want))}
	}
	return check(input, want)
}

// check is Check (want == "") and CheckAs.
func check(input string, want Carrier) Result {
	r := Result{Input: input}
	norm, err := normalize(input)
	if err != nil {
		r.Reason, r.Message = err.Reason, err.Message
		return r
	}
	r.Normalized = norm

	var verified, formatted [maxCandidates]Candidate
	nv, nf := 0, 0
	var miss hit  // the first check-digit mismatch, in matcher order
	var other hit // CheckAs: the best hit for another carrier
	for i := range matchers {
		m := &matchers[i]
		if len(norm) < m.minLen || len(norm) > m.maxLen || (m.first != "" && strings.IndexByte(m.first, norm[0]) < 0) {
			continue
		}
		h := m.match(norm)
		if h.v == noMatch {
			continue
		}
		if want != "" && h.carrier != want {
			if h.v != checksumBad && (other.v == noMatch || (other.v == formatMatch && h.v == checksumOK)) {
				other = h
			}
			continue
		}
		c := Candidate{Carrier: h.carrier, Operator: h.operator}
		switch h.v {
		case checksumOK:
			c.Confidence = ConfidenceChecksum
			nv = addCandidate(&verified, nv, c, verified[:nv], formatted[:nf])
		case formatMatch:
			c.Confidence = ConfidenceFormat
			nf = addCandidate(&formatted, nf, c, verified[:nv], formatted[:nf])
		case checksumBad:
			if miss.v == noMatch {
				miss = h
			}
		}
	}

	if n := nv + nf; n > 0 {
		r.Valid = true
		r.Candidates = make([]Candidate, 0, n)
		r.Candidates = append(r.Candidates, verified[:nv]...)
		r.Candidates = append(r.Candidates, formatted[:nf]...)
		best := r.Candidates[0]
		r.Carrier, r.Operator, r.Confidence = best.Carrier, best.Operator, best.Confidence
		if nv == 0 && miss.v == checksumBad {
			// A clerk should look twice: the number fits a carrier with a check digit, which
			// rejects it, and only patterns without one accept it.
			r.Message = "recognised by format only; as a " + displayName(miss) + " number its " + mismatchText(miss)
		}
		return r
	}
	switch {
	case miss.v == checksumBad:
		r.Carrier, r.Operator = miss.carrier, miss.operator
		r.Reason = ReasonCheckDigitMismatch
		r.Message = displayName(miss) + " " + mismatchText(miss)
	case want != "" && other.v != noMatch:
		r.Carrier = want
		r.Reason = ReasonWrongCarrier
		r.Message = fmt.Sprintf("this is not a %s number; it looks like %s", want.Name(), displayName(other))
	default:
		r.Reason, r.Message = ReasonUnknownFormat, unknownText(norm, want)
		// Only S10 hints name an operator; an S10 item is a upu-s10 item whatever its country.
		if c, op, msg, ok := lengthHint(norm); ok && (want == "" || want == c || (want == UPUS10 && op != "")) {
			r.Carrier, r.Operator, r.Reason, r.Message = c, op, ReasonWrongLength, msg
		}
	}
	return r
}

// addCandidate appends c to list unless the same carrier and operator is already a candidate
// (several formats of one carrier may match one number), and returns the new length.
func addCandidate(list *[maxCandidates]Candidate, n int, c Candidate, seen ...[]Candidate) int {
	for _, s := range seen {
		for _, x := range s {
			if x.Carrier == c.Carrier && x.Operator == c.Operator {
				return n
			}
		}
	}
	if n == len(list) {
		return n
	}
	list[n] = c
	return n + 1
}

// displayName names the carrier of a hit for a clerk: "UPS", or "S10 (Australia Post)".
func displayName(h hit) string {
	if h.carrier == UPUS10 {
		return "S10 (" + h.operator + ")"
	}
	if h.carrier == ChinaPost && h.operator != "" {
		return h.operator
	}
	return h.carrier.Name()
}

// mismatchText is "check digit should be 4, got 7". It is built by concatenation, one
// allocation, because format-only results that carry it are common (see Check).
func mismatchText(h hit) string {
	word := "digit"
	if h.carrier == DPD {
		word = "character"
	}
	return "check " + word + " should be " + char(h.want) + ", got " + char(h.got)
}

// char is the one-character string of an ASCII letter or digit, without allocating.
func char(b byte) string {
	switch {
	case b >= '0' && b <= '9':
		return alnum36[b-'0' : b-'0'+1]
	case b >= 'A' && b <= 'Z':
		return alnum36[b-'A'+10 : b-'A'+11]
	}
	return "?"
}

func unknownText(norm string, want Carrier) string {
	shown := norm
	if len(shown) > 40 {
		shown = shown[:40] + "..." // a pasted paragraph must not make a paragraph-long message
	}
	if want != "" {
		return fmt.Sprintf("%s is not a known %s tracking number format (%d characters)", shown, want.Name(), len(norm))
	}
	return fmt.Sprintf("%s is not a known tracking number format (%d characters)", shown, len(norm))
}

// lengthHint recognises a number with an unmistakable carrier prefix but the wrong length: the
// usual result of a digit lost or doubled while retyping.
func lengthHint(s string) (c Carrier, operator, msg string, ok bool) {
	switch {
	case len(s) >= 2 && s[0] == '1' && s[1] == 'Z':
		return UPS, "", fmt.Sprintf("UPS numbers have %d characters (1Z + 16), this one has %d", upsLen, len(s)), true
	case len(s) > 3 && s[:3] == "TBA" && allDigits(s[3:]):
		return Amazon, "", fmt.Sprintf("Amazon Logistics numbers have 15 characters (TBA + 12 digits), this one has %d", len(s)), true
	}
	if c, op, ok := s10LengthHint(s); ok {
		return c, op, fmt.Sprintf("S10 numbers have 13 characters (2 letters, 9 digits, 2 letters), this one has %d digits", len(s)-4), true
	}
	return "", "", "", false
}
