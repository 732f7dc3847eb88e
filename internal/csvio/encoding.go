// Package csvio holds the file-format rules that lastmile's CSV imports and exports share, so
// that every file a seller keeps in Excel is read the same way: the encoding detection (UTF-8
// with or without a BOM, GB18030/GBK as Chinese Excel saves "CSV", UTF-16 "Unicode text"), the
// delimiter detection (',', ';', tab, or a "sep=" first line), a record reader that streams
// rows and reports broken ones instead of failing, the header matched to a format's columns
// (Open, Table: header errors, row shape problems, cells), the guard against formula
// injection, the folding of header names, and the writing side (Writer, ResultWriter for the
// per-row results of an import).
//
// It knows nothing of orders or stock: the format packages that read those
// (order/ordercsv, inventory/inventorycsv) name the columns and read the cells. docs/csv.md
// describes the rules for sellers.
package csvio

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

// Encoding names, as Decode reports them.
const (
	EncodingUTF8    = "utf-8"
	EncodingUTF8BOM = "utf-8-bom"
	EncodingGB18030 = "gb18030"
	EncodingUTF16LE = "utf-16le"
	EncodingUTF16BE = "utf-16be"
)

// BOM is the byte order mark a writer puts first: it makes Excel open a UTF-8 CSV as UTF-8.
// Without it Excel reads the file in the ANSI code page and Chinese text comes out garbled.
const BOM = "\ufeff"

// SniffSize is how much of the file decides its encoding and delimiter. A UTF-8 file whose
// first non-UTF-8 byte comes later is still read as UTF-8; the bad bytes are then a problem in
// their cell (see CleanText).
const SniffSize = 64 << 10

// Decode detects the encoding of r from its first bytes and returns a buffered reader of its
// text as UTF-8, without a byte order mark, and the name of the encoding (one of the Encoding
// constants). It reads at most SniffSize bytes ahead: the file is never held whole. An error is
// r's own.
//
// The rules, in order: a UTF-8 BOM is UTF-8; a UTF-16 BOM is UTF-16 of its byte order (Excel's
// "Unicode text"); text whose first SniffSize bytes are valid UTF-8 is UTF-8; anything else is
// GB18030. Chinese Excel saves "CSV" in the ANSI code page, GBK, and GB18030 is its superset,
// so decoding as GB18030 reads both.
func Decode(r io.Reader) (*bufio.Reader, string, error) {
	br := bufio.NewReaderSize(r, SniffSize)
	head, err := br.Peek(SniffSize)
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
		return bufio.NewReaderSize(transform.NewReader(br, dec), SniffSize), EncodingUTF16LE, nil
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		_, _ = br.Discard(2)
		dec := unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder()
		return bufio.NewReaderSize(transform.NewReader(br, dec), SniffSize), EncodingUTF16BE, nil
	case validUTF8Prefix(head, len(head) < SniffSize):
		return br, EncodingUTF8, nil
	}
	dec := simplifiedchinese.GB18030.NewDecoder()
	return bufio.NewReaderSize(transform.NewReader(br, dec), SniffSize), EncodingGB18030, nil
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
