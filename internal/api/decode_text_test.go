package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"lastmile/internal/model"
)

// badText are the strings lastmile refuses in any JSON text, as they appear in the body: a
// NUL (valid JSON, but PostgreSQL cannot store it and SQLite would keep it), bytes that are not
// UTF-8, and lone UTF-16 surrogates (both would be turned into U+FFFD, so that two different
// external ids become one).
var badText = []struct {
	name, raw, code string
}{
	{"NUL", `"T-shirt\u0000red"`, "invalid_character"},
	{"NUL alone", `"\u0000"`, "invalid_character"},
	{"invalid UTF-8", "\"T-shirt\xffred\"", "invalid_encoding"},
	{"cut UTF-8", "\"T-shirt\xe4\xb8red\"", "invalid_encoding"},
	{"lone high surrogate", `"T-shirt\ud800red"`, "invalid_encoding"},
	{"lone low surrogate", `"T-shirt\udc00"`, "invalid_encoding"},
	{"reversed surrogates", `"\udc00\ud800"`, "invalid_encoding"},
}

// withRaw marshals v with every string "@@RAW@@" replaced by raw, a JSON string as written on
// the wire (json.Marshal would repair what the tests need broken).
func withRaw(t *testing.T, v any, raw string) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"@@RAW@@"`)) {
		t.Fatalf("no placeholder in %s", b)
	}
	return bytes.ReplaceAll(b, []byte(`"@@RAW@@"`), []byte(raw))
}

// TestBadTextRefusedPerOrder: a NUL, invalid UTF-8 or a lone surrogate in any string of an order
// is a 422 naming the field, on both stores; in a batch it refuses that order alone.
func TestBadTextRefusedPerOrder(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		for _, bt := range badText {
			// One order: every place a string can be.
			for _, place := range []struct {
				field string
				set   func(o map[string]any)
			}{
				{"external_id", func(o map[string]any) { o["external_id"] = "@@RAW@@" }},
				{"buyer.name", func(o map[string]any) { o["buyer"].(map[string]any)["name"] = "@@RAW@@" }},
				{"shipping_address.line1", func(o map[string]any) { o["shipping_address"].(map[string]any)["line1"] = "@@RAW@@" }},
				{"lines[0].name", func(o map[string]any) { o["lines"].([]any)[0].(map[string]any)["name"] = "@@RAW@@" }},
				{"lines[1].sku", func(o map[string]any) {
					l := map[string]any{"sku": "@@RAW@@", "name": "x", "quantity": 1, "unit_price": map[string]any{"amount": 1, "currency": "USD"}}
					o["lines"] = append(o["lines"].([]any), l)
				}},
				{"lines[0].unit_price.currency", func(o map[string]any) {
					o["lines"].([]any)[0].(map[string]any)["unit_price"].(map[string]any)["currency"] = "@@RAW@@"
				}},
				{"status", func(o map[string]any) { o["status"] = "@@RAW@@" }},
			} {
				o := orderJSON("one-"+bt.name+place.field, tPaid, model.StatusAwaitingShipment)
				place.set(o)
				r := e.do("POST", "/v1/orders", key, withRaw(t, o, bt.raw))
				if r.status != 422 {
					t.Errorf("%s in %s: %d %s, want 422", bt.name, place.field, r.status, r.body)
					continue
				}
				if code, field := r.apiErr(t); code != bt.code || field != place.field {
					t.Errorf("%s in %s: error %s on %q, want %s on %q", bt.name, place.field, code, field, bt.code, place.field)
				}
			}
		}

		// A batch: the bad orders are refused alone, in input order; the others are stored.
		const n = 40
		var sb bytes.Buffer
		sb.WriteString(`{"orders":[`)
		bad := map[int]int{} // item → badText index
		for i := range n {
			if i > 0 {
				sb.WriteByte(',')
			}
			o := orderJSON(fmt.Sprintf("batch-%02d", i), tPaid, model.StatusAwaitingShipment)
			if i%5 == 3 {
				k := (i / 5) % len(badText)
				bad[i] = k
				o["lines"].([]any)[0].(map[string]any)["name"] = "@@RAW@@"
				sb.Write(withRaw(t, o, badText[k].raw))
				continue
			}
			b, _ := json.Marshal(o)
			sb.Write(b)
		}
		sb.WriteString(`]}`)
		r := e.do("POST", "/v1/orders:batch", key, sb.Bytes())
		if r.status != 200 {
			t.Fatalf("batch with bad text: %d %s", r.status, r.body)
		}
		var b struct{ Results []batchResult }
		r.decode(t, &b)
		if len(b.Results) != n {
			t.Fatalf("%d results for %d orders", len(b.Results), n)
		}
		for i, res := range b.Results {
			k, isBad := bad[i]
			switch {
			case res.Index != i:
				t.Fatalf("result %d has index %d", i, res.Index)
			case isBad && (res.Error == nil || res.Error.Code != badText[k].code || res.Error.Field != "lines[0].name" || res.ID != ""):
				t.Errorf("item %d (%s): %+v %+v, want %s on lines[0].name", i, badText[k].name, res, res.Error, badText[k].code)
			case !isBad && (res.Error != nil || res.ID == ""):
				t.Errorf("item %d: %+v %+v, want stored", i, res, res.Error)
			}
		}
		var l struct{ Orders []model.Order }
		e.do("GET", "/v1/orders?limit=1000", key, nil).decode(t, &l)
		if len(l.Orders) != n-len(bad) {
			t.Fatalf("%d orders stored, want %d", len(l.Orders), n-len(bad))
		}
		for _, o := range l.Orders {
			if s := o.Lines[0].Name; strings.ContainsRune(s, 0) || strings.ContainsRune(s, utf8.RuneError) {
				t.Fatalf("order %s stored a line name %q", o.ExternalID, s)
			}
		}
	})
}

// TestMalformedExternalIDsDoNotMerge: two external ids that differ only in bytes that are not
// UTF-8 were both read as "A-\uFFFD" and merged into one order; both are refused now.
func TestMalformedExternalIDsDoNotMerge(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		for _, raw := range []string{"\"A-\xff\"", "\"A-\xfe\"", `"A-\ud800"`, `"A-\udbff"`} {
			o := orderJSON("@@RAW@@", tPaid, model.StatusAwaitingShipment)
			r := e.do("POST", "/v1/orders", key, withRaw(t, o, raw))
			if code, field := r.apiErr(t); r.status != 422 || code != "invalid_encoding" || field != "external_id" {
				t.Errorf("external id %s: %d %s", raw, r.status, r.body)
			}
		}
		var l struct{ Orders []model.Order }
		e.do("GET", "/v1/orders", key, nil).decode(t, &l)
		if len(l.Orders) != 0 {
			t.Fatalf("%d orders stored from malformed ids: %+v", len(l.Orders), l.Orders[0].ExternalID)
		}
	})
}

// TestBadTextRefusedOnEveryBody: the other JSON routes refuse the same text with a 422 naming
// the field; none answers 500 on either store.
func TestBadTextRefusedOnEveryBody(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		o := e.confirmedOrder(t, key, "text-1")
		var wh model.Warehouse
		e.do("POST", "/v1/warehouses", key, warehouseJSON("LAX1")).decode(t, &wh)
		for _, bt := range badText {
			for _, c := range []struct {
				method, path string
				body         any
				field        string
			}{
				{"POST", "/v1/warehouses", func() any { w := warehouseJSON("X"); w["name"] = "@@RAW@@"; return w }(), "name"},
				{"POST", "/v1/warehouses", func() any {
					w := warehouseJSON("X")
					w["transit"].([]any)[1].(map[string]any)["service"] = "@@RAW@@"
					return w
				}(), "transit[1].service"},
				{"PUT", "/v1/warehouses/" + wh.ID, func() any { w := warehouseJSON("LAX1"); w["code"] = "@@RAW@@"; return w }(), "code"},
				{"PUT", "/v1/warehouses/" + wh.ID + "/stock/SKU-1", map[string]any{"on_hand": 1, "reason": "@@RAW@@"}, "reason"},
				{"POST", "/v1/inventory/movements", map[string]any{"warehouse_id": wh.ID, "sku": "@@RAW@@", "kind": "receipt", "quantity": 1}, "sku"},
				{"POST", "/v1/orders/" + o.ID + "/cancel", map[string]any{"reason": "@@RAW@@"}, "reason"},
				{"POST", "/v1/orders/" + o.ID + "/release", map[string]any{"reason": "@@RAW@@"}, "reason"},
				{"POST", "/v1/orders:allocate", map[string]any{"order_ids": []any{o.ID, "@@RAW@@"}}, "order_ids[1]"},
				{"PATCH", "/v1/orders/" + o.ID, map[string]any{"shipping_address": map[string]any{"city": "@@RAW@@"}}, "shipping_address.city"},
				{"POST", "/v1/addresses/validate", map[string]any{"city": "@@RAW@@"}, "city"},
				{"POST", "/v1/addresses/validate", map[string]any{"addresses": []any{map[string]any{}, map[string]any{"line1": "@@RAW@@"}}}, "addresses[1].line1"},
				{"POST", "/v1/tracking-numbers:check", map[string]any{"numbers": []any{"1Z", "@@RAW@@"}}, "numbers[1]"},
			} {
				r := e.do(c.method, c.path, key, withRaw(t, c.body, bt.raw))
				if r.status != 422 {
					t.Errorf("%s %s with %s: %d %s, want 422", c.method, c.path, bt.name, r.status, r.body)
					continue
				}
				if code, field := r.apiErr(t); code != bt.code || field != c.field {
					t.Errorf("%s %s with %s: %s on %q, want %s on %q", c.method, c.path, bt.name, code, field, bt.code, c.field)
				}
			}
		}
	})
}

// TestDecodeNamesTheFullPath: unknown members, wrong types and duplicate names are named with
// their full path, line index included.
func TestDecodeNamesTheFullPath(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		line := func(extra string) string {
			return `{"sku":"A","name":"a","quantity":1,"unit_price":{"amount":1,"currency":"USD"}` + extra + `}`
		}
		order := func(lines ...string) string {
			return `{"external_id":"p-1","market":"US","currency":"USD","created_at":"2026-11-20T10:00:00Z",` +
				`"paid_at":"2026-11-20T10:01:00Z","lines":[` + strings.Join(lines, ",") + `]}`
		}
		cases := []struct {
			name, body  string
			status      int
			code, field string
		}{
			{"unknown nested field", order(line(`,"colour":"red"`)), 422, "unknown_field", "lines[0].colour"},
			{"unknown field of the second line", order(line(""), line(`,"colour":"red"`)), 422, "unknown_field", "lines[1].colour"},
			{"unknown field in the address", `{"external_id":"p","shipping_address":{"street":"x"}}`, 422, "unknown_field", "shipping_address.street"},
			{"wrong type deep", order(line(""), `{"sku":"B","unit_price":{"amount":"12.99"}}`), 422, "invalid_type", "lines[1].unit_price.amount"},
			{"wrong type of a line", order(line(""), `"B"`), 422, "invalid_type", "lines[1]"},
			{"fraction for an integer", order(`{"sku":"B","quantity":1.5}`), 422, "invalid_type", "lines[0].quantity"},
			{"duplicate field", `{"external_id":"a","market":"US","external_id":"b"}`, 422, "duplicate_field", "external_id"},
			{"duplicate nested field", order(`{"sku":"A","sku":"B","quantity":1}`), 422, "duplicate_field", "lines[0].sku"},
			{"bad time", `{"external_id":"1","paid_at":"20/11/2026"}`, 422, "invalid_time", "paid_at"},
			{"trailing data", `{} {}`, 400, "malformed_json", ""},
			{"cut short", `{"external_id":"1","lines":[{"sku":`, 400, "malformed_json", ""},
		}
		for _, c := range cases {
			r := e.do("POST", "/v1/orders", key, c.body)
			if r.status != c.status {
				t.Errorf("%s: %d %s, want %d", c.name, r.status, r.body, c.status)
				continue
			}
			if code, field := r.apiErr(t); code != c.code || field != c.field {
				t.Errorf("%s: %s on %q, want %s on %q: %s", c.name, code, field, c.code, c.field, r.body)
			}
		}
		// In a batch, the same errors refuse one item with the path inside that item.
		r := e.do("POST", "/v1/orders:batch", key, `{"orders":[`+order(line(""))+`,`+order(line(`,"colour":"red"`))+`,`+
			`{"external_id":"d","external_id":"e"}]}`)
		var b struct{ Results []batchResult }
		r.decode(t, &b)
		if r.status != 200 || len(b.Results) != 3 || b.Results[0].Error != nil ||
			b.Results[1].Error == nil || b.Results[1].Error.Field != "lines[0].colour" ||
			b.Results[2].Error == nil || b.Results[2].Error.Code != "duplicate_field" {
			t.Fatalf("batch: %d %s", r.status, r.body)
		}
		// A duplicate "orders" is ambiguous: the whole batch is refused.
		r = e.do("POST", "/v1/orders:batch", key, `{"orders":[],"orders":[]}`)
		if code, field := r.apiErr(t); r.status != 422 || code != "duplicate_field" || field != "orders" {
			t.Fatalf("duplicate orders: %d %s", r.status, r.body)
		}
	})
}

// TestBadTextRefusedInCSVImport: a NUL in a CSV cell refuses that row alone, on both stores
// (a CSV file cannot carry a lone surrogate, and its invalid bytes are invalid_encoding already).
func TestBadTextRefusedInCSVImport(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		file := csvHeader + csvRow("n-1") + strings.Replace(csvRow("n-2"), "T-shirt red M", "T-shirt\x00red M", 1) +
			strings.Replace(csvRow("n-3"), "Jane Doe", "Jane\x00Doe", 1) + csvRow("n-4")
		r := e.do("POST", "/v1/orders:import", key, file, "Content-Type", "text/csv")
		if r.status != 200 {
			t.Fatalf("import: %d %s", r.status, r.body)
		}
		recs := csvRecords(t, r.body)
		want := []struct{ status, field string }{{"created", ""}, {"refused", "lines[0].name"}, {"refused", "shipping_address.name"}, {"created", ""}}
		if len(recs) != len(want)+1 {
			t.Fatalf("%d result rows: %q", len(recs)-1, recs)
		}
		for i, w := range want {
			rec := recs[i+1]
			if rec[2] != w.status || !strings.Contains(strings.Join(rec[3:], ","), w.field) {
				t.Errorf("row %d: %q, want %s naming %q", i+2, rec, w.status, w.field)
			}
		}
	})
}

// TestDecodeBatchOnEveryCPU: a batch large enough to be decoded in parallel gives the same
// orders as decoding each alone, and one bad or null order in any share refuses that order only.
func TestDecodeBatchOnEveryCPU(t *testing.T) {
	t.Parallel()
	const n = 3 * decodeChunk
	items := make([][]byte, n)
	for i := range items {
		items[i], _ = json.Marshal(orderJSON(fmt.Sprintf("p-%04d", i), tPaid, model.StatusAwaitingShipment))
	}
	body := func(items [][]byte) []byte {
		return slices.Concat([]byte(`{"orders":[`), bytes.Join(items, []byte(",")), []byte(`]}`))
	}
	orders, index, results, err := decodeBatch(body(items), n)
	if err != nil || len(orders) != n || len(index) != n || len(results) != n {
		t.Fatalf("%d orders, %d indexes, %d results: %v", len(orders), len(index), len(results), err)
	}
	for i, raw := range items {
		var want model.Order
		if err := decodeStrict(raw, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(orders[i], want) || index[i] != i || results[i].Index != i || results[i].Error != nil {
			t.Fatalf("order %d differs from its own decoding: %+v\n%+v", i, orders[i], want)
		}
	}

	bad := slices.Clone(items)
	bad[n-5] = bytes.Replace(bad[n-5], []byte(`"T-shirt red M"`), []byte(`"T-shirt\u0000"`), 1)
	bad[decodeChunk+1] = []byte("null")
	bad[7] = bytes.Replace(bad[7], []byte(`"quantity":2`), []byte(`"quantity":"2"`), 1)
	orders, index, results, err = decodeBatch(body(bad), n)
	if err != nil || len(orders) != n-3 || len(results) != n {
		t.Fatalf("%d orders, %d results: %v", len(orders), len(results), err)
	}
	for i, want := range map[int]string{n - 5: "lines[0].name", decodeChunk + 1: "", 7: "lines[0].quantity"} {
		if results[i].Error == nil || results[i].Error.Field != want {
			t.Errorf("item %d: %+v, want an error on %q", i, results[i].Error, want)
		}
	}
	if slices.Contains(index, 7) || slices.Contains(index, n-5) || index[len(index)-1] != n-1 {
		t.Fatalf("index %v…", index[:10])
	}
}
