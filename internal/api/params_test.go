package api

import (
	"encoding/base64"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestBadTextInPathAndQuery: a NUL or bytes that are not UTF-8 in a path id or a query filter
// are a 4xx naming the parameter on every route and both stores, never a 500.
func TestBadTextInPathAndQuery(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		wildcard := regexp.MustCompile(`\{([a-z_]+)\}`)
		for _, rt := range e.srv.routes() {
			method, path, _ := strings.Cut(rt.pattern, " ")
			names := wildcard.FindAllStringSubmatch(path, -1)
			for _, n := range names {
				for _, bad := range []string{"%00", "ord%00x", "%FF", "%ED%A0%80"} { // NUL, not UTF-8, an encoded surrogate
					p := path
					for _, other := range names {
						v := "x"
						if other[1] == n[1] {
							v = bad
						}
						p = strings.Replace(p, other[0], v, 1)
					}
					r := e.do(method, p, key, "{}")
					if r.status < 400 || r.status > 499 {
						t.Errorf("%s %s: %d %s, want a 4xx", method, p, r.status, r.body)
						continue
					}
					if code, field := r.apiErr(t); field != n[1] || (code != "invalid_character" && code != "invalid_encoding") {
						t.Errorf("%s %s: %s on %q, want the parameter %q named", method, p, code, field, n[1])
					}
				}
			}
		}
		for _, q := range []struct{ path, param string }{
			{"/v1/orders", "external_id"},
			{"/v1/orders", "status"},
			{"/v1/orders", "cursor"},
			{"/v1/orders:export", "external_id"},
			{"/v1/inventory", "sku"},
			{"/v1/inventory", "warehouse"},
			{"/v1/inventory/movements", "sku"},
			{"/v1/inventory/movements", "warehouse"},
			{"/v1/inventory/movements", "order_id"},
			{"/v1/inventory/safety-stock", "warehouse"},
			{"/v1/inventory/safety-stock", "sku"},
			{"/v1/inventory:export", "warehouse"},
			{"/v1/inventory:export", "sku"},
		} {
			for _, bad := range []string{"%00", "a%00b", "%FF", "%ED%A0%80"} {
				p := q.path + "?" + q.param + "=" + bad
				if q.param != "warehouse" && strings.Contains(q.path, "safety") {
					p += "&warehouse=wh_x"
				}
				r := e.do("GET", p, key, nil)
				if r.status < 400 || r.status > 499 {
					t.Errorf("GET %s: %d %s, want a 4xx", p, r.status, r.body)
					continue
				}
				if code, field := r.apiErr(t); field != q.param || (code != "invalid_character" && code != "invalid_encoding") {
					t.Errorf("GET %s: %s on %q, want the parameter %q named", p, code, field, q.param)
				}
			}
		}
		// An API key is ASCII; one with other bytes in its id is unknown, not a database error.
		id := strings.Split(key, "_")[1]
		for _, bad := range []string{"\xff", "\x80", "é"} {
			k := strings.Replace(key, id, strings.Repeat(bad, len(id)/len(bad)), 1)
			if r := e.do("GET", "/v1/orders", k, nil); r.status != http.StatusUnauthorized {
				t.Errorf("key with %q in its id: %d %s", bad, r.status, r.body)
			}
		}
		// A stock cursor carries a NUL between its parts by design; one with a NUL in a part,
		// or bytes that are not UTF-8, is not one this API made.
		for _, c := range []string{encodeStockCursorRaw("SKU\x00\x00wh"), encodeStockCursorRaw("SKU\x00wh\x00x"), encodeStockCursorRaw("\xff\x00wh")} {
			r := e.do("GET", "/v1/inventory?cursor="+c, key, nil)
			if code, field := r.apiErr(t); r.status != http.StatusUnprocessableEntity || code != "invalid_cursor" || field != "cursor" {
				t.Errorf("stock cursor %q: %d %s", c, r.status, r.body)
			}
		}
	})
}

func encodeStockCursorRaw(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
