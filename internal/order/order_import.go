// The order CSV import use case (see docs/csv.md): it streams the file through ordercsv, stores
// the orders through the Service in bounded batches, and writes one result per CSV row. Good rows
// are imported and bad rows reported (R-ORD-6: checked, never silently dropped); importing the
// same file again changes nothing.

package order

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"lastmile/internal/model"
	"lastmile/internal/order/ordercsv"
)

// Row statuses in the results file.
const (
	RowCreated   = "created"
	RowUpdated   = "updated"
	RowUnchanged = "unchanged" // the same version was imported before
	RowStale     = "stale"     // older than the stored version: ignored
	RowHeld      = "held"      // stored (now or before), but needs attention: see problems
	RowRefused   = "refused"   // not stored: see problems
)

// batchOrders is how many orders go to the store at once: large enough for peak throughput,
// small enough that memory stays bounded whatever the file's size.
const batchOrders = 500

// ImportSummary counts what an import did, per order and per row.
type ImportSummary struct {
	Rows    int            `json:"rows"`
	Orders  int            `json:"orders"`
	ByOrder map[string]int `json:"by_status"` // orders by status
	Refused int            `json:"refused_rows"`
	// ByOutcome counts orders by what the store did with them (created, updated, unchanged,
	// stale) or "refused"; the by_status counts report held orders as held whatever happened.
	ByOutcome map[string]int `json:"-"`
	// LastRow is the file's row of the last result written: an import that stops early has
	// reported every row up to it and no row after it.
	LastRow int `json:"-"`
}

// ImportCSV reads the CSV on r and stores its orders in scope. Each order belongs to shopID (which
// must be in scope). results gets one row per CSV row; progress, if not nil, is told the number
// of rows done after every batch. The error is for an unreadable file or a failing store; bad
// rows are results.
func (s *Service) ImportCSV(ctx context.Context, scope model.Scope, shopID string, r io.Reader, opt ordercsv.Options,
	results *ordercsv.ResultWriter, progress func(rows int)) (ImportSummary, error) {
	sum := ImportSummary{ByOrder: map[string]int{}, ByOutcome: map[string]int{}}
	rd, err := ordercsv.NewReader(r, opt)
	if err != nil {
		return sum, err
	}
	var batch []ordercsv.Group
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := s.importBatch(ctx, scope, shopID, batch, rd, results, &sum); err != nil {
			return err
		}
		batch = batch[:0]
		if progress != nil {
			progress(sum.Rows)
		}
		return nil
	}
	for {
		g, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return sum, fmt.Errorf("read CSV: %w", err)
		}
		batch = append(batch, g)
		if len(batch) == batchOrders {
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

// importBatch upserts the well-formed orders of batch and writes the results of every row, in file order.
func (s *Service) importBatch(ctx context.Context, scope model.Scope, shopID string, batch []ordercsv.Group,
	rd *ordercsv.Reader, results *ordercsv.ResultWriter, sum *ImportSummary) error {
	var orders []model.Order
	var index []int // orders[j] is batch[index[j]]
	for i, g := range batch {
		if len(g.Problems) == 0 {
			o := g.Order
			o.ShopID = shopID
			orders = append(orders, o)
			index = append(index, i)
		}
	}
	res, err := s.Upsert(ctx, scope, orders, CauseImport)
	if err != nil {
		return err
	}
	outcome := make([]*Result, len(batch))
	for j := range res {
		outcome[index[j]] = &res[j]
	}
	for i, g := range batch {
		status, problems := rowsResult(g, outcome[i])
		sum.Orders++
		sum.ByOrder[status]++
		if r := outcome[i]; r != nil && r.Err == nil {
			sum.ByOutcome[string(r.Outcome)]++
		} else {
			sum.ByOutcome[RowRefused]++
		}
		for k, row := range g.Rows {
			sum.Rows++
			p := problemsOfRow(g, row, problems, k == 0, rd.ColumnOf)
			if status == RowRefused {
				sum.Refused++
			}
			if err := results.WriteHeld(row, g.Order.ExternalID, status, status == RowHeld, p); err != nil {
				return err
			}
			sum.LastRow = row
		}
	}
	return nil
}

// rowsResult decides the status of a group's rows and the order-level problems to report.
func rowsResult(g ordercsv.Group, r *Result) (string, []model.FieldError) {
	switch {
	case r == nil:
		return RowRefused, nil // the rows' own problems are reported per row
	case r.Err != nil:
		var ve *model.ValidationError
		if errors.As(r.Err, &ve) {
			return RowRefused, ve.Problems
		}
		return RowRefused, []model.FieldError{{Code: "refused", Message: r.Err.Error()}}
	case r.Order.NeedsAttention: // also when unchanged: the stored order is still held
		var ps []model.FieldError
		for _, p := range r.Order.Problems {
			if p.Severity == model.SeverityError {
				ps = append(ps, model.FieldError{Code: p.Code, Field: p.Field, Message: p.Message})
			}
		}
		return RowHeld, ps
	}
	return string(r.Outcome), nil
}

// problemsOfRow returns what to report on one row: its own problems, the order-level problems
// that concern its line (a problem on lines[i] belongs to the row of line i), and on the order's
// first row every other order-level problem. A row of a refused order with no problem of its own
// says why it was not imported. An order-level problem names the file's own column (columnOf:
// 地址 rather than shipping_address.line1) where the file has one.
func problemsOfRow(g ordercsv.Group, row int, orderProblems []model.FieldError, first bool,
	columnOf func(field string) (string, bool)) []model.FieldError {
	var out []model.FieldError
	for _, p := range g.Problems {
		if p.Row == row {
			out = append(out, p.FieldError)
		}
	}
	for _, p := range orderProblems {
		r, isLine := lineRow(g, p.Field)
		if (isLine && r != row) || (!isLine && !first) {
			continue
		}
		if col, ok := columnOf(p.Field); ok {
			p.Field = col
		}
		out = append(out, p)
	}
	if len(out) == 0 && len(g.Problems) > 0 {
		out = append(out, model.FieldError{Code: "order_refused", Message: fmt.Sprintf("another row of order %s has a problem; an order is imported only whole", g.Order.ExternalID)})
	}
	return out
}

// lineRow finds the CSV row of a problem's field "lines[i]…".
func lineRow(g ordercsv.Group, field string) (int, bool) {
	rest, ok := strings.CutPrefix(field, "lines[")
	if !ok {
		return 0, false
	}
	n, _, ok := strings.Cut(rest, "]")
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(n)
	if err != nil || i < 0 || i >= len(g.Rows) {
		return 0, false
	}
	return g.Rows[i], true
}
