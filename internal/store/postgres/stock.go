package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

// Stock takes row locks: a transaction that changes a balance first locks its stock row FOR
// UPDATE, so another node's allocation of the same SKU waits until it commits and then reads the
// balance it left. Rows are locked in (warehouse, SKU) order, so two transactions cannot each hold
// a row the other waits for; an order's allocation locks the order row first, so two requests to
// allocate one order run one after the other.

const warehouseColumns = `id, shop_id, code, doc, created_at, updated_at`

// CreateWarehouse implements store.Stock.
func (s *Store) CreateWarehouse(ctx context.Context, w model.Warehouse) error {
	doc, err := json.Marshal(w)
	if err != nil {
		return fmt.Errorf("encode warehouse %s: %w", w.ID, err)
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO warehouses (`+warehouseColumns+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		w.ID, w.ShopID, w.Code, doc, w.CreatedAt, w.UpdatedAt)
	if pgCode(err) == "23503" {
		return fmt.Errorf("create warehouse %s: shop %s: %w", w.Code, w.ShopID, model.ErrNotFound)
	}
	return wrap(err, "create warehouse "+w.Code)
}

// UpdateWarehouse implements store.Stock.
func (s *Store) UpdateWarehouse(ctx context.Context, shopIDs []string, id string, fn func(*model.Warehouse) error) (model.Warehouse, error) {
	var out model.Warehouse
	err := s.inTx(ctx, "update warehouse "+id, func(tx pgx.Tx) error {
		w, err := scanWarehouse(tx.QueryRow(ctx, `SELECT `+warehouseColumns+` FROM warehouses WHERE id = $1 AND shop_id = ANY($2) FOR UPDATE`,
			id, shopIDs))
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
		if _, err := tx.Exec(ctx, `UPDATE warehouses SET code = $1, doc = $2, updated_at = $3 WHERE id = $4`,
			w.Code, doc, w.UpdatedAt, w.ID); err != nil {
			return err
		}
		out = w
		return nil
	})
	return out, err
}

// GetWarehouse implements store.Stock.
func (s *Store) GetWarehouse(ctx context.Context, shopIDs []string, id string) (model.Warehouse, error) {
	w, err := scanWarehouse(s.pool.QueryRow(ctx, `SELECT `+warehouseColumns+` FROM warehouses WHERE id = $1 AND shop_id = ANY($2)`, id, shopIDs))
	return w, wrap(err, "warehouse "+id)
}

// ListWarehouses implements store.Stock.
func (s *Store) ListWarehouses(ctx context.Context, shopIDs []string) ([]model.Warehouse, error) {
	out, err := listWarehouses(ctx, s.pool, shopIDs, "ORDER BY shop_id, code")
	return out, wrap(err, "list warehouses")
}

type queryer interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

func listWarehouses(ctx context.Context, q queryer, shopIDs []string, order string) ([]model.Warehouse, error) {
	rows, err := q.Query(ctx, `SELECT `+warehouseColumns+` FROM warehouses WHERE shop_id = ANY($1) `+order, shopIDs)
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

func scanWarehouse(r pgx.Row) (model.Warehouse, error) {
	var w model.Warehouse
	var id, shop, code string
	var doc []byte
	var created, updated time.Time
	if err := r.Scan(&id, &shop, &code, &doc, &created, &updated); err != nil {
		return w, err
	}
	if err := json.Unmarshal(doc, &w); err != nil {
		return w, fmt.Errorf("decode warehouse %s: %w", id, err)
	}
	w.ID, w.ShopID, w.Code, w.CreatedAt, w.UpdatedAt = id, shop, code, created.UTC(), updated.UTC()
	return w, nil
}

// ChangeStock implements store.Stock. Rows that do not exist yet are created empty first, so
// that they can be locked like the others; those no movement touched are deleted again before
// commit, so that, as in every driver, a balance without a ledger has no row.
func (s *Store) ChangeStock(ctx context.Context, shopID string, keys []store.StockKey,
	fn func(map[store.StockKey]model.Balance) ([]model.Movement, error)) ([]store.StockLevel, error) {
	return s.ChangeStockJobs(ctx, shopID, keys, fn, nil)
}

// ChangeStockJobs implements store.StockJobs.
func (s *Store) ChangeStockJobs(ctx context.Context, shopID string, keys []store.StockKey,
	fn func(map[store.StockKey]model.Balance) ([]model.Movement, error), jobs store.StockJobsFunc) ([]store.StockLevel, error) {
	var out []store.StockLevel
	err := s.inTx(ctx, "change stock", func(tx pgx.Tx) error {
		var before map[store.StockKey]model.Balance
		var err error
		out, err = changeStockTx(ctx, tx, shopID, keys, func(b map[store.StockKey]model.Balance) ([]model.Movement, error) {
			before = maps.Clone(b)
			return fn(b)
		})
		if err != nil || jobs == nil {
			return err
		}
		js, err := jobs(before, out)
		if err != nil {
			return err
		}
		return s.insertJobs(ctx, tx, js)
	})
	return out, err
}

// changeStockTx is ChangeStock's work in tx, which other changes that move stock share (a
// return's inspection and its ledger entries commit together).
func changeStockTx(ctx context.Context, tx pgx.Tx, shopID string, keys []store.StockKey,
	fn func(map[store.StockKey]model.Balance) ([]model.Movement, error)) ([]store.StockLevel, error) {
	sorted := store.SortKeys(keys)
	whs, skus := make([]string, len(sorted)), make([]string, len(sorted))
	for i, k := range sorted {
		whs[i], skus[i] = k.WarehouseID, k.SKU
	}
	ids := slices.Compact(slices.Sorted(slices.Values(whs)))
	var found []string
	rows, err := tx.Query(ctx, `SELECT id FROM warehouses WHERE shop_id = $1 AND id = ANY($2)`, shopID, ids)
	if err != nil {
		return nil, err
	}
	if found, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return nil, err
	}
	for _, id := range ids {
		if !slices.Contains(found, id) {
			return nil, fmt.Errorf("warehouse %s: %w", id, model.ErrNotFound)
		}
	}
	rows, err = tx.Query(ctx, `INSERT INTO stock (warehouse_id, sku, shop_id, on_hand, reserved, safety_stock, updated_at)
		SELECT w, k, $3, 0, 0, 0, now() FROM unnest($1::text[], $2::text[]) AS t(w, k) ORDER BY w, k
		ON CONFLICT (warehouse_id, sku) DO NOTHING RETURNING warehouse_id, sku`, whs, skus, shopID)
	if err != nil {
		return nil, err
	}
	created, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.StockKey, error) {
		var k store.StockKey
		return k, r.Scan(&k.WarehouseID, &k.SKU)
	})
	if err != nil {
		return nil, err
	}
	balances, stamps, err := lockBalances(ctx, tx, `SELECT warehouse_id, sku, on_hand, reserved, safety_stock, updated_at
		FROM stock WHERE (warehouse_id, sku) IN (SELECT * FROM unnest($1::text[], $2::text[])) ORDER BY warehouse_id, sku FOR UPDATE`,
		sorted, whs, skus)
	if err != nil {
		return nil, err
	}
	for _, k := range created {
		delete(stamps, k) // made just now to be locked: not a change, and now() is not the caller's clock
	}
	moves, err := fn(maps.Clone(balances))
	if err != nil {
		return nil, err
	}
	entries, err := store.LedgerEntries(shopID, balances, moves)
	if err != nil {
		return nil, err
	}
	if err := writeLedger(ctx, tx, entries, stamps, nil); err != nil {
		return nil, err
	}
	var dropW, dropS []string
	for _, k := range created {
		if !slices.ContainsFunc(moves, func(m model.Movement) bool { return m.WarehouseID == k.WarehouseID && m.SKU == k.SKU }) {
			dropW, dropS = append(dropW, k.WarehouseID), append(dropS, k.SKU)
		}
	}
	if len(dropW) > 0 {
		if _, err := tx.Exec(ctx, `DELETE FROM stock WHERE (warehouse_id, sku) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
			dropW, dropS); err != nil {
			return nil, err
		}
	}
	out := make([]store.StockLevel, len(keys))
	for i, k := range keys {
		out[i] = store.NewStockLevel(shopID, k, balances[k], stamps[k])
	}
	return out, nil
}

