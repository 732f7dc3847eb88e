package label

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxBatch is the most labels one input may hold.
const MaxBatch = 100_000

// DecodeError is label JSON that cannot be read: not JSON, not an object or array of
// objects, a value of the wrong type or an unknown field.
type DecodeError struct {
	// Index is the label's position in the array, or -1 for a single object or the input as
	// a whole.
	Index int
	// Field is the JSON path of the offending field, when known.
	Field string
	Err   error
}

func (e *DecodeError) Error() string {
	var b strings.Builder
	if e.Index >= 0 {
		fmt.Fprintf(&b, "label[%d]: ", e.Index)
	}
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *DecodeError) Unwrap() error { return e.Err }

// Decode reads one label object, or an array of them (array is then true). Unknown fields
// and trailing data are refused, so a misspelt field is an error rather than a label printed
// without it.
func Decode(raw []byte) (labels []Label, array bool, err error) {
	trimmed := bytes.TrimLeft(raw, " \t\r\n")
	trimmed = bytes.TrimPrefix(trimmed, []byte("\xef\xbb\xbf")) // a BOM from Windows tools
	trimmed = bytes.TrimLeft(trimmed, " \t\r\n")
	switch {
	case len(trimmed) == 0:
		return nil, false, &DecodeError{Index: -1, Err: errors.New("the input is empty; send a label JSON object or an array of them")}
	case trimmed[0] == '{':
		var l Label
		if err := DecodeOne(trimmed, &l); err != nil {
			return nil, false, withIndex(err, -1)
		}
		return []Label{l}, false, nil
	case trimmed[0] != '[':
		return nil, false, &DecodeError{Index: -1, Err: errors.New("the input is not a label JSON object or an array of them")}
	}
	var elems []json.RawMessage
	if err := strictDecode(trimmed, &elems); err != nil {
		return nil, true, withIndex(err, -1)
	}
	if len(elems) > MaxBatch {
		return nil, true, &DecodeError{Index: -1, Err: fmt.Errorf("%d labels; at most %d per input, split it", len(elems), MaxBatch)}
	}
	labels = make([]Label, len(elems))
	for i, e := range elems {
		if err := DecodeOne(e, &labels[i]); err != nil {
			return nil, true, withIndex(err, i)
		}
	}
	return labels, true, nil
}

// DecodeOne reads one label object strictly (unknown fields and trailing data refused).
func DecodeOne(raw []byte, l *Label) error {
	if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '{' {
		return errors.New("not a JSON object")
	}
	return strictDecode(raw, l)
}

func strictDecode(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the JSON value")
	}
	return nil
}

// withIndex turns a JSON error into a DecodeError naming the label and, where the decoder
// says, the field.
func withIndex(err error, index int) *DecodeError {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syn):
		return &DecodeError{Index: index, Err: fmt.Errorf("not valid JSON at byte %d: %v", syn.Offset, syn)}
	case errors.As(err, &typ):
		return &DecodeError{Index: index, Field: typ.Field, Err: fmt.Errorf("must be a JSON %s, not %s", jsonKind(typ.Type.Kind().String()), typ.Value)}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &DecodeError{Index: index, Field: name, Err: errors.New("unknown field; check the spelling (docs/labels.md lists the fields)")}
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return &DecodeError{Index: index, Err: errors.New("the input ends in the middle of a JSON value")}
	}
	return &DecodeError{Index: index, Err: err}
}

func jsonKind(goKind string) string {
	switch goKind {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "integer"
	case "float32", "float64":
		return "number"
	case "slice", "array":
		return "array"
	case "struct", "map", "ptr":
		return "object"
	}
	return goKind
}
