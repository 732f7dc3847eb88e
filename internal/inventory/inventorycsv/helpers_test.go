package inventorycsv

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"

	"golang.org/x/text/encoding"
)

// readAll reads every row of data, failing the test on an error other than io.EOF.
func readAll(t testing.TB, data []byte) (*Reader, []Row) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	var rows []Row
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			return r, rows
		}
		if err != nil {
			t.Fatalf("Next after %d rows: %v", len(rows), err)
		}
		rows = append(rows, row)
	}
}

// problemList renders the rows' problems one per line, "line code field", for comparisons.
func problemList(rows ...Row) []string {
	var out []string
	for _, r := range rows {
		for _, p := range r.Problems {
			out = append(out, fmt.Sprintf("%d %s %s", r.Line, p.Code, p.Field))
		}
	}
	return out
}

// encodeWith encodes UTF-8 text as Excel would save it.
func encodeWith(t testing.TB, enc encoding.Encoding, utf8Text string) []byte {
	t.Helper()
	out, err := enc.NewEncoder().Bytes([]byte(utf8Text))
	if err != nil {
		t.Fatalf("encoding: %v", err)
	}
	return out
}

func ptr(v int64) *int64 { return &v }

// quantityString shows a quantity for a test message: "nil" or the number.
func quantityString(v *int64) string {
	if v == nil {
		return "nil"
	}
	return fmt.Sprint(*v)
}

// sameLevel reports whether a row read back carries what a level wrote, the fields a stock file
// imports.
func sameLevel(r Row, l Level) bool {
	return r.Warehouse == l.Warehouse && r.SKU == l.SKU && r.OnHand != nil && *r.OnHand == l.OnHand &&
		r.SafetyStock != nil && *r.SafetyStock == l.SafetyStock
}
