package ordercsv

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Limits that keep one broken row from taking the import with it. Excel holds at most 32,767
// characters in a cell, and an order row is far below these.
const (
	// maxRowBytes bounds one row, all its physical lines together.
	maxRowBytes = 1 << 20
	// maxRowLines bounds the physical lines one quoted cell may span. A stray '"' opening a
	// cell that never closes would otherwise swallow the rest of the file into one cell.
	maxRowLines = 100
)

// record is one row of the file: its spreadsheet row number and its cells, untrimmed.
type record struct {
	row    int
	fields []string
	// blank is an empty line. (A line of spaces or bare delimiters has cells; the Reader
	// skips it too.)
	blank bool
	// problem is set when the row broke the CSV syntax; fields then hold what could be read.
	problem *cellProblem
}

// cellProblem is a problem found before the row's cells are known by name: at the cell with
// index col of the row.
type cellProblem struct {
	code string
	col  int
	msg  string
}

// recordReader splits decoded text into rows, RFC 4180 style as Excel writes it: cells
// separated by delim, a cell in double quotes may hold delim, line breaks and "" for a quote.
// It is lenient where encoding/csv's LazyQuotes is (a quote inside an unquoted cell, or a
// quote in a quoted cell not followed by a delimiter, is kept as text) and it recovers where
// encoding/csv cannot: a quoted cell that is still open after maxRowLines lines, maxRowBytes
// or at the end of the file is closed at the end of its first line, the row is reported, and
// the lines after it are read again as rows of their own. It never holds more than one row
// (and at most maxRowBytes of it).
//
// Rows are numbered as a spreadsheet shows them: a blank line is a row, a quoted cell with line
// breaks does not add rows.
type recordReader struct {
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

func newRecordReader(br *bufio.Reader, delim byte) *recordReader {
	return &recordReader{br: br, delim: delim}
}

// errLineTooLong marks a physical line longer than maxRowBytes; its rest has been skipped.
var errLineTooLong = errors.New("line too long")

// readLine returns the next physical line without its "\n" or "\r\n". The slice is valid until
// the next call. At the end of the input it returns io.EOF and no line.
func (p *recordReader) readLine() ([]byte, error) {
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
			if len(p.long)+len(line) > maxRowBytes {
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

// read returns the next row. At the end of the input it returns io.EOF; any other error is the
// underlying reader's and ends the file.
func (p *recordReader) read() (record, error) {
	line, err := p.readLine()
	if errors.Is(err, io.EOF) {
		return record{}, io.EOF
	}
	p.row++
	rec := record{row: p.row}
	if errors.Is(err, errLineTooLong) {
		rec.problem = &cellProblem{code: "row_too_long", col: 0,
			msg: fmt.Sprintf("the row is longer than %d bytes; it was not read", maxRowBytes)}
		return rec, nil
	}
	if err != nil {
		return record{}, err
	}
	if len(line) == 0 {
		rec.blank = true
		return rec, nil
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
			failure = fmt.Sprintf("a line after it is longer than %d bytes", maxRowBytes)
			p.longNext = true // still a row, after the ones replayed
		case err != nil:
			return record{}, err
		case lines >= maxRowLines:
			failure = fmt.Sprintf("it would span more than %d lines", maxRowLines)
		case len(p.raw)+len(next) > maxRowBytes:
			failure = fmt.Sprintf("it would make the row longer than %d bytes", maxRowBytes)
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
		rec.problem = &cellProblem{code: "unterminated_quote", col: firstCells,
			msg: "a quoted cell starting in this row is never closed (" + failure + "); it was read up to the end of this row"}
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
	rec.fields = p.fields
	return rec, nil
}