// lockBalances runs query, which selects and locks stock rows, and returns the balances of keys:
// zero for a key without a row.
func lockBalances(ctx context.Context, tx pgx.Tx, query string, keys []store.StockKey, args ...any) (map[store.StockKey]model.Balance, map[store.StockKey]time.Time, error) {
	balances := make(map[store.StockKey]model.Balance, len(keys))
	stamps := make(map[store.StockKey]time.Time, len(keys))
	for _, k := range keys {
		balances[k] = model.Balance{}
	}
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k store.StockKey
		var onHand, reserved, safety int64
		var updated time.Time
		if err := rows.Scan(&k.WarehouseID, &k.SKU, &onHand, &reserved, &safety, &updated); err != nil {
			return nil, nil, err
		}
		if _, asked := balances[k]; asked {
			balances[k] = model.NewBalance(onHand, reserved, safety)
			stamps[k] = updated.UTC()
		}
	}
	return balances, stamps, rows.Err()
}

// ListStock implements store.Stock.
func (s *Store) ListStock(ctx context.Context, q store.StockQuery) ([]store.StockLevel, error) {
	var w where
	w.add("shop_id = ANY(%s)", q.ShopIDs)
	if q.SKU != "" {
		w.add("sku = %s", q.SKU)
	}
	if q.WarehouseID != "" {
		w.add("warehouse_id = %s", q.WarehouseID)
	}
	if q.LowOnly {
		w.cond = append(w.cond, "on_hand - reserved <= safety_stock")
	}
	if q.After != nil {
		w.add("(sku, warehouse_id) > (%s, %s)", q.After.SKU, q.After.WarehouseID)
	}
	limit := w.arg(limitOf(q.Limit))
	rows, err := s.pool.Query(ctx, `SELECT shop_id, warehouse_id, sku, on_hand, reserved, safety_stock, updated_at FROM stock
		WHERE `+w.String()+` ORDER BY sku, warehouse_id LIMIT `+limit, w.args...)
	if err != nil {
		return nil, wrap(err, "list stock")
	}
	defer rows.Close()
	var out []store.StockLevel
	for rows.Next() {
		var shop string
		var k store.StockKey
		var onHand, reserved, safety int64
		var updated time.Time
		if err := rows.Scan(&shop, &k.WarehouseID, &k.SKU, &onHand, &reserved, &safety, &updated); err != nil {
			return nil, wrap(err, "list stock")
		}
		out = append(out, store.NewStockLevel(shop, k, model.NewBalance(onHand, reserved, safety), updated.UTC()))
	}
	return out, wrap(rows.Err(), "list stock")
}

