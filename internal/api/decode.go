package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Every JSON request body is read by decodeStrict, with these options: a member the type does
// not have is refused (a misspelt field is an error, not a silently missing value), names match
// exactly (no case folding), a name twice in one object is refused (which one counts would be a
// guess), and strings must be valid UTF-8 without lone UTF-16 surrogates (the decoder would
// otherwise turn them into U+FFFD, so that different ids became one). NUL is valid JSON and is
// checked after decoding (refuseNUL).
var strictOptions = json.JoinOptions(
	json.RejectUnknownMembers(true),
	json.MatchCaseInsensitiveNames(false),
	jsontext.AllowDuplicateNames(false),
	jsontext.AllowInvalidUTF8(false),
)

var errEmptyBody = errors.New("empty body")

// readBody reads the whole (size-limited) request body. A body that announces its length
// (already held under MaxBodyBytes by the server) is read into a buffer of that size plus one
// byte, so that a 10 MB batch is not copied at every doubling of a growing buffer; past that it
// grows with what arrives, never with what a client announces.
func readBody(r *http.Request) ([]byte, error) {
	if r.ContentLength <= 0 {
		return io.ReadAll(r.Body)
	}
	buf := bytes.NewBuffer(make([]byte, 0, r.ContentLength+1))
	_, err := buf.ReadFrom(r.Body)
	return buf.Bytes(), err
}

// decodeStrict decodes one JSON value from raw into v (strictOptions), refusing trailing data
// and any string that holds a NUL. Its errors are turned into the client's by decodeError.
func decodeStrict(raw []byte, v any) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		return errEmptyBody
	}
	if err := json.Unmarshal(raw, v, strictOptions); err != nil {
		return err
	}
	return refuseNUL(raw)
}

// nulEscape is how a NUL appears in valid JSON: raw control characters are refused by the
// decoder, so only this escape can carry one.
var nulEscape = []byte(`\u0000`)

// textError is a string that lastmile refuses to store, at Pointer.
type textError struct {
	Pointer jsontext.Pointer
	Code    string // invalid_character (NUL) or invalid_encoding
	What    string // the message after the field's name: what is wrong, and the fix
}

func (e *textError) Error() string { return e.Code + " at " + string(e.Pointer) + ": " + e.What }

// refuseNUL reports the first string (value or name) of the valid JSON raw that holds a NUL.
// PostgreSQL cannot store one and SQLite would, so data would not move between the stores;
// control characters have no place in order data either. Searching the raw bytes first keeps
// the common case (no backslash-u-0000 at all) at the cost of one bytes.Index.
func refuseNUL(raw []byte) error {
	if !bytes.Contains(raw, nulEscape) {
		return nil
	}
	dec := jsontext.NewDecoder(bytes.NewReader(raw), strictOptions)
	for {
		tok, err := dec.ReadToken()
		if err != nil {
			return nil // io.EOF: the candidate was an escaped backslash followed by u0000
		}
		if tok.Kind() != '"' || !strings.Contains(tok.String(), "\x00") {
			continue
		}
		ptr := dec.StackPointer()
		what := `holds a NUL character (\u0000), which lastmile does not store; remove it`
		if k, _ := dec.StackIndex(dec.StackDepth()); k == '{' && isName(dec) {
			what = `has a NUL character (\u0000) in a field name; remove it`
		}
		return &textError{Pointer: ptr, Code: "invalid_character", What: what}
	}
}

// isName reports whether the string token just read was an object member's name: inside an
// object, names are the odd tokens (name, value, name, value…).
func isName(dec *jsontext.Decoder) bool {
	_, n := dec.StackIndex(dec.StackDepth())
	return n%2 == 1
}

// splitMember reads body as an object with one member, name, whose value is an array, and
// returns each element's bytes (slices of body) without decoding them, so that each can be
// decoded and refused on its own. Only the object around the elements is checked strictly
// here: an element that is not valid UTF-8, has a NUL or repeats a name is left for the
// element's own decoding to report. missing is true when the member is absent or null.
func splitMember(body []byte, name string) (elems [][]byte, missing bool, err error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, false, errEmptyBody
	}
	lenient := json.JoinOptions(strictOptions, jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))
	dec := jsontext.NewDecoder(bytes.NewReader(body), lenient)
	tok, err := dec.ReadToken()
	if err != nil {
		return nil, false, err
	}
	if tok.Kind() != '{' {
		return nil, false, &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_type",
			Message: fmt.Sprintf(`the body must be a JSON object {%q:[…]}`, name)}
	}
	seen := false
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return nil, false, err
		}
		member := tok.String()
		if member != name {
			return nil, false, &apiError{Status: http.StatusUnprocessableEntity, Code: "unknown_field", Field: member,
				Message: fmt.Sprintf("unknown field %q; check the spelling against /v1/openapi.json", member)}
		}
		if seen {
			return nil, false, &apiError{Status: http.StatusUnprocessableEntity, Code: "duplicate_field", Field: name,
				Message: duplicateMessage(name)}
		}
		seen = true
		switch dec.PeekKind() {
		case 'n':
			if _, err := dec.ReadToken(); err != nil {
				return nil, false, err
			}
			missing = true
			continue
		case '[':
		default:
			v, err := dec.ReadValue()
			if err != nil {
				return nil, false, err
			}
			return nil, false, &apiError{Status: http.StatusUnprocessableEntity, Code: "invalid_type", Field: name,
				Message: fmt.Sprintf("%s must be a JSON array, not %s", name, kindName(v.Kind(), nil))}
		}
		if _, err := dec.ReadToken(); err != nil { // [
			return nil, false, err
		}
		elems = [][]byte{}
		for dec.PeekKind() != ']' {
			v, err := dec.ReadValue()
			if err != nil {
				return nil, false, err
			}
			end := dec.InputOffset()
			elems = append(elems, body[end-int64(len(v)):end:end])
		}
		if _, err := dec.ReadToken(); err != nil { // ]
			return nil, false, err
		}
	}
	if _, err := dec.ReadToken(); err != nil { // }
		return nil, false, err
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		if err == nil {
			err = errTrailingData
		}
		return nil, false, err
	}
	return elems, !seen || missing, nil
}

