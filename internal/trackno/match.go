package trackno

// verdict is what one matcher found.
type verdict uint8

const (
	noMatch     verdict = iota
	formatMatch         // the format fits; the carrier has no check digit for it
	checksumOK          // the format fits and the check digit verifies
	checksumBad         // the format fits but the check digit does not
)

// hit is one matcher's answer. On checksumBad, want and got are the expected and the found
// check character, for the message.
type hit struct {
	v         verdict
	carrier   Carrier
	operator  string
	want, got byte
}

// matcher recognises one family of formats in a normalised number (upper-case ASCII letters and
// digits only, never empty). Matchers are plain functions over the string, without regexp,
// because Check runs a dozen of them on every number (see BenchmarkCheck).
type matcher func(s string) hit

// verify turns a computed and a found check character into a hit.
func verify(c Carrier, operator string, want, got byte) hit {
	if want == got {
		return hit{v: checksumOK, carrier: c, operator: operator}
	}
	return hit{v: checksumBad, carrier: c, operator: operator, want: want, got: got}
}

// verifyOnly is verify for an alternative reading of a number that another matcher already
// reports a mismatch for: it matches or stays silent, so one mismatch is reported, not three.
func verifyOnly(c Carrier, operator string, want, got byte) hit {
	if want == got {
		return hit{v: checksumOK, carrier: c, operator: operator}
	}
	return hit{}
}

func format(c Carrier, operator string) hit {
	return hit{v: formatMatch, carrier: c, operator: operator}
}

// formatIf is format(c, operator) when ok, else no match.
func formatIf(ok bool, c Carrier, operator string) hit {
	if ok {
		return format(c, operator)
	}
	return hit{}
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' }

// allDigits reports whether s is non-empty and only digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// allLetters reports whether s is non-empty and only letters.
func allLetters(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isLetter(s[i]) {
			return false
		}
	}
	return true
}

// prefixDigits reports whether s is prefix followed by min..max digits.
func prefixDigits(s, prefix string, min, max int) bool {
	n := len(s) - len(prefix)
	return n >= min && n <= max && s[:len(prefix)] == prefix && allDigits(s[len(prefix):])
}

// countDigits returns how many characters of s are digits.
func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			n++
		}
	}
	return n
}
