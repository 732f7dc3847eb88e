package inventorycsv

import (
	"fmt"
	"strings"

	"lastmile/internal/csvio"
)

// MaxQuantity is the largest number of units a stock file may set. No warehouse holds a
// trillion units of one SKU; a bigger number is a mistake (a barcode pasted into the wrong
// column, say), and refusing it keeps every later sum far from overflowing.
const MaxQuantity = 1_000_000_000_000

// quantityError is why a quantity cell could not be read: a problem code and a message that
// says the fix.
type quantityError struct {
	code string
	msg  string
}

// parseQuantity reads a whole, non-negative number of units as a seller types it: "120",
// "+120", "120.0" (a whole number in decimal form, as some tools export counts). Thousands
// separators follow the file's number convention (csvio.DecimalSeparator) and must group
// digits by three: a space in any file ("1 200"), ',' in a tab- or otherwise-separated file
// ("1,200"), '.' in a semicolon-separated file, whose decimal separator is ',' ("1.200").
//
// In a comma-separated file a ',' inside a number is refused: the cell must have been quoted
// to hold it, and "1,200" and "1,5" are then a thousands separator or a decimal comma depending
// on who typed them. lastmile refuses such a cell rather than guess a stock count.
func parseQuantity(s string, delim byte) (int64, *quantityError) {
	notNumber := func(why string) *quantityError {
		return &quantityError{"invalid_number", fmt.Sprintf("%q is not a number%s: write a whole number of units, such as 120", s, why)}
	}
	dec := csvio.DecimalSeparator(delim)
	num := s
	neg := false
	if num != "" && (num[0] == '-' || num[0] == '+') {
		neg = num[0] == '-'
		num = num[1:]
	}
	if delim == ',' && strings.IndexByte(num, ',') >= 0 {
		return 0, &quantityError{"invalid_number", fmt.Sprintf("%q has a ',' in it, which in a comma-separated file may be a thousands separator or a decimal comma: write the number without it, such as 1200", s)}
	}
	intPart, frac, hasDec := strings.Cut(num, string(dec))
	if hasDec && strings.IndexByte(frac, dec) >= 0 {
		return 0, notNumber(fmt.Sprintf(" (it has more than one decimal separator %q)", dec))
	}

	var v int64
	big := false // v passed MaxQuantity; the digits are still checked
	digits, group := 0, 0
	var sep rune = -1
	for _, r := range intPart {
		switch {
		case '0' <= r && r <= '9':
			if !big {
				v = v*10 + int64(r-'0')
				big = v > MaxQuantity
			}
			digits++
			group++
		case csvio.IsThousandsSeparator(r, dec):
			if sep < 0 && (group < 1 || group > 3) || sep >= 0 && (r != sep || group != 3) {
				return 0, notNumber(fmt.Sprintf(" (thousands separators must group digits by three; the decimal separator in this file is %q)", dec))
			}
			sep, group = r, 0
		default:
			return 0, notNumber("")
		}
	}
	if sep >= 0 && group != 3 {
		return 0, notNumber(fmt.Sprintf(" (thousands separators must group digits by three; the decimal separator in this file is %q)", dec))
	}
	if hasDec && frac == "" || digits+len(frac) == 0 {
		return 0, notNumber("")
	}
	whole := true
	for i := 0; i < len(frac); i++ {
		switch {
		case frac[i] < '0' || frac[i] > '9':
			return 0, notNumber("")
		case frac[i] != '0':
			whole = false
		}
	}

	switch {
	case neg && (v != 0 || big || !whole):
		return 0, &quantityError{"negative_quantity", fmt.Sprintf("%q is negative: stock is 0 or more; to take units off, write the new count", s)}
	case !whole:
		msg := fmt.Sprintf("%q is not a whole number: stock is counted in whole units", s)
		if dec == ',' {
			msg += " (in a ';'-separated file ',' is the decimal separator: write 1200 or 1.200 for twelve hundred)"
		}
		return 0, &quantityError{"not_integer", msg}
	case big:
		return 0, &quantityError{"quantity_too_large", fmt.Sprintf("%q is more than %d units, the most a stock file may set: check the cell", s, int64(MaxQuantity))}
	}
	return v, nil
}
