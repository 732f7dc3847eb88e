package csvio

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Limits that keep one broken or hostile row from taking the import, or the memory, with it.
// A cell is bounded by its row. Excel holds at most 32,767 characters in a cell, and the rows
// lastmile reads are far below these.
const (
	// MaxRowBytes bounds one row, all its physical lines together. A longer row is reported
	// (row_too_long) and not read.
	MaxRowBytes = 1 << 20
	// MaxRowLines bounds the physical lines one quoted cell may span. A stray '"' opening a
	// cell that never closes would otherwise swallow the rest of the file into one cell.
	MaxRowLines = 100
)

// Record is one row of the file: its spreadsheet row number and its cells, untrimmed.
type Record struct {
	// Row is the row number a spreadsheet shows: the first line read is row 1 (after a "sep="
	// line, which DetectDelimiter consumes), a blank line is a row, a quoted cell with line
	// breaks does not add rows.
	Row int
	// Fields are the cells; nil for a blank line and for a row too long to read.
	Fields []string
	// Problem is set when the row broke the CSV syntax; Fields then hold what could be read.
	Problem *Problem
}

// Problem is a problem found before the row's cells are known by name: at the cell with index
// Col of the row. The caller names the column.
type Problem struct {
	Code    string // row_too_long, unterminated_quote, column_count
	Col     int
	Message string
}

