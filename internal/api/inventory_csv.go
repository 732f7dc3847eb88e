package api

import (
	"errors"
	"net/http"

	"lastmile/internal/i18n"
	"lastmile/internal/inventory"
	"lastmile/internal/inventory/inventorycsv"
	"lastmile/internal/model"
)

// importStock is POST /v1/inventory:import with a stock file as the body (docs/csv.md, "Stock
// files": warehouse, sku, on_hand, safety_stock, reason; the same encodings and separators as
// order files). Like an order import, the body is read to its end first, then imported; the
// answer is a CSV of per-row results, row,warehouse,sku,status,problems, streamed as the import
// goes, and the counts in the Lastmile-Import-Summary trailer. Each batch of rows is one
// transaction; importing the same file again changes nothing. A file over the body limit is
// refused whole (413); an import that stops early ends with a "stopped" row (see importOrders).
func (s *Server) importStock(w http.ResponseWriter, r *http.Request) {
	shopID, ok := s.importShop(w, r)
	if !ok {
		return
	}
	body, done, err := s.spooled(r)
	if err != nil {
		s.fail(w, r, importBodyError(err))
		return
	}
	defer done()
	results := inventorycsv.NewResultWriter(&lazyCSV{w: w, trailer: importSummaryTrailer})
	if lang := requestLang(r); lang != i18n.EN {
		results.Translate(csvTranslator{lang})
		w.Header().Set("Content-Language", string(lang))
	}
	sum, err := s.deps.Inventory.ImportCSV(r.Context(), scopeOf(r.Context()), shopID, body, results, nil)
	var he *inventorycsv.HeaderError
	switch {
	case errors.As(err, &he):
		s.fail(w, r, &apiError{Status: http.StatusUnprocessableEntity, Code: he.Code, Field: he.Column, Message: he.Message})
		return
	case err != nil && sum.LastRow == 0:
		s.fail(w, r, err) // nothing was stored or reported
		return
	case err != nil:
		stop := s.stopImport(r, sum.LastRow, err)
		if stop == nil {
			return
		}
		results.Write(stop.Row(), "", "", importStopped, stop.problems())
		if results.Flush() == nil {
			setImportSummary(w, sum, stop)
		}
		return
	}
	setImportSummary(w, sum, nil)
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
	out := &lazyCSV{w: w}
	if _, err := s.deps.Inventory.ExportCSV(r.Context(), scopeOf(r.Context()), lq, out); err != nil {
		if !out.started { // nothing sent yet: the status can still say what happened
			w.Header().Del("Content-Disposition")
			s.fail(w, r, err)
			return
		}
		s.abortExport(r, err)
	}
}
