package ordercsv

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Encoding names, as Reader.Encoding reports them.
const (
	EncodingUTF8    = "utf-8"
	EncodingUTF8BOM = "utf-8-bom"
	EncodingGB18030 = "gb18030"
	EncodingUTF16LE = "utf-16le"
	EncodingUTF16BE = "utf-16be"
)

// sniffSize is how much of the file decides its encoding. A UTF-8 file whose first non-UTF-8
// byte comes later is still read as UTF-8; the bad bytes are then a problem on their row.
const sniffSize = 64 << 10

// decode detects the encoding of r from its first bytes and returns a buffered reader of its
// text as UTF-8, without a byte order mark. It reads at most sniffSize bytes ahead: the file is
// never held whole.
//
// Chinese Excel saves "CSV" in the ANSI code page, GBK; GB18030 is its superset, so decoding
// as GB18030 reads both. Excel's "Unicode text" is UTF-16 with a BOM.
func decode(r io.Reader) (*bufio.Reader, string, error) {
	br := bufio.NewReaderSize(r, sniffSize)
	head, err := br.Peek(sniffSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, "", err
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		_, _ = br.Discard(3) // cannot fail: the bytes are buffered
		return br, EncodingUTF8BOM, nil
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		_, _ = br.Discard(2)
		dec := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder()
		return bufio.NewReaderSize(transform.NewReader(br, dec), sniffSize), EncodingUTF16LE, nil
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		_, _ = br.Discard(2)
		dec := unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder()
		return bufio.NewReaderSize(transform.NewReader(br, dec), sniffSize), EncodingUTF16BE, nil
	case validUTF8Prefix(head, len(head) < sniffSize):
		return br, EncodingUTF8, nil
	}
	dec := simplifiedchinese.GB18030.NewDecoder()
	return bufio.NewReaderSize(transform.NewReader(br, dec), sniffSize), EncodingGB18030, nil
}

// validUTF8Prefix reports whether b is valid UTF-8. Unless b is the whole file (atEOF), a
// character cut off by the end of b does not count against it.
func validUTF8Prefix(b []byte, atEOF bool) bool {
	if !atEOF {
		// Step back over at most utf8.UTFMax-1 bytes to the start of the last character; if that
		// character is incomplete, leave it out.
		for i := len(b) - 1; i >= 0 && i >= len(b)-(utf8.UTFMax-1); i-- {
			if utf8.RuneStart(b[i]) {
				if !utf8.FullRune(b[i:]) {
					b = b[:i]
				}
				break
			}
		}
	}
	return utf8.Valid(b)
}

// detectDelimiter picks the separator of the header line: the most frequent of ',', ';' and
// tab outside quotes, ',' when there is none or a tie with ','. European Excel writes ';'
// because ',' is its decimal separator; Excel's "Unicode text" writes tabs.
//
// A first line "sep=X", which Excel writes and honours, names the delimiter outright; skipSep
// then says how many bytes to discard so that the header is the next line.
func detectDelimiter(br *bufio.Reader) (delim byte, skipSep int) {
	head, _ := br.Peek(sniffSize) // an error only means the file is shorter
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
			return c, n
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
		return ';', 0
	case tabs > commas && tabs > semis:
		return '\t', 0
	}
	return ',', 0
}
