package api

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"lastmile/internal/model"
)

// patchOrder sends a PATCH and decodes the order it answers, failing on anything but 200.
func (e *env) patchOrder(t *testing.T, key, id, body string, headers ...string) model.Order {
	t.Helper()
	r := e.do("PATCH", "/v1/orders/"+id, key, body, headers...)
	var o model.Order
	r.decode(t, &o)
	if r.status != http.StatusOK {
		t.Fatalf("PATCH %s: %d %s", body, r.status, r.body)
	}
	return o
}

// correctedFields lists the fields of the order's address correction.
func correctedFields(o model.Order) string {
	c := o.Corrections
	if c == nil || c.ShippingAddress == nil {
		return ""
	}
	a := c.ShippingAddress
	var out []string
	for _, f := range []struct {
		name string
		v    *string
	}{{"name", a.Name}, {"company", a.Company}, {"line1", a.Line1}, {"line2", a.Line2}, {"city", a.City}, {"region", a.Region},
		{"postal_code", a.PostalCode}, {"country", a.Country}, {"phone", a.Phone}, {"email", a.Email}} {
		if f.v != nil {
			out = append(out, f.name+"="+*f.v)
		}
	}
	return strings.Join(out, " ")
}

// TestPatchAddressIsAMergePatch: PATCH follows JSON merge patch (RFC 7396). A partial address
// keeps the fields it does not name; only the fields that differ from the marketplace's become
// corrections, and only those override a newer marketplace version; null withdraws a
// correction, so the marketplace's newest value applies again. The checks run after every
// change.
func TestPatchAddressIsAMergePatch(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		in := orderJSON("patch-1", tPaid, model.StatusAwaitingShipment)
		var o model.Order
		e.do("POST", "/v1/orders", key, in).decode(t, &o)

		// The request: only the postal code. Nothing else is blanked; the Austin code
		// no longer matches California, so the order is held.
		got := e.patchOrder(t, key, o.ID, `{"shipping_address":{"postal_code":"78701"}}`)
		a := got.ShippingAddress
		if a.Name != "Jane Doe" || a.Line1 != "1600 Amphitheatre Pkwy" || a.City != "Mountain View" || a.Country != "US" ||
			a.Phone != "+16505550100" || a.PostalCode != "78701" || correctedFields(got) != "postal_code=78701" {
			t.Fatalf("partial patch: %+v, corrections %q", a, correctedFields(got))
		}
		if !got.NeedsAttention || problemCodes(got)["shipping_address.postal_code"] != "postal_code_region_mismatch" {
			t.Fatalf("the checks did not run again: needs_attention=%v %+v", got.NeedsAttention, got.Problems)
		}

		// Finish the move to Austin, normalised on the way; the unchanged name is no correction.
		got = e.patchOrder(t, key, o.ID, `{"shipping_address":{"name":"Jane Doe","line1":"1 Congress Ave","city":"Austin","region":"Texas"}}`,
			"Content-Type", "application/merge-patch+json")
		if got.NeedsAttention || len(got.Problems) != 0 ||
			correctedFields(got) != "line1=1 Congress Ave city=Austin region=TX postal_code=78701" {
			t.Fatalf("second patch: needs_attention=%v %+v, corrections %q", got.NeedsAttention, got.Problems, correctedFields(got))
		}

		// A newer marketplace version with a new phone and line2: those apply, the corrected
		// fields stay over the marketplace's.
		in["updated_at"] = tPaid.Add(time.Hour).Format(time.RFC3339)
		addr := in["shipping_address"].(map[string]any)
		addr["phone"], addr["line2"], addr["line1"] = "+16505550199", "Suite 5", "1601 Amphitheatre Pkwy"
		e.do("POST", "/v1/orders", key, in).decode(t, &got)
		a = got.ShippingAddress
		if a.Phone != "+16505550199" || a.Line2 != "Suite 5" || a.Line1 != "1 Congress Ave" || a.City != "Austin" ||
			a.PostalCode != "78701" || got.NeedsAttention {
			t.Fatalf("newer marketplace version over a partial correction: %+v needs_attention=%v", a, got.NeedsAttention)
		}

		// Withdraw one field: the marketplace's newest line1 applies again.
		got = e.patchOrder(t, key, o.ID, `{"shipping_address":{"line1":null}}`)
		if got.ShippingAddress.Line1 != "1601 Amphitheatre Pkwy" || strings.Contains(correctedFields(got), "line1") {
			t.Fatalf("withdraw line1: %+v, corrections %q", got.ShippingAddress, correctedFields(got))
		}

		// Withdraw the whole address correction: the marketplace's newest address, checked.
		got = e.patchOrder(t, key, o.ID, `{"shipping_address":null}`)
		a = got.ShippingAddress
		if a.City != "Mountain View" || a.PostalCode != "94043" || a.Region != "CA" || a.Phone != "+16505550199" ||
			a.Line1 != "1601 Amphitheatre Pkwy" || got.Corrections != nil || got.NeedsAttention {
			t.Fatalf("withdraw the address: %+v corrections %+v needs_attention=%v", a, got.Corrections, got.NeedsAttention)
		}
		if last := got.History[len(got.History)-1]; last.Kind != model.EventCorrected {
			t.Fatalf("the withdrawal is not in the history: %+v", last)
		}
		// And it stays withdrawn under the next marketplace version.
		in["updated_at"] = tPaid.Add(2 * time.Hour).Format(time.RFC3339)
		addr["city"] = "Palo Alto"
		addr["postal_code"] = "94301"
		e.do("POST", "/v1/orders", key, in).decode(t, &got)
		if got.ShippingAddress.City != "Palo Alto" || got.ShippingAddress.PostalCode != "94301" {
			t.Fatalf("after the withdrawal the marketplace's address must apply: %+v", got.ShippingAddress)
		}
	})
}

