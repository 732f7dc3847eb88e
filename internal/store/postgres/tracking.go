package postgres

// Tracking on PostgreSQL. A clock change locks its order row FOR UPDATE, the lock of
// UpdateOrder and ChangeShipping, so two batches with events of one order apply them one after
// the other, each seeing the other's events once it holds the lock. A batch takes its orders
// in id order, so two batches never wait for each other in a circle.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"lastmile/internal/model"
	"lastmile/internal/store"
)

var _ store.Tracking = (*Store)(nil)

// ztime is t, nil when zero (a NULL column).
func ztime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func fromZ(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

type shipKey struct{ carrier, number string }

func findShipments(ctx context.Context, tx pgx.Tx, shopIDs []string, events []store.TrackingEvent) (map[shipKey]*model.Shipment, error) {
	out := map[shipKey]*model.Shipment{}
	if len(shopIDs) == 0 {
		return out, nil
	}
	var carriers, numbers []string
	seen := map[shipKey]bool{}
	for _, e := range events {
		k := shipKey{e.Carrier, e.TrackingNumber}
		if !seen[k] {
			seen[k] = true
			carriers, numbers = append(carriers, e.Carrier), append(numbers, e.TrackingNumber)
		}
	}
	rows, err := tx.Query(ctx, `SELECT DISTINCT ON (s.carrier, s.tracking_number) `+prefixed("s.", shipmentColumns)+`
		FROM shipments s JOIN unnest($1::text[], $2::text[]) AS k(carrier, number) ON s.carrier = k.carrier AND s.tracking_number = k.number
		WHERE s.shop_id = ANY($3)
		ORDER BY s.carrier, s.tracking_number, s.status IN ('voided', 'failed'), s.created_at DESC, s.seq DESC`, carriers, numbers, shopIDs)
	if err != nil {
		return nil, err
	}
	list, err := collect(rows, scanShipment)
	if err != nil {
		return nil, err
	}
	for i := range list {
		out[shipKey{list[i].Carrier, list[i].TrackingNumber}] = &list[i]
	}
	return out, nil
}

// ShopsOfParcels implements store.Tracking.
func (s *Store) ShopsOfParcels(ctx context.Context, carrier string, numbers []string) ([]string, error) {
	if err := store.CheckScope(numbers, "carrier", carrier); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT shop_id FROM shipments WHERE carrier = $1 AND tracking_number = ANY($2) ORDER BY shop_id`,
		carrier, numbers)
	if err != nil {
		return nil, wrap(err, "shops of parcels")
	}
	out, err := collect(rows, func(r pgx.Row) (string, error) {
		var id string
		return id, r.Scan(&id)
	})
	return out, wrap(err, "shops of parcels")
}

// ChangeClocks implements store.Tracking.
func (s *Store) ChangeClocks(ctx context.Context, shopIDs []string, orderID string, fn store.ClockFunc) error {
	if err := store.CheckScope(shopIDs, "order_id", orderID); err != nil {
		return err
	}
	return textError(s.inTx(ctx, "change clocks of order "+orderID, func(tx pgx.Tx) error {
		var jobs []store.Job
		if err := s.changeClocks(ctx, tx, shopIDs, orderID, fn, &jobs); err != nil {
			return err
		}
		return s.insertJobs(ctx, tx, jobs)
	}))
}

// OrderClocks implements store.Tracking: one read-only transaction, the order not locked.
func (s *Store) OrderClocks(ctx context.Context, shopIDs []string, orderID string) (store.ClockState, error) {
	if err := store.CheckScope(shopIDs, "order_id", orderID); err != nil {
		return store.ClockState{}, err
	}
	var st store.ClockState
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		var err error
		st, err = loadClockState(ctx, tx, shopIDs, orderID, false)
		return err
	})
	return st, wrap(err, "read clocks of order "+orderID)
}

func (s *Store) changeClocks(ctx context.Context, tx pgx.Tx, shopIDs []string, orderID string, fn store.ClockFunc, jobs *[]store.Job) error {
	st, err := loadClockState(ctx, tx, shopIDs, orderID, true)
	if err != nil {
		return err
	}
	ch, err := fn(st)
	if err != nil {
		return err
	}
	var w clockWrites
	if err := w.queue(ctx, tx, st, ch, jobs); err != nil {
		return err
	}
	return w.send(ctx, tx)
}

// clockWrites are the writes of one or more clock changes, sent in one round trip.
type clockWrites struct {
	b      pgx.Batch
	orders []model.Order // changed, each once (the latest)
}

// send writes the changed orders and the queued statements.
func (w *clockWrites) send(ctx context.Context, tx pgx.Tx) error {
	if len(w.orders) > 0 {
		if err := updateOrders(ctx, tx, w.orders); err != nil {
			return err
		}
	}
	if w.b.Len() > 0 {
		if err := tx.SendBatch(ctx, &w.b).Close(); err != nil {
			return fmt.Errorf("write clocks: %w", err)
		}
	}
	return nil
}

// queue checks what the clocks decided for the order of st and queues its writes (a changed
// order's order.updated event is read from tx and added to jobs): deadlines
// only where they differ from st's.
func (w *clockWrites) queue(ctx context.Context, tx pgx.Tx, st store.ClockState, ch store.ClockChange, jobs *[]store.Job) error {
	if err := store.CheckClockChange(st, ch); err != nil {
		return err
	}
	if ch.OrderChanged {
		i := slices.IndexFunc(w.orders, func(o model.Order) bool { return o.ID == ch.Order.ID })
		if i < 0 {
			w.orders = append(w.orders, ch.Order)
		} else {
			w.orders[i] = ch.Order
		}
		evs, err := orderEventJobs(ctx, tx, store.OrderWrites{Updated: []model.Order{ch.Order}})
		if err != nil {
			return err
		}
		*jobs = append(*jobs, evs...)
	}
	b := &w.b
	for _, c := range ch.ShipmentStatuses {
		b.Queue(`UPDATE shipments SET status = $1, updated_at = $2 WHERE id = $3 AND order_id = $4`, string(c.Status), c.At, c.ShipmentID, st.Order.ID)
	}
	if t := ch.Tracking; t != nil {
		b.Queue(`INSERT INTO tracking_states (shipment_id, shop_id, order_id, carrier, tracking_number, status, reason, first_scan_at,
			last_event_at, delivered_at, summary, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
			ON CONFLICT (shipment_id) DO UPDATE SET status = excluded.status, reason = excluded.reason,
			first_scan_at = excluded.first_scan_at, last_event_at = excluded.last_event_at, delivered_at = excluded.delivered_at,
			summary = excluded.summary, updated_at = excluded.updated_at`,
			t.ShipmentID, st.Order.ShopID, st.Order.ID, t.Carrier, t.TrackingNumber, t.Status, t.Reason,
			ztime(t.FirstScanAt), ztime(t.LastEventAt), ztime(t.DeliveredAt), string(orEmptyJSON(t.Summary)), t.UpdatedAt)
	}
	if ch.ReplaceDeadlines {
		gone, changed := store.DiffDeadlines(st.Deadlines, ch.Deadlines)
		if len(gone) > 0 {
			b.Queue(`DELETE FROM deadlines WHERE order_id = $1 AND key = ANY($2)`, st.Order.ID, gone)
		}
		for _, d := range changed {
			b.Queue(`INSERT INTO deadlines (key, shop_id, order_id, rule, name, subject, subject_id, start_at, due_at, at_risk_at, source,
				met_at, state, next_check_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
				ON CONFLICT (key) DO UPDATE SET rule = excluded.rule, name = excluded.name, subject = excluded.subject,
				subject_id = excluded.subject_id, start_at = excluded.start_at, due_at = excluded.due_at, at_risk_at = excluded.at_risk_at,
				source = excluded.source, met_at = excluded.met_at, state = excluded.state, next_check_at = excluded.next_check_at
				WHERE deadlines.order_id = excluded.order_id`,
				d.Key, st.Order.ShopID, st.Order.ID, d.Rule, d.Name, d.Subject, d.SubjectID, d.StartAt, d.DueAt, d.AtRiskAt, d.Source,
				ztime(d.MetAt), d.State, ztime(d.NextCheckAt))
		}
	}
	for _, x := range ch.Exceptions {
		b.Queue(`INSERT INTO tracking_exceptions (id, key, shop_id, order_id, shipment_id, carrier, tracking_number, type, opened_at,
			closed_at, raw_code, description, action, resolved_at, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, NULL, '')
			ON CONFLICT (key) DO UPDATE SET closed_at = excluded.closed_at, description = excluded.description, action = excluded.action`,
			x.ID, x.Key, st.Order.ShopID, st.Order.ID, x.ShipmentID, x.Carrier, x.TrackingNumber, x.Type, x.OpenedAt,
			ztime(x.ClosedAt), x.RawCode, x.Description, x.Action)
	}
	for _, a := range ch.Alerts {
		b.Queue(`INSERT INTO deadline_alerts (id, key, kind, shop_id, order_id, rule, name, subject, subject_id, due_at, raised_at, message)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (key, kind) DO NOTHING`,
			a.ID, a.Key, a.Kind, st.Order.ShopID, st.Order.ID, a.Rule, a.Name, a.Subject, a.SubjectID, a.DueAt, a.RaisedAt, a.Message)
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

// loadClockState reads what the clocks of an order need, the order locked when lock is set.
func loadClockState(ctx context.Context, tx pgx.Tx, shopIDs []string, orderID string, lock bool) (store.ClockState, error) {
	st := store.ClockState{Tracking: map[string]store.TrackingState{}, Alerted: map[string]bool{}, Warehouses: map[string]string{}}
	forUpdate := ""
	if lock {
		forUpdate = " FOR UPDATE"
	}
	var b pgx.Batch
	b.Queue(`SELECT `+orderColumns+` FROM orders WHERE id = $1 AND shop_id = ANY($2)`+forUpdate, orderID, shopIDs)
	b.Queue(`SELECT `+shipmentColumns+` FROM shipments WHERE order_id = $1 ORDER BY seq`, orderID)
	b.Queue(`SELECT `+stateColumns+` FROM tracking_states WHERE order_id = $1`, orderID)
	b.Queue(`SELECT `+deadlineColumns+` FROM deadlines WHERE order_id = $1 ORDER BY due_at, key`, orderID)
	b.Queue(`SELECT key, kind FROM deadline_alerts WHERE order_id = $1`, orderID)
	b.Queue(`SELECT `+exceptionColumns+` FROM tracking_exceptions WHERE order_id = $1 ORDER BY seq`, orderID)
	b.Queue(`SELECT id, warehouse_id FROM packages WHERE order_id = $1`, orderID)
	br := tx.SendBatch(ctx, &b)
	defer br.Close()
	o, err := scanOrder(br.QueryRow())
	if err != nil {
		return st, wrap(err, "order "+orderID)
	}
	st.Order = o
	rows, err := br.Query()
	if err != nil {
		return st, err
	}
	if st.Shipments, err = collect(rows, scanShipment); err != nil {
		return st, err
	}
	rows, err = br.Query()
	if err != nil {
		return st, err
	}
	states, err := collect(rows, scanState)
	if err != nil {
		return st, err
	}
	for _, t := range states {
		st.Tracking[t.ShipmentID] = t
	}
	rows, err = br.Query()
	if err != nil {
		return st, err
	}
	if st.Deadlines, err = collect(rows, scanDeadline); err != nil {
		return st, err
	}
	rows, err = br.Query()
	if err != nil {
		return st, err
	}
	keys, err := collect(rows, func(r pgx.Row) (string, error) {
		var k, kind string
		err := r.Scan(&k, &kind)
		return k + "/" + kind, err
	})
	if err != nil {
		return st, err
	}
	for _, k := range keys {
		st.Alerted[k] = true
	}
	rows, err = br.Query()
	if err != nil {
		return st, err
	}
	if st.Exceptions, err = collect(rows, scanException); err != nil {
		return st, err
	}
	rows, err = br.Query()
	if err != nil {
		return st, err
	}
	pairs, err := collect(rows, func(r pgx.Row) ([2]string, error) {
		var p [2]string
		return p, r.Scan(&p[0], &p[1])
	})
	if err != nil {
		return st, err
	}
	for _, p := range pairs {
		st.Warehouses[p[0]] = p[1]
	}
	return st, br.Close()
}

const stateColumns = `shipment_id, shop_id, order_id, carrier, tracking_number, status, reason, first_scan_at, last_event_at,
	delivered_at, summary, updated_at`

func scanState(r pgx.Row) (store.TrackingState, error) {
	var t store.TrackingState
	var first, last, delivered *time.Time
	var summary string
	if err := r.Scan(&t.ShipmentID, &t.ShopID, &t.OrderID, &t.Carrier, &t.TrackingNumber, &t.Status, &t.Reason,
		&first, &last, &delivered, &summary, &t.UpdatedAt); err != nil {
		return t, err
	}
	t.FirstScanAt, t.LastEventAt, t.DeliveredAt = fromZ(first), fromZ(last), fromZ(delivered)
	t.Summary, t.UpdatedAt = json.RawMessage(summary), t.UpdatedAt.UTC()
	return t, nil
}

const deadlineColumns = `key, shop_id, order_id, rule, name, subject, subject_id, start_at, due_at, at_risk_at, source, met_at, state, next_check_at`

func scanDeadline(r pgx.Row) (store.DeadlineRow, error) {
	var d store.DeadlineRow
	var met, next *time.Time
	if err := r.Scan(&d.Key, &d.ShopID, &d.OrderID, &d.Rule, &d.Name, &d.Subject, &d.SubjectID, &d.StartAt, &d.DueAt, &d.AtRiskAt,
		&d.Source, &met, &d.State, &next); err != nil {
		return d, err
	}
	d.StartAt, d.DueAt, d.AtRiskAt = d.StartAt.UTC(), d.DueAt.UTC(), d.AtRiskAt.UTC()
	d.MetAt, d.NextCheckAt = fromZ(met), fromZ(next)
	return d, nil
}

const exceptionColumns = `id, key, shop_id, order_id, shipment_id, carrier, tracking_number, type, opened_at, closed_at, raw_code,
	description, action, resolved_at, note`

func scanException(r pgx.Row) (store.TrackingException, error) {
	var x store.TrackingException
	var closed, resolved *time.Time
	if err := r.Scan(&x.ID, &x.Key, &x.ShopID, &x.OrderID, &x.ShipmentID, &x.Carrier, &x.TrackingNumber, &x.Type, &x.OpenedAt,
		&closed, &x.RawCode, &x.Description, &x.Action, &resolved, &x.Note); err != nil {
		return x, err
	}
	x.OpenedAt, x.ClosedAt, x.ResolvedAt = x.OpenedAt.UTC(), fromZ(closed), fromZ(resolved)
	return x, nil
}

type pgQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// shipmentEvents reads sh's events, oldest first. They are found by sh's carrier and tracking
// number, the primary key's prefix (there is no index by shipment): a number that a later
// shipment reuses holds that shipment's events too, which the shipment id filters out.
func shipmentEvents(ctx context.Context, q pgQuerier, sh model.Shipment) ([]store.TrackingEvent, error) {
	rows, err := q.Query(ctx, `SELECT carrier, tracking_number, raw_code, occurred_at, description, location, status, reason,
		milestones, shipment_id, shop_id, received_at FROM tracking_events WHERE carrier = $1 AND tracking_number = $2 AND shipment_id = $3
		ORDER BY occurred_at, raw_code`, sh.Carrier, sh.TrackingNumber, sh.ID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r pgx.Row) (store.TrackingEvent, error) {
		var e store.TrackingEvent
		var loc string
		err := r.Scan(&e.Carrier, &e.TrackingNumber, &e.RawCode, &e.OccurredAt, &e.Description, &loc, &e.Status, &e.Reason,
			&e.Milestones, &e.ShipmentID, &e.ShopID, &e.ReceivedAt)
		e.OccurredAt, e.ReceivedAt = e.OccurredAt.UTC(), e.ReceivedAt.UTC()
		if loc != "" {
			e.Location = json.RawMessage(loc)
		}
		return e, err
	})
}

// GetTracking implements store.Tracking.
func (s *Store) GetTracking(ctx context.Context, shopIDs []string, shipmentID string) (store.TrackingState, []store.TrackingEvent, error) {
	sh, err := s.GetShipment(ctx, shopIDs, shipmentID)
	if err != nil {
		return store.TrackingState{}, nil, err
	}
	st := store.TrackingState{ShipmentID: sh.ID, ShopID: sh.ShopID, OrderID: sh.OrderID, Carrier: sh.Carrier, TrackingNumber: sh.TrackingNumber}
	got, err := scanState(s.pool.QueryRow(ctx, `SELECT `+stateColumns+` FROM tracking_states WHERE shipment_id = $1`, shipmentID))
	switch {
	case err == nil:
		st = got
	case !errors.Is(err, pgx.ErrNoRows):
		return st, nil, wrap(err, "tracking of "+shipmentID)
	}
	events, err := shipmentEvents(ctx, s.pool, sh)
	return st, events, wrap(err, "tracking events of "+shipmentID)
}

// ListDeadlines implements store.Tracking.
func (s *Store) ListDeadlines(ctx context.Context, shopIDs []string, orderID string) ([]store.DeadlineRow, error) {
	if err := store.CheckScope(shopIDs, "order_id", orderID); err != nil {
		return nil, err
	}
	if _, err := s.GetOrder(ctx, shopIDs, orderID); err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+deadlineColumns+` FROM deadlines WHERE order_id = $1 ORDER BY due_at, key`, orderID)
	if err != nil {
		return nil, wrap(err, "deadlines of "+orderID)
	}
	ds, err := collect(rows, scanDeadline)
	return ds, wrap(err, "deadlines of "+orderID)
}

// DueOrders implements store.Tracking. It walks the due-time index in (next check, order, key)
// order, a page of rows at a time, and keeps each order at its first row (its earliest check)
// until it has limit orders: the same orders, in the same order, as grouping every due row by
// order, but a plan that follows the index whatever the planner knows. Grouping every due row
// needs the planner to know how few are due; without statistics (a table not analysed yet, a
// bulk load) it took a third of the index as due and read every deadline row, a sequential
// scan that was the sweep's fixed cost (1.3 s at 200,000 open orders) however few were due.
// The index walk also lets PostgreSQL mark the dead rows it passes, which a bitmap scan never
// does, so the next sweep skips them.
func (s *Store) DueOrders(ctx context.Context, now time.Time, limit int) ([]store.OrderRef, error) {
	limit = store.ClampLimit(limit)
	page := max(4*limit, 1000)
	out := make([]store.OrderRef, 0, limit)
	seen := map[string]bool{}
	var afterAt time.Time // before every check
	var afterOrder, afterKey string
	for len(out) < limit {
		rows, err := s.pool.Query(ctx, `SELECT next_check_at, order_id, key, shop_id FROM deadlines
			WHERE next_check_at IS NOT NULL AND next_check_at <= $1 AND (next_check_at, order_id, key) > ($2, $3, $4)
			ORDER BY next_check_at, order_id, key LIMIT $5`, now, afterAt, afterOrder, afterKey, page)
		if err != nil {
			return nil, wrap(err, "due deadlines")
		}
		n := 0
		for rows.Next() {
			var o store.OrderRef
			if err := rows.Scan(&afterAt, &afterOrder, &afterKey, &o.ShopID); err != nil {
				rows.Close()
				return nil, wrap(err, "due deadlines")
			}
			n++
			if o.ID = afterOrder; !seen[o.ID] && len(out) < limit {
				seen[o.ID] = true
				out = append(out, o)
			}
		}
		if err := rows.Err(); err != nil {
			return nil, wrap(err, "due deadlines")
		}
		if n < page {
			break
		}
	}
	return out, nil
}

// ChangedOrders implements store.Tracking.
func (s *Store) ChangedOrders(ctx context.Context, after store.Cursor, limit int) ([]store.OrderRef, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, shop_id, modified_at FROM orders WHERE (modified_at, id) > ($1, $2)
		ORDER BY modified_at, id LIMIT $3`, after.ModifiedAt, after.ID, store.ClampLimit(limit))
	if err != nil {
		return nil, wrap(err, "changed orders")
	}
	out, err := collect(rows, func(r pgx.Row) (store.OrderRef, error) {
		var o store.OrderRef
		err := r.Scan(&o.ID, &o.ShopID, &o.ModifiedAt)
		o.ModifiedAt = o.ModifiedAt.UTC()
		return o, err
	})
	return out, wrap(err, "changed orders")
}

// GetMark implements store.Tracking.
func (s *Store) GetMark(ctx context.Context, name string) (store.Cursor, error) {
	var c store.Cursor
	err := s.pool.QueryRow(ctx, `SELECT modified_at, id FROM tracking_marks WHERE name = $1`, name).Scan(&c.ModifiedAt, &c.ID)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Cursor{}, nil
	}
	c.ModifiedAt = c.ModifiedAt.UTC()
	return c, wrap(err, "mark "+name)
}

// PutMark implements store.Tracking.
func (s *Store) PutMark(ctx context.Context, name string, c store.Cursor) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO tracking_marks (name, modified_at, id) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET modified_at = excluded.modified_at, id = excluded.id`, name, c.ModifiedAt, c.ID)
	return wrap(err, "mark "+name)
}

// CountDue implements store.Tracking.
func (s *Store) CountDue(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM deadlines WHERE next_check_at IS NOT NULL AND next_check_at <= $1`,
		pgx.QueryExecModeExec, now).Scan(&n) // planned for its now: see DueOrders
	return n, wrap(err, "count due deadlines")
}

