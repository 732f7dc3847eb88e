package api

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"lastmile/internal/order"
	"net/http"
	"strings"
	"testing"

	"lastmile/internal/model"
)

const csvHeader = "external_id,market,currency,created_at,paid_at,ship_name,ship_line1,ship_city,ship_region,ship_postal_code,ship_country,ship_phone,sku,item_name,quantity,unit_price,weight_g,length_mm,width_mm,height_mm,declared_name,has_battery\n"

func csvRow(ext string) string {
	return ext + ",US,USD,2026-11-20 10:00,2026-11-20 10:01,Jane Doe,1600 Amphitheatre Pkwy,Mountain View,CA,94043,US,+16505550100,TSHIRT-RED-M,T-shirt red M,2,12.99,180,250,200,20,Cotton T-shirt,no\n"
}

func csvRecords(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		t.Fatalf("CSV without a UTF-8 BOM: Excel would garble Chinese text: %.60q", b)
	}
	recs, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v", err)
	}
	return recs
}

func TestImportAndExportCSV(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		file := csvHeader + csvRow("c-1") + strings.Replace(csvRow("c-1"), "TSHIRT-RED-M,T-shirt red M", "PB-10000,Power bank 10000mAh", 1) +
			csvRow("c-2") + strings.Replace(csvRow("c-3"), ",2,12.99,", ",0,12.99,", 1)
		req, _ := http.NewRequest("POST", e.url+"/v1/orders:import", strings.NewReader(file))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "text/csv")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("import: %d %s", res.StatusCode, body)
		}
		recs := csvRecords(t, body)
		want := [][]string{{"row", "external_id", "status"}, {"2", "c-1", "created"}, {"3", "c-1", "created"}, {"4", "c-2", "created"}, {"5", "c-3", "refused"}}
		for i, w := range want {
			if strings.Join(recs[i][:3], ",") != strings.Join(w, ",") {
				t.Errorf("result %d: %v, want %v", i, recs[i], w)
			}
		}
		if !strings.Contains(recs[4][3], "quantity") {
			t.Errorf("the refused row does not name the field: %v", recs[4])
		}
		var sum order.ImportSummary
		if err := json.Unmarshal([]byte(res.Trailer.Get("Lastmile-Import-Summary")), &sum); err != nil || sum.Orders != 3 || sum.Refused != 1 {
			t.Errorf("summary trailer %q: %+v %v", res.Trailer.Get("Lastmile-Import-Summary"), sum, err)
		}

		// Export, then import the export into another shop: the same orders come back.
		r := e.do("GET", "/v1/orders:export?format=csv", key, nil)
		if r.status != 200 || r.header.Get("Content-Disposition") == "" {
			t.Fatalf("export: %d %s", r.status, r.body)
		}
		exp := csvRecords(t, r.body)
		if len(exp) != 4 { // header + c-1 (two lines) + c-2
			t.Fatalf("export has %d rows, want 4:\n%s", len(exp), r.body)
		}
		_, keyB := e.shop("B", "US")
		r2 := e.do("POST", "/v1/orders:import", keyB, r.body)
		for _, rec := range csvRecords(t, r2.body)[1:] {
			if rec[2] != "created" {
				t.Fatalf("re-importing the export: %v", rec)
			}
		}
		var a, b struct{ Orders []model.Order }
		e.do("GET", "/v1/orders?external_id=c-1", key, nil).decode(t, &a)
		e.do("GET", "/v1/orders?external_id=c-1", keyB, nil).decode(t, &b)
		if len(a.Orders) != 1 || len(b.Orders) != 1 {
			t.Fatalf("c-1 in A %d, in B %d", len(a.Orders), len(b.Orders))
		}
		oa, ob := a.Orders[0], b.Orders[0]
		if oa.ShippingAddress != ob.ShippingAddress || len(ob.Lines) != 2 || oa.Lines[1] != ob.Lines[1] ||
			!oa.CreatedAt.Equal(ob.CreatedAt) || !oa.PaidAt.Equal(*ob.PaidAt) || oa.Status != ob.Status {
			t.Fatalf("the export does not round-trip:\n%+v\n%+v", oa, ob)
		}

		for name, tc := range map[string]struct {
			path, body  string
			status      int
			code, field string
		}{
			"no sku column":   {"/v1/orders:import", "external_id,quantity\n1,2\n", 422, "missing_column", "sku"},
			"empty file":      {"/v1/orders:import", "", 422, "empty_file", ""},
			"bad format":      {"/v1/orders:export?format=xlsx", "", 422, "invalid_value", "format"},
			"bad status":      {"/v1/orders:export?status=NOPE", "", 422, "status_unknown", "status"},
			"unknown shop_id": {"/v1/orders:import?shop_id=shop_nope", csvHeader, 404, "not_found", ""},
		} {
			method := "POST"
			if strings.HasPrefix(tc.path, "/v1/orders:export") {
				method = "GET"
			}
			r := e.do(method, tc.path, key, tc.body)
			if code, field := r.apiErr(t); r.status != tc.status || code != tc.code || field != tc.field {
				t.Errorf("%s: %d %s", name, r.status, r.body)
			}
		}
	})
}

// TestImportCountsOrders: orders that come by CSV import are counted in
// lastmile_orders_upserted_total by outcome, as the JSON routes count theirs.
func TestImportCountsOrders(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, e *env) {
		_, key := e.shop("A", "US")
		file := csvHeader + csvRow("m-1") + csvRow("m-2") + strings.Replace(csvRow("m-3"), ",2,12.99,", ",0,12.99,", 1)
		e.do("POST", "/v1/orders:import", key, file)
		e.do("POST", "/v1/orders:import", key, csvHeader+csvRow("m-1")) // unchanged
		e.do("POST", "/v1/orders", key, orderJSON("m-4", tPaid, model.StatusAwaitingShipment))
		r := e.do("GET", "/metrics", "", nil)
		for _, want := range []string{
			`lastmile_orders_upserted_total{outcome="created"} 3`, // two by file, one by JSON
			`lastmile_orders_upserted_total{outcome="refused"} 1`,
			`lastmile_orders_upserted_total{outcome="unchanged"} 1`,
		} {
			if !strings.Contains(string(r.body), want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
	})
}
