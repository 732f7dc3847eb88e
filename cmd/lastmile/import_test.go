package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestImportOrdersCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "imp.db")
	out, errOut, code := runCLI(t, "shop", "create", "--db", db, "--name", "S", "--market", "US")
	var sc shopCreated
	if code != 0 || json.Unmarshal([]byte(out), &sc) != nil {
		t.Fatalf("shop create: %d %s %s", code, out, errOut)
	}
	head := "订单号,market,currency,created_at,paid_at,收件人,ship_line1,ship_city,ship_region,ship_postal_code,ship_country,ship_phone,sku,quantity,unit_price,weight_g,length_mm,width_mm,height_mm,declared_name\n"
	good := "1001,US,USD,2026-11-20 10:00,2026-11-20 10:01,Jane Doe,1 Main St,Austin,TX,78701,US,(512) 555-0100,TSHIRT,2,12.99,180,250,200,20,Cotton T-shirt\n"
	bad := "1002,US,USD,2026-11-20 10:00,2026-11-20 10:01,Jane Doe,1 Main St,Austin,TX,78701,US,(512) 555-0100,TSHIRT,two,12.99,180,250,200,20,Cotton T-shirt\n"
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	okFile := write("ok.csv", "\ufeff"+head+good)
	mixed := write("mixed.csv", head+good+bad)

	out, errOut, code = runCLI(t, "import", "orders", okFile, "--db", db, "--shop", sc.ShopID)
	if code != exitOK || !strings.Contains(out, "2,1001,created") || !strings.Contains(errOut, "1 orders") {
		t.Fatalf("clean file: exit %d\n%s\n%s", code, out, errOut)
	}
	results := filepath.Join(dir, "results.csv")
	_, errOut, code = runCLI(t, "import", "orders", "--db", db, "--shop", sc.ShopID, "--out", results, mixed)
	res, _ := os.ReadFile(results)
	if code != exitFail || !strings.Contains(string(res), "2,1001,unchanged") || !strings.Contains(string(res), "3,1002,refused") ||
		!strings.Contains(errOut, "1 rows refused") {
		t.Fatalf("file with a bad row: exit %d\n%s\n%s", code, res, errOut)
	}
	if _, _, code := runCLI(t, "import", "orders", filepath.Join(dir, "missing.csv"), "--db", db, "--shop", sc.ShopID); code != exitUsage {
		t.Fatalf("missing file: exit %d", code)
	}
	noSKU := write("nosku.csv", "external_id,quantity\n1,2\n")
	if _, errOut, code := runCLI(t, "import", "orders", noSKU, "--db", db, "--shop", sc.ShopID); code != exitUsage || !strings.Contains(errOut, "sku") {
		t.Fatalf("file without an sku column: exit %d %s", code, errOut)
	}
	if _, errOut, code := runCLI(t, "import", "orders", okFile, "--db", db, "--shop", "shop_nope"); code != exitFail || !strings.Contains(errOut, "not found") {
		t.Fatalf("unknown shop: exit %d %s", code, errOut)
	}
}