// ListExceptions implements store.Tracking.
func (s *Store) ListExceptions(ctx context.Context, q store.ExceptionQuery) ([]store.TrackingException, error) {
	if err := store.CheckScope(q.ShopIDs, "type", q.Type, "carrier", q.Carrier, "after", q.AfterID); err != nil {
		return nil, err
	}
	where := []string{"shop_id = ANY($1)"}
	args := []any{q.ShopIDs}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "$?", "$"+strconv.Itoa(len(args))))
	}
	if q.Type != "" {
		add("type = $?", q.Type)
	}
	if q.Carrier != "" {
		add("carrier = $?", q.Carrier)
	}
	if q.Open {
		where = append(where, "resolved_at IS NULL AND closed_at IS NULL")
	}
	if q.AfterID != "" {
		add("seq > COALESCE((SELECT seq FROM tracking_exceptions WHERE id = $?), 0)", q.AfterID)
	}
	rows, err := s.pool.Query(ctx, `SELECT `+exceptionColumns+` FROM tracking_exceptions WHERE `+strings.Join(where, " AND ")+
		` ORDER BY seq LIMIT `+strconv.Itoa(store.ClampLimit(q.Limit)), args...)
	if err != nil {
		return nil, wrap(err, "list exceptions")
	}
	xs, err := collect(rows, scanException)
	return xs, wrap(err, "list exceptions")
}