// TestPatchLinesIsAMergePatch: lines are matched by sku; each line's fields merge the same way,
// null withdrawing one field, "lines": null every line correction.
func TestPatchLinesIsAMergePatch(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		in := orderJSON("patch-2", tPaid, model.StatusAwaitingShipment)
		var o model.Order
		e.do("POST", "/v1/orders", key, in).decode(t, &o)

		got := e.patchOrder(t, key, o.ID, `{"lines":[{"sku":"TSHIRT-RED-M","weight_g":250,"has_battery":true}]}`)
		if l := got.Lines[0]; l.WeightG != 250 || !l.HasBattery || l.DeclaredName != "Cotton T-shirt" || l.LengthMM != 250 {
			t.Fatalf("line patch: %+v", l)
		}
		got = e.patchOrder(t, key, o.ID, `{"lines":[{"sku":"TSHIRT-RED-M","weight_g":null}]}`)
		if l := got.Lines[0]; l.WeightG != 180 || !l.HasBattery {
			t.Fatalf("withdraw weight_g: %+v, want the marketplace's 180 g and the battery kept", l)
		}
		lc := got.Corrections.Lines["TSHIRT-RED-M"]
		if lc.WeightG != nil || lc.HasBattery == nil {
			t.Fatalf("line correction after withdrawing weight_g: %+v", lc)
		}
		// A weight of 0 from the marketplace holds the order; the seller's weight releases it,
		// and a newer marketplace version still without a weight does not undo it.
		in["updated_at"] = tPaid.Add(time.Hour).Format(time.RFC3339)
		in["lines"].([]any)[0].(map[string]any)["weight_g"] = 0
		e.do("POST", "/v1/orders", key, in).decode(t, &got)
		if !got.NeedsAttention || !got.Lines[0].HasBattery {
			t.Fatalf("marketplace version without weight: needs_attention=%v %+v", got.NeedsAttention, got.Lines[0])
		}
		got = e.patchOrder(t, key, o.ID, `{"lines":[{"sku":"TSHIRT-RED-M","weight_g":200}]}`)
		if got.NeedsAttention || got.Lines[0].WeightG != 200 {
			t.Fatalf("weight corrected: needs_attention=%v %+v", got.NeedsAttention, got.Problems)
		}
		got = e.patchOrder(t, key, o.ID, `{"lines":null}`)
		if l := got.Lines[0]; l.WeightG != 0 || l.HasBattery || got.Corrections != nil || !got.NeedsAttention {
			t.Fatalf(`"lines": null: %+v corrections %+v needs_attention=%v`, l, got.Corrections, got.NeedsAttention)
		}
	})
}

// TestPatchContract: an empty patch changes nothing; bad patches name their field; other
// patch formats are refused.
func TestPatchContract(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		var o model.Order
		e.do("POST", "/v1/orders", key, orderJSON("patch-3", tPaid, model.StatusAwaitingShipment)).decode(t, &o)

		if got := e.patchOrder(t, key, o.ID, `{}`); got.Version != o.Version || got.Corrections != nil {
			t.Fatalf("an empty merge patch changed the order: v%d → v%d, %+v", o.Version, got.Version, got.Corrections)
		}
		for body, want := range map[string]string{
			`{"lines":[{"sku":"NOPE","has_battery":true}]}`:                                                    "sku_unknown lines[0].sku",
			`{"lines":[{"sku":"TSHIRT-RED-M","weight_g":0}]}`:                                                  "out_of_range lines[0].weight_g",
			`{"lines":[{"has_battery":true}]}`:                                                                 "missing_field lines[0].sku",
			`{"lines":[{"sku":"TSHIRT-RED-M","declared_name":""}]}`:                                            "missing_field lines[0].declared_name",
			`{"lines":[{"sku":"TSHIRT-RED-M","has_battery":true},{"sku":"TSHIRT-RED-M","has_battery":false}]}`: "duplicate lines[1].sku",
			`{"shipping_address":{"postal_code":78701}}`:                                                       "invalid_type shipping_address.postal_code",
			`{"shipping_address":{"city":"` + strings.Repeat("x", 1001) + `"}}`:                                "too_long shipping_address.city",
			`{"status":"CANCELLED"}`:                                                                           "unknown_field status",
		} {
			r := e.do("PATCH", "/v1/orders/"+o.ID, key, body)
			if code, field := r.apiErr(t); r.status != http.StatusUnprocessableEntity || code+" "+field != want {
				t.Errorf("PATCH %.80s: %d %s, want 422 %s", body, r.status, r.body, want)
			}
		}
		r := e.do("PATCH", "/v1/orders/"+o.ID, key, `{"shipping_address":{"colour":"red"}}`)
		if code, field := r.apiErr(t); r.status != http.StatusUnprocessableEntity || code != "unknown_field" || !strings.HasSuffix(field, "colour") {
			t.Errorf("unknown address field: %d %s", r.status, r.body)
		}
		r = e.do("PATCH", "/v1/orders/"+o.ID, key, `[{"op":"replace","path":"/shipping_address/city","value":"x"}]`,
			"Content-Type", "application/json-patch+json")
		if code, _ := r.apiErr(t); r.status != http.StatusUnsupportedMediaType || code != "unsupported_media_type" {
			t.Fatalf("JSON Patch: %d %s, want 415", r.status, r.body)
		}
		var after model.Order
		e.do("GET", "/v1/orders/"+o.ID, key, nil).decode(t, &after)
		if after.Version != o.Version {
			t.Fatalf("refused patches changed the order: v%d → v%d", o.Version, after.Version)
		}
	})
}
