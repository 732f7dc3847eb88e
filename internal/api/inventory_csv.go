package api

import (
	"encoding/json"
	"errors"
	"net/http"

	"lastmile/internal/inventory"
	"lastmile/internal/inventory/inventorycsv"
	"lastmile/internal/model"
)

// importStock is POST /v1/inventory:import with a stock file as the body (docs/csv.md, "Stock
// files": warehouse, sku, on_hand, safety_stock, reason; the same encodings and separators as
// order files). It answers a CSV of per-row results, row,warehouse,sku,status,problems, streamed
// as the file is read; the counts follow in the Lastmile-Import-Summary trailer. Each batch of
// rows is one transaction; importing the same file again changes nothing.
func (s *Server) importStock(w http.ResponseWriter, r *http.Request) {
	shopID, ok := s.importShop(w, r)
	if !ok {
		return
	}
	w.Header().Set("Trailer", "Lastmile-Import-Summary")
	results := inventorycsv.NewResultWriter(&lazyCSV{w: w})
	sum, err := s.deps.Inventory.ImportCSV(r.Context(), scopeOf(r.Context()), shopID, r.Body, results, nil)
	var he *inventorycsv.HeaderError
	switch {
	case errors.As(err, &he):
		s.fail(w, r, &apiError{Status: http.StatusUnprocessableEntity, Code: he.Code, Field: he.Column, Message: he.Message})
		return
	case err != nil && sum.Rows == 0:
		s.fail(w, r, err)
		return
	case err != nil:
		// Results were streamed already: cut the response so the client sees it incomplete;
		// every batch reported before the cut is stored.
		s.deps.Log.Error("stock import failed midway", "request_id", requestID(r.Context()), "rows", sum.Rows, "err", err)
		panic(http.ErrAbortHandler)
	}
	b, _ := json.Marshal(sum)
	w.Header().Set("Lastmile-Import-Summary", string(b))
}

// exportStock is GET /v1/inventory:export?sku=&warehouse=&low_stock=: the caller's stock levels
// as a stock file (UTF-8 with a BOM, warehouses by code) that re-imports unchanged.
func (s *Server) exportStock(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	lq := inventory.LevelQuery{SKU: q.Get("sku"), WarehouseID: q.Get("warehouse")}
	var problems []model.FieldError
	lq.LowOnly, problems = parseBool(q, "low_stock", problems)
	if len(problems) > 0 {
		s.fail(w, r, &model.ValidationError{Problems: problems})
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="stock.csv"`)
	if _, err := s.deps.Inventory.ExportCSV(r.Context(), scopeOf(r.Context()), lq, &lazyCSV{w: w}); err != nil {
		s.deps.Log.Error("stock export failed", "request_id", requestID(r.Context()), "err", err)
		panic(http.ErrAbortHandler)
	}
}
