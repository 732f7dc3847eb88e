package api

import (
	"strings"
	"testing"

	"lastmile/internal/config"
	"lastmile/internal/store/storetest"
)

// TestErrorsThatHelp: unknown routes and methods answer the JSON error body (not text/plain);
// a key sent without "Bearer" is told so; a 404 names what was not found (issue 16 items 6, 16).
func TestErrorsThatHelp(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.OpenSQLite(t), config.Config{})
	_, key := e.shop("A", "US")
	for _, c := range []struct {
		name, method, path, auth string
		status                   int
		code, field, contains    string
	}{
		{"unknown route", "GET", "/v1/nothing-here", "Bearer " + key, 404, "no_such_route", "", "GET /v1/nothing-here"},
		{"unknown route, no key", "GET", "/nope", "", 404, "no_such_route", "", "openapi"},
		{"wrong method", "DELETE", "/v1/orders", "Bearer " + key, 405, "method_not_allowed", "", "GET, POST"},
		{"key without Bearer", "GET", "/v1/orders", key, 401, "unauthorized", "", "without the word Bearer"},
		{"another scheme", "GET", "/v1/orders", "Basic Zm9vOmJhcg==", 401, "unauthorized", "", `scheme \"Basic\"`},
		{"no header", "GET", "/v1/orders", "", 401, "unauthorized", "", "no Authorization header"},
		{"order not found", "GET", "/v1/orders/ord_missing", "Bearer " + key, 404, "not_found", "id", "order ord_missing"},
		{"shipment not found", "GET", "/v1/shipments/shp_missing", "Bearer " + key, 404, "not_found", "id", "shipment shp_missing"},
		{"batch not found", "GET", "/v1/batches/bat_missing", "Bearer " + key, 404, "not_found", "id", "batch bat_missing"},
	} {
		r := e.do(c.method, c.path, "", nil, "Authorization", c.auth)
		code, field := r.apiErr(t)
		if r.status != c.status || code != c.code || field != c.field || !strings.Contains(string(r.body), c.contains) ||
			!strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
			t.Errorf("%s: %d %s %s", c.name, r.status, r.header.Get("Content-Type"), r.body)
		}
		if c.status == 405 && r.header.Get("Allow") == "" {
			t.Errorf("%s: no Allow header", c.name)
		}
	}
}
