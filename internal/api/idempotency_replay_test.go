package api

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
)

// labelRequest is one label to render.
const labelRequest = `{"tracking_number":"1Z999AA10123456784","carrier":"ups","service":"Ground","order_external_id":"576461413038785752",
	"package_index":1,"package_count":1,"weight_g":450,"sort_code":"LAX-03",
	"from":{"name":"Shenzhen Seller Ltd","line1":"1 Warehouse Way","city":"Ontario","region":"CA","postal_code":"91761","country":"US"},
	"to":{"name":"Jane Doe","line1":"1600 Amphitheatre Pkwy","city":"Mountain View","region":"CA","postal_code":"94043","country":"US","phone":"+16505550100"},
	"cod":null,"has_battery":false,"anti_counterfeit_qr":null}`

// TestReplayKeepsContentType: a replayed response is the response: a PDF label comes back as a
// PDF, import results as CSV, not relabelled as JSON.
func TestReplayKeepsContentType(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		label := labelRequest
		first := e.do("POST", "/v1/labels:render", key, label, "Idempotency-Key", "label-1", "Accept", "application/pdf")
		if first.status != 200 || first.header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(first.body, []byte("%PDF")) {
			t.Fatalf("label: %d %s %.40q", first.status, first.header.Get("Content-Type"), first.body)
		}
		again := e.do("POST", "/v1/labels:render", key, label, "Idempotency-Key", "label-1", "Accept", "application/pdf")
		if again.header.Get("Idempotent-Replayed") != "true" || again.header.Get("Content-Type") != "application/pdf" || !bytes.Equal(again.body, first.body) {
			t.Fatalf("replay: replayed=%q type=%q same=%v", again.header.Get("Idempotent-Replayed"), again.header.Get("Content-Type"), bytes.Equal(again.body, first.body))
		}
		imp := csvHeader + csvRow("r-1")
		e.do("POST", "/v1/orders:import", key, imp, "Idempotency-Key", "imp-1")
		r := e.do("POST", "/v1/orders:import", key, imp, "Idempotency-Key", "imp-1")
		if r.header.Get("Idempotent-Replayed") != "true" || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
			t.Fatalf("import replay: %q %q", r.header.Get("Idempotent-Replayed"), r.header.Get("Content-Type"))
		}
		// lastmile's own headers and trailers come back too: the import's summary (without
		// which the results would look cut), an upsert's outcome.
		if sum := r.trailer.Get("Lastmile-Import-Summary"); sum == "" || !strings.Contains(sum, `"rows":1`) {
			t.Errorf("import replay without its summary trailer: %q", sum)
		}
		up := orderJSON("r-2", tPaid, "AWAITING_SHIPMENT")
		e.do("POST", "/v1/orders", key, up, "Idempotency-Key", "up-1")
		if r := e.do("POST", "/v1/orders", key, up, "Idempotency-Key", "up-1"); r.status != http.StatusCreated ||
			r.header.Get("Idempotent-Replayed") != "true" || r.header.Get("Lastmile-Outcome") != "created" {
			t.Errorf("upsert replay: %d replayed %q outcome %q", r.status, r.header.Get("Idempotent-Replayed"), r.header.Get("Lastmile-Outcome"))
		}
		if r := e.do("POST", "/v1/labels:render", key, label, "Accept", "text/html"); r.status != http.StatusNotAcceptable {
			t.Fatalf("Accept text/html: %d", r.status)
		}
	})
}
