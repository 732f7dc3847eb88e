package stockfile

import (
	"context"
	"io"

	"lastmile/internal/model"
	"lastmile/internal/stock"
	"lastmile/internal/stockcsv"
	"lastmile/internal/store"
)

// Export writes the stock levels of scope that q selects to w as a stock file, by SKU then
// warehouse, paging through the store so that memory stays bounded. Warehouses are written by
// code, which people read and Import accepts. It returns the number of levels written.
func Export(ctx context.Context, svc *stock.Service, scope model.Scope, q stock.LevelQuery, w io.Writer) (int, error) {
	whs, err := svc.ListWarehouses(ctx, scope)
	if err != nil {
		return 0, err
	}
	code := make(map[string]string, len(whs))
	for _, wh := range whs {
		code[wh.ID] = wh.Code
	}
	cw, err := stockcsv.NewWriter(w)
	if err != nil {
		return 0, err
	}
	n := 0
	q.Limit = store.MaxListLimit
	for {
		page, err := svc.Levels(ctx, scope, q)
		if err != nil {
			return n, err
		}
		for _, l := range page {
			if err := cw.Write(stockcsv.Level{Warehouse: code[l.WarehouseID], SKU: l.SKU, OnHand: l.OnHand, Reserved: l.Reserved,
				SafetyStock: l.SafetyStock, Available: l.Available, LowStock: l.LowStock}); err != nil {
				return n, err
			}
			n++
		}
		if len(page) < q.Limit {
			return n, cw.Flush()
		}
		last := page[len(page)-1]
		q.After = &store.StockKey{WarehouseID: last.WarehouseID, SKU: last.SKU}
	}
}
