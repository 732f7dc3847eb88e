package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// Stock runs on the one writer connection like every write: a transaction holds every row it
// reads until it commits, so reading a balance, deciding and writing it back cannot interleave
// with another allocation.

const warehouseColumns = `id, shop_id, code, doc, created_at, updated_at`

// CreateWarehouse implements store.Stock.
func (s *Store) CreateWarehouse(ctx context.Context, w model.Warehouse) error {
	doc, err := json.Marshal(w)
	if err != nil {
		return fmt.Errorf("encode warehouse %s: %w", w.ID, err)
	}
	_, err = s.w.ExecContext(ctx, `INSERT INTO warehouses (`+warehouseColumns+`) VALUES (?, ?, ?, ?, ?, ?)`,
		w.ID, w.ShopID, w.Code, string(doc), micros(w.CreatedAt), micros(w.UpdatedAt))
	if isForeignKey(err) {
		return fmt.Errorf("create warehouse %s: shop %s: %w", w.Code, w.ShopID, model.ErrNotFound)
	}
	return wrap(err, "create warehouse "+w.Code)
}

// UpdateWarehouse implements store.Stock.
func (s *Store) UpdateWarehouse(ctx context.Context, shopIDs []string, id string, fn func(*model.Warehouse) error) (model.Warehouse, error) {
	var out model.Warehouse
	err := s.inTx(ctx, "update warehouse "+id, func(tx *sql.Tx) error {
		w, err := getWarehouse(ctx, tx, shopIDs, id)
		if err != nil {
			return err
		}
		shopID := w.ShopID
		if err := fn(&w); err != nil {
			return err
		}
		// Compared with the shop it has, not the scope: a key for two shops must not move a
		// warehouse between them (the UPDATE below does not write shop_id).
		if w.ID != id || w.ShopID != shopID {
			return fmt.Errorf("a warehouse update may not change its id or shop: %w", model.ErrInvalid)
		}
		doc, err := json.Marshal(w)
		if err != nil {
			return fmt.Errorf("encode warehouse %s: %w", w.ID, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE warehouses SET code = ?, doc = ?, updated_at = ? WHERE id = ?`,
			w.Code, string(doc), micros(w.UpdatedAt), w.ID); err != nil {
			return err
		}
		out = w
		return nil
	})
	return out, err
}

// GetWarehouse implements store.Stock.
func (s *Store) GetWarehouse(ctx context.Context, shopIDs []string, id string) (model.Warehouse, error) {
	w, err := getWarehouse(ctx, s.r, shopIDs, id)
	return w, wrap(err, "warehouse "+id)
}

func getWarehouse(ctx context.Context, q querier, shopIDs []string, id string) (model.Warehouse, error) {
	if len(shopIDs) == 0 {
		return model.Warehouse{}, fmt.Errorf("warehouse %s: %w", id, model.ErrNotFound)
	}
	args := append([]any{id}, anys(shopIDs)...)
	return scanWarehouse(q.QueryRowContext(ctx, `SELECT `+warehouseColumns+` FROM warehouses WHERE id = ? AND shop_id IN (`+
		placeholders(len(shopIDs))+`)`, args...))
}

// ListWarehouses implements store.Stock.
func (s *Store) ListWarehouses(ctx context.Context, shopIDs []string) ([]model.Warehouse, error) {
	out, err := listWarehouses(ctx, s.r, shopIDs)
	return out, wrap(err, "list warehouses")
}

type rowsQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func listWarehouses(ctx context.Context, q rowsQuerier, shopIDs []string) ([]model.Warehouse, error) {
	if len(shopIDs) == 0 {
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT `+warehouseColumns+` FROM warehouses WHERE shop_id IN (`+
		placeholders(len(shopIDs))+`) ORDER BY shop_id, code`, anys(shopIDs)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []model.Warehouse
	for rows.Next() {
		w, err := scanWarehouse(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

func scanWarehouse(r scanner) (model.Warehouse, error) {
	var w model.Warehouse
	var id, shop, code string
	var doc []byte
	var created, updated int64
	if err := r.Scan(&id, &shop, &code, &doc, &created, &updated); err != nil {
		return w, err
	}
	if err := json.Unmarshal(doc, &w); err != nil {
		return w, fmt.Errorf("decode warehouse %s: %w", id, err)
	}
	w.ID, w.ShopID, w.Code, w.CreatedAt, w.UpdatedAt = id, shop, code, fromMicros(created), fromMicros(updated)
	return w, nil
}

// ChangeStock implements store.Stock.
func (s *Store) ChangeStock(ctx context.Context, shopID string, keys []store.StockKey,
	fn func(map[store.StockKey]model.Balance) ([]model.Movement, error)) ([]store.StockLevel, error) {
	return s.ChangeStockJobs(ctx, shopID, keys, fn, nil)
}

// ChangeStockJobs implements store.StockJobs.
func (s *Store) ChangeStockJobs(ctx context.Context, shopID string, keys []store.StockKey,
	fn func(map[store.StockKey]model.Balance) ([]model.Movement, error), jobs store.StockJobsFunc) ([]store.StockLevel, error) {
	var out []store.StockLevel
	err := s.inTx(ctx, "change stock", func(tx *sql.Tx) error {
		if err := checkWarehouses(ctx, tx, shopID, keys); err != nil {
			return err
		}
		balances, stamps, err := loadBalances(ctx, tx, keys)
		if err != nil {
			return err
		}
		before := maps.Clone(balances)
		moves, err := fn(maps.Clone(balances))
		if err != nil {
			return err
		}
		entries, err := store.LedgerEntries(shopID, balances, moves)
		if err != nil {
			return err
		}
		if err := writeLedger(ctx, tx, entries, stamps); err != nil {
			return err
		}
		out = make([]store.StockLevel, len(keys))
		for i, k := range keys {
			out[i] = store.NewStockLevel(shopID, k, balances[k], stamps[k])
		}
		if jobs == nil {
			return nil
		}
		js, err := jobs(before, out)
		if err != nil {
			return err
		}
		return s.insertJobs(ctx, tx, js)
	})
	return out, err
}

// checkWarehouses fails with ErrNotFound unless every warehouse of keys belongs to shopID.
func checkWarehouses(ctx context.Context, tx *sql.Tx, shopID string, keys []store.StockKey) error {
	var ids []string
	for _, k := range keys {
		if !slices.Contains(ids, k.WarehouseID) {
			ids = append(ids, k.WarehouseID)
		}
	}
	for _, id := range ids {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM warehouses WHERE id = ? AND shop_id = ?`, id, shopID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("warehouse %s: %w", id, model.ErrNotFound)
		}
	}
	return nil
}

// loadBalances reads the balances of keys; a key without a row has a zero balance. stamps holds
// the last change of each row that exists.
func loadBalances(ctx context.Context, tx *sql.Tx, keys []store.StockKey) (map[store.StockKey]model.Balance, map[store.StockKey]time.Time, error) {
	balances := make(map[store.StockKey]model.Balance, len(keys))
	stamps := make(map[store.StockKey]time.Time, len(keys))
	for _, k := range keys {
		balances[k] = model.Balance{}
	}
	for rest := keys; len(rest) > 0; {
		chunk := rest[:min(lookupChunk/2, len(rest))]
		rest = rest[len(chunk):]
		args := make([]any, 0, 2*len(chunk))
		for _, k := range chunk {
			args = append(args, k.WarehouseID, k.SKU)
		}
		rows, err := tx.QueryContext(ctx, `SELECT warehouse_id, sku, on_hand, reserved, safety_stock, updated_at FROM stock
			WHERE (warehouse_id, sku) IN (VALUES `+strings.TrimSuffix(strings.Repeat("(?, ?), ", len(chunk)), ", ")+`)`, args...)
		if err != nil {
			return nil, nil, err
		}
		if err := scanBalances(rows, balances, stamps); err != nil {
			return nil, nil, err
		}
	}
	return balances, stamps, nil
}

func scanBalances(rows *sql.Rows, balances map[store.StockKey]model.Balance, stamps map[store.StockKey]time.Time) error {
	defer rows.Close()
	for rows.Next() {
		var k store.StockKey
		var onHand, reserved, safety, updated int64
		if err := rows.Scan(&k.WarehouseID, &k.SKU, &onHand, &reserved, &safety, &updated); err != nil {
			return err
		}
		balances[k] = model.NewBalance(onHand, reserved, safety)
		stamps[k] = fromMicros(updated)
	}
	return rows.Err()
}

// ListStock implements store.Stock.
func (s *Store) ListStock(ctx context.Context, q store.StockQuery) ([]store.StockLevel, error) {
	if len(q.ShopIDs) == 0 {
		return nil, nil
	}
	where := []string{`shop_id IN (` + placeholders(len(q.ShopIDs)) + `)`}
	args := anys(q.ShopIDs)
	if q.SKU != "" {
		where = append(where, `sku = ?`)
		args = append(args, q.SKU)
	}
	if q.WarehouseID != "" {
		where = append(where, `warehouse_id = ?`)
		args = append(args, q.WarehouseID)
	}
	if q.LowOnly {
		where = append(where, `on_hand - reserved <= safety_stock`)
	}
	if q.After != nil {
		where = append(where, `(sku > ? OR (sku = ? AND warehouse_id > ?))`)
		args = append(args, q.After.SKU, q.After.SKU, q.After.WarehouseID)
	}
	args = append(args, limitOf(q.Limit))
	rows, err := s.r.QueryContext(ctx, `SELECT shop_id, warehouse_id, sku, on_hand, reserved, safety_stock, updated_at FROM stock
		WHERE `+strings.Join(where, " AND ")+` ORDER BY sku, warehouse_id LIMIT ?`, args...)
	if err != nil {
		return nil, wrap(err, "list stock")
	}
	defer rows.Close()
	var out []store.StockLevel
	for rows.Next() {
		var shop string
		var k store.StockKey
		var onHand, reserved, safety, updated int64
		if err := rows.Scan(&shop, &k.WarehouseID, &k.SKU, &onHand, &reserved, &safety, &updated); err != nil {
			return nil, wrap(err, "list stock")
		}
		out = append(out, store.NewStockLevel(shop, k, model.NewBalance(onHand, reserved, safety), fromMicros(updated)))
	}
	return out, wrap(rows.Err(), "list stock")
}

// ListMovements implements store.Stock.
func (s *Store) ListMovements(ctx context.Context, q store.MovementQuery) ([]store.MovementRecord, error) {
	if len(q.ShopIDs) == 0 {
		return nil, nil
	}
	where := []string{`shop_id IN (` + placeholders(len(q.ShopIDs)) + `)`, `seq > ?`}
	args := append(anys(q.ShopIDs), q.AfterSeq)
	if q.SKU != "" {
		where = append(where, `sku = ?`)
		args = append(args, q.SKU)
	}
	if q.WarehouseID != "" {
		where = append(where, `warehouse_id = ?`)
		args = append(args, q.WarehouseID)
	}
	if q.OrderID != "" {
		where = append(where, `order_id = ?`)
		args = append(args, q.OrderID)
	}
	args = append(args, limitOf(q.Limit))
	rows, err := s.r.QueryContext(ctx, `SELECT seq, shop_id, warehouse_id, sku, kind, quantity, reason, actor, at, order_id,
		on_hand_after, reserved_after, safety_after FROM stock_movements WHERE `+strings.Join(where, " AND ")+` ORDER BY seq LIMIT ?`, args...)
	if err != nil {
		return nil, wrap(err, "list movements")
	}
	defer rows.Close()
	var out []store.MovementRecord
	for rows.Next() {
		var r store.MovementRecord
		var at, onHand, reserved, safety int64
		if err := rows.Scan(&r.Seq, &r.ShopID, &r.WarehouseID, &r.SKU, &r.Kind, &r.Quantity, &r.Reason, &r.Actor, &at, &r.OrderID,
			&onHand, &reserved, &safety); err != nil {
			return nil, wrap(err, "list movements")
		}
		r.At = fromMicros(at)
		r.After = model.NewBalance(onHand, reserved, safety)
		out = append(out, r)
	}
	return out, wrap(rows.Err(), "list movements")
}

const allocationColumns = `order_id, shop_id, status, doc, created_at, updated_at`

// GetAllocation implements store.Stock.
func (s *Store) GetAllocation(ctx context.Context, shopIDs []string, orderID string) (store.Allocation, error) {
	a, err := getAllocation(ctx, s.r, shopIDs, orderID)
	return a, wrap(err, "allocation of order "+orderID)
}

func getAllocation(ctx context.Context, q querier, shopIDs []string, orderID string) (store.Allocation, error) {
	if len(shopIDs) == 0 {
		return store.Allocation{}, sql.ErrNoRows
	}
	args := append([]any{orderID}, anys(shopIDs)...)
	return scanAllocation(q.QueryRowContext(ctx, `SELECT `+allocationColumns+` FROM allocations WHERE order_id = ? AND shop_id IN (`+
		placeholders(len(shopIDs))+`)`, args...))
}

func scanAllocation(r scanner) (store.Allocation, error) {
	var a store.Allocation
	var doc []byte
	var created, updated int64
	if err := r.Scan(&a.OrderID, &a.ShopID, &a.Status, &doc, &created, &updated); err != nil {
		return a, err
	}
	if err := json.Unmarshal(doc, &a.Decision); err != nil {
		return a, fmt.Errorf("decode allocation of %s: %w", a.OrderID, err)
	}
	a.CreatedAt, a.UpdatedAt = fromMicros(created), fromMicros(updated)
	return a, nil
}

// ListUnsettledAllocations implements store.Stock.
func (s *Store) ListUnsettledAllocations(ctx context.Context, statuses []model.Status, limit int) ([]store.Allocation, error) {
	if len(statuses) == 0 {
		return nil, nil
	}
	args := make([]any, 0, len(statuses)+1)
	for _, st := range statuses {
		args = append(args, string(st))
	}
	args = append(args, limitOf(limit))
	rows, err := s.r.QueryContext(ctx, `SELECT a.order_id, a.shop_id, a.status, a.doc, a.created_at, a.updated_at
		FROM allocations a JOIN orders o ON o.id = a.order_id
		WHERE a.status = 'reserved' AND o.status IN (`+placeholders(len(statuses))+`) ORDER BY a.order_id LIMIT ?`, args...)
	if err != nil {
		return nil, wrap(err, "list unsettled allocations")
	}
	defer rows.Close()
	var out []store.Allocation
	for rows.Next() {
		a, err := scanAllocation(rows)
		if err != nil {
			return nil, wrap(err, "list unsettled allocations")
		}
		out = append(out, a)
	}
	return out, wrap(rows.Err(), "list unsettled allocations")
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func limitOf(n int) int {
	if n <= 0 || n > store.MaxQueryRows {
		return store.MaxQueryRows
	}
	return n
}
