package api

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/store"
)

// FuzzDecodeOrder feeds arbitrary bytes through the path an order body takes before the store:
// strict decoding, error mapping, normalisation and validation. It must never panic, a refusal
// must always be a 4xx that names a code and says what is wrong, and an order that decodes holds
// no string with a NUL or bytes that are not UTF-8.
func FuzzDecodeOrder(f *testing.F) {
	example, _ := json.Marshal(orderJSON("576461413038785752", tPaid, model.StatusAwaitingShipment))
	for _, seed := range []string{
		string(example), `{}`, `null`, `[]`, `{"external_id":5}`, `{"lines":[{"quantity":"2"}]}`,
		`{"created_at":"yesterday"}`, `{"cod":{"amount":-1}}`, `{"market":"UK","currency":"gbp"}`,
		`{"external_id":"1","x":1}`, "\xff\xfe", `{"lines":[null,{}]}`, `{"paid_at":null}`,
		`{"external_id":"a\u0000"}`, "{\"buyer\":{\"name\":\"\xff\"}}", `{"lines":[{"sku":"\ud800"}]}`, `{"market":"US","market":"GB"}`,
	} {
		f.Add([]byte(seed))
	}
	markets := config.DefaultMarkets()
	f.Fuzz(func(t *testing.T, raw []byte) {
		var o model.Order
		if err := decodeStrict(raw, &o); err != nil {
			ae := decodeError(err, raw, "")
			if ae.Status < 400 || ae.Status > 499 || ae.Code == "" || ae.Message == "" {
				t.Fatalf("decode error mapped to %d %q %q for %q", ae.Status, ae.Code, ae.Message, raw)
			}
			return
		}
		if bad := badString(reflect.ValueOf(o)); bad != "" {
			t.Fatalf("decoded a string holding %q from %q", bad, raw)
		}
		order.Normalize(&o)
		for _, p := range order.Validate(&o, markets) {
			if p.Code == "" || p.Message == "" || p.Field == "" {
				t.Fatalf("problem without code, message or field: %+v", p)
			}
		}
	})
}

// FuzzDecodeBatch checks a batch body is either refused as a whole with a 4xx, or split into
// items each of which is an order or is refused on its own with a 4xx.
func FuzzDecodeBatch(f *testing.F) {
	f.Add([]byte(`{"orders":[{},{"external_id":1},null,[]]}`))
	f.Add([]byte(`{"orders":[{"external_id":"a","lines":[{"sku":"x","quantity":1}]}]}`))
	f.Add([]byte(`{"orders":null}`))
	f.Add([]byte(`{"orders":{}}`))
	f.Add([]byte(`{"orders":[`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		orders, index, results, err := decodeBatch(raw, 100)
		if err != nil {
			if ae := toAPIError(err, ""); ae.Status < 400 || ae.Status > 499 {
				t.Fatalf("batch refused with %d", ae.Status)
			}
			return
		}
		if len(orders) != len(index) || len(results) > 100 || len(orders) > len(results) {
			t.Fatalf("%d orders, %d indexes, %d results (max 100)", len(orders), len(index), len(results))
		}
		accepted := map[int]bool{}
		for j, i := range index {
			if i < 0 || i >= len(results) || accepted[i] || (j > 0 && i <= index[j-1]) {
				t.Fatalf("index %v: not increasing input positions", index)
			}
			accepted[i] = true
		}
		for i, r := range results {
			if r.Index != i || accepted[i] != (r.Error == nil) {
				t.Fatalf("item %d: accepted %v, result %+v: an item is an order or an error, never both or neither", i, accepted[i], r)
			}
			if r.Error != nil && (r.Error.Status < 400 || r.Error.Status > 499 || r.Error.Code == "" || r.Error.Message == "") {
				t.Fatalf("item %d refused with %+v", i, r.Error)
			}
		}
		for _, o := range orders {
			if bad := badString(reflect.ValueOf(o)); bad != "" {
				t.Fatalf("accepted an order holding %q", bad)
			}
		}
	})
}

// FuzzCursor: any string is either refused or a cursor that encodes back to an equivalent one.
func FuzzCursor(f *testing.F) {
	f.Add(encodeCursor(store.Cursor{ModifiedAt: time.Date(2026, 11, 21, 9, 0, 0, 123000, time.UTC), ID: "ord_01M7YAHFT3WD8XRWMEF5Z2MX06"}))
	f.Add("")
	f.Add("bm9wZQ")
	f.Add("LTEuYQ") // "-1.a"
	f.Fuzz(func(t *testing.T, s string) {
		c, err := decodeCursor(s)
		if err != nil {
			return
		}
		again, err := decodeCursor(encodeCursor(*c))
		if err != nil || !again.ModifiedAt.Equal(c.ModifiedAt) || again.ID != c.ID {
			t.Fatalf("cursor %q does not round-trip: %+v vs %+v (%v)", s, c, again, err)
		}
	})
}

