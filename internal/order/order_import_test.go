package order_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"lastmile/internal/config"
	"lastmile/internal/model"
	"lastmile/internal/order"
	"lastmile/internal/order/ordercsv"
	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

const header = "external_id,market,currency,status,created_at,paid_at,buyer_name,ship_name,ship_line1,ship_city,ship_region,ship_postal_code,ship_country,ship_phone,sku,item_name,quantity,unit_price,weight_g,length_mm,width_mm,height_mm,declared_name,has_battery\n"

func row(ext, sku, qty string) string {
	return ext + ",US,USD,AWAITING_SHIPMENT,2026-11-20 10:00:00,2026-11-20 10:01:00,Jane Doe,Jane Doe,1600 Amphitheatre Pkwy,Mountain View,CA,94043,US,(650) 555-0100," +
		sku + ",T-shirt red M," + qty + ",12.99,180,250,200,20,Cotton T-shirt,no\n"
}

func setup(t *testing.T, st store.Store) (*order.Service, model.Scope) {
	t.Helper()
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	if err := st.CreateShop(context.Background(), model.Shop{ID: "shop_a", Name: "A", Market: "US", TimeZone: "America/Los_Angeles", CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	svc := order.NewService(st, config.DefaultMarkets(), func() time.Time { return now }, slog.New(slog.DiscardHandler))
	return svc, model.Scope{ShopIDs: []string{"shop_a"}}
}

func runImport(t *testing.T, im *order.Service, sc model.Scope, file io.Reader) (order.ImportSummary, [][]string) {
	t.Helper()
	var out bytes.Buffer
	sum, err := im.ImportCSV(context.Background(), sc, "shop_a", file, ordercsv.Options{}, ordercsv.NewResultWriter(&out), nil)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(out.Bytes(), []byte("\xef\xbb\xbf")))).ReadAll()
	if err != nil {
		t.Fatalf("results are not CSV: %v", err)
	}
	if strings.Join(recs[0], ",") != "row,external_id,status,problems,needs_attention" {
		t.Fatalf("results header %v", recs[0])
	}
	return sum, recs[1:]
}

// TestOneBadRowInTenThousand: the other 9,999 are imported, the bad one is reported by its row,
// and importing the file again changes nothing.
func TestOneBadRowInTenThousand(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st store.Store) {
		im, sc := setup(t, st)
		var b strings.Builder
		b.WriteString(header)
		const n, bad = 10_000, 4_321
		for i := range n {
			qty := "2"
			if i == bad {
				qty = "two"
			}
			b.WriteString(row(fmt.Sprintf("57%016d", i), "TSHIRT-RED-M", qty))
		}
		sum, results := runImport(t, im, sc, strings.NewReader(b.String()))
		if sum.Rows != n || sum.ByOrder["created"] != n-1 || sum.Refused != 1 || len(results) != n {
			t.Fatalf("summary %+v, %d results", sum, len(results))
		}
		r := results[bad]
		if r[0] != fmt.Sprint(bad+2) || r[2] != "refused" || !strings.Contains(r[3], "quantity") {
			t.Fatalf("the bad row's result: %v", r)
		}
		stored := 0
		var after *store.Cursor
		for {
			page, err := st.ListOrders(context.Background(), store.OrderQuery{ShopIDs: sc.ShopIDs, After: after, Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			stored += len(page)
			after = &store.Cursor{ModifiedAt: page[len(page)-1].ModifiedAt, ID: page[len(page)-1].ID}
		}
		if stored != n-1 {
			t.Fatalf("%d orders stored, want %d", stored, n-1)
		}
		sum, _ = runImport(t, im, sc, strings.NewReader(b.String()))
		if sum.ByOrder["unchanged"] != n-1 || sum.ByOrder["created"] != 0 {
			t.Fatalf("re-import: %+v; want every order unchanged", sum)
		}
	})
}

// TestEncodingsAndMultiLineOrders: the same orders saved as UTF-8 with and without BOM and as
// GB18030 (what Chinese Excel writes) import alike; an order's lines are grouped by external_id;
// a held order and a refused order are reported as such.
func TestEncodingsAndMultiLineOrders(t *testing.T) {
	t.Parallel()
	file := header +
		row("9001", "TSHIRT-RED-M", "2") +
		row("9001", "PB-10000", "1") +
		strings.Replace(row("9002", "TSHIRT-RED-M", "1"), ",94043,", ",9404,", 1) +
		strings.Replace(row("9003", "TSHIRT-RED-M", "1"), "Jane Doe,Jane Doe", "张三,张三", 1)
	gbk, err := simplifiedchinese.GB18030.NewEncoder().String(file)
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{"utf8": file, "utf8-bom": "\xef\xbb\xbf" + file, "gb18030": gbk} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			im, sc := setup(t, storetest.OpenSQLite(t))
			sum, results := runImport(t, im, sc, strings.NewReader(content))
			want := [][2]string{{"2", "created"}, {"3", "created"}, {"4", "held"}, {"5", "held"}}
			for i, w := range want {
				if results[i][0] != w[0] || results[i][2] != w[1] {
					t.Errorf("row %s: %v, want %s", w[0], results[i], w[1])
				}
			}
			if !strings.Contains(results[2][3], "postal_code_format") || !strings.Contains(results[3][3], "non_latin_script") {
				t.Errorf("held rows do not say why: %v / %v", results[2], results[3])
			}
			if sum.Orders != 3 {
				t.Errorf("%d orders, want 3", sum.Orders)
			}
			list, _, err := im.List(context.Background(), sc, order.ListQuery{ExternalID: "9001"})
			if err != nil || len(list) != 1 || len(list[0].Lines) != 2 || list[0].Lines[1].SKU != "PB-10000" {
				t.Fatalf("order 9001: %+v %v", list, err)
			}
			if list[0].ShippingAddress.Phone != "+16505550100" {
				t.Errorf("phone not normalised: %q", list[0].ShippingAddress.Phone)
			}
		})
	}
}
