package sqlite

// Tracking on SQLite. The one writer connection serialises every write transaction, so the
// order a clock change reads cannot change under it.

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

var _ store.Tracking = (*Store)(nil)

// zmicros is t in microseconds, NULL when zero.
func zmicros(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMicro(), Valid: true}
}

func fromZMicros(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMicros(v.Int64)
}

type shipKey struct{ carrier, number string }

// txStmts runs a transaction's statements prepared once each: a batch runs the same dozen
// statements for every parcel, and parsing them again each time was a third of its cost.
type txStmts struct {
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
}

func newTxStmts(tx *sql.Tx) *txStmts { return &txStmts{tx: tx, stmts: map[string]*sql.Stmt{}} }

func (c *txStmts) prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := c.stmts[query]; ok {
		return st, nil
	}
	st, err := c.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.stmts[query] = st
	return st, nil
}

func (c *txStmts) close() {
	for _, st := range c.stmts {
		st.Close()
	}
}

func (c *txStmts) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := c.prepare(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (c *txStmts) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := c.prepare(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (c *txStmts) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := c.prepare(ctx, query)
	if err != nil {
		return c.tx.QueryRowContext(ctx, query, args...) // reports the same error
	}
	return st.QueryRowContext(ctx, args...)
}

// ShopsOfParcels implements store.Tracking.
func (s *Store) ShopsOfParcels(ctx context.Context, carrier string, numbers []string) ([]string, error) {
	if err := store.CheckScope(numbers, "carrier", carrier); err != nil {
		return nil, err
	}
	var out []string
	for start := 0; start < len(numbers); start += 500 {
		chunk := numbers[start:min(start+500, len(numbers))]
		args := append([]any{carrier}, anys(chunk)...)
		rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT shop_id FROM shipments WHERE carrier = ? AND tracking_number IN (`+
			placeholders(len(chunk))+`)`, args...)
		if err != nil {
			return nil, wrap(err, "shops of parcels")
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, wrap(err, "shops of parcels")
		}
	}
	slices.Sort(out)
	return out, nil
}

// ChangeClocks implements store.Tracking.
func (s *Store) ChangeClocks(ctx context.Context, shopIDs []string, orderID string, fn store.ClockFunc) error {
	if err := store.CheckScope(shopIDs, "order_id", orderID); err != nil {
		return err
	}
	return s.inTx(ctx, "change clocks of order "+orderID, func(tx *sql.Tx) error {
		c := newTxStmts(tx)
		defer c.close()
		var jobs []store.Job
		if err := s.changeClocks(ctx, c, shopIDs, orderID, fn, &jobs); err != nil {
			return err
		}
		return s.insertJobs(ctx, tx, jobs)
	})
}

// OrderClocks implements store.Tracking: one read-only transaction on the reader pool.
func (s *Store) OrderClocks(ctx context.Context, shopIDs []string, orderID string) (store.ClockState, error) {
	if err := store.CheckScope(shopIDs, "order_id", orderID); err != nil {
		return store.ClockState{}, err
	}
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return store.ClockState{}, wrap(err, "read clocks of order "+orderID)
	}
	defer tx.Rollback()
	st, err := loadClockState(ctx, tx, shopIDs, orderID)
	return st, wrap(err, "read clocks of order "+orderID)
}

func (s *Store) changeClocks(ctx context.Context, c *txStmts, shopIDs []string, orderID string, fn store.ClockFunc, jobs *[]store.Job) error {
	st, err := loadClockState(ctx, c, shopIDs, orderID)
	if err != nil {
		return err
	}
	ch, err := fn(st)
	if err != nil {
		return err
	}
	return writeClockChange(ctx, c, st, ch, jobs)
}

// writeClockChange writes what the clocks decided for the order of st: deadlines only where
// they differ from st's.
func writeClockChange(ctx context.Context, c *txStmts, st store.ClockState, ch store.ClockChange, jobs *[]store.Job) error {
	if err := store.CheckClockChange(st, ch); err != nil {
		return err
	}
	if ch.OrderChanged {
		if err := updateOrder(ctx, c.tx, &ch.Order); err != nil {
			return err
		}
		evs, err := orderEventJobs(ctx, c.tx, store.OrderWrites{Updated: []model.Order{ch.Order}})
		if err != nil {
			return err
		}
		*jobs = append(*jobs, evs...)
	}
	for _, sc := range ch.ShipmentStatuses {
		if _, err := c.ExecContext(ctx, `UPDATE shipments SET status = ?, updated_at = ? WHERE id = ? AND order_id = ?`,
			string(sc.Status), micros(sc.At), sc.ShipmentID, st.Order.ID); err != nil {
			return wrap(err, "status of shipment "+sc.ShipmentID)
		}
	}
	if t := ch.Tracking; t != nil {
		if _, err := c.ExecContext(ctx, `INSERT INTO tracking_states (shipment_id, shop_id, order_id, carrier, tracking_number, status,
			reason, first_scan_at, last_event_at, delivered_at, summary, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (shipment_id) DO UPDATE SET status = excluded.status, reason = excluded.reason,
			first_scan_at = excluded.first_scan_at, last_event_at = excluded.last_event_at, delivered_at = excluded.delivered_at,
			summary = excluded.summary, updated_at = excluded.updated_at`,
			t.ShipmentID, st.Order.ShopID, st.Order.ID, t.Carrier, t.TrackingNumber, t.Status, t.Reason,
			zmicros(t.FirstScanAt), zmicros(t.LastEventAt), zmicros(t.DeliveredAt), string(orEmptyJSON(t.Summary)), micros(t.UpdatedAt)); err != nil {
			return fmt.Errorf("tracking state of %s: %w", t.ShipmentID, err)
		}
	}
	if ch.ReplaceDeadlines {
		gone, changed := store.DiffDeadlines(st.Deadlines, ch.Deadlines)
		for _, key := range gone {
			if _, err := c.ExecContext(ctx, `DELETE FROM deadlines WHERE key = ? AND order_id = ?`, key, st.Order.ID); err != nil {
				return err
			}
		}
		for _, d := range changed {
			if _, err := c.ExecContext(ctx, `INSERT INTO deadlines (key, shop_id, order_id, rule, name, subject, subject_id, start_at,
				due_at, at_risk_at, source, met_at, state, next_check_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (key) DO UPDATE SET rule = excluded.rule,
				name = excluded.name, subject = excluded.subject, subject_id = excluded.subject_id, start_at = excluded.start_at,
				due_at = excluded.due_at, at_risk_at = excluded.at_risk_at, source = excluded.source, met_at = excluded.met_at,
				state = excluded.state, next_check_at = excluded.next_check_at WHERE deadlines.order_id = excluded.order_id`,
				d.Key, st.Order.ShopID, st.Order.ID, d.Rule, d.Name, d.Subject, d.SubjectID, micros(d.StartAt), micros(d.DueAt),
				micros(d.AtRiskAt), d.Source, zmicros(d.MetAt), d.State, zmicros(d.NextCheckAt)); err != nil {
				return fmt.Errorf("deadline %s: %w", d.Key, err)
			}
		}
	}
	for _, x := range ch.Exceptions {
		if _, err := c.ExecContext(ctx, `INSERT INTO tracking_exceptions (id, key, shop_id, order_id, shipment_id, carrier, tracking_number,
			type, opened_at, closed_at, raw_code, description, action, resolved_at, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, '')
			ON CONFLICT (key) DO UPDATE SET closed_at = excluded.closed_at, description = excluded.description, action = excluded.action`,
			x.ID, x.Key, st.Order.ShopID, st.Order.ID, x.ShipmentID, x.Carrier, x.TrackingNumber, x.Type, micros(x.OpenedAt),
			zmicros(x.ClosedAt), x.RawCode, x.Description, x.Action); err != nil {
			return fmt.Errorf("exception %s: %w", x.Key, err)
		}
	}
	for _, a := range ch.Alerts {
		if _, err := c.ExecContext(ctx, `INSERT INTO deadline_alerts (id, key, kind, shop_id, order_id, rule, name, subject, subject_id,
			due_at, raised_at, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key, kind) DO NOTHING`,
			a.ID, a.Key, a.Kind, st.Order.ShopID, st.Order.ID, a.Rule, a.Name, a.Subject, a.SubjectID, micros(a.DueAt), micros(a.RaisedAt),
			a.Message); err != nil {
			return fmt.Errorf("alert %s: %w", a.Key, err)
		}
	}
	*jobs = append(*jobs, ch.Jobs...)
	return nil
}

func orEmptyJSON(b json.RawMessage) json.RawMessage {
	if len(b) == 0 {
		return json.RawMessage("{}")
	}
	return b
}

// txQuerier is a transaction or a read-only one.
type txQuerier interface {
	querier
	trackQuerier
}

// loadClockState reads what the clocks of an order need.
func loadClockState(ctx context.Context, tx txQuerier, shopIDs []string, orderID string) (store.ClockState, error) {
	st := store.ClockState{Tracking: map[string]store.TrackingState{}, Alerted: map[string]bool{}, Warehouses: map[string]string{}}
	o, err := getOrder(ctx, tx, shopIDs, orderID)
	if err != nil {
		return st, err
	}
	st.Order = o
	prows, err := tx.QueryContext(ctx, `SELECT id, warehouse_id FROM packages WHERE order_id = ?`, orderID)
	if err != nil {
		return st, err
	}
	for prows.Next() {
		var id, wh string
		if err := prows.Scan(&id, &wh); err != nil {
			prows.Close()
			return st, err
		}
		st.Warehouses[id] = wh
	}
	prows.Close()
	if err := prows.Err(); err != nil {
		return st, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+shipmentColumns+` FROM shipments WHERE order_id = ? ORDER BY seq`, orderID)
	if err != nil {
		return st, err
	}
	for rows.Next() {
		sh, err := scanShipment(rows)
		if err != nil {
			rows.Close()
			return st, err
		}
		st.Shipments = append(st.Shipments, sh)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, err
	}
	states, err := queryStates(ctx, tx, `order_id = ?`, orderID)
	if err != nil {
		return st, err
	}
	for _, t := range states {
		st.Tracking[t.ShipmentID] = t
	}
	if st.Deadlines, err = queryDeadlines(ctx, tx, orderID); err != nil {
		return st, err
	}
	arows, err := tx.QueryContext(ctx, `SELECT key, kind FROM deadline_alerts WHERE order_id = ?`, orderID)
	if err != nil {
		return st, err
	}
	for arows.Next() {
		var k, kind string
		if err := arows.Scan(&k, &kind); err != nil {
			arows.Close()
			return st, err
		}
		st.Alerted[k+"/"+kind] = true
	}
	arows.Close()
	if err := arows.Err(); err != nil {
		return st, err
	}
	st.Exceptions, err = queryExceptions(ctx, tx, `order_id = ?`, []any{orderID}, "seq", 0)
	return st, err
}

type trackQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

const stateColumns = `shipment_id, shop_id, order_id, carrier, tracking_number, status, reason, first_scan_at, last_event_at,
	delivered_at, summary, updated_at`

func queryStates(ctx context.Context, q trackQuerier, where string, args ...any) ([]store.TrackingState, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+stateColumns+` FROM tracking_states WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.TrackingState
	for rows.Next() {
		var t store.TrackingState
		var first, last, delivered sql.NullInt64
		var updated int64
		var summary string
		if err := rows.Scan(&t.ShipmentID, &t.ShopID, &t.OrderID, &t.Carrier, &t.TrackingNumber, &t.Status, &t.Reason,
			&first, &last, &delivered, &summary, &updated); err != nil {
			return nil, err
		}
		t.FirstScanAt, t.LastEventAt, t.DeliveredAt = fromZMicros(first), fromZMicros(last), fromZMicros(delivered)
		t.Summary, t.UpdatedAt = json.RawMessage(summary), fromMicros(updated)
		out = append(out, t)
	}
	return out, rows.Err()
}

const deadlineColumns = `key, shop_id, order_id, rule, name, subject, subject_id, start_at, due_at, at_risk_at, source, met_at, state, next_check_at`

func queryDeadlines(ctx context.Context, q trackQuerier, orderID string) ([]store.DeadlineRow, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+deadlineColumns+` FROM deadlines WHERE order_id = ? ORDER BY due_at, key`, orderID)
	if err != nil {
		return nil, err
	}
	return scanDeadlines(rows)
}

func scanDeadlines(rows *sql.Rows) ([]store.DeadlineRow, error) {
	defer rows.Close()
	var out []store.DeadlineRow
	for rows.Next() {
		var d store.DeadlineRow
		var start, due, risk int64
		var met, next sql.NullInt64
		if err := rows.Scan(&d.Key, &d.ShopID, &d.OrderID, &d.Rule, &d.Name, &d.Subject, &d.SubjectID, &start, &due, &risk,
			&d.Source, &met, &d.State, &next); err != nil {
			return nil, err
		}
		d.StartAt, d.DueAt, d.AtRiskAt = fromMicros(start), fromMicros(due), fromMicros(risk)
		d.MetAt, d.NextCheckAt = fromZMicros(met), fromZMicros(next)
		out = append(out, d)
	}
	return out, rows.Err()
}

// shipmentEvents reads sh's events, oldest first. They are found by sh's carrier and tracking
// number, the primary key's prefix (there is no index by shipment): a number that a later
// shipment reuses holds that shipment's events too, which the shipment id filters out.
func shipmentEvents(ctx context.Context, q trackQuerier, sh model.Shipment) ([]store.TrackingEvent, error) {
	rows, err := q.QueryContext(ctx, `SELECT carrier, tracking_number, raw_code, occurred_at, description, location, status, reason,
		milestones, shipment_id, shop_id, received_at FROM tracking_events WHERE carrier = ? AND tracking_number = ? AND shipment_id = ?
		ORDER BY occurred_at, raw_code`, sh.Carrier, sh.TrackingNumber, sh.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.TrackingEvent
	for rows.Next() {
		var e store.TrackingEvent
		var occurred, received int64
		var loc string
		if err := rows.Scan(&e.Carrier, &e.TrackingNumber, &e.RawCode, &occurred, &e.Description, &loc, &e.Status, &e.Reason,
			&e.Milestones, &e.ShipmentID, &e.ShopID, &received); err != nil {
			return nil, err
		}
		e.OccurredAt, e.ReceivedAt = fromMicros(occurred), fromMicros(received)
		if loc != "" {
			e.Location = json.RawMessage(loc)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// GetTracking implements store.Tracking.
func (s *Store) GetTracking(ctx context.Context, shopIDs []string, shipmentID string) (store.TrackingState, []store.TrackingEvent, error) {
	sh, err := s.GetShipment(ctx, shopIDs, shipmentID)
	if err != nil {
		return store.TrackingState{}, nil, err
	}
	st := store.TrackingState{ShipmentID: sh.ID, ShopID: sh.ShopID, OrderID: sh.OrderID, Carrier: sh.Carrier, TrackingNumber: sh.TrackingNumber}
	states, err := queryStates(ctx, s.r, `shipment_id = ?`, shipmentID)
	if err != nil {
		return st, nil, wrap(err, "tracking of "+shipmentID)
	}
	if len(states) == 1 {
		st = states[0]
	}
	events, err := shipmentEvents(ctx, s.r, sh)
	return st, events, wrap(err, "tracking events of "+shipmentID)
}

// ListDeadlines implements store.Tracking.
func (s *Store) ListDeadlines(ctx context.Context, shopIDs []string, orderID string) ([]store.DeadlineRow, error) {
	if _, err := getOrder(ctx, s.r, shopIDs, orderID); err != nil {
		return nil, err
	}
	ds, err := queryDeadlines(ctx, s.r, orderID)
	return ds, wrap(err, "deadlines of "+orderID)
}

// DueOrders implements store.Tracking.
func (s *Store) DueOrders(ctx context.Context, now time.Time, limit int) ([]store.OrderRef, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT order_id, shop_id FROM deadlines WHERE next_check_at IS NOT NULL AND next_check_at <= ?
		GROUP BY order_id, shop_id ORDER BY min(next_check_at), order_id LIMIT ?`, micros(now), store.ClampLimit(limit))
	if err != nil {
		return nil, wrap(err, "due deadlines")
	}
	defer rows.Close()
	var out []store.OrderRef
	seen := map[string]bool{}
	for rows.Next() {
		var r store.OrderRef
		if err := rows.Scan(&r.ID, &r.ShopID); err != nil {
			return nil, err
		}
		if !seen[r.ID] {
			seen[r.ID] = true
			out = append(out, r)
		}
	}
	return out, wrap(rows.Err(), "due deadlines")
}

// ChangedOrders implements store.Tracking.
func (s *Store) ChangedOrders(ctx context.Context, after store.Cursor, limit int) ([]store.OrderRef, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, shop_id, modified_at FROM orders WHERE (modified_at, id) > (?, ?)
		ORDER BY modified_at, id LIMIT ?`, micros(after.ModifiedAt), after.ID, store.ClampLimit(limit))
	if err != nil {
		return nil, wrap(err, "changed orders")
	}
	defer rows.Close()
	var out []store.OrderRef
	for rows.Next() {
		var r store.OrderRef
		var m int64
		if err := rows.Scan(&r.ID, &r.ShopID, &m); err != nil {
			return nil, err
		}
		r.ModifiedAt = fromMicros(m)
		out = append(out, r)
	}
	return out, wrap(rows.Err(), "changed orders")
}

// GetMark implements store.Tracking.
func (s *Store) GetMark(ctx context.Context, name string) (store.Cursor, error) {
	var c store.Cursor
	var m int64
	err := s.r.QueryRowContext(ctx, `SELECT modified_at, id FROM tracking_marks WHERE name = ?`, name).Scan(&m, &c.ID)
	if err == sql.ErrNoRows {
		return store.Cursor{}, nil
	}
	c.ModifiedAt = fromMicros(m)
	return c, wrap(err, "mark "+name)
}

// PutMark implements store.Tracking.
func (s *Store) PutMark(ctx context.Context, name string, c store.Cursor) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO tracking_marks (name, modified_at, id) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET modified_at = excluded.modified_at, id = excluded.id`, name, micros(c.ModifiedAt), c.ID)
	return wrap(err, "mark "+name)
}

// CountDue implements store.Tracking.
func (s *Store) CountDue(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM deadlines WHERE next_check_at IS NOT NULL AND next_check_at <= ?`, micros(now)).Scan(&n)
	return n, wrap(err, "count due deadlines")
}

const exceptionColumns = `id, key, shop_id, order_id, shipment_id, carrier, tracking_number, type, opened_at, closed_at, raw_code,
	description, action, resolved_at, note`

func queryExceptions(ctx context.Context, q trackQuerier, where string, args []any, order string, limit int) ([]store.TrackingException, error) {
	sqlText := `SELECT ` + exceptionColumns + ` FROM tracking_exceptions WHERE ` + where + ` ORDER BY ` + order
	if limit > 0 {
		sqlText += fmt.Sprintf(" LIMIT %d", limit)
	}
	rows, err := q.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.TrackingException
	for rows.Next() {
		var x store.TrackingException
		var opened int64
		var closed, resolved sql.NullInt64
		if err := rows.Scan(&x.ID, &x.Key, &x.ShopID, &x.OrderID, &x.ShipmentID, &x.Carrier, &x.TrackingNumber, &x.Type, &opened,
			&closed, &x.RawCode, &x.Description, &x.Action, &resolved, &x.Note); err != nil {
			return nil, err
		}
		x.OpenedAt, x.ClosedAt, x.ResolvedAt = fromMicros(opened), fromZMicros(closed), fromZMicros(resolved)
		out = append(out, x)
	}
	return out, rows.Err()
}

// ListExceptions implements store.Tracking.
func (s *Store) ListExceptions(ctx context.Context, q store.ExceptionQuery) ([]store.TrackingException, error) {
	if err := store.CheckScope(q.ShopIDs, "type", q.Type, "carrier", q.Carrier, "after", q.AfterID); err != nil {
		return nil, err
	}
	if len(q.ShopIDs) == 0 {
		return nil, nil
	}
	cond, args := inShops("shop_id", q.ShopIDs, nil)
	where := []string{cond}
	if q.Type != "" {
		where, args = append(where, "type = ?"), append(args, q.Type)
	}
	if q.Carrier != "" {
		where, args = append(where, "carrier = ?"), append(args, q.Carrier)
	}
	if q.Open {
		where = append(where, "resolved_at IS NULL AND closed_at IS NULL")
	}
	if q.AfterID != "" {
		where, args = append(where, "seq > COALESCE((SELECT seq FROM tracking_exceptions WHERE id = ?), 0)"), append(args, q.AfterID)
	}
	xs, err := queryExceptions(ctx, s.r, strings.Join(where, " AND "), args, "seq", store.ClampLimit(q.Limit))
	return xs, wrap(err, "list exceptions")
}

// ResolveException implements store.Tracking.
func (s *Store) ResolveException(ctx context.Context, shopIDs []string, id, note string, at time.Time) (store.TrackingException, error) {
	if err := store.CheckScope(shopIDs, "id", id, "note", note); err != nil {
		return store.TrackingException{}, err
	}
	var out store.TrackingException
	err := s.inTx(ctx, "resolve exception "+id, func(tx *sql.Tx) error {
		if len(shopIDs) == 0 {
			return fmt.Errorf("exception %s: %w", id, model.ErrNotFound)
		}
		cond, args := inShops("shop_id", shopIDs, []any{micros(at), note, id})
		if _, err := tx.ExecContext(ctx, `UPDATE tracking_exceptions SET resolved_at = ?, note = ? WHERE resolved_at IS NULL AND id = ? AND `+cond, args...); err != nil {
			return err
		}
		cond, args = inShops("shop_id", shopIDs, []any{id})
		xs, err := queryExceptions(ctx, tx, `id = ? AND `+cond, args, "seq", 1)
		if err != nil {
			return err
		}
		if len(xs) == 0 {
			return fmt.Errorf("exception %s: %w", id, model.ErrNotFound)
		}
		out = xs[0]
		return nil
	})
	return out, err
}

// ListAlerts implements store.Tracking.
func (s *Store) ListAlerts(ctx context.Context, q store.AlertQuery) ([]store.DeadlineAlert, error) {
	if err := store.CheckScope(q.ShopIDs, "kind", q.Kind, "order_id", q.OrderID, "before", q.BeforeID); err != nil {
		return nil, err
	}
	if len(q.ShopIDs) == 0 {
		return nil, nil
	}
	cond, args := inShops("shop_id", q.ShopIDs, nil)
	where := []string{cond}
	if q.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, q.Kind)
	}
	if q.OrderID != "" {
		where, args = append(where, "order_id = ?"), append(args, q.OrderID)
	}
	if q.BeforeID != "" {
		where, args = append(where, "seq < COALESCE((SELECT seq FROM deadline_alerts WHERE id = ?), 9223372036854775807)"), append(args, q.BeforeID)
	}
	args = append(args, store.ClampLimit(q.Limit))
	rows, err := s.r.QueryContext(ctx, `SELECT id, key, kind, shop_id, order_id, rule, name, subject, subject_id, due_at, raised_at, message
		FROM deadline_alerts WHERE `+strings.Join(where, " AND ")+` ORDER BY seq DESC LIMIT ?`, args...)
	if err != nil {
		return nil, wrap(err, "list alerts")
	}
	defer rows.Close()
	var out []store.DeadlineAlert
	for rows.Next() {
		var a store.DeadlineAlert
		var due, raised int64
		if err := rows.Scan(&a.ID, &a.Key, &a.Kind, &a.ShopID, &a.OrderID, &a.Rule, &a.Name, &a.Subject, &a.SubjectID, &due, &raised, &a.Message); err != nil {
			return nil, err
		}
		a.DueAt, a.RaisedAt = fromMicros(due), fromMicros(raised)
		out = append(out, a)
	}
	return out, wrap(rows.Err(), "list alerts")
}

// ListOrderClocks implements store.Tracking.
func (s *Store) ListOrderClocks(ctx context.Context, shopIDs []string, from, to time.Time) ([]store.ClockState, error) {
	if err := store.CheckScope(shopIDs); err != nil {
		return nil, err
	}
	if len(shopIDs) == 0 {
		return nil, nil
	}
	cond, args := inShops("shop_id", shopIDs, []any{micros(from), micros(to)})
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT order_id FROM deadlines WHERE due_at >= ? AND due_at < ? AND `+cond+` ORDER BY order_id`, args...)
	if err != nil {
		return nil, wrap(err, "orders with deadlines")
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]store.ClockState, 0, len(ids))
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, wrap(err, "read clocks")
	}
	defer tx.Rollback()
	for _, id := range ids {
		st, err := loadClockState(ctx, tx, shopIDs, id)
		if err != nil {
			return nil, wrap(err, "clocks of order "+id)
		}
		out = append(out, st)
	}
	return out, nil
}

// DeliveryHistory implements store.Tracking. It reads tracking_states without an index on
// delivered_at: the tracker reads it rarely (its estimator is cached) and bounds it by since
// and limit.
func (s *Store) DeliveryHistory(ctx context.Context, since time.Time, limit int) ([]store.DeliveredShipment, error) {
	if limit <= 0 || limit > store.MaxDeliveryHistory {
		limit = store.MaxDeliveryHistory
	}
	rows, err := s.r.QueryContext(ctx, `SELECT t.shipment_id, s.carrier, s.service, p.warehouse_id,
		COALESCE(json_extract(o.doc, '$.shipping_address.country'), ''), COALESCE(json_extract(o.doc, '$.shipping_address.region'), ''),
		t.first_scan_at, t.delivered_at
		FROM tracking_states t JOIN shipments s ON s.id = t.shipment_id JOIN packages p ON p.id = s.package_id
		JOIN orders o ON o.id = t.order_id
		WHERE t.delivered_at >= ? AND t.first_scan_at IS NOT NULL
		ORDER BY t.delivered_at DESC, t.shipment_id LIMIT ?`, micros(since), limit)
	if err != nil {
		return nil, wrap(err, "delivery history")
	}
	defer rows.Close()
	var out []store.DeliveredShipment
	for rows.Next() {
		var d store.DeliveredShipment
		var first, delivered int64
		if err := rows.Scan(&d.ShipmentID, &d.Carrier, &d.Service, &d.WarehouseID, &d.Country, &d.Region, &first, &delivered); err != nil {
			return nil, wrap(err, "delivery history")
		}
		d.FirstScanAt, d.DeliveredAt = fromMicros(first), fromMicros(delivered)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(err, "delivery history")
	}
	return out, nil
}
