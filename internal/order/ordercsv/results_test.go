package ordercsv

import (
	"bytes"
	"errors"
	"testing"

	"lastmile/internal/model"
)

func TestResultWriter(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	w := NewResultWriter(&buf)
	if err := w.Write(2, "576461413420373421", "created", nil); err != nil {
		t.Fatal(err)
	}
	err := w.Write(3, "=A1", "error", []model.FieldError{
		{Code: "invalid_number", Field: "quantity", Message: `"two" is not a number`},
		{Code: "missing_field", Field: "", Message: "an order needs at least one line"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "\ufeffrow,external_id,status,problems,needs_attention\r\n" +
		"2,576461413420373421,created,,false\r\n" +
		`3,'=A1,error,"invalid_number quantity: ""two"" is not a number; missing_field: an order needs at least one line",false` + "\r\n"
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestResultWriterError(t *testing.T) {
	t.Parallel()
	w := NewResultWriter(errWriter{})
	_ = w.Write(2, "A", "created", nil)
	if err := w.Flush(); !errors.Is(err, errDiskFull) {
		t.Errorf("Flush: %v", err)
	}
}