// ResolveException implements store.Tracking.
func (s *Store) ResolveException(ctx context.Context, shopIDs []string, id, note string, at time.Time) (store.TrackingException, error) {
	if err := store.CheckScope(shopIDs, "id", id, "note", note); err != nil {
		return store.TrackingException{}, err
	}
	var out store.TrackingException
	err := s.inTx(ctx, "resolve exception "+id, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE tracking_exceptions SET resolved_at = $1, note = $2 WHERE resolved_at IS NULL AND id = $3
			AND shop_id = ANY($4)`, at, note, id, shopIDs); err != nil {
			return err
		}
		x, err := scanException(tx.QueryRow(ctx, `SELECT `+exceptionColumns+` FROM tracking_exceptions WHERE id = $1 AND shop_id = ANY($2)`, id, shopIDs))
		if err != nil {
			return wrap(err, "exception "+id)
		}
		out = x
		return nil
	})
	return out, err
}

// ListAlerts implements store.Tracking.
func (s *Store) ListAlerts(ctx context.Context, q store.AlertQuery) ([]store.DeadlineAlert, error) {
	if err := store.CheckScope(q.ShopIDs, "kind", q.Kind, "order_id", q.OrderID, "before", q.BeforeID); err != nil {
		return nil, err
	}
	where := []string{"shop_id = ANY($1)"}
	args := []any{q.ShopIDs}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "$?", "$"+strconv.Itoa(len(args))))
	}
	if q.Kind != "" {
		add("kind = $?", q.Kind)
	}
	if q.OrderID != "" {
		add("order_id = $?", q.OrderID)
	}
	if q.BeforeID != "" {
		add("seq < COALESCE((SELECT seq FROM deadline_alerts WHERE id = $?), 9223372036854775807)", q.BeforeID)
	}
	rows, err := s.pool.Query(ctx, `SELECT id, key, kind, shop_id, order_id, rule, name, subject, subject_id, due_at, raised_at, message
		FROM deadline_alerts WHERE `+strings.Join(where, " AND ")+` ORDER BY seq DESC LIMIT `+strconv.Itoa(store.ClampLimit(q.Limit)), args...)
	if err != nil {
		return nil, wrap(err, "list alerts")
	}
	out, err := collect(rows, func(r pgx.Row) (store.DeadlineAlert, error) {
		var a store.DeadlineAlert
		err := r.Scan(&a.ID, &a.Key, &a.Kind, &a.ShopID, &a.OrderID, &a.Rule, &a.Name, &a.Subject, &a.SubjectID, &a.DueAt, &a.RaisedAt, &a.Message)
		a.DueAt, a.RaisedAt = a.DueAt.UTC(), a.RaisedAt.UTC()
		return a, err
	})
	return out, wrap(err, "list alerts")
}

// ListOrderClocks implements store.Tracking.
func (s *Store) ListOrderClocks(ctx context.Context, shopIDs []string, from, to time.Time) ([]store.ClockState, error) {
	if err := store.CheckScope(shopIDs); err != nil {
		return nil, err
	}
	var out []store.ClockState
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT DISTINCT order_id FROM deadlines WHERE due_at >= $1 AND due_at < $2 AND shop_id = ANY($3)
			ORDER BY order_id`, from, to, shopIDs)
		if err != nil {
			return err
		}
		ids, err := collect(rows, func(r pgx.Row) (string, error) {
			var id string
			return id, r.Scan(&id)
		})
		if err != nil {
			return err
		}
		for _, id := range ids {
			st, err := loadClockState(ctx, tx, shopIDs, id, false)
			if err != nil {
				return fmt.Errorf("clocks of order %s: %w", id, err)
			}
			out = append(out, st)
		}
		return nil
	})
	return out, wrap(err, "read clocks")
}