// Blank reports whether the row holds no text at all: a blank line, or a row of spaces and bare
// delimiters as Excel writes for a formatted empty row. Readers skip such rows (they still
// count in the row numbers).
func (r Record) Blank() bool {
	if r.Problem != nil {
		return false
	}
	for _, f := range r.Fields {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// WidthProblem reports a row whose cell count differs from the header's (column_count), or nil.
// width is the header's cell count up to its last non-empty cell: empty cells after the last
// named column are not counted, in the header or in the row, because Excel writes them for
// formatted columns. The problem is at the first missing cell, or the first cell with text
// beyond the header. Usually a delimiter inside an unquoted value has shifted every cell after
// it.
func (r Record) WidthProblem(width int, delim byte) *Problem {
	n := len(r.Fields)
	var at int
	switch {
	case n == width:
		return nil
	case n < width:
		at = n
	default:
		at = slices.IndexFunc(r.Fields[width:], func(f string) bool { return strings.TrimSpace(f) != "" })
		if at < 0 {
			return nil
		}
		at += width
	}
	return &Problem{Code: "column_count", Col: at,
		Message: fmt.Sprintf("the row has %d cells but the header has %d: a cell that contains %s must be in double quotes", n, width, DelimiterName(delim))}
}

// RecordReader splits decoded text into rows, RFC 4180 style as Excel writes it: cells
// separated by the delimiter, a cell in double quotes may hold the delimiter, line breaks and
// "" for a quote; CRLF and LF line ends alike. It is lenient where encoding/csv's LazyQuotes
// is (a quote inside an unquoted cell, or a quote in a quoted cell not followed by a
// delimiter, is kept as text) and it recovers where encoding/csv cannot: a quoted cell that is
// still open after MaxRowLines lines, MaxRowBytes or at the end of the file is closed at the
// end of its first line, the row is reported (unterminated_quote), and the lines after it are
// read again as rows of their own. A line longer than MaxRowBytes is skipped and reported
// (row_too_long). It never holds more than one row, and at most MaxRowBytes of it.
type RecordReader struct {
	br    *bufio.Reader
	delim byte
	// replay holds lines to read again, before br, after a row with an unterminated quote.
	replay []byte
	// longNext says that the line after replay was too long: a row of its own to report.
	longNext bool
	row      int
	eof      bool

	long   []byte   // a line longer than br's buffer, assembled
	raw    []byte   // the lines of a multi-line row as read, to replay them
	buf    []byte   // the current row's cell text, unescaped, back to back
	ends   []int    // where each cell ends in buf
	fields []string // reused between rows
}

// NewRecordReader reads rows separated by delim from br, normally the reader Decode returned,
// after DetectDelimiter.
func NewRecordReader(br *bufio.Reader, delim byte) *RecordReader {
	return &RecordReader{br: br, delim: delim}
}

// errLineTooLong marks a physical line longer than MaxRowBytes; its rest has been skipped.
var errLineTooLong = errors.New("line too long")

// readLine returns the next physical line without its "\n" or "\r\n". The slice is valid until
// the next call. At the end of the input it returns io.EOF and no line.
func (p *RecordReader) readLine() ([]byte, error) {
	if len(p.replay) > 0 {
		line := p.replay
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line, p.replay = line[:i], line[i+1:]
		} else {
			p.replay = nil
		}
		return bytes.TrimSuffix(line, []byte{'\r'}), nil
	}
	if p.longNext {
		p.longNext = false
		return nil, errLineTooLong
	}
	if p.eof {
		return nil, io.EOF
	}
	line, err := p.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		p.long = append(p.long[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = p.br.ReadSlice('\n')
			if len(p.long)+len(line) > MaxRowBytes {
				// Skip to the end of this line without keeping it.
				for errors.Is(err, bufio.ErrBufferFull) {
					_, err = p.br.ReadSlice('\n')
				}
				if err != nil && !errors.Is(err, io.EOF) {
					return nil, err
				}
				p.eof = err != nil
				return nil, errLineTooLong
			}
			p.long = append(p.long, line...)
		}
		line = p.long
	}
	switch {
	case errors.Is(err, io.EOF):
		p.eof = true
		if len(line) == 0 {
			return nil, io.EOF
		}
	case err != nil:
		return nil, err
	default:
		line = line[:len(line)-1]
	}
	return bytes.TrimSuffix(line, []byte{'\r'}), nil
}

// Read returns the next row. At the end of the input it returns io.EOF; any other error is the
// underlying reader's and ends the file. The returned Fields slice is reused by the next Read;
// the strings in it stay valid.
func (p *RecordReader) Read() (Record, error) {
	line, err := p.readLine()
	if errors.Is(err, io.EOF) {
		return Record{}, io.EOF
	}
	p.row++
	rec := Record{Row: p.row}
	if errors.Is(err, errLineTooLong) {
		rec.Problem = &Problem{Code: "row_too_long", Col: 0,
			Message: fmt.Sprintf("the row is longer than %d bytes; it was not read", MaxRowBytes)}
		return rec, nil
	}
	if err != nil {
		return Record{}, err
	}
	if len(line) == 0 {
		return rec, nil // a blank line: no cells
	}

	p.buf, p.ends, p.raw = p.buf[:0], p.ends[:0], p.raw[:0]
	pos := 0
	quoted := false // inside a quoted cell
	lines := 1
	// Where the first line ended, should the row's quote never close: the cell text and the
	// number of cells read by then, and the cell the quote opened.
	firstBuf, firstCells := -1, 0
	var failure string

parse:
	for {
		if !quoted {
			// At the start of a cell.
			if pos < len(line) && line[pos] == '"' {
				quoted = true
				pos++
				continue
			}
			i := bytes.IndexByte(line[pos:], p.delim)
			if i < 0 {
				p.buf = append(p.buf, line[pos:]...)
				p.ends = append(p.ends, len(p.buf))
				break parse
			}
			p.buf = append(p.buf, line[pos:pos+i]...)
			p.ends = append(p.ends, len(p.buf))
			pos += i + 1
			continue
		}
		// Inside a quoted cell: up to the next quote.
		i := bytes.IndexByte(line[pos:], '"')
		if i >= 0 {
			p.buf = append(p.buf, line[pos:pos+i]...)
			pos += i + 1
			switch {
			case pos == len(line): // the closing quote ends the row
				p.ends = append(p.ends, len(p.buf))
				break parse
			case line[pos] == '"': // "" is one quote
				p.buf = append(p.buf, '"')
				pos++
			case line[pos] == p.delim: // the closing quote ends the cell
				p.ends = append(p.ends, len(p.buf))
				quoted = false
				pos++
			default: // a stray quote: text, as encoding/csv's LazyQuotes has it
				p.buf = append(p.buf, '"')
			}
			continue
		}
		// The line ends inside the quoted cell: the cell goes on in the next line.
		p.buf = append(p.buf, line[pos:]...)
		if firstBuf < 0 {
			firstBuf, firstCells = len(p.buf), len(p.ends)
		}
		p.raw = append(p.raw, line...)
		p.raw = append(p.raw, '\n')
		next, err := p.readLine()
		switch {
		case errors.Is(err, io.EOF):
			failure = "the file ends inside it"
		case errors.Is(err, errLineTooLong):
			failure = fmt.Sprintf("a line after it is longer than %d bytes", MaxRowBytes)
			p.longNext = true // still a row, after the ones replayed
		case err != nil:
			return Record{}, err
		case lines >= MaxRowLines:
			failure = fmt.Sprintf("it would span more than %d lines", MaxRowLines)
		case len(p.raw)+len(next) > MaxRowBytes:
			failure = fmt.Sprintf("it would make the row longer than %d bytes", MaxRowBytes)
		}
		if failure != "" {
			if err == nil {
				p.raw = append(p.raw, next...)
				p.raw = append(p.raw, '\n')
			}
			break parse
		}
		lines++
		p.buf = append(p.buf, '\n')
		line, pos = next, 0
	}

	if failure != "" {
		// Keep what the first line holds, the open cell closed at its end, and read the lines
		// after it again as rows of their own.
		p.buf, p.ends = p.buf[:firstBuf], append(p.ends[:firstCells], firstBuf)
		rec.Problem = &Problem{Code: "unterminated_quote", Col: firstCells,
			Message: "a quoted cell starting in this row is never closed (" + failure + "); it was read up to the end of this row"}
		if first := bytes.IndexByte(p.raw, '\n'); first+1 < len(p.raw) {
			rest := p.raw[first+1:]
			replay := make([]byte, 0, len(rest)+len(p.replay))
			replay = append(replay, rest...)
			p.replay = append(replay, p.replay...)
		}
	}

	// One string for the whole row; the cells are slices of it.
	s := string(p.buf)
	p.fields = p.fields[:0]
	start := 0
	for _, end := range p.ends {
		p.fields = append(p.fields, s[start:end])
		start = end
	}
	rec.Fields = p.fields
	return rec, nil
}
