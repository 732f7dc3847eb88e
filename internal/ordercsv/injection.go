package ordercsv

// Excel (and LibreOffice, Numbers) run a cell that starts with '=', '+', '-' or '@' as a
// formula, and treat a leading tab or carriage return alike. Buyer names and addresses come
// from strangers, so a cell like =HYPERLINK(...) in an export could run on the seller's
// machine (CSV injection). The Writer puts one apostrophe in front of such text cells, which
// makes them plain text, and the Reader takes exactly that one apostrophe off again, so an
// export re-imports unchanged. A phone number "+12065550100" is kept from being turned into
// the number 12065550100 the same way.

func formulaStart(c byte) bool {
	switch c {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// needsGuard reports whether s, after any apostrophes it already starts with, starts like a
// formula. Counting the apostrophes keeps the round trip exact for a text that itself starts
// with an apostrophe and '=': the Writer adds a second apostrophe, the Reader takes one off.
func needsGuard(s string) bool {
	i := 0
	for i < len(s) && s[i] == '\'' {
		i++
	}
	return i < len(s) && formulaStart(s[i])
}

// guardText is how the Writer writes a text cell.
func guardText(s string) string {
	if needsGuard(s) {
		return "'" + s
	}
	return s
}

// unguardText is how the Reader reads a text cell: it removes the apostrophe guardText added.
// An apostrophe before anything else ('s-Hertogenbosch) is the text itself and stays.
func unguardText(s string) string {
	if len(s) > 1 && s[0] == '\'' && needsGuard(s[1:]) {
		return s[1:]
	}
	return s
}
