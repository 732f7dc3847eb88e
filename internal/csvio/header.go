package csvio

import "strings"

// HeaderKey folds a header cell to the form readers look column names up by: lower case,
// without white space, '_', '-', '*' (templates mark required columns with it) or a BOM, with
// full-width brackets and slash made ASCII. "Ship Line1", "ship_line1" and "SHIP-LINE1" are one
// column; so are 重量（g） and 重量(g).
func HeaderKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToLower(s) {
		switch r {
		case ' ', '\t', '\u00a0', '\u3000', '_', '-', '*', '\ufeff':
			continue
		case '（':
			r = '('
		case '）':
			r = ')'
		case '／':
			r = '/'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ColumnLetters is how a spreadsheet names the column at index i (0 → A, 26 → AA); problems
// about cells outside the known columns name them so.
func ColumnLetters(i int) string {
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('A' + (i-1)%26)}, b...)
	}
	return string(b)
}