// FuzzStockCursor: a stock listing's page token, from a client, never panics, and every token
// it accepts round-trips.
func FuzzStockCursor(f *testing.F) {
	f.Add(encodeStockCursor(store.StockKey{WarehouseID: "wh_01M7YAHFT3WD8XRWMEF5Z2MX06", SKU: "TSHIRT-RED-M"}))
	f.Add("")
	f.Add("bm9wZQ")
	f.Add("AA") // "\x00"
	f.Fuzz(func(t *testing.T, s string) {
		k, err := decodeStockCursor(s)
		if err != nil {
			return
		}
		again, err := decodeStockCursor(encodeStockCursor(*k))
		if err != nil || *again != *k {
			t.Fatalf("stock cursor %q does not round-trip: %+v vs %+v (%v)", s, k, again, err)
		}
	})
}

// FuzzWarehouseBody: any body sent to POST /v1/warehouses either decodes or gives a client error
// naming what is wrong; it never panics. Then the real server on SQLite refuses it with a 4xx
// (422 naming the field) or stores it and reads back what was sent (warehouseFuzz.check).
func FuzzWarehouseBody(f *testing.F) {
	good, _ := json.Marshal(warehouseJSON("LAX1"))
	f.Add(good)
	f.Add([]byte(`{"code":1}`))
	f.Add([]byte(`{"transit":[{"country":"US","max_days":"2"}]}`))
	f.Add([]byte(`[`))
	f.Add(good) // again: the code is taken now, 409
	messy := warehouseJSON("gb-1")
	messy["market"], messy["id"], messy["created_at"] = "uk", "wh_mine", "2020-01-01T00:00:00Z"
	messy["address"] = map[string]any{"name": "Ｌｏｎｄｏｎ　ＤＣ", "line1": "１ Dock Rd，Unit ２", "city": "London",
		"postal_code": "e16 2aa", "country": " uk ", "phone": "020 7946 0018"}
	messyJSON, _ := json.Marshal(messy)
	f.Add(messyJSON)
	wf := newWarehouseFuzz(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		var w model.Warehouse
		err := decodeStrict(body, &w)
		if err != nil {
			if ae := decodeError(err, body, ""); ae.Status < 400 || ae.Status >= 500 || ae.Message == "" || ae.Code == "" {
				t.Fatalf("body %q: error %+v is not a client error with a code and a message", body, ae)
			}
		} else if bad := badString(reflect.ValueOf(w)); bad != "" {
			// What decodes is what the store gets: no string with a NUL or bytes that are not UTF-8.
			t.Fatalf("decoded a string holding %q from %q", bad, body)
		}
		wf.check(t, body, err, w)
	})
}

// FuzzQuickSplit: when the structural split of a batch finds elements that are each valid JSON,
// the careful reader finds the same elements in the same body, so the fast path never accepts
// a body the careful one would refuse, nor splits it differently.
func FuzzQuickSplit(f *testing.F) {
	for _, s := range []string{
		`{"orders":[]}`, ` { "orders" : [ {"a":"]},{"}, [1,[2]], "x\"]", null ] } `, `{"orders":[{},]}`,
		`{"orders":[{"a":1]]}`, `{"orders":[1 2]}`, `{"orders":[{"b":"\\"},"c"]}`, `{"orders":[{}],"orders":[]}`,
		`{"orders":["\u0000", "\ud800"]}`, "{\"orders\":[\"\xff\"]}", `{"orders":[{"a":"\\\\"}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		quick, ok := quickSplit(body, "orders")
		if !ok {
			return
		}
		for _, e := range quick {
			if !jsontext.Value(e).IsValid(jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true)) {
				return // the fast path decodes each element strictly and gives up on this one
			}
		}
		careful, missing, err := splitMember(body, "orders")
		if err != nil || missing {
			t.Fatalf("quickSplit took %q apart, splitMember refused it: %v (missing %v)", body, err, missing)
		}
		if len(careful) != len(quick) {
			t.Fatalf("%q: %d elements quickly, %d carefully", body, len(quick), len(careful))
		}
		for i := range quick {
			if !bytes.Equal(quick[i], careful[i]) {
				t.Fatalf("%q: element %d is %q quickly, %q carefully", body, i, quick[i], careful[i])
			}
		}
	})
}
