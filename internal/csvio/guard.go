package csvio

// Excel (and LibreOffice, Numbers) run a cell that starts with '=', '+', '-' or '@' as a
// formula, and treat a leading tab or carriage return alike. Names, addresses and SKUs come
// from strangers and marketplaces, so a cell like =HYPERLINK(...) in an export could run on the
// seller's machine (CSV injection). A writer puts one apostrophe in front of such text cells
// (GuardText), which makes them plain text, and a reader takes exactly that one apostrophe off
// again (UnguardText), so an export re-imports unchanged. A phone number "+12065550100" is kept
// from being turned into the number 12065550100 the same way. Number cells are not guarded:
// "-5" is a number to Excel, not a formula.

func formulaStart(c byte) bool {
	switch c {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// needsGuard reports whether s, after any apostrophes it already starts with, starts like a
// formula. Counting the apostrophes keeps the round trip exact for a text that itself starts
// with an apostrophe and '=': GuardText adds a second apostrophe, UnguardText takes one off.
func needsGuard(s string) bool {
	i := 0
	for i < len(s) && s[i] == '\'' {
		i++
	}
	return i < len(s) && formulaStart(s[i])
}

// GuardText is how a writer writes a text cell: with one leading apostrophe if Excel would
// otherwise run it as a formula.
func GuardText(s string) string {
	if needsGuard(s) {
		return "'" + s
	}
	return s
}

// UnguardText is how a reader reads a text cell: without the apostrophe GuardText added. An
// apostrophe before anything else ('s-Hertogenbosch) is the text itself and stays.
func UnguardText(s string) string {
	if len(s) > 1 && s[0] == '\'' && needsGuard(s[1:]) {
		return s[1:]
	}
	return s
}