// DeliveryHistory implements store.Tracking. It reads tracking_states without an index on
// delivered_at: the tracker reads it rarely (its estimator is cached) and bounds it by since
// and limit.
func (s *Store) DeliveryHistory(ctx context.Context, since time.Time, limit int) ([]store.DeliveredShipment, error) {
	if limit <= 0 || limit > store.MaxDeliveryHistory {
		limit = store.MaxDeliveryHistory
	}
	rows, err := s.pool.Query(ctx, `SELECT t.shipment_id, s.carrier, s.service, p.warehouse_id,
		COALESCE(o.doc->'shipping_address'->>'country', ''), COALESCE(o.doc->'shipping_address'->>'region', ''),
		t.first_scan_at, t.delivered_at
		FROM tracking_states t JOIN shipments s ON s.id = t.shipment_id JOIN packages p ON p.id = s.package_id
		JOIN orders o ON o.id = t.order_id
		WHERE t.delivered_at >= $1 AND t.first_scan_at IS NOT NULL
		ORDER BY t.delivered_at DESC, t.shipment_id LIMIT $2`, since, limit)
	if err != nil {
		return nil, wrap(err, "delivery history")
	}
	out, err := collect(rows, func(r pgx.Row) (store.DeliveredShipment, error) {
		var d store.DeliveredShipment
		err := r.Scan(&d.ShipmentID, &d.Carrier, &d.Service, &d.WarehouseID, &d.Country, &d.Region, &d.FirstScanAt, &d.DeliveredAt)
		d.FirstScanAt, d.DeliveredAt = d.FirstScanAt.UTC(), d.DeliveredAt.UTC()
		return d, err
	})
	if err != nil {
		return nil, wrap(err, "delivery history")
	}
	return out, nil
}
