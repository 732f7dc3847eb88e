package inventory

import (
	"context"
	"io"

	"lastmile/internal/inventory/inventorycsv"
	"lastmile/internal/model"
	"lastmile/internal/store"
)

// ExportCSV writes the stock levels of scope that q selects to w as a stock file, by SKU then
// warehouse, paging through the store so that memory stays bounded. Warehouses are written by
// code, which people read and ImportCSV accepts. It returns the number of levels written.
func (s *Service) ExportCSV(ctx context.Context, scope model.Scope, q LevelQuery, w io.Writer) (int, error) {
	whs, err := s.ListWarehouses(ctx, scope)
	if err != nil {
		return 0, err
	}
	code := make(map[string]string, len(whs))
	for _, wh := range whs {
		code[wh.ID] = wh.Code
	}
	cw, err := inventorycsv.NewWriter(w)
	if err != nil {
		return 0, err
	}
	n := 0
	q.Limit = store.MaxListLimit
	for {
		page, err := s.Levels(ctx, scope, q)
		if err != nil {
			return n, err
		}
		for _, l := range page {
			if err := cw.Write(inventorycsv.Level{Warehouse: code[l.WarehouseID], SKU: l.SKU, OnHand: l.OnHand, Reserved: l.Reserved,
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
