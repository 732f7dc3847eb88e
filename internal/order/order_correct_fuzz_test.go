package order_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"lastmile/internal/address"
	"lastmile/internal/model"
	"lastmile/internal/order"
)

// FuzzCorrect feeds PATCH bodies to Correct. Whatever decodes is refused naming every field, or
// applied with the properties of a merge patch over field-level corrections:
//
//   - applying it again changes nothing (a merge patch is idempotent);
//   - a newer version of the same content from the source shows the same fields: the
//     corrections alone reproduce what the patch did;
//   - withdrawing every correction gives back the source's address and lines exactly;
//   - a correction never equals the source value it replaced.
func FuzzCorrect(f *testing.F) {
	for _, s := range []string{
		`{"shipping_address":{"postal_code":"78701"}}`,
		`{"shipping_address":{"region":"Texas","city":"Austin","postal_code":"７８７０１","country":"us"}}`,
		`{"shipping_address":{"name":"Jane Doe","phone":"(512) 555-0100"}}`,
		`{"shipping_address":{"country":"GB","postal_code":"sw1a1aa","phone":"020 7946 0018"}}`,
		`{"shipping_address":{"line1":null},"lines":null}`,
		`{"shipping_address":null}`,
		`{"lines":[{"sku":"TSHIRT-RED-M","weight_g":250,"has_battery":true,"declared_name":"Cotton"}]}`,
		`{"lines":[{"sku":"TSHIRT-RED-M","weight_g":null,"length_mm":1}]}`,
		`{"lines":[{"sku":"NOPE"}]}`,
		`{}`,
	} {
		f.Add([]byte(s))
	}
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		var p order.Patch
		if dec.Decode(&p) != nil {
			return
		}
		p.SetNulls(body)
		src := withID(contractOrder())
		src.ShippingAddress = address.Normalize(src.ShippingAddress)
		o, _, err := order.Merge(nil, src, now, "test")
		if err != nil {
			t.Fatal(err)
		}
		changed, err := order.Correct(&o, p, now, "test")
		if err != nil {
			var ve *model.ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) == 0 {
				t.Fatalf("err = %v, want a validation error", err)
			}
			for _, q := range ve.Problems {
				if q.Code == "" || q.Field == "" || q.Message == "" {
					t.Fatalf("problem without code, field or message: %+v", q)
				}
			}
			return
		}
		if !changed {
			return
		}
		again := cloneOrder(o)
		if changed, err := order.Correct(&again, p, now.Add(time.Minute), "test"); err != nil || changed {
			t.Fatalf("the same patch again: changed %v, %v\nfirst: %+v\nagain: %+v", changed, err, o.ShippingAddress, again.ShippingAddress)
		}
		newer := src
		newer.UpdatedAt = newer.UpdatedAt.Add(time.Hour)
		merged, _, err := order.Merge(&o, newer, now.Add(time.Hour), "test")
		if err != nil {
			t.Fatal(err)
		}
		if merged.ShippingAddress != o.ShippingAddress || !reflect.DeepEqual(merged.Lines, o.Lines) {
			t.Fatalf("a newer version of the same content shows other fields:\n got %+v %+v\nwant %+v %+v",
				merged.ShippingAddress, merged.Lines, o.ShippingAddress, o.Lines)
		}
		if c := o.Corrections; c != nil && c.ShippingAddress != nil && c.Replaced != nil && c.Replaced.ShippingAddress != nil {
			for _, pair := range [][2]*string{
				{c.ShippingAddress.Name, c.Replaced.ShippingAddress.Name}, {c.ShippingAddress.Line1, c.Replaced.ShippingAddress.Line1},
				{c.ShippingAddress.City, c.Replaced.ShippingAddress.City}, {c.ShippingAddress.Region, c.Replaced.ShippingAddress.Region},
				{c.ShippingAddress.PostalCode, c.Replaced.ShippingAddress.PostalCode}, {c.ShippingAddress.Country, c.Replaced.ShippingAddress.Country},
				{c.ShippingAddress.Phone, c.Replaced.ShippingAddress.Phone},
			} {
				if pair[0] != nil && pair[1] != nil && *pair[0] == *pair[1] {
					t.Fatalf("a correction equals the source's value %q", *pair[0])
				}
			}
		}
		withdraw := order.Patch{WithdrawAddress: true, WithdrawLines: true}
		if _, err := order.Correct(&o, withdraw, now.Add(2*time.Hour), "test"); err != nil {
			t.Fatal(err)
		}
		if o.ShippingAddress != src.ShippingAddress || !reflect.DeepEqual(o.Lines, src.Lines) || o.Corrections != nil {
			t.Fatalf("withdrawing everything:\n got %+v %+v %+v\nwant %+v %+v", o.ShippingAddress, o.Lines, o.Corrections,
				src.ShippingAddress, src.Lines)
		}
	})
}
