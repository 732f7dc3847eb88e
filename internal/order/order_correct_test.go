package order_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/order"
)

// patch decodes a merge patch as the API does: strictly, then the members that are null.
func patch(t *testing.T, body string) order.Patch {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader([]byte(body)))
	dec.DisallowUnknownFields()
	var p order.Patch
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("patch %s: %v", body, err)
	}
	p.SetNulls([]byte(body))
	return p
}

// correct applies the patch body to o, which must change.
func correct(t *testing.T, o *model.Order, body string, at time.Time) {
	t.Helper()
	changed, err := order.Correct(o, patch(t, body), at, "test")
	if err != nil || !changed {
		t.Fatalf("Correct(%s) = %v, %v", body, changed, err)
	}
}

func s(v string) *string { return &v }

// newerVersion is contractOrder from the source, h hours later, edited.
func newerVersion(h int, edit func(o *model.Order)) model.Order {
	o := withID(contractOrder())
	o.UpdatedAt = o.UpdatedAt.Add(time.Duration(h) * time.Hour)
	edit(&o)
	return o
}

// TestCorrectAddressIsAMergePatch: a partial address keeps the other fields; only values that
// differ from the source's become corrections, normalised; a newer source version keeps the
// corrected fields and brings the rest; null withdraws a correction and the source's newest
// value applies again.
func TestCorrectAddressIsAMergePatch(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	o, _, err := order.Merge(nil, withID(contractOrder()), now, "test")
	if err != nil {
		t.Fatal(err)
	}
	correct(t, &o, `{"shipping_address":{"postal_code":"７８７０１","region":"Texas","city":"Austin","name":"Jane Doe"}}`, now)
	a := o.ShippingAddress
	if a.Name != "Jane Doe" || a.Line1 != "1600 Amphitheatre Pkwy" || a.Phone != "+16505550100" || a.Country != "US" ||
		a.PostalCode != "78701" || a.Region != "TX" || a.City != "Austin" {
		t.Fatalf("partial patch: %+v", a)
	}
	want := model.Corrections{
		ShippingAddress: &model.AddressCorrection{City: s("Austin"), Region: s("TX"), PostalCode: s("78701")},
		Replaced:        &model.Replaced{ShippingAddress: &model.AddressCorrection{City: s("Mountain View"), Region: s("CA"), PostalCode: s("94043")}},
		At:              now,
	}
	if got := jsonOf(t, o.Corrections); got != jsonOf(t, want) {
		t.Fatalf("corrections %s\nwant %s", got, jsonOf(t, want))
	}
	if last := o.History[len(o.History)-1]; last.Kind != model.EventCorrected || o.Version != 2 {
		t.Fatalf("history %+v, version %d", last, o.Version)
	}

	// The source moves the street and the phone, and fixes the city itself.
	merged, _, err := order.Merge(&o, newerVersion(1, func(n *model.Order) {
		n.ShippingAddress.Line1, n.ShippingAddress.Phone, n.ShippingAddress.City = "1601 Amphitheatre Pkwy", "+16505550199", "Mountain View West"
	}), now.Add(time.Hour), "test")
	if err != nil {
		t.Fatal(err)
	}
	a = merged.ShippingAddress
	if a.Line1 != "1601 Amphitheatre Pkwy" || a.Phone != "+16505550199" || a.City != "Austin" || a.Region != "TX" || a.PostalCode != "78701" {
		t.Fatalf("merged over a partial correction: %+v", a)
	}
	if r := merged.Corrections.Replaced.ShippingAddress; *r.City != "Mountain View West" || *r.PostalCode != "94043" {
		t.Fatalf("replaced after the merge: %s", jsonOf(t, r))
	}
	if *o.Corrections.Replaced.ShippingAddress.City != "Mountain View" {
		t.Fatal("the merge changed the stored order's corrections")
	}

	// Withdraw the city: the source's newest city.
	correct(t, &merged, `{"shipping_address":{"city":null}}`, now.Add(2*time.Hour))
	if merged.ShippingAddress.City != "Mountain View West" || merged.Corrections.ShippingAddress.City != nil ||
		merged.Corrections.Replaced.ShippingAddress.City != nil {
		t.Fatalf("withdraw city: %+v %s", merged.ShippingAddress, jsonOf(t, merged.Corrections))
	}
	// Setting a field back to the source's value ends its correction.
	correct(t, &merged, `{"shipping_address":{"region":"CA"}}`, now.Add(2*time.Hour))
	if merged.Corrections.ShippingAddress.Region != nil || merged.ShippingAddress.Region != "CA" {
		t.Fatalf("region back to the source's: %s", jsonOf(t, merged.Corrections))
	}
	// Withdraw the address: every field the source's, no corrections left.
	correct(t, &merged, `{"shipping_address":null}`, now.Add(3*time.Hour))
	if merged.ShippingAddress.PostalCode != "94043" || merged.Corrections != nil {
		t.Fatalf("withdraw the address: %+v %s", merged.ShippingAddress, jsonOf(t, merged.Corrections))
	}
	// Nothing left to withdraw: nothing changes.
	if changed, err := order.Correct(&merged, patch(t, `{"shipping_address":null,"lines":null}`), now, "test"); changed || err != nil {
		t.Fatalf("withdrawing nothing: %v %v", changed, err)
	}
	if changed, err := order.Correct(&merged, patch(t, `{"shipping_address":{"city":"Mountain View West"}}`), now, "test"); changed || err != nil {
		t.Fatalf("the source's own value: %v %v", changed, err)
	}
}

