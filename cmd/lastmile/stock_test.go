package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lastmile/internal/app"
	"lastmile/internal/config"
	"lastmile/internal/model"
)

func TestStockImportExportCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "stock.db")
	out, errOut, code := runCLI(t, "shop", "create", "--db", db, "--name", "S", "--market", "US")
	var sc shopCreated
	if code != 0 || json.Unmarshal([]byte(out), &sc) != nil {
		t.Fatalf("shop create: %d %s %s", code, out, errOut)
	}
	// Warehouses are made through the API; here through the same service, in-process.
	a, err := app.New(context.Background(), config.Config{DB: db}, false, slog.New(slog.DiscardHandler), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	addr := model.Address{Name: "Dock", Line1: "1 Dock Rd", City: "Newark", Region: "NJ", PostalCode: "07102", Country: "US"}
	_, err = a.Inventory.CreateWarehouse(context.Background(), model.Scope{ShopIDs: []string{sc.ShopID}}, model.Warehouse{
		Code: "EWR1", Name: "Newark", Type: model.WarehouseOverseas, Address: addr, ShipFrom: addr, ReturnAddress: addr, TimeZone: "America/New_York"})
	a.Close()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "counts.csv")
	if err := os.WriteFile(file, []byte("仓库,SKU,库存,安全库存\nEWR1,MUG-1,12,2\nEWR1,MUG-2,x,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = runCLI(t, "stock", "import", file, "--db", db, "--shop", sc.ShopID)
	if code != exitFail || !strings.Contains(out, "2,EWR1,MUG-1,changed") || !strings.Contains(out, "3,EWR1,MUG-2,refused") ||
		!strings.Contains(errOut, "1 changed, 0 unchanged, 1 refused") {
		t.Fatalf("stock import with a bad row: exit %d\n%s\n%s", code, out, errOut)
	}
	export := filepath.Join(dir, "export.csv")
	if _, errOut, code = runCLI(t, "stock", "export", "--db", db, "--shop", sc.ShopID, "--out", export); code != exitOK {
		t.Fatalf("stock export: exit %d %s", code, errOut)
	}
	b, _ := os.ReadFile(export)
	if !strings.Contains(string(b), "EWR1,MUG-1,12,2,,0,10,false") {
		t.Fatalf("export:\n%s", b)
	}
	out, errOut, code = runCLI(t, "stock", "import", export, "--db", db, "--shop", sc.ShopID)
	if code != exitOK || !strings.Contains(out, "2,EWR1,MUG-1,unchanged") {
		t.Fatalf("re-import of the export: exit %d\n%s\n%s", code, out, errOut)
	}
	if _, errOut, code = runCLI(t, "stock", "import", "--db", db, file); code != exitUsage || !strings.Contains(errOut, "--shop is required") {
		t.Fatalf("without --shop: exit %d %s", code, errOut)
	}
}
