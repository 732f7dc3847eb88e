package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"lastmile/internal/model"
)

// TestOpenAPICoversEveryRoute holds the hand-written OpenAPI document to the route table.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	t.Parallel()
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	s := &Server{}
	documented := 0
	for _, rt := range s.routes() {
		method, path, _ := strings.Cut(rt.pattern, " ")
		if _, ok := doc.Paths[path][strings.ToLower(method)]; !ok {
			t.Errorf("route %s is not in openapi.json", rt.pattern)
		}
		documented++
	}
	ops := 0
	for _, p := range doc.Paths {
		ops += len(p)
	}
	if ops != documented {
		t.Errorf("openapi.json documents %d operations, the server has %d routes", ops, documented)
	}
}

func TestHealthReadyMetricsOpenAPI(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		e.do("POST", "/v1/orders", key, orderJSON("m-1", tPaid, model.StatusAwaitingShipment))
		e.do("GET", "/v1/orders/ord_missing", key, nil)
		for path, want := range map[string]string{"/healthz": `"ok"`, "/readyz": `"ready"`, "/v1/openapi.json": `"openapi"`} {
			if r := e.do("GET", path, "", nil); r.status != 200 || !strings.Contains(string(r.body), want) {
				t.Errorf("%s: %d %s", path, r.status, r.body)
			}
		}
		r := e.do("GET", "/metrics", "", nil)
		for _, want := range []string{
			`lastmile_http_requests_total{code="201",route="POST /v1/orders"} 1`,
			`lastmile_http_requests_total{code="404",route="GET /v1/orders/{id}"} 1`,
			`lastmile_orders_upserted_total{outcome="created"} 1`,
			`lastmile_http_request_duration_seconds_bucket`,
		} {
			if !strings.Contains(string(r.body), want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
		e.store.Close()
		if r := e.do("GET", "/readyz", "", nil); r.status != http.StatusServiceUnavailable {
			t.Errorf("readyz with a closed store: %d", r.status)
		}
	})
}
