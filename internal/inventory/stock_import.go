package inventory

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"lastmile/internal/inventory/inventorycsv"
	"lastmile/internal/model"
)

// Row statuses in the results file.
const (
	RowChanged   = "changed"   // the count changed the stock
	RowUnchanged = "unchanged" // the stock already was what the row says
	RowRefused   = "refused"   // not imported: see problems
)

// batchRows is how many counts go to the store in one transaction: bounded memory whatever the
// file's size, few enough round trips for a warehouse's whole stock list.
const batchRows = 500

// DefaultImportReason is the ledger reason of a row that gives none.
const DefaultImportReason = "stock file import"

// ImportSummary counts what an import did.
type ImportSummary struct {
	Rows      int `json:"rows"`
	Changed   int `json:"changed"`
	Unchanged int `json:"unchanged"`
	Refused   int `json:"refused"`
	// LastRow is the file's row of the last result written: an import that stops early has
	// reported every row up to it and no row after it.
	LastRow int `json:"-"`
}

// ImportCSV reads the stock file on r and applies its counts to shopID's warehouses (shopID must be
// in scope). results gets one row per CSV row; progress, if not nil, is told the rows done after
// every batch. The error is for an unreadable file or a failing store; bad rows are results.
func (s *Service) ImportCSV(ctx context.Context, scope model.Scope, shopID string, r io.Reader,
	results *inventorycsv.ResultWriter, progress func(rows int)) (ImportSummary, error) {
	var sum ImportSummary
	if !scope.Has(shopID) {
		return sum, fmt.Errorf("shop %s: %w", shopID, model.ErrNotFound)
	}
	whs, err := s.ListWarehouses(ctx, model.Scope{KeyID: scope.KeyID, ShopIDs: []string{shopID}})
	if err != nil {
		return sum, err
	}
	byName := make(map[string]model.Warehouse, 2*len(whs))
	for _, w := range whs {
		byName[w.ID] = w
		byName[strings.ToUpper(w.Code)] = w
	}
	rd, err := inventorycsv.NewReader(r)
	if err != nil {
		return sum, err
	}
	// batch holds rows in file order, so that results come out in file order; only the rows
	// without problems go to the store.
	type entry struct {
		row      inventorycsv.Row
		count    Count
		problems []model.FieldError
	}
	var batch []entry
	var counts []Count
	flush := func() error {
		var res []CountResult
		if len(counts) > 0 {
			var err error
			if res, err = s.SetStocks(ctx, scope, shopID, counts, DefaultImportReason); err != nil {
				return err
			}
		}
		for _, e := range batch {
			st := RowRefused
			if len(e.problems) == 0 {
				st = RowUnchanged
				if res[0].Changed {
					st = RowChanged
				}
				res = res[1:]
			}
			if err := results.Write(e.row.Line, e.row.Warehouse, e.row.SKU, st, e.problems); err != nil {
				return err
			}
			sum.Rows++
			sum.LastRow = e.row.Line
			countStatus(&sum, st)
		}
		batch, counts = batch[:0], counts[:0]
		if progress != nil {
			progress(sum.Rows)
		}
		return nil
	}
	for {
		row, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return sum, fmt.Errorf("read the stock file: %w", err)
		}
		problems := row.Problems
		w, ok := byName[row.Warehouse]
		if !ok {
			w, ok = byName[strings.ToUpper(row.Warehouse)]
		}
		if !ok && row.Warehouse != "" {
			problems = append(problems, model.FieldError{Code: "unknown_warehouse", Field: fileColumn(rd, "warehouse"),
				Message: fmt.Sprintf("no warehouse %q in this shop: use a warehouse code or id from GET /v1/warehouses", row.Warehouse)})
		}
		c := Count{WarehouseID: w.ID, SKU: row.SKU, Target: Target{OnHand: row.OnHand, SafetyStock: row.SafetyStock, Reason: row.Reason}}
		if len(problems) == 0 {
			problems = CheckCount(c)
			for i := range problems {
				problems[i].Field = fileColumn(rd, problems[i].Field)
			}
		}
		batch = append(batch, entry{row: row, count: c, problems: problems})
		if len(problems) == 0 {
			counts = append(counts, c)
		}
		if len(batch) == batchRows {
			if err := flush(); err != nil {
				return sum, err
			}
		}
	}
	if err := flush(); err != nil {
		return sum, err
	}
	return sum, results.Flush()
}

func countStatus(sum *ImportSummary, st string) {
	switch st {
	case RowChanged:
		sum.Changed++
	case RowUnchanged:
		sum.Unchanged++
	case RowRefused:
		sum.Refused++
	}
}

// fileColumn is the file's own header for a checked field (仓库 rather than warehouse), or the
// field itself when the file has no such column.
func fileColumn(rd *inventorycsv.Reader, field string) string {
	if col, ok := rd.ColumnOf(field); ok {
		return col
	}
	return field
}
