package order_test

import (
	"strings"
	"testing"

	"lastmile/internal/store"
	"lastmile/internal/store/storetest"
)

// TestImportNamesTheFilesColumn: a file with Chinese headers gets results that name its own
// columns (邮编, not shipping_address.postal_code) on the row of the problem, and the rows of a
// held order say needs_attention, on both stores (issue 16 item 10).
func TestImportNamesTheFilesColumn(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st store.Store) {
		im, sc := setup(t, st)
		file := "订单号,市场,币种,状态,下单时间,付款时间,收件人,地址,城市,州/省,邮编,国家,电话,商品SKU,商品名称,数量,单价,重量(g),长(mm),宽(mm),高(mm),申报品名\n" +
			"7001,US,USD,AWAITING_SHIPMENT,2026-11-20 10:00:00,2026-11-20 10:01:00,Jane Doe,1600 Amphitheatre Pkwy,Mountain View,CA,94043,US,(650) 555-0100,SKU-1,T-shirt,1,12.99,180,250,200,20,Cotton T-shirt\n" +
			"7002,US,USD,AWAITING_SHIPMENT,2026-11-20 10:00:00,2026-11-20 10:01:00,Jane Doe,1600 Amphitheatre Pkwy,Mountain View,CA,9404,US,(650) 555-0100,SKU-1,T-shirt,1,12.99,180,250,200,20,Cotton T-shirt\n" +
			"7003,US,USD,AWAITING_SHIPMENT,2026-11-20 10:00:00,2026-11-20 10:01:00,Jane Doe,1600 Amphitheatre Pkwy,Mountain View,CA,94043,US,(650) 555-0100,SKU-1,T-shirt,two,12.99,180,250,200,20,Cotton T-shirt\n"
		_, results := runImport(t, im, sc, strings.NewReader(file))
		if len(results) != 3 {
			t.Fatalf("%d results: %v", len(results), results)
		}
		if r := results[0]; r[2] != "created" || r[4] != "false" {
			t.Errorf("good row: %v", r)
		}
		held := results[1]
		if held[0] != "3" || held[2] != "held" || held[4] != "true" || !strings.Contains(held[3], "postal_code_format 邮编:") {
			t.Errorf("held row: %v; want row 3 held, needs_attention true, the problem on 邮编", held)
		}
		if strings.Contains(held[3], "shipping_address") {
			t.Errorf("held row names an API field: %v", held)
		}
		refused := results[2]
		if refused[0] != "4" || refused[2] != "refused" || refused[4] != "false" || !strings.Contains(refused[3], " 数量:") {
			t.Errorf("refused row: %v; want row 4 refused on 数量", refused)
		}
	})
}
