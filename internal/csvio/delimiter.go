package csvio

import (
	"bufio"
	"bytes"
	"fmt"
)

// DetectDelimiter picks the cell separator of the text br holds, from its header line: the most
// frequent of ',', ';' and tab outside quotes, ',' when there is none or a tie with ','.
// European Excel writes ';' because ',' is its decimal separator; Excel's "Unicode text" writes
// tabs. br is normally what Decode returned; nothing is consumed, except as follows.
//
// A first line "sep=X" (X one of ',', ';', tab, '|'), which Excel writes and honours, names the
// delimiter outright. That line is not part of the table: DetectDelimiter consumes it, so that
// the header is the next line read from br. An error is br's own.
func DetectDelimiter(br *bufio.Reader) (byte, error) {
	head, _ := br.Peek(SniffSize) // an error only means the text is shorter
	// The first non-blank line.
	line := head
	off := 0
	for {
		i := bytes.IndexByte(line, '\n')
		cur := line
		if i >= 0 {
			cur = line[:i]
		}
		if len(bytes.TrimSpace(cur)) > 0 || i < 0 {
			line = cur
			break
		}
		off += i + 1
		line = line[i+1:]
	}
	trimmed := bytes.TrimRight(line, "\r")
	if off == 0 && len(trimmed) == 5 && bytes.EqualFold(trimmed[:4], []byte("sep=")) {
		switch c := trimmed[4]; c {
		case ',', ';', '\t', '|':
			n := len(line)
			if n < len(head) {
				n++ // the '\n'
			}
			if _, err := br.Discard(n); err != nil {
				return 0, err
			}
			return c, nil
		}
	}

	var commas, semis, tabs int
	quoted := false
	for _, c := range line {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == ',':
			commas++
		case c == ';':
			semis++
		case c == '\t':
			tabs++
		}
	}
	switch {
	case semis > commas && semis >= tabs:
		return ';', nil
	case tabs > commas && tabs > semis:
		return '\t', nil
	}
	return ',', nil
}

// DecimalSeparator is the decimal separator of a file with the given delimiter: ',' in a
// semicolon-separated file, '.' otherwise. European, Indonesian and Vietnamese Excel write ';'
// between cells precisely because their decimal separator is ','; everyone else writes '.'.
// The other one of the two separates thousands.
func DecimalSeparator(delim byte) byte {
	if delim == ';' {
		return ','
	}
	return '.'
}

// IsThousandsSeparator reports whether r separates thousands in a number whose decimal
// separator is dec: the other one of ',' and '.', or a (no-break, narrow no-break) space.
func IsThousandsSeparator(r rune, dec byte) bool {
	switch r {
	case ' ', '\u00a0', '\u202f':
		return true
	case ',':
		return dec == '.'
	case '.':
		return dec == ','
	}
	return false
}

// DelimiterName names a delimiter for a message to a seller: "','", "';'", "a tab".
func DelimiterName(d byte) string {
	switch d {
	case '\t':
		return "a tab"
	case ';':
		return "';'"
	}
	return fmt.Sprintf("'%c'", d)
}