// ListMovements implements store.Stock.
func (s *Store) ListMovements(ctx context.Context, q store.MovementQuery) ([]store.MovementRecord, error) {
	var w where
	w.add("shop_id = ANY(%s)", q.ShopIDs)
	w.add("seq > %s", q.AfterSeq)
	if q.SKU != "" {
		w.add("sku = %s", q.SKU)
	}
	if q.WarehouseID != "" {
		w.add("warehouse_id = %s", q.WarehouseID)
	}
	if q.OrderID != "" {
		w.add("order_id = %s", q.OrderID)
	}
	limit := w.arg(limitOf(q.Limit))
	rows, err := s.pool.Query(ctx, `SELECT seq, shop_id, warehouse_id, sku, kind, quantity, reason, actor, at, order_id,
		on_hand_after, reserved_after, safety_after FROM stock_movements WHERE `+w.String()+` ORDER BY seq LIMIT `+limit, w.args...)
	if err != nil {
		return nil, wrap(err, "list movements")
	}
	defer rows.Close()
	var out []store.MovementRecord
	for rows.Next() {
		var r store.MovementRecord
		var onHand, reserved, safety int64
		if err := rows.Scan(&r.Seq, &r.ShopID, &r.WarehouseID, &r.SKU, &r.Kind, &r.Quantity, &r.Reason, &r.Actor, &r.At, &r.OrderID,
			&onHand, &reserved, &safety); err != nil {
			return nil, wrap(err, "list movements")
		}
		r.At = r.At.UTC()
		r.After = model.NewBalance(onHand, reserved, safety)
		out = append(out, r)
	}
	return out, wrap(rows.Err(), "list movements")
}

const allocationColumns = `order_id, shop_id, status, doc, created_at, updated_at`

// GetAllocation implements store.Stock.
func (s *Store) GetAllocation(ctx context.Context, shopIDs []string, orderID string) (store.Allocation, error) {
	a, err := scanAllocation(s.pool.QueryRow(ctx, `SELECT `+allocationColumns+` FROM allocations WHERE order_id = $1 AND shop_id = ANY($2)`,
		orderID, shopIDs))
	return a, wrap(err, "allocation of order "+orderID)
}

func scanAllocation(r pgx.Row) (store.Allocation, error) {
	var a store.Allocation
	var doc []byte
	if err := r.Scan(&a.OrderID, &a.ShopID, &a.Status, &doc, &a.CreatedAt, &a.UpdatedAt); err != nil {
		return a, err
	}
	if err := json.Unmarshal(doc, &a.Decision); err != nil {
		return a, fmt.Errorf("decode allocation of %s: %w", a.OrderID, err)
	}
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return a, nil
}

// ListUnsettledAllocations implements store.Stock.
func (s *Store) ListUnsettledAllocations(ctx context.Context, statuses []model.Status, limit int) ([]store.Allocation, error) {
	names := make([]string, len(statuses))
	for i, st := range statuses {
		names[i] = string(st)
	}
	rows, err := s.pool.Query(ctx, `SELECT a.order_id, a.shop_id, a.status, a.doc, a.created_at, a.updated_at
		FROM allocations a JOIN orders o ON o.id = a.order_id
		WHERE a.status = 'reserved' AND o.status = ANY($1) ORDER BY a.order_id LIMIT $2`, names, limitOf(limit))
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

// where builds a WHERE clause with numbered parameters.
type where struct {
	cond []string
	args []any
}

// arg adds a parameter and returns its placeholder.
func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

// add adds a condition whose %s verbs are replaced by placeholders for args.
func (w *where) add(format string, args ...any) {
	ph := make([]any, len(args))
	for i, a := range args {
		ph[i] = w.arg(a)
	}
	w.cond = append(w.cond, fmt.Sprintf(format, ph...))
}

func (w *where) String() string { return strings.Join(w.cond, " AND ") }

func limitOf(n int) int {
	if n <= 0 || n > store.MaxQueryRows {
		return store.MaxQueryRows
	}
	return n
}