// TestCorrectLinesIsAMergePatch: lines by SKU, every line of the SKU alike; null withdraws a
// field, "lines": null every line correction.
func TestCorrectLinesIsAMergePatch(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	in := withID(contractOrder())
	in.Lines = append(in.Lines, in.Lines[0]) // the same SKU twice
	in.Lines[1].Quantity = 1
	o, _, _ := order.Merge(nil, in, now, "test")
	correct(t, &o, `{"lines":[{"sku":"TSHIRT-RED-M","weight_g":250,"has_battery":true,"declared_name":"Cotton T-shirt"}]}`, now)
	for i, l := range o.Lines {
		if l.WeightG != 250 || !l.HasBattery {
			t.Fatalf("line %d: %+v", i, l)
		}
	}
	lc := o.Corrections.Lines["TSHIRT-RED-M"]
	if lc.DeclaredName != nil || *lc.WeightG != 250 || *o.Corrections.Replaced.Lines["TSHIRT-RED-M"].WeightG != 180 {
		t.Fatalf("line correction %s (the unchanged customs name is none)", jsonOf(t, o.Corrections))
	}
	correct(t, &o, `{"lines":[{"sku":"TSHIRT-RED-M","weight_g":null}]}`, now)
	if o.Lines[0].WeightG != 180 || o.Lines[1].WeightG != 180 || !o.Lines[1].HasBattery {
		t.Fatalf("withdraw weight_g: %+v", o.Lines)
	}
	// A newer version without weights: the battery correction stays, the weight follows.
	o, _, _ = order.Merge(&o, newerVersion(1, func(n *model.Order) { n.Lines[0].WeightG = 0 }), now, "test")
	if o.Lines[0].WeightG != 0 || !o.Lines[0].HasBattery {
		t.Fatalf("after the merge: %+v", o.Lines[0])
	}
	correct(t, &o, `{"lines":null}`, now)
	if o.Lines[0].HasBattery || o.Corrections != nil {
		t.Fatalf(`"lines": null: %+v %s`, o.Lines[0], jsonOf(t, o.Corrections))
	}
}

// TestLegacyCorrectionsStillRead: before corrections were field-level, the whole corrected
// address was stored. Read back, every field it has is a correction, over every later version;
// a field it lacks (omitted when empty) follows the source. The source's values were not kept:
// withdrawn before the next version, a field keeps its value; after one, the version's applies.
func TestLegacyCorrectionsStillRead(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	stored, _, _ := order.Merge(nil, withID(contractOrder()), now, "test")
	stored.ShippingAddress = model.Address{Name: "Jane Doe", Line1: "1 Main St", City: "Austin", Region: "TX", PostalCode: "78701", Country: "US"}
	legacy := `{"shipping_address":{"name":"Jane Doe","line1":"1 Main St","line2":"","city":"Austin","region":"TX","postal_code":"78701","country":"US"},"at":"2026-11-21T09:00:00Z"}`
	if err := json.Unmarshal([]byte(legacy), &stored.Corrections); err != nil {
		t.Fatal(err)
	}
	if c := stored.Corrections.ShippingAddress; c == nil || *c.City != "Austin" || *c.Line2 != "" || c.Phone != nil {
		t.Fatalf("legacy correction read as %s", jsonOf(t, stored.Corrections))
	}

	// Withdrawn before any newer version: the source's value is unknown, the value stays.
	o := stored
	correct(t, &o, `{"shipping_address":{"city":null}}`, now)
	if o.ShippingAddress.City != "Austin" || o.Corrections.ShippingAddress.City != nil {
		t.Fatalf("legacy withdrawal: %+v", o.ShippingAddress)
	}

	merged, _, err := order.Merge(&stored, newerVersion(1, func(n *model.Order) { n.ShippingAddress.Phone = "+16505550199" }), now, "test")
	if err != nil {
		t.Fatal(err)
	}
	if a := merged.ShippingAddress; a.City != "Austin" || a.Line1 != "1 Main St" || a.Phone != "+16505550199" {
		t.Fatalf("legacy correction over a newer version: %+v", a)
	}
	correct(t, &merged, `{"shipping_address":null}`, now)
	if a := merged.ShippingAddress; a.City != "Mountain View" || a.Line1 != "1600 Amphitheatre Pkwy" || merged.Corrections != nil {
		t.Fatalf("withdrawn after a newer version: %+v", a)
	}
}

// TestPatchDecoding: a member's wrong type names its path; null and absent differ.
func TestPatchDecoding(t *testing.T) {
	t.Parallel()
	dec := json.NewDecoder(bytes.NewReader([]byte(`{"lines":[{"sku":"A","weight_g":"heavy"}]}`)))
	dec.DisallowUnknownFields()
	var p order.Patch
	var te *json.UnmarshalTypeError
	if err := dec.Decode(&p); !errors.As(err, &te) || te.Field != "lines.weight_g" {
		t.Fatalf("err = %v (%+v), want a type error at lines.weight_g", err, te)
	}
	p = patch(t, `{"shipping_address":{"city":null,"region":"TX"},"lines":null}`)
	a := p.ShippingAddress
	if !a.City.Set || !a.City.Null || !a.Region.Set || a.Region.Null || a.Region.Value != "TX" || a.Line1.Set || !p.WithdrawLines || p.WithdrawAddress {
		t.Fatalf("decoded %+v", p)
	}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
