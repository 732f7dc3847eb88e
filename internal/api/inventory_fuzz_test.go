package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"lastmile/internal/address"
	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/store/storetest"
)

// warehouseFuzz is the server FuzzWarehouseBody posts to: one SQLite store and one shop for the
// whole run (a fuzz worker calls its target one input at a time), and the codes created so far,
// which a later create must refuse with 409.
type warehouseFuzz struct {
	env   *env
	key   string
	taken []string
}

func newWarehouseFuzz(f *testing.F) *warehouseFuzz {
	e := newEnv(f, storetest.OpenSQLite(f), config.Config{})
	_, key := e.shop("Fuzz Warehouses", "US")
	return &warehouseFuzz{env: e, key: key}
}

// check posts body to POST /v1/warehouses. decodeErr and in are what decodeStrict made of it.
// The server either refuses the body with a 4xx that has a code and a message (a warehouse
// that decodes but is refused with 422: and names the field; 409: only for a code this shop
// already uses), or creates a warehouse, and then:
// GET reads back exactly what the create answered; what was stored is what was sent (the
// server's id, shop and times aside; addresses normalised, the market code upper-cased); and a
// PUT of what was read back is accepted and changes nothing.
func (wf *warehouseFuzz) check(t *testing.T, body []byte, decodeErr error, in model.Warehouse) {
	e := *wf.env
	e.t = t // env's helpers fail the input's test, not the fuzz target
	res := e.do(http.MethodPost, "/v1/warehouses", wf.key, body)
	switch {
	case res.status == http.StatusCreated:
	case res.status >= 400 && res.status < 500:
		code, field := res.apiErr(t)
		if code == "" {
			t.Fatalf("body %q: %d without an error code: %s", body, res.status, res.body)
		}
		if res.status == http.StatusUnprocessableEntity && decodeErr == nil && field == "" {
			t.Fatalf("body %q: a warehouse refused with 422 naming no field: %s", body, res.body)
		}
		if res.status == http.StatusConflict && (decodeErr != nil || !wf.isTaken(in.Code)) {
			t.Fatalf("body %q: 409 although code %q is not taken (taken: %q): %s", body, in.Code, wf.taken, res.body)
		}
		return
	default:
		t.Fatalf("body %q: status %d, want 201 or a 4xx: %s", body, res.status, res.body)
	}

	if decodeErr != nil {
		t.Fatalf("body %q: created although it does not decode (%v): %s", body, decodeErr, res.body)
	}
	for _, c := range wf.taken {
		if c == in.Code {
			t.Fatalf("body %q: a second warehouse with code %q: %s", body, in.Code, res.body)
		}
	}
	wf.taken = append(wf.taken, in.Code)
	var got model.Warehouse
	res.decode(t, &got)
	if got.ID == "" {
		t.Fatalf("body %q: created without an id: %s", body, res.body)
	}
	path := "/v1/warehouses/" + url.PathEscape(got.ID)

	back := e.do(http.MethodGet, path, wf.key, nil)
	if back.status != http.StatusOK || !sameJSON(back.body, res.body) {
		t.Fatalf("body %q: created\n%s\nread back %d\n%s", body, res.body, back.status, back.body)
	}

	want := in
	want.ID, want.ShopID, want.CreatedAt, want.UpdatedAt = got.ID, got.ShopID, got.CreatedAt, got.UpdatedAt
	want.Address = address.Normalize(in.Address)
	want.ShipFrom = address.Normalize(in.ShipFrom)
	want.ReturnAddress = address.Normalize(in.ReturnAddress)
	if want.Market != "" {
		want.Market = model.NormalizeMarket(string(want.Market))
	}
	wantJSON, _ := json.Marshal(want)
	gotJSON, _ := json.Marshal(got)
	if !bytes.Equal(wantJSON, gotJSON) {
		t.Fatalf("body %q: stored is not what was sent\nsent   %s\nstored %s", body, wantJSON, gotJSON)
	}

	put := e.do(http.MethodPut, path, wf.key, back.body)
	if put.status != http.StatusOK || !sameJSON(put.body, res.body) {
		t.Fatalf("body %q: PUT of the stored warehouse\n%s\nanswered %d\n%s", body, back.body, put.status, put.body)
	}
}

// isTaken reports whether code is one this shop already uses, letter case aside (the store
// may compare codes either way).
func (wf *warehouseFuzz) isTaken(code string) bool {
	for _, c := range wf.taken {
		if strings.EqualFold(c, code) {
			return true
		}
	}
	return false
}

// sameJSON reports whether a and b are the same JSON value.
func sameJSON(a, b []byte) bool {
	var x, y any
	return json.Unmarshal(a, &x) == nil && json.Unmarshal(b, &y) == nil && reflect.DeepEqual(x, y)
}
