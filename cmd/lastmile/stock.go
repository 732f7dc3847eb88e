package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"lastmile/internal/inventory"
	"lastmile/internal/inventory/inventorycsv"
	"lastmile/internal/model"
)

const stockImportUsage = `Usage: lastmile stock import FILE.csv --shop ID [--db URL] [--out RESULTS.csv]

Sets stock levels from a CSV file of counts (columns in docs/csv.md, "Stock files": warehouse,
sku, on_hand, safety_stock, reason; Chinese headers accepted), saved as UTF-8 (with or without
BOM), GB18030/GBK or UTF-16. The warehouse is its code or id. An empty cell leaves that figure as
it is. Every change goes into the stock ledger as an adjustment (reason: the row's, or "stock file
import"); importing the same file again changes nothing. Writes one result per row
(row,warehouse,sku,status,problems) to --out, or to standard output. Statuses: changed,
unchanged, refused.

Exit status: 0 when every row was imported, 1 when some rows were refused (see the results),
2 when the file cannot be read or the flags are wrong.

Flags:
`

func runStockImport(ctx context.Context, args []string, s stdio) int {
	fs := flag.NewFlagSet("lastmile stock import", flag.ContinueOnError)
	fs.SetOutput(s.err)
	fs.Usage = func() {
		fmt.Fprint(s.err, stockImportUsage)
		fs.PrintDefaults()
	}
	in, code, ok := openFileImport(ctx, fs, args, s, "stock import", "the shop whose warehouses the file counts (required)", "importing stock")
	if !ok {
		return code
	}
	defer in.close()
	scope := model.Scope{KeyID: "cli", ShopIDs: []string{in.shop}}
	sum, err := in.app.Inventory.ImportCSV(ctx, scope, in.shop, in.src, inventorycsv.NewResultWriter(in.out), nil)
	var he *inventorycsv.HeaderError
	if errors.As(err, &he) {
		fmt.Fprintf(s.err, "lastmile stock import: %s: %v\n", in.file, he)
		return exitUsage
	}
	if err != nil {
		return fail(s, "stock import", fmt.Errorf("%s: after %d rows: %w", in.file, sum.Rows, err))
	}
	fmt.Fprintf(s.err, "lastmile stock import: %s: %d rows: %d changed, %d unchanged, %d refused\n",
		in.file, sum.Rows, sum.Changed, sum.Unchanged, sum.Refused)
	return in.refused("stock import", sum.Refused)
}

const stockExportUsage = `Usage: lastmile stock export --shop ID [--db URL] [--out FILE.csv] [--low-stock]

Writes the shop's stock levels as a stock file (UTF-8 with a BOM for Excel): warehouse code, sku,
on_hand, safety_stock, and for reading only reserved, available and low_stock. The file
re-imports unchanged with 'lastmile stock import'.

Flags:
`

func runStockExport(ctx context.Context, args []string, s stdio) int {
	fs := flag.NewFlagSet("lastmile stock export", flag.ContinueOnError)
	fs.SetOutput(s.err)
	fs.Usage = func() {
		fmt.Fprint(s.err, stockExportUsage)
		fs.PrintDefaults()
	}
	db := dbFlag(fs)
	shop := fs.String("shop", "", "the shop to export (required)")
	out := fs.String("out", "-", "where to write the file; - is standard output")
	low := fs.Bool("low-stock", false, "only levels with nothing left to sell beyond their safety stock")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *shop == "" {
		fmt.Fprintln(s.err, "lastmile stock export: --shop is required")
		fs.Usage()
		return exitUsage
	}
	a, err := openApp(ctx, *db, s)
	if err != nil {
		return fail(s, "stock export", err)
	}
	defer a.Close()
	if _, err := a.Store.GetShop(ctx, *shop); err != nil {
		return fail(s, "stock export", fmt.Errorf("--shop %s: %w", *shop, err))
	}
	dst, closeOut, err := openOut(*out, s.out)
	if err != nil {
		return fail(s, "stock export", err)
	}
	defer closeOut()
	n, err := a.Inventory.ExportCSV(ctx, model.Scope{KeyID: "cli", ShopIDs: []string{*shop}}, inventory.LevelQuery{LowOnly: *low}, dst)
	if err != nil {
		return fail(s, "stock export", err)
	}
	fmt.Fprintf(s.err, "lastmile stock export: %d levels\n", n)
	return exitOK
}

// openOut opens path for writing, or returns stdout for "-".
func openOut(path string, stdout io.Writer) (io.Writer, func(), error) {
	if path == "-" {
		return stdout, func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}
