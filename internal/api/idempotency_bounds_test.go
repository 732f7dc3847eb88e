package api

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"lastmile/internal/config"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// TestIdempotencyBounds: with an Idempotency-Key the body past the spool bound waits in a file,
// not in memory, and an import still reports every row; a response over MaxReplayBytes is sent
// whole but kept only as its status, type and size: a retry of an import gets 409 saying so, a
// retry of a label render (which changes nothing) renders again; smaller responses replay
// byte for byte.
func TestIdempotencyBounds(t *testing.T) {
	t.Parallel()
	const (
		spoolMem  = 16 << 10
		maxReplay = 32 << 10
	)
	storetest.Each(t, func(t *testing.T, st store.Store) {
		dir := t.TempDir()
		e := newEnvWith(t, st, config.Config{}, func(d *Deps) { d.SpoolMemory, d.MaxReplayBytes, d.SpoolDir = spoolMem, maxReplay, dir })
		_, key := e.shop("A", "US")
		sc, err := e.tenants.Authenticate(context.Background(), key)
		if err != nil {
			t.Fatal(err)
		}
		record := func(idemKey string) *store.IdempotencyRecord {
			t.Helper()
			now := e.clock.now()
			rec, err := e.store.ClaimIdempotencyKey(context.Background(), store.IdempotencyClaim{KeyID: sc.KeyID, Key: idemKey,
				RequestHash: "probe", Now: now, LeaseUntil: now.Add(time.Minute), ExpiredBefore: now.Add(-time.Hour)})
			if err != nil || rec == nil {
				t.Fatalf("record of %s: %+v %v", idemKey, rec, err)
			}
			return rec
		}

		// A keyed import of a file larger than the spool's memory bound, with results larger
		// than what is kept.
		file := ordersImport.rows(2000)
		first := e.do("POST", "/v1/orders:import", key, file, "Idempotency-Key", "imp-big", "Content-Type", "text/csv")
		if first.status != http.StatusOK || len(csvRecords(t, first.body)) != 2001 || first.trailer.Get("Lastmile-Import-Summary") == "" {
			t.Fatalf("keyed import: %d, %d bytes, summary %q", first.status, len(first.body), first.trailer.Get("Lastmile-Import-Summary"))
		}
		if len(first.body) <= maxReplay {
			t.Fatalf("the results are %d bytes: the test needs more than %d", len(first.body), maxReplay)
		}
		m := string(e.do("GET", "/metrics", "", nil).body)
		if want := fmt.Sprintf(`lastmile_http_spooled_bytes_total{to="file"} %d`, len(file)); !strings.Contains(m, want) {
			t.Errorf("the body was not spooled to a file: /metrics lacks %s", want)
		}
		if left, _ := os.ReadDir(dir); len(left) != 0 {
			t.Errorf("%d spool files left behind", len(left))
		}
		if rec := record("imp-big"); !rec.Done || rec.Response.Kept() || len(rec.Response.Body) != 0 || rec.Response.Size != int64(len(first.body)) {
			t.Errorf("the big import's record: done %v, %d bytes kept, size %d; want done, nothing kept, size %d",
				rec.Done, len(rec.Response.Body), rec.Response.Size, len(first.body))
		}
		r := e.do("POST", "/v1/orders:import", key, file, "Idempotency-Key", "imp-big", "Content-Type", "text/csv")
		if code, field := r.apiErr(t); r.status != http.StatusConflict || code != "idempotency_response_not_kept" || field != "Idempotency-Key" ||
			!strings.Contains(string(r.body), fmt.Sprint(len(first.body))) {
			t.Errorf("retry of the big import: %d %s", r.status, r.body)
		}

		// A 30-label PDF: more than is kept; a retry renders the same bytes again.
		labels := "[" + strings.TrimSuffix(strings.Repeat(labelRequest+",", 30), ",") + "]"
		pdf := e.do("POST", "/v1/labels:render", key, labels, "Idempotency-Key", "labels-big", "Accept", "application/pdf")
		if pdf.status != http.StatusOK || len(pdf.body) <= maxReplay {
			t.Fatalf("labels: %d, %d bytes (the test needs more than %d)", pdf.status, len(pdf.body), maxReplay)
		}
		if rec := record("labels-big"); rec.Response.Kept() || len(rec.Response.Body) != 0 {
			t.Errorf("the PDF's record keeps %d bytes; want none", len(rec.Response.Body))
		}
		again := e.do("POST", "/v1/labels:render", key, labels, "Idempotency-Key", "labels-big", "Accept", "application/pdf")
		if again.status != http.StatusOK || !bytes.Equal(again.body, pdf.body) || again.header.Get("Idempotent-Replayed") != "" {
			t.Errorf("retry of the big render: %d, same %v, replayed %q", again.status, bytes.Equal(again.body, pdf.body), again.header.Get("Idempotent-Replayed"))
		}

		// Small responses are kept and replayed byte for byte, a spooled body's included.
		small := ordersImport.rows(100) // over the spool's memory bound, results well under the replay bound
		one := e.do("POST", "/v1/orders:import", key, small, "Idempotency-Key", "imp-small")
		two := e.do("POST", "/v1/orders:import", key, small, "Idempotency-Key", "imp-small")
		if one.status != http.StatusOK || two.header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(one.body, two.body) {
			t.Errorf("small import replay: %d, replayed %q, same %v", one.status, two.header.Get("Idempotent-Replayed"), bytes.Equal(one.body, two.body))
		}
		if r := e.do("POST", "/v1/orders:import", key, ordersImport.rows(101), "Idempotency-Key", "imp-small"); r.status != http.StatusUnprocessableEntity {
			t.Errorf("the key with another body: %d %s", r.status, r.body)
		}
	})
}
