package label_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"lastmile/internal/label"
	"lastmile/internal/label/labeltest"
)

func TestDecode(t *testing.T) {
	t.Parallel()
	ls, array, err := label.Decode([]byte(labeltest.ExampleJSON))
	if err != nil || array || len(ls) != 1 {
		t.Fatalf("%d labels, array %v, %v", len(ls), array, err)
	}
	if !reflect.DeepEqual(ls[0], labeltest.Example()) {
		t.Errorf("decoded %+v\nwant %+v", ls[0], labeltest.Example())
	}
	ls, array, err = label.Decode([]byte("\ufeff [" + labeltest.ExampleJSON + "," + labeltest.ExampleJSON + "]\n"))
	if err != nil || !array || len(ls) != 2 {
		t.Fatalf("array: %d labels, %v", len(ls), err)
	}
	if _, array, err := label.Decode([]byte("[]")); err != nil || !array {
		t.Errorf("empty array: %v", err)
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	ex := labeltest.ExampleJSON
	for _, c := range []struct {
		in    string
		index int
		field string
		msg   string
	}{
		{"", -1, "", "empty"},
		{"null", -1, "", "not a label"},
		{`"label"`, -1, "", "not a label"},
		{`{"tracking_number":`, -1, "", "ends in the middle"},
		{`{"tracking_number":"1Z"} {}`, -1, "", "after the JSON value"},
		{`{"weight_g":"450"}`, -1, "weight_g", "integer"},
		{`{"to":{"postal_code":94043}}`, -1, "to.postal_code", "string"},
		{`{"trackingnumber":"1Z"}`, -1, "trackingnumber", "unknown field"},
		{"[" + ex + `,{"cod":{"amount":"12"}}]`, 1, "cod.amount", "integer"},
		{"[" + ex + "," + ex + `,{"colour":"red"}]`, 2, "colour", "unknown field"},
		{"[" + ex + `,42]`, 1, "", "not a JSON object"},
		{"[" + ex, -1, "", "ends in the middle"},
	} {
		_, _, err := label.Decode([]byte(c.in))
		var de *label.DecodeError
		if !errors.As(err, &de) {
			t.Errorf("%.40q: %v, want a DecodeError", c.in, err)
			continue
		}
		if de.Index != c.index || de.Field != c.field || !strings.Contains(de.Error(), c.msg) {
			t.Errorf("%.40q: index %d field %q %q; want %d %q %q", c.in, de.Index, de.Field, de.Error(), c.index, c.field, c.msg)
		}
	}
}