var errTrailingData = errors.New("trailing data")

// fieldName turns a JSON pointer into the API's field syntax: /lines/0/unit_price/amount is
// lines[0].unit_price.amount; prefix (e.g. "[3].") is put before it.
func fieldName(prefix string, p jsontext.Pointer) string {
	var b strings.Builder
	b.WriteString(prefix)
	for tok := range p.Tokens() {
		switch {
		case isIndex(tok):
			b.WriteString("[" + tok + "]")
		default:
			if b.Len() > 0 && !strings.HasSuffix(b.String(), ".") {
				b.WriteByte('.')
			}
			b.WriteString(tok)
		}
	}
	return strings.TrimSuffix(b.String(), ".")
}

func isIndex(tok string) bool {
	if tok == "" || len(tok) > 10 {
		return false
	}
	for i := 0; i < len(tok); i++ {
		if tok[i] < '0' || tok[i] > '9' {
			return false
		}
	}
	return true
}

// badTextAt says what is wrong with the string text at raw[off:], where the decoder stopped:
// bytes that are not UTF-8, or a \u escape of a lone surrogate. ok is false for any other
// syntax error.
func badTextAt(raw []byte, off int64) (what string, ok bool) {
	if off < 0 || off >= int64(len(raw)) {
		return "", false
	}
	b := raw[off:]
	if b[0] >= utf8.RuneSelf {
		if r, _ := utf8.DecodeRune(b); r == utf8.RuneError {
			return fmt.Sprintf("holds bytes that are not UTF-8 (0x%X); send the text encoded as UTF-8", b[0]), true
		}
		return "", false
	}
	if len(b) >= 6 && b[0] == '\\' && (b[1] == 'u') {
		if v, err := strconv.ParseUint(string(b[2:6]), 16, 16); err == nil && v >= 0xD800 && v <= 0xDFFF {
			return fmt.Sprintf(`holds a lone UTF-16 surrogate (%s), which is no character; send the character as UTF-8 or as a \uD8xx\uDCxx pair`, b[:6]), true
		}
	}
	return "", false
}

func duplicateMessage(field string) string {
	return fmt.Sprintf("%s appears twice in one object, so which one counts would be a guess; send it once", field)
}

// kindName names a JSON kind for a message: "a string", "the number 1.5".
func kindName(k jsontext.Kind, v jsontext.Value) string {
	switch k {
	case '"':
		return "a string"
	case '0':
		if len(v) > 0 && len(v) <= 32 {
			return "the number " + string(v)
		}
		return "a number"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	case '{':
		return "an object"
	case '[':
		return "an array"
	}
	return "that value"
}

// quickSplit splits a body of exactly the form {"name":[v,v,…]} (with any whitespace) into the
// elements' bytes, looking only at its structure: strings are skipped, brackets counted,
// nothing is validated. It is the fast way to the elements of a large batch, which are then
// decoded on every CPU. The elements must each be decoded strictly afterwards: if every one is
// a valid JSON value, the body is valid JSON with exactly these elements. ok is false for any
// other shape, and splitMember then reads the body properly.
func quickSplit(body []byte, name string) (elems [][]byte, ok bool) {
	i := skipSpace(body, 0)
	if i == len(body) || body[i] != '{' {
		return nil, false
	}
	i = skipSpace(body, i+1)
	if !bytes.HasPrefix(body[i:], []byte(`"`+name+`"`)) {
		return nil, false
	}
	i = skipSpace(body, i+len(name)+2)
	if i == len(body) || body[i] != ':' {
		return nil, false
	}
	i = skipSpace(body, i+1)
	if i == len(body) || body[i] != '[' {
		return nil, false
	}
	i = skipSpace(body, i+1)
	elems = [][]byte{}
	for i < len(body) && body[i] != ']' {
		end, ok := skipValue(body, i)
		if !ok {
			return nil, false
		}
		elems = append(elems, body[i:end:end])
		i = skipSpace(body, end)
		if i < len(body) && body[i] == ',' {
			i = skipSpace(body, i+1)
			if i < len(body) && body[i] == ']' {
				return nil, false // a trailing comma
			}
		} else if i < len(body) && body[i] != ']' {
			return nil, false
		}
	}
	if i == len(body) {
		return nil, false
	}
	i = skipSpace(body, i+1)
	if i == len(body) || body[i] != '}' || skipSpace(body, i+1) != len(body) {
		return nil, false
	}
	return elems, true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the end of the value that starts at b[i], counting brackets and skipping
// strings; a scalar ends at the next delimiter.
func skipValue(b []byte, i int) (end int, ok bool) {
	depth := 0
	for i < len(b) {
		switch b[i] {
		case '"':
			j := i + 1
			for {
				k := bytes.IndexByte(b[j:], '"')
				if k < 0 {
					return 0, false
				}
				if e := bytes.IndexByte(b[j:j+k], '\\'); e >= 0 {
					j += e + 2 // a backslash and the character it escapes
					if j > len(b) {
						return 0, false
					}
					continue
				}
				j += k
				break
			}
			i = j + 1
			if depth == 0 {
				return i, true
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return i, true
			}
			depth--
			if depth == 0 {
				return i + 1, true
			}
		case ',', ' ', '\t', '\n', '\r':
			if depth == 0 {
				return i, true
			}
		}
		i++
	}
	return 0, false
}
